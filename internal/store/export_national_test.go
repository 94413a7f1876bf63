package store

import (
	"context"
	"fmt"
	"strings"
)

// CaseListCountCap is what the case list counts up to, as the cases page
// does, in the national benchmark.
const CaseListCountCap = 1000

// CaseListQueriesForTest is the SQL ListCases and CountCasesUpTo (up to
// CaseListCountCap) run for f, as a benchmark's baseline: on SQLite with
// text, the count of matches that chooses the list's shape, then the
// page's query, and the count's (with its own count of matches when the
// filter keeps cases with a deadline).
func (db *DB) CaseListQueriesForTest(ctx context.Context, f CaseFilter) ([]MeasureQuery, error) {
	var qs []MeasureQuery
	inOrder, err := db.textInOrder(ctx, f)
	if err != nil {
		return nil, err
	}
	if match, ok := db.textProbe(f); ok {
		qs = append(qs, MeasureQuery{Name: "text-matches", SQL: matchesUpToSQL, Args: []any{match, textScanFrom}})
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q, args, err := db.listCasesSQL(f, limit+1, inOrder)
	if err != nil {
		return nil, err
	}
	qs = append(qs, MeasureQuery{Name: "case-list", SQL: q, Args: db.plannedWithValues(args)})
	byDeadline, err := db.countByDeadline(ctx, f)
	if err != nil {
		return nil, err
	}
	if match, ok := db.countProbe(f); ok {
		qs = append(qs, MeasureQuery{Name: "text-matches-for-count", SQL: matchesUpToSQL, Args: []any{match, textScanFrom}})
	}
	if q, args, err = db.countCasesSQL(f, CaseListCountCap+1, byDeadline); err != nil {
		return nil, err
	}
	return append(qs, MeasureQuery{Name: "case-count", SQL: q, Args: db.plannedWithValues(args)}), nil
}

// SetTextScanFromForTest sets how many full-text matches make a SQLite list
// walk the order received, until the returned function puts it back.
func SetTextScanFromForTest(n int) (restore func()) {
	old := textScanFrom
	textScanFrom = n
	return func() { textScanFrom = old }
}

// CaseListPlansForTest is SQLite's plan of each query CaseListQueriesForTest
// gives for f, by name: the details of EXPLAIN QUERY PLAN, one a line.
func (db *DB) CaseListPlansForTest(ctx context.Context, f CaseFilter) (map[string]string, error) {
	if db.dialect != SQLite {
		return nil, fmt.Errorf("plans are read on SQLite only")
	}
	qs, err := db.CaseListQueriesForTest(ctx, f)
	if err != nil {
		return nil, err
	}
	plans := map[string]string{}
	for _, q := range qs {
		rows, err := db.read.DB.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.SQL, q.Args...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				rows.Close()
				return nil, err
			}
			lines = append(lines, detail)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		plans[q.Name] = strings.Join(lines, "\n")
	}
	return plans, nil
}
