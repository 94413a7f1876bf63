package cases

import (
	"fmt"
	"slices"

	"github.com/probity/probity/internal/fault"
)

// Officers who leave are still held to account [CR 4, Sch 1; Police
// Act 1996 Part 4A; SI 2017/1135]. Leaving, and the reports to the
// College of Policing's advisory and barred lists, are actions on one
// officer (Action.Stays) that leave the case where it is: proceedings go
// on against a former officer, and the barred-list report is made when
// the outcome is recorded, not after any appeal, and withdrawn if an
// appeal succeeds.

// wfLegacyStates are states no action leads to any more: cases stored
// when the list reports ended the case stay in them, final, and still
// read.
var wfLegacyStates = []State{BarredListReported, AdvisoryListReported}

// The states of a subject's barred-list report (Subject.BarredList).
const (
	BarredReported  = "reported"
	BarredWithdrawn = "withdrawn"
)

// SanctionWouldHaveBeenDismissed is what a dismissal decided against an
// officer who has left is recorded as: the finding that the officer would
// have been dismissed had they not left, which reaches the barred list
// [CR Sch 1; SI 2017/1135 reg 3, believed]. Proceedings decide it as a
// dismissal (SanctionAllowed); Apply writes it for a subject who left.
const SanctionWouldHaveBeenDismissed Sanction = "would_have_been_dismissed"

func init() {
	sanctionLabels[SanctionWouldHaveBeenDismissed] = Label{"Would have been dismissed",
		"The officer left before the outcome; the proceedings found they would have been dismissed had they not.", "CR Sch 1"}
}

// wfDismissedSubject: the subject was dismissed, or would have been.
func wfDismissedSubject(s *Subject) bool {
	return s.Outcome == string(SanctionDismissal) || s.Outcome == string(SanctionWouldHaveBeenDismissed)
}

// wfBarredStanding says, per officer, whether the officer stands
// dismissed on the case (on any allegation) and whether the case's report
// to the barred list stands.
func wfBarredStanding(c *Case) map[string][2]bool {
	m := map[string][2]bool{}
	wfEachSubject(c, func(s *Subject) {
		x := m[s.OfficerID]
		x[0] = x[0] || wfDismissedSubject(s)
		x[1] = x[1] || s.BarredList == BarredReported
		m[s.OfficerID] = x
	})
	return m
}

// wfBarredListOwed: an officer dismissed and not yet reported, or
// reported and no longer dismissed (an appeal succeeded).
func wfBarredListOwed(c *Case) bool {
	for _, x := range wfBarredStanding(c) {
		if x[0] != x[1] {
			return true
		}
	}
	return false
}

// wfFormerOfficers records a dismissal decided against an officer who has
// left as the finding that they would have been dismissed.
func wfFormerOfficers(c *Case) {
	wfEachSubject(c, func(s *Subject) {
		if s.Left && s.Outcome == string(SanctionDismissal) {
			s.Outcome = string(SanctionWouldHaveBeenDismissed)
		}
	})
}

// wfSubjectsOf are the recipient's entries on the case, one per
// allegation naming them.
func wfSubjectsOf(c *Case, officer string) []*Subject {
	var out []*Subject
	wfEachSubject(c, func(s *Subject) {
		if s.OfficerID == officer {
			out = append(out, s)
		}
	})
	return out
}

// wfCheckSubjectRecipient refuses a recipient who is not a subject, or of
// whom want says something is wrong.
func wfCheckSubjectRecipient(c *Case, in *ActionInput, f *fault.Fields, want func(ss []*Subject) string) {
	if in.Recipient == "" {
		return
	}
	ss := wfSubjectsOf(c, in.Recipient)
	if len(ss) == 0 {
		f.Addf(string(FieldRecipient), "%q is not an officer subject to this case", in.Recipient)
		return
	}
	if why := want(ss); why != "" {
		f.Add(string(FieldRecipient), why)
	}
}

func wfCheckOfficerLeft(c *Case, in *ActionInput, f *fault.Fields) {
	wfCheckSubjectRecipient(c, in, f, func(ss []*Subject) string {
		if ss[0].Left {
			return "the officer's leaving is already recorded"
		}
		return ""
	})
}

func wfRecordOfficerLeft(c *Case, in *ActionInput) {
	for _, s := range wfSubjectsOf(c, in.Recipient) {
		s.Left = true
	}
}

// wfSomeoneLeft: the advisory list is for officers who have left.
func wfSomeoneLeft(c *Case) string {
	left := false
	wfEachSubject(c, func(s *Subject) { left = left || s.Left && !s.AdvisoryList })
	if !left {
		return "no officer on the case has left the force and not yet been reported to the advisory list"
	}
	return ""
}

func wfCheckAdvisoryList(c *Case, in *ActionInput, f *fault.Fields) {
	wfCheckSubjectRecipient(c, in, f, func(ss []*Subject) string {
		switch {
		case !ss[0].Left:
			return "the advisory list is for an officer who has left: record that the officer left first (SI 2017/1135 reg 12)"
		case ss[0].AdvisoryList:
			return "the officer has already been reported to the advisory list"
		}
		return ""
	})
}

func wfRecordAdvisoryList(c *Case, in *ActionInput) {
	for _, s := range wfSubjectsOf(c, in.Recipient) {
		s.AdvisoryList = true
	}
}

func wfCheckBarredListReport(c *Case, in *ActionInput, f *fault.Fields) {
	wfCheckSubjectRecipient(c, in, f, func(ss []*Subject) string {
		switch {
		case !slices.ContainsFunc(ss, wfDismissedSubject):
			return fmt.Sprintf("officer %s was not dismissed, nor found liable to dismissal", in.Recipient)
		case wfBarredStanding(c)[in.Recipient][1]:
			return "the officer has already been reported to the barred list"
		}
		return ""
	})
}

func wfRecordBarredList(c *Case, in *ActionInput) {
	for _, s := range wfSubjectsOf(c, in.Recipient) {
		s.BarredList = BarredReported
	}
}

// wfWithdrawalOwed: an officer is on the barred list on this case's
// report and no longer dismissed.
func wfWithdrawalOwed(c *Case) string {
	for _, x := range wfBarredStanding(c) {
		if x[1] && !x[0] {
			return ""
		}
	}
	return "no barred-list report stands for an officer whose dismissal an appeal overturned"
}

func wfCheckBarredListWithdrawal(c *Case, in *ActionInput, f *fault.Fields) {
	wfCheckSubjectRecipient(c, in, f, func(ss []*Subject) string {
		switch {
		case !wfBarredStanding(c)[in.Recipient][1]:
			return "the officer was not reported to the barred list"
		case slices.ContainsFunc(ss, wfDismissedSubject):
			return "the officer's dismissal stands: the report is not withdrawn"
		}
		return ""
	})
}

func wfWithdrawBarredList(c *Case, in *ActionInput) {
	for _, s := range wfSubjectsOf(c, in.Recipient) {
		s.BarredList = BarredWithdrawn
	}
}
