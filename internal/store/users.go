package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// CreateUser stores a new user with their roles, units and password hash.
func (tx *Tx) CreateUser(ctx context.Context, u *access.User, passwordHash string, now time.Time) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if u.ID == "" {
		u.ID = id.New()
	}
	u.CreatedAt = now.UTC()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, password_hash, officer_id, disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
		u.ID, u.Username, u.DisplayName, passwordHash, nullString(u.OfficerID), u.Disabled, u.CreatedAt)
	if err := constraintError(err, fmt.Sprintf("username %s is taken", u.Username), "officer_id names no officer"); err != nil {
		return fmt.Errorf("creating user %s: %w", u.Username, err)
	}
	for _, r := range u.Roles {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, string(r)); err != nil {
			return constraintError(err, "role given twice", "")
		}
	}
	for _, unit := range u.UnitIDs {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)`, u.ID, unit)
		if err := constraintError(err, "unit given twice", "unit_ids names no unit"); err != nil {
			return err
		}
	}
	return nil
}

// UserByUsername returns a user and their password hash.
func (db *DB) UserByUsername(ctx context.Context, username string) (access.User, string, error) {
	var u access.User
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT id, username, display_name, password_hash, COALESCE(officer_id, ''), disabled, created_at
		FROM users WHERE username = $1`, username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &hash, &u.OfficerID, &u.Disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", fault.Errorf(fault.NotFound, "no such user")
	}
	if err != nil {
		return u, "", fmt.Errorf("reading user: %w", err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	if err := db.loadUserGrants(ctx, &u); err != nil {
		return u, "", err
	}
	return u, hash, nil
}

func (db *DB) loadUserGrants(ctx context.Context, u *access.User) error {
	rows, err := db.read.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role`, u.ID)
	if err != nil {
		return fmt.Errorf("reading roles of %s: %w", u.Username, err)
	}
	if u.Roles, err = collect(rows, func(r *sql.Rows) (role access.Role, err error) { return role, r.Scan(&role) }); err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT unit_id FROM user_units WHERE user_id = $1 ORDER BY unit_id`, u.ID)
	if err != nil {
		return fmt.Errorf("reading units of %s: %w", u.Username, err)
	}
	u.UnitIDs, err = collect(rows, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) })
	return err
}

// SetPassword replaces a user's password hash.
func (tx *Tx) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now.UTC(), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.NotFound, "no such user")
	}
	return nil
}
