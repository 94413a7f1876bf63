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

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

var wfNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

// wfAll is every action, listed once for the tests that pick among them.
var wfAll = AllActions()

// wfEveryRole is every access role, by name.
func wfEveryRole() []string {
	r := make([]string, len(access.Roles))
	for i, x := range access.Roles {
		r[i] = string(x)
	}
	return r
}

func wfReference(t testing.TB) *Reference {
	t.Helper()
	r, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wfNewCase is a case of kind k under rule set rs at its initial state,
// with two allegations: officers o1 and o2 on a1, o1 on a2.
func wfNewCase(k Kind, rs string) Case {
	return Case{ID: "c1", Kind: k, RuleSet: rs, State: k.InitialState(), AroseOn: wfNow.AddDate(0, -2, 0),
		Allegations: []Allegation{
			{ID: "a1", Subjects: []Subject{{OfficerID: "o1"}, {OfficerID: "o2"}}},
			{ID: "a2", Subjects: []Subject{{OfficerID: "o1"}}},
		}}
}

// wfFixture puts a case at state s with the subject facts a case gets on
// its way there, so that the actions from s can be taken.
func wfFixture(k Kind, s State) Case {
	c := wfNewCase(k, "2025")
	c.State = s
	set := func(sev, finding, outcome string) {
		wfEachSubject(&c, func(x *Subject) { x.Severity, x.Finding, x.Outcome = sev, finding, outcome })
	}
	switch s {
	case SeverityAssessed, Investigation, Reg17Served, Interviewed, Reported, NoCaseToAnswer:
		set(SeverityMisconduct, "", "")
	case CaseToAnswer, MeetingReferred, HearingReferred, NoticeServed, OfficerResponse, Witnesses, PreHearing, Held:
		set(SeverityMisconduct, FindingCaseToAnswer, "")
	case SpecialConditions, AcceleratedHearing:
		set(SeverityGrossMisconduct, FindingCaseToAnswer, "")
	case NoMisconduct:
		set(SeverityMisconduct, SeverityNoMisconduct, "")
	case Outcome, Appeal, Final, BarredListReported:
		set(SeverityGrossMisconduct, SeverityGrossMisconduct, string(SanctionDismissal))
	}
	return c
}

// wfFixtureTimeline is what the fixture's timeline would say at s.
func wfFixtureTimeline(s State) TimelineFacts {
	tl := TimelineFacts{SuspendedFrom: RecordedSch3, Forum: ForumHearing}
	switch s {
	case Witnesses:
		tl.Forum = "" // either forum: the action decides which
	case SpecialConditions, AcceleratedHearing:
		tl.Forum = ForumAccelerated
	}
	return tl
}

const wfReasons = "The evidence in the file supports this."

func wfPick[T any](r *rand.Rand, xs []T) T {
	if len(xs) == 0 {
		var zero T
		return zero
	}
	if r == nil {
		return xs[0]
	}
	return xs[r.IntN(len(xs))]
}

func wfChance(r *rand.Rand, p float64) bool { return r != nil && r.Float64() < p }

// wfInput builds a valid input for action a on c, given what the timeline
// says; r adds variety (nil: the first valid choice each time). It reports
// false when no valid input exists, as for a pre-hearing in a case
// referred to a meeting.
func wfInput(c Case, a Action, tl TimelineFacts, r *rand.Rand) (ActionInput, bool) {
	in := ActionInput{Action: a.Name}
	takes := func(f Field) bool { return slices.Contains(a.Requires, f) || slices.Contains(a.Optional, f) }
	if takes(FieldReasons) {
		in.Reasons = wfReasons
	}
	var subjects []FindingInput // every subject of the case
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			subjects = append(subjects, FindingInput{AllegationID: al.ID, OfficerID: s.OfficerID})
		}
	}
	sub := func(fi FindingInput) *Subject { return wfSubjectOf(&c, fi) }
	forum := tl.Forum
	if forum == "" {
		forum = ForumHearing
	}
	switch a.Name {
	case ActRecordSch3:
		if wfChance(r, 0.3) {
			in.MandatoryGround = wfPick(r, MandatoryHandlingGrounds)
		}
	case ActReferToIOPC:
		in.ReferralGround = wfPick(r, ReferralGrounds).Code
	case ActNotifyOutcome:
		for _, fi := range subjects {
			fi.Finding = wfPick(r, ComplaintFindings)
			in.Findings = append(in.Findings, fi)
		}
	case ActRequestReview, ActUpholdReview, ActNotUpholdReview:
		if r != nil {
			in.ReviewFacts = ReviewFacts{SeniorOfficer: wfChance(r, 0.2), Referred: tl.Referred}
		}
		if a.Name != ActRequestReview || wfChance(r, 0.5) {
			in.ReviewBody = ReviewBodyFor(c, in.ReviewFacts)
		}
	case ActWithdraw:
		in.SignedWithdrawal = true
	case ActResume:
		if tl.SuspendedFrom == "" {
			return in, false
		}
		in.ResumeTo = tl.SuspendedFrom
	case ActAssessSeverity:
		for _, fi := range subjects {
			fi.Severity = wfPick(r, Severities)
			in.Findings = append(in.Findings, fi)
		}
	case ActStartInvestigation:
		in.Mode = ModeLocal
		if c.State == ReferredIOPC {
			in.Mode = wfPick(r, Modes)
		}
		for _, fi := range subjects {
			if sub(fi).Severity == "" || wfChance(r, 0.1) {
				fi.Severity = wfPick(r, []string{SeverityMisconduct, SeverityGrossMisconduct, SeverityPRI})
				in.Findings = append(in.Findings, fi)
			}
		}
	case ActServeReg17, ActServeReferralNotice:
		in.Recipient = wfPick(r, subjects).OfficerID
	case ActCaseToAnswer:
		for i, fi := range subjects {
			if i > 0 && wfChance(r, 0.25) {
				fi.Finding = FindingNoCaseToAnswer
			} else {
				fi.Severity = wfPick(r, []string{SeverityMisconduct, SeverityGrossMisconduct})
				if wfChance(r, 0.5) {
					fi.Finding = FindingCaseToAnswer
				}
			}
			in.Findings = append(in.Findings, fi)
		}
	case ActSpecialConditions:
		for _, fi := range subjects {
			fi.Severity = SeverityGrossMisconduct
			in.Findings = append(in.Findings, fi)
		}
	case ActHoldPreHearing:
		if tl.Forum != ForumHearing && tl.Forum != "" {
			return in, false
		}
		in.Forum = ForumHearing
	case ActHoldProceedings:
		switch c.State {
		case Witnesses:
			if tl.Forum != ForumMeeting && tl.Forum != "" {
				return in, false
			}
			in.Forum = ForumMeeting
		case PreHearing:
			in.Forum = ForumHearing
		case AcceleratedHearing:
			in.Forum = ForumAccelerated
		}
	case ActRecordOutcome:
		in.Forum = forum
		in.FinalWarningInForce, in.SeveralIncidents = wfChance(r, 0.3), wfChance(r, 0.3)
		first := true
		for _, fi := range subjects {
			s := sub(fi)
			if !wfInProceedings(s) {
				continue
			}
			// The first officer is found to have done what they were
			// referred for, so that there is an outcome to record.
			fi.Finding = s.Severity
			if !first {
				var possible []string // findings up to the referral that the forum can act on
				for _, f := range Severities[:wfSeverityRank(s.Severity)+1] {
					if _, ok := wfSanction(r, in, f); ok {
						possible = append(possible, f)
					}
				}
				fi.Finding = wfPick(r, possible)
			}
			first = false
			var ok bool
			if fi.Sanction, ok = wfSanction(r, in, fi.Finding); !ok {
				return in, false
			}
			in.Findings = append(in.Findings, fi)
		}
	case ActFindNoMisconduct:
		for _, fi := range subjects {
			if wfInProceedings(sub(fi)) && wfChance(r, 0.5) {
				fi.Finding = wfPick(r, []string{SeverityNoMisconduct, SeverityPRI})
				in.Findings = append(in.Findings, fi)
			}
		}
	case ActDecideAppeal:
		in.AppealOutcome = wfPick(r, AppealOutcomes)
		if in.AppealOutcome == AppealDismissed {
			break
		}
		in.Forum = forum
		for _, fi := range subjects {
			s := sub(fi)
			if s.Outcome == "" || (len(in.Findings) > 0 && wfChance(r, 0.5)) {
				continue
			}
			fi.Finding = wfPick(r, Severities[:max(wfSeverityRank(s.Severity), 0)+1])
			var ok bool
			if fi.Sanction, ok = wfSanction(r, in, fi.Finding); !ok {
				continue
			}
			in.Findings = append(in.Findings, fi)
		}
		if len(in.Findings) == 0 {
			in.AppealOutcome, in.Forum = AppealDismissed, ""
		}
	}
	return in, true
}

// wfSanction picks a sanction the forum may impose for a finding.
func wfSanction(r *rand.Rand, in ActionInput, finding string) (string, bool) {
	var ok []Sanction
	for _, s := range Sanctions {
		if yes, _ := SanctionAllowed(in.Forum, finding, s, in.FinalWarningInForce, in.SeveralIncidents); yes {
			ok = append(ok, s)
		}
	}
	if len(ok) == 0 {
		return "", false
	}
	return string(wfPick(r, ok)), true
}

func wfCloneCase(c Case) Case {
	c.Allegations = slices.Clone(c.Allegations)
	for i := range c.Allegations {
		c.Allegations[i].Subjects = slices.Clone(c.Allegations[i].Subjects)
	}
	return c
}

func wfActionNames(as []Action) []ActionName {
	n := make([]ActionName, len(as))
	for i, a := range as {
		n[i] = a.Name
	}
	return n
}

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
		if (a.To == "") != (a.Name == ActResume) {
			t.Errorf("%s: To = %q", a.Name, a.To)
		}
		for _, f := range append(slices.Clone(a.Requires), a.Optional...) {
			if !slices.Contains([]Field{FieldReasons, FieldReferralGround, FieldMandatoryGround, FieldMode, FieldForum,
				FieldFindings, FieldSeverity, FieldFinding, FieldSanction, FieldFinalWarning, FieldSeveralIncidents,
				FieldSignedWithdrawal, FieldReviewBody, FieldReviewFacts, FieldResumeTo, FieldRecipient, FieldAppealOutcome}, f) {
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
			if !in && s != k.InitialState() {
				t.Errorf("%s: no action leads to %s", k, s)
			}
			terminal := IsTerminal(Case{Kind: k, State: s})
			if out == terminal && s != Final {
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
		{Complaint, Closed, true}, {Complaint, Resolved, true}, {Complaint, Withdrawn, true},
		{Complaint, ReviewNotUpheld, false}, {Complaint, Suspended, false},
		{ConductMatter, NoFurtherAction, true}, {RecordableConduct, RPRP, true}, {DeathOrSeriousInjury, Vetting, true},
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
				c := wfFixture(k, s)
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

func TestRefusalNamesStateAndAllowedActions(t *testing.T) {
	c := wfFixture(Complaint, LocalInvestigation)
	_, err := Apply(&c, ActionInput{Action: ActReferToIOPC, ReferralGround: "voluntary", Reasons: "x"},
		[]string{RoleHandler, RoleAuthority}, wfReference(t), wfNow)
	want := `action "refer_to_iopc" is not allowed in state LocalInvestigation; allowed: notify_outcome, withdraw, suspend`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant  %s", err, want)
	}
	if fault.KindOf(err) != fault.Conflict || !strings.Contains(fault.Message(err), "allowed: notify_outcome") {
		t.Errorf("kind %s, message %q", fault.KindOf(err), fault.Message(err))
	}
	// An action for the other machine says so.
	_, err = Apply(&c, ActionInput{Action: ActServeReg17, Recipient: "o1"}, []string{RoleInvestigator}, nil, wfNow)
	if err == nil || !strings.Contains(err.Error(), "not an action for a complaint") {
		t.Errorf("conduct action on a complaint: %v", err)
	}
	// An unknown action is bad input, not a wrong state.
	_, err = Apply(&c, ActionInput{Action: "escalate"}, []string{RoleAuthority}, nil, wfNow)
	if fault.KindOf(err) != fault.Invalid || len(fault.FieldsOf(err)) != 1 || fault.FieldsOf(err)[0].Field != "action" {
		t.Errorf("unknown action: %v", err)
	}
}

func TestRoleRefusals(t *testing.T) {
	for _, a := range AllActions() {
		c := wfFixture(a.Kinds[0], a.From[0])
		in, _ := wfInput(c, a, wfFixtureTimeline(a.From[0]), nil)
		for _, role := range append(wfEveryRole(), "") {
			if slices.Contains(a.Roles, role) {
				continue
			}
			cc := wfCloneCase(c)
			_, err := Apply(&cc, in, []string{role}, nil, wfNow)
			var na *NotAllowedError
			if !errors.As(err, &na) || !na.ByRole || fault.KindOf(err) != fault.Forbidden ||
				!strings.Contains(err.Error(), "needs the role") {
				t.Errorf("%s by %q: err = %v", a.Name, role, err)
			}
			if !reflect.DeepEqual(cc, c) {
				t.Errorf("%s by %q changed the case", a.Name, role)
			}
		}
		// Any one of the roles will do.
		cc := wfCloneCase(c)
		if _, err := Apply(&cc, in, []string{"auditor", a.Roles[len(a.Roles)-1]}, nil, wfNow); err != nil {
			t.Errorf("%s by %v: %v", a.Name, a.Roles[len(a.Roles)-1], err)
		}
	}
}

// wfBlank removes one required field from an input.
func wfBlank(in *ActionInput, f Field) {
	for i := range in.Findings {
		switch f {
		case FieldSeverity:
			in.Findings[i].Severity = ""
		case FieldFinding:
			in.Findings[i].Finding = ""
		case FieldSanction:
			in.Findings[i].Sanction = ""
		}
	}
	switch f {
	case FieldReasons:
		in.Reasons = ""
	case FieldReferralGround:
		in.ReferralGround = ""
	case FieldMode:
		in.Mode = ""
	case FieldForum:
		in.Forum = ""
	case FieldFindings:
		in.Findings = nil
	case FieldSignedWithdrawal:
		in.SignedWithdrawal = false
	case FieldReviewBody:
		in.ReviewBody = ""
	case FieldResumeTo:
		in.ResumeTo = ""
	case FieldRecipient:
		in.Recipient = ""
	case FieldAppealOutcome:
		in.AppealOutcome = ""
	}
}

func TestMissingFieldsAreNamed(t *testing.T) {
	n := 0
	for _, a := range AllActions() {
		s := a.From[0]
		c := wfFixture(a.Kinds[0], s)
		for _, f := range a.Requires {
			in, _ := wfInput(c, a, wfFixtureTimeline(s), nil)
			wfBlank(&in, f)
			cc := wfCloneCase(c)
			_, err := Apply(&cc, in, a.Roles, nil, wfNow)
			n++
			var names []string
			for _, fe := range fault.FieldsOf(err) {
				names = append(names, fe.Field)
			}
			if fault.KindOf(err) != fault.Invalid || !slices.ContainsFunc(names, func(x string) bool {
				return strings.Contains(x, string(f))
			}) {
				t.Errorf("%s without %s: err = %v", a.Name, f, err)
			}
			if !reflect.DeepEqual(cc, c) {
				t.Errorf("%s without %s changed the case", a.Name, f)
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d required fields checked", n)
	}
}

func TestInvalidData(t *testing.T) {
	long := strings.Repeat("x", MaxReasons+1)
	for _, tc := range []struct {
		name   string
		kind   Kind
		state  State
		in     ActionInput
		change func(*Case)
		field  string
		why    string
	}{
		{name: "reasons too long", kind: Complaint, state: InitialContact,
			in: ActionInput{Action: ActRecordSch3, Reasons: long}, field: "reasons", why: "at most 10000"},
		{name: "reasons of blanks", kind: Complaint, state: RecordedSch3,
			in: ActionInput{Action: ActHandleOtherwise, Reasons: " \n\t"}, field: "reasons", why: "required"},
		{name: "unknown referral ground", kind: Complaint, state: RecordedSch3,
			in: ActionInput{Action: ActReferToIOPC, ReferralGround: "feels_serious"}, field: "referral_ground", why: "not a referral ground"},
		{name: "voluntary referral without reasons", kind: ConductMatter, state: AllegationReceived,
			in: ActionInput{Action: ActReferToIOPC, ReferralGround: "voluntary"}, field: "reasons", why: "voluntary"},
		{name: "unknown mandatory ground", kind: Complaint, state: InitialContact,
			in: ActionInput{Action: ActRecordSch3, Reasons: "r", MandatoryGround: "loud"}, field: "mandatory_ground"},
		{name: "unknown severity", kind: ConductMatter, state: AllegationReceived,
			in: ActionInput{Action: ActAssessSeverity, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Severity: "serious"}, {AllegationID: "a1", OfficerID: "o2", Severity: SeverityPRI},
				{AllegationID: "a2", OfficerID: "o1", Severity: SeverityPRI}}}, field: "findings[0].severity", why: "must be one of"},
		{name: "severity for a stranger", kind: ConductMatter, state: AllegationReceived,
			in: ActionInput{Action: ActAssessSeverity, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o9", Severity: SeverityMisconduct}}}, field: "findings[0]", why: "names no subject"},
		{name: "severity missing for one officer", kind: ConductMatter, state: AllegationReceived,
			in: ActionInput{Action: ActAssessSeverity, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Severity: SeverityMisconduct}, {AllegationID: "a2", OfficerID: "o1", Severity: SeverityPRI}}},
			field: "findings", why: "officer o2 on allegation a1"},
		{name: "same subject twice", kind: ConductMatter, state: AllegationReceived,
			in: ActionInput{Action: ActAssessSeverity, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Severity: SeverityMisconduct}, {AllegationID: "a1", OfficerID: "o1", Severity: SeverityMisconduct}}},
			field: "findings[1]", why: "twice"},
		{name: "sanction at severity assessment", kind: ConductMatter, state: AllegationReceived,
			in: ActionInput{Action: ActAssessSeverity, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Severity: SeverityMisconduct, Sanction: "written_warning"}}},
			field: "findings[0].sanction", why: "only by misconduct proceedings"},
		{name: "sanction in a complaint outcome", kind: Complaint, state: LocalInvestigation,
			in: ActionInput{Action: ActNotifyOutcome, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Finding: "service_acceptable", Sanction: "written_warning"}}},
			field: "findings[0].sanction"},
		{name: "dismissal by a meeting", kind: ConductMatter, state: Held,
			in: ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: ForumMeeting, Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "dismissal_without_notice"},
				{AllegationID: "a1", OfficerID: "o2", Finding: SeverityMisconduct, Sanction: "written_warning"},
				{AllegationID: "a2", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "written_warning"}}},
			field: "findings[0].sanction", why: "meeting that finds misconduct may impose only"},
		{name: "dismissal for misconduct without a warning in force", kind: ConductMatter, state: Held,
			in: ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: ForumHearing, Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "dismissal_without_notice"},
				{AllegationID: "a1", OfficerID: "o2", Finding: SeverityMisconduct, Sanction: "written_warning"},
				{AllegationID: "a2", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "written_warning"}}},
			field: "findings[0].sanction", why: "final written warning was in force"},
		{name: "finding beyond the referral", kind: ConductMatter, state: Held,
			in: ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: ForumHearing, Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Finding: SeverityGrossMisconduct, Sanction: "dismissal_without_notice"},
				{AllegationID: "a1", OfficerID: "o2", Finding: SeverityMisconduct, Sanction: "written_warning"},
				{AllegationID: "a2", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "written_warning"}}},
			field: "findings[0].finding", why: "exceeds"},
		{name: "outcome that finds nothing", kind: ConductMatter, state: Held,
			in: ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: ForumHearing, Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Finding: SeverityNoMisconduct, Sanction: "none"},
				{AllegationID: "a1", OfficerID: "o2", Finding: SeverityNoMisconduct, Sanction: "rprp"},
				{AllegationID: "a2", OfficerID: "o1", Finding: SeverityPRI, Sanction: "none"}}},
			field: "findings", why: "find_no_misconduct"},
		{name: "outcome for an officer with no case to answer", kind: ConductMatter, state: Held,
			change: func(c *Case) { c.Allegations[0].Subjects[1].Finding = FindingNoCaseToAnswer },
			in: ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: ForumHearing, Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "written_warning"},
				{AllegationID: "a1", OfficerID: "o2", Finding: SeverityMisconduct, Sanction: "written_warning"},
				{AllegationID: "a2", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "written_warning"}}},
			field: "findings[1]", why: "not in these proceedings"},
		{name: "unknown forum", kind: ConductMatter, state: Held,
			in: ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: "tribunal"}, field: "forum", why: "not a forum"},
		{name: "pre-hearing for a meeting", kind: ConductMatter, state: Witnesses,
			in: ActionInput{Action: ActHoldPreHearing, Forum: ForumMeeting}, field: "forum", why: "only a hearing"},
		{name: "hearing without its pre-hearing", kind: ConductMatter, state: Witnesses,
			in: ActionInput{Action: ActHoldProceedings, Forum: ForumHearing}, field: "forum", why: "pre-hearing first"},
		{name: "AA directs its own investigation", kind: ConductMatter, state: SeverityAssessed,
			in: ActionInput{Action: ActStartInvestigation, Reasons: "r", Mode: ModeDirected}, field: "mode", why: "only the IOPC"},
		{name: "unknown mode", kind: ConductMatter, state: ReferredIOPC,
			in: ActionInput{Action: ActStartInvestigation, Reasons: "r", Mode: "remote"}, field: "mode"},
		{name: "notice on a stranger", kind: ConductMatter, state: Investigation,
			in: ActionInput{Action: ActServeReg17, Recipient: "o9"}, field: "recipient", why: "not an officer subject"},
		{name: "case to answer without severity", kind: ConductMatter, state: Reported,
			in: ActionInput{Action: ActCaseToAnswer, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1"}, {AllegationID: "a1", OfficerID: "o2", Finding: FindingNoCaseToAnswer},
				{AllegationID: "a2", OfficerID: "o1", Finding: FindingNoCaseToAnswer}}}, field: "findings[0].severity", why: "CR 23"},
		{name: "case to answer for nobody", kind: ConductMatter, state: Reported,
			in: ActionInput{Action: ActCaseToAnswer, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Finding: FindingNoCaseToAnswer}, {AllegationID: "a1", OfficerID: "o2", Finding: FindingNoCaseToAnswer},
				{AllegationID: "a2", OfficerID: "o1", Finding: FindingNoCaseToAnswer}}}, field: "findings", why: "no_case_to_answer"},
		{name: "special conditions for misconduct", kind: ConductMatter, state: Reported,
			in: ActionInput{Action: ActSpecialConditions, Reasons: "r", Findings: []FindingInput{
				{AllegationID: "a1", OfficerID: "o1", Severity: SeverityMisconduct}, {AllegationID: "a1", OfficerID: "o2", Severity: SeverityGrossMisconduct},
				{AllegationID: "a2", OfficerID: "o1", Severity: SeverityGrossMisconduct}}}, field: "findings[0].severity"},
		{name: "unsigned withdrawal", kind: Complaint, state: RecordedSch3,
			in: ActionInput{Action: ActWithdraw}, field: "signed_withdrawal", why: "signed"},
		{name: "resume into a closed state", kind: Complaint, state: Suspended,
			in: ActionInput{Action: ActResume, ResumeTo: Closed}, field: "resume_to", why: "not an open complaint state"},
		{name: "resume into suspension", kind: Complaint, state: Suspended,
			in: ActionInput{Action: ActResume, ResumeTo: Suspended}, field: "resume_to"},
		{name: "review by the wrong body", kind: Complaint, state: ReviewRequested,
			in:    ActionInput{Action: ActUpholdReview, Reasons: "r", ReviewBody: ReviewBodyLPB, ReviewFacts: ReviewFacts{Referred: true}},
			field: "review_body", why: "the IOPC"},
		{name: "review body unknown", kind: Complaint, state: OutcomeNotified,
			in: ActionInput{Action: ActRequestReview, ReviewBody: "court"}, field: "review_body"},
		{name: "appeal dismissed with new findings", kind: ConductMatter, state: Appeal,
			in: ActionInput{Action: ActDecideAppeal, Reasons: "r", AppealOutcome: AppealDismissed, Forum: ForumHearing,
				Findings: []FindingInput{{AllegationID: "a1", OfficerID: "o1", Finding: SeverityGrossMisconduct, Sanction: "final_written_warning"}}},
			field: "findings", why: "outcome stands"},
		{name: "appeal varied without findings", kind: ConductMatter, state: Appeal,
			in: ActionInput{Action: ActDecideAppeal, Reasons: "r", AppealOutcome: AppealVaried}, field: "findings", why: "required"},
		{name: "appeal varied beyond the forum", kind: ConductMatter, state: Appeal,
			in: ActionInput{Action: ActDecideAppeal, Reasons: "r", AppealOutcome: AppealVaried, Forum: ForumMeeting,
				Findings: []FindingInput{{AllegationID: "a1", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: "reduction_in_rank"}}},
			field: "findings[0].sanction"},
		{name: "appeal outcome unknown", kind: ConductMatter, state: Appeal,
			in: ActionInput{Action: ActDecideAppeal, Reasons: "r", AppealOutcome: "quashed"}, field: "appeal_outcome"},
		{name: "findings where none are taken", kind: ConductMatter, state: Reported,
			in:    ActionInput{Action: ActNoCaseToAnswer, Reasons: "r", Findings: []FindingInput{{AllegationID: "a1", OfficerID: "o1"}}},
			field: "findings", why: "not taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := wfFixture(tc.kind, tc.state)
			if tc.change != nil {
				tc.change(&c)
			}
			before := wfCloneCase(c)
			_, err := Apply(&c, tc.in, wfEveryRole(), nil, wfNow)
			if fault.KindOf(err) != fault.Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			found := false
			for _, fe := range fault.FieldsOf(err) {
				found = found || fe.Field == tc.field && strings.Contains(fe.Reason, tc.why)
			}
			if !found {
				t.Errorf("err = %v, want field %s with %q", err, tc.field, tc.why)
			}
			if !reflect.DeepEqual(c, before) {
				t.Error("refused input changed the case")
			}
		})
	}
}

func TestCaseFactsRefuseActions(t *testing.T) {
	every := wfEveryRole()
	for _, tc := range []struct {
		name   string
		kind   Kind
		state  State
		change func(*Case)
		in     ActionInput
		why    string
	}{
		{name: "mandatory ground forbids logging outside Schedule 3", kind: Complaint, state: InitialContact,
			in: ActionInput{Action: ActLogOutsideSch3, MandatoryGround: "article_2_or_3"}, why: "Schedule 3 handling is mandatory"},
		{name: "mandatory ground forbids resolution outside Schedule 3", kind: Complaint, state: LoggedOutsideSch3,
			in: ActionInput{Action: ActResolve, Reasons: "r", MandatoryGround: "crime_or_disciplinary"}, why: "record it under Schedule 3"},
		{name: "vetting before SI 2025/558", kind: ConductMatter, state: SeverityAssessed,
			change: func(c *Case) { c.RuleSet = "2020" },
			in:     ActionInput{Action: ActReferToVetting, Reasons: "r"}, why: "only under rule set 2025"},
		{name: "vetting under the 2012 rules, by date", kind: RecordableConduct, state: SeverityAssessed,
			change: func(c *Case) { c.RuleSet, c.AroseOn = "", time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC) },
			in:     ActionInput{Action: ActReferToVetting, Reasons: "r"}, why: "follows rule set 2012"},
		{name: "meeting for gross misconduct", kind: ConductMatter, state: CaseToAnswer,
			change: func(c *Case) { c.Allegations[1].Subjects[0].Severity = SeverityGrossMisconduct },
			in:     ActionInput{Action: ActReferToMeeting}, why: "which a meeting cannot hear"},
		{name: "barred list without a dismissal", kind: ConductMatter, state: Final,
			change: func(c *Case) {
				wfEachSubject(c, func(s *Subject) { s.Outcome = string(SanctionFinalWrittenWarning) })
			},
			in: ActionInput{Action: ActReportBarredList}, why: "final state"},
		{name: "severity with no officer", kind: DeathOrSeriousInjury, state: AllegationReceived,
			change: func(c *Case) { c.Allegations = []Allegation{{ID: "a1"}} },
			in:     ActionInput{Action: ActAssessSeverity, Reasons: "r"}, why: "names no officer"},
		{name: "nothing moves a closed complaint", kind: Complaint, state: Closed,
			in: ActionInput{Action: ActWithdraw, SignedWithdrawal: true}, why: "Closed is a final state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := wfFixture(tc.kind, tc.state)
			if tc.change != nil {
				tc.change(&c)
			}
			before := wfCloneCase(c)
			_, err := Apply(&c, tc.in, every, wfReference(t), wfNow)
			var na *NotAllowedError
			if !errors.As(err, &na) || !strings.Contains(na.Reason, tc.why) || fault.KindOf(err) != fault.Conflict {
				t.Fatalf("err = %v, want refusal containing %q", err, tc.why)
			}
			if slices.Contains(na.Allowed, tc.in.Action) {
				t.Errorf("refused %s but lists it as allowed: %v", tc.in.Action, na.Allowed)
			}
			if !reflect.DeepEqual(c, before) {
				t.Error("refusal changed the case")
			}
		})
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
	c.AroseOn = time.Date(2025, 5, 28, 9, 0, 0, 0, time.UTC)
	if !slices.Contains(wfActionNames(Allowed(c, []string{RoleAuthority})), ActReferToVetting) {
		t.Error("a matter arising on 28 May 2025 has no vetting route")
	}
}

func TestApplyWritesSubjectsAndTimeline(t *testing.T) {
	ref := wfReference(t)
	c := wfNewCase(ConductMatter, "2025")
	var events []Event
	step := func(roles []string, in ActionInput) {
		t.Helper()
		ev, err := Apply(&c, in, roles, ref, wfNow)
		if err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
		events = append(events, ev)
	}
	aa := []string{RoleAuthority}
	all := func(sev, finding, sanction string) []FindingInput {
		return []FindingInput{{"a1", "o1", sev, finding, sanction}, {"a1", "o2", sev, finding, sanction}, {"a2", "o1", sev, finding, sanction}}
	}
	step(aa, ActionInput{Action: ActReferToIOPC, ReferralGround: "serious_corruption"})
	step(aa, ActionInput{Action: ActStartInvestigation, Reasons: "IOPC: directed", Mode: ModeDirected,
		Findings: all(SeverityGrossMisconduct, "", "")})
	step([]string{RoleInvestigator}, ActionInput{Action: ActServeReg17, Recipient: "o2"})
	step([]string{RoleInvestigator}, ActionInput{Action: ActInterview})
	step([]string{RoleInvestigator}, ActionInput{Action: ActSubmitReport})
	cta := all(SeverityGrossMisconduct, "", "")
	cta[1] = FindingInput{AllegationID: "a1", OfficerID: "o2", Finding: FindingNoCaseToAnswer}
	step([]string{RolePSDHead}, ActionInput{Action: ActCaseToAnswer, Reasons: "Report shows it", Findings: cta})
	if got := wfActionNames(Allowed(c, aa)); !slices.Equal(got, []ActionName{ActReferToHearing, ActReportAdvisoryList}) {
		t.Errorf("gross misconduct case to answer allows %v", got)
	}
	step(aa, ActionInput{Action: ActReferToHearing})
	step(aa, ActionInput{Action: ActServeReferralNotice, Recipient: "o1"})
	step([]string{RoleHandler}, ActionInput{Action: ActOfficerResponse})
	step(aa, ActionInput{Action: ActAgreeWitnesses})
	tl := ReadTimeline(events)
	if tl.Forum != ForumHearing || !tl.Referred {
		t.Fatalf("timeline facts %+v", tl)
	}
	step(aa, ActionInput{Action: ActHoldPreHearing, Forum: tl.Forum})
	step(aa, ActionInput{Action: ActHoldProceedings, Forum: tl.Forum})
	step(aa, ActionInput{Action: ActRecordOutcome, Reasons: "Panel's reasons", Forum: tl.Forum, Findings: []FindingInput{
		{AllegationID: "a1", OfficerID: "o1", Finding: SeverityGrossMisconduct, Sanction: string(SanctionDismissal)},
		{AllegationID: "a2", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: string(SanctionFinalWrittenWarning)}}})
	want := []Subject{
		{OfficerID: "o1", Severity: SeverityGrossMisconduct, Finding: SeverityGrossMisconduct, Outcome: string(SanctionDismissal)},
		{OfficerID: "o2", Severity: SeverityGrossMisconduct, Finding: FindingNoCaseToAnswer},
		{OfficerID: "o1", Severity: SeverityGrossMisconduct, Finding: SeverityMisconduct, Outcome: string(SanctionFinalWrittenWarning)},
	}
	got := append(slices.Clone(c.Allegations[0].Subjects), c.Allegations[1].Subjects...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subjects\n got %+v\nwant %+v", got, want)
	}
	step([]string{RoleHandler}, ActionInput{Action: ActAppeal})
	step(aa, ActionInput{Action: ActDecideAppeal, Reasons: "PAT: appeal dismissed", AppealOutcome: AppealDismissed})
	if c.State != Final || IsTerminal(c) {
		t.Fatalf("after appeal: %s, terminal %v", c.State, IsTerminal(c))
	}
	if got := wfActionNames(Allowed(c, wfEveryRole())); !slices.Equal(got, []ActionName{ActReportBarredList}) {
		t.Errorf("Final with dismissal allows %v", got)
	}
	step(aa, ActionInput{Action: ActReportBarredList})
	if !IsTerminal(c) || c.State != BarredListReported {
		t.Errorf("ended in %s", c.State)
	}
	// The timeline runs unbroken from the first state to the last.
	state := AllegationReceived
	for _, e := range events {
		if e.Detail["from"] != string(state) {
			t.Fatalf("event %+v follows state %s", e, state)
		}
		state = State(e.Detail["to"])
	}
	var fs []FindingInput
	if err := json.Unmarshal([]byte(events[len(events)-4].Detail["findings"]), &fs); err != nil || len(fs) != 2 ||
		events[len(events)-4].Detail["forum"] != "hearing" || events[len(events)-4].Detail["reasons"] != "Panel's reasons" {
		t.Errorf("outcome event %+v (%v)", events[len(events)-4], err)
	}
}

func TestSuspendAndResume(t *testing.T) {
	c := wfFixture(Complaint, DirectedInvestigation)
	aa := []string{RoleAuthority}
	var events []Event
	for _, in := range []ActionInput{
		{Action: ActSuspend, Reasons: "Officer charged; trial listed"},
		{Action: ActResume, ResumeTo: ""}, // filled below from the timeline
	} {
		if in.Action == ActResume {
			in.ResumeTo = ReadTimeline(events).SuspendedFrom
		}
		ev, err := Apply(&c, in, aa, nil, wfNow)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	if c.State != DirectedInvestigation || ReadTimeline(events).SuspendedFrom != "" {
		t.Errorf("resumed to %s; timeline %+v", c.State, ReadTimeline(events))
	}
}

func TestReviewBodyFor(t *testing.T) {
	plain := wfNewCase(Complaint, "2025")
	disciplinary := wfNewCase(Complaint, "2025")
	disciplinary.Allegations[1].Subjects[0].Severity = SeverityMisconduct
	for _, tc := range []struct {
		name  string
		c     Case
		facts ReviewFacts
		want  string
	}{
		{"ordinary complaint", plain, ReviewFacts{}, ReviewBodyLPB},
		{"senior officer", plain, ReviewFacts{SeniorOfficer: true}, ReviewBodyIOPC},
		{"could be criminal or disciplinary", plain, ReviewFacts{CriminalOrDisciplinary: true}, ReviewBodyIOPC},
		{"Article 2 or 3", plain, ReviewFacts{Article2Or3: true}, ReviewBodyIOPC},
		{"referred", plain, ReviewFacts{Referred: true}, ReviewBodyIOPC},
		{"same incident", plain, ReviewFacts{SameIncident: true}, ReviewBodyIOPC},
		{"a subject assessed at misconduct", disciplinary, ReviewFacts{}, ReviewBodyIOPC},
	} {
		if got := ReviewBodyFor(tc.c, tc.facts); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestActionInputDecodesFromJSON(t *testing.T) {
	var in ActionInput
	err := json.Unmarshal([]byte(`{"action": "record_outcome", "reasons": "r", "forum": "hearing",
		"findings": [{"allegation_id": "a1", "officer_id": "o1", "finding": "misconduct", "sanction": "reduction_in_rank"}],
		"final_warning_in_force": true, "review_facts": {"referred": true}, "resume_to": "RecordedSch3"}`), &in)
	want := ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: ForumHearing, FinalWarningInForce: true,
		Findings:    []FindingInput{{AllegationID: "a1", OfficerID: "o1", Finding: "misconduct", Sanction: "reduction_in_rank"}},
		ReviewFacts: ReviewFacts{Referred: true}, ResumeTo: RecordedSch3}
	if err != nil || !reflect.DeepEqual(in, want) {
		t.Errorf("decoded %+v, %v", in, err)
	}
	b, _ := json.Marshal(ActionInput{Action: ActInterview})
	if string(b) != `{"action":"interview_officer"}` {
		t.Errorf("empty fields are written: %s", b)
	}
}

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
	reached := map[Kind]map[State]int{Complaint: {}, ConductMatter: {}}
	group := func(k Kind) Kind {
		if k == Complaint {
			return Complaint
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
				if a.Name == ActWithdraw || a.Name == ActReportAdvisoryList || a.Name == ActSuspend {
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
			if seen[s] == 0 {
				t.Errorf("%s: no walk reached %s", k, s)
			}
			if seen[s] < seen[rarest] {
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
	c := Case{ID: "w", Kind: k, State: k.InitialState(), RuleSet: wfPick(r, []string{"2012", "2020", "2025"})}
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
