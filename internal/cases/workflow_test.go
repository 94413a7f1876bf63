package cases

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

func TestRoleNamesAreTheAccessRoles(t *testing.T) {
	for _, r := range []string{RoleHandler, RoleInvestigator, RoleAuthority, RolePSDHead} {
		if !access.Role(r).Valid() {
			t.Errorf("role %q is not an access role", r)
		}
	}
	for _, a := range AllActions() {
		for _, r := range a.Roles {
			if !access.Role(r).Valid() {
				t.Errorf("%s: role %q is not an access role", a.Name, r)
			}
		}
	}
}

// TestActionTableIsWellFormed checks the tables against themselves: every
// state of a kind is the source or target of some action, every action
// moves between states of its own kinds, and every non-terminal state has
// a way out.
func TestActionTableIsWellFormed(t *testing.T) {
	seen := map[ActionName]bool{}
	for _, a := range AllActions() {
		if seen[a.Name] {
			t.Errorf("%s defined twice", a.Name)
		}
		seen[a.Name] = true
		if a.Title == "" || len(a.Roles) == 0 || len(a.From) == 0 || len(a.Kinds) == 0 || a.Source == "" {
			t.Errorf("%s: incomplete %+v", a.Name, a)
		}
		if (a.To == "") != (a.Name == ActResume || a.Stays) {
			t.Errorf("%s: To = %q", a.Name, a.To)
		}
		for _, f := range append(slices.Clone(a.Requires), a.Optional...) {
			if !slices.Contains([]Field{FieldReasons, FieldReferralGround, FieldMandatoryGround, FieldMode, FieldForum,
				FieldFindings, FieldSeverity, FieldFinding, FieldSanction, FieldFinalWarning, FieldSeveralIncidents,
				FieldSignedWithdrawal, FieldReviewBody, FieldReviewFacts, FieldResumeTo, FieldRecipient, FieldAppealOutcome,
				FieldInvestigationException, FieldOnBehalfOf}, f) {
				t.Errorf("%s: unknown field %q", a.Name, f)
			}
		}
		// refer_to_iopc serves both machines, from a state of each.
		for _, s := range a.From {
			if !slices.ContainsFunc(a.Kinds, func(k Kind) bool { return slices.Contains(KindStates(k), s) }) {
				t.Errorf("%s: from %s, not a state of %v", a.Name, s, a.Kinds)
			}
		}
		for _, k := range a.Kinds {
			states := KindStates(k)
			if !slices.ContainsFunc(a.From, func(s State) bool { return slices.Contains(states, s) }) {
				t.Errorf("%s: from no %s state", a.Name, k)
			}
			if a.To != "" && !slices.Contains(states, a.To) {
				t.Errorf("%s: to %s, not a %s state", a.Name, a.To, k)
			}
		}
	}
	for _, k := range Kinds {
		for _, s := range KindStates(k) {
			var in, out bool
			for _, a := range AllActions() {
				if !slices.Contains(a.Kinds, k) {
					continue
				}
				in = in || a.To == s || (a.Name == ActResume && s != Suspended && slices.Contains(wfOpenComplaintStates(), s))
				out = out || slices.Contains(a.From, s)
			}
			if !in && s != k.InitialState() && !slices.Contains(wfLegacyStates, s) {
				t.Errorf("%s: no action leads to %s", k, s)
			}
			terminal := IsTerminal(Case{Kind: k, State: s})
			// Final and Withdrawn end the case unless a duty is still owed
			// (the barred-list report, the IOPC's public-interest decision).
			if out == terminal && s != Final && s != Withdrawn {
				t.Errorf("%s: %s terminal = %v but has actions out = %v", k, s, terminal, out)
			}
		}
	}
}

func TestTerminalStates(t *testing.T) {
	for _, tc := range []struct {
		kind  Kind
		state State
		want  bool
	}{
		{Complaint, Closed, true}, {Complaint, Resolved, false}, {Complaint, Withdrawn, true},
		{Complaint, ReviewNotUpheld, false}, {Complaint, Suspended, false},
		{ConductMatter, NoFurtherAction, true}, {RecordableConduct, RPRP, true}, {DeathOrSeriousInjury, RecordedAsConduct, true},
		{DeathOrSeriousInjury, Closed, true}, {DeathOrSeriousInjury, Reported, false},
		{ConductMatter, Performance, true}, {ConductMatter, BarredListReported, true}, {ConductMatter, AdvisoryListReported, true},
		{ConductMatter, NoMisconduct, false}, {ConductMatter, Outcome, false},
	} {
		if got := IsTerminal(Case{Kind: tc.kind, State: tc.state}); got != tc.want {
			t.Errorf("IsTerminal(%s %s) = %v", tc.kind, tc.state, got)
		}
	}
	// Final is terminal unless someone was dismissed: the barred list
	// report is still owed.
	c := wfFixture(ConductMatter, Final)
	if IsTerminal(c) {
		t.Error("Final with a dismissal is terminal")
	}
	wfEachSubject(&c, func(s *Subject) { s.Outcome = string(SanctionFinalWrittenWarning) })
	if !IsTerminal(c) {
		t.Error("Final without a dismissal is not terminal")
	}
	if got := wfActionNames(Allowed(c, wfEveryRole())); len(got) != 0 {
		t.Errorf("Final without dismissal allows %v", got)
	}
}

// TestEveryTransition takes every action from every state of every kind it
// belongs to: it succeeds from its From states and is refused, naming the
// allowed actions, from every other.
func TestEveryTransition(t *testing.T) {
	ref := wfReference(t)
	for _, a := range AllActions() {
		for _, k := range a.Kinds {
			for _, s := range KindStates(k) {
				c := wfFixtureFor(a.Name, k, s)
				before := wfCloneCase(c)
				in, ok := wfInput(c, a, wfFixtureTimeline(s), nil)
				if !ok && slices.Contains(a.From, s) {
					t.Fatalf("%s on %s %s: no valid input", a.Name, k, s)
				}
				ev, err := Apply(&c, in, a.Roles, ref, wfNow)
				if slices.Contains(a.From, s) {
					if err != nil {
						t.Errorf("%s from %s %s: %v", a.Name, k, s, err)
						continue
					}
					want := a.To
					if a.Name == ActResume {
						want = in.ResumeTo
					}
					if a.Stays {
						want = s
					}
					if c.State != want || ev.Type != EventStateChanged || ev.Detail["action"] != string(a.Name) ||
						ev.Detail["from"] != string(s) || ev.Detail["to"] != string(want) || !ev.At.Equal(wfNow) {
						t.Errorf("%s from %s %s: state %s, event %+v", a.Name, k, s, c.State, ev)
					}
					continue
				}
				var na *NotAllowedError
				if !errors.As(err, &na) {
					t.Errorf("%s from %s %s: err = %v, want NotAllowedError", a.Name, k, s, err)
					continue
				}
				if want := wfActionNames(Allowed(before, a.Roles)); na.State != s || na.Action != a.Name ||
					!slices.Equal(na.Allowed, want) || fault.KindOf(err) != fault.Conflict {
					t.Errorf("%s from %s %s: %+v, want allowed %v", a.Name, k, s, na, want)
				}
				if !reflect.DeepEqual(c, before) {
					t.Errorf("%s from %s %s: refused action changed the case", a.Name, k, s)
				}
			}
		}
	}
}

func TestVettingRouteCoversEveryLaterRuleSet(t *testing.T) {
	a, _ := ActionByName(ActReferToVetting)
	from := time.Date(2025, 5, 28, 0, 0, 0, 0, time.UTC) // SI 2025/558
	for _, rs := range wfReference(t).RuleSets {
		if got, want := slices.Contains(a.RuleSets, rs.Code), !rs.EffectiveFrom.Before(from); got != want {
			t.Errorf("rule set %s (from %s): vetting route %v, want %v", rs.Code, rs.EffectiveFrom.Format(time.DateOnly), got, want)
		}
	}
	c := wfFixture(ConductMatter, SeverityAssessed)
	c.RuleSet = ""
	c.AroseOn = time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	c.ReceivedAt = time.Date(2025, 5, 28, 9, 0, 0, 0, time.UTC)
	if !slices.Contains(wfActionNames(Allowed(c, []string{RoleAuthority})), ActReferToVetting) {
		t.Error("a matter received on 28 May 2025 has no vetting route")
	}
}
