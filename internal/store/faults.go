package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/probity/probity/internal/fault"
)

// What the database's failures mean to a caller. Every error an engine
// gives passes through classify once, in the driver every pool is opened
// with (faultdriver.go), so that a write outside InTx, a read, a sign-in
// or an audit entry of a read is classified exactly as a transaction is:
//
//   - fault.NoSpace (507): the disk under the database, or the process's
//     file-size limit, is full. The statement or transaction failed and
//     was rolled back; nothing of it was stored.
//   - fault.Unavailable (503): the database cannot be reached (refused,
//     reset or dropped connections, a server shutting down, starting up
//     or in recovery, a pool whose connections all broke), or SQLite's
//     file stayed locked by another process past the busy timeout. It is
//     worth trying again in a few seconds. A commit whose connection
//     dropped may or may not have been stored, so the message promises
//     nothing; a client that sends the same request again with its
//     idempotency key is never stored twice.
//
// Everything else (constraint violations, bugs, damaged files, a disk
// that fails with EIO) passes through unchanged and is Internal unless the
// store classifies it otherwise.

// noSpaceMessage is what a caller is told when a change could not be
// stored for want of space: nothing of it was kept, and the same request
// can be sent again.
const noSpaceMessage = "the database has no space left to store this; nothing was saved: try again later"

// unavailableMessage is what a caller is told when the database cannot be
// reached.
const unavailableMessage = "the database cannot be reached just now: try again in a few seconds"

// busyMessage is what a caller is told when SQLite's file stayed locked
// by another process past the busy timeout.
const busyMessage = "the database is busy: try again in a few seconds"

// classify gives an error from the database engine its kind: NoSpace or
// Unavailable as above, and every other error unchanged. An error that
// already carries a kind keeps it. The sentinels database/sql compares by
// identity (io.EOF at the end of rows, driver.ErrSkip,
// driver.ErrRemoveArgument) pass through untouched, so wrapping a driver
// with classify changes nothing of how database/sql drives it;
// driver.ErrBadConn may be wrapped, since database/sql looks for it with
// errors.Is.
func classify(err error) error {
	switch {
	case err == nil, err == io.EOF, err == driver.ErrSkip, err == driver.ErrRemoveArgument:
		return err
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	switch {
	case isNoSpace(err):
		return fault.Wrap(fault.NoSpace, err, noSpaceMessage)
	case isBusy(err):
		return fault.Wrap(fault.Unavailable, err, busyMessage)
	case isUnreachable(err):
		return fault.Wrap(fault.Unavailable, err, unavailableMessage)
	}
	return err
}

// isNoSpace recognises a full disk on either engine:
//   - SQLite reports SQLITE_FULL (13, in the low byte of an extended
//     code) when a write fails with ENOSPC or writes short;
//   - PostgreSQL reports SQLSTATE 53100 (disk_full) when it cannot extend
//     a relation or write its WAL;
//   - ENOSPC and EFBIG (a file-size limit) from the operating system,
//     when they reach us unwrapped by the driver.
func isNoSpace(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == 13 {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "53100" {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG)
}

// isBusy recognises SQLITE_BUSY (5, in the low byte of an extended code):
// the file stayed locked past busy_timeout (ten seconds). Probity's own
// writers queue in Go for its one writer connection, so the lock is held
// by another process (an operator's sqlite3 shell, a second Probity on
// the same file, a backup tool): a condition that passes, hence
// Unavailable rather than Internal. SQLITE_LOCKED (6), a conflict inside
// one connection, is a bug and stays Internal.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
}

// isUnreachable recognises a PostgreSQL server that cannot be reached or
// that dropped the connection:
//   - a failed connection attempt (pgconn.ConnectError: refused, timed
//     out, or the server answering 57P03 "starting up" or "in recovery");
//   - SQLSTATE class 08 (connection exception), 57P01 (admin_shutdown,
//     a terminated backend or a fast shutdown), 57P02 (crash_shutdown),
//     57P03 (cannot_connect_now) and 53300 (too_many_connections);
//   - a connection pgx found closed, database/sql's driver.ErrBadConn
//     once its retries on fresh connections are spent, and the network
//     errors of a dropped connection: an unexpected EOF, ECONNREFUSED,
//     ECONNRESET, EPIPE, or any other failed network operation.
//
// A cancelled or timed-out request is not the database's failure and
// passes through, unless it was cut short while connecting.
func isUnreachable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case len(pe.Code) == 5 && pe.Code[:2] == "08",
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "53300":
			return true
		}
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne *net.OpError
	return errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &ne)
}
