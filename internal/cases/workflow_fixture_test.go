package cases

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
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
	if k == DeathOrSeriousInjury {
		// A DSI matter is referred before anything else is done with it;
		// duties_test.go shows what is refused until it is.
		c.ReferralGround = "death_or_serious_injury"
	}
	if k == Complaint && s == Withdrawn {
		// Withdrawn after referral: the IOPC's public-interest decision is
		// owed (decisions.go); withdrawn otherwise, the case is over.
		c.ReferralGround = "serious_assault"
	}
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

// wfFixtureFor is wfFixture with the derived facts an action needs: a
// misconduct case goes to a hearing only when something in the officer's
// record sends it there [CR 23(1)], here a final written warning in force.
func wfFixtureFor(a ActionName, k Kind, s State) Case {
	c := wfFixture(k, s)
	switch a {
	case ActReferToHearing:
		c.Derived.FinalWarningInForce = []string{"o1"}
	case ActReportAdvisoryList:
		c.Allegations[0].Subjects[0].Left = true
		c.Allegations[1].Subjects[0].Left = true
	case ActWithdrawBarredList:
		wfEachSubject(&c, func(s *Subject) { s.Outcome, s.BarredList = string(SanctionFinalWrittenWarning), BarredReported })
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
	case ActHandleOtherwise:
		if wfMustInvestigate(&c) {
			in.InvestigationException = wfPick(r, InvestigationExceptions)
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
	case ActWithdrawPart:
		in.SignedWithdrawal = true
		var open []FindingInput
		for _, fi := range subjects {
			if sub(fi).Finding != FindingWithdrawn {
				open = append(open, fi)
			}
		}
		if len(open) < 2 {
			return in, false
		}
		fi := wfPick(r, open)
		fi.Finding = FindingWithdrawn
		in.Findings = []FindingInput{fi}
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
	case ActIOPCDecidesDSIInvestigation:
		in.Mode = wfPick(r, Modes)
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
	case ActOfficerLeft, ActReportAdvisoryList, ActReportBarredList, ActWithdrawBarredList:
		// Actions on one officer: the first (or a random) subject the
		// action may name, or no valid input.
		var ok []string
		standing := wfBarredStanding(&c)
		for _, fi := range subjects {
			s, x := sub(fi), standing[fi.OfficerID]
			fit := map[ActionName]bool{
				ActOfficerLeft:        !s.Left,
				ActReportAdvisoryList: s.Left && !s.AdvisoryList,
				ActReportBarredList:   x[0] && !x[1],
				ActWithdrawBarredList: x[1] && !x[0],
			}[a.Name]
			if fit && !slices.Contains(ok, s.OfficerID) {
				ok = append(ok, s.OfficerID)
			}
		}
		if len(ok) == 0 {
			return in, false
		}
		in.Recipient = wfPick(r, ok)
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
