package store

import "context"

// MigrateToForTest applies the migrations up to and including version v,
// and nothing else (no reference data), so a test can write rows as an
// older Probity would have and then watch a later migration change them.
func (db *DB) MigrateToForTest(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, v)
	return err
}

// CaseDutyColumnsForTest reads, as stored, the columns migration 00013
// added or recomputed.
func (db *DB) CaseDutyColumnsForTest(ctx context.Context, id string) (ruleSet, handling, referral string, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT rule_set, handling_ground, referral_ground FROM cases WHERE id = $1`, id).
		Scan(&ruleSet, &handling, &referral)
	return
}

// CaseKindForTest reads a case's kind as stored.
func (db *DB) CaseKindForTest(ctx context.Context, id string) (kind string, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT kind FROM cases WHERE id = $1`, id).Scan(&kind)
	return
}
