package store

import (
	"context"
	"database/sql"
)

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

// JournalModeForTest reads the SQLite writer connection's journal mode.
func (db *DB) JournalModeForTest(ctx context.Context) (string, error) {
	var mode string
	err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	return mode, err
}

// JournalModeForTest reads the journal mode in the transaction.
func (tx *Tx) JournalModeForTest(ctx context.Context) (string, error) {
	var mode string
	err := tx.tx.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	return mode, err
}

// ReadingForTest holds a reader connection inside a read transaction
// until release is called.
func (db *DB) ReadingForTest(ctx context.Context) (release func(), err error) {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		conn.Close()
		return nil, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM forces`).Scan(&n); err != nil {
		tx.Rollback()
		conn.Close()
		return nil, err
	}
	return func() { tx.Rollback(); conn.Close() }, nil
}

// IntegrityForTest runs SQLite's integrity check, "ok" when it passes.
func (db *DB) IntegrityForTest(ctx context.Context) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&s)
	return s, err
}
