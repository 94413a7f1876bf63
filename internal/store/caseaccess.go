package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

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

// CasesFacts gathers the need-to-know facts of many cases in two queries
// whatever their number, so that a list of cases, each decided by the
// policy, costs no more queries than one case. Cases that do not exist are
// absent from the map. An id given more than once is read once.
func (db *DB) CasesFacts(ctx context.Context, caseIDs []string, now time.Time) (map[string]access.CaseFacts, error) {
	out := map[string]access.CaseFacts{}
	seen := make(map[string]bool, len(caseIDs))
	unique := make([]string, 0, len(caseIDs))
	for _, c := range caseIDs {
		if !seen[c] {
			seen[c] = true
			unique = append(unique, c)
		}
	}
	for start := 0; start < len(unique); start += 200 {
		if err := db.casesFacts(ctx, unique[start:min(start+200, len(unique))], now, out); err != nil {
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
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	return "(" + strings.Join(marks, ", ") + ")", args
}

// The lists of people casesFacts reads, by the number each row of its
// second query starts with.
const (
	factOfficer = iota
	factAssigned
	factNamed
	factBreakGlass
)

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
	if len(found) == 0 {
		return nil
	}
	facts := make(map[string]*access.CaseFacts, len(found))
	for i := range found {
		facts[found[i].id] = &found[i].f
	}
	// Every list in one query, each row tagged with its list: one
	// statement's fixed cost instead of four. Repeated rows (an officer
	// both a subject and a party, or the subject of two allegations; a
	// user given break-glass twice) are dropped here rather than by UNION,
	// whose sort cost SQLite three times as much as the reading (35 against
	// 105 µs for an officer history of six cases).
	rows, err = db.read.QueryContext(ctx, fmt.Sprintf(`SELECT %[1]d, a.case_id, s.officer_id FROM subjects s
			JOIN allegations a ON a.id = s.allegation_id WHERE a.case_id IN %[5]s
		UNION ALL SELECT %[1]d, case_id, officer_id FROM case_parties WHERE case_id IN %[5]s AND officer_id IS NOT NULL
		UNION ALL SELECT %[2]d, case_id, user_id FROM case_assignments WHERE case_id IN %[5]s
		UNION ALL SELECT %[3]d, case_id, user_id FROM case_named_users WHERE case_id IN %[5]s
		UNION ALL SELECT %[4]d, case_id, user_id FROM break_glass WHERE case_id IN %[5]s AND expires_at > $%[6]d`,
		factOfficer, factAssigned, factNamed, factBreakGlass, in, len(ids)+1), append(args, now.UTC())...)
	if err != nil {
		return fmt.Errorf("reading access facts of cases: %w", err)
	}
	type fact struct {
		list         int
		caseID, name string
	}
	lists, err := collect(rows, func(r *sql.Rows) (f fact, err error) { return f, r.Scan(&f.list, &f.caseID, &f.name) })
	if err != nil {
		return fmt.Errorf("reading access facts of cases: %w", err)
	}
	for _, l := range lists {
		f := facts[l.caseID]
		if f == nil {
			continue
		}
		switch l.list {
		case factOfficer:
			f.OfficerIDs = appendNew(f.OfficerIDs, l.name)
		case factAssigned:
			f.Assigned = appendNew(f.Assigned, l.name)
		case factNamed:
			f.Named = appendNew(f.Named, l.name)
		case factBreakGlass:
			f.BreakGlass = appendNew(f.BreakGlass, l.name)
		}
	}
	for caseID, f := range facts {
		out[caseID] = *f
	}
	return nil
}

// appendNew appends name to a case's list unless it is there already: the
// lists are a handful of names each.
func appendNew(list []string, name string) []string {
	if slices.Contains(list, name) {
		return list
	}
	return append(list, name)
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
