package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/fault"
)

// An import into an empty SQLite database is loaded whole, in one
// transaction, rather than batch by batch. An import's ids grow in load
// order (id.Sequence), so rows append to each primary key, but every row
// still lands at a random page of each index on another column; the load
// drops the import's tables' secondary indexes and
// builds each again after the rows are in, with one sorted pass, and
// builds the search index with one statement. Either the whole import
// commits, indexes included, or nothing does: a failed load leaves the
// database as empty as it found it, and a rerun starts again.
//
// For the same reason foreign keys are checked once, at the end, rather
// than by each statement: a multi-row INSERT that checks them as it goes
// must keep a statement journal (a copy of every page it touches, so that
// the statement alone can be undone), and so must one that may fail a
// unique constraint. The load's INSERTs are therefore OR ROLLBACK: a
// conflict ends the whole transaction, which is what a failed load does
// anyway, and nothing needs to be kept to undo one statement.

// importTables are the tables an import writes, parents first.
var importTables = []string{"units", "officers", "postings", "cases", "case_events", "allegations", "subjects", "import_keys"}

// ErrNotEmpty is returned by ImportLoad when the database holds forces or
// cases by the time the load's transaction begins.
var ErrNotEmpty = errors.New("the database is no longer empty")

// ImportLoad runs fn in one write transaction set up for loading an import
// into an empty database: on SQLite the import tables' secondary indexes
// are dropped before fn and built again after it, the search index is
// built from the cases, and foreign keys are checked over the whole
// database before the commit. It returns ErrNotEmpty, having written
// nothing, when the database holds a force or a case. On PostgreSQL it is
// InTx with the emptiness check and the search index built at the end.
//
// fn must write only through ImportBatch (the search index is built here,
// so ImportBatch leaves it alone in a load).
func (db *DB) ImportLoad(ctx context.Context, fn func(*Tx) error) (err error) {
	if db.dialect != SQLite {
		return db.InTx(ctx, func(tx *Tx) error {
			tx.load = true
			if err := tx.checkEmpty(ctx); err != nil {
				return err
			}
			if err := fn(tx); err != nil {
				return err
			}
			return tx.indexLoaded(ctx)
		})
	}
	// foreign_keys cannot change inside a transaction, and the writer is
	// one connection that other callers share: the load holds it from
	// switching them off until it is done with it, and then closes it
	// rather than switch them on again. A connection whose transaction a
	// cancelled context rolls back is rolled back on another goroutine,
	// and a PRAGMA that ran before that rollback would change nothing; the
	// pool opens the next writer with foreign keys on, as every
	// connection is opened.
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	defer func() { _ = conn.Raw(func(any) error { return driver.ErrBadConn }) }()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	wal, err := db.rollbackJournal(ctx, conn)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, wal()) }()
	// ended is nil: what the load ran unprepared is prepared by a later
	// transaction, since preparing it on the pool here would wait for the
	// writer this function holds until conn is closed. SQLite has no
	// replicas, so runTx's noteWrite does nothing here.
	return db.runTx(ctx, conn.BeginTx, true, nil, func(tx *Tx) error {
		if err := tx.checkEmpty(ctx); err != nil {
			return err
		}
		indexes, err := tx.dropImportIndexes(ctx)
		if err != nil {
			return fmt.Errorf("dropping indexes for the load: %w", err)
		}
		if err := fn(tx); err != nil {
			return err
		}
		for _, q := range indexes {
			if _, err := tx.tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("building index: %w", err)
			}
		}
		if err := tx.indexLoaded(ctx); err != nil {
			return err
		}
		return tx.checkForeignKeys(ctx)
	})
}

// rollbackJournal puts the database in rollback-journal mode for the
// load, and returns how to put it back in WAL mode. In WAL mode every page
// the load writes is written twice: to the WAL at the commit, then to the
// database when the WAL is checkpointed (a sixth of the load's CPU, and
// all of its fsyncs, for the NYC file). A rollback journal keeps only the
// pages that existed before the transaction, which in an empty database
// are the schema and reference data: the load's pages are written once,
// into the database file. A crash still leaves the database as it was,
// since the journal (synced before the database is written) rolls the
// file back, and truncates it, the next time it is opened.
//
// The mode can change only while no other connection has the database
// open in WAL mode (each holds a shared lock): the pool's idle readers are
// closed first. When a reader is busy, or another process has the file
// open, the load stays in WAL mode, slower but the same. Readers that
// open during the load read in rollback mode, waiting while the commit
// writes; the database is empty until then.
func (db *DB) rollbackJournal(ctx context.Context, conn *sql.Conn) (restore func() error, err error) {
	keep := func() error { return nil }
	readers := db.read.Stats().MaxOpenConnections
	db.read.SetMaxIdleConns(0)
	db.read.SetMaxIdleConns(readers)
	// Fail at once rather than wait for a lock another connection may
	// hold for as long as it is open.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return nil, err
	}
	var mode string
	switchErr := conn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeoutMS)); err != nil {
		return nil, err
	}
	if switchErr != nil || !strings.EqualFold(mode, "delete") {
		db.log.Debug("import load stays in WAL mode", "mode", mode, "err", switchErr)
		return keep, nil
	}
	return func() error {
		// The load's context may be done; this must run regardless.
		var mode string
		if err := conn.QueryRowContext(context.Background(), `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
			return fmt.Errorf("returning to WAL mode after the load: %w", err)
		}
		if !strings.EqualFold(mode, "wal") {
			return fmt.Errorf("returning to WAL mode after the load: journal mode is %q", mode)
		}
		return nil
	}, nil
}

// indexLoaded writes the search text of every case, as refreshSearch
// would (imported cases have no notes). On SQLite each text takes its
// case's rowid, by which the case list matches them.
func (tx *Tx) indexLoaded(ctx context.Context) error {
	body := `c.summary || COALESCE((SELECT ` + tx.db.stringAgg("a.description", "a.seq") + `
		FROM allegations a WHERE a.case_id = c.id), '')`
	q := `INSERT INTO case_search (case_id, body) SELECT c.id, ` + body + ` FROM cases c`
	if tx.db.dialect == SQLite {
		q = `INSERT INTO case_search (rowid, case_id, body) SELECT c.rowid, c.id, ` + body + ` FROM cases c`
	}
	if _, err := tx.tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("indexing imported cases: %w", err)
	}
	return nil
}

func (tx *Tx) checkEmpty(ctx context.Context) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM forces) + (SELECT COUNT(*) FROM cases)`).Scan(&n); err != nil {
		return fmt.Errorf("checking the database is empty: %w", err)
	}
	if n > 0 {
		return ErrNotEmpty
	}
	return nil
}

// dropImportIndexes drops the secondary indexes of the import's tables and
// returns the statements that build them again. The indexes SQLite makes
// for primary keys and UNIQUE constraints have no statement and stay.
func (tx *Tx) dropImportIndexes(ctx context.Context) ([]string, error) {
	args := make([]any, len(importTables))
	for i, t := range importTables {
		args[i] = t
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (`+placeholders(len(args))+`) ORDER BY name`, args...)
	if err != nil {
		return nil, err
	}
	var names, stmts []string
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, name)
		stmts = append(stmts, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.tx.ExecContext(ctx, `DROP INDEX "`+strings.ReplaceAll(name, `"`, `""`)+`"`); err != nil {
			return nil, err
		}
	}
	return stmts, nil
}

// checkForeignKeys fails when any row names a parent that does not exist.
func (tx *Tx) checkForeignKeys(ctx context.Context) error {
	rows, err := tx.tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("checking foreign keys: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("checking foreign keys: %w", err)
		}
		return fault.Errorf(fault.Invalid, "a row of %s names no such %s", table, parent)
	}
	return rows.Err()
}
