package demo

import (
	"testing"

	"github.com/probity/probity/internal/hearings"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestSeedHearingNotices: the demo's notices stand one published, one
// taken down and one waiting for approval, each on a case that reached a
// misconduct hearing, and only the first is public.
func TestSeedHearingNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// More conduct matters than small(), so that some reach a hearing.
		ds := GenerateWith(1, now, GenerateOptions{Officers: 150, ComplaintsPerYear: 40, ConductPerYear: 60, Years: 2})
		if _, err := Seed(ctx, db, ds, now); err != nil {
			t.Fatal(err)
		}
		all, err := db.HearingNotices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var standings []hearings.Standing
		for _, n := range all {
			standings = append(standings, n.Standing(now))
			var facts hearings.CaseFacts
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				facts, err = tx.HearingCaseFacts(ctx, n.CaseID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if !hearings.ReachedHearing(facts.Visited) {
				t.Errorf("a notice on case %s, which never reached a hearing", facts.Reference)
			}
		}
		want := map[hearings.Standing]bool{hearings.StandingPublished: true, hearings.StandingEnded: true, hearings.StandingAwaiting: true}
		if len(standings) != 3 {
			t.Fatalf("standings %v", standings)
		}
		for _, s := range standings {
			if !want[s] {
				t.Errorf("standings %v", standings)
			}
			delete(want, s)
		}
		public, err := db.PublicHearingNotices(ctx, hearings.Day(now))
		if err != nil || len(public) != 1 || public[0].ApprovedBy != "psd-head" || public[0].DraftedBy != "authority" {
			t.Errorf("public: %+v %v", public, err)
		}
	})
}
