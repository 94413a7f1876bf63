package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 3, 14, 15, 4, 5, 0, time.UTC)
	// The full-size dataset is generated once and shared by the tests
	// that only read it.
	full = sync.OnceValue(func() *Dataset { return Generate(1, now) })
)

func reference(t testing.TB) *cases.Reference {
	t.Helper()
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func pct(n, of int) float64 { return 100 * float64(n) / float64(of) }

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.1f%%, want %.1f%% ± %.1f", what, got, want, tol)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := full()
	// The same instant with a monotonic reading and another zone is still
	// the same clock.
	m := time.Now()
	b := Generate(1, m.Add(now.Sub(m)).In(time.FixedZone("BST", 3600)))
	if !reflect.DeepEqual(a.Summary(), b.Summary()) {
		t.Fatalf("same seed, different figures:\n%v\n%v", a.Summary(), b.Summary())
	}
	if !reflect.DeepEqual(a, b) {
		for i := range a.Cases {
			if !reflect.DeepEqual(a.Cases[i], b.Cases[i]) {
				t.Fatalf("same seed, case %d differs:\n%+v\n%+v", i, a.Cases[i], b.Cases[i])
			}
		}
		t.Fatal("same seed, different datasets")
	}
	// Another seed is checked at a smaller size, as a third full-size run
	// would add seconds under the race detector and prove nothing more.
	opt := GenerateOptions{Officers: 400, ComplaintsPerYear: 200, ConductPerYear: 30, Years: 5}
	c1, c2 := GenerateWith(1, now, opt), GenerateWith(2, now, opt)
	if reflect.DeepEqual(c1.Summary(), c2.Summary()) {
		t.Errorf("seeds 1 and 2 gave the same figures: %v", c1.Summary())
	}
	if reflect.DeepEqual(c1.Cases[:10], c2.Cases[:10]) || reflect.DeepEqual(c1.Officers[:10], c2.Officers[:10]) {
		t.Error("seeds 1 and 2 gave the same first cases or officers")
	}
}

func TestForceShape(t *testing.T) {
	ds := full()
	if len(ds.Units) < 25 {
		t.Errorf("%d units, want at least 25", len(ds.Units))
	}
	units := map[string]bool{}
	for _, u := range ds.Units {
		if units[u.Code] || u.ForceID != ds.Force.ID || u.Name == "" {
			t.Errorf("unit %+v repeated or incomplete", u)
		}
		units[u.ID] = true
	}
	n := len(ds.Officers)
	if n < 2000 {
		t.Fatalf("%d officers, want at least 2,000", n)
	}
	ranks := map[officers.Rank]int{}
	collars := map[string]bool{}
	var female, left, moved, recent, longServing, senior int
	eth := map[string]int{}
	for _, o := range ds.Officers {
		if err := o.Validate(now); err != nil {
			t.Fatalf("officer %s: %v", o.ID, err)
		}
		if collars[o.CollarNumber] {
			t.Errorf("collar number %s used twice", o.CollarNumber)
		}
		collars[o.CollarNumber] = true
		ranks[o.Rank]++
		if o.Rank.Seniority() >= officers.Rank("superintendent").Seniority() {
			senior++
		}
		if o.Sex == "female" {
			female++
		}
		eth[o.Ethnicity]++
		if o.LeftOn != nil {
			left++
		}
		if o.JoinedOn.After(now.AddDate(-5, 0, 0)) {
			recent++
		}
		if o.JoinedOn.Before(now.AddDate(-25, 0, 0)) {
			longServing++
		}
		if len(o.Postings) > 1 {
			moved++
		}
		checkPostings(t, o, units)
	}
	if ranks["constable"] < n*60/100 {
		t.Errorf("%d constables of %d: the pyramid should be mostly constables", ranks["constable"], n)
	}
	within(t, "sergeants", pct(ranks["sergeant"], n), 15, 2)
	within(t, "inspectors", pct(ranks["inspector"], n), 5, 1.5)
	if senior > n*3/100 || ranks["commissioner"] != 1 {
		t.Errorf("%d officers of superintendent rank or above, %d commissioners", senior, ranks["commissioner"])
	}
	within(t, "women", pct(female, n), 30, 5)
	within(t, "white officers", pct(eth["white"], n), 91, 2.5)
	within(t, "Asian officers", pct(eth["asian"], n), 3.5, 1.2)
	within(t, "Black officers", pct(eth["black"], n), 1.5, 0.8)
	within(t, "Mixed officers", pct(eth["mixed"], n), 2.5, 1)
	within(t, "Other officers", pct(eth["other"], n), 1, 0.7)
	if eth[""] == 0 {
		t.Error("no officer has an unrecorded ethnicity")
	}
	within(t, "officers who left", pct(left, n), 8, 2.5)
	within(t, "officers with more than one posting", pct(moved, n), 20, 5)
	if pct(recent, n) < 20 || longServing == 0 {
		t.Errorf("joined dates: %d in the last five years, %d over 25 years ago", recent, longServing)
	}
}

// checkPostings holds a posting history to what the store will make of
// it: consecutive, starting on joining, ending in the current record.
func checkPostings(t *testing.T, o Officer, units map[string]bool) {
	t.Helper()
	ps := o.Postings
	if len(ps) == 0 || !ps[0].StartedOn.Equal(o.JoinedOn) {
		t.Fatalf("officer %s: postings %+v do not start on joining %s", o.ID, ps, o.JoinedOn)
	}
	for k, p := range ps {
		if !units[p.UnitID] || !p.Rank.Valid() || p.OfficerID != o.ID {
			t.Fatalf("officer %s: posting %+v", o.ID, p)
		}
		if o.LeftOn != nil && !p.StartedOn.Before(*o.LeftOn) && k > 0 {
			t.Errorf("officer %s: posting starts %s, after leaving on %s", o.ID, p.StartedOn, o.LeftOn)
		}
		if k+1 < len(ps) {
			if p.EndedOn == nil || !p.EndedOn.Equal(ps[k+1].StartedOn) || !ps[k+1].StartedOn.After(p.StartedOn) {
				t.Fatalf("officer %s: postings out of order: %+v", o.ID, ps)
			}
		} else if p.EndedOn != nil || p.UnitID != o.UnitID || p.Rank != o.Rank {
			t.Fatalf("officer %s: last posting %+v is not the current unit %s and rank %s", o.ID, p, o.UnitID, o.Rank)
		}
	}
}

func TestCategoryShares(t *testing.T) {
	ds := full()
	targets := map[string]float64{"delivery-of-duties": 53, "powers-policies-procedures": 21,
		"individual-behaviours": 13, "discriminatory-behaviour": 3}
	all, complaint := map[string]int{}, map[string]int{}
	disc := map[string]int{}
	var nAll, nComplaint int
	for _, c := range ds.Cases {
		for _, a := range c.Allegations {
			all[a.Category]++
			nAll++
			if c.Kind == cases.Complaint {
				complaint[a.Category]++
				nComplaint++
			}
			if a.Category == "discriminatory-behaviour" {
				disc[a.Subcategory]++
			}
		}
	}
	// The national shares describe complaint allegations; conduct matters
	// lean elsewhere but are too few to move the whole far.
	for cat, want := range targets {
		within(t, "complaint allegations in "+cat, pct(complaint[cat], nComplaint), want, 3)
		within(t, "all allegations in "+cat, pct(all[cat], nAll), want, 3)
	}
	rest := 0
	for _, cat := range []string{"abuse-of-position", "sexual-conduct", "domestic-abuse", "property-premises",
		"information-access-disclosure"} {
		if complaint[cat] == 0 {
			t.Errorf("no complaint allegation in %s", cat)
		}
		rest += complaint[cat]
	}
	within(t, "complaint allegations in the smaller categories", pct(rest, nComplaint), 10, 3)
	nDisc := all["discriminatory-behaviour"]
	within(t, "discrimination allegations about race", pct(disc["race"], nDisc), 50, 8)
	within(t, "discrimination allegations about disability", pct(disc["disability"], nDisc), 18, 6)
	within(t, "discrimination allegations about sex", pct(disc["sex"], nDisc), 14, 6)
}

func TestAllegationsPerOfficer(t *testing.T) {
	ds := full()
	type record struct {
		n             int
		firstConcern  time.Time
		lastAllegedOn time.Time
	}
	per := map[string]*record{}
	byKey := map[string]Officer{}
	for _, o := range ds.Officers {
		byKey[o.ID] = o
		per[o.ID] = &record{}
	}
	inUnit, links := 0, 0
	for _, c := range ds.Cases {
		for _, a := range c.Allegations {
			for _, s := range a.Subjects {
				o, ok := byKey[s.OfficerID]
				if !ok {
					t.Fatalf("case subject %s is not an officer", s.OfficerID)
				}
				if !o.Active(c.AroseOn) {
					t.Errorf("officer %s named in a matter of %s but serving %s to %v", o.ID, c.AroseOn, o.JoinedOn, o.LeftOn)
				}
				links++
				if unitOn(o, c.AroseOn) == c.UnitID {
					inUnit++
				}
				r := per[s.OfficerID]
				r.n++
				if (a.Category == "sexual-conduct" || a.Category == "discriminatory-behaviour") && r.firstConcern.IsZero() {
					r.firstConcern = c.AroseOn
				}
				r.lastAllegedOn = c.AroseOn
			}
		}
	}
	var none, five, most, earlyConcern int
	for _, r := range per {
		switch {
		case r.n == 0:
			none++
		case r.n >= 5:
			five++
			if !r.firstConcern.IsZero() && r.firstConcern.Before(r.lastAllegedOn) {
				earlyConcern++
			}
		}
		most = max(most, r.n)
	}
	n := len(ds.Officers)
	t.Logf("officers: %.1f%% with none, %.1f%% with five or more, at most %d", pct(none, n), pct(five, n), most)
	if p := pct(five, n); p < 1 || p > 6 {
		t.Errorf("%.1f%% of officers have five or more allegations, want 1-6%%", p)
	}
	if p := pct(none, n); p < 40 {
		t.Errorf("%.1f%% of officers have no allegation, want at least 40%%", p)
	}
	if most > 25 {
		t.Errorf("an officer has %d allegations; the worst records should stay below about 20", most)
	}
	if earlyConcern < 3 {
		t.Errorf("%d officers with five or more allegations had an earlier sexual-misconduct or discrimination one, want a few", earlyConcern)
	}
	if p := pct(inUnit, links); p < 70 {
		t.Errorf("%.1f%% of subjects served in the case's unit, want most", p)
	}
}

func unitOn(o Officer, d time.Time) string {
	unit := ""
	for _, p := range o.Postings {
		if !p.StartedOn.After(d) {
			unit = p.UnitID
		}
	}
	return unit
}

var (
	complaintStates = cases.KindStates(cases.Complaint)
	conductStates   = cases.KindStates(cases.ConductMatter)
	// The sanctions that are discipline, as against no sanction or RPRP.
	discipline = []string{string(cases.SanctionWrittenWarning), string(cases.SanctionFinalWrittenWarning),
		string(cases.SanctionReductionInRank), string(cases.SanctionDismissal)}
)

func final(c Case) bool { return cases.IsTerminal(c.Case) }

func TestEveryCaseIsValidAndConsistent(t *testing.T) {
	ds := full()
	ref := reference(t)
	people := map[string]bool{}
	for _, p := range ds.People {
		people[p.ID] = true
	}
	officerKeys := map[string]Officer{}
	for _, o := range ds.Officers {
		officerKeys[o.ID] = o
	}
	conductFindings := append(slices.Clone(cases.Severities), cases.FindingCaseToAnswer, cases.FindingNoCaseToAnswer)
	restricted, disciplined, proceedings, serviceFailed, complaintFound := 0, 0, 0, 0, 0
	for i := range ds.Cases {
		c := ds.Cases[i]
		if err := c.Validate(ref, now); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		again := c.Case
		again.Prepare(ref, now)
		if c.RuleSet != ref.RuleSetFor(c.AroseOn).Code || !reflect.DeepEqual(again, c.Case) {
			t.Fatalf("case %d is not prepared: rule set %q", i, c.RuleSet)
		}
		if c.UnitID == "" || c.ForceID != ds.Force.ID {
			t.Fatalf("case %d: force %q unit %q", i, c.ForceID, c.UnitID)
		}
		isComplaint := c.Kind == cases.Complaint
		states := conductStates
		if isComplaint {
			states = complaintStates
		}
		if !slices.Contains(states, c.State) {
			t.Fatalf("case %d: a %s in state %s", i, c.Kind, c.State)
		}
		complainants := 0
		for _, p := range c.Parties {
			if p.PersonID != "" && !people[p.PersonID] {
				t.Fatalf("case %d: party names unknown person %s", i, p.PersonID)
			}
			if _, ok := officerKeys[p.OfficerID]; p.OfficerID != "" && !ok {
				t.Fatalf("case %d: party names unknown officer %s", i, p.OfficerID)
			}
			if p.Role == cases.RoleComplainant && p.PersonID != "" {
				complainants++
			}
		}
		if isComplaint && complainants != 1 {
			t.Fatalf("complaint %d has %d complainants from the public", i, complainants)
		}
		if c.Restricted {
			restricted++
		}
		for k, a := range c.Allegations {
			if a.ID != allegationKey(i, k) {
				t.Fatalf("case %d allegation %d has key %q", i, k, a.ID)
			}
			if !isComplaint && (len(a.Subjects) == 0 || len(a.Standards) == 0) {
				t.Fatalf("conduct case %d: allegation without subject or standards: %+v", i, a)
			}
			if isComplaint && len(a.Standards) > 0 {
				t.Fatalf("complaint %d: allegation with standards", i)
			}
			if strings.TrimSpace(a.Description) == "" || strings.Contains(a.Description, "{") {
				t.Fatalf("case %d: description %q", i, a.Description)
			}
			for _, s := range a.Subjects {
				// Findings and outcomes are the workflow's codes, not words.
				switch {
				case s.Severity != "" && !slices.Contains(cases.Severities, s.Severity),
					isComplaint && s.Finding != "" && !slices.Contains(cases.ComplaintFindings, s.Finding),
					isComplaint && s.Outcome != "",
					!isComplaint && s.Finding != "" && !slices.Contains(conductFindings, s.Finding),
					s.Outcome != "" && !cases.Sanction(s.Outcome).Valid():
					t.Fatalf("case %d subject %+v", i, s)
				}
				misconduct := s.Finding == cases.SeverityMisconduct || s.Finding == cases.SeverityGrossMisconduct
				if misconduct != slices.Contains(discipline, s.Outcome) {
					t.Errorf("case %d: finding %q with outcome %q", i, s.Finding, s.Outcome)
				}
				if isComplaint && s.Finding != "" {
					complaintFound++
					if s.Finding == "service_not_acceptable" {
						serviceFailed++
					}
				}
				if !isComplaint && slices.Contains(cases.Severities, s.Finding) {
					proceedings++
					if misconduct {
						disciplined++
					}
				}
				if s.Outcome == string(cases.SanctionDismissal) {
					o := officerKeys[s.OfficerID]
					if o.LeftOn == nil || o.LeftOn.Before(c.AroseOn) {
						t.Errorf("case %d: officer %s dismissed but left on %v", i, o.ID, o.LeftOn)
					}
				}
			}
		}
	}
	if p := pct(restricted, len(ds.Cases)); p < 0.3 || p > 3 {
		t.Errorf("%.2f%% of cases restricted, want about 1%%", p)
	}
	t.Logf("%d of %d complaint findings say the service was not acceptable; %d of %d officers found to have committed misconduct by proceedings",
		serviceFailed, complaintFound, disciplined, proceedings)
	if p := pct(serviceFailed, complaintFound); p < 10 || p > 35 {
		t.Errorf("%.1f%% of complaint findings are service not acceptable, want about a quarter", p)
	}
	if p := pct(disciplined, proceedings); p < 35 || p > 80 {
		t.Errorf("%.1f%% of officers before misconduct proceedings were found to have committed misconduct, want about half", p)
	}
}

func TestNoDateAfterNow(t *testing.T) {
	ds := full()
	check := func(what string, d time.Time) {
		t.Helper()
		if d.IsZero() || d.After(now) {
			t.Fatalf("%s is %s (now is %s)", what, d, now)
		}
	}
	for _, o := range ds.Officers {
		check("joined_on of "+o.ID, o.JoinedOn)
		if o.LeftOn != nil {
			check("left_on of "+o.ID, *o.LeftOn)
		}
		for _, p := range o.Postings {
			check("posting of "+o.ID, p.StartedOn)
		}
	}
	for _, p := range ds.People {
		check("created_at of "+p.ID, p.CreatedAt)
	}
	for i, c := range ds.Cases {
		check("arose_on", c.AroseOn)
		check("received_at", c.ReceivedAt)
		for _, a := range c.Allegations {
			check("occurred_on", *a.OccurredOn)
		}
		// The timeline runs in order from receipt, each entry a state
		// change or a step, and none after now.
		last := c.ReceivedAt
		for _, e := range c.Events {
			check("event", e.At)
			_, step := cases.Steps[cases.Step(e.Type)]
			if !e.At.After(last) || (e.Type != cases.EventStateChanged && !step) || e.Actor != Actor {
				t.Fatalf("case %d: event %+v after %s", i, e, last)
			}
			last = e.At
		}
	}
}

// Every timeline replays: from the case as received, in its initial state
// with no decisions, each recorded action is one Apply allows from the
// state the one before left, in a role that may take it, with the same
// detail; each step is one RecordStep accepts. The replay ends in the
// generated case: its state and every subject's severity, finding and
// outcome.
func TestTimelinesReplay(t *testing.T) {
	ds := full()
	ref := reference(t)
	actions := map[cases.ActionName]int{}
	steps := map[string]int{}
	for i, g := range ds.Cases {
		c := g.Case
		c.State = c.Kind.InitialState()
		c.NextDueAt, c.NextDueClock = nil, ""
		c.Allegations = undecided(g.Allegations)
		for k, e := range g.Events {
			if e.Type != cases.EventStateChanged {
				if _, err := cases.RecordStep(cases.StepInput{Step: cases.Step(e.Type), Note: e.Detail["note"]}, e.At); err != nil {
					t.Fatalf("case %d event %d: %v", i, k, err)
				}
				steps[e.Type]++
				continue
			}
			a, ok := cases.ActionByName(cases.ActionName(e.Detail["action"]))
			if !ok || e.Detail["from"] != string(c.State) {
				t.Fatalf("case %d event %d: %v from %s, but the case is in %s", i, k, e.Detail["action"], e.Detail["from"], c.State)
			}
			in, err := inputFrom(e)
			if err != nil {
				t.Fatalf("case %d event %d: %v", i, k, err)
			}
			got, err := cases.Apply(&c, in, a.Roles[:1], ref, e.At)
			if err != nil {
				t.Fatalf("case %d event %d (%s): %v", i, k, a.Name, err)
			}
			if !reflect.DeepEqual(got.Detail, e.Detail) {
				t.Fatalf("case %d event %d: replayed as %v, generated as %v", i, k, got.Detail, e.Detail)
			}
			actions[a.Name]++
		}
		want := g.Case
		c.NextDueAt, c.NextDueClock = want.NextDueAt, want.NextDueClock
		if !reflect.DeepEqual(c, want) {
			t.Fatalf("case %d replays to %s %+v, generated as %s %+v", i, c.State, c.Allegations, want.State, want.Allegations)
		}
	}
	t.Logf("actions %v", actions)
	t.Logf("steps %v", steps)
	// The routes reach every part of both state machines a demo should
	// show.
	for _, a := range cases.AllActions() {
		if actions[a.Name] == 0 && a.Name != cases.ActSuspend && a.Name != cases.ActResume && a.Name != cases.ActReferToVetting {
			t.Errorf("no case was moved by %s", a.Name)
		}
	}
	for _, s := range []cases.Step{cases.StepProgressUpdate, cases.StepOutcomeDecided, cases.StepRPRPAccount, cases.StepOverdueReport} {
		if steps[string(s)] == 0 {
			t.Errorf("no %s step recorded", s)
		}
	}
}

// inputFrom reads back the input an action was taken with from the detail
// its event records.
func inputFrom(e cases.Event) (cases.ActionInput, error) {
	d := e.Detail
	in := cases.ActionInput{Action: cases.ActionName(d["action"]), Reasons: d["reasons"], ReferralGround: d["referral_ground"],
		MandatoryGround: d["mandatory_ground"], Mode: d["mode"], Forum: cases.Forum(d["forum"]), ReviewBody: d["review_body"],
		Recipient: d["recipient"], AppealOutcome: d["appeal_outcome"], SignedWithdrawal: d["signed_withdrawal"] == "true",
		FinalWarningInForce: d["final_warning_in_force"] == "true", SeveralIncidents: d["several_incidents"] == "true"}
	if in.Action == cases.ActResume {
		in.ResumeTo = cases.State(d["to"])
	}
	if f := d["findings"]; f != "" {
		if err := json.Unmarshal([]byte(f), &in.Findings); err != nil {
			return in, err
		}
	}
	if f := d["review_facts"]; f != "" {
		if err := json.Unmarshal([]byte(f), &in.ReviewFacts); err != nil {
			return in, err
		}
	}
	return in, nil
}

// Every sanction in a timeline is one the forum may impose for the
// finding, and every subject's outcome is the last one imposed on them.
func TestSanctionsAllowed(t *testing.T) {
	ds := full()
	imposed := map[cases.Sanction]int{}
	for i, c := range ds.Cases {
		last := map[[2]string]string{}
		for k, e := range c.Events {
			a := cases.ActionName(e.Detail["action"])
			if a != cases.ActRecordOutcome && a != cases.ActDecideAppeal {
				continue
			}
			forum := cases.ReadTimeline(c.Events[:k+1]).Forum
			in, err := inputFrom(e)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range in.Findings {
				if ok, why := cases.SanctionAllowed(forum, f.Finding, cases.Sanction(f.Sanction), in.FinalWarningInForce, in.SeveralIncidents); !ok {
					t.Errorf("case %d: %s imposes %s for %s at a %s: %s", i, a, f.Sanction, f.Finding, forum, why)
				}
				last[[2]string{f.AllegationID, f.OfficerID}] = f.Sanction
			}
		}
		for _, al := range c.Allegations {
			for _, s := range al.Subjects {
				if want := last[[2]string{al.ID, s.OfficerID}]; s.Outcome != want {
					t.Errorf("case %d: officer %s has outcome %q, timeline imposed %q", i, s.OfficerID, s.Outcome, want)
				}
				if s.Outcome != "" {
					imposed[cases.Sanction(s.Outcome)]++
				}
			}
		}
	}
	t.Logf("outcomes %v", imposed)
	for _, s := range []cases.Sanction{cases.SanctionWrittenWarning, cases.SanctionFinalWrittenWarning, cases.SanctionDismissal} {
		if imposed[s] == 0 {
			t.Errorf("no officer was given %s", s)
		}
	}
}

// Handlers keep complainants up to date, mostly on time: only a minority
// of open complaints has a progress update overdue, and every case's next
// deadline is the one Deadlines gives at now.
func TestProgressUpdatesMostlyOnTime(t *testing.T) {
	ds := full()
	cal, err := cases.LoadCalendar()
	if err != nil {
		t.Fatal(err)
	}
	open, overdue, anyOverdue, updating := 0, 0, 0, 0
	mix := map[cases.State]int{}
	for i, c := range ds.Cases {
		history := append([]cases.Event{recordedEvent(c.Case)}, c.Events...)
		dl, err := cases.Deadlines(c.Case, history, cal, now)
		if err != nil {
			t.Fatal(err)
		}
		next, ok := cases.NextDue(dl)
		if ok != (c.NextDueAt != nil) || ok && (!next.Due.Equal(*c.NextDueAt) || string(next.Clock) != c.NextDueClock) {
			t.Fatalf("case %d: next due %v %s, want %v", i, c.NextDueAt, c.NextDueClock, next)
		}
		if c.Kind != cases.Complaint || final(c) {
			continue
		}
		open++
		mix[c.State]++
		if len(cases.Overdue(dl)) > 0 {
			anyOverdue++
		}
		for _, d := range dl {
			if d.Clock == cases.ClockProgressUpdate {
				updating++
				if d.Overdue {
					overdue++
				}
			}
		}
	}
	t.Logf("open complaints %d by state %v: %d with a progress update running, %d (%.1f%%) overdue; %d with anything overdue",
		open, mix, updating, overdue, pct(overdue, open), anyOverdue)
	if p := pct(overdue, open); p < 2 || p > 25 {
		t.Errorf("%.1f%% of open complaints have a progress update overdue, want a minority (2-25%%)", p)
	}
}

func TestFiveYearsOfCases(t *testing.T) {
	ds := full()
	start := now.AddDate(-5, 0, 0)
	var perYear [5]int
	kinds := map[cases.Kind]int{}
	var weekday, weekend int
	for _, c := range ds.Cases {
		if !c.ReceivedAt.After(start) {
			t.Fatalf("case received %s, more than five years before %s", c.ReceivedAt, now)
		}
		perYear[int(now.Sub(c.ReceivedAt)/(time.Hour*24*366))]++
		kinds[c.Kind]++
		if wd := c.ReceivedAt.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		} else {
			weekday++
		}
	}
	for y, n := range perYear {
		if p := pct(n, len(ds.Cases)); p < 16 || p > 24 {
			t.Errorf("%.1f%% of cases received %d-%d years ago, want about a fifth", p, y, y+1)
		}
	}
	if kinds[cases.Complaint] != 5*1200 {
		t.Errorf("%d complaints, want 1,200 a year", kinds[cases.Complaint])
	}
	if conduct := len(ds.Cases) - kinds[cases.Complaint]; conduct != 5*150 {
		t.Errorf("%d conduct matters, want 150 a year", conduct)
	}
	if kinds[cases.RecordableConduct] < 5 || kinds[cases.DeathOrSeriousInjury] < 5 {
		t.Errorf("kinds %v: want a handful of recordable conduct and DSI matters", kinds)
	}
	// Per day: five weekdays against two weekend days.
	if perWeekday, perWeekendDay := float64(weekday)/5, float64(weekend)/2; perWeekday < 1.5*perWeekendDay {
		t.Errorf("%.0f cases per weekday against %.0f per weekend day: want a weekday bias", perWeekday, perWeekendDay)
	}
}

func TestStatesFollowAge(t *testing.T) {
	ds := full()
	var old, oldFinal, recent, recentFinal int
	open := map[cases.State]bool{}
	all := map[cases.State]int{}
	for _, c := range ds.Cases {
		all[c.State]++
		age := now.Sub(c.ReceivedAt)
		switch {
		case age > 14*30*24*time.Hour:
			old++
			if final(c) {
				oldFinal++
			}
		case age < 90*24*time.Hour:
			recent++
			if final(c) {
				recentFinal++
			} else {
				open[c.State] = true
			}
		}
	}
	t.Logf("states %v; %.1f%% of cases over 14 months old finished, %.1f%% under 3 months", all,
		pct(oldFinal, old), pct(recentFinal, recent))
	if p := pct(oldFinal, old); p < 98 || p == 100 {
		t.Errorf("%.1f%% of cases older than 14 months are finished, want nearly all (over 98%%) but not all", p)
	}
	if p := pct(recentFinal, recent); p > 50 {
		t.Errorf("%.1f%% of cases under three months old are finished, want most still open", p)
	}
	if len(open) < 8 {
		t.Errorf("recent open cases are in only %d states: %v", len(open), open)
	}
}

var (
	emailPattern = regexp.MustCompile(`^[a-z0-9._]+@example\.org$`)
	phonePattern = regexp.MustCompile(`^07700 900\d{3}$`)
)

func TestPeople(t *testing.T) {
	ds := full()
	used := map[string]bool{}
	for _, c := range ds.Cases {
		for _, p := range c.Parties {
			used[p.PersonID] = true
		}
	}
	var emails, phones int
	for _, p := range ds.People {
		if err := p.Validate(); err != nil {
			t.Fatalf("person %s: %v", p.ID, err)
		}
		if p.Name == "" || !used[p.ID] {
			t.Errorf("person %s has no name or takes no part in any case", p.ID)
		}
		if p.Email != "" {
			emails++
			if !emailPattern.MatchString(p.Email) {
				t.Errorf("email %q is not a plain example.org address", p.Email)
			}
		}
		if p.Phone != "" {
			phones++
			if !phonePattern.MatchString(p.Phone) {
				t.Errorf("phone %q is outside the 07700 900xxx drama range", p.Phone)
			}
		}
	}
	if emails == 0 || emails == len(ds.People) || phones == 0 || phones == len(ds.People) {
		t.Errorf("%d emails and %d phones for %d people: contact details should be optional", emails, phones, len(ds.People))
	}
}

// Every sub-category in the taxonomy must have text to describe it, or a
// change to the reference data would produce empty descriptions.
func TestTextCoversTaxonomy(t *testing.T) {
	tax := reference(t).TaxonomyAt(now)
	for _, cat := range tax.Categories {
		if len(cat.Subcategories) == 0 {
			if len(complaintText[cat.Code]) == 0 || len(conductText[cat.Code]) == 0 {
				t.Errorf("no text for %s", cat.Code)
			}
			if _, ok := subMix[cat.Code]; ok {
				t.Errorf("sub-category weights for %s, which has none", cat.Code)
			}
		}
		if len(conductText[cat.Code]) == 0 || len(standardsFor[cat.Code]) != 2 {
			t.Errorf("no conduct text or standards for %s", cat.Code)
		}
		for _, sub := range cat.Subcategories {
			if len(complaintText[cat.Code+"/"+sub.Code]) == 0 {
				t.Errorf("no complaint text for %s/%s", cat.Code, sub.Code)
			}
			if !slices.ContainsFunc(subMix[cat.Code], func(w wt) bool { return w.key == sub.Code }) {
				t.Errorf("sub-category %s/%s is never drawn", cat.Code, sub.Code)
			}
		}
	}
}

// small is a dataset the store tests can seed quickly on both engines.
func small() *Dataset {
	return GenerateWith(7, now, GenerateOptions{Officers: 150, ComplaintsPerYear: 40, ConductPerYear: 12, Years: 2})
}

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ds := small()
		sum, err := Seed(ctx, db, ds, now)
		if err != nil {
			t.Fatal(err)
		}
		want := ds.Summary()
		got := sum
		got.Took = 0
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Seed reported %v, dataset holds %v", got, want)
		}
		if sum.Took <= 0 || sum.AlreadySeeded {
			t.Errorf("summary %+v", sum)
		}
		checkStored(t, db, ds)

		again, err := Seed(ctx, db, small(), now)
		if err != nil {
			t.Fatal(err)
		}
		if !again.AlreadySeeded || again.Cases != 0 || again.Officers != 0 {
			t.Errorf("second Seed: %+v, want AlreadySeeded and nothing written", again)
		}
		if n, err := db.CaseCount(ctx); err != nil || n != len(ds.Cases) {
			t.Errorf("after second Seed: %d cases, %v", n, err)
		}
		if n := countOfficers(t, db); n != len(ds.Officers) {
			t.Errorf("after second Seed: %d officers", n)
		}
	})
}

func countOfficers(t *testing.T, db *store.DB) int {
	t.Helper()
	n, after := 0, ""
	for {
		page, err := db.Officers(ctx, "", after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
		if page.Next == "" {
			return n
		}
		after = page.Next
	}
}

// checkStored reads the seeded force back and compares it with the
// dataset, following keys to stored ids through collar numbers and unit
// codes, which are what the two have in common.
func checkStored(t *testing.T, db *store.DB, ds *Dataset) {
	t.Helper()
	forces, err := db.Forces(ctx)
	if err != nil || len(forces) != 1 || forces[0].Code != "DEMO" || !id.Valid(forces[0].ID) {
		t.Fatalf("forces %+v, %v", forces, err)
	}
	units, err := db.Units(ctx, forces[0].ID)
	// The dataset's units and the public complaints intake queue.
	if err != nil || len(units) != len(ds.Units)+1 {
		t.Fatalf("%d units stored, want %d and the intake unit (%v)", len(units), len(ds.Units), err)
	}
	unitCode := map[string]string{} // stored id or dataset key -> code
	for _, u := range units {
		unitCode[u.ID] = u.Code
	}
	for _, u := range ds.Units {
		unitCode[u.ID] = u.Code
	}
	stored := map[string]officers.Officer{} // by collar number
	after := ""
	for {
		page, err := db.Officers(ctx, "", after, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Items {
			stored[o.CollarNumber] = o
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if len(stored) != len(ds.Officers) {
		t.Fatalf("%d officers stored, want %d", len(stored), len(ds.Officers))
	}
	collarOf := map[string]string{} // stored id or dataset key -> collar number
	var movedChecked bool
	for _, o := range ds.Officers {
		s, ok := stored[o.CollarNumber]
		if !ok {
			t.Fatalf("officer %s not stored", o.CollarNumber)
		}
		collarOf[s.ID], collarOf[o.ID] = o.CollarNumber, o.CollarNumber
		if s.Rank != o.Rank || unitCode[s.UnitID] != unitCode[o.UnitID] || !s.JoinedOn.Equal(o.JoinedOn) ||
			(s.LeftOn == nil) != (o.LeftOn == nil) || s.FamilyName != o.FamilyName || s.Ethnicity != o.Ethnicity {
			t.Errorf("officer %s stored as %+v, generated as %+v", o.CollarNumber, s, o.Officer)
		}
		if len(o.Postings) > 2 && !movedChecked {
			movedChecked = true
			ps, err := db.Postings(ctx, s.ID)
			if err != nil || len(ps) != len(o.Postings) {
				t.Fatalf("officer %s: %d postings stored, want %d (%v)", o.CollarNumber, len(ps), len(o.Postings), err)
			}
			for k, p := range ps {
				w := o.Postings[k]
				if p.Rank != w.Rank || unitCode[p.UnitID] != unitCode[w.UnitID] || !p.StartedOn.Equal(w.StartedOn) {
					t.Errorf("officer %s posting %d stored as %+v, generated as %+v", o.CollarNumber, k, p, w)
				}
			}
		}
	}
	if n, err := db.CaseCount(ctx); err != nil || n != len(ds.Cases) {
		t.Fatalf("%d cases stored, want %d (%v)", n, len(ds.Cases), err)
	}
	people := map[string]string{}
	for _, p := range ds.People {
		people[p.ID] = p.Name
	}
	// Cases are seeded in order of receipt, so each kind's references
	// count up through each year in dataset order.
	seen := map[string]int{}
	for _, w := range ds.Cases {
		key := fmt.Sprint(w.Kind, w.ReceivedAt.Year())
		seen[key]++
		ref := cases.FormatReference(w.Kind, w.ReceivedAt.Year(), seen[key])
		got, err := db.CaseByReference(ctx, ref)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if got.Summary != w.Summary || got.State != w.State || got.Kind != w.Kind || got.RuleSet != w.RuleSet ||
			!got.ReceivedAt.Equal(w.ReceivedAt) || unitCode[got.UnitID] != unitCode[w.UnitID] ||
			len(got.Allegations) != len(w.Allegations) || len(got.Parties) != len(w.Parties) {
			t.Fatalf("%s stored as %+v, generated as %+v", ref, got, w.Case)
		}
		for i, a := range got.Allegations {
			wa := w.Allegations[i]
			if a.Category != wa.Category || a.Subcategory != wa.Subcategory || a.Description != wa.Description ||
				!slices.Equal(a.Standards, slices.Sorted(slices.Values(wa.Standards))) || len(a.Subjects) != len(wa.Subjects) {
				t.Errorf("%s allegation %d stored as %+v, generated as %+v", ref, i+1, a, wa)
				continue
			}
			for _, s := range a.Subjects {
				j := slices.IndexFunc(wa.Subjects, func(x cases.Subject) bool { return collarOf[x.OfficerID] == collarOf[s.OfficerID] })
				if j < 0 || wa.Subjects[j].Severity != s.Severity || wa.Subjects[j].Finding != s.Finding || wa.Subjects[j].Outcome != s.Outcome {
					t.Errorf("%s allegation %d subject %+v not as generated: %+v", ref, i+1, s, wa.Subjects)
				}
			}
		}
		for _, p := range got.Parties {
			if p.PersonID == "" {
				continue
			}
			person, err := db.Person(ctx, p.PersonID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(w.Parties, func(x cases.Party) bool { return people[x.PersonID] == person.Name }) {
				t.Errorf("%s party %s is not one of the generated parties", ref, person.Name)
			}
		}
		if (got.NextDueAt == nil) != (w.NextDueAt == nil) || got.NextDueClock != w.NextDueClock ||
			got.NextDueAt != nil && got.NextDueAt.Sub(*w.NextDueAt).Abs() >= time.Microsecond { // PostgreSQL keeps microseconds
			t.Errorf("%s next due stored as %v %s, generated as %v %s", ref, got.NextDueAt, got.NextDueClock, w.NextDueAt, w.NextDueClock)
		}
		if got.Version != 1+len(w.Events) {
			t.Errorf("%s at version %d after %d entries", ref, got.Version, len(w.Events))
		}
		events, err := db.Timeline(ctx, got.ID)
		if err != nil || len(events) != 1+len(w.Events) || events[0].Type != "recorded" ||
			events[0].Detail["state"] != string(w.Kind.InitialState()) || !events[0].At.Equal(w.ReceivedAt) {
			t.Fatalf("%s timeline %+v, want recorded in %s then %d entries (%v)", ref, events, w.Kind.InitialState(), len(w.Events), err)
		}
		// The stored findings name stored ids; read both back to collar
		// numbers and allegation numbers to compare.
		alNo := map[string]int{}
		for i, a := range got.Allegations {
			alNo[a.ID] = i
		}
		for i, a := range w.Allegations {
			alNo[a.ID] = i
		}
		common := func(d map[string]string) map[string]string {
			d = maps.Clone(d)
			if r, ok := d["recipient"]; ok {
				d["recipient"] = collarOf[r]
			}
			if f, ok := d["findings"]; ok {
				var fs []cases.FindingInput
				if err := json.Unmarshal([]byte(f), &fs); err != nil {
					t.Fatal(err)
				}
				for i := range fs {
					fs[i].AllegationID, fs[i].OfficerID = fmt.Sprint(alNo[fs[i].AllegationID]), collarOf[fs[i].OfficerID]
				}
				b, _ := json.Marshal(fs)
				d["findings"] = string(b)
			}
			return d
		}
		for k, e := range events[1:] {
			we := w.Events[k]
			if e.Type != we.Type || !e.At.Equal(we.At) || !reflect.DeepEqual(common(e.Detail), common(we.Detail)) {
				t.Errorf("%s event %d stored as %+v, generated as %+v", ref, k+2, e, we)
			}
		}
	}
}

// A dataset that mentions a key it does not define must fail to seed,
// not write a case with a dangling or empty reference.
func TestResolveRefusesUnknownKeys(t *testing.T) {
	c := small().Cases[0].Case
	if _, err := resolve(c, map[string]string{}); err == nil {
		t.Fatal("resolve accepted a case whose keys map to nothing")
	}
}

// BenchmarkSeed measures seeding the full demo force into a fresh database
// on each engine; run it with -bench Seed -benchtime 1x.
func BenchmarkSeed(b *testing.B) {
	ds := Generate(1, now)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := storetest.Open(b, e.New(b))
				b.StartTimer()
				if _, err := Seed(ctx, db, ds, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	for range b.N {
		Generate(1, now)
	}
}

// Tiny options must still give a dataset that validates, even if some
// conduct matters then have nobody serving to name.
func TestGenerateTinyForce(t *testing.T) {
	ref := reference(t)
	ds := GenerateWith(3, now, GenerateOptions{Officers: 3, ComplaintsPerYear: 5, ConductPerYear: 5, Years: 1})
	if len(ds.Officers) != 3 || len(ds.Cases) != 10 {
		t.Fatalf("%d officers, %d cases", len(ds.Officers), len(ds.Cases))
	}
	for i := range ds.Cases {
		if err := ds.Cases[i].Validate(ref, now); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
	}
}
