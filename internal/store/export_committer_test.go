package store

import (
	"context"
	"database/sql"
)

// CommitterQueuedForTest is how many units wait in the group committer's
// queue, not yet taken.
func (db *DB) CommitterQueuedForTest() int { return len(db.committer().queue) }

// CloseCommitterForTest stops the group committer as Close does, leaving
// the connections open so that a test can read what it committed.
func (db *DB) CloseCommitterForTest() { db.committer().close() }

// ErrCommitterClosed is what a unit handed in after Close gets.
var ErrCommitterClosed = errCommitterClosed

// ExecForTest runs a statement in the transaction.
func (tx *Tx) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := tx.tx.ExecContext(ctx, query, args...)
	return err
}

// IntsForTest reads a column of integers in the transaction.
func (tx *Tx) IntsForTest(ctx context.Context, query string, args ...any) ([]int, error) {
	rows, err := tx.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// InGroupForTest runs fn through the group committer on either engine
// (InGroupTx keeps to InTx on PostgreSQL).
func (db *DB) InGroupForTest(ctx context.Context, fn func(*Tx) error) error {
	return db.inGroup(ctx, fn)
}

// ResetCommittedUnitsForTest empties the table the committer's tests
// write units into, so that a test can hold the committer again.
func (db *DB) ResetCommittedUnitsForTest(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM committer_units`)
	return err
}

// HoldReadPoolForTest takes every connection the pool that reads share
// may open (on PostgreSQL the one pool; on SQLite the readers) and keeps
// them until release is called.
func (db *DB) HoldReadPoolForTest(ctx context.Context) (release func(), err error) {
	var held []*sql.Conn
	release = func() {
		for _, c := range held {
			_ = c.Close()
		}
	}
	for range db.read.DB.Stats().MaxOpenConnections {
		c, err := db.read.DB.Conn(ctx)
		if err != nil {
			release()
			return nil, err
		}
		held = append(held, c)
	}
	return release, nil
}

// WriterPragmaForTest reads a pragma's value on SQLite's writer.
func (db *DB) WriterPragmaForTest(ctx context.Context, name string) (string, error) {
	var v string
	err := db.write.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}
