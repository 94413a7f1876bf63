package demo

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
)

var (
	complaintStates = cases.KindStates(cases.Complaint)
	conductStates   = cases.KindStates(cases.ConductMatter)
	// The sanctions that are discipline, as against no sanction or RPRP.
	discipline = []string{string(cases.SanctionWrittenWarning), string(cases.SanctionFinalWrittenWarning),
		string(cases.SanctionReductionInRank), string(cases.SanctionDismissal)}
)

// final: the case's handling is over. A complaint resolved outside
// Schedule 3 is over, though it stays open to the complainant's asking
// for it to be recorded [Sch3 2(6A)], so no state is terminal for it.
func final(c Case) bool { return cases.IsTerminal(c.Case) || c.State == cases.Resolved }

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
		if c.RuleSet != ref.RuleSetFor(c.ReceivedAt).Code || !reflect.DeepEqual(again, c.Case) {
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
		if c.Kind == cases.DeathOrSeriousInjury {
			states = cases.KindStates(c.Kind)
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
					isComplaint && s.Finding != "" && s.Finding != cases.FindingWithdrawn && !slices.Contains(cases.ComplaintFindings, s.Finding),
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
		// The IOPC's treating a matter as referred is rare in practice and
		// not drawn by the routes.
		if actions[a.Name] == 0 && a.Name != cases.ActSuspend && a.Name != cases.ActResume && a.Name != cases.ActReferToVetting &&
			a.Name != cases.ActIOPCTreatsAsReferred {
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
