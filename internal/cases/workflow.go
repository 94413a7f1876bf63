package cases

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// The statutory state machines for complaints (domain.md section 1) and
// conduct matters (section 2). Every move of a case is a named action: the
// states it may be taken from, the state it leads to, who may take it and
// the data it needs. Apply is the only way a case changes state, so the
// tables below are the whole of the process; nothing else may set
// Case.State on an existing case.

// Role names, as strings. They are the names of the access package's roles
// (access.Handler and so on); the domain keeps its own copy so that it does
// not depend on the access package, and a test checks the two agree.
//
// Some of the people who act in the statutory process have no Probity
// login: the complainant, the officer concerned, the IOPC, the local
// policing body, the chair or panel of misconduct proceedings. Their acts
// are recorded by staff: the complainant's (withdrawal, a review
// application) by the handler; the officer's (a response, an appeal) by the
// handler or the appropriate authority; the IOPC's, the LPB's and the
// chair's or panel's decisions by the appropriate authority, whose
// decision-makers are the authority and psd-head roles.
const (
	RoleHandler      = "handler"
	RoleInvestigator = "investigator"
	RoleAuthority    = "authority"
	RolePSDHead      = "psd-head"
)

var (
	wfRolesAA           = []string{RoleAuthority, RolePSDHead}
	wfRolesAAOrHandler  = []string{RoleHandler, RoleAuthority, RolePSDHead}
	wfRolesInvestigator = []string{RoleInvestigator}
	wfRolesComplainant  = []string{RoleHandler}                             // recorded on the complainant's behalf
	wfRolesOfficer      = []string{RoleHandler, RoleAuthority, RolePSDHead} // recorded on the officer's behalf
)

// ActionName names a transition.
type ActionName string

// Complaint actions.
const (
	ActMakeInitialContact  ActionName = "make_initial_contact"
	ActLogOutsideSch3      ActionName = "log_outside_schedule3"
	ActRecordSch3          ActionName = "record_under_schedule3"
	ActResolve             ActionName = "resolve_outside_schedule3"
	ActReferToIOPC         ActionName = "refer_to_iopc" // complaints and conduct matters
	ActIOPCLocal           ActionName = "iopc_decides_local_investigation"
	ActIOPCDirected        ActionName = "iopc_directs_investigation"
	ActIOPCIndependent     ActionName = "iopc_investigates"
	ActIOPCReferBack       ActionName = "iopc_refers_back"
	ActHandleOtherwise     ActionName = "handle_otherwise"
	ActInvestigateLocally  ActionName = "investigate_locally"
	ActNotifyOutcome       ActionName = "notify_outcome"
	ActRequestReview       ActionName = "request_review"
	ActUpholdReview        ActionName = "uphold_review"
	ActNotUpholdReview     ActionName = "not_uphold_review"
	ActReinvestigate       ActionName = "reinvestigate"
	ActCloseComplaint      ActionName = "close"
	ActWithdraw            ActionName = "withdraw"
	ActSuspend             ActionName = "suspend"
	ActResume              ActionName = "resume"
	ActAssessSeverity      ActionName = "assess_severity"
	ActNoFurtherAction     ActionName = "no_further_action"
	ActReferToRPRP         ActionName = "refer_to_rprp"
	ActReferToPerformance  ActionName = "refer_to_performance"
	ActReferToVetting      ActionName = "refer_to_vetting"
	ActStartInvestigation  ActionName = "start_investigation"
	ActServeReg17          ActionName = "serve_reg17_notice"
	ActInterview           ActionName = "interview_officer"
	ActSubmitReport        ActionName = "submit_report"
	ActNoCaseToAnswer      ActionName = "no_case_to_answer"
	ActCaseToAnswer        ActionName = "case_to_answer"
	ActSpecialConditions   ActionName = "certify_special_conditions"
	ActReferToMeeting      ActionName = "refer_to_meeting"
	ActReferToHearing      ActionName = "refer_to_hearing"
	ActServeReferralNotice ActionName = "serve_referral_notice"
	ActOfficerResponse     ActionName = "record_officer_response"
	ActAgreeWitnesses      ActionName = "agree_witnesses"
	ActHoldPreHearing      ActionName = "hold_pre_hearing"
	ActReferToAccelerated  ActionName = "refer_to_accelerated_hearing"
	ActHoldProceedings     ActionName = "hold_proceedings"
	ActRecordOutcome       ActionName = "record_outcome"
	ActFindNoMisconduct    ActionName = "find_no_misconduct"
	ActAppeal              ActionName = "appeal"
	ActFinalise            ActionName = "finalise"
	ActDecideAppeal        ActionName = "decide_appeal"
	ActReportBarredList    ActionName = "report_to_barred_list"
	ActReportAdvisoryList  ActionName = "report_to_advisory_list"
)

// Field names a piece of data an action takes. They are the JSON names of
// ActionInput's fields, so a refusal names the field the caller sent.
type Field string

const (
	FieldReasons          Field = "reasons"
	FieldReferralGround   Field = "referral_ground"
	FieldMandatoryGround  Field = "mandatory_ground"
	FieldMode             Field = "mode"
	FieldForum            Field = "forum"
	FieldFindings         Field = "findings"
	FieldSeverity         Field = "severity" // findings[].severity
	FieldFinding          Field = "finding"  // findings[].finding
	FieldSanction         Field = "sanction" // findings[].sanction
	FieldFinalWarning     Field = "final_warning_in_force"
	FieldSeveralIncidents Field = "several_incidents"
	FieldSignedWithdrawal Field = "signed_withdrawal"
	FieldReviewBody       Field = "review_body"
	FieldReviewFacts      Field = "review_facts"
	FieldResumeTo         Field = "resume_to"
	FieldRecipient        Field = "recipient"
	FieldAppealOutcome    Field = "appeal_outcome"
)

// Action is one transition of a state machine.
type Action struct {
	Name  ActionName `json:"name"`
	Title string     `json:"title"` // in plain words, for buttons and the timeline
	From  []State    `json:"from"`
	// To is the state the action leads to. It is empty for resume, which
	// returns the case to the state it was suspended from (resume_to).
	To    State  `json:"to,omitempty"`
	Kinds []Kind `json:"kinds"`
	// Roles may take the action; a caller needs any one of them.
	Roles []string `json:"roles"`
	// Requires lists the data the action cannot be taken without;
	// Optional the data it also takes. findings' parts (severity, finding,
	// sanction) appear under their own names.
	Requires []Field `json:"requires,omitempty"`
	Optional []Field `json:"optional,omitempty"`
	// RuleSets lists the rule sets under which the action exists; empty
	// means all of them.
	RuleSets []string `json:"rule_sets,omitempty"`
	Source   string   `json:"source,omitempty"` // the provision it follows

	// guard refuses the action on facts of the case beyond its state,
	// returning why; nil or "" allows it.
	guard func(c *Case) string
	// check validates the input beyond the generic field checks.
	check func(c *Case, in *ActionInput, f *fault.Fields)
	// findings says how the action reads ActionInput.Findings.
	findings wfFindingRule
	// effect writes what the action decides onto the case's subjects,
	// after the generic write of the named findings.
	effect func(c *Case, in *ActionInput)
	// forum is the forum the action fixes, recorded in its event so that
	// the timeline says which proceedings the case is in.
	forum Forum
}

// Investigation modes [Sch3 15, 18].
const (
	ModeLocal       = "local"
	ModeDirected    = "directed"
	ModeIndependent = "independent"
)

// Modes lists the investigation modes.
var Modes = []string{ModeLocal, ModeDirected, ModeIndependent}

// Review bodies [Sch3 6A, 25; C&M 29, 32].
const (
	ReviewBodyIOPC = "iopc"
	ReviewBodyLPB  = "lpb"
)

// Appeal outcomes [CR 45; PAT]. An appeal that is allowed or varies the
// outcome names the subjects' new findings and sanctions.
const (
	AppealDismissed = "dismissed"
	AppealAllowed   = "allowed"
	AppealVaried    = "varied"
)

// AppealOutcomes lists the appeal outcomes.
var AppealOutcomes = []string{AppealDismissed, AppealAllowed, AppealVaried}

// Findings recorded on subjects by the case-to-answer decision [CR 23].
const (
	FindingCaseToAnswer   = "case_to_answer"
	FindingNoCaseToAnswer = "no_case_to_answer"
)

// ComplaintFindings are what a complaint's outcome may say about each
// subject. domain.md names none; these follow the 2020 reforms' move from
// "upheld" to whether the service was acceptable, plus the case-to-answer
// determinations of an investigation. UNCONFIRMED: check against the
// IOPC's data standard before relying on them.
var ComplaintFindings = []string{
	"service_acceptable", "service_not_acceptable", "unable_to_determine",
	"no_further_action", FindingCaseToAnswer, FindingNoCaseToAnswer,
}

// ReferralGround is a reason a complaint or conduct matter goes to the IOPC.
type ReferralGround struct {
	Code      string `json:"code"`
	Title     string `json:"title"`
	Mandatory bool   `json:"mandatory"`
}

// ReferralGrounds are the mandatory referral grounds [Sch3 4(1); C&M 4]
// and voluntary referral by the AA or LPB.
var ReferralGrounds = []ReferralGround{
	{"death_or_serious_injury", "Death or serious injury", true},
	{"serious_assault", "Serious assault", true},
	{"serious_sexual_offence", "Serious sexual offence", true},
	{"serious_corruption", "Serious corruption, including abuse of position for a sexual purpose or an improper emotional relationship", true},
	{"discrimination_aggravated", "Crime or misconduct aggravated by discrimination", true},
	{"relevant_offence", "A relevant offence", true},
	{"same_incident", "Arising from the same incident as a matter that must be referred", true},
	{"chief_officer", "Certain complaints about chief officers", true},
	{"called_in", "The IOPC has called it in", true},
	{"voluntary", "Voluntary referral by the appropriate authority or local policing body", false},
}

// MandatoryHandlingGrounds are the grounds on which a complaint must be
// handled under Schedule 3 whatever the complainant wants [Sch3 2(6A),
// (6B)].
var MandatoryHandlingGrounds = []string{
	"death_or_serious_injury", // alleged to have caused death or serious injury
	"crime_or_disciplinary",   // could be a crime or justify disciplinary proceedings
	"article_2_or_3",          // could be a breach of Article 2 or 3 ECHR
	"must_be_referred",        // of a description that must be referred to the IOPC
}

// FindingInput is what an action decides about one subject: one officer
// on one allegation.
type FindingInput struct {
	AllegationID string `json:"allegation_id"`
	OfficerID    string `json:"officer_id"`
	Severity     string `json:"severity,omitempty"`
	Finding      string `json:"finding,omitempty"`
	Sanction     string `json:"sanction,omitempty"`
}

// ReviewFacts are the facts that decide who reviews a complaint's outcome
// [Sch3 6A; C&M 29, 32], beyond what the case itself records.
type ReviewFacts struct {
	SeniorOfficer          bool `json:"senior_officer,omitempty"`           // the complaint concerns a senior officer
	CriminalOrDisciplinary bool `json:"criminal_or_disciplinary,omitempty"` // the conduct could justify criminal or disciplinary proceedings
	Article2Or3            bool `json:"article_2_or_3,omitempty"`           // it could be a breach of Article 2 or 3
	Referred               bool `json:"referred,omitempty"`                 // it was referred to the IOPC
	SameIncident           bool `json:"same_incident,omitempty"`            // it arises from the same incident as one of these
}

// ActionInput is a request to take an action: the API decodes it directly.
type ActionInput struct {
	Action  ActionName `json:"action"`
	Reasons string     `json:"reasons,omitempty"`
	// ReferralGround is the code of one of ReferralGrounds.
	ReferralGround string `json:"referral_ground,omitempty"`
	// MandatoryGround names a ground on which Schedule 3 handling is
	// mandatory (MandatoryHandlingGrounds); given, it forbids handling the
	// complaint outside Schedule 3 and is recorded as the reason for
	// Schedule 3 handling.
	MandatoryGround string `json:"mandatory_ground,omitempty"`
	Mode            string `json:"mode,omitempty"`
	// Forum is the forum the case's proceedings are in. The case record
	// does not carry it, so the API should fill it from the timeline
	// (ReadTimeline) rather than trust the client.
	Forum               Forum          `json:"forum,omitempty"`
	Findings            []FindingInput `json:"findings,omitempty"`
	FinalWarningInForce bool           `json:"final_warning_in_force,omitempty"`
	SeveralIncidents    bool           `json:"several_incidents,omitempty"`
	SignedWithdrawal    bool           `json:"signed_withdrawal,omitempty"`
	ReviewBody          string         `json:"review_body,omitempty"`
	ReviewFacts         ReviewFacts    `json:"review_facts,omitzero"`
	// ResumeTo is the state a suspended complaint returns to: the state it
	// was suspended from, which the API reads from the timeline
	// (ReadTimeline).
	ResumeTo      State  `json:"resume_to,omitempty"`
	Recipient     string `json:"recipient,omitempty"` // the officer a notice is served on
	AppealOutcome string `json:"appeal_outcome,omitempty"`
}

// MaxReasons bounds the reasons given for a decision.
const MaxReasons = 10000

// EventStateChanged is the timeline event type Apply records. The demo
// generator writes the same type with the same "from" and "to" details, so
// every reader of the timeline sees one shape.
const EventStateChanged = "state_changed"

// NotAllowedError refuses an action that cannot be taken now: the case is
// in another state, is of another kind, follows a rule set without the
// action, the caller lacks the role, or a fact of the case forbids it. It
// carries what the caller may do instead.
type NotAllowedError struct {
	State   State
	Action  ActionName
	Allowed []ActionName // what the caller may do now
	Reason  string       // empty when the state alone refuses it
	ByRole  bool         // refused for want of a role: the caller is forbidden, not out of step
}

func (e *NotAllowedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "action %q is not allowed in state %s", e.Action, e.State)
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	b.WriteString("; allowed: ")
	if len(e.Allowed) == 0 {
		b.WriteString("none")
	}
	for i, a := range e.Allowed {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(a))
	}
	return b.String()
}

// Unwrap classifies the refusal for adapters: a missing role is Forbidden,
// anything else a Conflict with the case's current state.
func (e *NotAllowedError) Unwrap() error {
	kind := fault.Conflict
	if e.ByRole {
		kind = fault.Forbidden
	}
	return &fault.Error{Kind: kind, Message: e.Error()}
}

var (
	wfComplaintKinds = []Kind{Complaint}
	wfConductKinds   = []Kind{ConductMatter, RecordableConduct, DeathOrSeriousInjury}

	wfComplaintStates = []State{Received, InitialContact, LoggedOutsideSch3, RecordedSch3, ReferredIOPC,
		HandledOtherwise, LocalInvestigation, DirectedInvestigation, IndependentInvestigation, ReferredBack,
		Resolved, OutcomeNotified, ReviewRequested, ReviewUpheld, ReviewNotUpheld, Closed, Withdrawn, Suspended}
	wfComplaintTerminal = []State{Closed, Resolved, Withdrawn}

	wfConductStates = []State{AllegationReceived, ReferredIOPC, SeverityAssessed, NoFurtherAction, RPRP,
		Performance, Vetting, Investigation, Reg17Served, Interviewed, Reported, NoCaseToAnswer, CaseToAnswer,
		SpecialConditions, MeetingReferred, HearingReferred, NoticeServed, OfficerResponse, Witnesses, PreHearing,
		AcceleratedHearing, Held, Outcome, NoMisconduct, Appeal, Final, BarredListReported, AdvisoryListReported}
	// Final is terminal unless an officer was dismissed; see IsTerminal.
	wfConductTerminal = []State{NoFurtherAction, RPRP, Performance, Vetting, BarredListReported, AdvisoryListReported}
)

// KindStates lists the states of the state machine a kind of case follows.
func KindStates(k Kind) []State {
	switch {
	case k == Complaint:
		return slices.Clone(wfComplaintStates)
	case slices.Contains(wfConductKinds, k):
		return slices.Clone(wfConductStates)
	}
	return nil
}

// IsTerminal reports whether a case has reached the end of its process, so
// that no action may move it. Final is terminal unless a subject was
// dismissed: then the appropriate authority must still report the officer
// to the College of Policing's barred list.
func IsTerminal(c Case) bool {
	if c.Kind == Complaint {
		return slices.Contains(wfComplaintTerminal, c.State)
	}
	if c.State == Final {
		return !wfDismissed(&c)
	}
	return slices.Contains(wfConductTerminal, c.State)
}

// wfOpenComplaintStates are the complaint states a withdrawal or suspension
// may be made from: every state but the terminal ones.
func wfOpenComplaintStates(except ...State) []State {
	var s []State
	for _, st := range wfComplaintStates {
		if !slices.Contains(wfComplaintTerminal, st) && !slices.Contains(except, st) {
			s = append(s, st)
		}
	}
	return s
}

// wfOpenConductStates are the states in which an officer can still leave
// mid-case: every non-terminal state but Final, where the matter is over.
func wfOpenConductStates() []State {
	var s []State
	for _, st := range wfConductStates {
		if !slices.Contains(wfConductTerminal, st) && st != Final {
			s = append(s, st)
		}
	}
	return s
}

// wfCoverage says which subjects an action's findings must name.
type wfCoverage int

const (
	wfCoverNone       wfCoverage = iota // the action takes no findings
	wfCoverAny                          // any subjects, or none
	wfCoverAll                          // every subject of the case
	wfCoverProceeding                   // every subject in the misconduct proceedings
)

// wfPart says how an action reads one part of a finding.
type wfPart struct {
	accept   []string // values taken; nil: the part is not taken
	required bool     // every named subject must carry it
}

type wfFindingRule struct {
	cover    wfCoverage
	severity wfPart
	finding  wfPart
	sanction bool // every named subject carries a sanction the forum may impose
}

var (
	wfSevAny = wfPart{accept: Severities, required: true}
)

// wfActions is the whole of both state machines. Its order is the order in
// which Allowed lists actions.
var wfActions = []Action{
	// Complaints [Sch3; C&M].
	{
		Name: ActMakeInitialContact, Title: "Contact the complainant to ask how they want the complaint handled",
		From: []State{Received}, To: InitialContact, Kinds: wfComplaintKinds, Roles: wfRolesAAOrHandler,
		Source: "Sch3 2(6)",
	},
	{
		Name: ActLogOutsideSch3, Title: "Log the complaint for handling outside Schedule 3",
		From: []State{InitialContact}, To: LoggedOutsideSch3, Kinds: wfComplaintKinds, Roles: wfRolesAAOrHandler,
		Optional: []Field{FieldMandatoryGround, FieldReasons}, Source: "C&M 44; Sch3 2(6A), (6B)",
	},
	{
		Name: ActRecordSch3, Title: "Record the complaint under Schedule 3",
		From: []State{InitialContact, LoggedOutsideSch3}, To: RecordedSch3, Kinds: wfComplaintKinds, Roles: wfRolesAAOrHandler,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldMandatoryGround}, Source: "Sch3 2(6)-(6C)",
	},
	{
		Name: ActResolve, Title: "Record the complaint as resolved outside Schedule 3",
		From: []State{LoggedOutsideSch3}, To: Resolved, Kinds: wfComplaintKinds, Roles: wfRolesAAOrHandler,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldMandatoryGround}, Source: "C&M 44",
	},
	{
		// One action for both machines: the grounds are the same list
		// [Sch3 4(1) for complaints; C&M 4, 7 and Sch3 13 for conduct
		// matters]. The LPB's referral is recorded by the AA roles.
		Name: ActReferToIOPC, Title: "Refer the matter to the IOPC",
		From: []State{RecordedSch3, AllegationReceived}, To: ReferredIOPC, Kinds: append(slices.Clone(wfComplaintKinds), wfConductKinds...),
		Roles: wfRolesAA, Requires: []Field{FieldReferralGround}, Optional: []Field{FieldReasons},
		Source: "Sch3 4(1), 13; C&M 4", check: wfCheckReferral,
	},
	// The IOPC decides how a referred complaint is handled; Probity records
	// its determination through the AA roles.
	{
		Name: ActIOPCLocal, Title: "Record the IOPC's decision: local investigation by the force",
		From: []State{ReferredIOPC}, To: LocalInvestigation, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 15",
	},
	{
		Name: ActIOPCDirected, Title: "Record the IOPC's decision: investigation directed by the IOPC",
		From: []State{ReferredIOPC}, To: DirectedInvestigation, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 15, 18",
	},
	{
		Name: ActIOPCIndependent, Title: "Record the IOPC's decision: independent investigation by the IOPC",
		From: []State{ReferredIOPC}, To: IndependentInvestigation, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 15, 19",
	},
	{
		Name: ActIOPCReferBack, Title: "Record the IOPC's decision to refer the complaint back to the force",
		From: []State{ReferredIOPC}, To: ReferredBack, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 5",
	},
	// A complaint referred back is the AA's to handle again [Sch3 5(2)]:
	// ReferredBack continues exactly as RecordedSch3 does, by handling
	// otherwise than by investigation or by local investigation.
	{
		Name: ActHandleOtherwise, Title: "Handle the complaint otherwise than by investigation",
		From: []State{RecordedSch3, ReferredBack}, To: HandledOtherwise, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 6(2)",
	},
	{
		Name: ActInvestigateLocally, Title: "Investigate the complaint locally",
		From: []State{RecordedSch3, ReferredBack}, To: LocalInvestigation, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 6(2), 16",
	},
	{
		// The outcome covers every subject: the complainant is told what
		// was found about each officer [C&M 34]. Conduct proceedings that
		// follow for a subject are a conduct matter of their own.
		Name: ActNotifyOutcome, Title: "Notify the complainant of the outcome",
		From: []State{HandledOtherwise, LocalInvestigation, DirectedInvestigation, IndependentInvestigation, ReviewUpheld},
		To:   OutcomeNotified, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldFindings, FieldFinding}, Optional: []Field{FieldSeverity},
		Source:   "C&M 34; Sch3 24",
		findings: wfFindingRule{cover: wfCoverAll, finding: wfPart{accept: ComplaintFindings, required: true}, severity: wfPart{accept: Severities}},
	},
	{
		Name: ActRequestReview, Title: "Record the complainant's application for a review",
		From: []State{OutcomeNotified}, To: ReviewRequested, Kinds: wfComplaintKinds, Roles: wfRolesComplainant,
		Optional: []Field{FieldReviewBody, FieldReviewFacts, FieldReasons}, Source: "Sch3 6A, 25; C&M 29",
		check: wfCheckReviewBody(),
	},
	{
		// The review window (28 days, C&M 29) is watched by the deadline
		// clocks, not here: closing early is the AA's call to record.
		Name: ActCloseComplaint, Title: "Close the complaint",
		From: []State{OutcomeNotified, ReviewNotUpheld}, To: Closed, Kinds: wfComplaintKinds, Roles: wfRolesAAOrHandler,
		Optional: []Field{FieldReasons}, Source: "C&M 29",
	},
	{
		Name: ActUpholdReview, Title: "Record that the review was upheld",
		From: []State{ReviewRequested}, To: ReviewUpheld, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldReviewBody}, Optional: []Field{FieldReviewFacts},
		Source: "Sch3 6A, 25; C&M 32", check: wfCheckReviewBody(),
	},
	{
		Name: ActNotUpholdReview, Title: "Record that the review was not upheld",
		From: []State{ReviewRequested}, To: ReviewNotUpheld, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldReviewBody}, Optional: []Field{FieldReviewFacts},
		Source: "Sch3 6A, 25; C&M 32", check: wfCheckReviewBody(),
	},
	{
		// After an upheld review the complaint is reinvestigated, or the
		// recommendation is acted on and a new outcome notified
		// (notify_outcome).
		Name: ActReinvestigate, Title: "Reinvestigate the complaint after the review",
		From: []State{ReviewUpheld}, To: LocalInvestigation, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "Sch3 25",
	},
	{
		// Withdrawal and suspension are open from "any open state"
		// (domain.md section 1), so also after the outcome: a withdrawal
		// then ends a pending review.
		Name: ActWithdraw, Title: "Record the complainant's signed withdrawal",
		From: wfOpenComplaintStates(), To: Withdrawn, Kinds: wfComplaintKinds, Roles: wfRolesComplainant,
		Requires: []Field{FieldSignedWithdrawal}, Optional: []Field{FieldReasons}, Source: "C&M 38",
		check: func(_ *Case, in *ActionInput, f *fault.Fields) {
			if !in.SignedWithdrawal {
				f.Add(string(FieldSignedWithdrawal), "is required: a withdrawal must be signed by the complainant")
			}
		},
	},
	{
		// UNCONFIRMED: domain.md lists suspension for criminal proceedings
		// but could not confirm its provision; it is kept as a reversible
		// pause with its reasons.
		Name: ActSuspend, Title: "Suspend handling while criminal proceedings run",
		From: wfOpenComplaintStates(Suspended), To: Suspended, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "UNCONFIRMED",
	},
	{
		Name: ActResume, Title: "Resume handling after suspension",
		From: []State{Suspended}, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldResumeTo}, Optional: []Field{FieldReasons}, Source: "UNCONFIRMED",
		check: wfCheckResume,
	},

	// Conduct matters [CR; C&M].
	{
		// A matter returned by the IOPC comes back to the AA for its
		// severity assessment.
		Name: ActAssessSeverity, Title: "Assess the severity of the conduct for each officer",
		From: []State{AllegationReceived, ReferredIOPC}, To: SeverityAssessed, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldFindings, FieldSeverity}, Source: "CR 14; C&M 16, 19",
		guard: wfNeedsSubject, findings: wfFindingRule{cover: wfCoverAll, severity: wfSevAny},
	},
	{
		Name: ActNoFurtherAction, Title: "Take no further action",
		From: []State{SeverityAssessed, NoCaseToAnswer, NoMisconduct}, To: NoFurtherAction, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, Source: "CR 14, 23, 42",
	},
	{
		// From NoMisconduct this records the chair's or panel's direction
		// to RPRP [CR 42(1)(b)].
		Name: ActReferToRPRP, Title: "Refer to the reflective practice review process",
		From: []State{SeverityAssessed, NoCaseToAnswer, NoMisconduct}, To: RPRP, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, Source: "CR 14, 23, 42; CR Part 6",
	},
	{
		Name: ActReferToPerformance, Title: "Refer to the unsatisfactory performance procedures",
		From: []State{SeverityAssessed}, To: Performance, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, Source: "CR 14",
	},
	{
		Name: ActReferToVetting, Title: "Refer for a vetting review",
		From: []State{SeverityAssessed}, To: Vetting, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, RuleSets: []string{"2025"},
		Source: "CR 14(2)(aa), Vetting route added by SI 2025/558",
	},
	{
		// The IOPC decides the mode of a referred matter's investigation;
		// a matter the AA assessed itself is investigated locally.
		Name: ActStartInvestigation, Title: "Start an investigation",
		From: []State{SeverityAssessed, ReferredIOPC}, To: Investigation, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldMode}, Optional: []Field{FieldFindings, FieldSeverity},
		Source: "CR 14, 15; Sch3 15", findings: wfFindingRule{cover: wfCoverAny, severity: wfSevAny},
		check: wfCheckMode,
	},
	{
		// No interview before the notice is served [CR 20]: the only way
		// to Interviewed is through Reg17Served.
		Name: ActServeReg17, Title: "Serve the regulation 17 notice",
		From: []State{Investigation}, To: Reg17Served, Kinds: wfConductKinds, Roles: wfRolesInvestigator,
		Requires: []Field{FieldRecipient}, Source: "CR 17, 20", guard: wfNeedsSubject, check: wfCheckRecipient,
	},
	{
		Name: ActInterview, Title: "Record the officer's interview",
		From: []State{Reg17Served}, To: Interviewed, Kinds: wfConductKinds, Roles: wfRolesInvestigator,
		Source: "CR 20",
	},
	{
		Name: ActSubmitReport, Title: "Submit the investigation report",
		From: []State{Interviewed}, To: Reported, Kinds: wfConductKinds, Roles: wfRolesInvestigator,
		Optional: []Field{FieldReasons}, Source: "CR 21",
	},
	{
		Name: ActNoCaseToAnswer, Title: "Decide there is no case to answer",
		From: []State{Reported}, To: NoCaseToAnswer, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "CR 23",
		effect: func(c *Case, _ *ActionInput) {
			wfEachSubject(c, func(s *Subject) { s.Finding = FindingNoCaseToAnswer })
		},
	},
	{
		// The AA decides case to answer "in respect of misconduct or gross
		// misconduct" [CR 23(2)], per officer; an officer with no case to
		// answer drops out of the proceedings.
		Name: ActCaseToAnswer, Title: "Decide there is a case to answer",
		From: []State{Reported}, To: CaseToAnswer, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldFindings, FieldSeverity}, Optional: []Field{FieldFinding},
		Source: "CR 23", guard: wfNeedsSubject,
		findings: wfFindingRule{cover: wfCoverAll,
			severity: wfPart{accept: []string{SeverityMisconduct, SeverityGrossMisconduct}},
			finding:  wfPart{accept: []string{FindingCaseToAnswer, FindingNoCaseToAnswer}}},
		check: wfCheckCaseToAnswer,
		effect: func(c *Case, in *ActionInput) {
			for _, fi := range in.Findings {
				if fi.Finding == "" {
					wfSubjectOf(c, fi).Finding = FindingCaseToAnswer
				}
			}
		},
	},
	{
		Name: ActSpecialConditions, Title: "Certify that the special conditions are met",
		From: []State{Reported}, To: SpecialConditions, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldFindings, FieldSeverity}, Source: "CR 49", guard: wfNeedsSubject,
		findings: wfFindingRule{cover: wfCoverAll, severity: wfPart{accept: []string{SeverityGrossMisconduct}, required: true}},
		effect: func(c *Case, _ *ActionInput) {
			wfEachSubject(c, func(s *Subject) { s.Finding = FindingCaseToAnswer })
		},
	},
	{
		Name: ActReferToMeeting, Title: "Refer to a misconduct meeting",
		From: []State{CaseToAnswer}, To: MeetingReferred, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "CR 23, 28", forum: ForumMeeting, guard: wfMeetingGuard,
	},
	{
		Name: ActReferToHearing, Title: "Refer to a misconduct hearing",
		From: []State{CaseToAnswer}, To: HearingReferred, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "CR 23, 28", forum: ForumHearing, guard: wfHearingGuard,
	},
	{
		Name: ActServeReferralNotice, Title: "Serve the notice of referral on the officer",
		From: []State{MeetingReferred, HearingReferred}, To: NoticeServed, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldRecipient}, Source: "CR 30", guard: wfNeedsSubject, check: wfCheckRecipient,
	},
	{
		Name: ActOfficerResponse, Title: "Record the officer's response to the notice",
		From: []State{NoticeServed}, To: OfficerResponse, Kinds: wfConductKinds, Roles: wfRolesOfficer,
		Optional: []Field{FieldReasons}, Source: "CR 31",
	},
	{
		Name: ActAgreeWitnesses, Title: "Record the witnesses for the proceedings",
		From: []State{OfficerResponse}, To: Witnesses, Kinds: wfConductKinds, Roles: wfRolesAA,
		Source: "CR 31, 32",
	},
	{
		// Hearings have a pre-hearing; meetings go straight to being held.
		Name: ActHoldPreHearing, Title: "Record the pre-hearing",
		From: []State{Witnesses}, To: PreHearing, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldForum}, Source: "CR 33", check: wfCheckForumByState,
	},
	{
		Name: ActReferToAccelerated, Title: "Refer to an accelerated misconduct hearing",
		From: []State{SpecialConditions}, To: AcceleratedHearing, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "CR 49, 50", forum: ForumAccelerated,
	},
	{
		Name: ActHoldProceedings, Title: "Record that the meeting or hearing was held",
		From: []State{Witnesses, PreHearing, AcceleratedHearing}, To: Held, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldForum}, Source: "CR 28, 49", check: wfCheckForumByState,
	},
	{
		// The chair's or panel's findings and outcome, recorded by the AA
		// roles [CR 41(15), 42].
		Name: ActRecordOutcome, Title: "Record the findings and outcome of the proceedings",
		From: []State{Held}, To: Outcome, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldForum, FieldFindings, FieldFinding, FieldSanction},
		Optional: []Field{FieldFinalWarning, FieldSeveralIncidents}, Source: "CR 41, 42",
		findings: wfFindingRule{cover: wfCoverProceeding, finding: wfPart{accept: Severities, required: true}, sanction: true},
		check:    wfCheckOutcome,
	},
	{
		Name: ActFindNoMisconduct, Title: "Record that the proceedings found no misconduct",
		From: []State{Held}, To: NoMisconduct, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldFindings, FieldFinding}, Source: "CR 42(1)(b)",
		findings: wfFindingRule{cover: wfCoverAny, finding: wfPart{accept: []string{SeverityNoMisconduct, SeverityPRI}, required: true}},
		check:    wfCheckInProceedings,
		effect: func(c *Case, _ *ActionInput) {
			wfEachSubject(c, func(s *Subject) {
				if s.Finding == FindingCaseToAnswer {
					s.Finding = SeverityNoMisconduct
				}
			})
		},
	},
	{
		// From a meeting the appeal is internal [CR 45]; from a hearing it
		// goes to the Police Appeals Tribunal [PAT].
		Name: ActAppeal, Title: "Record the officer's appeal",
		From: []State{Outcome}, To: Appeal, Kinds: wfConductKinds, Roles: wfRolesOfficer,
		Optional: []Field{FieldReasons, FieldForum}, Source: "CR 45; PAT 13",
	},
	{
		Name: ActFinalise, Title: "Finalise the outcome (no appeal)",
		From: []State{Outcome}, To: Final, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "CR 45; PAT",
	},
	{
		Name: ActDecideAppeal, Title: "Record the appeal decision",
		From: []State{Appeal}, To: Final, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldAppealOutcome},
		Optional: []Field{FieldFindings, FieldFinding, FieldSanction, FieldForum, FieldFinalWarning, FieldSeveralIncidents},
		Source:   "CR 45; PAT",
		findings: wfFindingRule{cover: wfCoverAny, finding: wfPart{accept: Severities, required: true}, sanction: true},
		check:    wfCheckAppeal,
	},
	{
		Name: ActReportBarredList, Title: "Report the dismissed officer to the College of Policing barred list",
		From: []State{Final}, To: BarredListReported, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "Police Act 1996 Part 4A; domain.md section 2",
		guard: func(c *Case) string {
			if !wfDismissed(c) {
				return "no officer was dismissed"
			}
			return ""
		},
	},
	{
		// The case ends here in Probity; former-officer proceedings, where
		// held, are a case of their own.
		Name: ActReportAdvisoryList, Title: "Report the officer who left mid-case to the College of Policing advisory list",
		From: wfOpenConductStates(), To: AdvisoryListReported, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Police Act 1996 Part 4A; domain.md section 2", guard: wfNeedsSubject,
	},
}

var wfActionIndex = func() map[ActionName]int {
	m := make(map[ActionName]int, len(wfActions))
	for i, a := range wfActions {
		if _, dup := m[a.Name]; dup {
			panic("cases: action " + string(a.Name) + " defined twice")
		}
		m[a.Name] = i
	}
	return m
}()

// AllActions lists every action of both state machines.
func AllActions() []Action {
	out := make([]Action, len(wfActions))
	for i, a := range wfActions {
		out[i] = a.clone()
	}
	return out
}

// ActionByName returns the action with the given name.
func ActionByName(n ActionName) (Action, bool) {
	i, ok := wfActionIndex[n]
	if !ok {
		return Action{}, false
	}
	return wfActions[i].clone(), true
}

func (a Action) clone() Action {
	a.From = slices.Clone(a.From)
	a.Kinds = slices.Clone(a.Kinds)
	a.Roles = slices.Clone(a.Roles)
	a.Requires = slices.Clone(a.Requires)
	a.Optional = slices.Clone(a.Optional)
	a.RuleSets = slices.Clone(a.RuleSets)
	return a
}

// Allowed lists the actions a caller holding actorRoles may take on c now,
// in table order. It reads the case's rule set from c.RuleSet, or from the
// date the matter arose when that is empty.
func Allowed(c Case, actorRoles []string) []Action {
	var out []Action
	for _, a := range wfAllowed(&c, actorRoles, wfRuleSetOf(&c, nil)) {
		out = append(out, a.clone())
	}
	return out
}

func wfAllowed(c *Case, roles []string, ruleSet string) []*Action {
	var out []*Action
	for i := range wfActions {
		if wfRefused(c, &wfActions[i], roles, ruleSet, false) == nil {
			out = append(out, &wfActions[i])
		}
	}
	return out
}

func wfNames(as []*Action) []ActionName {
	n := make([]ActionName, len(as))
	for i, a := range as {
		n[i] = a.Name
	}
	return n
}

// wfRuleSetOf is the code of the rule set a case follows: the one recorded
// on it, else the one in force when its matter arose.
func wfRuleSetOf(c *Case, ref *Reference) string {
	if c.RuleSet != "" || c.AroseOn.IsZero() {
		return c.RuleSet
	}
	if ref == nil {
		r, err := LoadReference()
		if err != nil {
			return ""
		}
		ref = r
	}
	return ref.RuleSetFor(c.AroseOn).Code
}

// wfRefused says why a cannot be taken on c by a caller with roles, or nil.
// It looks at the case and the caller, never at the input. Unless explain
// is set it only answers whether: Allowed asks that of every action, and
// the words are wanted only for the one refused.
func wfRefused(c *Case, a *Action, roles []string, ruleSet string, explain bool) *NotAllowedError {
	no := func(reason func() string) *NotAllowedError {
		if !explain {
			return wfNo
		}
		return &NotAllowedError{State: c.State, Action: a.Name, Reason: reason()}
	}
	if !explain && (!slices.Contains(a.From, c.State) || !slices.Contains(a.Kinds, c.Kind)) {
		return wfNo
	}
	switch {
	case !slices.Contains(a.Kinds, c.Kind):
		return no(func() string { return fmt.Sprintf("it is not an action for a %s", wfWords(c.Kind)) })
	case IsTerminal(*c):
		return no(func() string { return fmt.Sprintf("%s is a final state", c.State) })
	case !slices.Contains(a.From, c.State):
		return no(func() string { return "" })
	case len(a.RuleSets) > 0 && !slices.Contains(a.RuleSets, ruleSet):
		return no(func() string {
			rs := ruleSet
			if rs == "" {
				rs = "unknown"
			}
			return fmt.Sprintf("it exists only under rule set %s (%s); this case follows rule set %s",
				strings.Join(a.RuleSets, ", "), a.Source, rs)
		})
	}
	if a.guard != nil {
		if why := a.guard(c); why != "" {
			return no(func() string { return why })
		}
	}
	if !slices.ContainsFunc(roles, func(r string) bool { return slices.Contains(a.Roles, r) }) {
		e := no(func() string { return "it needs the role " + strings.Join(a.Roles, " or ") })
		if explain {
			e.ByRole = true
		}
		return e
	}
	return nil
}

// wfNo is what wfRefused answers when asked only whether.
var wfNo = &NotAllowedError{}

// Apply takes an action on c for a caller holding actorRoles. It checks
// the action against the case's kind, state and rule set and the caller's
// roles (refusing with *NotAllowedError), then the input (refusing with a
// fault.Invalid error naming each bad field). Only when everything passes
// does it change c: the state, and what the action decides about subjects.
// It returns the timeline event recording the step; the caller stores both
// together, and assigns the event's ID, Seq and Actor and the case's
// version.
func Apply(c *Case, in ActionInput, actorRoles []string, ref *Reference, now time.Time) (Event, error) {
	ruleSet := wfRuleSetOf(c, ref)
	i, ok := wfActionIndex[in.Action]
	if !ok {
		var f fault.Fields
		f.Addf("action", "%q is not an action; allowed now: %s", in.Action,
			wfJoinNames(wfNames(wfAllowed(c, actorRoles, ruleSet))))
		return Event{}, f.Err("unknown action")
	}
	a := &wfActions[i]
	if e := wfRefused(c, a, actorRoles, ruleSet, true); e != nil {
		e.Allowed = wfNames(wfAllowed(c, actorRoles, ruleSet))
		return Event{}, e
	}
	// Schedule 3 handling is mandatory on these grounds whatever the
	// complainant wants [Sch3 2(6A), (6B)], so a complaint that meets one
	// may not be logged or resolved outside it.
	if in.MandatoryGround != "" && slices.Contains(MandatoryHandlingGrounds, in.MandatoryGround) &&
		(a.Name == ActLogOutsideSch3 || a.Name == ActResolve) {
		return Event{}, &NotAllowedError{State: c.State, Action: a.Name,
			Allowed: slices.DeleteFunc(wfNames(wfAllowed(c, actorRoles, ruleSet)), func(n ActionName) bool { return n == a.Name }),
			Reason:  fmt.Sprintf("Schedule 3 handling is mandatory on the ground %s (Sch3 2(6A), (6B)): record it under Schedule 3", in.MandatoryGround)}
	}
	if err := wfValidate(c, a, &in); err != nil {
		return Event{}, err
	}

	from := c.State
	to := a.To
	if a.Name == ActResume {
		to = in.ResumeTo
	}
	for _, fi := range in.Findings {
		s := wfSubjectOf(c, fi)
		if fi.Severity != "" {
			s.Severity = fi.Severity
		}
		if fi.Finding != "" {
			s.Finding = fi.Finding
		}
		if fi.Sanction != "" {
			s.Outcome = fi.Sanction
		}
	}
	if a.effect != nil {
		a.effect(c, &in)
	}
	c.State = to
	return Event{At: now, Type: EventStateChanged, Detail: wfDetail(a, &in, from, to)}, nil
}

// wfValidate checks the input against what the action takes, naming every
// refused field.
func wfValidate(c *Case, a *Action, in *ActionInput) error {
	var f fault.Fields
	takes := func(x Field) bool { return slices.Contains(a.Requires, x) || slices.Contains(a.Optional, x) }
	needs := func(x Field) bool { return slices.Contains(a.Requires, x) }

	if takes(FieldReasons) {
		f.Text(string(FieldReasons), in.Reasons, MaxReasons, needs(FieldReasons), true)
	}
	if takes(FieldReferralGround) && (in.ReferralGround != "" || needs(FieldReferralGround)) {
		if !slices.ContainsFunc(ReferralGrounds, func(g ReferralGround) bool { return g.Code == in.ReferralGround }) {
			if in.ReferralGround == "" {
				f.Add(string(FieldReferralGround), "is required")
			} else {
				f.Addf(string(FieldReferralGround), "%q is not a referral ground; use one of %s", in.ReferralGround, wfReferralCodes())
			}
		}
	}
	if takes(FieldMandatoryGround) && in.MandatoryGround != "" && !slices.Contains(MandatoryHandlingGrounds, in.MandatoryGround) {
		f.Addf(string(FieldMandatoryGround), "%q is not a ground for mandatory Schedule 3 handling; use one of %s",
			in.MandatoryGround, strings.Join(MandatoryHandlingGrounds, ", "))
	}
	if takes(FieldMode) && (in.Mode != "" || needs(FieldMode)) && !slices.Contains(Modes, in.Mode) {
		if in.Mode == "" {
			f.Add(string(FieldMode), "is required")
		} else {
			f.Addf(string(FieldMode), "must be one of %s", strings.Join(Modes, ", "))
		}
	}
	if takes(FieldForum) && (in.Forum != "" || needs(FieldForum)) && !in.Forum.Valid() {
		if in.Forum == "" {
			f.Add(string(FieldForum), "is required")
		} else {
			f.Addf(string(FieldForum), "%q is not a forum", in.Forum)
		}
	}
	if takes(FieldAppealOutcome) && !slices.Contains(AppealOutcomes, in.AppealOutcome) {
		if in.AppealOutcome == "" {
			f.Add(string(FieldAppealOutcome), "is required")
		} else {
			f.Addf(string(FieldAppealOutcome), "must be one of %s", strings.Join(AppealOutcomes, ", "))
		}
	}
	if takes(FieldReviewBody) && in.ReviewBody != "" && in.ReviewBody != ReviewBodyIOPC && in.ReviewBody != ReviewBodyLPB {
		f.Addf(string(FieldReviewBody), "must be %s or %s", ReviewBodyIOPC, ReviewBodyLPB)
	} else if needs(FieldReviewBody) && in.ReviewBody == "" {
		f.Add(string(FieldReviewBody), "is required")
	}
	if needs(FieldResumeTo) && in.ResumeTo == "" {
		f.Add(string(FieldResumeTo), "is required")
	}
	if needs(FieldRecipient) && in.Recipient == "" {
		f.Add(string(FieldRecipient), "is required")
	}
	wfCheckFindings(c, a, in, &f)
	if a.check != nil {
		a.check(c, in, &f)
	}
	return f.Err("invalid " + string(a.Name))
}

// wfCheckFindings applies the action's finding rule.
func wfCheckFindings(c *Case, a *Action, in *ActionInput, f *fault.Fields) {
	r := a.findings
	if r.cover == wfCoverNone {
		if len(in.Findings) > 0 {
			f.Add(string(FieldFindings), "are not taken by this action")
		}
		return
	}
	named := map[[2]string]bool{}
	for i, fi := range in.Findings {
		p := fmt.Sprintf("findings[%d]", i)
		key := [2]string{fi.AllegationID, fi.OfficerID}
		switch {
		case wfSubjectOf(c, fi) == nil:
			f.Addf(p, "names no subject of this case (allegation %q, officer %q)", fi.AllegationID, fi.OfficerID)
			continue
		case named[key]:
			f.Add(p, "names the same officer on the same allegation twice")
			continue
		}
		named[key] = true
		wfCheckPart(f, p+".severity", fi.Severity, r.severity)
		wfCheckPart(f, p+".finding", fi.Finding, r.finding)
		switch {
		case !r.sanction && fi.Sanction != "":
			f.Add(p+".sanction", "is not taken by this action: sanctions are imposed only by misconduct proceedings (CR 42)")
		case !r.sanction:
		case fi.Sanction == "":
			f.Add(p+".sanction", "is required")
		case !Sanction(fi.Sanction).Valid():
			f.Addf(p+".sanction", "%q is not a sanction", fi.Sanction)
		case in.Forum.Valid() && wfSeverityRank(fi.Finding) >= 0:
			if ok, why := SanctionAllowed(in.Forum, fi.Finding, Sanction(fi.Sanction), in.FinalWarningInForce, in.SeveralIncidents); !ok {
				f.Add(p+".sanction", why)
			}
		}
	}
	var must func(s *Subject) bool
	switch r.cover {
	case wfCoverAll:
		must = func(*Subject) bool { return true }
	case wfCoverProceeding:
		must = wfInProceedings
	default:
		return
	}
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if must(&s) && !named[[2]string{al.ID, s.OfficerID}] {
				f.Addf(string(FieldFindings), "has no entry for officer %s on allegation %s", s.OfficerID, al.ID)
			}
		}
	}
	if r.cover == wfCoverProceeding {
		for i, fi := range in.Findings {
			if s := wfSubjectOf(c, fi); s != nil && !wfInProceedings(s) {
				f.Addf(fmt.Sprintf("findings[%d]", i), "officer %s is not in these proceedings on allegation %s", fi.OfficerID, fi.AllegationID)
			}
		}
	}
}

func wfCheckPart(f *fault.Fields, field, v string, p wfPart) {
	switch {
	case p.accept == nil && v != "":
		f.Add(field, "is not taken by this action")
	case v == "" && p.required:
		f.Add(field, "is required")
	case v != "" && p.accept != nil && !slices.Contains(p.accept, v):
		f.Addf(field, "must be one of %s", strings.Join(p.accept, ", "))
	}
}

func wfCheckReferral(_ *Case, in *ActionInput, f *fault.Fields) {
	if in.ReferralGround == "voluntary" && strings.TrimSpace(in.Reasons) == "" {
		f.Add(string(FieldReasons), "is required for a voluntary referral")
	}
}

func wfCheckMode(c *Case, in *ActionInput, f *fault.Fields) {
	// Only the IOPC directs or conducts an investigation [Sch3 15]: a
	// matter the AA has assessed itself is investigated locally.
	if c.State == SeverityAssessed && in.Mode != "" && in.Mode != ModeLocal {
		f.Add(string(FieldMode), "must be local: only the IOPC, on a referral, decides a directed or independent investigation")
	}
}

func wfCheckRecipient(c *Case, in *ActionInput, f *fault.Fields) {
	if in.Recipient == "" {
		return
	}
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if s.OfficerID == in.Recipient {
				return
			}
		}
	}
	f.Addf(string(FieldRecipient), "%q is not an officer subject to this case", in.Recipient)
}

func wfCheckResume(c *Case, in *ActionInput, f *fault.Fields) {
	if in.ResumeTo == "" {
		return
	}
	if !slices.Contains(wfOpenComplaintStates(Suspended), in.ResumeTo) {
		f.Addf(string(FieldResumeTo), "%q is not an open complaint state to resume in", in.ResumeTo)
	}
}

// wfCheckForumByState ties the forum to where the case stands: a
// pre-hearing is held only for a hearing, a case held straight from
// witnesses is a meeting, and an accelerated hearing is its own forum.
func wfCheckForumByState(c *Case, in *ActionInput, f *fault.Fields) {
	if !in.Forum.Valid() {
		return
	}
	want := map[State]Forum{PreHearing: ForumHearing, AcceleratedHearing: ForumAccelerated, Witnesses: ForumMeeting}[c.State]
	if c.State == Witnesses && in.Action == ActHoldPreHearing {
		want = ForumHearing
	}
	if in.Forum != want {
		switch want {
		case ForumHearing:
			f.Addf(string(FieldForum), "is %s, but only a hearing has a pre-hearing (CR 33)", in.Forum)
		case ForumMeeting:
			f.Addf(string(FieldForum), "is %s, but a hearing must hold its pre-hearing first (CR 33)", in.Forum)
		default:
			f.Addf(string(FieldForum), "is %s, but the case is at an accelerated hearing", in.Forum)
		}
	}
}

func wfCheckReviewBody() func(c *Case, in *ActionInput, f *fault.Fields) {
	return func(c *Case, in *ActionInput, f *fault.Fields) {
		if in.ReviewBody == "" || (in.ReviewBody != ReviewBodyIOPC && in.ReviewBody != ReviewBodyLPB) {
			return
		}
		if want := ReviewBodyFor(*c, in.ReviewFacts); in.ReviewBody != want {
			f.Addf(string(FieldReviewBody), "is %s, but on these facts the review body is the %s (Sch3 6A; C&M 29)",
				strings.ToUpper(in.ReviewBody), strings.ToUpper(want))
		}
	}
}

func wfCheckCaseToAnswer(c *Case, in *ActionInput, f *fault.Fields) {
	some := false
	for i, fi := range in.Findings {
		if fi.Finding == FindingNoCaseToAnswer {
			continue
		}
		some = true
		if fi.Severity == "" {
			f.Add(fmt.Sprintf("findings[%d].severity", i), "is required: a case to answer is for misconduct or gross misconduct (CR 23)")
		}
	}
	if !some && len(in.Findings) > 0 {
		f.Add(string(FieldFindings), "find no case to answer for anyone: use no_case_to_answer")
	}
}

func wfCheckOutcome(c *Case, in *ActionInput, f *fault.Fields) {
	found := false
	for i, fi := range in.Findings {
		s := wfSubjectOf(c, fi)
		if s == nil {
			continue
		}
		if wfSeverityRank(fi.Finding) >= wfSeverityRank(SeverityMisconduct) {
			found = true
		}
		// Proceedings decide the case referred to them: they may find less
		// than the severity referred, never more [CR 41(15), 42].
		if r := wfSeverityRank(s.Severity); r >= 0 && wfSeverityRank(fi.Finding) > r {
			f.Addf(fmt.Sprintf("findings[%d].finding", i), "%s exceeds the %s the officer was referred for", wfWords(fi.Finding), wfWords(s.Severity))
		}
	}
	if !found && len(in.Findings) > 0 {
		f.Add(string(FieldFindings), "find no misconduct: use find_no_misconduct")
	}
}

func wfCheckInProceedings(c *Case, in *ActionInput, f *fault.Fields) {
	for i, fi := range in.Findings {
		if s := wfSubjectOf(c, fi); s != nil && !wfInProceedings(s) {
			f.Addf(fmt.Sprintf("findings[%d]", i), "officer %s is not in these proceedings on allegation %s", fi.OfficerID, fi.AllegationID)
		}
	}
}

func wfCheckAppeal(c *Case, in *ActionInput, f *fault.Fields) {
	switch in.AppealOutcome {
	case AppealDismissed:
		if len(in.Findings) > 0 {
			f.Add(string(FieldFindings), "are not taken when the appeal is dismissed: the outcome stands")
		}
	case AppealAllowed, AppealVaried:
		if len(in.Findings) == 0 {
			f.Add(string(FieldFindings), "are required: name each officer's finding and outcome after the appeal")
		}
		if len(in.Findings) > 0 && in.Forum == "" {
			f.Add(string(FieldForum), "is required to check the new outcome against the forum's powers")
		}
	}
	for i, fi := range in.Findings {
		s := wfSubjectOf(c, fi)
		switch {
		case s == nil:
		case s.Outcome == "":
			f.Addf(fmt.Sprintf("findings[%d]", i), "officer %s had no outcome on allegation %s to appeal", fi.OfficerID, fi.AllegationID)
		case wfSeverityRank(s.Severity) >= 0 && wfSeverityRank(fi.Finding) > wfSeverityRank(s.Severity):
			// An appeal cannot find more than the proceedings could.
			f.Addf(fmt.Sprintf("findings[%d].finding", i), "%s exceeds the %s the officer was referred for",
				wfWords(fi.Finding), wfWords(s.Severity))
		}
	}
}

// wfNeedsSubject refuses actions that act on an officer until the case names
// one.
func wfNeedsSubject(c *Case) string {
	for _, al := range c.Allegations {
		if len(al.Subjects) > 0 {
			return ""
		}
	}
	return "the case names no officer yet"
}

// wfMeetingGuard: a meeting deals only with misconduct, so every officer
// with a case to answer must be at misconduct, not gross misconduct
// [CR 23, 28].
func wfMeetingGuard(c *Case) string {
	n := 0
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if !wfInProceedings(&s) {
				continue
			}
			n++
			if s.Severity != SeverityMisconduct {
				return fmt.Sprintf("officer %s has a case to answer for %s, which a meeting cannot hear", s.OfficerID, wfWords(s.Severity))
			}
		}
	}
	if n == 0 {
		return "no officer has a case to answer"
	}
	return ""
}

func wfHearingGuard(c *Case) string {
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if wfInProceedings(&s) && wfSeverityRank(s.Severity) >= wfSeverityRank(SeverityMisconduct) {
				return ""
			}
		}
	}
	return "no officer has a case to answer for misconduct or gross misconduct"
}

// wfInProceedings: the subject has a case to answer and no finding of the
// proceedings yet.
func wfInProceedings(s *Subject) bool { return s.Finding == FindingCaseToAnswer }

func wfDismissed(c *Case) bool {
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if s.Outcome == string(SanctionDismissal) {
				return true
			}
		}
	}
	return false
}

func wfSubjectOf(c *Case, fi FindingInput) *Subject {
	for i := range c.Allegations {
		al := &c.Allegations[i]
		if al.ID != fi.AllegationID {
			continue
		}
		for j := range al.Subjects {
			if al.Subjects[j].OfficerID == fi.OfficerID {
				return &al.Subjects[j]
			}
		}
	}
	return nil
}

func wfEachSubject(c *Case, fn func(s *Subject)) {
	for i := range c.Allegations {
		for j := range c.Allegations[i].Subjects {
			fn(&c.Allegations[i].Subjects[j])
		}
	}
}

// ReviewBodyFor decides who reviews a complaint's outcome [Sch3 6A; C&M
// 29, 32]: the IOPC if the complaint concerns a senior officer; could
// justify criminal or disciplinary proceedings or be an Article 2 or 3
// breach; was referred to the IOPC; or arises from the same incident as
// one of these. Otherwise the local policing body. A subject assessed at
// misconduct or gross misconduct is itself a sign that disciplinary
// proceedings could be justified.
func ReviewBodyFor(c Case, facts ReviewFacts) string {
	if facts.SeniorOfficer || facts.CriminalOrDisciplinary || facts.Article2Or3 || facts.Referred || facts.SameIncident {
		return ReviewBodyIOPC
	}
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if wfSeverityRank(s.Severity) >= wfSeverityRank(SeverityMisconduct) {
				return ReviewBodyIOPC
			}
		}
	}
	return ReviewBodyLPB
}

// TimelineFacts are what a case's timeline knows that the case record does
// not: the API reads them to fill ActionInput.Forum, ResumeTo and
// ReviewFacts.Referred instead of trusting the client.
type TimelineFacts struct {
	Forum         Forum // the forum of the latest referral to proceedings
	SuspendedFrom State // the state a suspended complaint was suspended from
	Referred      bool  // the matter was referred to the IOPC
}

// ReadTimeline gathers TimelineFacts from events in order.
func ReadTimeline(events []Event) TimelineFacts {
	var t TimelineFacts
	for _, e := range events {
		if e.Type != EventStateChanged {
			continue
		}
		if fo := Forum(e.Detail["forum"]); fo.Valid() {
			t.Forum = fo
		}
		switch ActionName(e.Detail["action"]) {
		case ActReferToIOPC:
			t.Referred = true
		case ActSuspend:
			t.SuspendedFrom = State(e.Detail["from"])
		case ActResume:
			t.SuspendedFrom = ""
		}
	}
	return t
}

// wfDetail is what the timeline records of a step: the action, the states
// and every piece of data the action took.
func wfDetail(a *Action, in *ActionInput, from, to State) map[string]string {
	d := map[string]string{"action": string(a.Name), "from": string(from), "to": string(to)}
	takes := func(x Field) bool { return slices.Contains(a.Requires, x) || slices.Contains(a.Optional, x) }
	set := func(x Field, v string) {
		if v != "" && takes(x) {
			d[string(x)] = v
		}
	}
	flag := func(x Field, v bool) {
		if v && takes(x) {
			d[string(x)] = "true"
		}
	}
	set(FieldReasons, in.Reasons)
	set(FieldReferralGround, in.ReferralGround)
	set(FieldMandatoryGround, in.MandatoryGround)
	set(FieldMode, in.Mode)
	set(FieldForum, string(in.Forum))
	if a.forum != "" {
		d[string(FieldForum)] = string(a.forum)
	}
	set(FieldReviewBody, in.ReviewBody)
	set(FieldRecipient, in.Recipient)
	set(FieldAppealOutcome, in.AppealOutcome)
	flag(FieldSignedWithdrawal, in.SignedWithdrawal)
	flag(FieldFinalWarning, in.FinalWarningInForce)
	flag(FieldSeveralIncidents, in.SeveralIncidents)
	if takes(FieldReviewFacts) && in.ReviewFacts != (ReviewFacts{}) {
		b, _ := json.Marshal(in.ReviewFacts)
		d[string(FieldReviewFacts)] = string(b)
	}
	if len(in.Findings) > 0 {
		b, _ := json.Marshal(in.Findings)
		d[string(FieldFindings)] = string(b)
	}
	return d
}

func wfReferralCodes() string {
	s := make([]string, len(ReferralGrounds))
	for i, g := range ReferralGrounds {
		s[i] = g.Code
	}
	return strings.Join(s, ", ")
}

func wfJoinNames(n []ActionName) string {
	if len(n) == 0 {
		return "none"
	}
	s := make([]string, len(n))
	for i, x := range n {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
