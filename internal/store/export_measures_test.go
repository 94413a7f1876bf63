package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/measures"
)

// ExecForTest runs a statement on the writer, for fixtures the public
// methods cannot date freely (speak-up reports, flag reviews).
func (db *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := db.write.ExecContext(ctx, q, args...)
	return err
}

// MeasureQuery is one of the queries of the measure Name: its text and
// arguments.
type MeasureQuery struct {
	Name string
	SQL  string
	Args []any
}

// MeasureQueriesForTest lists the SQL every measure runs for scope s
// (at the end of the period; s.Kinds all kinds), as Service.Compute
// would for each measure, so that a benchmark can run the same SQL
// directly as its baseline.
func (db *DB) MeasureQueriesForTest(s measures.Scope) []MeasureQuery {
	var out []MeasureQuery
	add := func(name, q string, args []any) { out = append(out, MeasureQuery{name, q, args}) }
	span := one(s)
	complaints := s
	complaints.Kinds = []cases.Kind{cases.Complaint}
	for i, m := range []measures.Milestone{measures.Logged, measures.FirstContact, measures.Finalised} {
		q, a, _ := db.caseDurationsSQL(complaints, span, m)
		add([]string{"days-to-log", "days-to-first-contact", "days-to-finalise"}[i], q, a)
	}
	at := s.End
	q, a, _ := db.openCasesSQL(s, span, [][]time.Time{{at.AddDate(0, -3, 0), at.AddDate(0, -6, 0), at.AddDate(0, -12, 0)}})
	add("open-by-age", q, a)
	q, a = db.backlogSQL(s, span)
	add("backlog", q, a)
	q, a = db.outcomesSQL(s, span)
	add("allegation-outcomes", q, a)
	q, a = db.repeatSQL(s, []measures.Span{{Start: at.AddDate(-5, 0, 0), End: at}})
	add("repeat-subjects", q, a)
	g := s
	g.Kinds = []cases.Kind{cases.ConductMatter, cases.RecordableConduct}
	q, a = db.officerGroupsSQL(g, span)
	add("disproportionality", q, a)
	c, ca, d, da := db.speakUpSQL(span)
	add("speakup", c, ca)
	add("speakup", d, da)
	for _, e := range db.eisSQL(s, span) {
		add("eis-flags", e.text, e.args)
	}
	return out
}

// ReaderForTest is the reader pool, for baselines that bypass the store.
func (db *DB) ReaderForTest() *sql.DB { return db.read.DB }

// BulkForTest runs fn's statements in one write transaction, for
// benchmark fixtures of many rows.
func (db *DB) BulkForTest(ctx context.Context, fn func(exec func(q string, args ...any) error) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	err = fn(func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// MigrateDownToForTest undoes every migration after version v.
func (db *DB) MigrateDownToForTest(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// FinalisedStates are the states the measures count as finalised.
var FinalisedStates = finalisedStates

// FinalisedAt reads the first-finalisation time kept on a case.
func (db *DB) FinalisedAt(ctx context.Context, caseID string) (sql.NullTime, error) {
	var at sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT finalised_at FROM cases WHERE id = $1`, caseID).Scan(&at)
	return at, err
}
