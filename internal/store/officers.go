package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
)

// CreateForce stores a new force, giving it an id if it has none.
func (tx *Tx) CreateForce(ctx context.Context, f *officers.Force) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if f.ID == "" {
		f.ID = id.New()
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO forces (id, code, name) VALUES ($1, $2, $3)`, f.ID, f.Code, f.Name)
	return constraintError(err, fmt.Sprintf("force %s already exists", f.Code), "")
}

// CreateUnit stores a new unit of an existing force.
func (tx *Tx) CreateUnit(ctx context.Context, u *officers.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if u.ID == "" {
		u.ID = id.New()
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO units (id, force_id, code, name) VALUES ($1, $2, $3, $4)`,
		u.ID, u.ForceID, u.Code, u.Name)
	return constraintError(err, fmt.Sprintf("unit %s already exists in its force", u.Code), "force_id names no force")
}

// Forces lists every force.
func (db *DB) Forces(ctx context.Context) ([]officers.Force, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, code, name FROM forces ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("listing forces: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (f officers.Force, err error) {
		return f, r.Scan(&f.ID, &f.Code, &f.Name)
	})
}

// Units lists the units of a force.
func (db *DB) Units(ctx context.Context, forceID string) ([]officers.Unit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, force_id, code, name FROM units WHERE force_id = $1 ORDER BY code`, forceID)
	if err != nil {
		return nil, fmt.Errorf("listing units: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (u officers.Unit, err error) {
		return u, r.Scan(&u.ID, &u.ForceID, &u.Code, &u.Name)
	})
}

// CreateOfficer validates and stores a new officer and, when the officer
// has a unit, opens their first posting there.
func (tx *Tx) CreateOfficer(ctx context.Context, o *officers.Officer, now time.Time) error {
	if err := o.Validate(now); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = id.New()
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO officers
		(id, force_id, collar_number, given_name, family_name, rank, unit_id, joined_on, left_on, sex, ethnicity, created_at, updated_at, national_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)`,
		o.ID, o.ForceID, o.CollarNumber, o.GivenName, o.FamilyName, string(o.Rank), nullString(o.UnitID),
		dateOnly(o.JoinedOn), nullDate(o.LeftOn), o.Sex, o.Ethnicity, now.UTC(), nullString(o.NationalID))
	if err := constraintError(err,
		fmt.Sprintf("collar number %s is already used in this force", o.CollarNumber),
		"force_id or unit_id names no such record"); err != nil {
		return fmt.Errorf("creating officer %s: %w", o.CollarNumber, err)
	}
	if o.UnitID != "" {
		// A leaver's last posting ends when they left.
		return tx.AddPosting(ctx, &officers.Posting{OfficerID: o.ID, UnitID: o.UnitID, Rank: o.Rank, StartedOn: o.JoinedOn, EndedOn: o.LeftOn})
	}
	return nil
}

// AddPosting records a period in a unit. Postings are history: they are
// added and ended, never rewritten.
func (tx *Tx) AddPosting(ctx context.Context, p *officers.Posting) error {
	if p.ID == "" {
		p.ID = id.New()
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO postings (id, officer_id, unit_id, rank, started_on, ended_on)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.OfficerID, p.UnitID, string(p.Rank), dateOnly(p.StartedOn), nullDate(p.EndedOn))
	return constraintError(err, "posting already exists", "officer_id or unit_id names no such record")
}

// Transfer moves an officer to a unit (and rank) from a date: the current
// posting ends and a new one starts, so the officer's history is kept.
func (tx *Tx) Transfer(ctx context.Context, officerID, unitID string, rank officers.Rank, on, now time.Time) error {
	if !rank.Valid() {
		return fault.Errorf(fault.Invalid, "rank %q is not a known rank", rank)
	}
	// The move must follow the posting it ends, and stay within the force:
	// a transfer to another force is a new officer record there.
	// A bare column (not MAX) keeps SQLite's declared type, so the driver
	// returns a time.
	var latest time.Time
	err := tx.tx.QueryRowContext(ctx, `SELECT started_on FROM postings WHERE officer_id = $1
		ORDER BY started_on DESC LIMIT 1`, officerID).Scan(&latest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("transferring officer %s: %w", officerID, err)
	}
	var sameForce bool
	if err := tx.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM officers o JOIN units u ON u.force_id = o.force_id
		WHERE o.id = $1 AND u.id = $2)`, officerID, unitID).Scan(&sameForce); err != nil {
		return fmt.Errorf("transferring officer %s: %w", officerID, err)
	}
	if !latest.IsZero() && !dateOnly(on).After(latest.UTC()) {
		return fault.Errorf(fault.Invalid, "transfer date %s is not after the current posting began", on.Format(time.DateOnly))
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE officers SET unit_id = $1, rank = $2, updated_at = $3 WHERE id = $4`,
		unitID, string(rank), now.UTC(), officerID)
	if err := constraintError(err, "", "unit_id names no unit"); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.NotFound, "officer %s not found", officerID)
	}
	if !sameForce {
		return fault.Errorf(fault.Invalid, "unit_id names no unit of the officer's force")
	}
	// End whichever posting covers the date; the new one runs until the
	// officer left, if they have.
	if _, err := tx.tx.ExecContext(ctx, `UPDATE postings SET ended_on = $1
		WHERE officer_id = $2 AND (ended_on IS NULL OR ended_on > $1)`, dateOnly(on), officerID); err != nil {
		return err
	}
	var left sql.NullTime
	if err := tx.tx.QueryRowContext(ctx, `SELECT left_on FROM officers WHERE id = $1`, officerID).Scan(&left); err != nil {
		return err
	}
	p := &officers.Posting{OfficerID: officerID, UnitID: unitID, Rank: rank, StartedOn: on}
	p.EndedOn = utcPtr(left)
	return tx.AddPosting(ctx, p)
}

const officerColumns = `id, force_id, collar_number, given_name, family_name, rank, COALESCE(unit_id, ''), joined_on, left_on, sex, ethnicity,
	COALESCE(national_id, '')`

func scanOfficer(r interface{ Scan(...any) error }) (officers.Officer, error) {
	var o officers.Officer
	var rank string
	var left sql.NullTime
	err := r.Scan(&o.ID, &o.ForceID, &o.CollarNumber, &o.GivenName, &o.FamilyName, &rank, &o.UnitID,
		&o.JoinedOn, &left, &o.Sex, &o.Ethnicity, &o.NationalID)
	o.Rank = officers.Rank(rank)
	o.JoinedOn = o.JoinedOn.UTC()
	o.LeftOn = utcPtr(left)
	return o, err
}

// Officer returns one officer.
func (db *DB) Officer(ctx context.Context, officerID string) (officers.Officer, error) {
	o, err := scanOfficer(db.read.QueryRowContext(ctx, `SELECT `+officerColumns+` FROM officers WHERE id = $1`, officerID))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fault.Errorf(fault.NotFound, "officer %s not found", officerID)
	}
	if err != nil {
		return o, fmt.Errorf("reading officer %s: %w", officerID, err)
	}
	return o, nil
}

// OfficersByID reads many officers at once, for lists; ids not found are
// missing from the map.
func (db *DB) OfficersByID(ctx context.Context, ids []string) (map[string]officers.Officer, error) {
	out := make(map[string]officers.Officer, len(ids))
	for start := 0; start < len(ids); start += 200 {
		in, args := inList(ids[start:min(start+200, len(ids))])
		rows, err := db.read.QueryContext(ctx, `SELECT `+officerColumns+` FROM officers WHERE id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("reading officers: %w", err)
		}
		found, err := collect(rows, func(r *sql.Rows) (officers.Officer, error) { return scanOfficer(r) })
		if err != nil {
			return nil, fmt.Errorf("reading officers: %w", err)
		}
		for _, o := range found {
			out[o.ID] = o
		}
	}
	return out, nil
}

// OfficerByCollar finds an officer by force and collar number.
func (db *DB) OfficerByCollar(ctx context.Context, forceID, collar string) (officers.Officer, error) {
	o, err := scanOfficer(db.read.QueryRowContext(ctx,
		`SELECT `+officerColumns+` FROM officers WHERE force_id = $1 AND collar_number = $2`, forceID, collar))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fault.Errorf(fault.NotFound, "no officer with collar number %s", collar)
	}
	if err != nil {
		return o, fmt.Errorf("reading officer %s: %w", collar, err)
	}
	return o, nil
}

// OfficerPage is one page of a list of officers.
type OfficerPage struct {
	Items []officers.Officer
	Next  string // the id to pass as After for the next page; "" at the end
}

// Officers lists officers of a unit (or all, when unitID is ""), by id,
// after the given id, at most limit at a time.
func (db *DB) Officers(ctx context.Context, unitID, after string, limit int) (OfficerPage, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+officerColumns+` FROM officers
		WHERE ($1 = '' OR unit_id = $1) AND id > $2 ORDER BY id LIMIT $3`, unitID, after, limit+1)
	if err != nil {
		return OfficerPage{}, fmt.Errorf("listing officers: %w", err)
	}
	items, err := collect(rows, func(r *sql.Rows) (officers.Officer, error) { return scanOfficer(r) })
	if err != nil {
		return OfficerPage{}, fmt.Errorf("listing officers: %w", err)
	}
	page := OfficerPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Next = items[limit-1].ID
	}
	return page, nil
}

// Postings returns an officer's postings, oldest first.
func (db *DB) Postings(ctx context.Context, officerID string) ([]officers.Posting, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, officer_id, unit_id, rank, started_on, ended_on
		FROM postings WHERE officer_id = $1 ORDER BY started_on, id`, officerID)
	if err != nil {
		return nil, fmt.Errorf("listing postings of %s: %w", officerID, err)
	}
	return collect(rows, func(r *sql.Rows) (p officers.Posting, err error) {
		var rank string
		var ended sql.NullTime
		err = r.Scan(&p.ID, &p.OfficerID, &p.UnitID, &rank, &p.StartedOn, &ended)
		p.Rank = officers.Rank(rank)
		p.StartedOn = p.StartedOn.UTC()
		p.EndedOn = utcPtr(ended)
		return p, err
	})
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// utcPtr is a nullable time as read, in UTC: nil when NULL.
func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dateOnly drops the time of day so that dates compare equal across
// engines whatever clock time the caller passed.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func nullDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return dateOnly(*t)
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// Unit returns one unit.
func (db *DB) Unit(ctx context.Context, unitID string) (officers.Unit, error) {
	var u officers.Unit
	err := db.read.QueryRowContext(ctx, `SELECT id, force_id, code, name FROM units WHERE id = $1`, unitID).
		Scan(&u.ID, &u.ForceID, &u.Code, &u.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fault.Errorf(fault.NotFound, "unit %s not found", unitID)
	}
	return u, err
}
