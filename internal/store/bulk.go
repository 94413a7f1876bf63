package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/people"
)

// Bulk loads generated history into an empty database far faster than the
// one-record-at-a-time path the API takes: rows are buffered and written
// as multi-row INSERTs, all the buffered rows in one transaction per
// Flush, with no audit entry per row (loading history is not an act of
// anyone's to audit).
//
// What it writes is what the API path would have left after recording each
// case and moving it through its timeline: the case in its final state at
// version 1 + its timeline entries after the first, its subjects' final
// findings dated by the last entry, the timeline with each entry's to_state,
// and its search text. It does not open the vetting reviews that recording
// a case opens today: those belong to cases arriving now, not to history.
//
// References are handed out in the order cases are given to Case, counted
// from what case_references holds when the load starts, and the counters
// are written back with each Flush, so cases recorded afterwards through
// the API carry on the numbering.
type Bulk struct {
	db     *DB
	tables []*bulkTable
	byName map[string]*bulkTable
	refs   map[refKey]int
	dirty  map[refKey]bool
	rows   int
	// Cases' search text on SQLite is keyed by the case's rowid, which is
	// known only once the case is in; it is written after the cases.
	search [][2]string
}

type refKey struct {
	prefix string
	year   int
}

type bulkTable struct {
	name string
	cols []string
	rows [][]any
}

// Bulk column lists, in the order each table is written: parents before
// the rows that refer to them.
var bulkSchema = []struct {
	table string
	cols  string
}{
	{"forces", "id, code, name"},
	{"units", "id, force_id, code, name"},
	{"officers", "id, force_id, collar_number, given_name, family_name, rank, unit_id, joined_on, left_on, sex, ethnicity, created_at, updated_at, national_id"},
	{"postings", "id, officer_id, unit_id, rank, started_on, ended_on"},
	{"people", "id, name_sealed, email_sealed, phone_sealed, address_sealed, created_at"},
	{"cases", "id, reference, kind, force_id, unit_id, state, rule_set, summary, arose_on, received_at, restricted, version, created_at, updated_at, " +
		"next_due_at, next_due_clock, handling_ground, investigation_exception, referral_ground, related_case_id"},
	{"allegations", "id, case_id, seq, taxonomy_version, category, subcategory, protected_characteristic, description, occurred_on, standards_version, source_category, domestic_abuse"},
	{"allegation_standards", "allegation_id, standards_version, standard_code"},
	{"subjects", "allegation_id, officer_id, severity, finding, outcome, outcome_at, left_force, advisory_list, barred_list"},
	{"case_parties", "id, case_id, role, person_id, officer_id"},
	{"case_events", "id, case_id, seq, at, actor, type, detail, to_state"},
}

// NewBulk starts a bulk load, reading the reference counters as they stand.
func (db *DB) NewBulk(ctx context.Context) (*Bulk, error) {
	b := &Bulk{db: db, byName: map[string]*bulkTable{}, refs: map[refKey]int{}, dirty: map[refKey]bool{}}
	for _, s := range bulkSchema {
		t := &bulkTable{name: s.table, cols: strings.Split(s.cols, ", ")}
		b.tables = append(b.tables, t)
		b.byName[s.table] = t
	}
	rows, err := db.read.QueryContext(ctx, `SELECT prefix, year, last_number FROM case_references`)
	if err != nil {
		return nil, fmt.Errorf("reading reference counters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k refKey
		var n int
		if err := rows.Scan(&k.prefix, &k.year, &n); err != nil {
			return nil, err
		}
		b.refs[k] = n
	}
	return b, rows.Err()
}

func (b *Bulk) add(table string, vals ...any) {
	t := b.byName[table]
	if len(vals) != len(t.cols) {
		panic(fmt.Sprintf("store: bulk row for %s has %d values, want %d", table, len(vals), len(t.cols)))
	}
	t.rows = append(t.rows, vals)
	b.rows++
}

// Pending is the number of rows buffered since the last Flush.
func (b *Bulk) Pending() int { return b.rows }

// Force buffers a force.
func (b *Bulk) Force(f officers.Force) { b.add("forces", f.ID, f.Code, f.Name) }

// Unit buffers a unit.
func (b *Bulk) Unit(u officers.Unit) { b.add("units", u.ID, u.ForceID, u.Code, u.Name) }

// Officer buffers an officer as they stand now and their postings in date
// order; the officer's unit and rank must be those of the last posting.
func (b *Bulk) Officer(o officers.Officer, postings []officers.Posting, now time.Time) error {
	if err := o.Validate(now); err != nil {
		return fmt.Errorf("officer %s: %w", o.CollarNumber, err)
	}
	updated := now.UTC()
	b.add("officers", o.ID, o.ForceID, o.CollarNumber, o.GivenName, o.FamilyName, string(o.Rank), nullString(o.UnitID),
		dateOnly(o.JoinedOn), nullDate(o.LeftOn), o.Sex, o.Ethnicity, updated, updated, nullString(o.NationalID))
	for _, p := range postings {
		if p.ID == "" {
			p.ID = id.New()
		}
		b.add("postings", p.ID, o.ID, p.UnitID, string(p.Rank), dateOnly(p.StartedOn), nullDate(p.EndedOn))
	}
	return nil
}

// Person buffers a member of the public, sealing their name and contact
// details as CreatePerson does.
func (b *Bulk) Person(p people.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if b.db.keys == nil {
		return fault.Errorf(fault.Internal, "no data key configured: cannot store personal data")
	}
	vals := []any{p.ID}
	for i, v := range personValues(&p) {
		s, err := b.db.keys.SealOptional(*v, personAAD(p.ID, personFields[i]))
		if err != nil {
			return fmt.Errorf("sealing %s: %w", personFields[i], err)
		}
		vals = append(vals, s)
	}
	b.add("people", append(vals, p.CreatedAt.UTC())...)
	return nil
}

// NextReference hands out the next reference for a kind and year.
func (b *Bulk) NextReference(k cases.Kind, year int) string {
	key := refKey{k.ReferencePrefix(), year}
	b.refs[key]++
	b.dirty[key] = true
	return cases.FormatReference(k, year, b.refs[key])
}

// Case buffers a case as it stands after its timeline. c carries its id,
// reference and allegation ids, its final state and findings; timeline is
// every entry from the one recording it, in order, with ids.
func (b *Bulk) Case(c *cases.Case, timeline []cases.Event) error {
	if len(timeline) == 0 {
		return fmt.Errorf("case %s has no timeline", c.Reference)
	}
	last := timeline[len(timeline)-1].At.UTC()
	created := c.ReceivedAt.UTC()
	b.add("cases", c.ID, c.Reference, string(c.Kind), c.ForceID, nullString(c.UnitID), string(c.State), c.RuleSet, c.Summary,
		dateOnly(c.AroseOn), created, c.Restricted, len(timeline), created, last,
		nullTime(c.NextDueAt), c.NextDueClock, c.HandlingGround, c.InvestigationException, c.ReferralGround, nullString(c.RelatedCaseID))
	body := []string{c.Summary}
	for _, a := range c.Allegations {
		b.add("allegations", a.ID, c.ID, a.Seq, a.TaxonomyVersion, nullString(a.Category), nullString(a.Subcategory), a.ProtectedCharacteristic,
			a.Description, nullDate(a.OccurredOn), nullString(a.StandardsVersion), a.SourceCategory, a.DomesticAbuse)
		for _, s := range a.Standards {
			b.add("allegation_standards", a.ID, a.StandardsVersion, s)
		}
		for _, s := range a.Subjects {
			var outcomeAt any
			if s.Outcome != "" {
				outcomeAt = last
			}
			b.add("subjects", a.ID, s.OfficerID, s.Severity, s.Finding, s.Outcome, outcomeAt, s.Left, s.AdvisoryList, s.BarredList)
		}
		body = append(body, a.Description)
	}
	for _, p := range c.Parties {
		b.add("case_parties", id.New(), c.ID, string(p.Role), nullString(p.PersonID), nullString(p.OfficerID))
	}
	for i := range timeline {
		e := &timeline[i]
		if e.ID == "" {
			e.ID = id.New()
		}
		e.Seq = i + 1
		detail, err := json.Marshal(e.Detail)
		if err != nil {
			return err
		}
		b.add("case_events", e.ID, c.ID, e.Seq, e.At.UTC(), e.Actor, e.Type, string(detail), eventToState(e))
	}
	b.search = append(b.search, [2]string{c.ID, strings.Join(body, "\n")})
	b.rows++
	return nil
}

// bulkParams keeps each statement's bind parameters under both engines'
// limits (SQLite's 32,766, PostgreSQL's 65,535).
const bulkParams = 30000

// bulkCacheKiB is SQLite's page cache during a bulk load: 512 MiB.
const bulkCacheKiB = 512 * 1024

// Flush writes everything buffered in one transaction.
func (b *Bulk) Flush(ctx context.Context) error {
	if b.rows == 0 && len(b.dirty) == 0 {
		return nil
	}
	err := b.db.InTx(ctx, func(tx *Tx) error {
		if tx.db.dialect == SQLite {
			// Ids are random, so every index takes its rows all over
			// its b-tree; a page cache big enough to hold the indexes'
			// working set saves reading and rewriting the same pages
			// batch after batch. It lasts as long as the connection.
			if _, err := tx.tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB)); err != nil {
				return err
			}
		}
		for _, t := range b.tables {
			if err := insertRows(ctx, tx, t.name, t.cols, t.rows); err != nil {
				return err
			}
		}
		if err := b.writeSearch(ctx, tx); err != nil {
			return fmt.Errorf("indexing cases for search: %w", err)
		}
		for k := range b.dirty {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO case_references (prefix, year, last_number) VALUES ($1, $2, $3)
				ON CONFLICT (prefix, year) DO UPDATE SET last_number = excluded.last_number`, k.prefix, k.year, b.refs[k]); err != nil {
				return fmt.Errorf("writing reference counters: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	for _, t := range b.tables {
		t.rows = t.rows[:0]
	}
	b.search = b.search[:0]
	clear(b.dirty)
	b.rows = 0
	return nil
}

func (b *Bulk) writeSearch(ctx context.Context, tx *Tx) error {
	rows := make([][]any, len(b.search))
	for i, s := range b.search {
		rows[i] = []any{s[0], s[1]}
	}
	if tx.db.dialect != SQLite {
		return insertRows(ctx, tx, "case_search", []string{"case_id", "body"}, rows)
	}
	// FTS5 rows carry the case's rowid (see refreshSearch), found by
	// joining the cases just written.
	return inChunks(rows, 2, func(chunk [][]any) error {
		var q strings.Builder
		q.WriteString(`INSERT INTO case_search (rowid, case_id, body) SELECT c.rowid, c.id, v.column2 FROM (VALUES `)
		args := bulkValues(&q, chunk, tx.db.dialect)
		q.WriteString(`) v JOIN cases c ON c.id = v.column1`)
		_, err := tx.tx.ExecContext(ctx, q.String(), args...)
		return err
	})
}

func insertRows(ctx context.Context, tx *Tx, table string, cols []string, rows [][]any) error {
	return inChunks(rows, len(cols), func(chunk [][]any) error {
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := bulkValues(&q, chunk, tx.db.dialect)
		if _, err := tx.tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("writing %s: %w", table, err)
		}
		return nil
	})
}

func inChunks(rows [][]any, width int, fn func([][]any) error) error {
	per := max(1, bulkParams/width)
	for lo := 0; lo < len(rows); lo += per {
		if err := fn(rows[lo:min(lo+per, len(rows))]); err != nil {
			return err
		}
	}
	return nil
}

// bulkValues writes "($1, $2), ($3, $4)" for rows and returns their
// values in order. SQLite gets "?" instead: it looks each numbered
// parameter up among those already seen, which makes a statement of
// thousands of them quadratic to parse.
func bulkValues(q *strings.Builder, rows [][]any, d Dialect) []any {
	var args []any
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for j, v := range r {
			if j > 0 {
				q.WriteString(", ")
			}
			args = append(args, v)
			if d == SQLite {
				q.WriteByte('?')
				continue
			}
			q.WriteByte('$')
			q.WriteString(strconv.Itoa(len(args)))
		}
		q.WriteByte(')')
	}
	return args
}

// Empty reports whether the database holds no force and no case: the
// state a bulk load of generated data must start from.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM forces) + (SELECT COUNT(*) FROM cases)`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("checking the database is empty: %w", err)
	}
	return n == 0, nil
}
