package store

import "context"

// IndexesForTest lists the SQLite database's indexes that have a CREATE
// statement, by name.
func (db *DB) IndexesForTest(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanString)
}

// ForeignKeysForTest reads the SQLite writer connection's foreign_keys
// setting (1 on).
func (db *DB) ForeignKeysForTest(ctx context.Context) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&n)
	return n, err
}
