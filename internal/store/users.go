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

func totpAAD(userID string) string { return "users/" + userID + "/totp" }

// LoginRecord loads what a sign-in is checked against, unsealing the TOTP
// secret.
func (db *DB) LoginRecord(ctx context.Context, username string) (access.LoginRecord, error) {
	var rec access.LoginRecord
	u, hash, err := db.UserByUsername(ctx, username)
	if err != nil {
		return rec, err
	}
	rec.User, rec.PasswordHash = u, hash
	var sealed string
	err = db.read.QueryRowContext(ctx, `SELECT totp_sealed, totp_enrolled, totp_last_step, failed_logins
		FROM users WHERE id = $1`, u.ID).Scan(&sealed, &rec.TOTPEnrolled, &rec.TOTPLastStep, &rec.FailedLogins)
	if err != nil {
		return rec, fmt.Errorf("reading sign-in state: %w", err)
	}
	if sealed != "" {
		if db.keys == nil {
			return rec, fault.Errorf(fault.Internal, "no data key configured: cannot read MFA secrets")
		}
		if rec.TOTPSecret, err = db.keys.OpenString(sealed, totpAAD(u.ID)); err != nil {
			return rec, fmt.Errorf("unsealing MFA secret: %w", err)
		}
	}
	return rec, nil
}

// RecordLoginResult stores the counters a sign-in attempt changed. Sign-in
// delays are no longer kept here (see access.SignInDelay), so any lock left
// by an older version is cleared on the account's next attempt.
func (tx *Tx) RecordLoginResult(ctx context.Context, userID string, res access.LoginResult) error {
	// On failure: an increment in SQL, not the count read before the
	// password check, so that concurrent failures each count; and the TOTP
	// step is left alone, so that a failure read before a concurrent
	// success cannot wind it back and let that success's code be replayed.
	if !res.OK {
		_, err := tx.tx.ExecContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1, locked_until = NULL WHERE id = $1`, userID)
		return err
	}
	q := `UPDATE users SET failed_logins = 0, locked_until = NULL, totp_last_step = $1 WHERE id = $2`
	_, err := tx.tx.ExecContext(ctx, q, res.TOTPStep, userID)
	return err
}

// ClaimTOTPStep records step as the account's last accepted one-time code
// step, reporting false when that step (or a later one) was already
// claimed. The check and the write are one statement, so of two sign-ins
// racing with the same code only one can claim it: the second waits for
// the first's row lock (PostgreSQL) or the single writer (SQLite) and then
// finds the step taken.
func (tx *Tx) ClaimTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("claiming one-time code step for user %s: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claiming one-time code step for user %s: %w", userID, err)
	}
	return n == 1, nil
}

// SetTOTP stores a sealed TOTP secret. enrolled is false while the user
// has yet to prove their app produces codes.
func (tx *Tx) SetTOTP(ctx context.Context, userID, secret string, enrolled bool, step int64) error {
	sealed := ""
	if secret != "" {
		if tx.db.keys == nil {
			return fault.Errorf(fault.Internal, "no data key configured: cannot store MFA secrets")
		}
		var err error
		if sealed, err = tx.db.keys.SealString(secret, totpAAD(userID)); err != nil {
			return err
		}
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET totp_sealed = $1, totp_enrolled = $2, totp_last_step = $3 WHERE id = $4`,
		sealed, enrolled, step, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.NotFound, "no such user")
	}
	return nil
}

// UserByID returns a user with roles and units.
func (db *DB) UserByID(ctx context.Context, userID string) (access.User, error) {
	var u access.User
	err := db.read.QueryRowContext(ctx, `SELECT id, username, display_name, COALESCE(officer_id, ''), disabled, created_at
		FROM users WHERE id = $1`, userID).Scan(&u.ID, &u.Username, &u.DisplayName, &u.OfficerID, &u.Disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fault.Errorf(fault.NotFound, "no such user")
	}
	if err != nil {
		return u, fmt.Errorf("reading user %s: %w", userID, err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, db.loadUserGrants(ctx, &u)
}

// Users lists every user, for administrators and for the names on a
// case page: three queries whatever the number of users, so that a page
// listing them holds a connection for three round trips, not three per user.
func (db *DB) Users(ctx context.Context) ([]access.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, username, display_name, COALESCE(officer_id, ''), disabled, created_at
		FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("reading users: %w", err)
	}
	out, err := collect(rows, func(r *sql.Rows) (u access.User, err error) {
		err = r.Scan(&u.ID, &u.Username, &u.DisplayName, &u.OfficerID, &u.Disabled, &u.CreatedAt)
		u.CreatedAt = u.CreatedAt.UTC()
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading users: %w", err)
	}
	at := make(map[string]int, len(out))
	for i, u := range out {
		at[u.ID] = i
	}
	type grant struct{ user, value string }
	scanGrant := func(r *sql.Rows) (g grant, err error) { return g, r.Scan(&g.user, &g.value) }
	rows, err = db.read.QueryContext(ctx, `SELECT user_id, role FROM user_roles ORDER BY user_id, role`)
	if err != nil {
		return nil, fmt.Errorf("reading roles: %w", err)
	}
	roles, err := collect(rows, scanGrant)
	if err != nil {
		return nil, fmt.Errorf("reading roles: %w", err)
	}
	for _, g := range roles {
		if i, ok := at[g.user]; ok {
			out[i].Roles = append(out[i].Roles, access.Role(g.value))
		}
	}
	rows, err = db.read.QueryContext(ctx, `SELECT user_id, unit_id FROM user_units ORDER BY user_id, unit_id`)
	if err != nil {
		return nil, fmt.Errorf("reading units: %w", err)
	}
	units, err := collect(rows, scanGrant)
	if err != nil {
		return nil, fmt.Errorf("reading units: %w", err)
	}
	for _, g := range units {
		if i, ok := at[g.user]; ok {
			out[i].UnitIDs = append(out[i].UnitIDs, g.value)
		}
	}
	if out == nil {
		out = []access.User{}
	}
	return out, nil
}

// SetDisabled disables or re-enables an account; disabling ends its
// sessions in the same transaction.
func (tx *Tx) SetDisabled(ctx context.Context, userID string, disabled bool, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`, disabled, now.UTC(), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.NotFound, "no such user")
	}
	if disabled {
		return tx.DeleteUserSessions(ctx, userID)
	}
	return nil
}

// SetRoles replaces a user's roles.
func (tx *Tx) SetRoles(ctx context.Context, userID string, roles []access.Role) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, r := range roles {
		if !r.Valid() {
			return fault.Errorf(fault.Invalid, "%q is not a role", r)
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, userID, string(r)); err != nil {
			return constraintError(err, "role given twice", "no such user")
		}
	}
	return nil
}
