package store

import "context"

// ForceSchemaVersionForTest pretends a newer Probity migrated the database.
func (db *DB) ForceSchemaVersionForTest(ctx context.Context, v int64) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, v)
	return err
}

// RawPersonColumnsForTest returns the sealed columns as stored.
func (db *DB) RawPersonColumnsForTest(ctx context.Context, id string) ([]string, error) {
	var a, b, c, d string
	err := db.read.QueryRowContext(ctx, `SELECT name_sealed, email_sealed, phone_sealed, address_sealed FROM people WHERE id = $1`, id).
		Scan(&a, &b, &c, &d)
	return []string{a, b, c, d}, err
}
