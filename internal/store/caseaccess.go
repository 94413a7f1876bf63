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
	"github.com/probity/probity/internal/id"
)

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

// Users lists every user, for administrators.
func (db *DB) Users(ctx context.Context) ([]access.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	ids, err := collect(rows, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) })
	if err != nil {
		return nil, err
	}
	out := make([]access.User, 0, len(ids))
	for _, uid := range ids {
		u, err := db.UserByID(ctx, uid)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
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

// CaseFacts gathers what need-to-know looks at for one case, and whether
// the case exists at all.
func (db *DB) CaseFacts(ctx context.Context, caseID string, now time.Time) (access.CaseFacts, error) {
	all, err := db.CasesFacts(ctx, []string{caseID}, now)
	if err != nil {
		return access.CaseFacts{}, err
	}
	f, ok := all[caseID]
	if !ok {
		return f, fault.Errorf(fault.NotFound, "case %s not found", caseID)
	}
	return f, nil
}

// CasesFacts gathers the need-to-know facts of many cases in five queries
// whatever their number, so that a list of cases, each decided by the
// policy, costs no more queries than one case. Cases that do not exist are
// absent from the map.
func (db *DB) CasesFacts(ctx context.Context, caseIDs []string, now time.Time) (map[string]access.CaseFacts, error) {
	out := map[string]access.CaseFacts{}
	for start := 0; start < len(caseIDs); start += 200 {
		if err := db.casesFacts(ctx, caseIDs[start:min(start+200, len(caseIDs))], now, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// inList writes "($1, $2, ...)" for ids, with ids as the arguments, for a
// query whose other arguments come after them.
func inList(ids []string) (string, []any) {
	args := make([]any, 0, len(ids)+1)
	marks := make([]string, len(ids))
	for i, v := range ids {
		args = append(args, v)
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	return "(" + strings.Join(marks, ", ") + ")", args
}

func (db *DB) casesFacts(ctx context.Context, ids []string, now time.Time, out map[string]access.CaseFacts) error {
	in, args := inList(ids)
	rows, err := db.read.QueryContext(ctx, `SELECT id, COALESCE(unit_id, ''), restricted,
		EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = c.id AND s.audience = 'oversight')
		FROM cases c WHERE id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("reading access facts of cases: %w", err)
	}
	found, err := collect(rows, func(r *sql.Rows) (v struct {
		id string
		f  access.CaseFacts
	}, err error) {
		return v, r.Scan(&v.id, &v.f.UnitID, &v.f.Restricted, &v.f.SharedWithOversight)
	})
	if err != nil {
		return fmt.Errorf("reading access facts of cases: %w", err)
	}
	facts := map[string]*access.CaseFacts{}
	for i := range found {
		facts[found[i].id] = &found[i].f
	}
	lists := []struct {
		dst   func(*access.CaseFacts) *[]string
		query string
		extra []any
	}{
		{func(f *access.CaseFacts) *[]string { return &f.OfficerIDs }, `SELECT a.case_id, s.officer_id FROM subjects s
			JOIN allegations a ON a.id = s.allegation_id WHERE a.case_id IN ` + in + `
			UNION SELECT case_id, officer_id FROM case_parties WHERE case_id IN ` + in + ` AND officer_id IS NOT NULL`, nil},
		{func(f *access.CaseFacts) *[]string { return &f.Assigned }, `SELECT case_id, user_id FROM case_assignments WHERE case_id IN ` + in, nil},
		{func(f *access.CaseFacts) *[]string { return &f.Named }, `SELECT case_id, user_id FROM case_named_users WHERE case_id IN ` + in, nil},
		{func(f *access.CaseFacts) *[]string { return &f.BreakGlass }, fmt.Sprintf(`SELECT DISTINCT case_id, user_id FROM break_glass
			WHERE case_id IN %s AND expires_at > $%d`, in, len(ids)+1), []any{now.UTC()}},
	}
	for _, l := range lists {
		rows, err := db.read.QueryContext(ctx, l.query, append(args[:len(ids):len(ids)], l.extra...)...)
		if err != nil {
			return fmt.Errorf("reading access facts of cases: %w", err)
		}
		pairs, err := collect(rows, func(r *sql.Rows) (p [2]string, err error) { return p, r.Scan(&p[0], &p[1]) })
		if err != nil {
			return fmt.Errorf("reading access facts of cases: %w", err)
		}
		for _, p := range pairs {
			if f := facts[p[0]]; f != nil {
				*l.dst(f) = append(*l.dst(f), p[1])
			}
		}
	}
	for caseID, f := range facts {
		out[caseID] = *f
	}
	return nil
}

// caseScopeSQL is access.ListScope as a condition on cases aliased c,
// with its arguments added through arg. Each clause follows a rule of
// access.CanOpenCase, in the same order:
//   - conflict: no case naming the caller's officer record, as a subject
//     (of any allegation) or as a party;
//   - restricted: only where the caller holds a case role and is named;
//   - case roles: the caller's units and assignments;
//   - the oversight body (without case roles): shared cases.
func caseScopeSQL(s access.ListScope, arg func(any) string) string {
	if !s.CaseRoles && !s.Oversight {
		return "1 = 0" // and no argument: PostgreSQL refuses one it cannot type
	}
	var open string
	switch {
	case s.CaseRoles:
		u := arg(s.UserID)
		open = `((c.restricted AND EXISTS (SELECT 1 FROM case_named_users n WHERE n.case_id = c.id AND n.user_id = ` + u + `))
			OR (NOT c.restricted AND (c.unit_id IN (SELECT unit_id FROM user_units WHERE user_id = ` + u + `)
				OR EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.user_id = ` + u + `))))`
	default:
		open = `(NOT c.restricted AND EXISTS (SELECT 1 FROM case_shares sh WHERE sh.case_id = c.id AND sh.audience = 'oversight'))`
	}
	if s.OfficerID == "" {
		return open
	}
	o := arg(s.OfficerID)
	return `NOT EXISTS (SELECT 1 FROM subjects cs JOIN allegations ca ON ca.id = cs.allegation_id
			WHERE ca.case_id = c.id AND cs.officer_id = ` + o + `)
		AND NOT EXISTS (SELECT 1 FROM case_parties cp WHERE cp.case_id = c.id AND cp.officer_id = ` + o + `)
		AND ` + open
}

// AssignCase assigns a case to a user.
func (tx *Tx) AssignCase(ctx context.Context, caseID, userID string, now time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO case_assignments (case_id, user_id, assigned_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, caseID, userID, now.UTC())
	return constraintError(err, "", "no such case or user")
}

// NameOnCase names a user who may see a restricted case.
func (tx *Tx) NameOnCase(ctx context.Context, caseID, userID string, now time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO case_named_users (case_id, user_id, named_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, caseID, userID, now.UTC())
	return constraintError(err, "", "no such case or user")
}

// ShareWithOversight lets the oversight body see a case.
func (tx *Tx) ShareWithOversight(ctx context.Context, caseID, by string, now time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO case_shares (case_id, audience, shared_at, shared_by) VALUES ($1, 'oversight', $2, $3)
		ON CONFLICT DO NOTHING`, caseID, now.UTC(), by)
	return constraintError(err, "", "no such case")
}

// BreakGlass is one opening of a case outside the user's scope.
type BreakGlass struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Username  string    `json:"username"`
	CaseID    string    `json:"case_id"`
	Reference string    `json:"reference"`
	Reason    string    `json:"reason"`
	OpenedAt  time.Time `json:"opened_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// OpenBreakGlass records a break-glass opening.
func (tx *Tx) OpenBreakGlass(ctx context.Context, b *BreakGlass) error {
	b.ID = id.New()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO break_glass (id, user_id, case_id, reason, opened_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, b.ID, b.UserID, b.CaseID, b.Reason, b.OpenedAt.UTC(), b.ExpiresAt.UTC())
	return constraintError(err, "", "no such case or user")
}

// BreakGlassSince lists break-glass openings since a time, newest first,
// for the head of professional standards.
func (db *DB) BreakGlassSince(ctx context.Context, since time.Time, limit int) ([]BreakGlass, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := db.read.QueryContext(ctx, `SELECT b.id, b.user_id, u.username, b.case_id, c.reference, b.reason, b.opened_at, b.expires_at
		FROM break_glass b JOIN users u ON u.id = b.user_id JOIN cases c ON c.id = b.case_id
		WHERE b.opened_at >= $1 ORDER BY b.opened_at DESC, b.id LIMIT $2`, since.UTC(), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (b BreakGlass, err error) {
		err = r.Scan(&b.ID, &b.UserID, &b.Username, &b.CaseID, &b.Reference, &b.Reason, &b.OpenedAt, &b.ExpiresAt)
		b.OpenedAt, b.ExpiresAt = b.OpenedAt.UTC(), b.ExpiresAt.UTC()
		return b, err
	})
}

// CaseSummary is a line in a list of cases.
type CaseSummary struct {
	ID           string     `json:"id"`
	Reference    string     `json:"reference"`
	Kind         string     `json:"kind"`
	State        string     `json:"state"`
	UnitID       string     `json:"unit_id,omitempty"`
	ReceivedAt   time.Time  `json:"received_at"`
	Restricted   bool       `json:"restricted"`
	NextDueAt    *time.Time `json:"next_due_at,omitempty"`
	NextDueClock string     `json:"next_due_clock,omitempty"`
}
