package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

type sessionResponse struct {
	User         access.User   `json:"user"`
	Roles        []access.Role `json:"roles"`
	MFAEnrolment bool          `json:"mfa_enrolment_required"`
	MFARequired  bool          `json:"mfa_required"`
	// FailedSignIns is how many sign-in attempts on the account failed
	// between the previous successful sign-in and this session's.
	FailedSignIns int `json:"failed_sign_ins_since_last"`
}

// errBadLogin is the one answer to every failed sign-in, so that nobody
// learns whether a username exists, is locked or is disabled.
var errBadLogin = fault.Errorf(fault.Unauthenticated, "username, password or one-time code not accepted")

// login checks a sign-in attempt and, when it succeeds, opens a session.
// The attempt must first pass the sign-in limits (signin.go); one refused
// there is not checked, audited or stored, and is answered with a
// *throttled. Every checked attempt is audited in the transaction that
// updates the account's counters. Any other refusal is errBadLogin.
func (s *Server) login(r *http.Request, username, password, code string) (token string, res access.LoginResult, u access.User, err error) {
	ctx := r.Context()
	now := s.clock()
	username = strings.ToLower(strings.TrimSpace(username))
	if err := s.signIn.admit(clientAddr(r), username); err != nil {
		s.log.Info("sign-in refused before checking", "reason", err.Error(), "source", clientAddr(r))
		return "", res, u, err
	}
	rec, err := s.db.LoginRecord(ctx, username)
	if fault.Is(err, fault.NotFound) {
		// Spend the same time as a real check, then refuse.
		if err := s.signIn.hash(ctx, func() { s.hasher.DummyVerify(password) }); err != nil {
			return "", res, u, err
		}
		e := s.auditEntry(r, audit.Login, "user", "", audit.Denied)
		e.Reason = "unknown username"
		if err := s.db.Audit(ctx, e); err != nil {
			return "", res, u, err
		}
		return "", res, u, errBadLogin
	}
	if err != nil {
		return "", res, u, err
	}
	if err := s.signIn.hash(ctx, func() { res = access.CheckLogin(rec, password, code, s.requireMFA, s.hasher, now) }); err != nil {
		return "", res, u, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if res.OK && rec.TOTPEnrolled {
			claimed, err := tx.ClaimTOTPStep(ctx, rec.User.ID, res.TOTPStep)
			if err != nil {
				return err
			}
			if !claimed {
				res = res.Replayed()
			}
		}
		if err := tx.RecordLoginResult(ctx, rec.User.ID, res); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Login, "user", rec.User.ID, audit.Success)
		e.ActorID, e.ActorName = rec.User.ID, rec.User.Username
		if !res.OK {
			e.Outcome, e.Reason = audit.Denied, res.Failure
			return tx.Audit(ctx, e)
		}
		var notes []string
		if res.MFAPending {
			notes = append(notes, "password accepted; MFA enrolment pending")
		}
		if res.FailuresBefore > 0 {
			notes = append(notes, fmt.Sprintf("%d failed attempts since the previous sign-in, shown to the user", res.FailuresBefore))
		}
		e.Reason = strings.Join(notes, "; ")
		if err := tx.Audit(ctx, e); err != nil {
			return err
		}
		var hash string
		token, hash = access.NewToken(sessionTokenPrefix)
		return tx.CreateSession(ctx, store.Session{TokenHash: hash, UserID: rec.User.ID, CreatedAt: now, LastSeen: now,
			MFAPassed: !res.MFAPending, FailedBefore: res.FailuresBefore})
	})
	if err != nil {
		return "", res, u, err
	}
	if !res.OK {
		return "", res, u, errBadLogin
	}
	s.signIn.usernames.succeeded(username)
	return token, res, rec.User, nil
}

// failedBefore is how many sign-in attempts failed before the one that
// opened the request's session; 0 for API tokens.
func (s *Server) failedBefore(r *http.Request) (int, error) {
	hash := sessionHash(r)
	if hash == "" {
		return 0, nil
	}
	sess, err := s.db.SessionByHash(r.Context(), hash)
	if err != nil {
		return 0, err
	}
	return sess.FailedBefore, nil
}

// createSession signs a user in: POST /api/v1/session.
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(w, r, &req, 16<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	token, res, u, err := s.login(r, req.Username, req.Password, req.TOTP)
	var th *throttled
	if errors.As(err, &th) {
		writeThrottled(w, th)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, r, token)
	writeJSON(w, http.StatusOK, sessionResponse{User: u, Roles: u.Roles, MFAEnrolment: res.MFAPending, MFARequired: s.requireMFA,
		FailedSignIns: res.FailuresBefore})
}

// logout ends the request's session, audited.
func (s *Server) logout(r *http.Request) error {
	ctx := r.Context()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, sessionHash(r)); err != nil {
			return err
		}
		return tx.Audit(ctx, s.auditEntry(r, audit.Logout, "user", caller(r).User.ID, audit.Success))
	})
}

// deleteSession signs out: DELETE /api/v1/session.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) {
	if err := s.logout(r); err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// me says who is signed in: GET /api/v1/session.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p := caller(r)
	failed, err := s.failedBefore(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sessionResponse{User: p.User, Roles: p.Roles, MFAEnrolment: !p.MFAPassed, MFARequired: s.requireMFA,
		FailedSignIns: failed})
}

type enrolResponse struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

// enrol gives a signed-in user a new TOTP secret to add to their app. It
// takes effect only once confirmed with a code.
func (s *Server) enrol(r *http.Request) (secret, url string, err error) {
	p := caller(r)
	if p.ViaToken {
		return "", "", fault.Errorf(fault.Forbidden, "MFA is enrolled from a browser session, not with an API token")
	}
	ctx := r.Context()
	rec, err := s.db.LoginRecord(ctx, p.User.Username)
	if err != nil {
		return "", "", err
	}
	if rec.TOTPEnrolled {
		return "", "", fault.Errorf(fault.Conflict, "MFA is already enrolled; an administrator can reset it (probity user reset-mfa)")
	}
	if secret, url, err = access.NewTOTPSecret(p.User.Username); err != nil {
		return "", "", err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, p.User.ID, secret, false, 0); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.MFAEnrol, "user", p.User.ID, audit.Success)
		e.Reason = "enrolment started"
		return tx.Audit(ctx, e)
	})
	return secret, url, err
}

// startMFA answers POST /api/v1/mfa/enrol.
func (s *Server) startMFA(w http.ResponseWriter, r *http.Request) {
	secret, url, err := s.enrol(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, enrolResponse{Secret: secret, URL: url})
}

type confirmRequest struct {
	TOTP string `json:"totp"`
}

// confirm checks the first code from the user's app and completes
// enrolment; the session then counts as having passed MFA.
func (s *Server) confirm(r *http.Request, code string) error {
	p := caller(r)
	ctx := r.Context()
	rec, err := s.db.LoginRecord(ctx, p.User.Username)
	if err != nil {
		return err
	}
	if rec.TOTPSecret == "" || rec.TOTPEnrolled {
		return fault.Errorf(fault.Conflict, "no MFA enrolment is waiting to be confirmed; start with POST /api/v1/mfa/enrol")
	}
	step, ok := access.VerifyTOTP(rec.TOTPSecret, code, rec.TOTPLastStep, s.clock())
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		e := s.auditEntry(r, audit.MFAEnrol, "user", p.User.ID, audit.Success)
		if !ok {
			e.Outcome, e.Reason = audit.Denied, "confirmation code not accepted"
			return tx.Audit(ctx, e)
		}
		e.Reason = "enrolment confirmed"
		if err := tx.SetTOTP(ctx, p.User.ID, rec.TOTPSecret, true, step); err != nil {
			return err
		}
		if err := tx.MarkSessionMFA(ctx, sessionHash(r)); err != nil {
			return err
		}
		return tx.Audit(ctx, e)
	})
	if err != nil {
		return err
	}
	if !ok {
		return &fault.Error{Kind: fault.Invalid, Message: "code not accepted",
			Fields: []fault.FieldError{{Field: "totp", Reason: "is not the current code from your authenticator app"}}}
	}
	return nil
}

// confirmMFA answers POST /api/v1/mfa/confirm.
func (s *Server) confirmMFA(w http.ResponseWriter, r *http.Request) {
	var req confirmRequest
	if err := decodeJSON(w, r, &req, 4<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.confirm(r, req.TOTP); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
