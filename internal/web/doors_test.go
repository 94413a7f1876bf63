package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

// publicPath is a request path for a public route's pattern.
func publicPath(pattern string) string {
	if pattern == "/static/" {
		return "/static/probity.css"
	}
	return pattern
}

// lastAuditSeq is the number of the newest audit entry, 0 for none.
func lastAuditSeq(t *testing.T, f *fixture) int64 {
	t.Helper()
	page, err := f.db.AuditEntries(ctx, store.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) == 0 {
		return 0
	}
	return page.Entries[0].Seq
}

// sendAs sends a request from addr with a staff session cookie and extra
// headers.
func sendAs(f *fixture, method, path, cookie, addr string, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = addr + ":40000"
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "probity_session", Value: cookie})
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

// A stylesheet fetched by a speak-up page, or any public route, from a
// browser that holds a staff session neither refreshes that session (its
// last-seen time would tie the anonymous visit to the member of staff) nor
// ends it and logs who it belonged to.
func TestPublicRoutesLeaveTheSessionAlone(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		staff := f.login(t, access.Handler)
		hash := access.HashToken(staff.cookie)
		signedIn := f.now
		var public []string
		for _, rt := range f.srv.Routes() {
			if rt.Permission == access.Public {
				public = append(public, rt.Method+" "+rt.Pattern)
			}
		}
		if len(public) < 10 {
			t.Fatalf("only %d public routes: %v", len(public), public)
		}
		check := func(when string) {
			t.Helper()
			for _, key := range public {
				method, pattern, _ := strings.Cut(key, " ")
				sendAs(f, method, publicPath(pattern), staff.cookie, freshAddr(), nil)
				sess, err := f.db.SessionByHash(ctx, hash)
				if err != nil {
					t.Fatalf("%s %s: the session is gone: %v", when, key, err)
				}
				if !sess.LastSeen.Equal(signedIn) {
					t.Fatalf("%s %s moved the session's last-seen time to %v", when, key, sess.LastSeen)
				}
			}
		}
		f.now = signedIn.Add(5 * time.Minute)
		check("within the idle timeout,")
		// Past the idle timeout, reading the cookie would end the session
		// and log whose it was.
		f.now = signedIn.Add(time.Hour)
		check("past the idle timeout,")
		// The access log's line per request names the route pattern (one of
		// them is "POST /api/v1/session"), never who asked: it may mention
		// the word, not the user.
		var other []string
		for _, line := range strings.Split(f.logs.String(), "\n") {
			if strings.Contains(line, f.users[access.Handler].ID) || !strings.Contains(line, `"msg":"request"`) && strings.Contains(line, "session") {
				other = append(other, line)
			}
		}
		if len(other) > 0 {
			t.Errorf("public requests logged something about the session:\n%s", strings.Join(other, "\n"))
		}
	})
}

// A complaint sent anonymously from a browser where a member of staff is
// signed in is not audited under that member of staff, nor with the
// sender's address; nor is a status check on it.
func TestAnonymousComplaintRecordsNoActorOrAddress(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		staff := f.login(t, access.Handler)
		user := f.users[access.Handler]
		const addr = "203.0.113.77"
		body := complaintJSON(t, func(m map[string]any) {
			m["anonymous"] = true
			for _, k := range []string{"name", "email", "phone", "consent_to_contact"} {
				delete(m, k)
			}
		})
		req := httptest.NewRequest("POST", "/api/v1/complaints", strings.NewReader(body))
		req.RemoteAddr = addr + ":40000"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "anon-with-staff-cookie-1")
		req.AddCookie(&http.Cookie{Name: "probity_session", Value: staff.cookie})
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != 201 {
			t.Fatalf("anonymous complaint: %d %s", rec.Code, rec.Body)
		}
		got := decode(t, rec)
		c, err := f.db.CaseByReference(ctx, got["reference"].(string))
		if err != nil {
			t.Fatal(err)
		}
		status := `{"reference":"` + got["reference"].(string) + `","receipt":"` + got["receipt"].(string) + `"}`
		req = httptest.NewRequest("POST", "/api/v1/complaints/status", strings.NewReader(status))
		req.RemoteAddr = addr + ":40001"
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: "probity_session", Value: staff.cookie})
		rec = httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("status check: %d %s", rec.Code, rec.Body)
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) != 2 {
			t.Fatalf("%d audit entries on the complaint, want its collection and the status check", len(page.Entries))
		}
		for _, e := range page.Entries {
			if e.ActorID != "" || e.ActorName != "public" || e.Source != "" {
				t.Errorf("audit entry %d (%s): actor %q %q, source %q; want the public, with no id and no address",
					e.Seq, e.Action, e.ActorID, e.ActorName, e.Source)
			}
			if strings.Contains(e.Reason, user.Username) || strings.Contains(e.Reason, addr) {
				t.Errorf("audit entry %d names the member of staff or the address: %q", e.Seq, e.Reason)
			}
		}
		if byStaff, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: user.ID}); err != nil {
			t.Fatal(err)
		} else {
			for _, e := range byStaff.Entries {
				if e.RecordID == c.ID {
					t.Errorf("audit entry %d ties the member of staff to the complaint", e.Seq)
				}
			}
		}
	})
}

// Public routes never read the Authorization header, so a malformed or
// foreign one (a proxy's Basic credentials, say) does not turn a public
// door into a 401.
func TestBadAuthorizationIgnoredOnPublicRoutes(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		for _, rt := range f.srv.Routes() {
			if rt.Permission != access.Public {
				continue
			}
			path := publicPath(rt.Pattern)
			plain := sendAs(f, rt.Method, path, "", freshAddr(), nil)
			for _, authz := range []string{"Basic Zm9vOmJhcg==", "Bearer nonsense", "Bearer prt_not-a-token"} {
				rec := sendAs(f, rt.Method, path, "", freshAddr(), map[string]string{"Authorization": authz})
				if rec.Code != plain.Code {
					t.Errorf("%s %s with Authorization %q: %d, without: %d", rt.Method, path, authz, rec.Code, plain.Code)
				}
			}
		}
		req := httptest.NewRequest("POST", "/api/v1/complaints", strings.NewReader(complaintJSON(t, nil)))
		req.RemoteAddr = freshAddr() + ":40000"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "bad-authz-0001")
		req.Header.Set("Authorization", "Basic Zm9vOmJhcg==")
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != 201 {
			t.Fatalf("complaint with a foreign Authorization header: %d %s", rec.Code, rec.Body)
		}
		// A signed-in route still refuses it.
		if rec := sendAs(f, "GET", "/api/v1/cases", "", freshAddr(), map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}); rec.Code != 401 {
			t.Errorf("GET /api/v1/cases with a Basic header: %d, want 401", rec.Code)
		}
	})
}

// HEAD on a GET route that reads records is refused before anything runs:
// no audit entry, no session touched. Health checks and static files,
// which have no effect, answer HEAD.
func TestHeadRunsNoHandler(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		staff := f.login(t, access.Handler)
		hash := access.HashToken(staff.cookie)
		signedIn := f.now
		f.now = f.now.Add(time.Minute)
		for _, rt := range f.srv.Routes() {
			if rt.Method != "GET" {
				continue
			}
			path := matrixPath(f, publicPath(rt.Pattern), relSameUnit)
			before := lastAuditSeq(t, f)
			rec := sendAs(f, "HEAD", path, staff.cookie, freshAddr(), nil)
			switch rt.Pattern {
			case "/healthz", "/readyz", "/static/":
				if rec.Code != 200 {
					t.Errorf("HEAD %s: %d, want 200", path, rec.Code)
				}
			default:
				if rec.Code != 405 || rec.Header().Get("Allow") != "GET" {
					t.Errorf("HEAD %s: %d, Allow %q; want 405 allowing GET", path, rec.Code, rec.Header().Get("Allow"))
				}
			}
			if after := lastAuditSeq(t, f); after != before {
				t.Errorf("HEAD %s wrote %d audit entries", path, after-before)
			}
			sess, err := f.db.SessionByHash(ctx, hash)
			if err != nil || !sess.LastSeen.Equal(signedIn) {
				t.Fatalf("HEAD %s touched the session: last seen %v (%v)", path, sess.LastSeen, err)
			}
		}
		// GET still works and is audited.
		before := lastAuditSeq(t, f)
		if rec := staff.do(t, "GET", "/cases/"+f.cases[relSameUnit], "", ""); rec.Code != 200 {
			t.Fatalf("GET case page: %d", rec.Code)
		}
		if lastAuditSeq(t, f) == before {
			t.Error("GET of a case page wrote no audit entry")
		}
	})
}

// Behind the TLS proxy the README describes, every request reaches
// Probity from the proxy's address. With the proxy trusted, the limits
// and the audit log see each client; without trust, or from anyone else,
// X-Forwarded-For is ignored, so a client cannot escape its limit by
// naming itself afresh.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		f.srv = web.New(web.Deps{DB: f.db, Clock: func() time.Time { return f.now }, RequireMFA: true,
			Hasher: access.Hasher{Params: access.TestParams}, Logger: newTestLogger(f.logs),
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}})
		form := func(peer, forwarded string) int {
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			if forwarded != "" {
				h["X-Forwarded-For"] = forwarded
			}
			req := httptest.NewRequest("POST", "/complain", nil)
			req.RemoteAddr = peer
			for k, v := range h {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			f.srv.ServeHTTP(rec, req)
			return rec.Code
		}
		exhaust := func(peer string, forwarded func(i int) string) {
			t.Helper()
			for i := range 20 {
				if code := form(peer, forwarded(i)); code == 429 {
					t.Fatalf("limited after %d forms from %s, want 20", i, peer)
				}
			}
		}
		const proxy = "10.0.0.1:40000"
		// Two clients behind the proxy: one using up its limit does not
		// close the door on the other.
		exhaust(proxy, func(int) string { return "203.0.113.10" })
		if code := form(proxy, "203.0.113.10"); code != 429 {
			t.Fatalf("21st form from one client behind the proxy: %d, want 429", code)
		}
		if code := form(proxy, "203.0.113.11"); code == 429 {
			t.Fatal("another client behind the proxy was limited too")
		}
		// A client sending the header itself names itself afresh each
		// time, and is limited on its own address all the same.
		exhaust("198.51.100.20:40000", func(i int) string { return fmt.Sprintf("192.0.2.%d", i) })
		if code := form("198.51.100.20:40000", "192.0.2.99"); code != 429 {
			t.Fatalf("spoofing X-Forwarded-For escaped the limit: %d", code)
		}
		// So does a client that prepends a hop to the proxy's header.
		exhaust(proxy, func(i int) string { return fmt.Sprintf("192.0.2.%d, 203.0.113.12", i) })
		if code := form(proxy, "192.0.2.99, 203.0.113.12"); code != 429 {
			t.Fatalf("a forged hop left of the proxy's escaped the limit: %d", code)
		}
		// IPv6 clients are limited per /64: a new address from the same
		// network is the same client.
		exhaust("[fd00::1]:443", func(i int) string { return fmt.Sprintf("2001:db8:aa:bb::%x", i+1) })
		if code := form("[fd00::1]:443", "2001:db8:aa:bb:ffff::1"); code != 429 {
			t.Fatalf("a fresh address in the same /64 escaped the limit: %d", code)
		}
		if code := form("[fd00::1]:443", "2001:db8:aa:cc::1"); code == 429 {
			t.Fatal("another /64 was limited too")
		}

		// Staff actions are audited with the client's address, not the
		// proxy's.
		code, err := totp.GenerateCode(f.secrets[access.Handler], f.now)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(
			`{"username":"handler","password":"`+testPassword+`","totp":"`+code+`"}`))
		req.RemoteAddr = proxy
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "192.0.2.200, 203.0.113.50")
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("sign-in through the proxy: %d %s", rec.Code, rec.Body)
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.Handler].ID, Limit: 1})
		if err != nil || len(page.Entries) != 1 {
			t.Fatalf("sign-in audit: %v %v", page.Entries, err)
		}
		if got := page.Entries[0].Source; got != "203.0.113.50" {
			t.Errorf("sign-in audited from %q, want the client 203.0.113.50", got)
		}
	})
}
