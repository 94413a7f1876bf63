package store

import "context"

// ReferenceTally counts the reference data loaded into a database.
type ReferenceTally struct {
	Categories, Subcategories, Standards, RuleSets int
}

// ReferenceCounts tallies the loaded reference data.
func (db *DB) ReferenceCounts(ctx context.Context) (ReferenceTally, error) {
	var t ReferenceTally
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM complaint_categories),
		(SELECT COUNT(*) FROM complaint_subcategories),
		(SELECT COUNT(*) FROM conduct_standards),
		(SELECT COUNT(*) FROM rule_sets)`).Scan(&t.Categories, &t.Subcategories, &t.Standards, &t.RuleSets)
	return t, err
}
