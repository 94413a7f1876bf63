package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestAuditEntriesCommitWhileThePoolIsTaken takes every connection of the
// pool that reads share, as queued reads do under load, and records the
// audit entry of a read: it must commit. Every audited read (a case page,
// a case list) waits for the group committer, so the committer has a
// connection of its own; were it to queue for one of the pool, it would
// wait here for a connection that never comes free, whatever the timing.
// The deadline only turns that wait into a failure.
func TestAuditEntriesCommitWhileThePoolIsTaken(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := storetest.OpenWith(t, e.New(t), store.Options{MaxConns: 2})
			log := store.NewAuditLog(db, auditSigner(t), 10)
			db.UseAuditLog(log)
			// One entry first, so that the chain has a head.
			if err := db.Audit(ctx, &audit.Entry{Action: audit.Consult, ActorID: "u1", ActorName: "Reader",
				RecordType: "case", RecordID: "case-0", Outcome: audit.Success}); err != nil {
				t.Fatal(err)
			}
			release, err := db.HoldReadPoolForTest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				for i := range 3 {
					err := db.Audit(ctx, &audit.Entry{Action: audit.Consult, ActorID: "u1", ActorName: "Reader",
						RecordType: "case", RecordID: fmt.Sprintf("case-%d", i+1), Outcome: audit.Success})
					if err != nil {
						done <- fmt.Errorf("audit entry %d: %w", i+1, err)
						return
					}
				}
				done <- nil
			}()
			select {
			case err := <-done:
				release()
				if err != nil {
					t.Fatalf("with every pooled connection taken: %v", err)
				}
			case <-time.After(time.Minute):
				// Give the connections back so that the committer can
				// finish and the database close.
				release()
				<-done
				t.Fatal("with every pooled connection taken, the audit entries did not commit until the pool was given back")
			}
			if got := db.QueueDepths()["group"]; got != 0 {
				t.Errorf("group queue depth %d after the entries committed, want 0", got)
			}
		})
	}
}
