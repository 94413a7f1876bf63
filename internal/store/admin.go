package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
)

// What the administrators' pages change beyond users.go: a user's units,
// their API tokens, and the force's units.

// SetUnits replaces a user's units.
func (tx *Tx) SetUnits(ctx context.Context, userID string, unitIDs []string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM user_units WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("clearing the units of user %s: %w", userID, err)
	}
	for _, unit := range unitIDs {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)`, userID, unit)
		if err := constraintError(err, "unit given twice", "no such user or unit"); err != nil {
			return fmt.Errorf("giving user %s unit %s: %w", userID, unit, err)
		}
	}
	return nil
}

// TokenInfo is what may be shown of an API token: never the token, nor its
// hash.
type TokenInfo struct {
	APIToken
	RevokedAt *time.Time
}

// Live reports whether the token still lets its holder in at now.
func (t TokenInfo) Live(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// APITokens lists a user's tokens, newest first, revoked and expired ones
// too: an administrator checking a leak needs to see them all.
func (db *DB) APITokens(ctx context.Context, userID string) ([]TokenInfo, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, user_id, name, roles, created_at, expires_at, revoked_at
		FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("listing the API tokens of user %s: %w", userID, err)
	}
	return collect(rows, func(r *sql.Rows) (TokenInfo, error) {
		var t TokenInfo
		var roles string
		var exp, rev sql.NullTime
		if err := r.Scan(&t.ID, &t.UserID, &t.Name, &roles, &t.CreatedAt, &exp, &rev); err != nil {
			return t, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		t.ExpiresAt = utcPtr(exp)
		t.RevokedAt = utcPtr(rev)
		t.Roles = splitRoles(roles)
		return t, nil
	})
}

// RevokeAPIToken ends one of a user's tokens at once. A token of another
// user is not found, and one already revoked is a conflict, so that two
// administrators revoking together record one revocation.
func (tx *Tx) RevokeAPIToken(ctx context.Context, userID, tokenID string, now time.Time) (string, error) {
	var name string
	var rev sql.NullTime
	err := tx.tx.QueryRowContext(ctx, `SELECT name, revoked_at FROM api_tokens WHERE id = $1 AND user_id = $2`, tokenID, userID).
		Scan(&name, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.Errorf(fault.NotFound, "no such API token")
	}
	if err != nil {
		return "", fmt.Errorf("reading API token %s: %w", tokenID, err)
	}
	if rev.Valid {
		return name, fault.Errorf(fault.Conflict, "the API token %q was already revoked", name)
	}
	_, err = tx.tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, now.UTC(), tokenID)
	if err != nil {
		return "", fmt.Errorf("revoking API token %s: %w", tokenID, err)
	}
	return name, nil
}

// ForceUnit is a unit with the name of its force, for lists across forces.
type ForceUnit struct {
	officers.Unit
	ForceName string
}

// AllUnits lists every unit of every force, by force and code.
func (db *DB) AllUnits(ctx context.Context) ([]ForceUnit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.force_id, u.code, u.name, f.name FROM units u
		JOIN forces f ON f.id = u.force_id ORDER BY f.code, u.code`)
	if err != nil {
		return nil, fmt.Errorf("listing units: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (ForceUnit, error) {
		var u ForceUnit
		return u, r.Scan(&u.ID, &u.ForceID, &u.Code, &u.Name, &u.ForceName)
	})
}

func splitRoles(s string) []access.Role {
	var out []access.Role
	for _, r := range strings.Split(s, ",") {
		if r != "" {
			out = append(out, access.Role(r))
		}
	}
	return out
}
