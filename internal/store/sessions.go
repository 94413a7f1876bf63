package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// Session is a signed-in browser or API client.
type Session struct {
	TokenHash string
	UserID    string
	CreatedAt time.Time
	LastSeen  time.Time
	MFAPassed bool
	// FailedBefore is how many sign-in attempts on the account failed
	// between the previous successful sign-in and this one.
	FailedBefore int
}

// CreateSession stores a new session.
func (tx *Tx) CreateSession(ctx context.Context, s Session) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, mfa_passed, failed_before)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.TokenHash, s.UserID, s.CreatedAt.UTC(), s.LastSeen.UTC(), s.MFAPassed, s.FailedBefore)
	return err
}

// SessionByHash finds a session by its token hash.
func (db *DB) SessionByHash(ctx context.Context, hash string) (Session, error) {
	var s Session
	err := db.read.QueryRowContext(ctx, `SELECT token_hash, user_id, created_at, last_seen_at, mfa_passed, failed_before
		FROM sessions WHERE token_hash = $1`, hash).
		Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.LastSeen, &s.MFAPassed, &s.FailedBefore)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fault.Errorf(fault.Unauthenticated, "not signed in")
	}
	s.CreatedAt, s.LastSeen = s.CreatedAt.UTC(), s.LastSeen.UTC()
	return s, err
}

// TouchSession records use of a session, for the idle timeout.
func (db *DB) TouchSession(ctx context.Context, hash string, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, now.UTC(), hash)
	return err
}

// MarkSessionMFA records that a session has passed MFA.
func (tx *Tx) MarkSessionMFA(ctx context.Context, hash string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE sessions SET mfa_passed = $1 WHERE token_hash = $2`, true, hash)
	return err
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, hash string) error {
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

// DeleteUserSessions ends every session of a user.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// APIToken is a machine client's credential, scoped to some of its user's
// roles.
type APIToken struct {
	ID        string
	UserID    string
	Name      string
	Roles     []access.Role
	CreatedAt time.Time
	ExpiresAt *time.Time
}

// CreateAPIToken stores a token's hash; the token itself is shown once by
// the caller and never stored.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *APIToken, hash string) error {
	t.ID = id.New()
	roles := make([]string, len(t.Roles))
	for i, r := range t.Roles {
		roles[i] = string(r)
	}
	var exp any
	if t.ExpiresAt != nil {
		exp = t.ExpiresAt.UTC()
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, roles, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.UserID, t.Name, hash, strings.Join(roles, ","), t.CreatedAt.UTC(), exp)
	return constraintError(err, "token already exists", "no such user")
}

// APITokenByHash finds a live (unrevoked, unexpired) token.
func (db *DB) APITokenByHash(ctx context.Context, hash string, now time.Time) (APIToken, error) {
	var t APIToken
	var roles string
	var exp sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, name, roles, created_at, expires_at FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL`, hash).Scan(&t.ID, &t.UserID, &t.Name, &roles, &t.CreatedAt, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fault.Errorf(fault.Unauthenticated, "not signed in")
	}
	if err != nil {
		return t, err
	}
	if exp.Valid {
		e := exp.Time.UTC()
		t.ExpiresAt = &e
		if !now.Before(e) {
			return t, fault.Errorf(fault.Unauthenticated, "token expired")
		}
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			t.Roles = append(t.Roles, access.Role(r))
		}
	}
	return t, nil
}
