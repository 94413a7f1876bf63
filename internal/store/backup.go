package store

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// BackupSQLite writes a copy of a SQLite database to dest while Probity
// keeps running. VACUUM INTO reads one snapshot of the database in one
// read transaction, so the copy is consistent (every committed
// transaction or none of it, the audit log with the records it covers)
// without stopping writers for longer than SQLite's own checkpointing
// would, and it is compact. dest must not exist.
func (db *DB) BackupSQLite(ctx context.Context, dest string) error {
	if db.dialect != SQLite {
		return errors.New("backing up: VACUUM INTO is SQLite's; PostgreSQL is backed up with pg_dump")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backing up to %s: the file exists; Probity does not overwrite a backup", dest)
	}
	// The read pool's connections are query_only, which refuses VACUUM
	// INTO although it writes only the new file: one connection is let
	// write for the copy, then put back as it was, or thrown away.
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backing up to %s: %w", dest, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return fmt.Errorf("backing up to %s: %w", dest, err)
	}
	_, verr := conn.ExecContext(ctx, `VACUUM INTO `+sqliteString(dest))
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	if verr != nil {
		os.Remove(dest)
		return fmt.Errorf("backing up to %s: %w", dest, verr)
	}
	return nil
}

// sqliteString quotes s as an SQL string literal: VACUUM INTO takes an
// expression, and a file name is not a bind parameter everywhere.
func sqliteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// CheckSQLiteFile opens a SQLite file and runs SQLite's integrity check
// on it, so that a damaged backup is refused before it replaces anything.
// Opening may set the file's journal mode, so it is run on the copy about
// to be put in place, never on the backup itself.
func CheckSQLiteFile(ctx context.Context, path string) error {
	db, err := Open(ctx, Location{Dialect: SQLite, Path: path}, Options{})
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	defer db.Close()
	var res string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("checking %s: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("checking %s: the file is damaged: %s", path, res)
	}
	return nil
}

// TableDigest sums up one table's rows: how many, and a hash of every
// row in a fixed order. Two databases of the same engine hold the same
// data when every table's digest matches.
type TableDigest struct {
	Table string
	Rows  int64
	Hash  string
}

// Digests sums up every table of the database, in the order of their
// names. It reads each table whole: it is for checking a restore, not for
// a request.
func (db *DB) Digests(ctx context.Context) ([]TableDigest, error) {
	tables, err := db.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TableDigest, 0, len(tables))
	for _, t := range tables {
		d, err := db.digest(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (db *DB) tableNames(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.dialect == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
			ORDER BY table_name`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("listing tables: %w", err)
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func (db *DB) digest(ctx context.Context, table string) (TableDigest, error) {
	d := TableDigest{Table: table}
	// Names come from the catalogue, not from a caller; quoted all the same.
	quoted := `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	probe, err := db.read.QueryContext(ctx, `SELECT * FROM `+quoted+` WHERE 1 = 0`)
	if err != nil {
		return d, fmt.Errorf("reading %s: %w", table, err)
	}
	cols, err := probe.Columns()
	probe.Close()
	if err != nil {
		return d, fmt.Errorf("reading %s: %w", table, err)
	}
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = strconv.Itoa(i + 1)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT * FROM `+quoted+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return d, fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	h := sha256.New()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return d, fmt.Errorf("reading %s: %w", table, err)
		}
		for _, v := range vals {
			fmt.Fprintf(h, "%T:%v\x1f", v, v)
		}
		h.Write([]byte{0x1e})
		d.Rows++
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("reading %s: %w", table, err)
	}
	d.Hash = hex.EncodeToString(h.Sum(nil))
	return d, nil
}
