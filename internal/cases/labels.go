package cases

import (
	"fmt"
	"strings"
)

// Label is how a code of the statutory process is shown to people: a
// name, one line saying what it means, and the provision it comes from
// (in the short form of docs/statutory-process.md; Cite spells it out).
type Label struct {
	Name, Explanation, Source string
}

// stateLabels covers every state; TestLabelsCoverEveryCode holds that.
// The explanations follow docs/statutory-process.md, sections 2 and 3.
var stateLabels = map[State]Label{
	Received:                 {"Received", "The complaint has come in (through the public form or recorded by staff) and nothing has been decided.", "Sch3 2"},
	InitialContact:           {"Complainant contacted", "The appropriate authority has contacted the complainant to ask how they want the complaint handled.", "Sch3 2(6)"},
	LoggedOutsideSch3:        {"Being resolved informally (logged, not recorded)", "The complaint is being dealt with outside Schedule 3, with a view to resolving it to the complainant's satisfaction; it is logged, not recorded.", "Sch3 2(6C); C&M 44"},
	RecordedSch3:             {"Recorded as a formal complaint", "The complaint is recorded and handled under Schedule 3.", "Sch3 2(6A)"},
	ReferredIOPC:             {"Referred to the IOPC", "The complaint (or conduct matter) has been referred to the IOPC, which decides whether and how it is investigated. Shared by both machines.", "Sch3 4; C&M 4"},
	ReferredBack:             {"Sent back by the IOPC", "The IOPC has sent the complaint back to the appropriate authority to handle as it sees fit.", "Sch3 5(2)"},
	HandledOtherwise:         {"Handled without investigation", "The appropriate authority handles the recorded complaint otherwise than by investigation (it need not be investigated).", "Sch3 6(2)"},
	LocalInvestigation:       {"Being investigated by the force", "The appropriate authority investigates on its own behalf.", "Sch3 16"},
	DirectedInvestigation:    {"Being investigated under IOPC direction", "The appropriate authority investigates under the IOPC's direction.", "Sch3 18"},
	IndependentInvestigation: {"Being investigated by the IOPC", "The IOPC investigates.", "Sch3 19"},
	Resolved:                 {"Resolved informally", "Resolved outside Schedule 3; the complainant may still ask for it to be recorded.", "Sch3 2(6A), (6C)"},
	OutcomeNotified:          {"Outcome sent to the complainant", "The complainant has been told the outcome and their right to a review; the review window runs.", "C&M 29(2), 33"},
	ReviewRequested:          {"Review requested", "The complainant has applied for a review.", "Sch3 6A, 25; C&M 29"},
	ReviewUpheld:             {"Review upheld", "The review body upheld the review: the complaint is reinvestigated or its recommendations are acted on and a new outcome notified.", "Sch3 6A, 25"},
	ReviewNotUpheld:          {"Review not upheld", "The review body did not uphold the review.", "Sch3 6A, 25"},
	Closed:                   {"Closed", "Handling is over.", ""},
	Withdrawn:                {"Withdrawn", "The complainant withdrew the complaint, by a signed notice or, once confirmed, without one.", "C&M 38, 39"},
	Suspended:                {"Paused for criminal proceedings", "Handling is paused so as not to prejudice criminal proceedings; it resumes in the state it left.", "C&M 40, 41"},
	AllegationReceived:       {"Allegation received", "The matter has come to the appropriate authority's attention; nothing has been assessed.", "CR 13; C&M 7"},
	SeverityAssessed:         {"Severity assessed", "The appropriate authority has assessed, officer by officer, whether the conduct would amount to misconduct or gross misconduct if proved, or neither.", "CR 14; C&M 16"},
	NoFurtherAction:          {"No further action", "No further action.", "CR 14, 23"},
	RPRP:                     {"Referred to reflective practice", "Referred to the reflective practice review process: a learning process, not a disciplinary outcome.", "CR Part 6; CR 42(1)(b)"},
	Performance:              {"Referred to performance procedures", "Referred to the unsatisfactory performance procedures.", "CR 14"},
	Vetting:                  {"Referred for a vetting review", "Referred for a vetting review; exists only for matters under rule set 2025.", "CR 14(2)(aa) as added by SI 2025/558"},
	Investigation:            {"Under investigation", "An investigator has been appointed and is investigating.", "CR 15, 16"},
	Reg17Served:              {"Officer served with notice of investigation", "The investigator has served the written notice on the officer (the \"regulation 17 notice\").", "CR 17"},
	Interviewed:              {"Officer interviewed", "The officer has been interviewed.", "CR 20"},
	Reported:                 {"Investigation report submitted", "The investigator's report is with the appropriate authority.", "CR 21"},
	NoCaseToAnswer:           {"No case to answer", "The appropriate authority decided no officer has a case to answer.", "CR 23(1)"},
	CaseToAnswer:             {"Case to answer", "The appropriate authority decided at least one officer has a case to answer for misconduct or gross misconduct.", "CR 23(1)"},
	SpecialConditions:        {"Special conditions certified", "The appropriate authority certified that the special conditions for an accelerated hearing are met.", "CR 49"},
	MeetingReferred:          {"Referred to a misconduct meeting", "Referred to a misconduct meeting.", "CR 23; CR 28"},
	HearingReferred:          {"Referred to a misconduct hearing", "Referred to a misconduct hearing.", "CR 23; CR 28"},
	NoticeServed:             {"Officer served with referral papers", "The notice of referral and the papers have been served on the officer.", "CR 30"},
	OfficerResponse:          {"Officer's response received", "The officer has said whether they accept the allegation, with any mitigation or account.", "CR 31(2)"},
	Witnesses:                {"Witnesses agreed", "Both sides have given their lists of proposed witnesses.", "CR 31(4), 32"},
	PreHearing:               {"Pre-hearing held", "A misconduct pre-hearing with the chair (hearings only).", "CR 33"},
	AcceleratedHearing:       {"Referred to an accelerated hearing", "Referred to an accelerated misconduct hearing.", "CR 49, 50"},
	Held:                     {"Meeting or hearing held", "The meeting or hearing has taken place.", "CR 28, 49"},
	Outcome:                  {"Outcome recorded", "Findings and disciplinary action recorded for the officers who were before it.", "CR 41, 42"},
	NoMisconduct:             {"No misconduct found", "The proceedings found neither misconduct nor gross misconduct; they may direct reflective practice.", "CR 42(1)(b)"},
	Appeal:                   {"Under appeal", "The officer has appealed: from a meeting to the appropriate authority, from a hearing to the Police Appeals Tribunal.", "CR 45; PAT"},
	Final:                    {"Outcome final", "The outcome stands. Final, unless a barred-list report is still owed for a dismissed officer, or owed to be withdrawn after a successful appeal.", ""},
	BarredListReported:       {"Reported for the barred list", "A dismissed officer has been reported to the College of Policing for the barred list (cases recorded before the report became a step on the officer).", "Police Act 1996 s 88A; SI 2017/1135 reg 3"},
	RecordedAsConduct:        {"Recorded as a conduct matter", "The matter continues as a recordable conduct matter, a case of its own linked to this one.", "Sch3 21A; C&M 38, 41"},
	AdvisoryListReported:     {"Reported for the advisory list", "An officer who left during the case has been reported for the advisory list (cases recorded before the report became a step on the officer).", "Police Act 1996 s 88I; SI 2017/1135 reg 12"}}

var kindLabels = map[Kind]Label{
	Complaint:            {"Complaint", "A member of the public's expression of dissatisfaction with a police force.", "Sch3 Part 1"},
	ConductMatter:        {"Conduct matter", "An indication, not from a complaint, that an officer may have committed a crime or behaved in a way that justifies disciplinary proceedings.", "Sch3 Part 2"},
	RecordableConduct:    {"Recordable conduct matter", "A conduct matter serious enough that the appropriate authority must record it.", "Sch3 10; C&M 7"},
	DeathOrSeriousInjury: {"Death or serious injury matter", "Someone died or was seriously injured after contact with the police.", "Sch3 Part 2A"},
}

var forumLabels = map[Forum]Label{
	ForumMeeting:     {"Misconduct meeting", "Heard by one person at least one rank above the officer; misconduct only.", "CR 28"},
	ForumHearing:     {"Misconduct hearing", "Heard by a panel of three; misconduct or gross misconduct.", "CR 28"},
	ForumAccelerated: {"Accelerated misconduct hearing", "Held at once when written evidence proves gross misconduct and the public interest requires the officer to leave.", "CR 49"},
}

var sanctionLabels = map[Sanction]Label{
	SanctionNone:                {"No disciplinary action", "The proceedings imposed nothing.", "CR 42"},
	SanctionRPRP:                {"Reflective practice", "A direction to the reflective practice review process: learning, not a sanction.", "CR 42(1)(b)"},
	SanctionWrittenWarning:      {"Written warning", "A written warning, kept on the officer's record.", "CR 42"},
	SanctionFinalWrittenWarning: {"Final written warning", "A final written warning, kept on the officer's record.", "CR 42"},
	SanctionReductionInRank:     {"Reduction in rank", "The officer is reduced in rank.", "CR 42"},
	SanctionDismissal:           {"Dismissal without notice", "The officer is dismissed without notice.", "CR 42"},
}

// severityLabels name both what an assessment says the conduct could
// amount to and what proceedings find it did.
var severityLabels = map[string]Label{
	SeverityNoMisconduct:    {"No misconduct", "The conduct would not justify disciplinary action.", "CR 14; C&M 16"},
	SeverityPRI:             {"Practice requiring improvement", "Below the expected standard, but not misconduct.", "CR 14; C&M 16"},
	SeverityMisconduct:      {"Misconduct", "A breach of the Standards of Professional Behaviour that justifies disciplinary action.", "CR 14; C&M 16"},
	SeverityGrossMisconduct: {"Gross misconduct", "A breach so serious that dismissal would be justified.", "CR 14; C&M 16"},
}

var eventLabels = map[string]Label{
	timelineRecorded:     {"Case recorded", "The case was opened in Probity.", ""},
	timelineAction:       {"Action taken", "A step of the statutory process was recorded.", ""},
	timelineStateChanged: {"Stage changed", "The case moved to a new stage of the statutory process.", ""},
}

// unknownLabel shows a code that has no label as itself, so that nothing
// is hidden; TestLabelsCoverEveryCode keeps it from happening.
func unknownLabel(code string) Label { return Label{Name: code} }

func lookup[K comparable](m map[K]Label, k K, code string) Label {
	if l, ok := m[k]; ok {
		return l
	}
	return unknownLabel(code)
}

// Label is the state's name and meaning for people.
func (s State) Label() Label { return lookup(stateLabels, s, string(s)) }

// Label is the kind's name and meaning for people.
func (k Kind) Label() Label { return lookup(kindLabels, k, string(k)) }

// Label is the forum's name and meaning for people.
func (f Forum) Label() Label { return lookup(forumLabels, f, string(f)) }

// Label is the sanction's name and meaning for people.
func (s Sanction) Label() Label { return lookup(sanctionLabels, s, string(s)) }

// SeverityLabel names a severity level or finding.
func SeverityLabel(s string) Label { return lookup(severityLabels, s, s) }

// EventLabel names a timeline entry's type: a step (a progress update, the
// decision supplied to the officer) by its words in Steps.
func EventLabel(t string) Label {
	if _, ok := eventLabels[t]; !ok {
		if w, ok := Steps[Step(t)]; ok {
			return Label{Name: strings.ToUpper(w[:1]) + w[1:], Explanation: "A step that starts or stops a deadline."}
		}
	}
	return lookup(eventLabels, t, t)
}

// instruments spells out the short forms of docs/statutory-process.md,
// section 1, with the word for a numbered provision of each.
var instruments = []struct{ short, long, one, many string }{
	{"Sch3", "Police Reform Act 2002, Schedule 3", "paragraph", "paragraphs"},
	{"C&M", "Police (Complaints and Misconduct) Regulations 2020", "regulation", "regulations"},
	{"CR", "Police (Conduct) Regulations 2020", "regulation", "regulations"},
	{"PAT", "Police Appeals Tribunals Rules 2020", "rule", "rules"},
	{"SI 2017/1135", "Police Barred List and Police Advisory List Regulations 2017", "regulation", "regulations"},
}

// Cite spells out a source in short form ("C&M 34; CR 19") for people:
// "Police (Complaints and Misconduct) Regulations 2020, regulation 34;
// Police (Conduct) Regulations 2020, regulation 19". A part it does not
// know is kept as written.
func Cite(src string) string {
	var out []string
	for _, part := range strings.Split(src, ";") {
		part = strings.TrimSpace(part)
		if part == "" || part == "UNCONFIRMED" {
			continue
		}
		out = append(out, citeOne(part))
	}
	return strings.Join(out, "; ")
}

func citeOne(part string) string {
	for _, in := range instruments {
		rest, ok := strings.CutPrefix(part, in.short)
		if !ok || (rest != "" && rest[0] != ' ') {
			continue
		}
		rest = strings.TrimSpace(rest)
		rest = strings.TrimPrefix(rest, "reg ")
		switch {
		case rest == "":
			return in.long
		case strings.HasPrefix(rest, "Part "):
			return in.long + ", " + rest
		case strings.Contains(rest, ","):
			i := strings.LastIndex(rest, ", ")
			return fmt.Sprintf("%s, %s %s and %s", in.long, in.many, rest[:i], rest[i+2:])
		}
		return fmt.Sprintf("%s, %s %s", in.long, in.one, rest)
	}
	return strings.Replace(part, " s ", ", section ", 1)
}
