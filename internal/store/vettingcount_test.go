package store_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/vetting"
)

// TestCountVettingReviews: reviews opened in a period are counted by what
// triggered them, decisions by what was decided, and open reviews as
// overdue only once the day they were due by has passed.
func TestCountVettingReviews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		ref, _ := cases.LoadReference()
		// Two allegations of sexual harassment against Bob open two
		// reviews by category; a third allegation against Alice opens
		// one by volume. All open now (14 March 2026) and are due by
		// 11 April.
		for _, s := range []struct {
			officer, category, sub string
		}{
			{w.bob.ID, "sexual-conduct", "sexual-harassment"},
			{w.bob.ID, "sexual-conduct", "sexual-harassment"},
			{w.alice.ID, "delivery-of-duties", "information"},
		} {
			c := cases.Case{Kind: cases.Complaint, ForceID: w.force.ID, UnitID: w.units[0].ID, Summary: "Reported at the counter",
				AroseOn: day("2026-03-09"), ReceivedAt: day("2026-03-10"),
				Allegations: []cases.Allegation{{Category: s.category, Subcategory: s.sub, Subjects: []cases.Subject{{OfficerID: s.officer}}}}}
			if err := c.Validate(ref, now); err != nil {
				t.Fatal(err)
			}
			c.Prepare(ref, now)
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", now) }); err != nil {
				t.Fatal(err)
			}
		}
		queue, err := db.VettingQueue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Decide one of Bob's on 20 March.
		decidedAt := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
		for _, r := range queue {
			if r.OfficerID != w.bob.ID {
				continue
			}
			read := r.Version
			if err := r.Decide(vetting.Maintain, "No concern for vetting", "", "vetting1", decidedAt); err != nil {
				t.Fatal(err)
			}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DecideVettingReview(ctx, r, read, decidedAt) }); err != nil {
				t.Fatal(err)
			}
			break
		}
		opened := map[vetting.TriggerKind]int{}
		for _, r := range queue {
			opened[r.Trigger.Kind]++
		}
		march := [2]time.Time{day("2026-03-01"), day("2026-04-01")}
		tests := []struct {
			name       string
			start, end time.Time
			now        time.Time
			opened     map[vetting.TriggerKind]int
			decided    map[vetting.Decision]int
			open, over int
		}{
			{"March, seen on the day they were due", march[0], march[1], time.Date(2026, 4, 11, 23, 0, 0, 0, time.UTC),
				opened, map[vetting.Decision]int{vetting.Maintain: 1}, len(queue) - 1, 0},
			{"March, seen the day after", march[0], march[1], time.Date(2026, 4, 12, 0, 0, 1, 0, time.UTC),
				opened, map[vetting.Decision]int{vetting.Maintain: 1}, len(queue) - 1, len(queue) - 1},
			{"April: nothing opened or decided", day("2026-04-01"), day("2026-05-01"), now,
				map[vetting.TriggerKind]int{}, map[vetting.Decision]int{}, len(queue) - 1, 0},
			{"the days before the decision", day("2026-03-14"), day("2026-03-20"), now,
				opened, map[vetting.Decision]int{}, len(queue) - 1, 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.CountVettingReviews(ctx, tc.start, tc.end, tc.now)
				if err != nil {
					t.Fatal(err)
				}
				if !sameCounts(got.Opened, tc.opened) || !sameCounts(got.Decided, tc.decided) || got.Open != tc.open || got.Overdue != tc.over {
					t.Errorf("got %+v, want opened %v decided %v open %d overdue %d", got, tc.opened, tc.decided, tc.open, tc.over)
				}
			})
		}
		if opened[vetting.ByCategory] < 2 || opened[vetting.ByVolume] < 1 {
			t.Errorf("the world opened %v, want at least 2 by category and 1 by volume", opened)
		}
	})
}

func sameCounts[K comparable](a, b map[K]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}
