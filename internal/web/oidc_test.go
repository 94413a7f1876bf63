package web_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

const (
	idpClientID = "probity-test-client"
	idpSecret   = "probity-test-client-secret"
	idpKeyID    = "test-key-1"
)

// testIdP is an OpenID Connect provider in the test process: discovery,
// JWKS, an /authorize that approves at once, and a /token that checks
// the client secret and PKCE before issuing an RS256 ID token.
type testIdP struct {
	t   *testing.T
	srv *httptest.Server
	key *rsa.PrivateKey
	now func() time.Time

	mu     sync.Mutex
	grants map[string]idpGrant // code -> what /authorize was asked
	// What the next sign-in does; reset by the test between cases.
	sub      string               // the subject /token vouches for
	claims   func(map[string]any) // alters the ID token before signing
	signWith *rsa.PrivateKey      // signs with a key the JWKS does not publish
	state    func(string) string  // alters the state sent back
	deny     bool                 // answers error=access_denied instead of a code
	issued   int                  // ID tokens issued
	lastBack string               // the callback URL last redirected to
	problems []string             // protocol mistakes Probity made
	tokens   []string             // every ID token and access token issued
}

type idpGrant struct{ nonce, challenge, redirect string }

func newTestIdP(t *testing.T, now func() time.Time) *testIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &testIdP{t: t, key: key, now: now, grants: map[string]idpGrant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testIdP) problem(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.problems = append(p.problems, what)
}

func writeTestJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (p *testIdP) discovery(w http.ResponseWriter, r *http.Request) {
	u := p.srv.URL
	writeTestJSON(w, 200, map[string]any{
		"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token", "jwks_uri": u + "/jwks",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (p *testIdP) jwks(w http.ResponseWriter, r *http.Request) {
	pub := p.key.PublicKey
	writeTestJSON(w, 200, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": idpKeyID, "use": "sig", "alg": "RS256",
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// authorize approves at once, as a provider does for a user already
// signed in there, and remembers the nonce and PKCE challenge.
func (p *testIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("response_type") != "code":
		p.problem("response_type is not code")
	case q.Get("client_id") != idpClientID:
		p.problem("wrong client_id")
	case !strings.Contains(" "+q.Get("scope")+" ", " openid "):
		p.problem("scope lacks openid")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		p.problem("no S256 PKCE challenge")
	case q.Get("nonce") == "" || q.Get("state") == "":
		p.problem("no nonce or state")
	}
	code := b64(randomBytes(16))
	state := q.Get("state")
	p.mu.Lock()
	p.grants[code] = idpGrant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	if p.state != nil {
		state = p.state(state)
	}
	back := q.Get("redirect_uri") + "?" + url.Values{"code": {code}, "state": {state}}.Encode()
	if p.deny {
		back = q.Get("redirect_uri") + "?" + url.Values{"error": {"access_denied"}, "state": {state}}.Encode()
	}
	p.lastBack = back
	p.mu.Unlock()
	http.Redirect(w, r, back, http.StatusFound)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// token redeems a code once, for the right client, with the verifier
// whose S256 hash is the challenge /authorize was given.
func (p *testIdP) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeTestJSON(w, 400, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != idpClientID || secret != idpSecret {
		writeTestJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	code := r.PostForm.Get("code")
	g, ok := p.grants[code]
	delete(p.grants, code)
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.redirect ||
		b64(sum[:]) != g.challenge {
		writeTestJSON(w, 400, map[string]string{"error": "invalid_grant"})
		return
	}
	now := p.now()
	claims := map[string]any{"iss": p.srv.URL, "sub": p.sub, "aud": idpClientID, "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "nonce": g.nonce, "email": p.sub + "@force.example"}
	if p.claims != nil {
		p.claims(claims)
	}
	key := p.key
	if p.signWith != nil {
		key = p.signWith
	}
	p.issued++
	idToken, accessToken := signJWT(p.t, key, claims), b64(randomBytes(16))
	p.tokens = append(p.tokens, idToken, accessToken)
	writeTestJSON(w, 200, map[string]any{"access_token": accessToken, "token_type": "Bearer", "expires_in": 300,
		"id_token": idToken})
}

// signJWT builds a compact RS256 JWS by hand: header.payload.signature.
func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": idpKeyID})
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Error(err)
	}
	input := b64(header) + "." + b64(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Error(err)
	}
	return input + "." + b64(sig)
}

// ssoRig is Probity behind a real listener, with single sign-on to idp.
// Its clock is guarded: handlers read it on the servers' goroutines.
type ssoRig struct {
	f   *fixture
	idp *testIdP
	url string

	mu  sync.Mutex
	now time.Time
}

func (rig *ssoRig) clock() time.Time {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return rig.now
}

func (rig *ssoRig) advance(d time.Duration) {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	rig.now = rig.now.Add(d)
}

func newSSORig(t *testing.T, f *fixture) *ssoRig {
	t.Helper()
	rig := &ssoRig{f: f, now: f.now}
	rig.idp = newTestIdP(t, rig.clock)
	// The redirect URL must be known before the server exists.
	var h http.Handler
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ps.Close)
	o, err := web.NewOIDC(ctx, rig.idp.srv.URL, idpClientID, idpSecret, ps.URL+"/auth/oidc/callback")
	if err != nil {
		t.Fatal(err)
	}
	f.srv = web.New(web.Deps{DB: f.db, Clock: rig.clock, RequireMFA: true,
		Hasher: access.Hasher{Params: access.TestParams}, Logger: newTestLogger(f.logs), OIDC: o})
	h, rig.url = f.srv, ps.URL
	return rig
}

// browser is a fresh client with a cookie jar that follows redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func fetch(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (rig *ssoRig) link(t *testing.T, role access.Role, sub string) {
	t.Helper()
	err := rig.f.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.LinkOIDC(ctx, rig.f.users[role].ID, rig.idp.srv.URL+"|"+sub)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// signIn runs a whole single sign-on as sub with a fresh browser.
func (rig *ssoRig) signIn(t *testing.T, sub string) (*http.Client, int, string) {
	t.Helper()
	rig.idp.mu.Lock()
	rig.idp.sub = sub
	rig.idp.mu.Unlock()
	c := browser(t)
	status, body := fetch(t, c, rig.url+"/auth/oidc/start")
	return c, status, body
}

// signedIn reports whether the browser holds a working session.
func (rig *ssoRig) signedIn(t *testing.T, c *http.Client) bool {
	t.Helper()
	status, _ := fetch(t, c, rig.url+"/api/v1/session")
	return status == http.StatusOK
}

// lastLogin is the newest sign-in audit entry.
func lastLogin(t *testing.T, f *fixture) audit.Entry {
	t.Helper()
	page, err := f.db.AuditEntries(ctx, store.AuditFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Entries {
		if e.Action == audit.Login {
			return e
		}
	}
	t.Fatal("no sign-in audit entry")
	return audit.Entry{}
}

var loginErrorLine = regexp.MustCompile(`<a href="#username" id="login-error">[^<]*</a>`)

func TestSingleSignOn(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		// Without OIDC configured the routes do not exist, and the sign-in
		// page offers nothing.
		for _, path := range []string{"/auth/oidc/start", "/auth/oidc/callback?code=x&state=y"} {
			if rec := f.anonymous().do(t, "GET", path, "", ""); rec.Code != http.StatusNotFound {
				t.Errorf("OIDC off: GET %s = %d, want 404", path, rec.Code)
			}
		}
		if body := f.anonymous().do(t, "GET", "/login", "", "").Body.String(); strings.Contains(body, "/auth/oidc/start") {
			t.Error("OIDC off: the sign-in page offers single sign-on")
		}

		rig := newSSORig(t, f)
		rig.link(t, access.Handler, "sub-handler")
		rig.link(t, access.Investigator, "sub-investigator")
		t.Cleanup(func() {
			rig.idp.mu.Lock()
			defer rig.idp.mu.Unlock()
			for _, p := range rig.idp.problems {
				t.Errorf("identity provider saw: %s", p)
			}
		})
		if _, body := fetch(t, browser(t), rig.url+"/login"); !strings.Contains(body, `href="/auth/oidc/start"`) {
			t.Error("OIDC on: the sign-in page does not offer single sign-on")
		}

		// The page a wrong password gets, for comparison: with an empty
		// username it has no form value in it either.
		wrongPassword := func(username string) (int, string) {
			resp, err := browser(t).PostForm(rig.url+"/login", url.Values{"username": {username}, "password": {"not the password"}})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		badStatus, badPage := wrongPassword("")
		_, badKnownUser := wrongPassword("supervisor")
		if badStatus != http.StatusUnauthorized || loginErrorLine.FindString(badPage) == "" {
			t.Fatalf("wrong password: %d %s", badStatus, badPage)
		}
		sameAsBadPassword := func(t *testing.T, status int, body string) {
			t.Helper()
			if status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", status)
			}
			if body != badPage {
				t.Errorf("page differs from a wrong password's:\n%s\nwant:\n%s", body, badPage)
			}
			if loginErrorLine.FindString(body) != loginErrorLine.FindString(badKnownUser) {
				t.Errorf("error message differs from a known user's wrong password")
			}
		}
		reset := func() {
			rig.idp.mu.Lock()
			rig.idp.claims, rig.idp.signWith, rig.idp.state, rig.idp.deny = nil, nil, nil, false
			rig.idp.mu.Unlock()
		}

		t.Run("linked user signs in", func(t *testing.T) {
			reset()
			c, status, body := rig.signIn(t, "sub-handler")
			if status != http.StatusOK || !strings.Contains(body, "Sign out") && !strings.Contains(body, "handler") {
				t.Fatalf("sign-in ended at %d:\n%s", status, body)
			}
			status, body = fetch(t, c, rig.url+"/api/v1/session")
			var me struct {
				User         access.User `json:"user"`
				MFAEnrolment bool        `json:"mfa_enrolment_required"`
			}
			if err := json.Unmarshal([]byte(body), &me); status != http.StatusOK || err != nil {
				t.Fatalf("GET /api/v1/session = %d %s", status, body)
			}
			if me.User.ID != f.users[access.Handler].ID || me.MFAEnrolment {
				t.Errorf("session is %+v", me)
			}
			e := lastLogin(t, f)
			if e.Outcome != audit.Success || e.Reason != "single sign-on" || e.ActorID != f.users[access.Handler].ID {
				t.Errorf("audit entry %+v", e)
			}
			u, _ := url.Parse(rig.url)
			for _, ck := range c.Jar.Cookies(u.JoinPath("/auth/oidc/callback")) {
				if ck.Name == "probity_oidc" {
					t.Error("the pending sign-in cookie outlived the callback")
				}
			}
			// The callback URL, replayed, is spent.
			rig.idp.mu.Lock()
			back := rig.idp.lastBack
			rig.idp.mu.Unlock()
			if status, _ := fetch(t, c, back); status != http.StatusBadRequest {
				t.Errorf("replayed callback: %d, want 400", status)
			}
		})

		t.Run("state altered on the way back", func(t *testing.T) {
			reset()
			rig.idp.state = func(s string) string { return s + "x" }
			issued := rig.idp.issued
			c, status, _ := rig.signIn(t, "sub-handler")
			if status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", status)
			}
			if rig.signedIn(t, c) {
				t.Error("signed in despite a wrong state")
			}
			if rig.idp.issued != issued {
				t.Error("the code was redeemed despite a wrong state")
			}
		})

		t.Run("forged pending cookie", func(t *testing.T) {
			reset()
			c := browser(t)
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := c.Get(rig.url + "/auth/oidc/start")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), rig.idp.srv.URL+"/authorize?") {
				t.Fatalf("start: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			u, _ := url.Parse(rig.url + "/auth/oidc/callback")
			var value string
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "probity_oidc" {
					value = ck.Value
				}
			}
			enc, mac, ok := strings.Cut(value, ".")
			if !ok {
				t.Fatalf("pending cookie %q", value)
			}
			payload, _ := base64.RawURLEncoding.DecodeString(enc)
			parts := strings.Split(string(payload), "|")
			parts[0] = "attacker-chosen-state"
			forged := b64([]byte(strings.Join(parts, "|"))) + "." + mac
			c.Jar.SetCookies(u, []*http.Cookie{{Name: "probity_oidc", Value: forged, Path: "/auth/oidc/"}})
			if got := c.Jar.Cookies(u); len(got) != 1 || got[0].Value != forged {
				t.Fatalf("the jar holds %v, not the forged cookie alone", got)
			}
			status, _ := fetch(t, c, rig.url+"/auth/oidc/callback?code=anything&state=attacker-chosen-state")
			if status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", status)
			}
			if rig.signedIn(t, c) {
				t.Error("signed in with a forged cookie")
			}
		})

		t.Run("pending sign-in expired", func(t *testing.T) {
			reset()
			rig.idp.mu.Lock()
			rig.idp.sub = "sub-handler"
			rig.idp.mu.Unlock()
			c := browser(t)
			c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
				if req.URL.Path == "/auth/oidc/callback" {
					return http.ErrUseLastResponse
				}
				return nil
			}
			resp, err := c.Get(rig.url + "/auth/oidc/start")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			back := resp.Header.Get("Location")
			if !strings.HasPrefix(back, rig.url+"/auth/oidc/callback?") {
				t.Fatalf("the provider sent the browser to %q", back)
			}
			// The user wandered off at the provider for longer than the
			// ten minutes a sign-in may take.
			rig.advance(11 * time.Minute)
			defer rig.advance(-11 * time.Minute)
			if status, _ := fetch(t, c, back); status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", status)
			}
			if rig.signedIn(t, c) {
				t.Error("signed in after the sign-in expired")
			}
		})

		t.Run("provider refuses", func(t *testing.T) {
			reset()
			rig.idp.mu.Lock()
			rig.idp.deny = true
			rig.idp.mu.Unlock()
			c, status, body := rig.signIn(t, "sub-handler")
			sameAsBadPassword(t, status, body)
			if rig.signedIn(t, c) {
				t.Error("signed in although the provider refused")
			}
			if e := lastLogin(t, f); e.Outcome != audit.Denied || e.Reason != "single sign-on refused by the identity provider" {
				t.Errorf("audit entry %+v", e)
			}
		})

		t.Run("unknown subject", func(t *testing.T) {
			reset()
			c, status, body := rig.signIn(t, "sub-nobody")
			sameAsBadPassword(t, status, body)
			if rig.signedIn(t, c) {
				t.Error("signed in without a linked account")
			}
			e := lastLogin(t, f)
			if e.Outcome != audit.Denied || e.Reason != "no account linked to this sign-in" || e.ActorID != "" {
				t.Errorf("audit entry %+v", e)
			}
		})

		t.Run("disabled user", func(t *testing.T) {
			reset()
			inv := f.users[access.Investigator]
			if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.SetDisabled(ctx, inv.ID, true, f.now) }); err != nil {
				t.Fatal(err)
			}
			c, status, body := rig.signIn(t, "sub-investigator")
			sameAsBadPassword(t, status, body)
			if rig.signedIn(t, c) {
				t.Error("a disabled account signed in")
			}
			if e := lastLogin(t, f); e.Outcome != audit.Denied || e.ActorID != inv.ID {
				t.Errorf("audit entry %+v", e)
			}
		})

		otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name     string
			claims   func(map[string]any)
			signWith *rsa.PrivateKey
		}{
			{"wrong audience", func(c map[string]any) { c["aud"] = "some-other-client" }, nil},
			{"wrong nonce", func(c map[string]any) { c["nonce"] = "a-nonce-from-another-sign-in" }, nil},
			{"no nonce", func(c map[string]any) { delete(c, "nonce") }, nil},
			{"expired", func(c map[string]any) {
				c["iat"], c["exp"] = f.now.Add(-time.Hour).Unix(), f.now.Add(-time.Minute).Unix()
			}, nil},
			{"wrong issuer", func(c map[string]any) { c["iss"] = "https://idp.attacker.example" }, nil},
			{"wrong signature", nil, otherKey},
		} {
			t.Run("ID token with "+tc.name, func(t *testing.T) {
				reset()
				rig.idp.mu.Lock()
				rig.idp.claims, rig.idp.signWith = tc.claims, tc.signWith
				rig.idp.mu.Unlock()
				c, status, body := rig.signIn(t, "sub-handler")
				sameAsBadPassword(t, status, body)
				if rig.signedIn(t, c) {
					t.Error("signed in with a bad ID token")
				}
				if e := lastLogin(t, f); e.Outcome != audit.Denied || e.Reason != "single sign-on token refused" {
					t.Errorf("audit entry %+v", e)
				}
			})
		}

		// Neither the client secret nor any token the provider issued may
		// reach a log line or an audit entry.
		t.Run("no secrets in logs or audit", func(t *testing.T) {
			page, err := f.db.AuditEntries(ctx, store.AuditFilter{Limit: store.MaxAuditPage})
			if err != nil {
				t.Fatal(err)
			}
			audited, _ := json.Marshal(page.Entries)
			rig.idp.mu.Lock()
			secrets := append([]string{idpSecret}, rig.idp.tokens...)
			rig.idp.mu.Unlock()
			for _, secret := range secrets {
				if strings.Contains(f.logs.String(), secret) || strings.Contains(string(audited), secret) {
					t.Errorf("%.20s... reached the log or the audit trail", secret)
				}
			}
		})
	})
}
