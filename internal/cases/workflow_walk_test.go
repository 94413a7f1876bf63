package cases

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

// TestRandomWalks drives both state machines with random sequences of
// allowed actions and random bad attempts, checking the invariants: no
// action moves a case out of a terminal state; every sanction recorded is
// one its forum may impose; a refused attempt changes nothing; every
// non-terminal state offers an action someone can take; and every state of
// the tables is reached.
func TestRandomWalks(t *testing.T) {
	walks := 3000
	if testing.Short() {
		walks = 300
	}
	r := rand.New(rand.NewPCG(2026, 558))
	every := wfEveryRole()
	cal, err := LoadCalendar()
	if err != nil {
		t.Fatal(err)
	}
	reached := map[Kind]map[State]int{Complaint: {}, ConductMatter: {}, DeathOrSeriousInjury: {}}
	group := func(k Kind) Kind {
		if k == Complaint || k == DeathOrSeriousInjury {
			return k
		}
		return ConductMatter
	}
	for w := range walks {
		k := wfPick(r, Kinds)
		c := wfRandomCase(r, k)
		reached[group(k)][c.State]++
		var events []Event
		for step := 0; step < 60; step++ {
			tl := ReadTimeline(events)
			if IsTerminal(c) {
				// Every action on one walk in ten; a few on the rest.
				as := wfAll
				if w%10 != 0 {
					as = []Action{wfPick(r, wfAll), wfPick(r, wfAll), wfPick(r, wfAll)}
				}
				wfCheckTerminal(t, r, c, tl, as)
				break
			}
			allowed := Allowed(c, every)
			if len(allowed) == 0 {
				t.Fatalf("walk %d: %s %s is not terminal but allows nothing", w, c.Kind, c.State)
			}
			if r.IntN(2) == 0 {
				wfBadAttempt(t, r, c, tl)
			}
			// Choose among the allowed actions that have a valid input,
			// rarely the ones that end a case early.
			type choice struct {
				in     ActionInput
				weight float64
			}
			var choices []choice
			var total float64
			for _, a := range allowed {
				in, ok := wfInput(c, a, tl, r)
				if !ok {
					continue
				}
				wt := 1.0
				if a.Name == ActWithdraw || a.Name == ActOfficerLeft || a.Name == ActReportAdvisoryList || a.Name == ActSuspend {
					wt = 0.08
				}
				choices = append(choices, choice{in, wt})
				total += wt
			}
			if len(choices) == 0 {
				t.Fatalf("walk %d: %s %s allows %v but none can be taken", w, c.Kind, c.State, wfActionNames(allowed))
			}
			x := r.Float64() * total
			pick := choices[len(choices)-1].in
			for _, ch := range choices {
				if x -= ch.weight; x < 0 {
					pick = ch.in
					break
				}
			}
			a, _ := ActionByName(pick.Action)
			ev, err := Apply(&c, pick, []string{wfPick(r, a.Roles)}, nil, wfNow)
			if err != nil {
				t.Fatalf("walk %d: allowed %s from %s failed: %v", w, pick.Action, ev.Detail["from"], err)
			}
			wfCheckSanctions(t, ev)
			events = append(events, ev)
			reached[group(k)][c.State]++
			if step%7 == 0 {
				wfCheckDeadlines(t, cal, c, events)
			}
		}
		wfCheckDeadlines(t, cal, c, events)
	}
	for k, seen := range reached {
		rarest := KindStates(k)[0]
		for _, s := range KindStates(k) {
			if seen[s] == 0 && !slices.Contains(wfLegacyStates, s) {
				t.Errorf("%s: no walk reached %s", k, s)
			}
			if seen[s] < seen[rarest] && !slices.Contains(wfLegacyStates, s) {
				rarest = s
			}
		}
		t.Logf("%s: rarest state %s, reached %d times", k, rarest, seen[rarest])
	}
}

// wfCheckDeadlines checks that the clocks of a case anywhere in its walk
// can be computed: every deadline has a due date or says why it has none.
func wfCheckDeadlines(t *testing.T, cal *Calendar, c Case, events []Event) {
	t.Helper()
	c.ReceivedAt = wfNow.AddDate(0, -1, 0)
	ds, err := Deadlines(c, events, cal, wfNow.Add(time.Hour))
	if err != nil {
		t.Fatalf("%s %s: deadlines not computed: %v", c.Kind, c.State, err)
	}
	for _, d := range ds {
		if d.Due.IsZero() || d.Problem != "" {
			t.Fatalf("%s %s: deadline %s has no due date (%s)", c.Kind, c.State, d.Clock, d.Problem)
		}
	}
}

func wfRandomCase(r *rand.Rand, k Kind) Case {
	c := Case{ID: "w", Kind: k, State: k.InitialState(), RuleSet: wfPick(r, []string{"2020", "2025"})} // 2012 cases are read-only
	nAllegations := 1 + r.IntN(2)
	if k == Complaint {
		nAllegations = r.IntN(3)
	}
	for i := range nAllegations {
		al := Allegation{ID: string(rune('a'+i)) + "1"}
		officers := []string{"o1", "o2", "o3"}
		r.Shuffle(len(officers), func(i, j int) { officers[i], officers[j] = officers[j], officers[i] })
		n := 1 + r.IntN(2)
		if k == Complaint {
			n = r.IntN(3)
		}
		for _, o := range officers[:n] {
			al.Subjects = append(al.Subjects, Subject{OfficerID: o})
		}
		c.Allegations = append(c.Allegations, al)
	}
	return c
}

// wfCheckTerminal tries actions on a terminal case.
func wfCheckTerminal(t *testing.T, r *rand.Rand, c Case, tl TimelineFacts, as []Action) {
	t.Helper()
	for _, a := range as {
		in, _ := wfInput(c, a, tl, r)
		cc := wfCloneCase(c)
		_, err := Apply(&cc, in, wfEveryRole(), nil, wfNow)
		var na *NotAllowedError
		if !errors.As(err, &na) || len(na.Allowed) != 0 {
			t.Fatalf("%s in terminal %s %s: err = %v", a.Name, c.Kind, c.State, err)
		}
		if !reflect.DeepEqual(cc, c) {
			t.Fatalf("%s changed terminal %s %s", a.Name, c.Kind, c.State)
		}
	}
}

// wfBadAttempt tries a random action with random roles and a damaged
// input on a copy of c. Whatever happens must be consistent: a success
// only for an allowed action; a refusal of a disallowed action by state or
// role before any look at the input; no change on refusal.
func wfBadAttempt(t *testing.T, r *rand.Rand, c Case, tl TimelineFacts) {
	t.Helper()
	a := wfPick(r, wfAll)
	var roles []string
	for _, role := range wfEveryRole() {
		if r.IntN(3) == 0 {
			roles = append(roles, role)
		}
	}
	in, _ := wfInput(c, a, tl, r)
	switch r.IntN(10) {
	case 0:
		if len(a.Requires) > 0 {
			wfBlank(&in, wfPick(r, a.Requires))
		}
	case 1:
		for i := range in.Findings {
			in.Findings[i].Sanction = string(wfPick(r, append(slices.Clone(Sanctions), "caution")))
		}
	case 2:
		in.Forum = wfPick(r, append(slices.Clone(Forums), "court"))
		in.FinalWarningInForce, in.SeveralIncidents = r.IntN(2) == 0, r.IntN(2) == 0
	case 3:
		for i := range in.Findings {
			in.Findings[i].Severity = wfPick(r, append(slices.Clone(Severities), "bad"))
			in.Findings[i].Finding = wfPick(r, append(slices.Clone(Severities), FindingCaseToAnswer, "service_acceptable"))
		}
	case 4:
		in.Findings = append(in.Findings, FindingInput{AllegationID: "a1", OfficerID: "ghost", Severity: SeverityMisconduct})
	case 5:
		in.ReviewBody = wfPick(r, []string{ReviewBodyIOPC, ReviewBodyLPB, "ombudsman"})
		in.MandatoryGround = wfPick(r, append(slices.Clone(MandatoryHandlingGrounds), "", "whim"))
	case 6:
		in.ResumeTo = wfPick(r, KindStates(Complaint))
	case 7:
		in.Reasons = strings.Repeat("y", MaxReasons+r.IntN(2))
	case 8:
		in.Mode, in.Recipient = wfPick(r, append(slices.Clone(Modes), "psychic")), wfPick(r, []string{"o1", "o2", "o3", "o9"})
	}
	allowed := slices.Contains(wfActionNames(Allowed(c, roles)), a.Name)
	cc := wfCloneCase(c)
	ev, err := Apply(&cc, in, roles, nil, wfNow)
	var na *NotAllowedError
	switch {
	case err == nil:
		if !allowed {
			t.Fatalf("%s by %v succeeded from %s %s but is not allowed", a.Name, roles, c.Kind, c.State)
		}
		wfCheckSanctions(t, ev)
		return
	case errors.As(err, &na):
		if allowed && !strings.Contains(na.Reason, "Schedule 3 handling is mandatory") {
			t.Fatalf("%s by %v from %s %s: allowed but refused: %v", a.Name, roles, c.Kind, c.State, err)
		}
	case fault.KindOf(err) == fault.Invalid:
		if !allowed {
			t.Fatalf("%s by %v from %s %s: not allowed, but refused for its input: %v", a.Name, roles, c.Kind, c.State, err)
		}
	default:
		t.Fatalf("%s: unexpected error %v", a.Name, err)
	}
	if !reflect.DeepEqual(cc, c) {
		t.Fatalf("refused %s changed the case: %v", a.Name, err)
	}
}

// wfCheckSanctions checks every sanction an event records against its
// forum's powers, as the event itself records them.
func wfCheckSanctions(t *testing.T, ev Event) {
	t.Helper()
	if ev.Detail["findings"] == "" {
		return
	}
	var fs []FindingInput
	if err := json.Unmarshal([]byte(ev.Detail["findings"]), &fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Sanction == "" {
			continue
		}
		ok, why := SanctionAllowed(Forum(ev.Detail["forum"]), f.Finding, Sanction(f.Sanction),
			ev.Detail["final_warning_in_force"] == "true", ev.Detail["several_incidents"] == "true")
		if !ok {
			t.Fatalf("event %+v recorded a sanction beyond the forum's powers: %s", ev, why)
		}
	}
}
