package cases

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

	FieldInvestigationException Field = "investigation_exception"
)

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
// subject. No regulation lists them; these follow the 2020 reforms' move
// from "upheld" to whether the service was acceptable, plus the
// case-to-answer determinations of an investigation. UNCONFIRMED
// (docs/statutory-process.md, section 2.4): check against the IOPC's data
// standard before relying on them.
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

// MandatoryReferralHandlingGrounds are the handling grounds that also
// oblige the appropriate authority to refer the complaint to the IOPC
// [Sch3 2(6B), 4(1)].
var MandatoryReferralHandlingGrounds = []string{"death_or_serious_injury", "must_be_referred"}

// ReferralTreatedAsReferred is the referral ground kept on a case the
// IOPC treats as referred to it [Sch3 4A, 13A].
const ReferralTreatedAsReferred = "treated_as_referred"

// InvestigationDutyGrounds are the handling grounds that bring the duty to
// investigate the complaint [Sch3 6(2A)-(2C)]: the complaint indicates a
// possible crime or behaviour justifying disciplinary proceedings, or an
// infringement of Article 2 or 3.
var InvestigationDutyGrounds = []string{"crime_or_disciplinary", "article_2_or_3"}

// InvestigationExceptions are the exceptions to the duty to investigate
// [C&M 6]: substantially the same conduct as an earlier complaint or
// conduct matter that was or is being investigated or handled, with no
// fresh indication and no fresh evidence.
var InvestigationExceptions = []string{"repeat_complaint"}

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
	// InvestigationException records the C&M 6 exception to the duty to
	// investigate (InvestigationExceptions), with the reasons for it.
	InvestigationException string `json:"investigation_exception,omitempty"`
	Mode                   string `json:"mode,omitempty"`
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
	// OnBehalfOf names whose decision the step records, where the law
	// leaves it to the facts (decisions.go); otherwise Probity works it out.
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
	// ResumeTo is the state a suspended complaint returns to: the state it
	// was suspended from, which the API reads from the timeline
	// (ReadTimeline).
	ResumeTo      State  `json:"resume_to,omitempty"`
	Recipient     string `json:"recipient,omitempty"` // the officer a notice is served on
	AppealOutcome string `json:"appeal_outcome,omitempty"`
}

// MaxReasons bounds the reasons given for a decision.
const MaxReasons = 10000
