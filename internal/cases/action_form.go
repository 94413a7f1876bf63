package cases

import "slices"

// What an action asks for, in words, so that an adapter can build the
// form of any action from the table in workflow.go without knowing the
// action: each field's question, the values it takes, and, for findings,
// which subjects the action names and what it decides about each. A new
// action made of known fields gets its form with no adapter change.

// Choice is one value a field takes, with its label.
type Choice struct {
	Code string
	Label
}

// fieldLabels word each field as a question: Name is the question,
// Explanation the hint under it.
var fieldLabels = map[Field]Label{
	FieldReasons:                {"Reasons", "Say what was decided and why, as it will be read by the people on the case and, where the law gives them a right to know, the complainant or officer.", ""},
	FieldReferralGround:         {"Ground for referral", "Why the matter goes to the IOPC.", "Sch3 4(1), 13; C&M 4"},
	FieldMandatoryGround:        {"Ground on which Schedule 3 handling is mandatory", "Leave unselected unless one applies: then the complaint must be recorded and handled under Schedule 3.", "Sch3 2(6A), (6B)"},
	FieldMode:                   {"Kind of investigation", "Who investigates. A matter the force assessed itself is investigated locally.", "Sch3 15"},
	FieldForum:                  {"Kind of proceedings", "The proceedings the officer was referred to.", "CR 28, 49"},
	FieldFindings:               {"Each officer", "What is decided about each officer on each allegation.", ""},
	FieldSeverity:               {"Severity", "What the conduct would amount to if proved.", "CR 14; C&M 16"},
	FieldFinding:                {"Finding", "What was found.", ""},
	FieldSanction:               {"Disciplinary outcome", "What the proceedings imposed.", "CR 42"},
	FieldFinalWarning:           {"A final written warning is in force", "The officer already has a final written warning: the proceedings may then go further.", "CR 42"},
	FieldSeveralIncidents:       {"Several unconnected incidents", "The finding covers several incidents that are not connected.", "CR 42"},
	FieldSignedWithdrawal:       {"The complainant signed the withdrawal", "Without a signed notice, say in the reasons how the complainant's wish to withdraw was confirmed.", "C&M 38, 39"},
	FieldReviewBody:             {"Review body", "Leave unselected: Probity works it out from the case and the facts below, and refuses a choice the law does not give.", "Sch3 6A; C&M 29, 32"},
	FieldOnBehalfOf:             {"Whose decision this is", "Leave unselected for the usual decision maker: the IOPC if the complaint was referred, else the appropriate authority.", "C&M 38(5), 41(4)-(6)"},
	FieldReviewFacts:            {"Facts that decide the review body", "Tick each that is true of the complaint.", "Sch3 6A; C&M 29, 32"},
	FieldResumeTo:               {"Stage to resume at", "The stage the complaint was paused at.", ""},
	FieldRecipient:              {"Officer served", "The officer the notice is served on.", ""},
	FieldAppealOutcome:          {"Appeal decision", "What the appeal decided.", "CR 45; PAT"},
	FieldInvestigationException: {"Exception to the duty to investigate", "Leave unselected unless it applies; then say why in the reasons.", "C&M 6"},
}

// FieldLabel words a field as a question, with a hint.
func FieldLabel(f Field) Label { return lookup(fieldLabels, f, string(f)) }

// choiceLabels word the codes of the vocabularies in workflow_input.go.
var choiceLabels = map[Field]map[string]Label{
	FieldMandatoryGround: {
		"death_or_serious_injury": {"Death or serious injury", "The conduct complained of is alleged to have caused death or serious injury.", "Sch3 2(6B)"},
		"crime_or_disciplinary":   {"A crime or disciplinary proceedings", "The conduct could be a crime or justify disciplinary proceedings.", "Sch3 2(6A)"},
		"article_2_or_3":          {"Article 2 or 3", "It could be a breach of the right to life or of the prohibition of torture and inhuman treatment.", "Sch3 2(6A)"},
		"must_be_referred":        {"Must be referred to the IOPC", "It is of a description that must be referred.", "Sch3 2(6B)"},
	},
	FieldMode: {
		ModeLocal:       {"Local investigation", "The force investigates on its own behalf.", "Sch3 16"},
		ModeDirected:    {"Directed investigation", "The force investigates under the IOPC's direction.", "Sch3 18"},
		ModeIndependent: {"Independent investigation", "The IOPC investigates.", "Sch3 19"},
	},
	FieldReviewBody: {
		ReviewBodyIOPC: {"The IOPC", "The Independent Office for Police Conduct reviews the outcome.", "Sch3 6A"},
		ReviewBodyLPB:  {"The local policing body", "The local policing body reviews the outcome.", "C&M 29"},
	},
	FieldAppealOutcome: {
		AppealDismissed: {"Dismissed", "The appeal failed: the outcome stands.", "CR 45; PAT"},
		AppealAllowed:   {"Allowed", "The appeal succeeded: give each officer's finding and outcome after it.", "CR 45; PAT"},
		AppealVaried:    {"Outcome varied", "The outcome was changed: give each officer's finding and outcome after it.", "CR 45; PAT"},
	},
	FieldOnBehalfOf: {
		OnBehalfOfAA:    {"The appropriate authority", "The chief officer, or whoever acts for them.", ""},
		OnBehalfOfLPB:   {"The local policing body", "The police and crime commissioner or mayor.", ""},
		OnBehalfOfIOPC:  {"The IOPC", "The Independent Office for Police Conduct.", ""},
		OnBehalfOfPanel: {"The panel", "The person or panel conducting the proceedings or appeal.", ""},
	},
	FieldInvestigationException: {
		"repeat_complaint": {"Repeat complaint", "Substantially the same conduct as an earlier matter investigated or handled, with no fresh indication or evidence.", "C&M 6"},
	},
}

// findingLabels word the complaint findings and the case-to-answer
// determinations; the severities are in severityLabels.
var findingLabels = map[string]Label{
	"service_acceptable":     {"Service acceptable", "The service the complainant received was acceptable.", "C&M 34"},
	"service_not_acceptable": {"Service not acceptable", "The service the complainant received was not acceptable.", "C&M 34"},
	"unable_to_determine":    {"Unable to determine", "It could not be determined whether the service was acceptable.", "C&M 34"},
	"no_further_action":      {"No further action", "Nothing further is to be done about this officer.", "C&M 34"},
	FindingCaseToAnswer:      {"Case to answer", "The officer has a case to answer.", "CR 23"},
	FindingNoCaseToAnswer:    {"No case to answer", "The officer has no case to answer.", "CR 23"},
}

// FindingLabel names a finding: a severity found, a complaint finding or
// a case-to-answer determination.
func FindingLabel(code string) Label {
	if l, ok := severityLabels[code]; ok {
		return l
	}
	return lookup(findingLabels, code, code)
}

// ChoiceLabel names one value of a field.
func ChoiceLabel(f Field, code string) Label {
	switch f {
	case FieldForum:
		return Forum(code).Label()
	case FieldSanction:
		return Sanction(code).Label()
	case FieldSeverity, FieldFinding:
		return FindingLabel(code)
	case FieldReferralGround:
		for _, g := range ReferralGrounds {
			if g.Code == code {
				return Label{Name: g.Title, Source: "Sch3 4(1), 13; C&M 4"}
			}
		}
	}
	return lookup(choiceLabels[f], code, code)
}

// FieldChoices lists the values a field takes, in the order the law gives
// them, or nil for a field that is not a choice.
func FieldChoices(f Field) []Choice {
	var codes []string
	switch f {
	case FieldReferralGround:
		for _, g := range ReferralGrounds {
			codes = append(codes, g.Code)
		}
	case FieldMandatoryGround:
		codes = MandatoryHandlingGrounds
	case FieldMode:
		codes = Modes
	case FieldForum:
		for _, fm := range Forums {
			codes = append(codes, string(fm))
		}
	case FieldSanction:
		for _, s := range Sanctions {
			codes = append(codes, string(s))
		}
	case FieldReviewBody:
		codes = []string{ReviewBodyIOPC, ReviewBodyLPB}
	case FieldAppealOutcome:
		codes = AppealOutcomes
	case FieldInvestigationException:
		codes = InvestigationExceptions
	case FieldOnBehalfOf:
		codes = []string{OnBehalfOfIOPC, OnBehalfOfAA}
	}
	return choices(f, codes)
}

func choices(f Field, codes []string) []Choice {
	if codes == nil {
		return nil
	}
	out := make([]Choice, len(codes))
	for i, c := range codes {
		out[i] = Choice{Code: c, Label: ChoiceLabel(f, c)}
	}
	return out
}

// ReviewFactChoices are the facts of ReviewFacts, by their JSON names.
var ReviewFactChoices = []Choice{
	{"senior_officer", Label{"It concerns a senior officer", "An officer above the rank of chief superintendent.", "Sch3 6A"}},
	{"criminal_or_disciplinary", Label{"It could justify criminal or disciplinary proceedings", "", "C&M 29"}},
	{"article_2_or_3", Label{"It could be a breach of Article 2 or 3", "The right to life, or the prohibition of torture and inhuman treatment.", "C&M 29"}},
	{"referred", Label{"It was referred to the IOPC", "", "C&M 29"}},
	{"same_incident", Label{"It arises from the same incident as one of these", "", "C&M 29"}},
}

// SetReviewFact sets the fact of ReviewFactChoices named code.
func (r *ReviewFacts) SetReviewFact(code string) {
	switch code {
	case "senior_officer":
		r.SeniorOfficer = true
	case "criminal_or_disciplinary":
		r.CriminalOrDisciplinary = true
	case "article_2_or_3":
		r.Article2Or3 = true
	case "referred":
		r.Referred = true
	case "same_incident":
		r.SameIncident = true
	}
}

// FindingForm is what an action decides about each subject it names.
type FindingForm struct {
	// Subjects are the officers, on their allegations, the action names;
	// Every says each must be given, else only those given count.
	Subjects []SubjectRef
	Every    bool
	// Severity, Finding and Sanction list the values each part takes,
	// nil where the action does not take the part; the Required ones must
	// be given for each subject named.
	Severity, Finding, Sanction       []Choice
	SeverityRequired, FindingRequired bool
}

// SubjectRef is one officer on one allegation.
type SubjectRef struct {
	AllegationID string
	// AllegationSeq numbers the allegation on its case, from 1.
	AllegationSeq int
	Subject
}

// Findings says what an action decides about the subjects of c, or false
// when it takes no findings.
func (a Action) Findings(c Case) (FindingForm, bool) {
	r := a.findings
	if r.cover == wfCoverNone {
		return FindingForm{}, false
	}
	ff := FindingForm{Every: r.cover != wfCoverAny,
		Severity: choices(FieldSeverity, r.severity.accept), SeverityRequired: r.severity.required,
		Finding: choices(FieldFinding, r.finding.accept), FindingRequired: r.finding.required}
	if r.sanction {
		ff.Sanction = FieldChoices(FieldSanction)
	}
	for i, al := range c.Allegations {
		seq := al.Seq
		if seq == 0 {
			seq = i + 1
		}
		for _, s := range al.Subjects {
			if r.cover == wfCoverProceeding && !wfInProceedings(&s) {
				continue
			}
			ff.Subjects = append(ff.Subjects, SubjectRef{AllegationID: al.ID, AllegationSeq: seq, Subject: s})
		}
	}
	return ff, true
}

// Takes reports whether the action takes the field, required or not.
func (a Action) Takes(f Field) bool {
	return slices.Contains(a.Requires, f) || slices.Contains(a.Optional, f)
}

// Needs reports whether the action cannot be taken without the field.
func (a Action) Needs(f Field) bool { return slices.Contains(a.Requires, f) }
