package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q is not JSON", rec.Body.String())
	}
	return m
}

func TestSessionTimeoutsAreExact(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		start := f.now
		c := f.login(t, access.Handler)
		// Used every 14 minutes, the session lives on...
		for i := 1; i <= 3; i++ {
			f.now = start.Add(time.Duration(14*i) * time.Minute)
			if rec := c.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 200 {
				t.Fatalf("after %d minutes of use: %d", 14*i, rec.Code)
			}
		}
		// ...but not one second past 15 minutes idle.
		f.now = f.now.Add(15*time.Minute - time.Second)
		if rec := c.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 200 {
			t.Fatalf("one second before the idle limit: %d", rec.Code)
		}
		f.now = f.now.Add(15 * time.Minute)
		if rec := c.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 401 {
			t.Fatalf("at the idle limit: %d, want 401", rec.Code)
		}

		// A session kept busy still ends 12 hours after sign-in.
		f.now = start.Add(24 * time.Hour)
		login := f.now
		c = f.login(t, access.Handler)
		for f.now.Before(login.Add(12*time.Hour - 10*time.Minute)) {
			f.now = f.now.Add(10 * time.Minute)
			if rec := c.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 200 {
				t.Fatalf("busy session at %v: %d", f.now.Sub(login), rec.Code)
			}
		}
		f.now = login.Add(12 * time.Hour)
		if rec := c.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 401 {
			t.Fatalf("at the absolute limit: %d, want 401", rec.Code)
		}
	})
}

func TestLoginGivesNewTokenAndLogoutEndsIt(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		a := f.login(t, access.Authority)
		f.now = f.now.Add(time.Minute)
		b := f.login(t, access.Authority)
		if a.cookie == b.cookie {
			t.Fatal("two logins got the same session token")
		}
		if len(strings.TrimPrefix(a.cookie, "prs_")) < 22 {
			t.Errorf("session token %d characters: fewer than 128 bits", len(a.cookie))
		}
		if rec := a.do(t, "DELETE", "/api/v1/session", "", ""); rec.Code != 204 {
			t.Fatalf("logout: %d", rec.Code)
		}
		if rec := a.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 401 {
			t.Errorf("after logout: %d, want 401", rec.Code)
		}
		if rec := b.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 200 {
			t.Errorf("the other session ended too: %d", rec.Code)
		}
	})
}

// TestCookieAttributes checks the session cookie is a browser-session
// cookie (no Max-Age or Expires), carries the __Host- prefix and is Secure
// over TLS or with --secure-cookies, and that HSTS is sent in exactly
// those cases.
func TestCookieAttributes(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		proxied := web.New(web.Deps{DB: f.db, Clock: func() time.Time { return f.now }, RequireMFA: true,
			Hasher: access.Hasher{Params: access.TestParams}, SecureCookies: true})
		for _, tc := range []struct {
			name   string
			srv    http.Handler
			url    string
			secure bool
		}{
			{"plain HTTP", f.srv, "http://probity.example/api/v1/session", false},
			{"TLS", f.srv, "https://probity.example/api/v1/session", true},
			{"behind a TLS proxy (--secure-cookies)", proxied, "http://probity.example/api/v1/session", true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.now = f.now.Add(time.Minute) // a fresh TOTP step for each sign-in
				code, _ := totp.GenerateCode(f.secrets[access.Handler], f.now)
				send := func(method, cookie, value string) *httptest.ResponseRecorder {
					var body io.Reader
					if method == "POST" {
						body = strings.NewReader(`{"username":"handler","password":"` + testPassword + `","totp":"` + code + `"}`)
					}
					req := httptest.NewRequest(method, tc.url, body)
					req.Header.Set("Content-Type", "application/json")
					if cookie != "" {
						req.AddCookie(&http.Cookie{Name: cookie, Value: value})
					}
					rec := httptest.NewRecorder()
					tc.srv.ServeHTTP(rec, req)
					return rec
				}
				rec := send("POST", "", "")
				cookies := rec.Result().Cookies()
				if rec.Code != 200 || len(cookies) != 1 {
					t.Fatalf("login: %d, cookies %v", rec.Code, cookies)
				}
				c := cookies[0]
				wantName := "probity_session"
				if tc.secure {
					wantName = "__Host-probity_session"
				}
				if c.Name != wantName || !c.HttpOnly || c.Secure != tc.secure || c.SameSite != http.SameSiteLaxMode ||
					c.Path != "/" || c.Domain != "" {
					t.Errorf("cookie %+v: want %s, HttpOnly, Secure=%v, SameSite=Lax, Path=/, no Domain", c, wantName, tc.secure)
				}
				if c.MaxAge != 0 || c.RawExpires != "" || strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age") {
					t.Errorf("Set-Cookie %q: a session cookie must carry no Max-Age or Expires", rec.Header().Get("Set-Cookie"))
				}
				hsts := rec.Header().Get("Strict-Transport-Security")
				if tc.secure != strings.HasPrefix(hsts, "max-age=") {
					t.Errorf("Strict-Transport-Security %q with secure=%v", hsts, tc.secure)
				}
				// The server reads the cookie only under the name it set.
				if got := send("GET", c.Name, c.Value); got.Code != 200 {
					t.Errorf("session under %s: %d", c.Name, got.Code)
				}
				other := "__Host-probity_session"
				if tc.secure {
					other = "probity_session"
				}
				if got := send("GET", other, c.Value); got.Code != 401 {
					t.Errorf("session under %s: %d, want 401", other, got.Code)
				}
				out := send("DELETE", c.Name, c.Value)
				if cl := out.Result().Cookies(); out.Code != 204 || len(cl) != 1 || cl[0].Name != c.Name || cl[0].MaxAge >= 0 {
					t.Errorf("sign-out: %d, cookies %v: want %s cleared", out.Code, cl, c.Name)
				}
			})
		}
	})
}

func TestDisablingEndsSessions(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Investigator)
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetDisabled(ctx, f.users[access.Investigator].ID, true, f.now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if rec := c.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 401 {
			t.Errorf("disabled user's session: %d, want 401", rec.Code)
		}
	})
}

// signInUnenrolled clears the handler's authenticator and signs in as
// the handler with the password alone, answering the sign-in.
func signInUnenrolled(t *testing.T, f *fixture) (*client, *httptest.ResponseRecorder) {
	t.Helper()
	u := f.users[access.Handler]
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.SetTOTP(ctx, u.ID, "", false, 0) }); err != nil {
		t.Fatal(err)
	}
	c := f.anonymous()
	return c, c.do(t, "POST", "/api/v1/session", "application/json", `{"username":"handler","password":"`+testPassword+`"}`)
}

func TestMFAEnrolmentIsForcedAtFirstLogin(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c, rec := signInUnenrolled(t, f)
		if rec.Code != 200 || decode(t, rec)["mfa_enrolment_required"] != true {
			t.Fatalf("first login: %d %s", rec.Code, rec.Body)
		}
		c.cookie = rec.Result().Cookies()[0].Value
		if rec := c.do(t, "GET", "/api/v1/cases/"+f.cases[relSameUnit], "", ""); rec.Code != 403 {
			t.Fatalf("case before enrolment: %d, want 403", rec.Code)
		}
		if rec := c.do(t, "GET", "/", "", ""); rec.Code != 303 || rec.Header().Get("Location") != "/mfa" {
			t.Fatalf("home page before enrolment: %d to %q, want 303 to /mfa", rec.Code, rec.Header().Get("Location"))
		}
		rec = c.do(t, "POST", "/api/v1/mfa/enrol", "application/json", "")
		if rec.Code != 200 {
			t.Fatalf("enrol: %d %s", rec.Code, rec.Body)
		}
		secret := decode(t, rec)["secret"].(string)
		if rec := c.do(t, "POST", "/api/v1/mfa/confirm", "application/json", `{"totp":"000000"}`); rec.Code != 422 {
			t.Fatalf("wrong confirmation code: %d", rec.Code)
		}
		code, _ := totp.GenerateCode(secret, f.now)
		if rec := c.do(t, "POST", "/api/v1/mfa/confirm", "application/json", `{"totp":"`+code+`"}`); rec.Code != 204 {
			t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
		}
		if rec := c.do(t, "GET", "/api/v1/cases/"+f.cases[relSameUnit], "", ""); rec.Code != 200 {
			t.Fatalf("case after enrolment: %d %s", rec.Code, rec.Body)
		}
		// The next sign-in needs a fresh code; the one just used is spent.
		f.now = f.now.Add(10 * time.Second)
		if rec := c.do(t, "POST", "/api/v1/session", "application/json",
			`{"username":"handler","password":"`+testPassword+`","totp":"`+code+`"}`); rec.Code != 401 {
			t.Errorf("replayed code: %d, want 401", rec.Code)
		}
	})
}

// TestMFAEnrolmentPage: the enrolment page shows a QR code drawn inline
// (the CSP allows no data: URL), the secret grouped for reading, and a
// working otpauth link, not html/template's #ZgotmplZ; the secret read off
// the page confirms enrolment.
func TestMFAEnrolmentPage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c, rec := signInUnenrolled(t, f)
		if rec.Code != 200 {
			t.Fatalf("first login: %d %s", rec.Code, rec.Body)
		}
		c.cookie = rec.Result().Cookies()[0].Value
		rec = c.do(t, "POST", "/mfa/enrol", "application/x-www-form-urlencoded", "")
		page := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("enrolment page: %d %s", rec.Code, page)
		}
		if strings.Contains(page, "ZgotmplZ") || strings.Contains(page, "data:") {
			t.Errorf("the page carries a refused or forbidden URL:\n%s", page)
		}
		if !strings.Contains(page, `<svg xmlns="http://www.w3.org/2000/svg"`) || !strings.Contains(page, `<path fill="#000" d="M`) {
			t.Errorf("no inline QR code on the page:\n%s", page)
		}
		m := regexp.MustCompile(`id="mfa-secret">([A-Z2-7 ]+)<`).FindStringSubmatch(page)
		if m == nil || !regexp.MustCompile(`^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$`).MatchString(m[1]) {
			t.Fatalf("secret not shown in groups of four: %v", m)
		}
		secret := strings.ReplaceAll(m[1], " ", "")
		if !strings.Contains(page, `href="otpauth://totp/Probity:handler?`) || !strings.Contains(page, "secret="+secret) {
			t.Errorf("otpauth link missing or not for the secret shown")
		}
		code, _ := totp.GenerateCode(secret, f.now)
		if rec := c.do(t, "POST", "/mfa/confirm", "application/x-www-form-urlencoded", "totp="+code); rec.Code != 303 {
			t.Fatalf("confirming with the code from the secret on the page: %d %s", rec.Code, rec.Body)
		}
		if rec := c.do(t, "GET", "/api/v1/cases/"+f.cases[relSameUnit], "", ""); rec.Code != 200 {
			t.Errorf("case after enrolment through the page: %d", rec.Code)
		}
	})
}

func TestDemoModeSkipsMFA(t *testing.T) {
	eachFixture(t, false, func(t *testing.T, f *fixture) {
		_, rec := signInUnenrolled(t, f)
		if rec.Code != 200 || decode(t, rec)["mfa_enrolment_required"] != false {
			t.Fatalf("demo login: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestCrossOriginWritesAreRefused(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		req := httptest.NewRequest("DELETE", "/api/v1/session", nil)
		req.AddCookie(&http.Cookie{Name: "probity_session", Value: c.cookie})
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != 403 || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("cross-site DELETE: %d %s, want 403 problem+json", rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec := c.do(t, "GET", "/api/v1/session", "", ""); rec.Code != 200 {
			t.Errorf("the session ended anyway: %d", rec.Code)
		}
	})
}

func TestBadJSONIsNamed(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.anonymous()
		for _, tc := range []struct {
			name, contentType, body string
			status                  int
			field                   string
		}{
			{"wrong content type", "text/plain", `{}`, 415, "Content-Type"},
			{"malformed", "application/json", `{"username": `, 422, "body"},
			{"unknown field", "application/json", `{"username":"x","colour":"red"}`, 422, "colour"},
			{"wrong type", "application/json", `{"username": 7}`, 422, "username"},
			{"two objects", "application/json", `{} {}`, 422, ""},
			{"too large", "application/json", `{"username":"` + strings.Repeat("x", 20<<10) + `"}`, 413, "body"},
		} {
			rec := c.do(t, "POST", "/api/v1/session", tc.contentType, tc.body)
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s, want %d problem+json", tc.name, rec.Code, rec.Header().Get("Content-Type"), tc.status)
				continue
			}
			if tc.field == "" {
				continue
			}
			errs, _ := decode(t, rec)["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != tc.field {
				t.Errorf("%s: errors %v, want field %q", tc.name, errs, tc.field)
			}
		}
	})
}

func TestAPITokensActWithTheirRolesOnly(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		u := f.users[access.Handler]
		token, hash := access.NewToken("prt_")
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetRoles(ctx, u.ID, []access.Role{access.Handler, access.Auditor}); err != nil {
				return err
			}
			return tx.CreateAPIToken(ctx, &store.APIToken{UserID: u.ID, Name: "export", Roles: []access.Role{access.Handler}, CreatedAt: f.now}, hash)
		})
		if err != nil {
			t.Fatal(err)
		}
		call := func(path, tok string) int {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			f.srv.ServeHTTP(rec, req)
			return rec.Code
		}
		if got := call("/api/v1/cases/"+f.cases[relSameUnit], token); got != 200 {
			t.Errorf("token reading a case in scope: %d", got)
		}
		if got := call("/api/v1/audit?record="+f.cases[relSameUnit], token); got != 403 {
			t.Errorf("token using a role it was not issued for: %d, want 403", got)
		}
		if got := call("/api/v1/cases/"+f.cases[relSameUnit], token+"x"); got != 401 {
			t.Errorf("wrong token: %d, want 401", got)
		}
	})
}

// A one-time code opens one session however close together the attempts
// come: the step is claimed in the same statement that checks it.
func TestOneTimeCodeWorksOnceUnderConcurrency(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		u := f.users[access.Handler]
		f.now = f.now.Add(time.Minute)
		step := f.now.Unix() / 30
		// Two claims of one step, as two racing sign-ins would make after
		// both read the account before either wrote: only the first holds.
		var first, second bool
		err := f.db.InTx(ctx, func(tx *store.Tx) (err error) {
			first, err = tx.ClaimTOTPStep(ctx, u.ID, step)
			return err
		})
		if err == nil {
			err = f.db.InTx(ctx, func(tx *store.Tx) (err error) {
				second, err = tx.ClaimTOTPStep(ctx, u.ID, step)
				return err
			})
		}
		if err != nil {
			t.Fatal(err)
		}
		if !first || second {
			t.Fatalf("claims of one step: first %v, second %v; want true, false", first, second)
		}

		f.now = f.now.Add(time.Minute)
		code, _ := totp.GenerateCode(f.secrets[access.Handler], f.now)
		const attempts = 8
		codes := make(chan int, attempts)
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := signInFrom(t, f.srv, fmt.Sprintf("198.51.100.%d:4000", i+1), false, "handler", testPassword, code)
				codes <- rec.Code
			}()
		}
		wg.Wait()
		close(codes)
		ok := 0
		for c := range codes {
			switch c {
			case 200:
				ok++
			case 401, 429:
			default:
				t.Errorf("sign-in answered %d", c)
			}
		}
		if ok != 1 {
			t.Fatalf("%d concurrent sign-ins with one code succeeded, want exactly 1", ok)
		}
	})
}
