package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
)

// TestSecretsNeverReachLogsOrAudit plants unique values as a password, a
// TOTP code, a session token and an API token, uses them in every way a
// request can (right, wrong, typed into the wrong box), and then searches
// every log line and every audit entry for them.
func TestSecretsNeverReachLogsOrAudit(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		const pwCanary = "canary-password-7f3a9c1e"
		h := access.Hasher{Params: access.TestParams}
		hash, _ := h.Hash(pwCanary)
		u := f.users[access.Investigator]
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.SetPassword(ctx, u.ID, hash, f.now) }); err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(f.secrets[access.Investigator], f.now)
		c := f.anonymous()
		login := func(user, pw, totpCode string) int {
			return c.do(t, "POST", "/api/v1/session", "application/json",
				`{"username":"`+user+`","password":"`+pw+`","totp":"`+totpCode+`"}`).Code
		}
		// Typed into the username box, wrong, unknown user, and right.
		login(pwCanary, pwCanary, code)
		login("investigator", pwCanary+"x", code)
		login("nobody", pwCanary, code)
		rec := c.do(t, "POST", "/api/v1/session", "application/json",
			`{"username":"investigator","password":"`+pwCanary+`","totp":"`+code+`"}`)
		if rec.Code != 200 {
			t.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
		for _, ck := range rec.Result().Cookies() {
			c.cookie = ck.Value
		}
		sessionToken := c.cookie
		c.do(t, "GET", "/api/v1/cases/"+f.cases[relSameUnit], "", "")
		c.do(t, "GET", "/api/v1/cases/"+f.cases[relOtherUnit], "", "")
		c.do(t, "DELETE", "/api/v1/session", "", "")

		apiToken, tokenHash := access.NewToken("prt_")
		if err := f.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateAPIToken(ctx, &store.APIToken{UserID: u.ID, Name: "t", Roles: u.Roles, CreatedAt: f.now}, tokenHash)
		}); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(time.Minute)
		reqWithBearer(t, f, "/api/v1/cases/"+f.cases[relSameUnit], apiToken)
		reqWithBearer(t, f, "/api/v1/cases/"+f.cases[relSameUnit], apiToken+"wrong")

		var everything strings.Builder
		everything.WriteString(f.logs.String())
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: u.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		anon, err := f.db.AuditEntries(ctx, store.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) < 5 {
			t.Fatalf("only %d audit entries for the investigator: the test is not exercising the log", len(page.Entries))
		}
		for _, e := range append(page.Entries, anon.Entries...) {
			b, _ := json.Marshal(e)
			everything.Write(b)
		}
		if !strings.Contains(everything.String(), "investigator") {
			t.Fatal("the haystack does not even hold the username; the search proves nothing")
		}
		for name, secret := range map[string]string{"password": pwCanary, "TOTP code": code, "session token": sessionToken,
			"session token hash": access.HashToken(sessionToken), "API token": apiToken} {
			if strings.Contains(everything.String(), secret) {
				t.Errorf("the %s appears in the logs or the audit log", name)
			}
		}
	})
}

func reqWithBearer(t *testing.T, f *fixture, path, token string) {
	t.Helper()
	c := &client{f: f}
	rec := c.doWith(t, "GET", path, map[string]string{"Authorization": "Bearer " + token})
	if rec.Code >= 500 {
		t.Fatalf("%s: %d", path, rec.Code)
	}
}
