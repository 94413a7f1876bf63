package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
)

// Imports of other systems' records (internal/importer) write in bulk:
// CreateCase checks, numbers and indexes one case at a time with several
// queries each, which would take minutes for the 175,505 allegations of the
// NYC file. ImportBatch writes a whole batch with multi-row INSERTs in the
// caller's transaction instead. The importer has validated every record;
// the database's constraints still stand behind it.

// Kinds of record an import keeps keys for.
const (
	ImportForce      = "force"
	ImportUnit       = "unit"
	ImportOfficer    = "officer"
	ImportCase       = "case"
	ImportAllegation = "allegation"
)

// ImportKey says that a source's record (kind, external id) is Probity's
// record internal id.
type ImportKey struct {
	Kind       string
	ExternalID string
	InternalID string
}

// ImportedOfficer is an officer as an import creates it: the source's rank
// text is kept beside the nearest rank of England and Wales.
type ImportedOfficer struct {
	officers.Officer
	SourceRank string
	// JoinedKnown says JoinedOn is a joining date from the source, not
	// the day of the officer's first allegation.
	JoinedKnown bool
	// EthnicityGroup is the officer's group among the force's own
	// ethnicity groups, when the import's mapping declares them.
	EthnicityGroup string
}

// ImportedAllegation is one allegation of an imported case. SourceFindings
// runs parallel to Subjects: the finding as the source wrote it, where
// Subject.Finding holds the normalised code.
type ImportedAllegation struct {
	CaseID string
	cases.Allegation
	SourceFindings []string
}

// ImportBatch is everything one transaction of an import writes. IDs are
// given by the caller, so that records of one batch can point at each
// other; references are given here, from the same counters CreateCase
// uses.
type ImportBatch struct {
	Source      string
	Now         time.Time
	Force       *officers.Force // set when the batch creates the force
	Units       []officers.Unit
	Officers    []ImportedOfficer
	Cases       []cases.Case // new cases; their allegations come in Allegations
	Allegations []ImportedAllegation
	Keys        []ImportKey
	// Search holds the search text of cases the batch completes (the
	// importer knows which row is a case's last). Reindex names cases
	// whose text is rebuilt from the database instead: cases an earlier
	// run created, when a resumed or later import adds to them.
	Search []SearchText
	// NewID makes the ids of the postings and timeline entries the
	// batch writes (default id.New); an import passes an id.Sequence's,
	// so that they grow in the order written.
	NewID   func() string
	Reindex []string
	// Unindexed are cases known to have no search text yet, indexed from
	// the database without first deleting the old text.
	Unindexed []string
}

// SearchText is the text a case is found by.
type SearchText struct {
	CaseID string
	Body   string
}

// SearchBody makes a case's search text as refreshSearch does: the
// summary, then the allegation descriptions (then notes, which imported
// cases have none of).
func SearchBody(summary string, descriptions []string) string {
	return strings.Join(append([]string{summary}, descriptions...), "\n")
}

// Rows counts the records the batch inserts, for progress and tests.
func (b *ImportBatch) Rows() int {
	return len(b.Units) + len(b.Officers) + len(b.Cases) + len(b.Allegations) + len(b.Search) + len(b.Reindex) + len(b.Unindexed)
}

// ImportBatch writes b. The case timeline opens with an "imported" entry
// and the search index gets each new case; cases that existed before and
// gained allegations are re-indexed. Nothing here runs deadlines: imported
// cases are history, and next_due_at stays empty.
//
// It may run more than once for one batch (InTx retries serialisation
// failures on PostgreSQL), so it only reads b and overwrites what it sets.
func (tx *Tx) ImportBatch(ctx context.Context, b *ImportBatch) error {
	now := b.Now.UTC()
	newID := b.NewID
	if newID == nil {
		newID = id.New
	}
	if b.Force != nil {
		if err := tx.CreateForce(ctx, b.Force); err != nil {
			return err
		}
	}
	if err := tx.insertRows(ctx, "units", []string{"id", "force_id", "code", "name"}, len(b.Units), func(i int, a []any) []any {
		u := b.Units[i]
		return append(a, u.ID, u.ForceID, u.Code, u.Name)
	}); err != nil {
		return constraintError(err, "a unit code is already used in its force", "a unit names no force")
	}
	if err := tx.insertRows(ctx, "officers", []string{"id", "force_id", "collar_number", "given_name", "family_name", "rank",
		"unit_id", "joined_on", "sex", "ethnicity", "created_at", "updated_at", "source_rank", "joined_on_known", "ethnicity_group"}, len(b.Officers), func(i int, a []any) []any {
		o := b.Officers[i]
		return append(a, o.ID, o.ForceID, o.CollarNumber, o.GivenName, o.FamilyName, string(o.Rank), nullString(o.UnitID),
			dateOnly(o.JoinedOn), o.Sex, o.Ethnicity, now, now, o.SourceRank, o.JoinedKnown, o.EthnicityGroup)
	}); err != nil {
		return constraintError(err, "a collar number is already used in its force", "an officer names no such force or unit")
	}
	// An officer with a unit has a posting there from the day they are
	// known to have served, as CreateOfficer would open.
	var posted []int
	for i, o := range b.Officers {
		if o.UnitID != "" {
			posted = append(posted, i)
		}
	}
	if err := tx.insertRows(ctx, "postings", []string{"id", "officer_id", "unit_id", "rank", "started_on"}, len(posted), func(i int, a []any) []any {
		o := b.Officers[posted[i]]
		return append(a, newID(), o.ID, o.UnitID, string(o.Rank), dateOnly(o.JoinedOn))
	}); err != nil {
		return err
	}
	if err := tx.referenceCases(ctx, b.Cases); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, "cases", []string{"id", "reference", "kind", "force_id", "unit_id", "state", "rule_set", "summary",
		"arose_on", "received_at", "restricted", "version", "created_at", "updated_at", "next_due_clock"}, len(b.Cases), func(i int, a []any) []any {
		c := &b.Cases[i]
		return append(a, c.ID, c.Reference, string(c.Kind), c.ForceID, nullString(c.UnitID), string(c.State), c.RuleSet, c.Summary,
			dateOnly(c.AroseOn), c.ReceivedAt.UTC(), c.Restricted, 1, now, now, "")
	}); err != nil {
		return constraintError(err, "case reference already used", "a case names no such force, unit or rule set")
	}
	detail, _ := json.Marshal(map[string]string{"source": b.Source})
	if err := tx.insertRows(ctx, "case_events", []string{"id", "case_id", "seq", "at", "actor", "type", "detail"}, len(b.Cases), func(i int, a []any) []any {
		return append(a, newID(), b.Cases[i].ID, 1, now, "system", "imported", string(detail))
	}); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, "allegations", []string{"id", "case_id", "seq", "taxonomy_version", "category", "subcategory",
		"protected_characteristic", "description", "occurred_on", "source_category", "domestic_abuse"}, len(b.Allegations), func(i int, a []any) []any {
		al := &b.Allegations[i]
		return append(a, al.ID, al.CaseID, al.Seq, al.TaxonomyVersion, nullString(al.Category), nullString(al.Subcategory),
			al.ProtectedCharacteristic, al.Description, nullDate(al.OccurredOn), al.SourceCategory, al.DomesticAbuse)
	}); err != nil {
		return constraintError(err, "an allegation number is already used in its case", "an allegation names no such case, category or sub-category")
	}
	type subj struct {
		allegation string
		s          cases.Subject
		source     string
	}
	var subjects []subj
	for _, al := range b.Allegations {
		for j, s := range al.Subjects {
			var src string
			if j < len(al.SourceFindings) {
				src = al.SourceFindings[j]
			}
			subjects = append(subjects, subj{al.ID, s, src})
		}
	}
	if err := tx.insertRows(ctx, "subjects", []string{"allegation_id", "officer_id", "severity", "finding", "outcome", "source_finding"},
		len(subjects), func(i int, a []any) []any {
			s := subjects[i]
			return append(a, s.allegation, s.s.OfficerID, s.s.Severity, s.s.Finding, s.s.Outcome, s.source)
		}); err != nil {
		return constraintError(err, "an officer is named twice on one allegation", "a subject is not an officer on record")
	}
	if !tx.load { // a load indexes every case once its rows are in
		if err := tx.indexImported(ctx, b); err != nil {
			return fmt.Errorf("indexing imported cases: %w", err)
		}
	}
	if err := tx.insertRows(ctx, "import_keys", []string{"source", "kind", "external_id", "internal_id"}, len(b.Keys), func(i int, a []any) []any {
		k := b.Keys[i]
		return append(a, b.Source, k.Kind, k.ExternalID, k.InternalID)
	}); err != nil {
		return constraintError(err, "a source record was imported twice", "")
	}
	return nil
}

// BulkLoad gives SQLite's writer connection room for a large import, and
// returns how to put it back. Rows land on pages all over the indexes of
// foreign keys and other columns, and on the primary keys of tables that
// already hold records with random ids; with SQLite's default 2 MB page cache a
// batch spills pages to the WAL and reads them back, and its statement
// journals go to temporary files: together, a third of the time of the
// NYC import. The writer is one long-lived connection, so the setting
// holds across the import's transactions. PostgreSQL needs nothing.
func (db *DB) BulkLoad(ctx context.Context) (restore func() error, err error) {
	if db.dialect != SQLite {
		return func() error { return nil }, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var cache, temp int
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY`); err != nil { // 256 MiB
		return nil, err
	}
	return func() error {
		ctx := context.Background()
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		_, err = conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d; PRAGMA temp_store = %d`, cache, temp))
		return err
	}, nil
}

// referenceCases gives each new case the next references of its kind and
// year, one counter update per kind and year rather than per case.
func (tx *Tx) referenceCases(ctx context.Context, cs []cases.Case) error {
	type slot struct {
		kind cases.Kind
		year int
	}
	need := map[slot][]int{}
	for i, c := range cs {
		k := slot{c.Kind, c.ReceivedAt.UTC().Year()}
		need[k] = append(need[k], i)
	}
	// A fixed order keeps two importers' counter locks in one order.
	slots := make([]slot, 0, len(need))
	for k := range need {
		slots = append(slots, k)
	}
	sort.Slice(slots, func(i, j int) bool {
		if slots[i].kind != slots[j].kind {
			return slots[i].kind < slots[j].kind
		}
		return slots[i].year < slots[j].year
	})
	for _, k := range slots {
		idx := need[k]
		var last int
		err := tx.tx.QueryRowContext(ctx, `INSERT INTO case_references (prefix, year, last_number) VALUES ($1, $2, $3)
			ON CONFLICT (prefix, year) DO UPDATE SET last_number = case_references.last_number + $3
			RETURNING last_number`, k.kind.ReferencePrefix(), k.year, len(idx)).Scan(&last)
		if err != nil {
			return fmt.Errorf("allocating references: %w", err)
		}
		first := last - len(idx) + 1
		for j, i := range idx {
			cs[i].Reference = cases.FormatReference(k.kind, k.year, first+j)
		}
	}
	return nil
}

// indexImported writes the batch's search texts, each whole once a
// case's last row is in, so that a case's text is written once, not per
// row.
func (tx *Tx) indexImported(ctx context.Context, b *ImportBatch) error {
	texts := slices.Clone(b.Search)
	for _, caseID := range append(slices.Clone(b.Unindexed), b.Reindex...) {
		var body string
		err := tx.tx.QueryRowContext(ctx, `SELECT c.summary || COALESCE((SELECT `+tx.db.stringAgg("a.description", "a.seq")+`
			FROM allegations a WHERE a.case_id = c.id), '') FROM cases c WHERE c.id = $1`, caseID).Scan(&body)
		if err != nil {
			return err
		}
		texts = append(texts, SearchText{CaseID: caseID, Body: body})
	}
	for _, caseID := range b.Reindex {
		q := `DELETE FROM case_search WHERE case_id = $1`
		if tx.db.dialect == SQLite {
			q = `DELETE FROM case_search WHERE rowid = (SELECT rowid FROM cases WHERE id = $1)`
		}
		if _, err := tx.tx.ExecContext(ctx, q, caseID); err != nil {
			return err
		}
	}
	return tx.insertSearch(ctx, texts)
}

// insertSearch adds search texts of cases that have none. On SQLite the
// case list matches search rows to cases by rowid (casework.go ListCases),
// so each text takes its case's rowid.
func (tx *Tx) insertSearch(ctx context.Context, texts []SearchText) error {
	if tx.db.dialect != SQLite {
		return tx.insertRows(ctx, "case_search", []string{"case_id", "body"}, len(texts), func(i int, a []any) []any {
			return append(a, texts[i].CaseID, texts[i].Body)
		})
	}
	rowids := make([]int64, len(texts))
	for start := 0; start < len(texts); start += 500 {
		end := min(start+500, len(texts))
		byID := map[string]int64{}
		ids := make([]any, 0, end-start)
		for _, t := range texts[start:end] {
			ids = append(ids, t.CaseID)
		}
		if err := tx.scanPairs(ctx, `SELECT id, rowid FROM cases WHERE id IN (`+placeholders(len(ids))+`)`, ids, func(r *sql.Rows) error {
			var id string
			var rowid int64
			err := r.Scan(&id, &rowid)
			byID[id] = rowid
			return err
		}); err != nil {
			return err
		}
		taken := map[int64]bool{}
		want := make([]any, 0, end-start)
		for i := start; i < end; i++ {
			rowids[i] = byID[texts[i].CaseID]
			want = append(want, rowids[i])
		}
		if err := tx.scanPairs(ctx, `SELECT rowid FROM case_search WHERE rowid IN (`+placeholders(len(want))+`)`, want, func(r *sql.Rows) error {
			var rowid int64
			err := r.Scan(&rowid)
			taken[rowid] = true
			return err
		}); err != nil {
			return err
		}
		for i := start; i < end; i++ {
			if taken[rowids[i]] {
				rowids[i] = 0
			}
		}
	}
	var own, other []int
	for i, r := range rowids {
		if r != 0 {
			own = append(own, i)
		} else {
			other = append(other, i)
		}
	}
	// Texts at their case's rowid first, then the rest at fresh rowids
	// beyond them.
	if err := tx.insertRows(ctx, "case_search", []string{"rowid", "case_id", "body"}, len(own), func(i int, a []any) []any {
		t := texts[own[i]]
		return append(a, rowids[own[i]], t.CaseID, t.Body)
	}); err != nil {
		return err
	}
	return tx.insertRows(ctx, "case_search", []string{"case_id", "body"}, len(other), func(i int, a []any) []any {
		return append(a, texts[other[i]].CaseID, texts[other[i]].Body)
	})
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (tx *Tx) scanPairs(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// stringAgg joins a column's values, each after a newline, in order.
func (db *DB) stringAgg(col, order string) string {
	if db.dialect == Postgres {
		return "string_agg(E'\\n' || " + col + ", '' ORDER BY " + order + ")"
	}
	return "group_concat(char(10) || " + col + ", '' ORDER BY " + order + ")"
}

// UnindexedImports lists the cases a source's imports created that have
// no search text yet: those whose last rows an interrupted import never
// reached.
func (db *DB) UnindexedImports(ctx context.Context, source string) ([]string, error) {
	indexed := map[string]bool{}
	rows, err := db.read.QueryContext(ctx, `SELECT case_id FROM case_search`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		indexed[c] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	keys, err := db.ImportKeys(ctx, source, ImportCase)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range keys {
		if !indexed[c] {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out, nil
}

// maxParams keeps a statement under both engines' limits on bound
// parameters (SQLite 32,766; PostgreSQL 65,535).
const maxParams = 30000

// insertRows inserts n rows with multi-row INSERT statements. Each
// statement's parse and round trip is paid once per few hundred rows
// instead of once per row, which is most of the cost of a bulk load on
// either engine. row appends row i's values to a and returns it.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, n int, row func(i int, a []any) []any) error {
	if n == 0 {
		return nil
	}
	per := maxParams / len(cols)
	// SQLite looks numbered parameters ($1) up by name, in a list, which
	// costs time in the square of their number; plain ? are positional.
	sqlite := tx.db.dialect == SQLite
	head := "INSERT INTO " + table
	if tx.load && sqlite {
		// See ImportLoad: no statement journal.
		head = "INSERT OR ROLLBACK INTO " + table
	}
	head += " (" + strings.Join(cols, ", ") + ") VALUES "
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; {
		end := start + chunkRows(n-start, per)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		// Whole chunks share one statement, which the transaction
		// compiles once (cachedTx): compiling a 500-row INSERT costs as
		// much as running it.
		q := head + valuesList(end-start, len(cols), sqlite)
		if _, err := tx.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("inserting into %s: %w", table, err)
		}
		start = end
	}
	return nil
}

// chunkRows is how many of left rows the next INSERT carries, at most per.
// What is left after the whole chunks goes a sixteenth of a chunk at a
// time, and then the rest, so that a batch's last rows also run a
// statement the transaction has compiled before (cachedTx) and only a
// small one is compiled afresh: a remainder of any size, compiled each
// batch, cost the NYC import half a second.
func chunkRows(left, per int) int {
	if left >= per {
		return per
	}
	if step := per / 16; step > 1 && left >= step {
		return step
	}
	return left
}

// valuesList is the VALUES list of rows rows of cols parameters each.
func valuesList(rows, cols int, sqlite bool) string {
	var sb strings.Builder
	n := 0
	for r := 0; r < rows; r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				sb.WriteString(", ")
			}
			n++
			if sqlite {
				sb.WriteByte('?')
			} else {
				sb.WriteByte('$')
				sb.WriteString(strconv.Itoa(n))
			}
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// ImportKeys returns what a source's earlier imports created of one kind:
// external id -> internal id.
func (db *DB) ImportKeys(ctx context.Context, source, kind string) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT external_id, internal_id FROM import_keys WHERE source = $1 AND kind = $2`, source, kind)
	if err != nil {
		return nil, fmt.Errorf("reading import keys: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ext, in string
		if err := rows.Scan(&ext, &in); err != nil {
			return nil, err
		}
		out[ext] = in
	}
	return out, rows.Err()
}

// ImportCounts counts a source's import keys by kind.
func (db *DB) ImportCounts(ctx context.Context, source string) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT kind, COUNT(*) FROM import_keys WHERE source = $1 GROUP BY kind`, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// ForceByCode finds a force by its code.
func (db *DB) ForceByCode(ctx context.Context, code string) (officers.Force, error) {
	var f officers.Force
	err := db.read.QueryRowContext(ctx, `SELECT id, code, name FROM forces WHERE code = $1`, code).Scan(&f.ID, &f.Code, &f.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fault.Errorf(fault.NotFound, "no force with code %s", code)
	}
	return f, err
}

// UnitCodes maps a force's unit codes to unit ids.
func (db *DB) UnitCodes(ctx context.Context, forceID string) (map[string]string, error) {
	return db.pairs(ctx, `SELECT code, id FROM units WHERE force_id = $1`, forceID)
}

// OfficerCollars maps a force's collar numbers to officer ids.
func (db *DB) OfficerCollars(ctx context.Context, forceID string) (map[string]string, error) {
	return db.pairs(ctx, `SELECT collar_number, id FROM officers WHERE force_id = $1`, forceID)
}

// AllegationSeqs gives the highest allegation number of each of a force's
// cases that has allegations, so that an import can add to a case.
func (db *DB) AllegationSeqs(ctx context.Context, forceID string) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.case_id, MAX(a.seq) FROM allegations a JOIN cases c ON c.id = a.case_id
		WHERE c.force_id = $1 GROUP BY a.case_id`, forceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

func (db *DB) pairs(ctx context.Context, q string, args ...any) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SourceFinding returns the source's own words for a subject's finding
// ("" for cases recorded in Probity).
func (db *DB) SourceFinding(ctx context.Context, allegationID, officerID string) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT source_finding FROM subjects WHERE allegation_id = $1 AND officer_id = $2`,
		allegationID, officerID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.Errorf(fault.NotFound, "no such subject")
	}
	return s, err
}
