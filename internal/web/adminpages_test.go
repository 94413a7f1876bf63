package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/store"
)

const form = "application/x-www-form-urlencoded"

var shownSecret = regexp.MustCompile(`id="secret">([^<]+)<`)

// lastEntry is the newest audit entry about an account.
func lastEntry(t *testing.T, f *fixture, userID string) audit.Entry {
	t.Helper()
	page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: userID, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Entries {
		if e.RecordType == "user" && e.Action != audit.Consult {
			return e
		}
	}
	t.Fatalf("no change to account %s was recorded", userID)
	return audit.Entry{}
}

// TestAdminAddsAnAccountThatSignsIn: the password is shown once, the
// account signs in with it and must then set up two-step sign-in, and the
// creation is recorded with who did it.
func TestAdminAddsAnAccountThatSignsIn(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		admin := f.login(t, access.Admin)
		v := url.Values{"display_name": {"Jo Bloggs"}, "username": {"j.bloggs"}, "roles": {"handler"}, "units": {f.unitA.ID}}
		resp := admin.do(t, "POST", "/admin/users", form, v.Encode())
		m := shownSecret.FindStringSubmatch(resp.Body.String())
		if resp.Code != 201 || m == nil {
			t.Fatalf("adding: %d, secret shown: %v", resp.Code, m != nil)
		}
		password := html.UnescapeString(m[1])
		u, _, err := f.db.UserByUsername(ctx, "j.bloggs")
		if err != nil || !u.Has(access.Handler) || len(u.UnitIDs) != 1 || u.UnitIDs[0] != f.unitA.ID {
			t.Fatalf("stored account: %+v %v", u, err)
		}
		e := lastEntry(t, f, u.ID)
		if e.ActorID != f.users[access.Admin].ID || e.Action != audit.RoleChange || !strings.Contains(e.Reason, "Complaint handler") ||
			strings.Contains(e.Reason, password) {
			t.Errorf("creation recorded as %+v", e)
		}
		login := f.anonymous().do(t, "POST", "/api/v1/session", "application/json",
			`{"username":"j.bloggs","password":"`+password+`"}`)
		if login.Code != 200 || !strings.Contains(login.Body.String(), `"mfa_enrolment_required":true`) {
			t.Errorf("first sign-in: %d %s", login.Code, login.Body.String())
		}
		// The account page never shows the password again.
		if page := admin.do(t, "GET", "/admin/users/"+u.ID, "", "").Body.String(); strings.Contains(page, password) {
			t.Errorf("the account page shows the password")
		}
	})
}

// TestAdminFormsShowFaultsBesideFields: what was typed comes back with a
// message beside each field and in the summary.
func TestAdminFormsShowFaultsBesideFields(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		admin := f.login(t, access.Admin)
		for _, tc := range []struct {
			name, path string
			body       url.Values
			want       []string
		}{
			{"nothing given", "/admin/users", url.Values{"username": {"Bad Name!"}},
				[]string{"Enter the person&#39;s full name", "Choose at least one role", "The username may hold only", `value="Bad Name!"`}},
			{"username taken", "/admin/users", url.Values{"display_name": {"Another"}, "username": {"handler"}, "roles": {"auditor"}},
				[]string{"That username is taken", `value="Another"`, `value="auditor" checked`}},
			{"unknown role", "/admin/users", url.Values{"display_name": {"X"}, "username": {"x"}, "roles": {"king"}},
				[]string{"Choose roles from the list"}},
			{"unit without code", "/admin/units", url.Values{"name": {"Harbour"}},
				[]string{"Enter the unit&#39;s short code", `value="Harbour"`}},
			{"unit code taken", "/admin/units", url.Values{"name": {"Again"}, "code": {"A"}},
				[]string{"The force already has a unit with that code"}},
			{"token without roles", "/admin/users/" + f.users[access.Handler].ID + "/tokens", url.Values{"token_name": {"job"}, "expires": {"0"}},
				[]string{"Choose at least one of the account", "Enter a number of days from 1 to 365", `value="job"`}},
			{"token with a role the account lacks", "/admin/users/" + f.users[access.Handler].ID + "/tokens",
				url.Values{"token_name": {"job"}, "expires": {"30"}, "token_roles": {"admin"}}, []string{"only with roles the account holds"}},
		} {
			resp := admin.do(t, "POST", tc.path, form, tc.body.Encode())
			body := resp.Body.String()
			if resp.Code != 422 || !strings.Contains(body, `id="error-summary"`) {
				t.Errorf("%s: %d, want 422 with an error summary", tc.name, resp.Code)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: the page lacks %q", tc.name, w)
				}
			}
		}
	})
}

// TestAdminChangesAreRecordedWithWhoAndWhat: an administrator granting
// themselves a role leaves a record naming them, the roles before and
// after, and that it was their own account.
func TestAdminChangesAreRecordedWithWhoAndWhat(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		admin := f.login(t, access.Admin)
		self := f.users[access.Admin].ID
		resp := admin.do(t, "POST", "/admin/users/"+self+"/access", form, url.Values{"roles": {"admin", "auditor"}}.Encode())
		if resp.Code != 303 {
			t.Fatalf("granting: %d %s", resp.Code, resp.Body.String())
		}
		e := lastEntry(t, f, self)
		for _, want := range []string{"from Administrator to Auditor, Administrator", "own account"} {
			if e.ActorID != self || !strings.Contains(e.Reason, want) {
				t.Errorf("self-grant recorded as %q by %s, want %q", e.Reason, e.ActorName, want)
			}
		}
		if resp := admin.do(t, "POST", "/admin/users/"+self+"/status", form, "disabled=true"); resp.Code != 409 {
			t.Errorf("disabling oneself: %d, want 409", resp.Code)
		}
		// The only administrator cannot give up the role, and nothing is
		// changed or recorded when refused.
		resp = admin.do(t, "POST", "/admin/users/"+self+"/access", form, url.Values{"roles": {"auditor"}}.Encode())
		if resp.Code != 422 || !strings.Contains(resp.Body.String(), "only active administrator") {
			t.Errorf("the last administrator dropping the role: %d", resp.Code)
		}
		if u, _ := f.db.UserByID(ctx, self); !u.Has(access.Admin) {
			t.Errorf("the last administrator lost the role")
		}
	})
}

// TestAdminDisablesResetsAndEnables: disabling ends the person's sessions
// at once; resetting two-step sign-in makes them enrol again.
func TestAdminDisablesResetsAndEnables(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		admin := f.login(t, access.Admin)
		handler := f.login(t, access.Handler)
		hid := f.users[access.Handler].ID
		if resp := admin.do(t, "POST", "/admin/users/"+hid+"/status", form, "disabled=true"); resp.Code != 303 {
			t.Fatalf("disabling: %d", resp.Code)
		}
		if resp := handler.do(t, "GET", "/api/v1/session", "", ""); resp.Code != 401 {
			t.Errorf("the disabled account's session still answers %d", resp.Code)
		}
		if e := lastEntry(t, f, hid); e.Action != audit.AccountDisabled || !strings.Contains(e.Reason, "disabled") {
			t.Errorf("disabling recorded as %+v", e)
		}
		if resp := admin.do(t, "POST", "/admin/users/"+hid+"/status", form, "disabled=false"); resp.Code != 303 {
			t.Fatalf("enabling: %d", resp.Code)
		}
		if resp := admin.do(t, "POST", "/admin/users/"+hid+"/reset-mfa", form, ""); resp.Code != 303 {
			t.Fatalf("resetting: %d", resp.Code)
		}
		rec, err := f.db.LoginRecord(ctx, "handler")
		if err != nil || rec.TOTPEnrolled || rec.TOTPSecret != "" {
			t.Errorf("after the reset the account still has an authenticator (%v)", err)
		}
		page := admin.do(t, "GET", "/admin/users/"+hid+"?done=mfa", "", "").Body.String()
		if !strings.Contains(page, "Two-step sign-in reset") {
			t.Errorf("no confirmation of the reset")
		}
	})
}

// TestAdminIssuesAndRevokesAPITokens: a token is shown once, acts through
// the same policy as its roles allow, and stops at once when revoked.
func TestAdminIssuesAndRevokesAPITokens(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		admin := f.login(t, access.Admin)
		aid := f.users[access.Auditor].ID
		v := url.Values{"token_name": {"nightly audit copy"}, "expires": {"30"}, "token_roles": {"auditor"}}
		resp := admin.do(t, "POST", "/admin/users/"+aid+"/tokens", form, v.Encode())
		m := shownSecret.FindStringSubmatch(resp.Body.String())
		if resp.Code != 201 || m == nil || !strings.HasPrefix(m[1], "prt_") {
			t.Fatalf("issuing: %d %v", resp.Code, m)
		}
		token := m[1]
		bearer := func(path string) int {
			return f.anonymous().doWith(t, "GET", path, map[string]string{"Authorization": "Bearer " + token}).Code
		}
		if code := bearer("/api/v1/audit?actor=" + aid); code != 200 {
			t.Errorf("the token reading the audit log: %d", code)
		}
		if code := bearer("/api/v1/users"); code != 403 {
			t.Errorf("the auditor's token listing accounts: %d, want 403", code)
		}
		tokens, err := f.db.APITokens(ctx, aid)
		if err != nil || len(tokens) != 1 || tokens[0].Name != "nightly audit copy" {
			t.Fatalf("stored tokens: %+v %v", tokens, err)
		}
		if e := lastEntry(t, f, aid); e.Action != audit.TokenIssued || strings.Contains(e.Reason, token) {
			t.Errorf("issue recorded as %+v", e)
		}
		revoke := "/admin/users/" + aid + "/tokens/" + tokens[0].ID + "/revoke"
		if resp := admin.do(t, "POST", revoke, form, ""); resp.Code != 303 {
			t.Fatalf("revoking: %d", resp.Code)
		}
		if code := bearer("/api/v1/audit?actor=" + aid); code != 401 {
			t.Errorf("a revoked token: %d, want 401", code)
		}
		if resp := admin.do(t, "POST", revoke, form, ""); resp.Code != 409 {
			t.Errorf("revoking twice: %d, want 409", resp.Code)
		}
		other := "/admin/users/" + f.users[access.Handler].ID + "/tokens/" + tokens[0].ID + "/revoke"
		if resp := admin.do(t, "POST", other, form, ""); resp.Code != 404 {
			t.Errorf("revoking through another account: %d, want 404", resp.Code)
		}
		if e := lastEntry(t, f, aid); e.Action != audit.TokenRevoked || e.ActorID != f.users[access.Admin].ID {
			t.Errorf("revocation recorded as %+v", e)
		}
	})
}

// TestAdminAddsAUnit: the unit is listed and can be given to accounts.
func TestAdminAddsAUnit(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		admin := f.login(t, access.Admin)
		resp := admin.do(t, "POST", "/admin/units", form, url.Values{"name": {"Harbour Division"}, "code": {"HD"}}.Encode())
		if resp.Code != 303 {
			t.Fatalf("adding: %d %s", resp.Code, resp.Body.String())
		}
		page := admin.do(t, "GET", resp.Header().Get("Location"), "", "").Body.String()
		if !strings.Contains(page, "Unit Harbour Division added") || !strings.Contains(page, "<td class=\"govuk-table__cell\">HD</td>") {
			t.Errorf("the units page does not show the new unit")
		}
	})
}

// TestAdminFormsRefuseOtherSites: a page on another site cannot make a
// signed-in administrator's browser add an account or grant a role.
func TestAdminFormsRefuseOtherSites(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		admin := f.login(t, access.Admin)
		for _, path := range []string{"/admin/users", "/admin/users/" + f.users[access.Handler].ID + "/access", "/audit/verify"} {
			req := httptest.NewRequest("POST", path, strings.NewReader("display_name=X&username=x&roles=admin"))
			req.Header.Set("Content-Type", form)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.AddCookie(&http.Cookie{Name: "probity_session", Value: admin.cookie})
			rec := httptest.NewRecorder()
			f.srv.ServeHTTP(rec, req)
			if rec.Code != 403 {
				t.Errorf("%s from another site: %d, want 403", path, rec.Code)
			}
		}
		if _, _, err := f.db.UserByUsername(ctx, "x"); err == nil {
			t.Errorf("the account was added from another site")
		}
		if u, _ := f.db.UserByID(ctx, f.users[access.Handler].ID); u.Has(access.Admin) {
			t.Errorf("the role was granted from another site")
		}
	})
}
