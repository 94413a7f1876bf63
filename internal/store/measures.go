package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

var _ measures.Source = (*DB)(nil)

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
	finNow := q.list(states(finalisedStates...))
	return `WITH m AS (
		SELECT e.case_id,
			MIN(CASE WHEN e.to_state IN ` + logged + ` THEN e.at END) AS logged_at,
			MIN(CASE WHEN e.to_state = ` + contact + ` THEN e.at END) AS contact_at,
			MIN(CASE WHEN e.to_state IN ` + fin + ` THEN e.at END) AS fin_at,
			MAX(` + route + `) AS route,
			MAX(CASE WHEN e.to_state = ` + recorded + ` THEN 1 ELSE 0 END) AS recorded
		FROM case_events e
		WHERE e.to_state <> '' AND e.case_id IN (SELECT c.id FROM cases c WHERE 1 = 1` + scope + `)
		GROUP BY e.case_id),
	k AS (
		SELECT c.id, c.kind, c.received_at, m.logged_at, m.contact_at,
			COALESCE(m.fin_at, CASE WHEN c.state IN ` + finNow + ` THEN c.updated_at END) AS fin_at,
			CASE WHEN m.route >= 2 THEN m.route WHEN m.route = 1 AND m.recorded = 0 THEN 1 ELSE 0 END AS route
		FROM cases c LEFT JOIN m ON m.case_id = c.id
		WHERE 1 = 1` + scope + `)`
}

// finalisations is the WITH clause naming k with what the stock measures
// (open cases, backlog) need of each case in scope: its receipt and when
// it was finalised, as milestones gives them, reading no other step.
func (q *mq) finalisations(s measures.Scope, only string) string {
	scope := q.caseScope(s) + only
	fin := q.list(states(finalisedStates...))
	return `WITH m AS (
		SELECT e.case_id, MIN(CASE WHEN e.to_state IN ` + fin + ` THEN e.at END) AS fin_at
		FROM case_events e
		WHERE e.to_state <> '' AND e.case_id IN (SELECT c.id FROM cases c WHERE 1 = 1` + scope + `)
		GROUP BY e.case_id),
	k AS (
		SELECT c.id, c.received_at,
			COALESCE(m.fin_at, CASE WHEN c.state IN ` + fin + ` THEN c.updated_at END) AS fin_at
		FROM cases c LEFT JOIN m ON m.case_id = c.id
		WHERE 1 = 1` + scope + `)`
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
// open nor finalised at t or after, so its timeline need not be read.
func (q *mq) notFinalisedBefore(t string) string {
	return ` AND c.id NOT IN (SELECT r.case_id FROM case_events r WHERE r.to_state IN ` + q.list(states(finalisedStates...)) +
		` AND r.at < ` + t + `)`
}

// finalisedIn narrows cases (alias c) to those that may have been
// finalised within [st, en): a finalised state entered in the span, or,
// for a case whose timeline lacks one, a finalised present state last
// updated in it (finalRule).
func (q *mq) finalisedIn(st, en string) string {
	return ` AND (c.id IN (SELECT r.case_id FROM case_events r WHERE r.to_state IN ` + q.list(states(finalisedStates...)) +
		` AND r.at >= ` + st + ` AND r.at < ` + en + `) OR (c.state IN ` + q.list(states(finalisedStates...)) +
		` AND c.updated_at >= ` + st + ` AND c.updated_at < ` + en + `))`
}

// percentiles wraps a query of (grp, days) rows into one row per group:
// grp, n, the median and the 90th percentile by the nearest-rank rule.
func percentiles(inner string) string {
	return `, d AS (` + inner + `),
	r AS (SELECT grp, days, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY days) AS rn,
		COUNT(*) OVER (PARTITION BY grp) AS n FROM d)
	SELECT grp, n, MAX(CASE WHEN rn = (50 * n + 99) / 100 THEN days END),
		MAX(CASE WHEN rn = (90 * n + 99) / 100 THEN days END)
	FROM r GROUP BY grp, n ORDER BY grp`
}

var routeCodes = []string{measures.RouteNone, measures.RouteOutside, measures.RouteOtherwise,
	measures.RouteLocal, measures.RouteDirected, measures.RouteIndependent}

// caseDurationsSQL is CaseDurations' query.
func (db *DB) caseDurationsSQL(s measures.Scope, ms measures.Milestone) (string, []any, error) {
	q := &mq{dialect: db.dialect}
	st, en := q.arg(s.Start), q.arg(s.End)
	var col, grp, only string
	switch ms {
	case measures.Logged:
		col, grp = "k.logged_at", "0"
		only = q.reachedIn(states(cases.LoggedOutsideSch3, cases.RecordedSch3), st, en)
	case measures.FirstContact:
		col, grp = "k.contact_at", "0"
		only = q.reachedIn(states(cases.InitialContact), st, en)
	case measures.Finalised:
		col, grp = "k.fin_at", "k.route"
		only = q.finalisedIn(st, en)
	default:
		return "", nil, fmt.Errorf("unknown milestone %q", ms)
	}
	w := q.milestones(s, only)
	inner := fmt.Sprintf(`SELECT %s AS grp, %s AS days FROM k WHERE k.kind = %s AND %s >= %s AND %s < %s`,
		grp, q.daysBetween("k.received_at", col), q.arg(string(cases.Complaint)), col, st, col, en)
	return w + percentiles(inner), q.args, nil
}

// CaseDurations implements measures.Source.
func (db *DB) CaseDurations(ctx context.Context, s measures.Scope, ms measures.Milestone) ([]measures.Distribution, error) {
	text, args, err := db.caseDurationsSQL(s, ms)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting days to %s: %w", ms, err)
	}
	return collect(rows, func(r *sql.Rows) (d measures.Distribution, err error) {
		var g int
		err = r.Scan(&g, &d.N, &d.Median, &d.P90)
		if ms == measures.Finalised && g >= 0 && g < len(routeCodes) {
			d.Group = routeCodes[g]
		}
		return d, err
	})
}

func (db *DB) openCasesSQL(s measures.Scope, at time.Time, cutoffs []time.Time) (string, []any) {
	q := &mq{dialect: db.dialect}
	a := q.arg(at)
	w := q.finalisations(s, " AND c.received_at < "+a+q.notFinalisedBefore(a))
	var sums []string
	prev := ""
	for _, c := range cutoffs {
		p := q.arg(c)
		cond := "k.received_at >= " + p
		if prev != "" {
			cond += " AND k.received_at < " + prev
		}
		sums = append(sums, "COALESCE(SUM(CASE WHEN "+cond+" THEN 1 ELSE 0 END), 0)")
		prev = p
	}
	sums = append(sums, "COALESCE(SUM(CASE WHEN k.received_at < "+prev+" THEN 1 ELSE 0 END), 0)")
	return w + ` SELECT ` + strings.Join(sums, ", ") + ` FROM k
		WHERE k.received_at < ` + a + ` AND (k.fin_at IS NULL OR k.fin_at >= ` + a + `)`, q.args
}

// OpenCases implements measures.Source.
func (db *DB) OpenCases(ctx context.Context, s measures.Scope, at time.Time, cutoffs []time.Time) ([]int, error) {
	if len(cutoffs) == 0 {
		return nil, errors.New("counting open cases: no age bands")
	}
	text, args := db.openCasesSQL(s, at, cutoffs)
	counts := make([]int, len(cutoffs)+1)
	ptrs := make([]any, len(counts))
	for i := range counts {
		ptrs[i] = &counts[i]
	}
	if err := db.reader(ctx).QueryRowContext(ctx, text, args...).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("counting open cases: %w", err)
	}
	return counts, nil
}

func (db *DB) backlogSQL(s measures.Scope) (string, []any) {
	q := &mq{dialect: db.dialect}
	st, en := q.arg(s.Start), q.arg(s.End)
	// A case finalised before the period counts in none of the four.
	w := q.finalisations(s, q.notFinalisedBefore(st))
	open := func(t string) string {
		return "COALESCE(SUM(CASE WHEN k.received_at < " + t + " AND (k.fin_at IS NULL OR k.fin_at >= " + t + ") THEN 1 ELSE 0 END), 0)"
	}
	within := func(col string) string {
		return "COALESCE(SUM(CASE WHEN " + col + " >= " + st + " AND " + col + " < " + en + " THEN 1 ELSE 0 END), 0)"
	}
	return w + ` SELECT ` + open(st) + `, ` + within("k.received_at") + `, ` + within("k.fin_at") + `, ` + open(en) + ` FROM k`, q.args
}

// Backlog implements measures.Source.
func (db *DB) Backlog(ctx context.Context, s measures.Scope) (measures.Backlog, error) {
	text, args := db.backlogSQL(s)
	var b measures.Backlog
	err := db.reader(ctx).QueryRowContext(ctx, text, args...).Scan(&b.OpenAtStart, &b.Received, &b.Finalised, &b.OpenAtEnd)
	if err != nil {
		return b, fmt.Errorf("counting the backlog: %w", err)
	}
	return b, nil
}

// Findings that count as a case to answer, and as upheld (measures'
// allegation-outcomes definition).
var (
	caseToAnswerFindings = []string{cases.FindingCaseToAnswer, cases.SeverityMisconduct, cases.SeverityGrossMisconduct}
	upheldFindings       = []string{"service_not_acceptable", cases.SeverityMisconduct, cases.SeverityGrossMisconduct}
)

func (db *DB) outcomesSQL(s measures.Scope) (string, []any) {
	q := &mq{dialect: db.dialect}
	cta, up := q.list(caseToAnswerFindings), q.list(upheldFindings)
	st, en := q.arg(s.Start), q.arg(s.End)
	w := q.milestones(s, q.finalisedIn(st, en))
	// CROSS JOIN keeps SQLite's join order: from the few cases finalised
	// in the period to their allegations, rather than from every
	// allegation to its case (twice as slow on the demo force).
	// PostgreSQL plans it as an inner join.
	// An allegation with no category (a conduct matter classified by
	// the standards alone) is counted under '' so the totals still add up.
	return w + ` SELECT x.category, COALESCE(MIN(cc.name), x.category), COUNT(*), COALESCE(SUM(x.cta), 0), COALESCE(SUM(x.up), 0),
			COALESCE(SUM(x.da), 0), COALESCE(SUM(x.da * x.cta), 0), COALESCE(SUM(x.da * x.up), 0)
		FROM (SELECT a.id, COALESCE(a.category, '') AS category, a.taxonomy_version,
				MAX(CASE WHEN a.domestic_abuse THEN 1 ELSE 0 END) AS da,
				MAX(CASE WHEN s.finding IN ` + cta + ` THEN 1 ELSE 0 END) AS cta,
				MAX(CASE WHEN s.finding IN ` + up + ` THEN 1 ELSE 0 END) AS up
			FROM k CROSS JOIN allegations a JOIN subjects s ON s.allegation_id = a.id
			WHERE a.case_id = k.id AND k.fin_at >= ` + st + ` AND k.fin_at < ` + en + `
			GROUP BY a.id, a.category, a.taxonomy_version) x
		LEFT JOIN complaint_categories cc ON cc.taxonomy_version = x.taxonomy_version AND cc.code = x.category
		GROUP BY x.category ORDER BY x.category`, q.args
}

// AllegationOutcomes implements measures.Source.
func (db *DB) AllegationOutcomes(ctx context.Context, s measures.Scope) ([]measures.OutcomeCounts, error) {
	text, args := db.outcomesSQL(s)
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting allegation outcomes: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (o measures.OutcomeCounts, err error) {
		err = r.Scan(&o.Category, &o.Name, &o.Allegations, &o.CaseToAnswer, &o.Upheld,
			&o.FlaggedAllegations, &o.FlaggedCaseToAnswer, &o.FlaggedUpheld)
		return o, err
	})
}

func (db *DB) repeatSQL(s measures.Scope) (string, []any) {
	q := &mq{dialect: db.dialect}
	var rank strings.Builder
	rank.WriteString("CASE s.outcome")
	for i, o := range measures.SanctionOrder {
		if o != "" {
			fmt.Fprintf(&rank, " WHEN %s THEN %d", q.arg(o), i)
		}
	}
	rank.WriteString(" ELSE 0 END")
	scope := q.caseScope(s)
	// From the force's cases received in the span to the officers they
	// name: one row per officer and case, then per officer.
	return `SELECT x.n, x.worst, COUNT(*) FROM (
			SELECT y.officer_id, CASE WHEN COUNT(*) >= 3 THEN 3 ELSE COUNT(*) END AS n, MAX(y.worst) AS worst
			FROM (SELECT s.officer_id, c.id, MAX(` + rank.String() + `) AS worst
				FROM cases c JOIN allegations a ON a.case_id = c.id JOIN subjects s ON s.allegation_id = a.id
				WHERE c.received_at >= ` + q.arg(s.Start) + ` AND c.received_at < ` + q.arg(s.End) + scope + `
				GROUP BY s.officer_id, c.id) y
			GROUP BY y.officer_id) x
		GROUP BY x.n, x.worst ORDER BY x.n, x.worst`, q.args
}

// RepeatSubjects implements measures.Source.
func (db *DB) RepeatSubjects(ctx context.Context, s measures.Scope) ([]measures.RepeatCounts, error) {
	text, args := db.repeatSQL(s)
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting repeat subjects: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (rc measures.RepeatCounts, err error) {
		var w int
		err = r.Scan(&rc.Cases, &w, &rc.Officers)
		if w >= 0 && w < len(measures.SanctionOrder) {
			rc.Worst = measures.SanctionOrder[w]
		}
		return rc, err
	})
}

func (db *DB) officerGroupsSQL(s measures.Scope) (string, []any) {
	q := &mq{dialect: db.dialect}
	st, en := q.arg(s.Start), q.arg(s.End)
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
		where.WriteString(` AND EXISTS (SELECT 1 FROM postings p WHERE p.officer_id = o.id AND p.unit_id = ` + q.arg(s.UnitID) + `
			AND p.started_on < ` + en + ` AND (p.ended_on IS NULL OR p.ended_on >= ` + st + `))`)
	}
	// The officers who entered the system, and those dismissed, in the
	// period are found once each from the period's cases, not looked for
	// officer by officer.
	return `WITH entered AS (SELECT s.officer_id FROM cases c JOIN allegations a ON a.case_id = c.id
				JOIN subjects s ON s.allegation_id = a.id
				WHERE c.kind IN ` + kl + ` AND c.received_at >= ` + st + ` AND c.received_at < ` + en + `),
			dismissed AS (SELECT s.officer_id FROM case_events e JOIN cases c ON c.id = e.case_id
				JOIN allegations a ON a.case_id = c.id JOIN subjects s ON s.allegation_id = a.id
				WHERE e.to_state = ` + q.arg(string(cases.Final)) + ` AND e.at >= ` + st + ` AND e.at < ` + en + `
					AND c.kind IN ` + kl + ` AND s.outcome = ` + q.arg(string(cases.SanctionDismissal)) + `)
		SELECT o.ethnicity, o.sex, COUNT(*),
			COALESCE(SUM(CASE WHEN o.id IN (SELECT officer_id FROM entered) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN o.id IN (SELECT officer_id FROM dismissed) THEN 1 ELSE 0 END), 0)
		FROM officers o
		WHERE o.joined_on < ` + en + ` AND (o.left_on IS NULL OR o.left_on >= ` + st + `)` + where.String() + `
		GROUP BY o.ethnicity, o.sex ORDER BY o.ethnicity, o.sex`, q.args
}

// OfficerGroups implements measures.Source.
func (db *DB) OfficerGroups(ctx context.Context, s measures.Scope) ([]measures.GroupCounts, error) {
	text, args := db.officerGroupsSQL(s)
	rows, err := db.reader(ctx).QueryContext(ctx, text, args...)
	if err != nil {
		return nil, fmt.Errorf("counting officers by group: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (g measures.GroupCounts, err error) {
		err = r.Scan(&g.Ethnicity, &g.Sex, &g.Officers, &g.Entered, &g.Dismissed)
		return g, err
	})
}

func (db *DB) speakUpSQL(s measures.Scope) (counts string, cargs []any, dist string, dargs []any) {
	q := &mq{dialect: db.dialect}
	counts = `SELECT r.category, COUNT(*),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM speakup_messages m WHERE m.report_id = r.id AND m.sender = 'guardian')
				THEN 1 ELSE 0 END), 0)
		FROM speakup_reports r WHERE r.created_at >= ` + q.arg(s.Start) + ` AND r.created_at < ` + q.arg(s.End) + `
		GROUP BY r.category ORDER BY r.category`
	cargs = q.args
	q = &mq{dialect: db.dialect}
	inner := `SELECT 0 AS grp, ` + q.daysBetween("r.created_at", "f.first_at") + ` AS days
		FROM speakup_reports r JOIN (SELECT report_id, MIN(at) AS first_at FROM speakup_messages
			WHERE sender = 'guardian' GROUP BY report_id) f ON f.report_id = r.id
		WHERE r.created_at >= ` + q.arg(s.Start) + ` AND r.created_at < ` + q.arg(s.End)
	return counts, cargs, `WITH z AS (SELECT 1 AS one)` + percentiles(inner), q.args
}

// SpeakUp implements measures.Source.
func (db *DB) SpeakUp(ctx context.Context, s measures.Scope) ([]measures.SpeakUpCounts, measures.Distribution, error) {
	counts, cargs, dist, dargs := db.speakUpSQL(s)
	var d measures.Distribution
	rows, err := db.reader(ctx).QueryContext(ctx, counts, cargs...)
	if err != nil {
		return nil, d, fmt.Errorf("counting speak-up reports: %w", err)
	}
	sc, err := collect(rows, func(r *sql.Rows) (c measures.SpeakUpCounts, err error) {
		err = r.Scan(&c.Category, &c.Received, &c.Replied)
		return c, err
	})
	if err != nil {
		return nil, d, fmt.Errorf("counting speak-up reports: %w", err)
	}
	var g int
	err = db.reader(ctx).QueryRowContext(ctx, dist, dargs...).Scan(&g, &d.N, &d.Median, &d.P90)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, d, fmt.Errorf("counting days to a first reply: %w", err)
	}
	return sc, d, nil
}

// eisSQL is EISFlags' four queries, each of (key, count) rows.
func (db *DB) eisSQL(s measures.Scope) [4]struct {
	text string
	args []any
} {
	var out [4]struct {
		text string
		args []any
	}
	for i, body := range []string{
		`SELECT f.source, COUNT(*) FROM eis_flags f JOIN officers o ON o.id = f.officer_id
			WHERE f.raised_at >= $1 AND f.raised_at < $2 %s GROUP BY f.source`,
		`SELECT 'first', COUNT(*) FROM (SELECT flag_id, MIN(at) AS first_at FROM eis_flag_notes GROUP BY flag_id) n
			JOIN eis_flags f ON f.id = n.flag_id JOIN officers o ON o.id = f.officer_id
			WHERE n.first_at >= $1 AND n.first_at < $2 %s`,
		`SELECT n.action, COUNT(*) FROM eis_flag_notes n JOIN eis_flags f ON f.id = n.flag_id JOIN officers o ON o.id = f.officer_id
			WHERE n.at >= $1 AND n.at < $2 %s GROUP BY n.action`,
		`SELECT f.intervention, COUNT(DISTINCT f.id) FROM eis_flag_notes n JOIN eis_flags f ON f.id = n.flag_id
			JOIN officers o ON o.id = f.officer_id
			WHERE n.action = 'intervene' AND f.intervention <> '' AND n.at >= $1 AND n.at < $2 %s GROUP BY f.intervention`,
	} {
		q := &mq{dialect: db.dialect}
		q.arg(s.Start)
		q.arg(s.End)
		var where strings.Builder
		if s.ForceID != "" {
			where.WriteString(" AND o.force_id = " + q.arg(s.ForceID))
		}
		if s.UnitID != "" {
			where.WriteString(" AND f.unit_id = " + q.arg(s.UnitID))
		}
		out[i].text, out[i].args = fmt.Sprintf(body, where.String()), q.args
	}
	return out
}

// EISFlags implements measures.Source.
func (db *DB) EISFlags(ctx context.Context, s measures.Scope) (measures.EISCounts, error) {
	e := measures.EISCounts{Raised: map[string]int{}, Decisions: map[string]int{}, Interventions: map[string]int{}}
	first := map[string]int{}
	for i, q := range db.eisSQL(s) {
		into := []map[string]int{e.Raised, first, e.Decisions, e.Interventions}[i]
		rows, err := db.reader(ctx).QueryContext(ctx, q.text, q.args...)
		if err != nil {
			return e, fmt.Errorf("counting early-intervention flags: %w", err)
		}
		type kv struct {
			k string
			n int
		}
		kvs, err := collect(rows, func(r *sql.Rows) (x kv, err error) {
			err = r.Scan(&x.k, &x.n)
			return x, err
		})
		if err != nil {
			return e, fmt.Errorf("counting early-intervention flags: %w", err)
		}
		for _, x := range kvs {
			into[x.k] += x.n
		}
	}
	e.FirstReviewed = first["first"]
	return e, nil
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
