package oversight

import (
	"testing"
	"time"
)

func TestOutstandingWork(t *testing.T) {
	now := time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC)
	date := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	req := func(id string, due time.Time) Requirement {
		return Requirement{ID: id, Title: "Requirement " + id, DueOn: due}
	}
	submitted := &now
	assessed := func(o Outcome, by *time.Time) []Revision {
		return []Revision{{N: 1, SubmittedAt: submitted, Assessment: &Assessment{Outcome: o, ResubmitBy: by}}}
	}
	resubmitBy := func(m time.Month, d int) *time.Time { v := date(m, d); return &v }
	reqs := []Requirement{
		req("none", date(7, 1)),     // no plan: due on the requirement's date
		req("late", date(6, 1)),     // no plan and past its date: overdue
		req("draft", date(8, 1)),    // drafting
		req("waiting", date(5, 1)),  // submitted: waits on the body, no date
		req("rejected", date(5, 1)), // rejected: due on the resubmission date
		req("rejectedlate", date(5, 1)),
		req("accepted", date(5, 1)), // nothing outstanding
		req("closed", date(5, 1)),   // nothing outstanding
		req("revised", date(5, 1)),  // an older rejected plan, a newer draft
	}
	plans := []Plan{
		{ID: "p-draft", RequirementID: "draft", State: Draft, Revisions: []Revision{{N: 1}}, CreatedAt: now},
		{ID: "p-waiting", RequirementID: "waiting", State: Submitted, Revisions: []Revision{{N: 1, SubmittedAt: submitted}}, CreatedAt: now},
		{ID: "p-rejected", RequirementID: "rejected", State: Assessed, Revisions: assessed(Rejected, resubmitBy(6, 30)), CreatedAt: now},
		{ID: "p-rejectedlate", RequirementID: "rejectedlate", State: Assessed, Revisions: assessed(Rejected, resubmitBy(6, 9)), CreatedAt: now},
		{ID: "p-accepted", RequirementID: "accepted", State: Assessed, Revisions: assessed(Accepted, nil), CreatedAt: now},
		{ID: "p-closed", RequirementID: "closed", State: Closed, Revisions: assessed(Accepted, nil), CreatedAt: now},
		{ID: "p-old", RequirementID: "revised", State: Assessed, Revisions: assessed(Rejected, resubmitBy(6, 1)), CreatedAt: now.AddDate(0, -2, 0)},
		{ID: "p-new", RequirementID: "revised", State: Draft, Revisions: []Revision{{N: 1}}, CreatedAt: now},
	}
	notices := []Notice{
		{ID: "n1", State: InForce, RequirementIDs: []string{"late"}},
		{ID: "n2", State: Lifted, RequirementIDs: []string{"none"}},
	}
	got := OutstandingWork(reqs, plans, notices, now)

	type want struct {
		req, plan string
		on        Party
		due       time.Time
		overdue   bool
		onNotice  bool
	}
	// Overdue first, then by due date; the body's step has no date and
	// comes last. The revised requirement's new draft is past the
	// requirement's own date, so it is overdue.
	wants := []want{
		{"revised", "p-new", Force, date(5, 1), true, false},
		{"late", "", Force, date(6, 1), true, true},
		{"rejectedlate", "p-rejectedlate", Force, date(6, 9), true, false},
		{"rejected", "p-rejected", Force, date(6, 30), false, false},
		{"none", "", Force, date(7, 1), false, false},
		{"draft", "p-draft", Force, date(8, 1), false, false},
		{"waiting", "p-waiting", Body, time.Time{}, false, false},
	}
	if len(got) != len(wants) {
		for _, o := range got {
			t.Logf("%s %s %s", o.Requirement.ID, o.WaitsOn, o.What)
		}
		t.Fatalf("%d outstanding, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		o := got[i]
		if o.Requirement.ID != w.req || o.PlanID != w.plan || o.WaitsOn != w.on || o.Overdue != w.overdue || o.OnNotice != w.onNotice || o.What == "" {
			t.Errorf("%d: got %s plan %q on %s overdue %v notice %v (%q), want %+v", i, o.Requirement.ID, o.PlanID, o.WaitsOn, o.Overdue, o.OnNotice, o.What, w)
			continue
		}
		switch {
		case w.due.IsZero() && o.DueOn != nil:
			t.Errorf("%s: due %v, want no date", w.req, *o.DueOn)
		case !w.due.IsZero() && (o.DueOn == nil || !o.DueOn.Equal(w.due)):
			t.Errorf("%s: due %v, want %v", w.req, o.DueOn, w.due)
		}
	}
}
