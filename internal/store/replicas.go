package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Read scale-out on PostgreSQL. Read-only work that a request marks with
// ReadFromReplica (case lists and search, the measures, the dashboards,
// the public portal) runs on a streaming replica, taken in turn; every
// write, every audit entry and every read not so marked stays on the
// primary.
//
// A replica serves a read only when it has replayed the primary's WAL at
// least up to what the reader must see: the last write of the caller
// (the after given to ReadFromReplica) and any write made earlier in the
// same request (WriteMark). Positions are WAL locations (LSNs), so a
// caller who has just written reads from the primary until a replica has
// caught up, and from replicas again as soon as one has. A replica that
// does not answer, or has not caught up with the primary for MaxLag, is
// skipped. What each replica has replayed is learnt by polling
// (MonitorReplicas), so the store's view of a replica is never ahead of
// the replica itself. A replica that goes away between polls fails the
// read it was given: that read runs again on the primary, and the replica
// is skipped until a poll reaches it again (replicaRead).
//
// A replica's lag is how long ago the primary stood at the first position
// the replica has not replayed: each poll keeps the primary's position
// with its time, so the lag reads the same however often polls run, and
// a replica a few milliseconds behind a busy primary is not taken as
// stuck.

// LSN is a position in PostgreSQL's write-ahead log; 0 is "nothing".
type LSN uint64

// ParseLSN reads the text form PostgreSQL prints, e.g. "16/B374D848".
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, fmt.Errorf("WAL location %q has no '/'", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("WAL location %q: %w", s, err)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("WAL location %q: %w", s, err)
	}
	return LSN(h<<32 | l), nil
}

func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xffffffff) }

// unknownLSN stands for a write whose position could not be read: no
// replica is known to have replayed it, so reads go to the primary.
const unknownLSN = LSN(^uint64(0))

// ReplicaOptions configure AddReplicas.
type ReplicaOptions struct {
	// MaxConns bounds each replica's pool; 0 for the primary's default.
	MaxConns int
	// MaxLag is how long a replica may go without catching up with the
	// primary before it is skipped; 0 for DefaultMaxLag.
	MaxLag time.Duration
}

// DefaultMaxLag is how far behind a replica may fall before reads skip it.
const DefaultMaxLag = 10 * time.Second

type replica struct {
	name string
	db   *sql.DB
	mu   sync.Mutex
	up   bool
	// replayed is the replica's replay position at the last poll.
	replayed LSN
	lag      time.Duration
	// why says, while it is down, what the last poll found.
	why string
}

func (r *replica) state() (up bool, replayed LSN, lag time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.up, r.replayed, r.lag
}

func (r *replica) downReason() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.up {
		return ""
	}
	return r.why
}

type replicaSet struct {
	list   []*replica
	next   atomic.Uint64
	maxLag time.Duration
	// primary holds the primary's WAL positions at past polls, oldest
	// first, rising: those some replica has not yet replayed, and the last.
	mu      sync.Mutex
	primary []walSample
	// reads counts the reads routed by reader, by pool.
	primaryReads atomic.Uint64
	replicaReads []atomic.Uint64
}

// AddReplicas opens a pool on each streaming replica of a PostgreSQL
// primary. Call it once, before the database serves any request. The replicas are taken as down until the first poll
// (PollReplicas, or MonitorReplicas) has reached them.
func (db *DB) AddReplicas(ctx context.Context, urls []string, opt ReplicaOptions) error {
	if len(urls) == 0 {
		return nil
	}
	if db.dialect != Postgres {
		return errors.New("read replicas need PostgreSQL: SQLite already reads beside its one writer")
	}
	if db.replicas != nil {
		return errors.New("replicas are already set")
	}
	set := &replicaSet{maxLag: opt.MaxLag, replicaReads: make([]atomic.Uint64, len(urls))}
	if set.maxLag <= 0 {
		set.maxLag = DefaultMaxLag
	}
	for i, u := range urls {
		loc, err := ParseLocation(u)
		if err != nil || loc.Dialect != Postgres {
			closeReplicas(set.list)
			if err == nil {
				err = errors.New("must be a postgres:// URL")
			}
			return fmt.Errorf("replica %d: %w", i+1, err)
		}
		p, err := openPG(u)
		if err != nil {
			closeReplicas(set.list)
			return fmt.Errorf("replica %d: %s", i+1, redactParseError(err))
		}
		n := opt.MaxConns
		if n <= 0 {
			n = db.write.Stats().MaxOpenConnections
		}
		p.SetMaxOpenConns(n)
		p.SetMaxIdleConns(n)
		p.SetConnMaxIdleTime(5 * time.Minute)
		set.list = append(set.list, &replica{name: fmt.Sprintf("replica-%d", i+1), db: p, why: "not polled yet"})
	}
	db.replicas = set
	db.PollReplicas(ctx)
	return nil
}

// walSample is where the primary's WAL stood at a moment.
type walSample struct {
	at  time.Time
	lsn LSN
}

// maxWALSamples bounds the positions kept for a replica that has stopped
// replaying; past it the oldest but one are dropped, so the lag still
// counts from the first position the replica missed.
const maxWALSamples = 4096

// lagBehind is how long ago the primary stood at the first position in
// samples that replayed has not reached; 0 when it has reached them all.
func lagBehind(samples []walSample, replayed LSN, now time.Time) time.Duration {
	for _, s := range samples {
		if s.lsn > replayed {
			return now.Sub(s.at)
		}
	}
	return 0
}

func closeReplicas(list []*replica) {
	for _, r := range list {
		r.db.Close()
	}
}

// MonitorReplicas polls the replicas every interval until ctx ends.
func (db *DB) MonitorReplicas(ctx context.Context, every time.Duration) {
	if db.replicas == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			db.PollReplicas(ctx)
		}
	}
}

// PollReplicas learns how far each replica has replayed, and whether it
// answers at all.
func (db *DB) PollReplicas(ctx context.Context) {
	set := db.replicas
	if set == nil {
		return
	}
	set.mu.Lock()
	samples := slices.Clone(set.primary)
	set.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range set.list {
		wg.Go(func() { db.pollReplica(ctx, r, samples) })
	}
	wg.Wait()
	// The primary's position is read after the replicas', so that each
	// replica is measured against positions it has had time to reach.
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	at, err := walLSN(pctx, db.write, "pg_current_wal_flush_lsn")
	if err != nil {
		return
	}
	now := time.Now()
	// Positions every replica has replayed are no longer needed.
	least := unknownLSN
	for _, r := range set.list {
		_, replayed, _ := r.state()
		least = min(least, replayed)
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	kept := set.primary[:0]
	for i, s := range set.primary {
		if s.lsn > least || i == len(set.primary)-1 {
			kept = append(kept, s)
		}
	}
	set.primary = kept
	if n := len(set.primary); n == 0 || at > set.primary[n-1].lsn {
		set.primary = append(set.primary, walSample{at: now, lsn: at})
	}
	if len(set.primary) > maxWALSamples {
		set.primary = slices.Delete(set.primary, 1, 2)
	}
}

func (db *DB) pollReplica(ctx context.Context, r *replica, primary []walSample) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var text sql.NullString
	err := r.db.QueryRowContext(ctx, `SELECT pg_last_wal_replay_lsn()::text`).Scan(&text)
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil || !text.Valid {
		// Down, or not a replica at all (a primary replays nothing).
		reason := "not in recovery"
		if err != nil {
			reason = pgReason(err)
		}
		if r.up {
			db.log.Warn("read replica skipped", "replica", r.name, "reason", reason)
		}
		r.up, r.why = false, reason
		return
	}
	at, err := ParseLSN(text.String)
	if err != nil {
		r.up, r.why = false, err.Error()
		return
	}
	if !r.up {
		db.log.Info("read replica in use", "replica", r.name, "replayed", at.String())
	}
	r.up = true
	r.replayed = max(r.replayed, at)
	r.lag = lagBehind(primary, r.replayed, now)
}

// walLSN reads one of the primary's WAL positions: the insert position,
// which a commit's own record lies behind even when synchronous_commit is
// off and the record is not yet written out, or the flush position, which
// a replica that has caught up with an idle primary reaches exactly.
func walLSN(ctx context.Context, q querier, fn string) (LSN, error) {
	var text string
	if err := q.QueryRowContext(ctx, `SELECT `+fn+`()::text`).Scan(&text); err != nil {
		return 0, err
	}
	return ParseLSN(text)
}

type replicaReadKey struct{}

// ReadFromReplica marks ctx's reads as ones a replica may serve, once it
// has replayed the WAL up to after (the caller's last write; 0 for none).
func ReadFromReplica(ctx context.Context, after LSN) context.Context {
	return context.WithValue(ctx, replicaReadKey{}, after)
}

// WriteMark records the WAL position of the writes made with a context
// (MarkWrites), so that the caller's later reads can be kept from any
// replica that has not replayed them.
type WriteMark struct{ at atomic.Uint64 }

// LSN is the position after the last write made with the mark's context:
// 0 when none was made, or when no replica is configured.
func (m *WriteMark) LSN() LSN { return LSN(m.at.Load()) }

func (m *WriteMark) note(at LSN) {
	for {
		old := m.at.Load()
		if uint64(at) <= old || m.at.CompareAndSwap(old, uint64(at)) {
			return
		}
	}
}

type writeMarkKey struct{}

// MarkWrites returns a context whose writes are recorded in the mark.
func MarkWrites(ctx context.Context) (context.Context, *WriteMark) {
	m := &WriteMark{}
	return context.WithValue(ctx, writeMarkKey{}, m), m
}

// noteWrite records, after a commit, where the primary's WAL stands, in
// the context's mark. Only with replicas: without them nothing reads it.
func (db *DB) noteWrite(ctx context.Context) {
	if db.replicas == nil {
		return
	}
	m, _ := ctx.Value(writeMarkKey{}).(*WriteMark)
	if m == nil {
		return
	}
	at, err := walLSN(context.WithoutCancel(ctx), db.write, "pg_current_wal_insert_lsn")
	if err != nil {
		at = unknownLSN
	}
	m.note(at)
}

// reader is the pool a read with ctx runs on: a replica taken in turn
// among those that answer, keep up, and have replayed what the reader
// must see, when ctx allows it; otherwise the primary's read pool.
func (db *DB) reader(ctx context.Context) querier {
	set := db.replicas
	if set == nil {
		return db.read
	}
	after, ok := ctx.Value(replicaReadKey{}).(LSN)
	if !ok {
		return db.read
	}
	if m, _ := ctx.Value(writeMarkKey{}).(*WriteMark); m != nil {
		after = max(after, m.LSN())
	}
	n := uint64(len(set.list))
	start := set.next.Add(1)
	for i := range n {
		k := (start + i) % n
		r := set.list[k]
		up, replayed, lag := r.state()
		if up && lag <= set.maxLag && replayed >= after {
			return replicaRead{db: db, k: int(k)}
		}
	}
	set.primaryReads.Add(1)
	return db.read
}

// replicaRead runs a read on the replica reader chose. The choice rests
// on the last poll, and a replica may have gone away since: when the
// replica fails the read for that reason (replicaGone), it is taken as
// down until a poll reaches it again, and the same read runs once on the
// primary's read pool, so that the caller still gets an answer. Any other
// failure (a cancelled request, an error in the query itself) is the
// caller's to see, as it would be on the primary.
//
// Only a failure the driver reports before the first row can be retried
// so: pgx reads the first row before QueryContext returns, so a replica
// that is unreachable, ends the connection, or cancels the statement for
// a conflict with recovery before answering is covered; one that fails
// while its rows are being read returns that failure from rows.Err.
type replicaRead struct {
	db *DB
	k  int
}

func (q replicaRead) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := q.db.replicas.list[q.k].db.QueryContext(ctx, query, args...)
	if q.fellBack(ctx, err) {
		return q.db.read.QueryContext(ctx, query, args...)
	}
	return rows, err
}

func (q replicaRead) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	row := q.db.replicas.list[q.k].db.QueryRowContext(ctx, query, args...)
	if q.fellBack(ctx, row.Err()) {
		return q.db.read.QueryRowContext(ctx, query, args...)
	}
	return row
}

func (q replicaRead) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := q.db.replicas.list[q.k].db.ExecContext(ctx, query, args...)
	if q.fellBack(ctx, err) {
		return q.db.read.ExecContext(ctx, query, args...)
	}
	return res, err
}

// fellBack counts a read by the pool that serves it, given how the
// replica answered: true when the replica has gone away, is now marked
// down, and the read is to run on the primary instead.
func (q replicaRead) fellBack(ctx context.Context, err error) bool {
	set := q.db.replicas
	if err == nil || ctx.Err() != nil || !replicaGone(err) {
		set.replicaReads[q.k].Add(1)
		return false
	}
	r := set.list[q.k]
	reason := pgReason(err)
	r.mu.Lock()
	if r.up {
		q.db.log.Warn("read replica failed a read; reading from the primary until a poll reaches it again",
			"replica", r.name, "reason", reason)
	}
	r.up, r.why = false, reason
	r.mu.Unlock()
	set.primaryReads.Add(1)
	return true
}

// replicaGone recognises a replica read that failed because of the
// replica rather than the query: the replica cannot be reached or ended
// the connection (isUnreachable: refused, closed, 57P01 when its backends
// were terminated or it shut down), or, as a hot standby, cancelled the
// statement for a conflict with recovery (40001, or 57014 once the
// caller's own context is known not to have been cancelled). A read-only
// statement meets 40001 on a standby only so.
func replicaGone(err error) bool {
	if isUnreachable(err) {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "57014")
}

// ReplicaStat is one replica's state for monitoring.
type ReplicaStat struct {
	Name     string
	Up       bool
	Lag      time.Duration
	Replayed LSN
	// Down says why the last poll found the replica unusable; empty while up.
	Down string
}

// ReplicaStats reports each replica, in the order given to AddReplicas.
func (db *DB) ReplicaStats() []ReplicaStat {
	if db.replicas == nil {
		return nil
	}
	out := make([]ReplicaStat, 0, len(db.replicas.list))
	for _, r := range db.replicas.list {
		up, at, lag := r.state()
		out = append(out, ReplicaStat{Name: r.name, Up: up, Lag: lag, Replayed: at, Down: r.downReason()})
	}
	return out
}

// RoutedReads counts the reads that could have gone to a replica, by the
// pool that served them ("primary", "replica-1", ...). Empty without
// replicas.
func (db *DB) RoutedReads() map[string]uint64 {
	set := db.replicas
	if set == nil {
		return nil
	}
	out := map[string]uint64{"primary": set.primaryReads.Load()}
	for i, r := range set.list {
		out[r.name] = set.replicaReads[i].Load()
	}
	return out
}

// HasReplicas reports whether read replicas are configured.
func (db *DB) HasReplicas() bool { return db.replicas != nil }

// WALPosition is where the primary's WAL stands now: every transaction
// committed so far lies behind it.
func (db *DB) WALPosition(ctx context.Context) (LSN, error) {
	if db.dialect != Postgres {
		return 0, errors.New("WAL positions are PostgreSQL's")
	}
	return walLSN(ctx, db.write, "pg_current_wal_insert_lsn")
}
