package store

import (
	"fmt"
	"strings"
)

// CaseListQueriesForTest is the SQL ListCases and CountCases run for f, as
// a benchmark's baseline: the page's query and its count.
func (db *DB) CaseListQueriesForTest(f CaseFilter) (list, count MeasureQuery, err error) {
	var largs []any
	larg := func(v any) string { largs = append(largs, v); return fmt.Sprintf("$%d", len(largs)) }
	where, err := db.caseListWhere(f, larg)
	if err != nil {
		return list, count, err
	}
	key, desc, err := f.sortKey(larg)
	if err != nil {
		return list, count, err
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	q := `SELECT c.id, c.reference, c.kind, c.state, COALESCE(c.unit_id, ''), c.received_at, c.restricted, c.next_due_at, c.next_due_clock FROM cases c`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + key + " " + dir + ", c.id LIMIT " + larg(51)
	list = MeasureQuery{Name: "case-list", SQL: q, Args: largs}

	var cargs []any
	carg := func(v any) string { cargs = append(cargs, v); return fmt.Sprintf("$%d", len(cargs)) }
	where, err = db.caseListWhere(f, carg)
	if err != nil {
		return list, count, err
	}
	cq := `SELECT COUNT(*) FROM cases c`
	if len(where) > 0 {
		cq += " WHERE " + strings.Join(where, " AND ")
	}
	count = MeasureQuery{Name: "case-count", SQL: cq, Args: cargs}
	return list, count, nil
}
