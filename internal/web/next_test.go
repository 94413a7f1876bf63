package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
)

// TestSignInReturnsToThePageAskedFor: a page opened without a session
// sends the browser to sign in with the page remembered, and signing in
// lands on it; an address elsewhere is never followed.
func TestSignInReturnsToThePageAskedFor(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		page := "/cases/" + f.cases[relSameUnit]
		rec := f.anonymous().do(t, "GET", page, "", "")
		wantLoc := "/login?next=" + url.QueryEscape(page)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != wantLoc {
			t.Fatalf("GET %s signed out: %d to %q, want 303 to %q", page, rec.Code, rec.Header().Get("Location"), wantLoc)
		}
		login := f.anonymous().do(t, "GET", wantLoc, "", "")
		if !strings.Contains(login.Body.String(), `name="next" value="`+page+`"`) {
			t.Fatalf("sign-in page does not carry next=%s:\n%s", page, login.Body)
		}
		for _, tc := range []struct{ next, want string }{
			{page, page},
			{"https://evil.example/", "/"},
			{"//evil.example/", "/"},
			{"/\\evil.example", "/"},
			{"", "/"},
		} {
			// Each sign-in needs a fresh code: a code is accepted once.
			f.now = f.now.Add(30 * time.Second)
			code, err := totp.GenerateCode(f.secrets[access.Handler], f.now)
			if err != nil {
				t.Fatal(err)
			}
			form := url.Values{"username": {"handler"}, "password": {testPassword}, "totp": {code}, "next": {tc.next}}
			rec := f.anonymous().do(t, "POST", "/login", "application/x-www-form-urlencoded", form.Encode())
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.want {
				t.Errorf("sign in with next=%q: %d to %q, want 303 to %q", tc.next, rec.Code, rec.Header().Get("Location"), tc.want)
			}
		}
		// An outside address in the sign-in link is not even put in the form.
		evil := f.anonymous().do(t, "GET", "/login?next="+url.QueryEscape("//evil.example/"), "", "")
		if strings.Contains(evil.Body.String(), "evil.example") {
			t.Errorf("sign-in page carries an outside address:\n%s", evil.Body)
		}
	})
}

// TestSessionExpiredPage: a browser whose session timed out is told so on
// the sign-in page, keeps the page it asked for, and loses the dead cookie;
// a browser that never signed in is only asked to sign in.
func TestSessionExpiredPage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		f.now = f.now.Add(access.DefaultSessionPolicy.Idle + time.Minute)
		rec := c.do(t, "GET", "/", "", "")
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || loc != "/login?expired=1" {
			t.Fatalf("expired session: %d to %q", rec.Code, loc)
		}
		cleared := false
		for _, ck := range rec.Result().Cookies() {
			cleared = cleared || (ck.Name == "probity_session" && ck.MaxAge < 0)
		}
		if !cleared {
			t.Errorf("expired session's cookie not cleared: %v", rec.Result().Cookies())
		}
		body := f.anonymous().do(t, "GET", loc, "", "").Body.String()
		if !strings.Contains(body, `id="session-expired"`) || !strings.Contains(body, "Your session has ended") {
			t.Errorf("sign-in page after expiry does not say so:\n%s", body)
		}
		fresh := f.anonymous().do(t, "GET", "/", "", "")
		if loc := fresh.Header().Get("Location"); loc != "/login" {
			t.Errorf("never signed in: redirected to %q", loc)
		}
		if body := f.anonymous().do(t, "GET", "/login", "", "").Body.String(); strings.Contains(body, `id="session-expired"`) {
			t.Errorf("plain sign-in page says the session ended")
		}
	})
}
