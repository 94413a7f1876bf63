package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

// maxOIDCSubject bounds a linked subject: an issuer URL, "|", and the
// provider's subject identifier, which OpenID Connect caps at 255 ASCII
// characters.
const maxOIDCSubject = 1024

// UserByOIDCSubject finds the user linked to a single sign-on identity,
// written "ISSUER|SUB". The subject is the provider's stable identifier,
// never an e-mail address, which can be reassigned to someone else.
func (db *DB) UserByOIDCSubject(ctx context.Context, subject string) (access.User, error) {
	var userID string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM users WHERE oidc_subject = $1`, subject).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return access.User{}, fault.Errorf(fault.NotFound, "no account linked to this sign-in")
	}
	if err != nil {
		return access.User{}, fmt.Errorf("finding user by single sign-on subject: %w", err)
	}
	return db.UserByID(ctx, userID)
}

// LinkOIDC links a user to a single sign-on identity ("ISSUER|SUB"). One
// identity opens one account: linking it to a second is a conflict.
func (tx *Tx) LinkOIDC(ctx context.Context, userID, subject string) error {
	issuer, sub, ok := strings.Cut(subject, "|")
	if !ok || strings.TrimSpace(issuer) == "" || strings.TrimSpace(sub) == "" || len(subject) > maxOIDCSubject {
		return fault.Errorf(fault.Invalid, "a single sign-on subject is ISSUER|SUB, at most %d characters", maxOIDCSubject)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET oidc_subject = $1 WHERE id = $2`, subject, userID)
	if err := constraintError(err, "that single sign-on identity is already linked to another account", ""); err != nil {
		return fmt.Errorf("linking single sign-on: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.NotFound, "no such user")
	}
	return nil
}
