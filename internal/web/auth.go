package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

// sessionCookie holds the session token in browsers. Over TLS it carries
// the __Host- prefix (hostCookiePrefix).
const sessionCookie = "probity_session"

// hostCookiePrefix makes a browser refuse the cookie unless it is Secure,
// has Path=/ and names no Domain: a page on a sibling subdomain or on
// plain HTTP can then neither plant a session (fixation) nor overwrite it.
const hostCookiePrefix = "__Host-"

// Token prefixes make a leaked secret recognisable to secret scanners.
const (
	sessionTokenPrefix = "prs_"
	apiTokenPrefix     = "prt_"
)

type principalKey struct{}

// caller is the signed-in principal of a request, or nil.
func caller(r *http.Request) *access.Principal {
	p, _ := r.Context().Value(principalKey{}).(*access.Principal)
	return p
}

type sessionKey struct{}

// sessionEndedKey marks a request that carried the cookie of a session
// that has ended.
type sessionEndedKey struct{}

// sessionHash is the stored hash of the request's session token, or "".
func sessionHash(r *http.Request) string {
	h, _ := r.Context().Value(sessionKey{}).(string)
	return h
}

// authenticate finds who is calling: a bearer API token, or a session
// cookie that has not timed out. It never fails the request itself; the
// route's permission decides what an anonymous caller may do.
func (s *Server) authenticate(r *http.Request) (*http.Request, error) {
	ctx := r.Context()
	now := s.clock()
	if authz := r.Header.Get("Authorization"); authz != "" {
		token, ok := strings.CutPrefix(authz, "Bearer ")
		if !ok || !strings.HasPrefix(token, apiTokenPrefix) {
			return r, fault.Errorf(fault.Unauthenticated, "Authorization must be a Probity API token: Bearer prt_...")
		}
		t, err := s.db.APITokenByHash(ctx, access.HashToken(token), now)
		if err != nil {
			return r, err
		}
		u, err := s.db.UserByID(ctx, t.UserID)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return r, err // the database failed: say so, not "not signed in"
		}
		if err != nil || u.Disabled {
			return r, fault.Errorf(fault.Unauthenticated, "not signed in")
		}
		// A token acts with the roles it was issued for that the user
		// still holds: removing a role from the user disarms old tokens.
		var roles []access.Role
		for _, role := range t.Roles {
			if u.Has(role) {
				roles = append(roles, role)
			}
		}
		p := &access.Principal{User: u, Roles: roles, MFAPassed: true, ViaToken: true}
		return r.WithContext(context.WithValue(ctx, principalKey{}, p)), nil
	}
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil || !strings.HasPrefix(c.Value, sessionTokenPrefix) {
		return r, nil
	}
	hash := access.HashToken(c.Value)
	// A session cookie whose session is gone (timed out, signed out
	// elsewhere, or its user disabled) is marked, so that a page can tell
	// the browser its session has ended rather than only asking it to
	// sign in.
	ended := r.WithContext(context.WithValue(ctx, sessionEndedKey{}, true))
	sess, err := s.db.SessionByHash(ctx, hash)
	if fault.Is(err, fault.Unauthenticated) {
		return ended, nil
	}
	if err != nil {
		return r, err
	}
	if expired, why := s.sessions.Expired(sess.CreatedAt, sess.LastSeen, now); expired {
		s.log.Info("session ended", "reason", why, "user", sess.UserID)
		_ = s.endSession(ctx, hash)
		return ended, nil
	}
	u, err := s.db.UserByID(ctx, sess.UserID)
	if err != nil {
		return r, err
	}
	if u.Disabled {
		_ = s.endSession(ctx, hash)
		return ended, nil
	}
	// The idle timeout needs to know a session is in use, not the second
	// of its last request: touching it at most once every touchEvery
	// spares most requests a durable write of their own.
	if now.Sub(sess.LastSeen) >= touchEvery(s.sessions.Idle) {
		if err := s.db.TouchSession(ctx, hash, now); err != nil {
			return r, err
		}
	}
	p := &access.Principal{User: u, Roles: u.Roles, MFAPassed: sess.MFAPassed}
	ctx = context.WithValue(ctx, principalKey{}, p)
	ctx = context.WithValue(ctx, sessionKey{}, hash)
	return r.WithContext(ctx), nil
}

// touchEvery is how stale a session's last use may be before a request
// records it again: a minute, or a tenth of a short idle timeout, so a
// session ends at most that much before its idle timeout would have
// ended it.
func touchEvery(idle time.Duration) time.Duration {
	if idle > 0 && idle/10 < time.Minute {
		return idle / 10
	}
	return time.Minute
}

// headRoutes are the GET routes that also answer HEAD: they have no
// effect but their answer. Every other GET reads records, and a HEAD of it
// would read and audit them only for net/http to drop the body.
var headRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/static/": true}

// guard wraps a route's handler with authentication and its permission.
// Refusals of a signed-in caller are audited: who tried what, and when.
func (s *Server) guard(rt route) http.Handler {
	h := s.authenticated(rt)
	if rt.Method != http.MethodGet || headRoutes[rt.Pattern] {
		return h
	}
	// The router sends HEAD to GET routes; refuse it before anything runs.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.Header().Set("Allow", http.MethodGet)
			writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusMethodNotAllowed),
				Status: http.StatusMethodNotAllowed, Detail: "use GET: HEAD is answered only by /healthz, /readyz and /static/"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// authenticated is guard without its HEAD rule.
func (s *Server) authenticated(rt route) http.Handler {
	if rt.Permission == access.Public {
		// Public routes (the complaint and speak-up doors, sign-in, health
		// checks, static files) never read the session cookie or the
		// Authorization header. A browser that holds a staff session must
		// not tie what it does at an anonymous door to that member of
		// staff, not even through the session's last-seen time; and a
		// header meant for something else is no reason to turn the public
		// away. The sign-in page does not ask whether someone is signed in
		// either: its form serves everyone alike, signing in again only
		// opens a fresh session, and answering "already signed in" would
		// need a second session check beside authenticate, with its own
		// expiry rules to keep in step, for a convenience.
		return s.routeReads(rt, nil, rt.Handler)
	}
	fail := s.fail
	if rt.Page {
		fail = s.failPage
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, err := s.authenticate(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		who := caller(r)
		if access.Allowed(who, rt.Permission) {
			s.routeReads(rt, who, rt.Handler)(w, r)
			return
		}
		switch {
		case who == nil && rt.Page:
			ended, _ := r.Context().Value(sessionEndedKey{}).(bool)
			if ended {
				s.clearSessionCookie(w, r)
			}
			signInRedirect(w, r, ended)
			return
		case who == nil:
			fail(w, r, fault.Errorf(fault.Unauthenticated, "sign in first"))
			return
		case !who.MFAPassed && rt.Page:
			next := ""
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, withNext("/mfa", next), http.StatusSeeOther)
			return
		}
		reason := "your role does not permit " + string(rt.Permission)
		if !who.MFAPassed {
			reason = "set up MFA before anything else (POST /api/v1/mfa/enrol)"
		}
		e := s.auditEntry(r, audit.AccessDenied, "route", rt.Method+" "+rt.Pattern, audit.Denied)
		e.Reason = reason
		if err := s.db.Audit(r.Context(), e); err != nil {
			fail(w, r, err)
			return
		}
		fail(w, r, fault.Errorf(fault.Forbidden, "%s", reason))
	})
}

// auditEntry starts an audit entry for the request's caller.
func (s *Server) auditEntry(r *http.Request, action audit.Action, recordType, recordID string, outcome audit.Outcome) *audit.Entry {
	e := &audit.Entry{At: s.clock().UTC(), Action: action, RecordType: recordType, RecordID: recordID,
		Outcome: outcome, Source: clientAddr(r)}
	if who := caller(r); who != nil {
		e.ActorID, e.ActorName = who.User.ID, who.User.Username
	} else {
		// Never the username typed in: it may be a password in the wrong box.
		e.ActorName = "anonymous"
	}
	return e
}

// clientAddr is the address the request came from: the socket's peer,
// or, behind a trusted proxy, the client it names (trustedProxies.client).
func clientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientKey{}).(string); ok {
		return a
	}
	return trustedProxies(nil).client(r.RemoteAddr, nil)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, s.log, err)
}

func (s *Server) endSession(ctx context.Context, hash string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hash) })
}

// secure reports whether the request reached Probity over TLS, directly
// or (as the operator says with --secure-cookies) through a proxy.
func (s *Server) secure(r *http.Request) bool { return s.secureCookies || r.TLS != nil }

func (s *Server) sessionCookieName(r *http.Request) string {
	if s.secure(r) {
		return hostCookiePrefix + sessionCookie
	}
	return sessionCookie
}

// setSessionCookie sets a browser-session cookie: no Max-Age or Expires,
// so it goes when the browser closes, and a shared computer does not keep
// someone signed in for the session's whole lifetime. The server still
// ends the session at its idle and absolute limits.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r),
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(r), Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: -1})
}
