package cases

import (
	"slices"

	"github.com/probity/probity/internal/fault"
)

// The statutory state machines for complaints and conduct matters
// (docs/statutory-process.md, sections 2 and 3; the diagrams there are
// drawn from this table and a test keeps them in step). Every move of a
// case is a named action: the states it may be taken from, the state it
// leads to, who may take it and the data it needs. Apply is the only way a
// case changes state, so the table below is the whole of the process;
// nothing else may set Case.State on an existing case.
//
// This file is the table, read as the law is: one entry per action. What
// an entry names lives beside it: the input and its vocabularies in
// workflow_input.go, the guards and checks that refuse an action in
// workflow_checks.go, and what an action writes on the case and its
// timeline in workflow_effects.go.

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
	ActMakeInitialContact   ActionName = "make_initial_contact"
	ActLogOutsideSch3       ActionName = "log_outside_schedule3"
	ActRecordSch3           ActionName = "record_under_schedule3"
	ActResolve              ActionName = "resolve_outside_schedule3"
	ActReferToIOPC          ActionName = "refer_to_iopc" // complaints and conduct matters
	ActIOPCTreatsAsReferred ActionName = "iopc_treats_as_referred"
	ActIOPCLocal            ActionName = "iopc_decides_local_investigation"
	ActIOPCDirected         ActionName = "iopc_directs_investigation"
	ActIOPCIndependent      ActionName = "iopc_investigates"
	ActIOPCReferBack        ActionName = "iopc_refers_back"
	ActHandleOtherwise      ActionName = "handle_otherwise"
	ActInvestigateLocally   ActionName = "investigate_locally"
	ActNotifyOutcome        ActionName = "notify_outcome"
	ActRequestReview        ActionName = "request_review"
	ActUpholdReview         ActionName = "uphold_review"
	ActNotUpholdReview      ActionName = "not_uphold_review"
	ActReinvestigate        ActionName = "reinvestigate"
	ActCloseComplaint       ActionName = "close"
	ActWithdraw             ActionName = "withdraw"
	ActWithdrawPart         ActionName = "withdraw_part"
	ActSuspend              ActionName = "suspend"
	ActResume               ActionName = "resume"
	ActAssessSeverity       ActionName = "assess_severity"
	ActNoFurtherAction      ActionName = "no_further_action"
	ActReferToRPRP          ActionName = "refer_to_rprp"
	ActReferToPerformance   ActionName = "refer_to_performance"
	ActReferToVetting       ActionName = "refer_to_vetting"
	ActStartInvestigation   ActionName = "start_investigation"
	ActServeReg17           ActionName = "serve_reg17_notice"
	ActInterview            ActionName = "interview_officer"
	ActSubmitReport         ActionName = "submit_report"
	ActNoCaseToAnswer       ActionName = "no_case_to_answer"
	ActCaseToAnswer         ActionName = "case_to_answer"
	ActNoProceedings        ActionName = "bring_no_proceedings"
	ActSpecialConditions    ActionName = "certify_special_conditions"
	ActReferToMeeting       ActionName = "refer_to_meeting"
	ActReferToHearing       ActionName = "refer_to_hearing"
	ActServeReferralNotice  ActionName = "serve_referral_notice"
	ActOfficerResponse      ActionName = "record_officer_response"
	ActAgreeWitnesses       ActionName = "agree_witnesses"
	ActHoldPreHearing       ActionName = "hold_pre_hearing"
	ActReferToAccelerated   ActionName = "refer_to_accelerated_hearing"
	ActHoldProceedings      ActionName = "hold_proceedings"
	ActRecordOutcome        ActionName = "record_outcome"
	ActFindNoMisconduct     ActionName = "find_no_misconduct"
	ActAppeal               ActionName = "appeal"
	ActFinalise             ActionName = "finalise"
	ActDecideAppeal         ActionName = "decide_appeal"
	ActReportBarredList     ActionName = "report_to_barred_list"
	ActReportAdvisoryList   ActionName = "report_to_advisory_list"
	ActOfficerLeft          ActionName = "record_officer_left"
	ActWithdrawBarredList   ActionName = "withdraw_barred_list_report"
)

// Action is one transition of a state machine.
type Action struct {
	Name  ActionName `json:"name"`
	Title string     `json:"title"` // in plain words, for buttons and the timeline
	From  []State    `json:"from"`
	// To is the state the action leads to. It is empty for resume, which
	// returns the case to the state it was suspended from (resume_to).
	To State `json:"to,omitempty"`
	// Stays marks an action on one officer that leaves the case where it
	// is (To is empty): an officer leaving, a report to the College's
	// lists. They are events on the subject, not the end of the case.
	Stays bool   `json:"stays,omitempty"`
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

var (
	wfComplaintKinds = []Kind{Complaint}
	wfConductKinds   = []Kind{ConductMatter, RecordableConduct} // DSI matters have their own machine (dsi.go)

	wfComplaintStates = []State{Received, InitialContact, LoggedOutsideSch3, RecordedSch3, ReferredIOPC,
		HandledOtherwise, LocalInvestigation, DirectedInvestigation, IndependentInvestigation, ReferredBack,
		Resolved, OutcomeNotified, ReviewRequested, ReviewUpheld, ReviewNotUpheld, Closed, Withdrawn, Suspended, RecordedAsConduct}
	// Resolved is not terminal: the complainant may ask at any time for
	// the complaint to be recorded under Schedule 3 [Sch3 2(6A)]. Withdrawn
	// is terminal unless the IOPC's public-interest decision is owed; see
	// IsTerminal.
	wfComplaintTerminal = []State{Closed, Withdrawn, RecordedAsConduct}

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
	case k == DeathOrSeriousInjury:
		return slices.Clone(wfDSIStates)
	}
	return nil
}

// IsTerminal reports whether a case has reached the end of its process, so
// that no action may move it. Final is terminal unless a barred-list duty
// is still owed: an officer dismissed (or found to have been liable to
// dismissal after leaving) not yet reported, or a report that must be
// withdrawn because an appeal succeeded.
func IsTerminal(c Case) bool {
	if c.Kind == Complaint {
		return slices.Contains(wfComplaintTerminal, c.State) && !wfPublicInterestOwed(&c)
	}
	if c.Kind == DeathOrSeriousInjury {
		return slices.Contains(wfDSITerminal, c.State)
	}
	if c.State == Final {
		return !wfBarredListOwed(&c)
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

// wfReferableStates are the states a matter may be referred to the IOPC
// from: every open state in which the force holds it under Schedule 3 (for
// a complaint, once recorded; for a conduct matter, until the report),
// but not while the IOPC already holds it or handling is suspended.
var wfReferableStates = []State{
	RecordedSch3, ReferredBack, HandledOtherwise, LocalInvestigation, OutcomeNotified, ReviewRequested, ReviewUpheld, ReviewNotUpheld,
	AllegationReceived, SeverityAssessed, Investigation, Reg17Served, Interviewed,
}

// wfGuards refuses on the first of gs that refuses.
func wfGuards(gs ...func(c *Case) string) func(c *Case) string {
	return func(c *Case) string {
		for _, g := range gs {
			if why := g(c); why != "" {
				return why
			}
		}
		return ""
	}
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

// wfActions is the whole of the state machines: this table, then the DSI
// machine's and the public-interest decisions' rows, kept beside their
// logic (dsi.go, decisions.go). Its order is the order in which Allowed
// lists actions.
var wfActions = slices.Concat(wfTable, wfDSIActions, wfPublicInterestActions)

// wfTable is the complaint and conduct machines.
var wfTable = []Action{
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
		From: []State{InitialContact, LoggedOutsideSch3, Resolved}, To: RecordedSch3, Kinds: wfComplaintKinds, Roles: wfRolesAAOrHandler,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldMandatoryGround}, Source: "Sch3 2(6)-(6C)",
		effect: wfRecordHandlingGround,
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
		// A referral may be made, and a mandatory one becomes due, whenever
		// it becomes clear in the handling that a ground applies, so it is
		// open from every state in which the force still holds the matter
		// under Schedule 3.
		Name: ActReferToIOPC, Title: "Refer the matter to the IOPC",
		From: wfReferableStates, To: ReferredIOPC, Kinds: wfReferralKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReferralGround}, Optional: []Field{FieldReasons},
		Source: "Sch3 4(1), 13; C&M 4", check: wfCheckReferral, effect: wfRecordReferral,
	},
	{
		// The IOPC may treat a matter that came to its attention otherwise
		// as referred [Sch3 4A, 13A]; Probity records that through the AA
		// roles, and the matter continues as a referred one.
		Name: ActIOPCTreatsAsReferred, Title: "Record that the IOPC is treating the matter as referred to it",
		From: wfReferableStates, To: ReferredIOPC, Kinds: wfReferralKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, Source: "Sch3 4A, 13A", effect: wfRecordTreatedAsReferred,
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
		// A complaint recorded as one that must be investigated is refused
		// here unless the C&M 6 exception is recorded (wfCheck).
		Name: ActHandleOtherwise, Title: "Handle the complaint otherwise than by investigation",
		From: []State{RecordedSch3, ReferredBack}, To: HandledOtherwise, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldInvestigationException}, Source: "Sch3 6(2)-(2C); C&M 6",
		effect: wfRecordInvestigationException, guard: wfReferralFirst,
	},
	{
		Name: ActInvestigateLocally, Title: "Investigate the complaint locally",
		From: []State{RecordedSch3, ReferredBack}, To: LocalInvestigation, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 6(2), 16",
		guard: wfReferralFirst,
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
		Optional: []Field{FieldReviewBody, FieldReviewFacts, FieldReasons}, Source: "Sch3 6A, 25; C&M 29, 32",
		check: wfCheckReviewBody, effect: wfRecordReviewBody,
	},
	{
		// Not inside the review window (28 days, C&M 29): the deadline
		// clocks say whether it is open (Case.Derived.OpenWindows).
		Name: ActCloseComplaint, Title: "Close the complaint",
		From: []State{OutcomeNotified, ReviewNotUpheld}, To: Closed, Kinds: wfComplaintKinds, Roles: wfRolesAAOrHandler,
		Optional: []Field{FieldReasons}, Source: "C&M 29", guard: wfReviewWindowClosed,
	},
	{
		Name: ActUpholdReview, Title: "Record that the review was upheld",
		From: []State{ReviewRequested}, To: ReviewUpheld, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldReviewBody, FieldReviewFacts},
		Source: "Sch3 6A, 25; C&M 32", check: wfCheckReviewBody, effect: wfRecordReviewBody,
	},
	{
		Name: ActNotUpholdReview, Title: "Record that the review was not upheld",
		From: []State{ReviewRequested}, To: ReviewNotUpheld, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldReviewBody, FieldReviewFacts},
		Source: "Sch3 6A, 25; C&M 32", check: wfCheckReviewBody, effect: wfRecordReviewBody,
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
		// (docs/statutory-process.md, section 2.4), so also after the
		// outcome: a withdrawal then ends a pending review.
		// With a signed notice [C&M 38] or without one, once the
		// complainant's wish is confirmed [C&M 39].
		Name: ActWithdraw, Title: "Record the complainant's withdrawal",
		From: wfOpenComplaintStates(Resolved), To: Withdrawn, Kinds: wfComplaintKinds, Roles: wfRolesComplainant,
		Optional: []Field{FieldSignedWithdrawal, FieldReasons}, Source: "C&M 38, 39",
		check: wfCheckSignedWithdrawal,
	},
	{
		// Part of a complaint may be withdrawn; the rest goes on.
		Name: ActWithdrawPart, Title: "Record the complainant's withdrawal of part of the complaint",
		From: wfOpenComplaintStates(Resolved), Stays: true, Kinds: wfComplaintKinds, Roles: wfRolesComplainant,
		Requires: []Field{FieldFindings, FieldFinding}, Optional: []Field{FieldSignedWithdrawal, FieldReasons}, Source: "C&M 38, 39",
		findings: wfFindingRule{cover: wfCoverAny, finding: wfPart{accept: []string{FindingWithdrawn}, required: true}},
		check:    wfCheckPartWithdrawal, guard: wfPartsToWithdraw,
	},
	{
		// Suspension and resumption are C&M 40 and 41
		// (docs/statutory-process.md, sections 2.4 and 7), which also
		// require a letter to the complainant on resumption; until that is
		// modelled the source stays UNCONFIRMED and the action is a
		// reversible pause with its reasons.
		Name: ActSuspend, Title: "Suspend handling while criminal proceedings run",
		From: wfOpenComplaintStates(Suspended, Resolved), To: Suspended, Kinds: wfComplaintKinds, Roles: wfRolesAA,
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
		guard: wfGuards(wfNeedsSubject, wfReferralFirst), findings: wfFindingRule{cover: wfCoverAll, severity: wfSevAny},
	},
	{
		Name: ActNoFurtherAction, Title: "Take no further action",
		From: []State{SeverityAssessed, NoCaseToAnswer, NoMisconduct}, To: NoFurtherAction, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, Source: "CR 14, 23, 42",
		guard: wfReferralFirst,
	},
	{
		// From NoMisconduct this records the chair's or panel's direction
		// to RPRP [CR 42(1)(b)].
		Name: ActReferToRPRP, Title: "Refer to the reflective practice review process",
		From: []State{SeverityAssessed, NoCaseToAnswer, NoMisconduct}, To: RPRP, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, Source: "CR 14, 23, 42; CR Part 6",
		guard: wfReferralFirst,
	},
	{
		Name: ActReferToPerformance, Title: "Refer to the unsatisfactory performance procedures",
		From: []State{SeverityAssessed}, To: Performance, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, Source: "CR 14",
		guard: wfReferralFirst,
	},
	{
		Name: ActReferToVetting, Title: "Refer for a vetting review",
		From: []State{SeverityAssessed}, To: Vetting, Kinds: wfConductKinds,
		Roles: wfRolesAA, Requires: []Field{FieldReasons}, RuleSets: []string{"2025"},
		Source: "CR 14(2)(aa), Vetting route added by SI 2025/558",
		guard:  wfReferralFirst,
	},
	{
		// The IOPC decides the mode of a referred matter's investigation;
		// a matter the AA assessed itself is investigated locally.
		Name: ActStartInvestigation, Title: "Start an investigation",
		From: []State{SeverityAssessed, ReferredIOPC}, To: Investigation, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldMode}, Optional: []Field{FieldFindings, FieldSeverity},
		Source: "CR 14, 15; Sch3 15", findings: wfFindingRule{cover: wfCoverAny, severity: wfSevAny},
		check: wfCheckMode,
		guard: wfReferralFirst,
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
		// The interview is the investigator's choice [CR 20]: the report
		// may follow the notice without one.
		Name: ActSubmitReport, Title: "Submit the investigation report",
		From: []State{Reg17Served, Interviewed}, To: Reported, Kinds: wfConductKinds, Roles: wfRolesInvestigator,
		Optional: []Field{FieldReasons}, Source: "CR 21",
	},
	{
		Name: ActNoCaseToAnswer, Title: "Decide there is no case to answer",
		From: []State{Reported}, To: NoCaseToAnswer, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "CR 23",
		effect: wfNoCaseToAnswerForAll,
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
		check:  wfCheckCaseToAnswer,
		effect: wfCaseToAnswerUnlessSaid,
	},
	{
		// Case to answer does not oblige proceedings: the AA decides
		// whether they are brought [CR 23(1)].
		Name: ActNoProceedings, Title: "Decide to bring no misconduct proceedings",
		From: []State{CaseToAnswer}, To: NoFurtherAction, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "CR 23(1)",
	},
	{
		// Certification may come on the investigator's statement before
		// the investigation's final report [CR 49].
		Name: ActSpecialConditions, Title: "Certify that the special conditions are met",
		From: []State{Investigation, Reg17Served, Interviewed, Reported}, To: SpecialConditions, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldFindings, FieldSeverity}, Source: "CR 49", guard: wfNeedsSubject,
		findings: wfFindingRule{cover: wfCoverAll, severity: wfPart{accept: []string{SeverityGrossMisconduct}, required: true}},
		effect:   wfCaseToAnswerForAll,
	},
	{
		Name: ActReferToMeeting, Title: "Refer to a misconduct meeting",
		From: []State{CaseToAnswer}, To: MeetingReferred, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "CR 23, 28", forum: ForumMeeting, guard: wfGuards(wfMeetingGuard, wfMeetingByLaw),
	},
	{
		Name: ActReferToHearing, Title: "Refer to a misconduct hearing",
		From: []State{CaseToAnswer}, To: HearingReferred, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "CR 23, 28", forum: ForumHearing, guard: wfGuards(wfHearingGuard, wfHearingByLaw),
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
		// Only hearings have a pre-hearing, and only when the chair
		// directs one [CR 33]: a hearing may also go straight to being held.
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
		effect:   wfNoMisconductForTheRest,
	},
	{
		// From a meeting the appeal is internal [CR 45]; from a hearing it
		// goes to the Police Appeals Tribunal [PAT].
		Name: ActAppeal, Title: "Record the officer's appeal",
		From: []State{Outcome}, To: Appeal, Kinds: wfConductKinds, Roles: wfRolesOfficer,
		Optional: []Field{FieldReasons, FieldForum}, Source: "CR 45; PAT 13",
	},
	{
		// Not inside the officer's appeal window, which opens when the
		// decision is supplied (Case.Derived.OpenWindows).
		Name: ActFinalise, Title: "Finalise the outcome (no appeal)",
		From: []State{Outcome}, To: Final, Kinds: wfConductKinds, Roles: wfRolesAA,
		Optional: []Field{FieldReasons}, Source: "CR 45; PAT", guard: wfAppealWindowClosed,
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
		// The report does not wait for an appeal [SI 2017/1135 reg 3]: it
		// is made once the outcome is recorded, per officer, and the case
		// goes on (workflow_former.go).
		Name: ActReportBarredList, Title: "Report the dismissed officer to the College of Policing barred list",
		From: []State{Outcome, Appeal, Final}, Stays: true, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldRecipient}, Optional: []Field{FieldReasons}, Source: "Police Act 1996 s 88A; SI 2017/1135 reg 3",
		guard: wfDismissalGuard, check: wfCheckBarredListReport, effect: wfRecordBarredList,
	},
	{
		Name: ActWithdrawBarredList, Title: "Withdraw the barred-list report after a successful appeal",
		From: []State{Final}, Stays: true, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldRecipient, FieldReasons}, Source: "SI 2017/1135 reg 3",
		guard: wfWithdrawalOwed, check: wfCheckBarredListWithdrawal, effect: wfWithdrawBarredList,
	},
	{
		// Leaving is an event on the subject: proceedings go on against a
		// former officer [CR 4, Sch 1].
		Name: ActOfficerLeft, Title: "Record that the officer has left the force",
		From: wfOpenConductStates(), Stays: true, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldRecipient}, Optional: []Field{FieldReasons}, Source: "CR 4; CR Sch 1",
		guard: wfNeedsSubject, check: wfCheckOfficerLeft, effect: wfRecordOfficerLeft,
	},
	{
		// An event on the subject who left, not the end of the case.
		Name: ActReportAdvisoryList, Title: "Report the officer who left mid-case to the College of Policing advisory list",
		From: wfOpenConductStates(), Stays: true, Kinds: wfConductKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldRecipient}, Source: "Police Act 1996 s 88I; SI 2017/1135 reg 12", guard: wfSomeoneLeft,
		check: wfCheckAdvisoryList, effect: wfRecordAdvisoryList,
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
