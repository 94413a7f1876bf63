package cases

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

func TestRefusalNamesStateAndAllowedActions(t *testing.T) {
	// The IOPC already holds a directed investigation: there is nothing
	// to refer.
	c := wfFixture(Complaint, DirectedInvestigation)
	_, err := Apply(&c, ActionInput{Action: ActReferToIOPC, ReferralGround: "voluntary", Reasons: "x"},
		[]string{RoleHandler, RoleAuthority}, wfReference(t), wfNow)
	want := `action "refer_to_iopc" is not allowed in state DirectedInvestigation; allowed: notify_outcome, withdraw, withdraw_part, suspend`
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
		c := wfFixtureFor(a.Name, a.Kinds[0], a.From[0])
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
		c := wfFixtureFor(a.Name, a.Kinds[0], s)
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
		{name: "accelerated hearing held from witnesses", kind: ConductMatter, state: Witnesses,
			in: ActionInput{Action: ActHoldProceedings, Forum: ForumAccelerated}, field: "forum"},
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
		{name: "unsigned withdrawal with no confirmation", kind: Complaint, state: RecordedSch3,
			in: ActionInput{Action: ActWithdraw}, field: "reasons", why: "C&M 39"},
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
		{name: "vetting under the 2020 rules, by date received", kind: RecordableConduct, state: SeverityAssessed,
			change: func(c *Case) { c.RuleSet, c.ReceivedAt = "", time.Date(2025, 5, 27, 0, 0, 0, 0, time.UTC) },
			in:     ActionInput{Action: ActReferToVetting, Reasons: "r"}, why: "follows rule set 2020"},
		{name: "meeting for gross misconduct", kind: ConductMatter, state: CaseToAnswer,
			change: func(c *Case) { c.Allegations[1].Subjects[0].Severity = SeverityGrossMisconduct },
			in:     ActionInput{Action: ActReferToMeeting}, why: "which a meeting cannot hear"},
		{name: "barred list without a dismissal", kind: ConductMatter, state: Final,
			change: func(c *Case) {
				wfEachSubject(c, func(s *Subject) { s.Outcome = string(SanctionFinalWrittenWarning) })
			},
			in: ActionInput{Action: ActReportBarredList}, why: "final state"},
		{name: "severity with no officer", kind: RecordableConduct, state: AllegationReceived,
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
