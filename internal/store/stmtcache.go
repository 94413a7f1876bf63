package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// Prepared statements. SQLite compiles a statement's text every time it
// is run unless the statement is kept: about a quarter of a case read's
// CPU went on compiling the same few queries again. stmtCache keeps each
// query text prepared on its pool (database/sql then prepares it once on
// each connection that runs it) and runs it from there. PostgreSQL's
// driver keeps its own cache of prepared statements per connection, so
// there the cache is off and queries pass straight through.

// maxCachedStmts bounds the cache: queries built with a varying number of
// placeholders are compiled each time once it is full, not kept forever.
const maxCachedStmts = 512

// maxCachedText is the longest text the pool's cache keeps. Longer ones
// are multi-row statements built for one batch's number of rows; a
// transaction that repeats one compiles it for itself (cachedTx).
const maxCachedText = 16 << 10

// poolable says whether q may be kept in the pool's cache.
func poolable(q string) bool {
	return len(q) <= maxCachedText && !strings.Contains(q, ";")
}

type stmtCache struct {
	db    *sql.DB
	on    bool
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
	// wanted are texts a transaction ran unprepared: preparing them on
	// the pool there and then would wait for the connection the
	// transaction holds (SQLite has one writer), so they are prepared once
	// it ends (prepareWanted).
	wanted map[string]bool
}

func newStmtCache(db *sql.DB, on bool) *stmtCache {
	return &stmtCache{db: db, on: on, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns q prepared, or nil when it is not to be cached (the cache
// is off or full, the text holds more than one statement, or it failed to
// prepare, in which case running it unprepared reports why). It prepares
// without holding the lock: preparing waits for a connection, which
// another caller may hold while it asks the cache for its next query.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil || !c.on {
		return nil
	}
	c.mu.RLock()
	s, full := c.stmts[q], len(c.stmts) >= maxCachedStmts
	c.mu.RUnlock()
	if s != nil || full || !poolable(q) {
		return s
	}
	return c.prepare(ctx, q)
}

func (c *stmtCache) prepare(ctx context.Context, q string) *sql.Stmt {
	s, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.stmts[q]; old != nil {
		_ = s.Close()
		return old
	}
	if len(c.stmts) >= maxCachedStmts {
		_ = s.Close()
		return nil
	}
	c.stmts[q] = s
	return s
}

// cached returns q if it is already prepared; otherwise it notes q for
// prepareWanted and returns nil. It never waits for a connection.
func (c *stmtCache) cached(q string) *sql.Stmt {
	if c == nil || !c.on {
		return nil
	}
	c.mu.RLock()
	s := c.stmts[q]
	c.mu.RUnlock()
	if s != nil || !poolable(q) {
		return s
	}
	c.mu.Lock()
	if len(c.stmts)+len(c.wanted) < maxCachedStmts {
		c.wanted[q] = true
	}
	c.mu.Unlock()
	return nil
}

// prepareWanted prepares what transactions ran unprepared, once no
// transaction holds the connection.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	if c == nil || !c.on {
		return
	}
	c.mu.Lock()
	qs := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		qs = append(qs, q)
		delete(c.wanted, q)
	}
	c.mu.Unlock()
	for _, q := range qs {
		c.prepare(ctx, q)
	}
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.stmts {
		_ = s.Close()
		delete(c.stmts, q)
	}
}

// cachedDB is a pool whose queries run from the cache.
type cachedDB struct {
	*sql.DB
	cache *stmtCache
}

func (d *cachedDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := d.cache.get(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return d.DB.QueryContext(ctx, q, args...)
}

func (d *cachedDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := d.cache.get(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return d.DB.QueryRowContext(ctx, q, args...)
}

func (d *cachedDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := d.cache.get(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return d.DB.ExecContext(ctx, q, args...)
}

// cachedTx is a transaction whose statements run from its pool's cache,
// on the transaction's connection. A text the cache does not hold yet is
// compiled by the transaction itself the second time the transaction runs
// it, and kept until the transaction ends: a bulk import runs the same
// multi-row INSERT many times in one transaction, and the pool's cache
// learns a text only once the transaction is over. database/sql closes the
// per-transaction handles when the transaction ends.
type cachedTx struct {
	*sql.Tx
	cache *stmtCache
	// own are texts this transaction has run outside the pool's cache:
	// nil after the first run, compiled from the second.
	own map[string]*sql.Stmt
}

// stmt returns how to run q in the transaction, or nil to run it as text.
func (t *cachedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if s := t.cache.cached(q); s != nil {
		return t.StmtContext(ctx, s)
	}
	if t.cache == nil || !t.cache.on || strings.Contains(q, ";") {
		return nil
	}
	s, seen := t.own[q]
	if s != nil || !seen {
		if t.own == nil {
			t.own = map[string]*sql.Stmt{}
		}
		if !seen {
			t.own[q] = nil
		}
		return s
	}
	s, err := t.Tx.PrepareContext(ctx, q)
	if err != nil {
		return nil // run as text, which reports why
	}
	t.own[q] = s
	return s
}

func (t *cachedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, q, args...)
}

func (t *cachedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, q, args...)
}

func (t *cachedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, q, args...)
}
