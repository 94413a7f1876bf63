package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
)

// The counting behind internal/measures. Every figure is counted by the
// engine; Go only names groups and turns counts into rates. The SQL is the
// same on both engines but for how whole days between two times are
// taken (daysBetween). Percentiles are picked in SQL by the nearest-rank
// rule with integer arithmetic, ceil(p*n/100) = (p*n + 99) / 100, over
// whole days, so SQLite and PostgreSQL give the same day.
//
// A case's milestones are read from case_events.to_state (migration
// 00016): the first time it entered a state of interest.

var _ measures.PeriodSource = (*DB)(nil)

// finalisedStates are the states in which a case counts as finalised
// (measures' definitions, finalRule).
var finalisedStates = []cases.State{cases.OutcomeNotified, cases.Resolved, cases.Withdrawn, cases.Closed,
	cases.NoFurtherAction, cases.RPRP, cases.Performance, cases.Vetting, cases.Final,
	cases.BarredListReported, cases.AdvisoryListReported}

// mq builds one measure's query: its text and its arguments.
type mq struct {
	dialect Dialect
	args    []any
}

func (q *mq) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *mq) list(vs []string) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = q.arg(v)
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

func states(ss ...cases.State) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// daysBetween is the whole days between the UTC calendar dates of two
// times, later minus earlier.
func (q *mq) daysBetween(from, to string) string {
	if q.dialect == Postgres {
		return fmt.Sprintf("(CAST((%s) AT TIME ZONE 'UTC' AS DATE) - CAST((%s) AT TIME ZONE 'UTC' AS DATE))", to, from)
	}
	return fmt.Sprintf("CAST(julianday(date(%s)) - julianday(date(%s)) AS INTEGER)", to, from)
}

// caseScope narrows cases (alias c) to the scope's force, unit and kinds.
func (q *mq) caseScope(s measures.Scope) string {
	var b strings.Builder
	if s.ForceID != "" {
		b.WriteString(" AND c.force_id = " + q.arg(s.ForceID))
	}
	if s.UnitID != "" {
		b.WriteString(" AND c.unit_id = " + q.arg(s.UnitID))
	}
	if len(s.Kinds) > 0 {
		ks := make([]string, len(s.Kinds))
		for i, k := range s.Kinds {
			ks[i] = string(k)
		}
		b.WriteString(" AND c.kind IN " + q.list(ks))
	}
	return b.String()
}

// milestones is the WITH clause naming k: one row per case in scope with
// its receipt, kind, the first times it was logged, contacted and
// finalised, and its handling route (0 none, 1 outside Schedule 3, 2
// otherwise than by investigation, 3 local, 4 directed, 5 independent).
//
// only further narrows the cases, with a condition on c that must hold
// for every case the measure can count: a measure of a period reads the
// timelines of the cases that could fall in it, not of every case held.
func (q *mq) milestones(s measures.Scope, only string) string {
	scope := q.caseScope(s) + only
	fin := q.list(states(finalisedStates...))
	logged := q.list(states(cases.LoggedOutsideSch3, cases.RecordedSch3))
	contact := q.arg(string(cases.InitialContact))
	recorded := q.arg(string(cases.RecordedSch3))
	route := fmt.Sprintf(`CASE e.to_state WHEN %s THEN 5 WHEN %s THEN 4 WHEN %s THEN 3 WHEN %s THEN 2 WHEN %s THEN 1 ELSE 0 END`,
		q.arg(string(cases.IndependentInvestigation)), q.arg(string(cases.DirectedInvestigation)),
		q.arg(string(cases.LocalInvestigation)), q.arg(string(cases.HandledOtherwise)), q.arg(string(cases.LoggedOutsideSch3)))
	return `WITH ` + q.scoped(scope) + `,
	m AS (
		SELECT e.case_id,
			MIN(CASE WHEN e.to_state IN ` + logged + ` THEN e.at END) AS logged_at,
			MIN(CASE WHEN e.to_state = ` + contact + ` THEN e.at END) AS contact_at,
			MAX(` + route + `) AS route,
			MAX(CASE WHEN e.to_state = ` + recorded + ` THEN 1 ELSE 0 END) AS recorded
		FROM case_events e
		WHERE e.to_state <> '' AND e.case_id IN (SELECT id FROM sc)
		GROUP BY e.case_id),
	k AS (
		SELECT c.id, c.kind, c.received_at, m.logged_at, m.contact_at, ` + finalisedAtSQL(fin) + ` AS fin_at,
			CASE WHEN m.route >= 2 THEN m.route WHEN m.route = 1 AND m.recorded = 0 THEN 1 ELSE 0 END AS route
		FROM sc c LEFT JOIN m ON m.case_id = c.id)`
}

// scoped is the WITH clause item naming sc: the cases (alias c) that
// meet cond, with the columns milestones and finalisations read. Both
// the timelines (m) and the cases' own columns (k) are taken from it.
//
// On SQLite it is MATERIALIZED, so the cases are picked, and cond
// tested, once: SQLite would otherwise fold it into both and test cond
// twice a case. On PostgreSQL it is NOT MATERIALIZED: a materialised
// CTE has no statistics, and guessing its size PostgreSQL joined it to
// every allegation held (allegation outcomes for one force's year, 1.1 s
// against 0.6 s folded in on the tenth of the nation).
func (q *mq) scoped(cond string) string {
	how := "MATERIALIZED"
	if q.dialect == Postgres {
		how = "NOT MATERIALIZED"
	}
	return `sc AS ` + how + ` (SELECT c.id, c.kind, c.received_at, c.state, c.updated_at, c.finalised_at FROM cases c WHERE 1 = 1` + cond + `)`
}

// finalisations is the WITH clause naming k with what the stock measures
// (open cases, backlog) need of each case in scope: its receipt and when
// it was finalised, as milestones gives them, from the case row alone.
func (q *mq) finalisations(s measures.Scope, only string) string {
	scope := q.caseScope(s) + only
	fin := q.list(states(finalisedStates...))
	return `WITH ` + q.scoped(scope) + `,
	k AS (SELECT c.id, c.received_at, ` + finalisedAtSQL(fin) + ` AS fin_at FROM sc c)`
}

// finalisedAtSQL is when a case (alias c) was finalised by the measures'
// rule (finalRule): its first finalising step, which migration 00040's
// trigger keeps on the case as each step is added, or, for a case whose
// timeline has none (one imported already finalised), the last update of
// a case whose state is finalised; NULL while it is open. fin lists the
// finalised states.
func finalisedAtSQL(fin string) string {
	return `COALESCE(c.finalised_at, CASE WHEN c.state IN ` + fin + ` THEN c.updated_at END)`
}

// reachedIn narrows cases (alias c) to those whose timeline entered one of
// ss within [st, en): every case whose first entry into them fell in the
// span, and some whose later entry did, which the measure's own condition
// on the first then leaves out.
func (q *mq) reachedIn(ss []string, st, en string) string {
	return ` AND c.id IN (SELECT r.case_id FROM case_events r WHERE r.to_state IN ` + q.list(ss) +
		` AND r.at >= ` + st + ` AND r.at < ` + en + `)`
}

// notFinalisedBefore narrows cases (alias c) to those not finalised
// before t by a step in their timeline: a case that was counts as neither
// open nor finalised at t or after, so it need not be read further. It
// reads the case row alone (finalised_at), whatever the scope.
func (q *mq) notFinalisedBefore(t string) string {
	return ` AND (c.finalised_at IS NULL OR c.finalised_at >= ` + t + `)`
}

// finalisedIn narrows cases (alias c) to those that may have been
// finalised within [st, en): a first finalising step in the span, or a
// finalised present state last updated in it (finalRule), from the case
// row alone.
func (q *mq) finalisedIn(st, en string) string {
	return ` AND ((c.finalised_at >= ` + st + ` AND c.finalised_at < ` + en + `) OR (c.state IN ` +
		q.list(states(finalisedStates...)) + ` AND c.updated_at >= ` + st + ` AND c.updated_at < ` + en + `))`
}

// spanCol is a column of the span table: a time for each span, named
// name; date makes it a DATE on PostgreSQL, for comparing with date
// columns as a date bound to such a comparison compares.
type spanCol struct {
	name string
	at   []time.Time
	date bool
}

// spanTable is the WITH clause item naming p: one row a span, its index
// i (0 for the first) and the given columns.
func (q *mq) spanTable(cols ...spanCol) string {
	names := []string{"i"}
	for _, c := range cols {
		names = append(names, c.name)
	}
	rows := make([]string, len(cols[0].at))
	for i := range rows {
		vals := []string{fmt.Sprint(i)}
		for _, c := range cols {
			v := q.arg(c.at[i])
			if q.dialect == Postgres {
				typ := "TIMESTAMPTZ"
				if c.date {
					typ = "DATE"
				}
				v = "CAST(" + v + " AS " + typ + ")"
			}
			vals = append(vals, v)
		}
		rows[i] = "(" + strings.Join(vals, ", ") + ")"
	}
	return "p(" + strings.Join(names, ", ") + ") AS (VALUES " + strings.Join(rows, ", ") + ")"
}

// spanBounds are the span table's columns st and en (each span's start
// and end) and the arguments lo and hi, the earliest start and the latest
// end, that narrow a query to the time any span covers.
func (q *mq) spanBounds(spans []measures.Span) (cols []spanCol, lo, hi string) {
	cols, first, last := spanColumns(spans)
	return cols, q.arg(first), q.arg(last)
}

// spanColumns are the span table's columns st and en, and the earliest
// start and latest end.
func spanColumns(spans []measures.Span) (cols []spanCol, first, last time.Time) {
	st, en := make([]time.Time, len(spans)), make([]time.Time, len(spans))
	first, last = spans[0].Start, spans[0].End
	for i, sp := range spans {
		st[i], en[i] = sp.Start, sp.End
		if sp.Start.Before(first) {
			first = sp.Start
		}
		if sp.End.After(last) {
			last = sp.End
		}
	}
	return []spanCol{{name: "st", at: st}, {name: "en", at: en}}, first, last
}

// byPeriod reads rows that start with a span's index into one slice a
// span, n of them.
func byPeriod[T any](n int, rows *sql.Rows, scan func(*sql.Rows, *int) (T, error)) ([][]T, error) {
	out := make([][]T, n)
	xs, err := collect(rows, func(r *sql.Rows) (x struct {
		i int
		v T
	}, err error) {
		x.v, err = scan(r, &x.i)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		if x.i < 0 || x.i >= n {
			return nil, fmt.Errorf("a count for period %d of %d", x.i, n)
		}
		out[x.i] = append(out[x.i], x.v)
	}
	return out, nil
}

// one is the single span of a one-period count.
func one(s measures.Scope) []measures.Span { return []measures.Span{{Start: s.Start, End: s.End}} }

// percentiles wraps a query of (pi, grp, days) rows into one row per span
// and group: pi, grp, n, the median and the 90th percentile by the
// nearest-rank rule.
func percentiles(inner string) string {
	return `, d AS (` + inner + `),
	r AS (SELECT pi, grp, days, ROW_NUMBER() OVER (PARTITION BY pi, grp ORDER BY days) AS rn,
		COUNT(*) OVER (PARTITION BY pi, grp) AS n FROM d)
	SELECT pi, grp, n, MAX(CASE WHEN rn = (50 * n + 99) / 100 THEN days END),
		MAX(CASE WHEN rn = (90 * n + 99) / 100 THEN days END)
	FROM r GROUP BY pi, grp, n ORDER BY pi, grp`
}

var routeCodes = []string{measures.RouteNone, measures.RouteOutside, measures.RouteOtherwise,
	measures.RouteLocal, measures.RouteDirected, measures.RouteIndependent}

// caseDurationsSQL is CaseDurationsByPeriod's query.
func (db *DB) caseDurationsSQL(s measures.Scope, spans []measures.Span, ms measures.Milestone) (string, []any, error) {
	q := &mq{dialect: db.dialect}
	cols, lo, hi := q.spanBounds(spans)
	var col, grp, only string
	switch ms {
	case measures.Logged:
		col, grp = "k.logged_at", "0"
		only = q.reachedIn(states(cases.LoggedOutsideSch3, cases.RecordedSch3), lo, hi)
	case measures.FirstContact:
		col, grp = "k.contact_at", "0"
		only = q.reachedIn(states(cases.InitialContact), lo, hi)
	case measures.Finalised:
		col, grp = "k.fin_at", "k.route"
		only = q.finalisedIn(lo, hi)
	default:
		return "", nil, fmt.Errorf("unknown milestone %q", ms)
	}
	w := q.milestones(s, only) + ", " + q.spanTable(cols...)
	inner := fmt.Sprintf(`SELECT p.i AS pi, %s AS grp, %s AS days FROM k JOIN p ON %s >= p.st AND %s < p.en WHERE k.kind = %s`,
		grp, q.daysBetween("k.received_at", col), col, col, q.arg(string(cases.Complaint)))
	return w + percentiles(inner), q.args, nil
}

// CaseDurations implements measures.Source.
func (db *DB) CaseDurations(ctx context.Context, s measures.Scope, ms measures.Milestone) ([]measures.Distribution, error) {
	ds, err := db.CaseDurationsByPeriod(ctx, s, one(s), ms)
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}

// CaseDurationsByPeriod implements measures.PeriodSource.
func (db *DB) CaseDurationsByPeriod(ctx context.Context, s measures.Scope, spans []measures.Span, ms measures.Milestone) ([][]measures.Distribution, error) {
	text, args, err := db.caseDurationsSQL(s, spans, ms)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting days to %s: %w", ms, err)
	}
	ds, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (d measures.Distribution, err error) {
		var g int
		err = r.Scan(i, &g, &d.N, &d.Median, &d.P90)
		if ms == measures.Finalised && g >= 0 && g < len(routeCodes) {
			d.Group = routeCodes[g]
		}
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting days to %s: %w", ms, err)
	}
	return ds, nil
}

// openCasesSQL counts the cases open at each span's end, in the bands
// cutoffs[i] make for span i.
func (db *DB) openCasesSQL(s measures.Scope, spans []measures.Span, cutoffs [][]time.Time) (string, []any, error) {
	q := &mq{dialect: db.dialect}
	if len(cutoffs) != len(spans) {
		return "", nil, fmt.Errorf("%d sets of age bands for %d periods", len(cutoffs), len(spans))
	}
	n := len(cutoffs[0])
	if n == 0 {
		return "", nil, errors.New("no age bands")
	}
	ats := make([]time.Time, len(spans))
	bands := make([]spanCol, n)
	for j := range bands {
		bands[j] = spanCol{name: fmt.Sprintf("c%d", j), at: make([]time.Time, len(spans))}
	}
	for i, sp := range spans {
		if len(cutoffs[i]) != n {
			return "", nil, errors.New("periods with different age bands")
		}
		ats[i] = sp.End
		for j, c := range cutoffs[i] {
			bands[j].at[i] = c
		}
	}
	first, last := slices.MinFunc(ats, time.Time.Compare), slices.MaxFunc(ats, time.Time.Compare)
	w := q.finalisations(s, " AND c.received_at < "+q.arg(last)+q.notFinalisedBefore(q.arg(first))) +
		", " + q.spanTable(append([]spanCol{{name: "at", at: ats}}, bands...)...)
	var sums []string
	prev := ""
	for _, b := range bands {
		cond := "k.received_at >= p." + b.name
		if prev != "" {
			cond += " AND k.received_at < p." + prev
		}
		sums = append(sums, "COALESCE(SUM(CASE WHEN "+cond+" THEN 1 ELSE 0 END), 0)")
		prev = b.name
	}
	sums = append(sums, "COALESCE(SUM(CASE WHEN k.received_at < p."+prev+" THEN 1 ELSE 0 END), 0)")
	return w + ` SELECT p.i, ` + strings.Join(sums, ", ") + ` FROM p
		LEFT JOIN k ON k.received_at < p.at AND (k.fin_at IS NULL OR k.fin_at >= p.at)
		GROUP BY p.i ORDER BY p.i`, q.args, nil
}

// OpenCases implements measures.Source.
func (db *DB) OpenCases(ctx context.Context, s measures.Scope, at time.Time, cutoffs []time.Time) ([]int, error) {
	counts, err := db.OpenCasesByPeriod(ctx, s, []measures.Span{{Start: s.Start, End: at}}, [][]time.Time{cutoffs})
	if err != nil {
		return nil, err
	}
	return counts[0], nil
}

// OpenCasesByPeriod implements measures.PeriodSource.
func (db *DB) OpenCasesByPeriod(ctx context.Context, s measures.Scope, spans []measures.Span, cutoffs [][]time.Time) ([][]int, error) {
	text, args, err := db.openCasesSQL(s, spans, cutoffs)
	if err != nil {
		return nil, fmt.Errorf("counting open cases: %w", err)
	}
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting open cases: %w", err)
	}
	counts, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) ([]int, error) {
		c := make([]int, len(cutoffs[0])+1)
		ptrs := []any{i}
		for j := range c {
			ptrs = append(ptrs, &c[j])
		}
		return c, r.Scan(ptrs...)
	})
	if err != nil {
		return nil, fmt.Errorf("counting open cases: %w", err)
	}
	out := make([][]int, len(spans))
	for i, c := range counts {
		if len(c) != 1 {
			return nil, fmt.Errorf("counting open cases: %d rows for period %d", len(c), i)
		}
		out[i] = c[0]
	}
	return out, nil
}

func (db *DB) backlogSQL(s measures.Scope, spans []measures.Span) (string, []any) {
	q := &mq{dialect: db.dialect}
	cols, first, _ := spanColumns(spans)
	// A case finalised before every period counts in none of the four.
	w := q.finalisations(s, q.notFinalisedBefore(q.arg(first))) + ", " + q.spanTable(cols...)
	open := func(t string) string {
		return "COALESCE(SUM(CASE WHEN k.received_at < " + t + " AND (k.fin_at IS NULL OR k.fin_at >= " + t + ") THEN 1 ELSE 0 END), 0)"
	}
	within := func(col string) string {
		return "COALESCE(SUM(CASE WHEN " + col + " >= p.st AND " + col + " < p.en THEN 1 ELSE 0 END), 0)"
	}
	return w + ` SELECT p.i, ` + open("p.st") + `, ` + within("k.received_at") + `, ` + within("k.fin_at") + `, ` + open("p.en") +
		` FROM p LEFT JOIN k ON 1 = 1 GROUP BY p.i ORDER BY p.i`, q.args
}

// Backlog implements measures.Source.
func (db *DB) Backlog(ctx context.Context, s measures.Scope) (measures.Backlog, error) {
	bs, err := db.BacklogByPeriod(ctx, s, one(s))
	if err != nil {
		return measures.Backlog{}, err
	}
	return bs[0], nil
}

// BacklogByPeriod implements measures.PeriodSource.
func (db *DB) BacklogByPeriod(ctx context.Context, s measures.Scope, spans []measures.Span) ([]measures.Backlog, error) {
	text, args := db.backlogSQL(s, spans)
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting the backlog: %w", err)
	}
	bs, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (b measures.Backlog, err error) {
		err = r.Scan(i, &b.OpenAtStart, &b.Received, &b.Finalised, &b.OpenAtEnd)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting the backlog: %w", err)
	}
	out := make([]measures.Backlog, len(spans))
	for i, b := range bs {
		if len(b) != 1 {
			return nil, fmt.Errorf("counting the backlog: %d rows for period %d", len(b), i)
		}
		out[i] = b[0]
	}
	return out, nil
}

// Findings that count as a case to answer, and as upheld (measures'
// allegation-outcomes definition).
var (
	caseToAnswerFindings = []string{cases.FindingCaseToAnswer, cases.SeverityMisconduct, cases.SeverityGrossMisconduct}
	upheldFindings       = []string{"service_not_acceptable", cases.SeverityMisconduct, cases.SeverityGrossMisconduct}
)

func (db *DB) outcomesSQL(s measures.Scope, spans []measures.Span) (string, []any) {
	q := &mq{dialect: db.dialect}
	cta, up := q.list(caseToAnswerFindings), q.list(upheldFindings)
	cols, lo, hi := q.spanBounds(spans)
	w := q.milestones(s, q.finalisedIn(lo, hi)) + ", " + q.spanTable(cols...)
	// CROSS JOIN keeps SQLite's join order: from the few cases finalised
	// in the periods to their allegations, rather than from every
	// allegation to its case (twice as slow on the demo force).
	// PostgreSQL plans it as an inner join.
	// An allegation with no category (a conduct matter classified by
	// the standards alone) is counted under '' so the totals still add up.
	return w + ` SELECT x.pi, x.category, COALESCE(MIN(cc.name), x.category), COUNT(*), COALESCE(SUM(x.cta), 0), COALESCE(SUM(x.up), 0),
			COALESCE(SUM(x.da), 0), COALESCE(SUM(x.da * x.cta), 0), COALESCE(SUM(x.da * x.up), 0)
		FROM (SELECT p.i AS pi, a.id, COALESCE(a.category, '') AS category, a.taxonomy_version,
				MAX(CASE WHEN a.domestic_abuse THEN 1 ELSE 0 END) AS da,
				MAX(CASE WHEN s.finding IN ` + cta + ` THEN 1 ELSE 0 END) AS cta,
				MAX(CASE WHEN s.finding IN ` + up + ` THEN 1 ELSE 0 END) AS up
			FROM k JOIN p ON k.fin_at >= p.st AND k.fin_at < p.en
				CROSS JOIN allegations a JOIN subjects s ON s.allegation_id = a.id
			WHERE a.case_id = k.id
			GROUP BY p.i, a.id, a.category, a.taxonomy_version) x
		LEFT JOIN complaint_categories cc ON cc.taxonomy_version = x.taxonomy_version AND cc.code = x.category
		GROUP BY x.pi, x.category ORDER BY x.pi, x.category`, q.args
}

// AllegationOutcomes implements measures.Source.
func (db *DB) AllegationOutcomes(ctx context.Context, s measures.Scope) ([]measures.OutcomeCounts, error) {
	oc, err := db.AllegationOutcomesByPeriod(ctx, s, one(s))
	if err != nil {
		return nil, err
	}
	return oc[0], nil
}

// AllegationOutcomesByPeriod implements measures.PeriodSource.
func (db *DB) AllegationOutcomesByPeriod(ctx context.Context, s measures.Scope, spans []measures.Span) ([][]measures.OutcomeCounts, error) {
	text, args := db.outcomesSQL(s, spans)
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting allegation outcomes: %w", err)
	}
	oc, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (o measures.OutcomeCounts, err error) {
		err = r.Scan(i, &o.Category, &o.Name, &o.Allegations, &o.CaseToAnswer, &o.Upheld,
			&o.FlaggedAllegations, &o.FlaggedCaseToAnswer, &o.FlaggedUpheld)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting allegation outcomes: %w", err)
	}
	return oc, nil
}

func (db *DB) repeatSQL(s measures.Scope, spans []measures.Span) (string, []any) {
	q := &mq{dialect: db.dialect}
	var rank strings.Builder
	rank.WriteString("CASE s.outcome")
	for i, o := range measures.SanctionOrder {
		if o != "" {
			fmt.Fprintf(&rank, " WHEN %s THEN %d", q.arg(o), i)
		}
	}
	rank.WriteString(" ELSE 0 END")
	_, first, last := spanColumns(spans)
	lo, hi := q.arg(first), q.arg(last)
	scope := q.caseScope(s)
	// From the force's cases received in any span to the officers they
	// name: one row per officer and case (y), then one per officer with
	// its count of cases and worst sanction in each span (o), then the
	// officers of each span by count and worst. The spans overlap (five
	// years each), so each officer is grouped once, not once a span.
	var per, cells []string
	for i, sp := range spans {
		in := "y.received_at >= " + q.arg(sp.Start) + " AND y.received_at < " + q.arg(sp.End)
		per = append(per, fmt.Sprintf(`SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS n%d, MAX(CASE WHEN %s THEN y.worst END) AS w%d`, in, i, in, i))
		cells = append(cells, fmt.Sprintf(`SELECT %d AS pi, CASE WHEN o.n%d >= 3 THEN 3 ELSE o.n%d END AS n, o.w%d AS worst FROM o WHERE o.n%d > 0`,
			i, i, i, i, i))
	}
	return `WITH y AS (SELECT s.officer_id, c.id, c.received_at, MAX(` + rank.String() + `) AS worst
				FROM cases c JOIN allegations a ON a.case_id = c.id JOIN subjects s ON s.allegation_id = a.id
				WHERE c.received_at >= ` + lo + ` AND c.received_at < ` + hi + scope + `
				GROUP BY s.officer_id, c.id, c.received_at),
			o AS (SELECT y.officer_id, ` + strings.Join(per, ", ") + ` FROM y GROUP BY y.officer_id)
		SELECT x.pi, x.n, x.worst, COUNT(*) FROM (` + strings.Join(cells, " UNION ALL ") + `) x
		GROUP BY x.pi, x.n, x.worst ORDER BY x.pi, x.n, x.worst`, q.args
}

// RepeatSubjects implements measures.Source.
func (db *DB) RepeatSubjects(ctx context.Context, s measures.Scope) ([]measures.RepeatCounts, error) {
	rc, err := db.RepeatSubjectsByPeriod(ctx, s, one(s))
	if err != nil {
		return nil, err
	}
	return rc[0], nil
}

// RepeatSubjectsByPeriod implements measures.PeriodSource.
func (db *DB) RepeatSubjectsByPeriod(ctx context.Context, s measures.Scope, spans []measures.Span) ([][]measures.RepeatCounts, error) {
	text, args := db.repeatSQL(s, spans)
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting repeat subjects: %w", err)
	}
	rc, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (rc measures.RepeatCounts, err error) {
		var w int
		err = r.Scan(i, &rc.Cases, &w, &rc.Officers)
		if w >= 0 && w < len(measures.SanctionOrder) {
			rc.Worst = measures.SanctionOrder[w]
		}
		return rc, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting repeat subjects: %w", err)
	}
	return rc, nil
}

func (db *DB) officerGroupsSQL(s measures.Scope, spans []measures.Span) (string, []any) {
	q := &mq{dialect: db.dialect}
	cols, lo, hi := q.spanBounds(spans)
	// Officers' dates are compared with the spans as dates.
	cols = append(cols, spanCol{name: "dst", at: cols[0].at, date: true}, spanCol{name: "den", at: cols[1].at, date: true})
	kinds := make([]string, len(s.Kinds))
	for i, k := range s.Kinds {
		kinds[i] = string(k)
	}
	kl := q.list(kinds)
	var where strings.Builder
	if s.ForceID != "" {
		where.WriteString(" AND o.force_id = " + q.arg(s.ForceID))
	}
	if s.UnitID != "" {
		// Officers posted to the unit at any time in the period.
		where.WriteString(` AND EXISTS (SELECT 1 FROM postings ps WHERE ps.officer_id = o.id AND ps.unit_id = ` + q.arg(s.UnitID) + `
			AND ps.started_on < p.den AND (ps.ended_on IS NULL OR ps.ended_on >= p.dst))`)
	}
	// The officers who entered the system, and those dismissed, in each
	// period are found once each from the periods' cases, not looked for
	// officer by officer. CROSS JOIN fixes SQLite's join order: from the
	// periods' cases (or their final steps) to the officers they name.
	// Left to itself, inside this query SQLite read every subject held
	// for entered, and for dismissed built a temporary index over every
	// subject's outcome: a national database's worth of rows for one
	// force's year. PostgreSQL plans CROSS JOIN with the conditions in
	// WHERE as it would the inner joins.
	return `WITH ` + q.spanTable(cols...) + `,
			entered AS (SELECT DISTINCT p.i, s.officer_id
				FROM cases c CROSS JOIN allegations a CROSS JOIN subjects s CROSS JOIN p
				WHERE a.case_id = c.id AND s.allegation_id = a.id AND c.received_at >= p.st AND c.received_at < p.en
					AND c.kind IN ` + kl + ` AND c.received_at >= ` + lo + ` AND c.received_at < ` + hi + `),
			dismissed AS (SELECT DISTINCT p.i, s.officer_id
				FROM case_events e CROSS JOIN cases c CROSS JOIN allegations a CROSS JOIN subjects s CROSS JOIN p
				WHERE c.id = e.case_id AND a.case_id = c.id AND s.allegation_id = a.id AND e.at >= p.st AND e.at < p.en
					AND e.to_state = ` + q.arg(string(cases.Final)) + ` AND e.at >= ` + lo + ` AND e.at < ` + hi + `
					AND c.kind IN ` + kl + ` AND s.outcome = ` + q.arg(string(cases.SanctionDismissal)) + `)
		SELECT p.i, o.ethnicity, o.sex, COUNT(*),
			COALESCE(SUM(CASE WHEN (p.i, o.id) IN (SELECT i, officer_id FROM entered) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN (p.i, o.id) IN (SELECT i, officer_id FROM dismissed) THEN 1 ELSE 0 END), 0)
		FROM p JOIN officers o ON o.joined_on < p.den AND (o.left_on IS NULL OR o.left_on >= p.dst)
		WHERE 1 = 1` + where.String() + `
		GROUP BY p.i, o.ethnicity, o.sex ORDER BY p.i, o.ethnicity, o.sex`, q.args
}

// OfficerGroups implements measures.Source.
func (db *DB) OfficerGroups(ctx context.Context, s measures.Scope) ([]measures.GroupCounts, error) {
	gs, err := db.OfficerGroupsByPeriod(ctx, s, one(s))
	if err != nil {
		return nil, err
	}
	return gs[0], nil
}

// OfficerGroupsByPeriod implements measures.PeriodSource.
func (db *DB) OfficerGroupsByPeriod(ctx context.Context, s measures.Scope, spans []measures.Span) ([][]measures.GroupCounts, error) {
	text, args := db.officerGroupsSQL(s, spans)
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting officers by group: %w", err)
	}
	gs, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (g measures.GroupCounts, err error) {
		err = r.Scan(i, &g.Ethnicity, &g.Sex, &g.Officers, &g.Entered, &g.Dismissed)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting officers by group: %w", err)
	}
	return gs, nil
}

func (db *DB) speakUpSQL(spans []measures.Span) (counts string, cargs []any, dist string, dargs []any) {
	q := &mq{dialect: db.dialect}
	cols, lo, hi := q.spanBounds(spans)
	counts = `WITH ` + q.spanTable(cols...) + `
		SELECT p.i, r.category, COUNT(*),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM speakup_messages m WHERE m.report_id = r.id AND m.sender = 'guardian')
				THEN 1 ELSE 0 END), 0)
		FROM speakup_reports r JOIN p ON r.created_at >= p.st AND r.created_at < p.en
		WHERE r.created_at >= ` + lo + ` AND r.created_at < ` + hi + `
		GROUP BY p.i, r.category ORDER BY p.i, r.category`
	cargs = q.args
	q = &mq{dialect: db.dialect}
	cols, lo, hi = q.spanBounds(spans)
	inner := `SELECT p.i AS pi, 0 AS grp, ` + q.daysBetween("r.created_at", "f.first_at") + ` AS days
		FROM speakup_reports r JOIN (SELECT report_id, MIN(at) AS first_at FROM speakup_messages
			WHERE sender = 'guardian' GROUP BY report_id) f ON f.report_id = r.id
			JOIN p ON r.created_at >= p.st AND r.created_at < p.en
		WHERE r.created_at >= ` + lo + ` AND r.created_at < ` + hi
	return counts, cargs, `WITH ` + q.spanTable(cols...) + percentiles(inner), q.args
}

// SpeakUp implements measures.Source.
func (db *DB) SpeakUp(ctx context.Context, s measures.Scope) ([]measures.SpeakUpCounts, measures.Distribution, error) {
	fs, err := db.SpeakUpByPeriod(ctx, s, one(s))
	if err != nil {
		return nil, measures.Distribution{}, err
	}
	return fs[0].Counts, fs[0].Reply, nil
}

// SpeakUpByPeriod implements measures.PeriodSource.
func (db *DB) SpeakUpByPeriod(ctx context.Context, _ measures.Scope, spans []measures.Span) ([]measures.SpeakUpFigures, error) {
	counts, cargs, dist, dargs := db.speakUpSQL(spans)
	rows, err := db.reader(ctx).QueryContext(ctx, counts, cargs...)
	if err != nil {
		return nil, fmt.Errorf("counting speak-up reports: %w", err)
	}
	sc, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (c measures.SpeakUpCounts, err error) {
		err = r.Scan(i, &c.Category, &c.Received, &c.Replied)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting speak-up reports: %w", err)
	}
	if rows, err = db.reader(ctx).QueryContext(ctx, dist, dargs...); err != nil {
		return nil, fmt.Errorf("counting days to a first reply: %w", err)
	}
	ds, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (d measures.Distribution, err error) {
		var g int
		err = r.Scan(i, &g, &d.N, &d.Median, &d.P90)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting days to a first reply: %w", err)
	}
	out := make([]measures.SpeakUpFigures, len(spans))
	for i := range out {
		out[i].Counts = sc[i]
		if len(ds[i]) > 0 {
			out[i].Reply = ds[i][0]
		}
	}
	return out, nil
}

// eisSQL is EISFlagsByPeriod's four queries, each of (span, key, count)
// rows.
func (db *DB) eisSQL(s measures.Scope, spans []measures.Span) [4]struct {
	text string
	args []any
} {
	var out [4]struct {
		text string
		args []any
	}
	// Each body has its time column, the span table, the bounds and
	// the scope's conditions to fill, in that order.
	for i, body := range []string{
		`WITH %[2]s SELECT p.i, f.source, COUNT(*) FROM eis_flags f JOIN officers o ON o.id = f.officer_id
			JOIN p ON %[1]s >= p.st AND %[1]s < p.en
			WHERE %[1]s >= %[3]s AND %[1]s < %[4]s %[5]s GROUP BY p.i, f.source`,
		`WITH %[2]s SELECT p.i, 'first', COUNT(*) FROM (SELECT flag_id, MIN(at) AS first_at FROM eis_flag_notes GROUP BY flag_id) n
			JOIN eis_flags f ON f.id = n.flag_id JOIN officers o ON o.id = f.officer_id
			JOIN p ON %[1]s >= p.st AND %[1]s < p.en
			WHERE %[1]s >= %[3]s AND %[1]s < %[4]s %[5]s GROUP BY p.i`,
		`WITH %[2]s SELECT p.i, n.action, COUNT(*) FROM eis_flag_notes n JOIN eis_flags f ON f.id = n.flag_id
			JOIN officers o ON o.id = f.officer_id JOIN p ON %[1]s >= p.st AND %[1]s < p.en
			WHERE %[1]s >= %[3]s AND %[1]s < %[4]s %[5]s GROUP BY p.i, n.action`,
		`WITH %[2]s SELECT p.i, f.intervention, COUNT(DISTINCT f.id) FROM eis_flag_notes n JOIN eis_flags f ON f.id = n.flag_id
			JOIN officers o ON o.id = f.officer_id JOIN p ON %[1]s >= p.st AND %[1]s < p.en
			WHERE n.action = 'intervene' AND f.intervention <> '' AND %[1]s >= %[3]s AND %[1]s < %[4]s %[5]s
			GROUP BY p.i, f.intervention`,
	} {
		col := []string{"f.raised_at", "n.first_at", "n.at", "n.at"}[i]
		q := &mq{dialect: db.dialect}
		cols, lo, hi := q.spanBounds(spans)
		var where strings.Builder
		if s.ForceID != "" {
			where.WriteString(" AND o.force_id = " + q.arg(s.ForceID))
		}
		if s.UnitID != "" {
			where.WriteString(" AND f.unit_id = " + q.arg(s.UnitID))
		}
		out[i].text, out[i].args = fmt.Sprintf(body, col, q.spanTable(cols...), lo, hi, where.String()), q.args
	}
	return out
}

// EISFlags implements measures.Source.
func (db *DB) EISFlags(ctx context.Context, s measures.Scope) (measures.EISCounts, error) {
	es, err := db.EISFlagsByPeriod(ctx, s, one(s))
	if err != nil {
		return measures.EISCounts{}, err
	}
	return es[0], nil
}

// EISFlagsByPeriod implements measures.PeriodSource.
func (db *DB) EISFlagsByPeriod(ctx context.Context, s measures.Scope, spans []measures.Span) ([]measures.EISCounts, error) {
	out := make([]measures.EISCounts, len(spans))
	first := make([]map[string]int, len(spans))
	for i := range out {
		out[i] = measures.EISCounts{Raised: map[string]int{}, Decisions: map[string]int{}, Interventions: map[string]int{}}
		first[i] = map[string]int{}
	}
	for qi, q := range db.eisSQL(s, spans) {
		rows, err := db.reader(ctx).QueryContext(ctx, q.text, q.args...)
		if err != nil {
			return nil, fmt.Errorf("counting early-intervention flags: %w", err)
		}
		type kv struct {
			k string
			n int
		}
		kvs, err := byPeriod(len(spans), rows, func(r *sql.Rows, i *int) (x kv, err error) {
			err = r.Scan(i, &x.k, &x.n)
			return x, err
		})
		if err != nil {
			return nil, fmt.Errorf("counting early-intervention flags: %w", err)
		}
		for i, e := range out {
			into := []map[string]int{e.Raised, first[i], e.Decisions, e.Interventions}[qi]
			for _, x := range kvs[i] {
				into[x.k] += x.n
			}
		}
	}
	for i := range out {
		out[i].FirstReviewed = first[i]["first"]
	}
	return out, nil
}

// FirstRecord implements measures.Source.
func (db *DB) FirstRecord(ctx context.Context, f measures.Family, s measures.Scope) (time.Time, bool, error) {
	q := &mq{dialect: db.dialect}
	var text string
	switch f {
	case measures.FamilyCases:
		text = `SELECT c.received_at FROM cases c WHERE 1 = 1` + q.caseScope(s) + ` ORDER BY c.received_at LIMIT 1`
	case measures.FamilySpeakUp:
		text = `SELECT created_at FROM speakup_reports ORDER BY created_at LIMIT 1`
	case measures.FamilyEIS:
		text = `SELECT f.raised_at FROM eis_flags f JOIN officers o ON o.id = f.officer_id WHERE 1 = 1`
		if s.ForceID != "" {
			text += " AND o.force_id = " + q.arg(s.ForceID)
		}
		if s.UnitID != "" {
			text += " AND f.unit_id = " + q.arg(s.UnitID)
		}
		text += ` ORDER BY f.raised_at LIMIT 1`
	default:
		return time.Time{}, false, fmt.Errorf("unknown family of records %q", f)
	}
	var t time.Time
	err := db.reader(ctx).QueryRowContext(ctx, text, q.args...).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("finding the first %s record: %w", f, err)
	}
	return t.UTC(), true, nil
}

// CheckFilter implements measures.Source.
func (db *DB) CheckFilter(ctx context.Context, forceID, unitID string) error {
	var bad fault.Fields
	if forceID != "" {
		var n int
		if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM forces WHERE id = $1`, forceID).Scan(&n); err != nil {
			return fmt.Errorf("checking the force: %w", err)
		}
		if n == 0 {
			bad.Add("force", "is not a force on record")
		}
	}
	if unitID != "" {
		var force string
		err := db.reader(ctx).QueryRowContext(ctx, `SELECT force_id FROM units WHERE id = $1`, unitID).Scan(&force)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			bad.Add("unit", "is not a unit on record")
		case err != nil:
			return fmt.Errorf("checking the unit: %w", err)
		case forceID != "" && force != forceID:
			bad.Add("unit", "is not a unit of the force")
		}
	}
	return bad.Err("invalid filter")
}
