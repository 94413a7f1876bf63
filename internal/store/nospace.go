package store

import (
	"errors"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/probity/probity/internal/fault"
)

// noSpaceMessage is what a caller is told when a change could not be
// stored for want of space: nothing of it was kept, and the same request
// can be sent again.
const noSpaceMessage = "the database has no space left to store this; nothing was saved: try again later"

// noSpaceError classifies an error the engine gave because the disk under
// the database, or the process's file-size limit, is full as fault.NoSpace;
// every other error passes through unchanged. The transaction it ended was
// rolled back, so nothing of it was stored.
func noSpaceError(err error) error {
	if err == nil || fault.Is(err, fault.NoSpace) || !isNoSpace(err) {
		return err
	}
	return fault.Wrap(fault.NoSpace, err, noSpaceMessage)
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
