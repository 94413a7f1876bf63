package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

// OIDC signs staff in through their organisation's OpenID Connect
// identity provider (authorisation code flow with PKCE). It only ever
// opens accounts an administrator has linked to a subject at that
// provider (probity user add --oidc-subject); it never creates one.
type OIDC struct {
	issuer   string
	provider *oidc.Provider
	oauth    oauth2.Config
	client   *http.Client
	verifier *oidc.IDTokenVerifier
	// key authenticates the probity_oidc cookie. It lives only in this
	// process: a sign-in started before a restart, or on another instance
	// behind a load balancer without sticky sessions, must start again.
	key []byte
}

// oidcTimeout bounds each call to the identity provider, so that a slow
// provider cannot hold a request (or start-up) for ever.
const oidcTimeout = 15 * time.Second

// NewOIDC discovers the provider at issuer and prepares the client. It
// fails when discovery fails: a mistyped issuer should stop serve at
// start, not every sign-in later.
func NewOIDC(ctx context.Context, issuer, clientID, secret, redirectURL string) (*OIDC, error) {
	client := &http.Client{Timeout: oidcTimeout}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), issuer)
	if err != nil {
		return nil, fmt.Errorf("discovering the OpenID Connect provider: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	o := &OIDC{issuer: issuer, provider: provider, client: client, key: key,
		oauth: oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: provider.Endpoint(),
			RedirectURL: redirectURL, Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}}
	o.verifier = provider.Verifier(&oidc.Config{ClientID: clientID})
	return o, nil
}

// withClock is a copy of o whose ID-token expiry checks use the server's
// clock, so that tests with a fixed clock see tokens as the server does.
func (o *OIDC) withClock(now Clock) *OIDC {
	c := *o
	c.verifier = o.provider.Verifier(&oidc.Config{ClientID: o.oauth.ClientID, Now: now})
	return &c
}

// oidcCookie carries a sign-in in progress from /auth/oidc/start to the
// callback. Lax, not Strict: the callback is a top-level navigation from
// the provider's site, which Strict would strip the cookie from.
const (
	oidcCookie     = "probity_oidc"
	oidcCookiePath = "/auth/oidc/"
	oidcPendingTTL = 10 * time.Minute
)

// pendingSignIn is what the callback checks the provider's answer against.
type pendingSignIn struct {
	state, nonce, verifier string
	expires                time.Time
}

// seal encodes p as base64url(state|nonce|verifier|expiry).base64url(mac).
// The fields are base64url themselves, so "|" cannot occur inside one.
func (o *OIDC) seal(p pendingSignIn) string {
	payload := strings.Join([]string{p.state, p.nonce, p.verifier, strconv.FormatInt(p.expires.Unix(), 10)}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(o.mac([]byte(payload)))
}

func (o *OIDC) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, o.key)
	m.Write(payload)
	return m.Sum(nil)
}

// open reverses seal, refusing a cookie that was altered or has expired.
func (o *OIDC) open(value string, now time.Time) (pendingSignIn, bool) {
	var p pendingSignIn
	enc, encMAC, ok := strings.Cut(value, ".")
	if !ok {
		return p, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(enc)
	sum, err2 := base64.RawURLEncoding.DecodeString(encMAC)
	if err1 != nil || err2 != nil || !hmac.Equal(sum, o.mac(payload)) {
		return p, false
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 4 {
		return p, false
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return p, false
	}
	p = pendingSignIn{state: parts[0], nonce: parts[1], verifier: parts[2], expires: time.Unix(exp, 0)}
	if !now.Before(p.expires) || p.state == "" || p.nonce == "" || p.verifier == "" {
		return pendingSignIn{}, false
	}
	return p, true
}

// randomValue is 256 bits of randomness, URL-safe.
func randomValue() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail; it aborts the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// errIdPUnreachable marks a failure to talk to the provider, as opposed
// to the provider or its token refusing the sign-in.
var errIdPUnreachable = errors.New("identity provider unreachable")

// identify redeems the authorisation code and verifies the ID token it
// brings: signature, issuer, audience and expiry (go-oidc), and the nonce
// (here). It returns the linked-subject key "ISSUER|SUB".
func (o *OIDC) identify(ctx context.Context, code string, p pendingSignIn) (string, error) {
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, o.client), oidcTimeout)
	defer cancel()
	if code == "" {
		return "", errors.New("no authorisation code in the callback")
	}
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(p.verifier))
	if err != nil {
		var refused *oauth2.RetrieveError
		if !errors.As(err, &refused) {
			return "", fmt.Errorf("%w: %w", errIdPUnreachable, err)
		}
		return "", fmt.Errorf("token endpoint refused the code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", errors.New("token response has no ID token")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("ID token refused: %w", err)
	}
	// The nonce ties the token to this browser's sign-in; without the
	// check a token stolen from another sign-in could be replayed.
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.nonce)) != 1 {
		return "", errors.New("ID token refused: nonce does not match this sign-in")
	}
	if idt.Subject == "" {
		return "", errors.New("ID token refused: no subject")
	}
	// The subject is scoped by issuer: two providers may reuse a sub.
	return o.issuer + "|" + idt.Subject, nil
}

// oidcStart sends the browser to the identity provider: GET /auth/oidc/start.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.failPage(w, r, fault.Errorf(fault.NotFound, "no such page"))
		return
	}
	p := pendingSignIn{state: randomValue(), nonce: randomValue(), verifier: oauth2.GenerateVerifier(),
		expires: s.clock().Add(oidcPendingTTL)}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: s.oidc.seal(p), Path: oidcCookiePath,
		MaxAge: int(oidcPendingTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookies || r.TLS != nil})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.oidc.oauth.AuthCodeURL(p.state, oidc.Nonce(p.nonce), oauth2.S256ChallengeOption(p.verifier)),
		http.StatusSeeOther)
}

// oidcCallback completes a single sign-on: GET /auth/oidc/callback.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.failPage(w, r, fault.Errorf(fault.NotFound, "no such page"))
		return
	}
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	var pending pendingSignIn
	ok := false
	if c, err := r.Cookie(oidcCookie); err == nil {
		pending, ok = s.oidc.open(c.Value, s.clock())
	}
	// The pending sign-in is spent whatever happens next: a callback URL
	// replayed from history or a log must not complete a second time.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: oidcCookiePath, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secureCookies || r.TLS != nil})
	q := r.URL.Query()
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(pending.state)) != 1 {
		// Either the sign-in expired, or this callback did not start in
		// this browser (a forged link trying to sign the victim in as the
		// attacker). Nothing is learned about any account; start again.
		s.log.Info("single sign-on callback refused", "reason", "state missing, expired or not matching")
		s.render(w, r, http.StatusBadRequest, "error", errorPage{pageData: s.pageData(r), Title: http.StatusText(http.StatusBadRequest),
			Detail: "This sign-in has expired or did not start in this browser. Go back to the sign-in page and start again."})
		return
	}
	if e := q.Get("error"); e != "" {
		// The provider refused, or the user cancelled there.
		s.oidcRefuse(w, r, nil, "single sign-on refused by the identity provider", fmt.Errorf("provider error %q", oauthErrorCode(e)))
		return
	}
	subject, err := s.oidc.identify(ctx, q.Get("code"), pending)
	if errors.Is(err, errIdPUnreachable) {
		s.log.Warn("single sign-on failed", "err", err)
		s.failPage(w, r, fault.Errorf(fault.Unavailable, "The sign-in service could not be reached. Try again, or sign in with your password."))
		return
	}
	if err != nil {
		s.oidcRefuse(w, r, nil, "single sign-on token refused", err)
		return
	}
	u, err := s.db.UserByOIDCSubject(ctx, subject)
	switch {
	case fault.Is(err, fault.NotFound):
		s.log.Info("single sign-on for an unlinked subject", "subject", subject)
		s.oidcRefuse(w, r, nil, "no account linked to this sign-in", nil)
		return
	case err != nil:
		s.failPage(w, r, err)
		return
	case u.Disabled:
		// The audit log, read only by auditors, may say why; the page
		// must not.
		s.oidcRefuse(w, r, &u, "account disabled", nil)
		return
	}
	var token string
	now := s.clock()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		e := s.auditEntry(r, audit.Login, "user", u.ID, audit.Success)
		e.ActorID, e.ActorName, e.Reason = u.ID, u.Username, "single sign-on"
		if err := tx.Audit(ctx, e); err != nil {
			return err
		}
		var hash string
		token, hash = access.NewToken(sessionTokenPrefix)
		// MFAPassed: the identity provider is trusted to enforce MFA for
		// the accounts it signs in; asking for Probity's TOTP as well
		// would make staff keep two authenticators for one sign-in.
		// Configure MFA at the provider for every account linked here.
		return tx.CreateSession(ctx, store.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastSeen: now, MFAPassed: true})
	})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.setSessionCookie(w, r, token)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// oidcRefuse audits a refused single sign-on and answers with the same
// page, status and words as a refused password: nobody learns whether an
// account exists, is linked, or is disabled.
// u is the account concerned when one was found (nil otherwise).
func (s *Server) oidcRefuse(w http.ResponseWriter, r *http.Request, u *access.User, reason string, cause error) {
	if cause != nil {
		s.log.Info("single sign-on refused", "reason", reason, "err", cause)
	}
	e := s.auditEntry(r, audit.Login, "user", "", audit.Denied)
	e.Reason = reason
	if u != nil {
		e.RecordID, e.ActorID, e.ActorName = u.ID, u.ID, u.Username
	}
	if err := s.db.Audit(r.Context(), e); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnauthorized, "login", loginPage{pageData: s.pageData(r), SSO: true, Error: errBadLogin.Message})
}

// oauthErrorCode keeps a provider's error code for the log only if it
// looks like one (RFC 6749 codes are short, lower case and underscored):
// the parameter arrives from the browser and could carry anything.
func oauthErrorCode(e string) string {
	if len(e) > 64 || strings.Trim(e, "abcdefghijklmnopqrstuvwxyz_") != "" {
		return "(malformed)"
	}
	return e
}
