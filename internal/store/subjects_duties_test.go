package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// Whether an officer has a final written warning in force is read from
// the dated outcomes of the officer's other cases, never from a caller
// [CR 23(1), 42(5)]: a warning given within two years counts, an older
// one does not, nor one on the case being decided.
func TestFinalWarningsInForceAreReadFromTheRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		ref, _ := cases.LoadReference()
		warn := func(at time.Time, officer string) cases.Case {
			t.Helper()
			c := cases.Case{Kind: cases.ConductMatter, ForceID: w.force.ID, UnitID: w.units[0].ID, Summary: "Earlier misconduct",
				AroseOn: day("2020-05-01"), ReceivedAt: day("2020-06-01"),
				Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
					Subjects: []cases.Subject{{OfficerID: officer}}}}}
			c.Prepare(ref, at)
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", at) }); err != nil {
				t.Fatal(err)
			}
			c, _ = db.Case(ctx, c.ID)
			c.State = cases.Outcome
			c.Allegations[0].Subjects[0].Outcome = string(cases.SanctionFinalWrittenWarning)
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.SaveTransition(ctx, &c, c.Version, &cases.Event{At: at, Actor: "u", Type: "action"}, at)
			}); err != nil {
				t.Fatal(err)
			}
			return c
		}
		recent := warn(now.AddDate(-1, 0, 0), w.alice.ID)
		warn(now.AddDate(-3, 0, 0), w.bob.ID)
		ids := []string{w.alice.ID, w.bob.ID}
		got, err := db.FinalWarningsInForce(ctx, ids, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{w.alice.ID}) {
			t.Errorf("in force now: %v, want only Alice's (Bob's is three years old)", got)
		}
		if got, _ := db.FinalWarningsInForce(ctx, ids, recent.ID, now); len(got) != 0 {
			t.Errorf("the case being decided counts its own warning: %v", got)
		}
		if got, _ := db.FinalWarningsInForce(ctx, ids, "", now.AddDate(-2, 0, 0)); len(got) != 1 || got[0] != w.bob.ID {
			t.Errorf("two years ago: %v, want Bob's only (Alice's not yet given)", got)
		}
		// Saving the case again without changing the outcome keeps its date.
		c, _ := db.Case(ctx, recent.ID)
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveTransition(ctx, &c, c.Version, &cases.Event{At: now, Actor: "u", Type: "action"}, now.AddDate(5, 0, 0))
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FinalWarningsInForce(ctx, ids, "", now); !slices.Equal(got, []string{w.alice.ID}) {
			t.Errorf("after a save that kept the outcome: %v", got)
		}
	})
}

// Leaving and the list reports are kept on the officer's subject rows:
// the case goes on, and what the officer owes follows them.
func TestSubjectEventsAreKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		c, _ := db.Case(ctx, w.cases[1].ID)
		if len(c.Allegations) == 0 || len(c.Allegations[0].Subjects) == 0 {
			t.Fatalf("world case has no subject: %+v", c.Allegations)
		}
		s := &c.Allegations[0].Subjects[0]
		s.Left, s.AdvisoryList, s.BarredList = true, true, cases.BarredReported
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveTransition(ctx, &c, c.Version, &cases.Event{At: now, Actor: "u", Type: "action"}, now)
		}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Case(ctx, c.ID)
		if g := got.Allegations[0].Subjects[0]; !g.Left || !g.AdvisoryList || g.BarredList != cases.BarredReported {
			t.Errorf("subject after save: %+v", g)
		}
	})
}
