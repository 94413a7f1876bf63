package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/vetting"
)

// TestVettingReviewsOpenWithTheCase: recording a case opens, in the same
// transaction, a review of each subject whose allegation is in a category
// the rules name, and of each whose allegations in 24 months reach three;
// the review tells the vetting unit the category, the date and the case
// reference, nothing more; deciding it records the officer's new standing.
func TestVettingReviewsOpenWithTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		ref, _ := cases.LoadReference()
		record := func(t *testing.T, officerID, category, sub string, received time.Time) cases.Case {
			t.Helper()
			c := cases.Case{Kind: cases.Complaint, ForceID: w.force.ID, UnitID: w.units[0].ID, Summary: "Reported at the counter",
				AroseOn: received.AddDate(0, 0, -1), ReceivedAt: received,
				Allegations: []cases.Allegation{{Category: category, Subcategory: sub, Subjects: []cases.Subject{{OfficerID: officerID}}}}}
			if err := c.Validate(ref, now); err != nil {
				t.Fatal(err)
			}
			c.Prepare(ref, now)
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", now) }); err != nil {
				t.Fatal(err)
			}
			return c
		}
		openFor := func(officerID string) []vetting.Review {
			t.Helper()
			rs, err := db.VettingReviews(ctx, officerID)
			if err != nil {
				t.Fatal(err)
			}
			var open []vetting.Review
			for _, r := range rs {
				if r.Open() {
					open = append(open, r)
				}
			}
			return open
		}
		// Bob has one allegation (delivery of duties): nothing opens.
		if rs := openFor(w.bob.ID); len(rs) != 0 {
			t.Fatalf("bob has reviews before any trigger: %+v", rs)
		}
		// Alice has two allegations this year (impolite language, stop
		// and search): a third of any kind opens a review by volume.
		third := record(t, w.alice.ID, "delivery-of-duties", "information", day("2026-03-10"))
		rs := openFor(w.alice.ID)
		if len(rs) != 1 || rs[0].Trigger.Kind != vetting.ByVolume || rs[0].Trigger.Count != 3 || rs[0].Trigger.CaseID != third.ID {
			t.Fatalf("after a third allegation: %+v", rs)
		}
		// A fourth does not open a second review by volume while the first is open.
		record(t, w.alice.ID, "delivery-of-duties", "decisions", day("2026-03-11"))
		if rs := openFor(w.alice.ID); len(rs) != 1 {
			t.Fatalf("after a fourth allegation: %d open reviews, want 1", len(rs))
		}
		// Sexual misconduct against Bob opens one by category, saying
		// only the category, the date and the case.
		sexual := record(t, w.bob.ID, "sexual-conduct", "sexual-harassment", day("2026-03-12"))
		rs = openFor(w.bob.ID)
		if len(rs) != 1 {
			t.Fatalf("bob's reviews: %+v", rs)
		}
		r := rs[0]
		if r.Trigger.Kind != vetting.ByCategory || r.Trigger.Category != "sexual-conduct" || r.Trigger.Subcategory != "sexual-harassment" ||
			r.Trigger.CaseReference != sexual.Reference || !r.Trigger.AllegationOn.Equal(day("2026-03-11")) ||
			!r.DueBy.Equal(day("2026-04-11")) {
			t.Errorf("review = %+v", r)
		}
		// Abuse of position for a sexual purpose opens another by
		// category, and is Bob's third allegation this year.
		record(t, w.bob.ID, "abuse-of-position", "sexual-purpose", day("2026-03-13"))
		kinds := map[vetting.TriggerKind]int{}
		for _, r := range openFor(w.bob.ID) {
			kinds[r.Trigger.Kind]++
		}
		if kinds[vetting.ByCategory] != 2 || kinds[vetting.ByVolume] != 1 {
			t.Errorf("after abuse of position: open reviews by kind %v, want 2 by category and 1 by volume", kinds)
		}
		// The queue: Alice's, Bob's three, and the 2014 allegation against
		// Alice in the other force, new to Probity today.
		queue, err := db.VettingQueue(ctx)
		if err != nil || len(queue) != 5 {
			t.Fatalf("queue = %+v, %v", queue, err)
		}
		db.UseAuditLog(store.NewAuditLog(db, auditSigner(t), 10))

		// Bob holds management vetting; suspending it on review records
		// his new standing and keeps the old as history.
		due := day("2031-01-01")
		cl := vetting.Clearance{OfficerID: w.bob.ID, Level: vetting.Management, Status: vetting.Granted, GrantedOn: day("2024-01-01"),
			ReviewDue: &due, Reasons: "Checks complete", DecidedBy: "vetting1", DecidedAt: now}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordClearance(ctx, &cl) }); err != nil {
			t.Fatal(err)
		}
		read := r.Version
		if err := r.Decide(vetting.Suspend, "Suspended pending the investigation", "", "vetting1", now); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DecideVettingReview(ctx, r, read, now) }); err != nil {
			t.Fatal(err)
		}
		cur, err := db.Clearances(ctx, w.bob.ID, true)
		if err != nil || len(cur) != 1 || cur[0].Status != vetting.Suspended || cur[0].Level != vetting.Management {
			t.Errorf("current clearances = %+v, %v", cur, err)
		}
		if all, _ := db.Clearances(ctx, w.bob.ID, false); len(all) != 2 {
			t.Errorf("history has %d decisions, want 2", len(all))
		}
		// The same form sent again is refused as stale.
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.DecideVettingReview(ctx, r, read, now) })
		if fault.KindOf(err) != fault.Conflict {
			t.Errorf("deciding twice: %v", err)
		}
	})
}

// TestClearancesDueForReview: the queue of periodic reviews holds each
// officer's latest granted clearance at a level whose review day falls on
// or before the day asked, soonest first; a later decision at the same
// level takes the earlier one out, and a refused or withdrawn clearance
// has nothing to review.
func TestClearancesDueForReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		due := func(s string) *time.Time { d := day(s); return &d }
		record := func(c vetting.Clearance) {
			t.Helper()
			c.Reasons, c.DecidedBy, c.DecidedAt = "Checks complete", "vetter", now
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordClearance(ctx, &c) }); err != nil {
				t.Fatal(err)
			}
		}
		record(vetting.Clearance{OfficerID: w.alice.ID, Level: vetting.Management, Status: vetting.Granted,
			GrantedOn: day("2019-06-01"), ReviewDue: due("2026-06-01")})
		record(vetting.Clearance{OfficerID: w.alice.ID, Level: vetting.Recruitment, Status: vetting.Granted,
			GrantedOn: day("2019-06-01"), ReviewDue: due("2029-06-01")})
		record(vetting.Clearance{OfficerID: w.bob.ID, Level: vetting.Management, Status: vetting.Granted,
			GrantedOn: day("2020-01-01"), ReviewDue: due("2026-02-01")})
		record(vetting.Clearance{OfficerID: w.bob.ID, Level: vetting.SC, Status: vetting.Granted,
			GrantedOn: day("2020-01-01"), ReviewDue: due("2026-03-01")})
		// Bob's security check was withdrawn after it was granted: its old
		// review day no longer calls for anything.
		record(vetting.Clearance{OfficerID: w.bob.ID, Level: vetting.SC, Status: vetting.Withdrawn, GrantedOn: day("2026-01-15")})

		got, err := db.ClearancesDue(ctx, day("2026-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, c := range got {
			lines = append(lines, c.OfficerID+" "+string(c.Level)+" "+c.ReviewDueOn().Format(time.DateOnly))
		}
		want := []string{w.bob.ID + " management 2026-02-01", w.alice.ID + " management 2026-06-01"}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Fatalf("due by 30 June 2026:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		if got, err := db.ClearancesDue(ctx, day("2026-01-31")); err != nil || len(got) != 0 {
			t.Fatalf("due by 31 January 2026: %v %v", got, err)
		}
	})
}
