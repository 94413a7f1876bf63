package store_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestFinalisedAtFollowsTheTimeline: a case keeps the time of its first
// step into a state the measures count as finalised, whatever adds the
// step, and only such a step sets it: the trigger's list of states and
// the measures' must not part. A later finalising step leaves it; a step
// dated earlier than the one kept takes its place.
func TestFinalisedAtFollowsTheTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, units := seedForce(t, db)
		o := officers.Officer{ForceID: f.ID, CollarNumber: "71", FamilyName: "Moss", Rank: "constable", UnitID: units[0].ID, JoinedOn: day("2015-01-01")}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &o, now) }); err != nil {
			t.Fatal(err)
		}
		step := func(caseID string, to cases.State, at time.Time) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.AppendEvent(ctx, caseID, &cases.Event{At: at, Actor: "test", Type: cases.EventStateChanged,
					Detail: map[string]string{"to": string(to)}})
			}); err != nil {
				t.Fatal(err)
			}
		}
		kept := func(caseID string) (time.Time, bool) {
			t.Helper()
			at, err := db.FinalisedAt(ctx, caseID)
			if err != nil {
				t.Fatal(err)
			}
			return at.Time, at.Valid
		}
		open := []cases.State{cases.Received, cases.InitialContact, cases.RecordedSch3, cases.LocalInvestigation,
			cases.ReviewRequested, cases.HearingReferred, cases.Outcome}
		for _, st := range append(append([]cases.State{}, store.FinalisedStates...), open...) {
			c := newCase(t, f, units[0], o.ID)
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", now) }); err != nil {
				t.Fatal(err)
			}
			if _, set := kept(c.ID); set {
				t.Fatalf("a case just received is finalised")
			}
			first := now.Add(time.Hour)
			step(c.ID, st, first)
			at, set := kept(c.ID)
			finalised := false
			for _, fs := range store.FinalisedStates {
				finalised = finalised || fs == st
			}
			if set != finalised || (set && !at.Equal(first)) {
				t.Errorf("a step into %s: finalised_at %v (set %v), want set %v at %v", st, at, set, finalised, first)
			}
			if !finalised {
				continue
			}
			step(c.ID, cases.Closed, first.Add(48*time.Hour))
			if at, _ := kept(c.ID); !at.Equal(first) {
				t.Errorf("%s then Closed: finalised_at moved to %v", st, at)
			}
			earlier := first.Add(-30 * time.Minute)
			step(c.ID, st, earlier)
			if at, _ := kept(c.ID); !at.Equal(earlier) {
				t.Errorf("%s dated earlier: finalised_at %v, want %v", st, at, earlier)
			}
		}
	})
}
