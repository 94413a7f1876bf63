package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/probity/probity/internal/fault"
)

func TestNoSpaceErrorsAreClassified(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"PostgreSQL disk_full", fmt.Errorf("committing: %w", &pgconn.PgError{Code: "53100", Message: "could not extend file"}), true},
		{"PostgreSQL unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"PostgreSQL out of memory", &pgconn.PgError{Code: "53200"}, false},
		{"ENOSPC from a write", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, true},
		{"EFBIG from a file-size limit", fmt.Errorf("writing: %w", syscall.EFBIG), true},
		{"EIO", &fs.PathError{Op: "write", Path: "x", Err: syscall.EIO}, false},
		{"plain", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := noSpaceError(tc.err)
			if got := fault.Is(err, fault.NoSpace); got != tc.want {
				t.Fatalf("NoSpace = %v, want %v (%v)", got, tc.want, err)
			}
			if !errors.Is(err, tc.err) {
				t.Error("the cause is not kept for the log")
			}
			if tc.want && fault.Message(err) != noSpaceMessage {
				t.Errorf("message %q", fault.Message(err))
			}
		})
	}
	if noSpaceError(nil) != nil {
		t.Error("nil is not nil")
	}
}

// SQLite's own SQLITE_FULL, raised for real by a page limit, comes out of
// InTx as NoSpace, and the transaction is rolled back: the database takes
// writes again once the limit is lifted.
func TestSQLiteFullIsNoSpace(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Location{Dialect: SQLite, Path: filepath.Join(t.TempDir(), "full.db")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The writer pool holds one connection, so the limit stays on it.
	if _, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	insert := func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO filler VALUES (randomblob(1000000))`)
		return err
	}
	err = db.InTx(ctx, insert)
	if !fault.Is(err, fault.NoSpace) {
		t.Fatalf("a full database gave %v, want NoSpace", err)
	}
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM filler`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows after a failed write (%v)", n, err)
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, insert); err != nil {
		t.Fatalf("after space returned: %v", err)
	}
}
