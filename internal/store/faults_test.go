package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/probity/probity/internal/fault"
)

func TestDatabaseErrorsAreClassified(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: &fs.PathError{Op: "connect", Err: syscall.ECONNREFUSED}}
	for _, tc := range []struct {
		name string
		err  error
		want fault.Kind // Internal: passed through unchanged
		msg  string
	}{
		{"PostgreSQL disk_full", fmt.Errorf("committing: %w", &pgconn.PgError{Code: "53100", Message: "could not extend file"}), fault.NoSpace, noSpaceMessage},
		{"ENOSPC from a write", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, fault.NoSpace, noSpaceMessage},
		{"EFBIG from a file-size limit", fmt.Errorf("writing: %w", syscall.EFBIG), fault.NoSpace, noSpaceMessage},
		{"connection refused", &pgconn.ConnectError{}, fault.Unavailable, unavailableMessage},
		{"dial refused, bare", dial, fault.Unavailable, unavailableMessage},
		{"connection exception 08006", &pgconn.PgError{Code: "08006"}, fault.Unavailable, unavailableMessage},
		{"terminated backend 57P01", fmt.Errorf("reading: %w", &pgconn.PgError{Code: "57P01", Severity: "FATAL"}), fault.Unavailable, unavailableMessage},
		{"crash shutdown 57P02", &pgconn.PgError{Code: "57P02"}, fault.Unavailable, unavailableMessage},
		{"starting up 57P03", &pgconn.PgError{Code: "57P03"}, fault.Unavailable, unavailableMessage},
		{"too many connections 53300", &pgconn.PgError{Code: "53300"}, fault.Unavailable, unavailableMessage},
		{"conn closed", fmt.Errorf("commit: %w", pgconn.ErrConnClosed), fault.Unavailable, unavailableMessage},
		{"bad connection after retries", driver.ErrBadConn, fault.Unavailable, unavailableMessage},
		{"unexpected EOF", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), fault.Unavailable, unavailableMessage},
		{"reset by peer", fmt.Errorf("read: %w", syscall.ECONNRESET), fault.Unavailable, unavailableMessage},
		{"broken pipe", fmt.Errorf("write: %w", syscall.EPIPE), fault.Unavailable, unavailableMessage},
		{"unique violation", &pgconn.PgError{Code: "23505"}, fault.Internal, ""},
		{"serialisation failure", &pgconn.PgError{Code: "40001"}, fault.Internal, ""},
		{"out of memory", &pgconn.PgError{Code: "53200"}, fault.Internal, ""},
		{"statement cancelled", &pgconn.PgError{Code: "57014"}, fault.Internal, ""},
		{"request cancelled", fmt.Errorf("query: %w", context.Canceled), fault.Internal, ""},
		{"EIO", &fs.PathError{Op: "write", Path: "x", Err: syscall.EIO}, fault.Internal, ""},
		{"plain", errors.New("boom"), fault.Internal, ""},
		{"already classified", fault.Wrap(fault.Conflict, syscall.ECONNRESET, "changed"), fault.Conflict, "changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := classify(tc.err)
			if got := fault.KindOf(err); got != tc.want {
				t.Fatalf("kind %s, want %s (%v)", got, tc.want, err)
			}
			if !errors.Is(err, tc.err) {
				t.Error("the cause is not kept for the log")
			}
			if tc.want == fault.Internal && err != tc.err {
				t.Errorf("an error of no kind was changed: %v", err)
			}
			if fault.Message(err) != tc.msg {
				t.Errorf("message %q, want %q", fault.Message(err), tc.msg)
			}
		})
	}
	// database/sql compares these by identity: they must come back as
	// they went in.
	for _, s := range []error{nil, io.EOF, driver.ErrSkip, driver.ErrRemoveArgument} {
		if got := classify(s); got != s {
			t.Errorf("classify(%v) = %v, want it untouched", s, got)
		}
	}
}

// SQLite's own SQLITE_FULL, raised for real by a page limit, is NoSpace
// on every way a write reaches the database: a transaction, a statement
// outside one (as a session's last use is written) and the group
// committer (audit entries of reads). A page limit leaves the WAL free to
// grow, so a write that needs no new page succeeds under it; the full
// disk that stops those too is internal/web's TestFullDiskRefusesEveryWrite. Each failed write is rolled back, and the database
// takes writes again once the limit is lifted.
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
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, last_seen_at TEXT, pad BLOB)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO sessions VALUES ('h', '', zeroblob(3000))`); err != nil {
		t.Fatal(err)
	}
	// The writer pool holds one connection, so the limit stays on it.
	limit := func(n int) {
		t.Helper()
		if _, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, n)); err != nil {
			t.Fatal(err)
		}
	}
	insert := func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO filler VALUES (randomblob(1000000))`)
		return err
	}
	for _, tc := range []struct {
		name  string
		write func() error
	}{
		{"transaction", func() error { return db.InTx(ctx, insert) }},
		{"group commit", func() error { return db.InGroupTx(ctx, insert) }},
		// Grows the row past its page: the table needs an overflow page.
		{"outside a transaction", func() error {
			_, err := db.write.ExecContext(ctx, `UPDATE sessions SET pad = zeroblob(9000000) WHERE token_hash = 'h'`)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var used int
			if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&used); err != nil {
				t.Fatal(err)
			}
			limit(used)
			defer limit(1073741823)
			err := tc.write()
			if !fault.Is(err, fault.NoSpace) {
				t.Fatalf("a full database gave %v, want NoSpace", err)
			}
			if fault.Message(err) != noSpaceMessage {
				t.Errorf("message %q", fault.Message(err))
			}
		})
	}
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM filler`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows after failed writes (%v)", n, err)
	}
	if err := db.InTx(ctx, insert); err != nil {
		t.Fatalf("after space returned: %v", err)
	}
	if err := db.TouchSession(ctx, "h", time.Now()); err != nil {
		t.Fatalf("touch after space returned: %v", err)
	}
}

// SQLite's file locked by another process past the busy timeout is
// Unavailable, saying the database is busy; once the lock is let go the
// store writes again. (The timeout is cut to 50 ms from ten seconds.)
func TestSQLiteBusyIsUnavailable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := Open(ctx, Location{Dialect: SQLite, Path: path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The writer pool holds one connection, so the setting stays on it.
	if _, err := db.write.ExecContext(ctx, `PRAGMA busy_timeout = 50; CREATE TABLE t (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	insert := func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO t VALUES (1)`)
		return err
	}
	err = db.InTx(ctx, insert)
	if !fault.Is(err, fault.Unavailable) || fault.Message(err) != busyMessage {
		t.Fatalf("a write on a file locked elsewhere gave %v (%s), want Unavailable, busy", err, fault.KindOf(err))
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, insert); err != nil {
		t.Fatalf("after the lock was let go: %v", err)
	}
}
