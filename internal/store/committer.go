package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit. A durable commit costs an fsync whatever it holds, and
// SQLite has one writer, so many small transactions queue for the disk one
// at a time. The committer is one goroutine that owns the write
// connection's turn: callers hand it their work as functions (units), it
// runs every unit waiting at that moment inside one transaction, each
// under a savepoint of its own, commits once, and only then tells each
// caller its outcome. No caller hears of success before the transaction
// holding its writes is durable; a unit that fails is rolled back to its
// savepoint alone, and the others commit.

// maxGroup bounds the units in one transaction, so that one commit's
// latency stays bounded however long the queue grows.
const maxGroup = 64

// errCommitterClosed answers units handed in after the database closed.
var errCommitterClosed = errors.New("the database is closed")

// Unit states: queued until the committer takes it or its caller gives
// up, whichever is first.
const (
	unitQueued int32 = iota
	unitTaken
	unitAbandoned
)

type unit struct {
	ctx    context.Context
	fn     func(*Tx) error
	state  atomic.Int32
	done   chan struct{}
	err    error
	panicV any
	hooks  []func()
	search []string // cases whose search text the unit changed
}

type committer struct {
	db    *DB
	queue chan *unit
	quit  chan struct{}
	done  chan struct{}
	stop  sync.Once
	max   int
	// run is the transaction a group runs in; tests replace it.
	begin func(ctx context.Context) (*Tx, error)
}

func newCommitter(db *DB, max int) *committer {
	c := &committer{db: db, queue: make(chan *unit, 4*max), quit: make(chan struct{}), done: make(chan struct{}), max: max}
	pool := db.write
	if db.groupPool != nil {
		pool = db.groupPool
	}
	c.begin = func(ctx context.Context) (*Tx, error) {
		t, err := pool.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("beginning transaction: %w", err)
		}
		return &Tx{tx: &cachedTx{Tx: t, cache: db.writeStmts}, db: db}, nil
	}
	go c.loop()
	return c
}

// submit queues fn and waits for its outcome. It returns ctx's error only
// when the caller gave up before the committer took the unit, so that
// nothing of it was or will be written; once taken, it waits for the
// commit and returns what happened.
func (c *committer) submit(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	u := &unit{ctx: ctx, fn: fn, done: make(chan struct{})}
	c.db.groupWaiting.Add(1)
	select {
	case c.queue <- u:
	case <-c.quit:
		c.db.groupWaiting.Add(-1)
		return errCommitterClosed
	case <-ctx.Done():
		c.db.groupWaiting.Add(-1)
		return ctx.Err()
	}
	select {
	case <-u.done:
	case <-ctx.Done():
		if u.state.CompareAndSwap(unitQueued, unitAbandoned) {
			return ctx.Err()
		}
		<-u.done
	case <-c.done:
		// The committer has stopped; a unit that slipped into the queue
		// after its last drain was never taken.
		if u.state.CompareAndSwap(unitQueued, unitAbandoned) {
			return errCommitterClosed
		}
		<-u.done
	}
	if u.panicV != nil {
		panic(u.panicV)
	}
	return u.err
}

// close stops taking units, runs every unit already queued, and returns
// once they all have their outcome.
func (c *committer) close() {
	c.stop.Do(func() { close(c.quit) })
	<-c.done
}

func (c *committer) loop() {
	defer close(c.done)
	for {
		var first *unit
		select {
		case first = <-c.queue:
			c.db.groupWaiting.Add(-1)
		case <-c.quit:
			// Drain: what was queued before close still runs.
			for {
				batch := c.take(nil)
				if len(batch) == 0 {
					return
				}
				c.run(batch)
			}
		}
		c.run(c.take([]*unit{first}))
	}
}

// take adds what is waiting in the queue, without waiting, up to the
// group's size.
func (c *committer) take(batch []*unit) []*unit {
	for len(batch) < c.max {
		select {
		case u := <-c.queue:
			c.db.groupWaiting.Add(-1)
			batch = append(batch, u)
		default:
			return batch
		}
	}
	return batch
}

func (c *committer) run(batch []*unit) {
	live := batch[:0]
	for _, u := range batch {
		if u.state.CompareAndSwap(unitQueued, unitTaken) {
			live = append(live, u)
		}
	}
	if len(live) == 0 {
		return
	}
	defer c.db.writeStmts.prepareWanted(context.Background())
	// A commit's context is not any caller's: one caller leaving must not
	// cancel the others' commit.
	ctx := context.Background()
	tx, err := c.begin(ctx)
	if err != nil {
		c.finish(live, err)
		return
	}
	tx.grouped = true
	ok := live[:0:0]
	broken := false
	for i, u := range live {
		if broken {
			// The transaction cannot go on: each unit left runs alone.
			c.alone(u)
			continue
		}
		sp := fmt.Sprintf("unit%d", i)
		if _, err := tx.tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			broken = true
			c.alone(u)
			continue
		}
		tx.hook, tx.pending, tx.search = nil, nil, nil
		u.panicV, u.err = call(u, tx)
		if u.err == nil && u.panicV == nil {
			if _, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
				broken = true
				c.alone(u)
				continue
			}
			u.hooks, u.search = tx.hook, tx.search
			ok = append(ok, u)
			continue
		}
		_, err1 := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp)
		_, err2 := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp)
		if err1 != nil || err2 != nil {
			broken = true
		}
		close(u.done)
	}
	if !broken {
		// The search text of every case the committed units changed, in
		// one go: one FTS5 segment for the group.
		indexed := map[string]bool{}
		for _, u := range ok {
			for _, caseID := range u.search {
				if broken || indexed[caseID] {
					continue
				}
				indexed[caseID] = true
				if err := tx.indexSearch(ctx, caseID); err != nil {
					c.db.log.Warn("group commit could not index search text; committing its units one by one", "err", err)
					broken = true
				}
			}
		}
	}
	if !broken {
		if err := tx.signGroupHead(ctx); err != nil {
			c.db.log.Warn("group commit could not sign the audit head; committing its units one by one", "err", err)
			broken = true
		}
	}
	if broken {
		_ = tx.tx.Rollback()
		for _, u := range ok {
			c.alone(u)
		}
		return
	}
	if err := tx.tx.Commit(); err != nil {
		// Nothing of the group is written. Each unit runs again alone, so
		// that one unit's write cannot sink the others' commit.
		c.db.log.Warn("group commit failed; committing its units one by one", "units", len(ok), "err", err)
		for _, u := range ok {
			c.alone(u)
		}
		return
	}
	for _, u := range ok {
		for _, h := range u.hooks {
			h()
		}
		close(u.done)
	}
}

// alone runs a unit in a transaction of its own and gives its outcome.
func (c *committer) alone(u *unit) {
	u.hooks, u.search = nil, nil
	u.err, u.panicV = nil, nil
	func() {
		defer func() {
			if p := recover(); p != nil {
				u.panicV = p
			}
		}()
		u.err = c.db.inTxOnce(context.WithoutCancel(u.ctx), u.fn)
	}()
	close(u.done)
}

func (c *committer) finish(us []*unit, err error) {
	for _, u := range us {
		u.err = err
		close(u.done)
	}
}

// call runs a unit's function, catching a panic to be raised again in its
// caller's goroutine rather than the committer's. A unit whose caller
// cancels mid-statement can take the whole transaction down (SQLite rolls
// back a transaction whose write is interrupted; PostgreSQL's driver
// closes the connection): the savepoint's rollback then fails, and run
// gives every other unit a transaction of its own.
func call(u *unit, tx *Tx) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = r, nil
		}
	}()
	if err := u.fn(tx); err != nil {
		return nil, err
	}
	return nil, tx.flushAudit(context.WithoutCancel(u.ctx))
}

// InGroupTx runs fn in a write transaction shared with other callers'
// work, and returns nil only once that transaction has committed, with
// the same promise as InTx: fn's writes are durable, or none of them
// happened. fn runs under a savepoint of its own, so that its failure
// rolls back only its own writes; like InTx's, it may run more than once
// and must have no effects outside the transaction. Use it for small,
// frequent writes whose cost is mostly the commit: intake, audit entries
// of reads.
//
// On PostgreSQL, whose transactions run side by side on a pool, it is
// InTx: one connection running every caller's work in turn would
// serialise them.
func (db *DB) InGroupTx(ctx context.Context, fn func(*Tx) error) error {
	if db.dialect == Postgres {
		return db.InTx(ctx, fn)
	}
	return db.inGroup(ctx, fn)
}

// inGroup is InGroupTx on either engine: for units so small that their
// commit is nearly all their cost (an audit entry of a read), sharing
// one commit wins on PostgreSQL too.
func (db *DB) inGroup(ctx context.Context, fn func(*Tx) error) error {
	c := db.committer()
	if c == nil {
		return db.InTx(ctx, fn)
	}
	err := c.submit(ctx, fn)
	if err != nil && retryable(err) {
		return db.InTx(ctx, fn)
	}
	return err
}

// committer starts the group committer on first use.
func (db *DB) committer() *committer {
	db.groupOnce.Do(func() {
		if !db.closed.Load() {
			db.group = newCommitter(db, maxGroup)
		}
	})
	return db.group
}
