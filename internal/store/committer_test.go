package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// committerTable gives a test a table of its own to write units into.
func committerTable(t *testing.T, db *store.DB) {
	t.Helper()
	if err := db.ExecForTest(ctx, `CREATE TABLE committer_units (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
}

func insertUnit(n int) func(*store.Tx) error {
	return func(tx *store.Tx) error { return tx.ExecForTest(ctx, `INSERT INTO committer_units (n) VALUES ($1)`, n) }
}

func committedUnits(t *testing.T, db *store.DB) []int {
	t.Helper()
	var got []int
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		got, err = tx.IntsForTest(ctx, `SELECT n FROM committer_units ORDER BY n`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// hold submits a unit that blocks the committer until release is closed,
// and waits until it runs, so that what is submitted next queues behind
// it and runs in one group.
func hold(t *testing.T, db *store.DB) (release chan struct{}, done chan error) {
	t.Helper()
	release, done, running := make(chan struct{}), make(chan error, 1), make(chan struct{})
	go func() {
		done <- db.InGroupForTest(ctx, func(tx *store.Tx) error {
			close(running)
			<-release
			return insertUnit(0)(tx)
		})
	}()
	<-running
	return release, done
}

// waitQueued waits until n units wait in the committer's queue.
func waitQueued(t *testing.T, db *store.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for db.CommitterQueuedForTest() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d units queued, want %d", db.CommitterQueuedForTest(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCommitterGroupsUnitsInOrderAndIsolatesAFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		committerTable(t, db)
		release, first := hold(t, db)
		const units = 10
		const failing = 4
		var mu sync.Mutex
		var ran []int
		errs := make([]chan error, units)
		for i := range units {
			errs[i] = make(chan error, 1)
			n := i + 1
			go func() {
				errs[i] <- db.InGroupForTest(ctx, func(tx *store.Tx) error {
					mu.Lock()
					ran = append(ran, n)
					mu.Unlock()
					if err := insertUnit(n)(tx); err != nil {
						return err
					}
					if n == failing {
						return errors.New("unit refused")
					}
					return nil
				})
			}()
			waitQueued(t, db, i+1) // submitted one after another
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		for i, ch := range errs {
			err := <-ch
			if n := i + 1; n == failing && err == nil {
				t.Errorf("unit %d: failed, but was told it committed", n)
			} else if n != failing && err != nil {
				t.Errorf("unit %d: %v", n, err)
			}
		}
		want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		if fmt.Sprint(ran) != fmt.Sprint(want) {
			t.Errorf("units ran in order %v, want %v", ran, want)
		}
		if got := committedUnits(t, db); fmt.Sprint(got) != "[0 1 2 3 5 6 7 8 9 10]" {
			t.Errorf("committed %v, want every unit but %d", got, failing)
		}
	})
}

func TestCommitterCancelledWhileQueuedWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		committerTable(t, db)
		release, first := hold(t, db)
		cctx, cancel := context.WithCancel(ctx)
		gave := make(chan error, 1)
		ran := make(chan struct{}, 1)
		go func() {
			gave <- db.InGroupForTest(cctx, func(tx *store.Tx) error {
				ran <- struct{}{}
				return insertUnit(1)(tx)
			})
		}()
		waitQueued(t, db, 1)
		after := make(chan error, 1)
		go func() { after <- db.InGroupForTest(ctx, insertUnit(2)) }()
		waitQueued(t, db, 2)
		cancel()
		if err := <-gave; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled unit: %v, want context.Canceled", err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-after; err != nil {
			t.Fatal(err)
		}
		select {
		case <-ran:
			t.Error("a unit whose caller gave up while it was queued still ran")
		default:
		}
		if got := committedUnits(t, db); fmt.Sprint(got) != "[0 2]" {
			t.Errorf("committed %v, want [0 2]", got)
		}
	})
}

func TestCommitterShutdownDrainsTheQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		committerTable(t, db)
		release, first := hold(t, db)
		const units = 5
		errs := make(chan error, units)
		for i := range units {
			go func() { errs <- db.InGroupForTest(ctx, insertUnit(i+1)) }()
		}
		waitQueued(t, db, units)
		closed := make(chan struct{})
		go func() { db.CloseCommitterForTest(); close(closed) }()
		time.Sleep(20 * time.Millisecond)
		close(release)
		<-closed
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		for range units {
			if err := <-errs; err != nil {
				t.Errorf("a unit queued before shutdown: %v", err)
			}
		}
		if got := committedUnits(t, db); fmt.Sprint(got) != "[0 1 2 3 4 5]" {
			t.Errorf("committed %v, want every queued unit", got)
		}
		if err := db.InGroupForTest(ctx, insertUnit(9)); !errors.Is(err, store.ErrCommitterClosed) {
			t.Errorf("a unit after shutdown: %v, want ErrCommitterClosed", err)
		}
	})
}

func TestCommitterRaisesAUnitsPanicInItsCaller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		committerTable(t, db)
		func() {
			defer func() {
				if p := recover(); p != "unit panicked" {
					t.Errorf("recovered %v, want the unit's panic", p)
				}
			}()
			_ = db.InGroupForTest(ctx, func(tx *store.Tx) error {
				if err := insertUnit(1)(tx); err != nil {
					return err
				}
				panic("unit panicked")
			})
		}()
		if err := db.InGroupForTest(ctx, insertUnit(2)); err != nil {
			t.Fatal(err)
		}
		if got := committedUnits(t, db); fmt.Sprint(got) != "[2]" {
			t.Errorf("committed %v, want only the unit that returned", got)
		}
	})
}

// Reads' audit entries recorded at once share transactions: the chain
// must still verify, with every entry in it once.
func TestConcurrentGroupedAuditRecordsVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		log := store.NewAuditLog(db, auditSigner(t), 7)
		const n = 60
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- log.Record(ctx, &audit.Entry{Action: audit.Consult, ActorID: "u1", ActorName: "Reader",
					RecordType: "case", RecordID: fmt.Sprintf("case-%d", i), Outcome: audit.Success})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if rep := verifyAudit(t, db); !rep.OK || rep.Entries != n || rep.Checkpoints != n/7 {
			t.Fatalf("after %d concurrent grouped appends: %+v", n, rep)
		}
	})
}

// A group indexes the search text of the cases its units recorded once,
// before its commit: a committed unit's case is found by its words, a
// rolled-back unit's is not, and a unit run alone indexes at once.
func TestCommitterIndexesTheSearchTextOfCommittedUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		committerTable(t, db)
		f, units := seedForce(t, db)
		o := officers.Officer{ForceID: f.ID, CollarNumber: "7", FamilyName: "Doe", Rank: "constable", UnitID: units[0].ID, JoinedOn: day("2012-01-01")}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &o, now) }); err != nil {
			t.Fatal(err)
		}
		record := func(word string, fail bool) func(*store.Tx) error {
			return func(tx *store.Tx) error {
				c := newCase(t, f, units[0], o.ID)
				c.Summary = "Complaint about a " + word
				if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
					return err
				}
				if fail {
					return errors.New("refused after recording")
				}
				return nil
			}
		}
		release, first := hold(t, db)
		words := []string{"bicycle", "umbrella", "lantern"}
		errs := make([]chan error, len(words))
		for i, w := range words {
			errs[i] = make(chan error, 1)
			go func() { errs[i] <- db.InGroupForTest(ctx, record(w, w == "umbrella")) }()
			waitQueued(t, db, i+1)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		for i, w := range words {
			if err := <-errs[i]; (err != nil) != (w == "umbrella") {
				t.Fatalf("unit %s: %v", w, err)
			}
		}
		if err := db.InTx(ctx, record("teapot", false)); err != nil {
			t.Fatal(err)
		}
		for w, want := range map[string]int{"bicycle": 1, "umbrella": 0, "lantern": 1, "teapot": 1, "complaint": 3} {
			page, err := db.ListCases(ctx, store.CaseFilter{Text: w, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) != want {
				t.Errorf("search %q found %d cases, want %d", w, len(page.Items), want)
			}
		}
	})
}

// A group signs the audit chain's head once, before its commit: the head
// its last committed unit left, even when a later unit was rolled back
// to its savepoint after appending; the log then verifies and the next
// append, in a transaction of its own, extends it.
func TestCommitterSignsTheAuditHeadItsUnitsLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		committerTable(t, db)
		log := store.NewAuditLog(db, auditSigner(t), 1000)
		appendEntry := func(i int, fail bool) func(*store.Tx) error {
			return func(tx *store.Tx) error {
				if err := log.Append(ctx, tx, auditEntry(i)); err != nil {
					return err
				}
				if fail {
					return errors.New("refused after appending")
				}
				return nil
			}
		}
		for _, failing := range []int{1, 2} {
			release, first := hold(t, db)
			errs := make([]chan error, 3)
			for i := range errs {
				errs[i] = make(chan error, 1)
				go func() { errs[i] <- db.InGroupForTest(ctx, appendEntry(i, i == failing)) }()
				waitQueued(t, db, i+1)
			}
			close(release)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			for i := range errs {
				if err := <-errs[i]; (err != nil) != (i == failing) {
					t.Fatalf("unit %d: %v", i, err)
				}
			}
			if err := db.ResetCommittedUnitsForTest(ctx); err != nil {
				t.Fatal(err)
			}
		}
		head, err := db.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if head.Seq != 4 || len(head.Signature) == 0 {
			t.Fatalf("head after two groups: %+v, want entry 4, signed", head)
		}
		if err := log.Record(ctx, auditEntry(9)); err != nil {
			t.Fatal(err)
		}
		if r := verifyAudit(t, db); !r.OK || r.Entries != 5 {
			t.Fatalf("after two groups and an append: %+v", r)
		}
	})
}
