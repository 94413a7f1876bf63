package store

import "context"

// OpenSQLiteWithParamsForTest opens a SQLite database with more DSN
// parameters after Probity's own, e.g. "&vfs=NAME" or
// "&_pragma=synchronous(NORMAL)".
func OpenSQLiteWithParamsForTest(ctx context.Context, path string, opt Options, params string) (*DB, error) {
	opt.sqliteParams = params
	return Open(ctx, Location{Dialect: SQLite, Path: path}, opt)
}

// SynchronousForTest reads the writer connection's synchronous setting
// (2 is FULL, 1 NORMAL).
func (db *DB) SynchronousForTest(ctx context.Context) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n)
	return n, err
}

// SetWriterPragmaForTest sets a pragma ("name = value") on SQLite's
// writer, whose one connection stays open for the database's life.
func (db *DB) SetWriterPragmaForTest(ctx context.Context, pragma string) error {
	_, err := db.write.ExecContext(ctx, "PRAGMA "+pragma)
	return err
}
