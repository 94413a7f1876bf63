package oversight

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
)

var (
	now    = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	chief  = []access.Role{access.ChiefOffice}
	psd    = []access.Role{access.PSDHead}
	body   = []access.Role{access.Oversight}
	byDate = time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
)

func goodCommitment() Commitment {
	return Commitment{Text: "Fewer misconduct cases open over a year", Measure: "open-by-age", Group: []string{"Share open over 12 months"},
		Stat: measures.Share, Baseline: 0.18, Target: 0.10, TargetOn: byDate}
}

func fieldsOf(err error) string {
	var names []string
	for _, f := range fault.FieldsOf(err) {
		names = append(names, f.Field)
	}
	return strings.Join(names, ",")
}

func TestCommitmentsAreCheckedAgainstTheCatalogue(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Commitment)
		field string // "" when accepted
	}{
		{"a good commitment", func(*Commitment) {}, ""},
		{"an unknown measure", func(c *Commitment) { c.Measure = "happiness" }, "commitments[0].measure"},
		{"no measure", func(c *Commitment) { c.Measure = "" }, "commitments[0].measure"},
		{"too few group labels", func(c *Commitment) { c.Measure = "disproportionality" }, "commitments[0].group"},
		{"an unknown stat", func(c *Commitment) { c.Stat = "mean" }, "commitments[0].stat"},
		{"no target date", func(c *Commitment) { c.TargetOn = time.Time{} }, "commitments[0].target_on"},
		{"a target date past", func(c *Commitment) { c.TargetOn = now.AddDate(0, 0, -1) }, "commitments[0].target_on"},
		{"no target (equal to the baseline)", func(c *Commitment) { c.Target = c.Baseline }, "commitments[0].target"},
		{"a share over one", func(c *Commitment) { c.Target = 10 }, "commitments[0].target"},
		{"no text", func(c *Commitment) { c.Text = " " }, "commitments[0].text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPlan("req", "Timeliness", chief, "chief-office", now)
			if err != nil {
				t.Fatal(err)
			}
			c := goodCommitment()
			tc.edit(&c)
			err = p.SetCommitments([]Commitment{c}, chief, now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !fault.Is(err, fault.Invalid) || !strings.Contains(fieldsOf(err), tc.field) {
				t.Fatalf("got %v (fields %s), want the field %s named", err, fieldsOf(err), tc.field)
			}
		})
	}
}

// TestPlanStateMachine walks a plan through rejection and resubmission to
// closing, and checks each refusal names the state and what is allowed.
func TestPlanStateMachine(t *testing.T) {
	p, err := NewPlan("req", "Timeliness", psd, "psd-head", now)
	if err != nil {
		t.Fatal(err)
	}
	step := func(name string, err error, want fault.Kind, mention string) {
		t.Helper()
		if want == "" {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
		var na *NotAllowedError
		if fault.KindOf(err) != want || (want != fault.Invalid && !errors.As(err, &na)) || !strings.Contains(err.Error(), mention) {
			t.Fatalf("%s: got %v (%s), want %s mentioning %q", name, err, fault.KindOf(err), want, mention)
		}
	}
	reject := Assessment{Outcome: Rejected, Reasons: "Not enough", ResubmitBy: ptr(now.AddDate(0, 1, 0)),
		Commitments: []CommitmentDecision{{Verdict: CommitmentRejected, Reasons: "Too slow"}}}
	step("assess a draft", p.Assess(reject, body, "oversight", now), fault.Conflict, "a draft cannot be assessed")
	step("submit with nothing", p.Submit(ActSubmit, chief, "chief-office", now), fault.Invalid, "")
	step("psd-head drafts", p.SetCommitments([]Commitment{goodCommitment()}, psd, now), "", "")
	step("psd-head submits", p.Submit(ActSubmit, psd, "psd-head", now), fault.Forbidden, "your role may not submit it")
	step("chief submits", p.Submit(ActSubmit, chief, "chief-office", now), "", "")
	if p.State != Submitted {
		t.Fatalf("state %s", p.State)
	}
	step("edit once submitted", p.SetCommitments(nil, chief, now), fault.Conflict, "submitted and awaiting assessment")
	step("chief assesses", p.Assess(reject, chief, "chief-office", now), fault.Forbidden, "assess")
	step("body rejects", p.Assess(reject, body, "oversight", now), "", "")
	if p.State != Assessed || !p.Overdue(now.AddDate(0, 2, 0)) || p.Overdue(now) {
		t.Fatalf("after rejection: %s, overdue %v", p.State, p.Overdue(now.AddDate(0, 2, 0)))
	}
	step("close a rejected plan", p.Close(body, "oversight", now), fault.Conflict, "assessed cannot be closed")
	step("resubmit with no revision", p.Submit(ActResubmit, chief, "chief-office", now), fault.Conflict, "edit its commitments")
	c := goodCommitment()
	c.Target = 0.08
	step("revise", p.SetCommitments([]Commitment{c}, chief, now), "", "")
	if len(p.Revisions) != 2 || p.Revisions[0].Commitments[0].Target != 0.10 || p.Revisions[1].Commitments[0].Target != 0.08 {
		t.Fatalf("the first revision's history was not kept: %+v", p.Revisions)
	}
	step("resubmit", p.Submit(ActResubmit, chief, "chief-office", now), "", "")
	if p.State != Resubmitted {
		t.Fatalf("state %s", p.State)
	}
	accept := Assessment{Outcome: AcceptedWithConditions, Reasons: "Better", Conditions: "Report each quarter",
		Commitments: []CommitmentDecision{{Verdict: CommitmentAccepted}}}
	step("accept with conditions", p.Assess(accept, body, "oversight", now), "", "")
	step("close", p.Close(body, "oversight", now), "", "")
	step("comment once closed", func() error { _, err := NewComment(p, "late", chief, "chief-office", now); return err }(), fault.Conflict, "do nothing")
	if cur, ok := p.Current(); !ok || cur.N != 2 || cur.Assessment.Outcome != AcceptedWithConditions {
		t.Fatalf("current revision: %+v", cur)
	}
}

func TestAssessmentsAreChecked(t *testing.T) {
	two := []Commitment{goodCommitment(), goodCommitment()}
	for _, tc := range []struct {
		name  string
		a     Assessment
		field string
	}{
		{"one rejected, one accepted, rejected overall", Assessment{Outcome: Rejected, Reasons: "r", ResubmitBy: ptr(now.AddDate(0, 0, 30)),
			Commitments: []CommitmentDecision{{CommitmentAccepted, ""}, {CommitmentRejected, "too slow"}}}, ""},
		{"a verdict missing", Assessment{Outcome: Accepted, Reasons: "r", Commitments: []CommitmentDecision{{CommitmentAccepted, ""}}}, "commitments"},
		{"a rejection without reasons", Assessment{Outcome: AcceptedWithConditions, Reasons: "r", Conditions: "c",
			Commitments: []CommitmentDecision{{CommitmentAccepted, ""}, {CommitmentRejected, ""}}}, "commitments[1].reasons"},
		{"accepted outright with a rejected commitment", Assessment{Outcome: Accepted, Reasons: "r",
			Commitments: []CommitmentDecision{{CommitmentAccepted, ""}, {CommitmentRejected, "x"}}}, "outcome"},
		{"rejected with no date", Assessment{Outcome: Rejected, Reasons: "r",
			Commitments: []CommitmentDecision{{CommitmentRejected, "x"}, {CommitmentRejected, "x"}}}, "resubmit_by"},
		{"conditions missing", Assessment{Outcome: AcceptedWithConditions, Reasons: "r",
			Commitments: []CommitmentDecision{{CommitmentAccepted, ""}, {CommitmentAccepted, ""}}}, "conditions"},
		{"no outcome", Assessment{Reasons: "r", Commitments: []CommitmentDecision{{CommitmentAccepted, ""}, {CommitmentAccepted, ""}}}, "outcome"},
		{"an unknown verdict", Assessment{Outcome: Accepted, Reasons: "r", Commitments: []CommitmentDecision{{CommitmentAccepted, ""}, {"maybe", ""}}}, "commitments[1].verdict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := NewPlan("req", "T", chief, "chief-office", now)
			if err := p.SetCommitments(two, chief, now); err != nil {
				t.Fatal(err)
			}
			if err := p.Submit(ActSubmit, chief, "chief-office", now); err != nil {
				t.Fatal(err)
			}
			err := p.Assess(tc.a, body, "oversight", now)
			if tc.field == "" {
				if err != nil || p.State != Assessed {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !strings.Contains(","+fieldsOf(err)+",", ","+tc.field+",") || p.State != Submitted {
				t.Fatalf("got %v, want the field %s named and the plan left as it was", err, tc.field)
			}
		})
	}
}

func TestNotices(t *testing.T) {
	known := func(id string) bool { return id == "r1" }
	if _, err := NewNotice("", []string{"nope"}, known, "oversight", now); fieldsOf(err) != "reasons,requirements" {
		t.Fatalf("bad notice: %v", err)
	}
	n, err := NewNotice("Backlog growing", []string{"r1"}, known, "oversight", now)
	if err != nil || n.State != InForce {
		t.Fatal(err)
	}
	if err := n.End(ActLift, "done", chief, "chief-office", now); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("chief office lifted a notice: %v", err)
	}
	if err := n.End(ActEscalate, "no progress", body, "oversight", now); err != nil || n.State != Escalated || n.EndedAt == nil {
		t.Fatalf("escalate: %v %+v", err, n)
	}
	if err := n.End(ActLift, "done", body, "oversight", now); !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "escalated cannot be lifted") {
		t.Fatalf("lifting an escalated notice: %v", err)
	}
}

func TestJudge(t *testing.T) {
	c := goodCommitment() // 18% down to 10% by 31 March 2027
	at := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	pts := func(vs ...float64) []Point {
		out := make([]Point, len(vs))
		for i, v := range vs {
			out[i] = Point{At: at("2026-03-31").AddDate(0, 3*i, 0), Value: v}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		pts  []Point
		now  time.Time
		want Status
	}{
		{"no figure", nil, now, NoFigure},
		{"one figure short of target", pts(0.17), now, TooEarly},
		{"one figure already at target", pts(0.09), now, OnTrack},
		{"falling fast enough", pts(0.18, 0.155, 0.13), now, OnTrack},
		{"falling too slowly", pts(0.18, 0.178, 0.176), now, OffTrack},
		{"rising", pts(0.15, 0.16, 0.17), now, OffTrack},
		{"target date passed, met", pts(0.18, 0.09), at("2027-05-01"), Met},
		{"target date passed, missed", pts(0.18, 0.12), at("2027-05-01"), Missed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, proj, why := Judge(c, tc.pts, tc.now)
			if got != tc.want || why == "" {
				t.Fatalf("got %s (%v) %q, want %s", got, proj, why, tc.want)
			}
			if (proj != nil) != (len(tc.pts) >= 2 && tc.want != Met && tc.want != Missed) {
				t.Fatalf("projection %v with %d points", proj, len(tc.pts))
			}
		})
	}
	// A perfect line projects exactly: 0.18 falling 0.02 a quarter.
	line := pts(0.18, 0.16, 0.14)
	if v := Project(line, line[2].At.AddDate(0, 3, 0)); v < 0.119 || v > 0.121 {
		t.Fatalf("projection of a line: %v", v)
	}
}

// fakeMeasures answers Compute with one row per quarter from values.
type fakeMeasures struct {
	values map[string]measures.Row // by period label
	err    error
}

func (f fakeMeasures) Compute(_ context.Context, id string, p measures.Period, _ measures.Filter) (measures.Result, error) {
	if f.err != nil {
		return measures.Result{}, f.err
	}
	res := measures.Result{Measure: id, Period: p, At: p.End}
	if r, ok := f.values[p.Label]; ok {
		res.Rows = []measures.Row{r}
	} else {
		res.Empty = true
	}
	return res, nil
}

func TestLiveFigures(t *testing.T) {
	c := goodCommitment()
	row := func(v float64, num, den int) measures.Row {
		return measures.Row{Group: c.Group, Stat: measures.Share, Value: v, Defined: true, N: num, Num: num, Den: den}
	}
	since := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		comp     fakeMeasures
		public   bool
		want     Status
		points   int
		withheld int
		why      string
	}{
		{"three quarters falling", fakeMeasures{values: map[string]measures.Row{
			"January to March 2026": row(0.18, 36, 200), "April to June 2026": row(0.15, 30, 200), "July to September 2026": row(0.12, 24, 200)}},
			false, OnTrack, 3, 0, "projects"},
		{"a small count withheld in public", fakeMeasures{values: map[string]measures.Row{
			"January to March 2026": row(0.18, 36, 200), "April to June 2026": row(0.5, 2, 4)}},
			true, TooEarly, 1, 1, "fewer than 5 records"},
		{"the same shown to staff", fakeMeasures{values: map[string]measures.Row{
			"January to March 2026": row(0.18, 36, 200), "April to June 2026": row(0.5, 2, 4)}},
			false, OffTrack, 2, 0, "projects"},
		{"a measure that fails", fakeMeasures{err: fault.Errorf(fault.Unavailable, "the database is not ready")}, false, NoFigure, 0, 0, "database is not ready"},
		{"no such row", fakeMeasures{values: map[string]measures.Row{"January to March 2026": {Group: []string{"Other"}, Stat: measures.Share, Defined: true}}},
			false, NoFigure, 0, 0, "no figure labelled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Live(context.Background(), tc.comp, c, since, at, tc.public)
			if f.Status != tc.want || len(f.Points) != tc.points || f.Withheld != tc.withheld || !strings.Contains(f.Why, tc.why) {
				t.Fatalf("got %s, %d points, %d withheld, %q", f.Status, len(f.Points), f.Withheld, f.Why)
			}
		})
	}
}

func TestTimelineLeavesDraftsToStaff(t *testing.T) {
	r := Requirement{ID: "r1", Title: "Timeliness", SetAt: now, DueOn: byDate}
	p, _ := NewPlan("r1", "Plan", chief, "chief-office", now.Add(time.Hour))
	p.ID = "p1"
	_ = p.SetCommitments([]Commitment{goodCommitment()}, chief, now)
	n, _ := NewNotice("Slow", []string{"r1"}, func(string) bool { return true }, "oversight", now.Add(time.Minute))
	staff := Timeline(r, []Notice{n}, []Plan{p}, []Comment{{PlanID: "p1", Text: "Looks thin", At: now.Add(2 * time.Hour)}}, true)
	public := Timeline(r, []Notice{n}, []Plan{p}, nil, false)
	if len(staff) != 4 || len(public) != 2 || public[1].What != "Chief officer put on notice" {
		t.Fatalf("staff %+v\npublic %+v", staff, public)
	}
}

func TestRequirementValidation(t *testing.T) {
	r := Requirement{Title: "T", Text: "x", Reason: "y", DueOn: now.AddDate(0, 1, 0), Measures: []string{"open-by-age", "nope"}}
	if got := fieldsOf(r.Validate(now)); got != "measures" {
		t.Fatalf("fields %s", got)
	}
	r.Measures = []string{"open-by-age"}
	if err := r.Validate(now); err != nil {
		t.Fatal(err)
	}
	if got := MissingRequirements([]string{"a", "b", "b"}, map[string]RequirementRef{"a": {}}); len(got) != 1 || got[0] != "b" {
		t.Fatalf("missing %v", got)
	}
}

func ptr[T any](v T) *T { return &v }
