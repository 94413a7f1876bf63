package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

func TestParseLSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want store.LSN
		ok   bool
	}{
		{"0/0", 0, true},
		{"0/3000060", 0x3000060, true},
		{"16/B374D848", 0x16<<32 | 0xB374D848, true},
		{"16B374D848", 0, false},
		{"x/1", 0, false},
		{"1/100000000", 0, false},
	} {
		got, err := store.ParseLSN(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseLSN(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
		if c.ok && got.String() != c.in {
			t.Errorf("%q prints as %q", c.in, got.String())
		}
	}
}

// TestReplicaReads runs against the real streaming replica ./scripts/test
// starts: a list read that allows it is served by the replica, seen there
// in pg_stat_activity, while a read that must see the caller's own write
// stays on the primary until the replica has replayed that write.
func TestReplicaReads(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("PostgreSQL is not configured")
	}
	loc := storetest.NewPostgresLocation(t)
	replicaURL := storetest.OnReplica(t, loc)
	db := storetest.Open(t, loc)
	force, units := seedForce(t, db)
	if err := db.AddReplicas(ctx, []string{replicaURL}, store.ReplicaOptions{MaxConns: 2}); err != nil {
		t.Fatal(err)
	}
	// The database was made a moment ago on the primary: wait for the
	// replica to serve it.
	storetest.WaitReplayed(t, db, 0)

	// A write, and a read that must see it at once.
	mine, mark := store.MarkWrites(ctx)
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(mine, func(tx *store.Tx) error {
		o := officers.Officer{ForceID: force.ID, CollarNumber: "77", GivenName: "Ria", FamilyName: "Lane", Rank: "constable",
			UnitID: units[0].ID, JoinedOn: day("2012-01-01")}
		if err := tx.CreateOfficer(mine, &o, now); err != nil {
			return err
		}
		c := cases.Case{Kind: cases.Complaint, ForceID: force.ID, UnitID: units[0].ID, Summary: "replica case",
			AroseOn: now.AddDate(0, 0, -3), ReceivedAt: now,
			Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
				Subjects: []cases.Subject{{OfficerID: o.ID}}}}}
		if err := c.Validate(ref, now); err != nil {
			return err
		}
		c.Prepare(ref, now)
		return tx.CreateCase(mine, &c, "test", now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if mark.LSN() == 0 {
		t.Fatal("the write left no WAL position in its mark")
	}
	before := db.RoutedReads()
	// No poll has run since the write, so no replica is known to have it.
	page, err := db.ListCases(store.ReadFromReplica(mine, 0), store.CaseFilter{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	after := db.RoutedReads()
	if len(page.Items) != 1 {
		t.Errorf("read-your-write: %d cases, want the one just written", len(page.Items))
	}
	if after["primary"] != before["primary"]+1 || after["replica-1"] != before["replica-1"] {
		t.Errorf("read-your-write was not kept on the primary: routed %v then %v", before, after)
	}

	// Once the replica has replayed the write, the same caller's list is
	// served there.
	storetest.WaitReplayed(t, db, mark.LSN())
	page, err = db.ListCases(store.ReadFromReplica(ctx, mark.LSN()), store.CaseFilter{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	final := db.RoutedReads()
	if len(page.Items) != 1 {
		t.Errorf("replica read: %d cases, want 1", len(page.Items))
	}
	if final["replica-1"] != after["replica-1"]+1 || final["primary"] != after["primary"] {
		t.Errorf("list not served by the replica: routed %v then %v", after, final)
	}
	// And the replica itself saw the query.
	rdb, err := sql.Open("pgx", replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var inRecovery bool
	var seen int
	err = rdb.QueryRowContext(ctx, `SELECT pg_is_in_recovery(), (SELECT COUNT(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%FROM cases%')`).Scan(&inRecovery, &seen)
	if err != nil {
		t.Fatal(err)
	}
	if !inRecovery || seen == 0 {
		t.Errorf("replica: in recovery %v, case-list queries seen %d", inRecovery, seen)
	}

	// A read not marked for a replica never goes to one.
	if _, err := db.ListCases(ctx, store.CaseFilter{Now: now}); err != nil {
		t.Fatal(err)
	}
	if got := db.RoutedReads(); got["replica-1"] != final["replica-1"] {
		t.Errorf("an unmarked read was routed: %v", got)
	}
}

// TestReplicaSkipped: a "replica" that is not in recovery (here, the
// primary itself) is never used, and neither is one that does not answer.
func TestReplicaSkipped(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("PostgreSQL is not configured")
	}
	loc := storetest.NewPostgresLocation(t)
	db := storetest.Open(t, loc)
	dead := "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"
	if err := db.AddReplicas(ctx, []string{loc.URL, dead}, store.ReplicaOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range db.ReplicaStats() {
		if s.Up {
			t.Errorf("%s taken as a usable replica", s.Name)
		}
	}
	if _, err := db.ListCases(store.ReadFromReplica(ctx, 0), store.CaseFilter{Now: now}); err != nil {
		t.Fatal(err)
	}
	if got := db.RoutedReads(); got["primary"] != 1 || got["replica-1"]+got["replica-2"] != 0 {
		t.Errorf("routed %v", got)
	}
}

// TestReplicaBehindIsSkipped: a replica whose replay has stopped while
// the primary writes is skipped once the primary has stood for MaxLag at
// a position it has not replayed, and served from again once it catches up.
func TestReplicaBehindIsSkipped(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("PostgreSQL is not configured")
	}
	loc := storetest.NewPostgresLocation(t)
	replicaURL := storetest.OnReplica(t, loc)
	db := storetest.Open(t, loc)
	seedForce(t, db)
	const maxLag = 300 * time.Millisecond
	if err := db.AddReplicas(ctx, []string{replicaURL}, store.ReplicaOptions{MaxConns: 2, MaxLag: maxLag}); err != nil {
		t.Fatal(err)
	}
	storetest.CaughtUp(t, db)
	routedTo := func() string {
		before := db.RoutedReads()
		if _, err := db.ListCases(store.ReadFromReplica(ctx, 0), store.CaseFilter{Now: now}); err != nil {
			t.Fatal(err)
		}
		if db.RoutedReads()["replica-1"] > before["replica-1"] {
			return "replica"
		}
		return "primary"
	}
	// Other tests write to the same cluster meanwhile, so a replica just
	// caught up can fall behind again before the read: it must serve
	// within a few tries, each after catching up.
	servedByReplica := func() bool {
		for range 20 {
			storetest.CaughtUp(t, db)
			db.PollReplicas(ctx)
			if routedTo() == "replica" {
				return true
			}
		}
		return false
	}
	if !servedByReplica() {
		t.Fatalf("a caught-up replica: reads served by the primary, 20 tries (%+v)", db.ReplicaStats()[0])
	}

	// Replay paused on the replica (for the whole cluster's replica: kept
	// short), while the primary writes.
	rdb, err := sql.Open("pgx", replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if _, err := rdb.ExecContext(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			if _, err := rdb.ExecContext(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer resume()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateForce(ctx, &officers.Force{Code: "TS2", Name: "Second Constabulary"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The test cluster commits without waiting for the flush: the
	// position a poll keeps is the flushed one, there within the WAL
	// writer's delay (200 ms by default).
	time.Sleep(300 * time.Millisecond)
	db.PollReplicas(ctx) // keeps the primary's new position, with its time
	time.Sleep(maxLag + 100*time.Millisecond)
	db.PollReplicas(ctx)
	if s := db.ReplicaStats()[0]; s.Lag <= maxLag {
		t.Errorf("replay paused past the primary's last write for %v: lag %v", maxLag+100*time.Millisecond, s.Lag)
	}
	if got := routedTo(); got != "primary" {
		t.Errorf("a replica behind by more than MaxLag: read served by the %s", got)
	}

	resume()
	if !servedByReplica() {
		t.Errorf("a replica caught up again: reads served by the primary, 20 tries (%+v)", db.ReplicaStats()[0])
	}
}

// TestReplicaGoneBetweenPolls: a replica that goes away after the poll
// that found it up costs the reader nothing. The read the replica fails
// is answered by the primary and counted there, the replica is taken as
// down and not tried again, and a poll that reaches it again brings it
// back. The replica is reached through a relay that the test cuts: every
// open connection ends and new ones are dropped as soon as they connect.
func TestReplicaGoneBetweenPolls(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("PostgreSQL is not configured")
	}
	loc := storetest.NewPostgresLocation(t)
	replicaURL := storetest.OnReplica(t, loc)
	u, err := url.Parse(replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	rl := startRelay(t, u.Host)
	u.Host = rl.addr()
	db := storetest.Open(t, loc)
	seedForce(t, db)
	if err := db.AddReplicas(ctx, []string{u.String()}, store.ReplicaOptions{MaxConns: 2}); err != nil {
		t.Fatal(err)
	}
	storetest.CaughtUp(t, db)

	list := func(step string) (primary, replica uint64) {
		t.Helper()
		before := db.RoutedReads()
		if _, err := db.ListCases(store.ReadFromReplica(ctx, 0), store.CaseFilter{Now: now}); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		after := db.RoutedReads()
		return after["primary"] - before["primary"], after["replica-1"] - before["replica-1"]
	}
	if p, r := list("replica up"); p != 0 || r != 1 {
		t.Fatalf("replica up: %d reads on the primary, %d on the replica; want the replica", p, r)
	}

	rl.cut()
	if p, r := list("replica gone"); p != 1 || r != 0 {
		t.Errorf("replica gone since the poll: %d reads on the primary, %d on the replica; want the primary", p, r)
	}
	s := db.ReplicaStats()[0]
	if s.Up || s.Down == "" {
		t.Errorf("after a failed read the replica is %+v; want it down, with a reason", s)
	}
	tried := rl.accepted()
	if p, r := list("replica down"); p != 1 || r != 0 {
		t.Errorf("replica down: %d reads on the primary, %d on the replica", p, r)
	}
	if rl.accepted() != tried {
		t.Errorf("a replica marked down was tried again before any poll")
	}

	rl.mend()
	storetest.WaitReplayed(t, db, 0)
	if p, r := list("replica back"); p != 0 || r != 1 {
		t.Errorf("replica back after a poll: %d reads on the primary, %d on the replica; want the replica", p, r)
	}
}

// TestReplicaGone: which failures of a replica read are the replica's
// (the read then runs on the primary) and which are the query's or the
// caller's.
func TestReplicaGone(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"terminated backend", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"conflict with recovery", &pgconn.PgError{Code: "40001"}, true},
		{"statement cancelled by the standby", &pgconn.PgError{Code: "57014"}, true},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"dropped", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"classified", fault.Wrap(fault.Unavailable, &pgconn.PgError{Code: "57P01"}, "away"), true},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"undefined column", &pgconn.PgError{Code: "42703"}, false},
		{"cancelled request", context.Canceled, false},
		{"timed out request", fmt.Errorf("query: %w", context.DeadlineExceeded), false},
		{"no rows", sql.ErrNoRows, false},
	} {
		if got := store.ReplicaGoneForTest(c.err); got != c.want {
			t.Errorf("%s: replicaGone = %v, want %v", c.name, got, c.want)
		}
	}
}

// relay forwards TCP connections to a server until cut: then it ends
// every open connection and drops new ones as soon as they connect, as a
// server that has gone away does, until mended.
type relay struct {
	ln    net.Listener
	to    string
	mu    sync.Mutex
	down  bool
	open  map[net.Conn]bool
	count atomic.Int64
}

func startRelay(t *testing.T, to string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln, to: to, open: map[net.Conn]bool{}}
	go r.serve()
	t.Cleanup(func() {
		ln.Close()
		r.cut()
	})
	return r
}

func (r *relay) addr() string { return r.ln.Addr().String() }

// accepted counts the connections made to the relay so far.
func (r *relay) accepted() int64 { return r.count.Load() }

func (r *relay) serve() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.count.Add(1)
		go r.forward(c)
	}
}

func (r *relay) forward(c net.Conn) {
	r.mu.Lock()
	down := r.down
	r.mu.Unlock()
	if down {
		c.Close()
		return
	}
	s, err := net.Dial("tcp", r.to)
	if err != nil {
		c.Close()
		return
	}
	r.mu.Lock()
	if r.down {
		r.mu.Unlock()
		c.Close()
		s.Close()
		return
	}
	r.open[c], r.open[s] = true, true
	r.mu.Unlock()
	end := func() {
		c.Close()
		s.Close()
		r.mu.Lock()
		delete(r.open, c)
		delete(r.open, s)
		r.mu.Unlock()
	}
	go func() {
		defer end()
		_, _ = io.Copy(s, c)
	}()
	go func() {
		defer end()
		_, _ = io.Copy(c, s)
	}()
}

func (r *relay) cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = true
	for c := range r.open {
		c.Close()
	}
}

func (r *relay) mend() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = false
}
