package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

// CaseSort orders a case list. Each order is a key (a time) then the
// case id, so that keyset paging (Position) resumes exactly after the
// last case shown whatever the order.
type CaseSort string

const (
	// SortReceivedNewest is the default: newest first.
	SortReceivedNewest CaseSort = "received-desc"
	SortReceivedOldest CaseSort = "received-asc"
	// SortDueSoonest and SortDueLatest order by the next deadline; cases
	// with none come last either way.
	SortDueSoonest CaseSort = "due-asc"
	SortDueLatest  CaseSort = "due-desc"
)

// CaseSorts lists the orders a case list may be asked for.
var CaseSorts = []CaseSort{SortReceivedNewest, SortReceivedOldest, SortDueSoonest, SortDueLatest}

// noDueLast and noDueFirst stand for "no deadline" in the due orders, so
// that such cases sort after every real deadline and still have a key to
// page by.
var (
	noDueLast  = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	noDueFirst = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
)

// KindStates is a kind of case with some of its states.
type KindStates struct {
	Kind   string
	States []string
}

// CaseFilter selects cases for a list.
type CaseFilter struct {
	State     string
	Kind      string
	Category  string
	OfficerID string
	UnitID    string
	Overdue   bool
	DueBefore *time.Time
	// DueFrom keeps cases whose next deadline is at or after it.
	DueFrom *time.Time
	// ReceivedFrom and ReceivedBefore bound when the case was received:
	// from (inclusive) and before (exclusive).
	ReceivedFrom, ReceivedBefore *time.Time
	// AssigneeID keeps the cases assigned to this user; Unassigned those
	// assigned to nobody.
	AssigneeID string
	Unassigned bool
	// OpenAt keeps the cases open at that moment as the measures count
	// them (received before it and not finalised by then), so that a
	// figure of open cases links to the cases behind it.
	OpenAt *time.Time
	// FinalisedFrom and FinalisedBefore keep the cases the measures count
	// as finalised in [from, before): the figures of finalised cases link
	// to them.
	FinalisedFrom, FinalisedBefore *time.Time
	// LoggedFrom and LoggedBefore, ContactedFrom and ContactedBefore keep
	// the cases first logged (outside Schedule 3 or recorded under it),
	// or first contacted, in [from, before), as the timeliness measures
	// count them.
	LoggedFrom, LoggedBefore       *time.Time
	ContactedFrom, ContactedBefore *time.Time
	// In keeps the cases whose kind and state are one of these pairs
	// (open cases, cases awaiting a role's decision); nil keeps every
	// case, an empty non-nil list none.
	In   []KindStates
	Text string
	Now  time.Time
	Sort CaseSort
	// After resumes the list after this position; nil for the start.
	After *Position
	Limit int
	// Scope narrows the list to the caller's need-to-know in the query
	// itself (caseScopeSQL); nil lists every case, for tools and tests,
	// never for an answer to a caller. Every case returned to a caller
	// must still pass access.CanOpenCase.
	Scope *access.ListScope
}

// CasePage is one page of a case list.
type CasePage struct {
	Items []CaseSummary
	// More says rows follow the last item.
	More bool
}

// Position is where the list stands after this case in the default order.
func (c CaseSummary) Position() Position { return Position{At: c.ReceivedAt, ID: c.ID} }

// PositionOf is where a list in the filter's order stands after c.
func (f CaseFilter) PositionOf(c CaseSummary) Position {
	switch f.Sort {
	case SortDueSoonest, SortDueLatest:
		if c.NextDueAt != nil {
			return Position{At: *c.NextDueAt, ID: c.ID}
		}
		if f.Sort == SortDueSoonest {
			return Position{At: noDueLast, ID: c.ID}
		}
		return Position{At: noDueFirst, ID: c.ID}
	}
	return c.Position()
}

// sortKey is the filter's order as a key expression on cases c and its
// direction.
func (f CaseFilter) sortKey(arg func(any) string) (key string, desc bool, err error) {
	switch f.Sort {
	case "", SortReceivedNewest:
		return "c.received_at", true, nil
	case SortReceivedOldest:
		return "c.received_at", false, nil
	case SortDueSoonest:
		return "COALESCE(c.next_due_at, " + arg(noDueLast) + ")", false, nil
	case SortDueLatest:
		return "COALESCE(c.next_due_at, " + arg(noDueFirst) + ")", true, nil
	}
	return "", false, &fault.Error{Kind: fault.Invalid, Message: "bad query",
		Fields: []fault.FieldError{{Field: "sort", Reason: "is not an order the list knows"}}}
}

// caseListWhere writes the filter's conditions on cases aliased c (all
// but the position), adding their arguments through arg. With inOrder, the
// full-text condition (SQLite) only tests the cases met in the order's
// index instead of driving the query from every match (textInOrder).
func (db *DB) caseListWhere(f CaseFilter, arg func(any) string, inOrder bool) ([]string, error) {
	var where []string
	if f.Scope != nil {
		where = append(where, "("+caseScopeSQL(*f.Scope, arg)+")")
	}
	if f.State != "" {
		where = append(where, "c.state = "+arg(f.State))
	}
	if f.Kind != "" {
		where = append(where, "c.kind = "+arg(f.Kind))
	}
	if f.UnitID != "" {
		where = append(where, "c.unit_id = "+arg(f.UnitID))
	}
	if f.Category != "" {
		where = append(where, "EXISTS (SELECT 1 FROM allegations al WHERE al.case_id = c.id AND al.category = "+arg(f.Category)+")")
	}
	if f.OfficerID != "" {
		where = append(where, `EXISTS (SELECT 1 FROM subjects s JOIN allegations al ON al.id = s.allegation_id
			WHERE al.case_id = c.id AND s.officer_id = `+arg(f.OfficerID)+")")
	}
	// The deadline's conditions, each an operator and its argument: on
	// cases, and on PostgreSQL on case_search's copy of the deadline too.
	var due []string
	if f.Overdue {
		due = append(due, " < "+arg(f.Now.UTC()))
	}
	if f.DueBefore != nil {
		due = append(due, " < "+arg(f.DueBefore.UTC()))
	}
	if f.DueFrom != nil {
		due = append(due, " >= "+arg(f.DueFrom.UTC()))
	}
	for _, d := range due {
		where = append(where, "c.next_due_at"+d)
	}
	if f.ReceivedFrom != nil {
		where = append(where, "c.received_at >= "+arg(f.ReceivedFrom.UTC()))
	}
	if f.ReceivedBefore != nil {
		where = append(where, "c.received_at < "+arg(f.ReceivedBefore.UTC()))
	}
	if f.OpenAt != nil {
		where = append(where, openAtSQL(*f.OpenAt, arg))
	}
	if f.FinalisedFrom != nil || f.FinalisedBefore != nil {
		where = append(where, finalisedInSQL(f.FinalisedFrom, f.FinalisedBefore, arg))
	}
	if f.LoggedFrom != nil || f.LoggedBefore != nil {
		where = append(where, firstReachedInSQL([]cases.State{cases.LoggedOutsideSch3, cases.RecordedSch3}, f.LoggedFrom, f.LoggedBefore, arg))
	}
	if f.ContactedFrom != nil || f.ContactedBefore != nil {
		where = append(where, firstReachedInSQL([]cases.State{cases.InitialContact}, f.ContactedFrom, f.ContactedBefore, arg))
	}
	if f.AssigneeID != "" {
		// Driven from the assignee's index, not checked case by case.
		where = append(where, "c.id IN (SELECT ca.case_id FROM case_assignments ca WHERE ca.user_id = "+arg(f.AssigneeID)+")")
	}
	if f.Unassigned {
		where = append(where, "NOT EXISTS (SELECT 1 FROM case_assignments ca WHERE ca.case_id = c.id)")
	}
	if f.In != nil {
		var alts []string
		for _, ks := range f.In {
			if len(ks.States) == 0 {
				continue
			}
			alts = append(alts, "(c.kind = "+arg(ks.Kind)+" AND c.state IN "+stateListSQL(ks.States, arg)+")")
		}
		if len(alts) == 0 {
			alts = []string{"1 = 0"}
		}
		where = append(where, "("+strings.Join(alts, " OR ")+")")
	}
	if q := strings.TrimSpace(f.Text); q != "" {
		if db.dialect == SQLite {
			match := ftsQuery(q)
			if match == "" {
				return nil, &fault.Error{Kind: fault.Invalid, Message: "bad query",
					Fields: []fault.FieldError{{Field: "q", Reason: "holds no words to search for"}}}
			}
			// The unary plus keeps SQLite from looking cases up by the
			// rowids of the matches, so that it walks the order's index.
			rowid := "c.rowid"
			if inOrder {
				rowid = "+c.rowid"
			}
			where = append(where, rowid+" IN (SELECT rowid FROM case_search WHERE case_search MATCH "+arg(match)+")")
		} else {
			// A search kept to cases with a deadline reads case_search's copy
			// of it, so that PostgreSQL can use the full-text index of only
			// the cases with a deadline (case_search_due_tsv, migration
			// 00039) instead of testing the words of every case with one.
			text := "tsv @@ websearch_to_tsquery('english', " + arg(q) + ")"
			for _, d := range due {
				text += " AND cs.due_at" + d
			}
			where = append(where, "c.id IN (SELECT cs.case_id FROM case_search cs WHERE "+text+")")
		}
	}
	return where, nil
}

// ListCases lists cases in the filter's order (newest first by default),
// filtered, one page of at most 200 at a time. Pages follow the order's
// key and the case id, so that a case recorded meanwhile does not shift
// the rest.
func (db *DB) ListCases(ctx context.Context, f CaseFilter) (CasePage, error) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	items, err := db.listCases(ctx, f, limit+1)
	if err != nil {
		return CasePage{}, err
	}
	page := CasePage{Items: items}
	if len(items) > limit {
		page.Items, page.More = items[:limit], true
	}
	return page, nil
}

// ExportCases reads up to limit cases of a filter in its order, from the
// start, for an export; the caller refuses exports above its bound
// (CountCases) before reading them.
func (db *DB) ExportCases(ctx context.Context, f CaseFilter, limit int) ([]CaseSummary, error) {
	f.After = nil
	return db.listCases(ctx, f, limit)
}

func (db *DB) listCases(ctx context.Context, f CaseFilter, limit int) ([]CaseSummary, error) {
	inOrder, err := db.textInOrder(ctx, f)
	if err != nil {
		return nil, err
	}
	q, args, err := db.listCasesSQL(f, limit, inOrder)
	if err != nil {
		return nil, err
	}
	args = db.plannedWithValues(args)
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing cases: %w", err)
	}
	items, err := collect(rows, func(r *sql.Rows) (c CaseSummary, err error) {
		var due sql.NullTime
		err = r.Scan(&c.ID, &c.Reference, &c.Kind, &c.State, &c.UnitID, &c.ReceivedAt, &c.Restricted, &due, &c.NextDueClock)
		c.ReceivedAt = c.ReceivedAt.UTC()
		c.NextDueAt = utcPtr(due)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing cases: %w", err)
	}
	return items, nil
}

// plannedWithValues makes PostgreSQL plan a case list query with its
// arguments' values each time it runs, instead of a prepared statement
// that PostgreSQL may switch to one generic plan after five runs: the
// case list's filters and words differ in selectivity by thousands of
// times (a common word, a rare one), and the generic plan of a search
// guessed 523 matches and drove a page of overdue complaints about
// custody from all 4,554 (185 ms against 11 ms at a tenth of the nation).
// It costs a round trip to describe the statement.
func (db *DB) plannedWithValues(args []any) []any {
	if db.dialect != Postgres {
		return args
	}
	return append([]any{pgx.QueryExecModeDescribeExec}, args...)
}

// afterSQL keeps the cases after position p in an order by key (then id)
// whose comparison is cmp (" < " descending, " > " ascending). The key's
// own bound comes first, on its own, so that an index on the key seeks to
// the position instead of walking every case before it.
func afterSQL(key, cmp string, p *Position, arg func(any) string) string {
	a, b := arg(p.At.UTC()), arg(p.ID)
	return "(" + key + " " + strings.TrimSpace(cmp) + "= " + a + " AND (" + key + cmp + a + " OR c.id > " + b + "))"
}

// textScanFrom is how many full-text matches make it cheaper, on SQLite,
// to walk the cases in the order received, testing each against the
// matches, than to read every match and sort them: the walk meets a page
// of matches within (page size x cases / matches) cases, and the
// lookups of every match cost as much as the matches are many.
var textScanFrom = 2000 // a variable only so that a test can walk a few cases in order

// textInOrder says whether a SQLite list searching text in the order
// received should walk that order's index (many matches) rather than start
// from the matches (few), by counting the matches up to textScanFrom.
func (db *DB) textInOrder(ctx context.Context, f CaseFilter) (bool, error) {
	match, ok := db.textProbe(f)
	if !ok {
		return false, nil
	}
	return db.manyMatches(ctx, match)
}

// countByDeadline says whether a SQLite count of a search that keeps only
// cases with a deadline (overdue, due before or from a time) should walk
// the index of those cases (cases_due_by_received), testing each against
// the matches, rather than look up the row of every match: so when the
// text matches many cases, since a few in a hundred cases have a deadline
// and the walk reads the index alone. The same full-text count decides as
// for the list (textInOrder).
func (db *DB) countByDeadline(ctx context.Context, f CaseFilter) (bool, error) {
	match, ok := db.countProbe(f)
	if !ok {
		return false, nil
	}
	return db.manyMatches(ctx, match)
}

// countProbe is the full-text query whose matches countByDeadline counts,
// and whether it counts them at all: only on SQLite, for text that holds
// words, with a condition on the deadline.
func (db *DB) countProbe(f CaseFilter) (string, bool) {
	if db.dialect != SQLite || !f.Overdue && f.DueBefore == nil && f.DueFrom == nil {
		return "", false
	}
	match := ftsQuery(strings.TrimSpace(f.Text))
	return match, match != ""
}

// matchesUpToSQL counts a full-text query's matches ($1) up to $2.
const matchesUpToSQL = `SELECT COUNT(*) FROM (SELECT rowid FROM case_search WHERE case_search MATCH $1 LIMIT $2) m`

// manyMatches says whether the full-text query match matches at least
// textScanFrom cases, counting them up to that.
func (db *DB) manyMatches(ctx context.Context, match string) (bool, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, matchesUpToSQL, match, textScanFrom).Scan(&n); err != nil {
		return false, fmt.Errorf("listing cases: counting matches: %w", err)
	}
	return n >= textScanFrom, nil
}

// listCasesSQL is the query of up to limit cases of a filter in its
// order, after its position; inOrder as for caseListWhere.
func (db *DB) listCasesSQL(f CaseFilter, limit int, inOrder bool) (string, []any, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where, err := db.caseListWhere(f, arg, inOrder)
	if err != nil {
		return "", nil, err
	}
	key, desc, err := f.sortKey(arg)
	if err != nil {
		return "", nil, err
	}
	dir, cmp := "ASC", " > "
	if desc {
		dir, cmp = "DESC", " < "
	}
	if f.After != nil {
		where = append(where, afterSQL(key, cmp, f.After, arg))
	}
	q := `SELECT c.id, c.reference, c.kind, c.state, COALESCE(c.unit_id, ''), c.received_at, c.restricted, c.next_due_at, c.next_due_clock
		FROM cases c`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	// A whole number of ours, written in for the planner (countCasesSQL).
	q += " ORDER BY " + key + " " + dir + ", c.id LIMIT " + strconv.Itoa(limit)
	return q, args, nil
}

// textProbe is the full-text query whose matches textInOrder counts, and
// whether it counts them at all: only on SQLite, for text that holds words
// (caseListWhere refuses the rest), in an order received.
func (db *DB) textProbe(f CaseFilter) (string, bool) {
	if db.dialect != SQLite || f.Sort != "" && f.Sort != SortReceivedNewest && f.Sort != SortReceivedOldest {
		return "", false
	}
	match := ftsQuery(strings.TrimSpace(f.Text))
	return match, match != ""
}

// CountCases counts the cases a filter selects, ignoring its position and
// limit: with a scope, only cases the caller may open are counted.
func (db *DB) CountCases(ctx context.Context, f CaseFilter) (int, error) {
	byDeadline, err := db.countByDeadline(ctx, f)
	if err != nil {
		return 0, err
	}
	q, args, err := db.countCasesSQL(f, 0, byDeadline)
	if err != nil {
		return 0, err
	}
	args = db.plannedWithValues(args)
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting cases: %w", err)
	}
	return n, nil
}

// CountCasesUpTo counts the cases a filter selects as CountCases does,
// scope and all, but stops once it has counted more than upTo: it returns
// the count, at most upTo, and whether more cases match. A count across a
// nation's cases costs as much as the matches are many; one that stops
// reads at most upTo+1 of them, so a page can say "more than 1,000".
func (db *DB) CountCasesUpTo(ctx context.Context, f CaseFilter, upTo int) (n int, more bool, err error) {
	if upTo <= 0 {
		return 0, false, fmt.Errorf("counting cases: a cap of %d", upTo)
	}
	byDeadline, err := db.countByDeadline(ctx, f)
	if err != nil {
		return 0, false, err
	}
	q, args, err := db.countCasesSQL(f, upTo+1, byDeadline)
	if err != nil {
		return 0, false, err
	}
	args = db.plannedWithValues(args)
	if err := db.reader(ctx).QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, false, fmt.Errorf("counting cases: %w", err)
	}
	if n > upTo {
		return upTo, true, nil
	}
	return n, false, nil
}

// countCasesSQL is the count of the cases a filter selects, reading at
// most limit of them when limit > 0; with byDeadline (countByDeadline),
// the full-text condition only tests the cases met in another index.
func (db *DB) countCasesSQL(f CaseFilter, limit int, byDeadline bool) (string, []any, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where, err := db.caseListWhere(f, arg, byDeadline)
	if err != nil {
		return "", nil, err
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	if limit > 0 {
		// The cap is written into the SQL, not bound: PostgreSQL plans a
		// prepared statement's LIMIT $n as a tenth of the rows, and its
		// generic plan then read every case in turn (160 ms instead of
		// 15 on a tenth of the nation).
		return `SELECT COUNT(*) FROM (SELECT 1 FROM cases c` + cond + ` LIMIT ` + strconv.Itoa(limit) + `) capped`, args, nil
	}
	return `SELECT COUNT(*) FROM cases c` + cond, args, nil
}

// CaseSubjects lists the subject officers of each case, in the order of
// its allegations, each once.
func (db *DB) CaseSubjects(ctx context.Context, caseIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	for start := 0; start < len(caseIDs); start += 200 {
		in, args := inList(caseIDs[start:min(start+200, len(caseIDs))])
		rows, err := db.reader(ctx).QueryContext(ctx, `SELECT a.case_id, s.officer_id FROM subjects s
			JOIN allegations a ON a.id = s.allegation_id WHERE a.case_id IN `+in+` ORDER BY a.case_id, a.seq, s.officer_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("reading subjects of cases: %w", err)
		}
		pairs, err := collect(rows, func(r *sql.Rows) (p [2]string, err error) { return p, r.Scan(&p[0], &p[1]) })
		if err != nil {
			return nil, fmt.Errorf("reading subjects of cases: %w", err)
		}
		for _, p := range pairs {
			seen := false
			for _, o := range out[p[0]] {
				seen = seen || o == p[1]
			}
			if !seen {
				out[p[0]] = append(out[p[0]], p[1])
			}
		}
	}
	return out, nil
}

// openAtSQL keeps cases (alias c) open at t by the measures' rule: received
// before t, and neither a first finalising step before t nor, for a case
// whose timeline has no such step, a finalised state reached (last
// update) before t. It reads the case row alone (finalisedAtSQL).
func openAtSQL(t time.Time, arg func(any) string) string {
	at := arg(t.UTC())
	fin := stateListSQL(finalisedStates, arg)
	return `(c.received_at < ` + at + ` AND (c.finalised_at >= ` + at + ` OR (c.finalised_at IS NULL AND NOT (c.state IN ` +
		fin + ` AND c.updated_at < ` + at + `))))`
}

// finalisedInSQL keeps cases (alias c) finalised, by the measures' rule,
// at or after from and before before (either may be nil).
func finalisedInSQL(from, before *time.Time, arg func(any) string) string {
	return spanSQL(finalisedAtSQL(stateListSQL(finalisedStates, arg)), from, before, arg)
}

// firstReachedInSQL keeps cases (alias c) whose timeline first entered
// one of ss at or after from and before before (either may be nil): a
// case with no such step has not reached it, as the measures count. With
// a lower bound the cases are first found from the steps into ss since
// then (index case_events_reached), so that a list of one period's cases
// does not read the timeline of every case in scope; the first entry is
// then checked case by case.
func firstReachedInSQL(ss []cases.State, from, before *time.Time, arg func(any) string) string {
	states := stateListSQL(ss, arg)
	at := `(SELECT MIN(e.at) FROM case_events e WHERE e.case_id = c.id AND e.to_state IN ` + states + `)`
	cond := spanSQL(at, from, before, arg)
	if from == nil {
		return cond
	}
	return `(c.id IN (SELECT r.case_id FROM case_events r WHERE r.to_state IN ` + states + ` AND r.at >= ` + arg(from.UTC()) + `) AND ` + cond + `)`
}

func stateListSQL[S ~string](ss []S, arg func(any) string) string {
	marks := make([]string, len(ss))
	for i, st := range ss {
		marks[i] = arg(string(st))
	}
	return "(" + strings.Join(marks, ", ") + ")"
}

// spanSQL keeps rows whose moment at lies in [from, before).
func spanSQL(at string, from, before *time.Time, arg func(any) string) string {
	var conds []string
	if from != nil {
		conds = append(conds, at+" >= "+arg(from.UTC()))
	}
	if before != nil {
		conds = append(conds, at+" < "+arg(before.UTC()))
	}
	return "(" + strings.Join(conds, " AND ") + ")"
}
