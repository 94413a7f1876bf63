package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/probity/probity/internal/cases"
)

// NationalReturnCounts counts the allegations of complaints received in
// [from, to), in one force when forceID is set, by the taxonomy version,
// category and sub-category they were recorded under, with how many of
// each are flagged as domestic abuse. Conduct matters are not part of the
// complaints return. cases.BuildNationalReturn turns the counts into the
// return's lines.
func (db *DB) NationalReturnCounts(ctx context.Context, forceID string, from, to time.Time) ([]cases.CategoryCount, error) {
	q := `SELECT a.taxonomy_version, COALESCE(a.category, ''), COALESCE(a.subcategory, ''), COUNT(*),
			COALESCE(SUM(CASE WHEN a.domestic_abuse THEN 1 ELSE 0 END), 0)
		FROM cases c JOIN allegations a ON a.case_id = c.id
		WHERE c.kind = $1 AND c.received_at >= $2 AND c.received_at < $3`
	args := []any{string(cases.Complaint), from.UTC(), to.UTC()}
	if forceID != "" {
		q += ` AND c.force_id = $4`
		args = append(args, forceID)
	}
	q += ` GROUP BY a.taxonomy_version, COALESCE(a.category, ''), COALESCE(a.subcategory, '')
		ORDER BY a.taxonomy_version, COALESCE(a.category, ''), COALESCE(a.subcategory, '')`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("counting allegations for the national return: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (n cases.CategoryCount, err error) {
		err = r.Scan(&n.TaxonomyVersion, &n.Category, &n.Subcategory, &n.Allegations, &n.DomesticAbuse)
		return n, err
	})
}
