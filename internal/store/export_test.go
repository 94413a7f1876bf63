package store

import (
	"context"
	"database/sql"
)

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

// SealedColumnsForTest lists the columns key rotation reseals.
func SealedColumnsForTest() []string {
	var out []string
	for _, c := range sealedColumns {
		out = append(out, c.table+"."+c.column)
	}
	return out
}

// SealedColumnsInSchemaForTest lists every column whose name ends in
// _sealed.
func (db *DB) SealedColumnsInSchemaForTest(ctx context.Context) ([]string, error) {
	var q string
	if db.dialect == SQLite {
		q = `SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND p.name LIKE '%\_sealed' ESCAPE '\'`
	} else {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name LIKE '%\_sealed' ESCAPE '\'`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanString)
}

// scanString reads a row of one text column.
func scanString(rows *sql.Rows) (string, error) {
	var s string
	err := rows.Scan(&s)
	return s, err
}
