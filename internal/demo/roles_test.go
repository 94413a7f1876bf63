package demo

import (
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/oversight"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestSeedGivesEveryRoleWork: after seeding, every officer holds
// recruitment vetting, the vetting unit's queue holds only recent
// reviews (older ones were decided as they would have been), and the
// oversight body has cases shared with it that it may open.
func TestSeedGivesEveryRoleWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ds := small()
		if _, err := Seed(ctx, db, ds, now); err != nil {
			t.Fatal(err)
		}
		force, err := db.ForceByCode(ctx, ds.Force.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range ds.Officers[:5] {
			off, err := db.OfficerByCollar(ctx, force.ID, o.CollarNumber)
			if err != nil {
				t.Fatal(err)
			}
			cl, err := db.Clearances(ctx, off.ID, true)
			if err != nil || len(cl) == 0 || cl[0].ReviewDue == nil || !cl[0].ReviewDue.After(now) {
				t.Errorf("officer %s: clearances %+v, %v", o.CollarNumber, cl, err)
			}
		}
		queue, err := db.VettingQueue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(queue) == 0 {
			t.Error("the vetting unit has nothing to do")
		}
		for _, r := range queue {
			if r.OpenedAt.Before(now.AddDate(0, 0, -settledReviewDays)) {
				t.Errorf("review opened %s is still open", r.OpenedAt)
			}
		}
		if reports, err := db.SpeakUpReports(ctx, "open", 10); err != nil || len(reports) != len(demoSpeakUps) {
			t.Errorf("speak-up reports for the guardian: %d, %v", len(reports), err)
		}
		scope := access.CaseListScope(access.Principal{User: access.User{ID: "o", Roles: []access.Role{access.Oversight}},
			Roles: []access.Role{access.Oversight}, MFAPassed: true})
		page, err := db.ListCases(ctx, store.CaseFilter{Scope: &scope, Limit: 50})
		if err != nil || len(page.Items) == 0 {
			t.Errorf("the oversight body may open no case: %d, %v", len(page.Items), err)
		}
		// The oversight body and the chief officer's office: a requirement on
		// notice, its first plan rejected and the revision accepted.
		reqs, err := db.Requirements(ctx)
		if err != nil || len(reqs) != 1 {
			t.Fatalf("requirements: %d, %v", len(reqs), err)
		}
		if ns, err := db.Notices(ctx); err != nil || len(ns) != 1 || ns[0].State != oversight.InForce {
			t.Errorf("notices: %+v, %v", ns, err)
		}
		plans, err := db.Plans(ctx, reqs[0].ID)
		if err != nil || len(plans) != 1 || len(plans[0].Revisions) != 2 ||
			plans[0].Revisions[0].Assessment.Outcome != oversight.Rejected ||
			plans[0].Revisions[1].Assessment.Outcome != oversight.AcceptedWithConditions {
			t.Errorf("plans: %+v, %v", plans, err)
		}
	})
}
