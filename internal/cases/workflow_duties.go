package cases

import (
	"fmt"
	"slices"
	"strings"

	"github.com/probity/probity/internal/fault"
)

// DerivedFacts are what Probity knows about a case from beyond the case
// record: its timeline read against the clock and calendar, and its
// officers' records. The adapter that calls Apply works them out from
// the store (never from the client) and sets them on Case.Derived; the
// guards below read them. Left empty, no window holds a step back, and
// no officer counts as having a warning in force or a senior rank.
type DerivedFacts struct {
	// OpenWindows are the windows now open that a final step must wait
	// for (OpenWindows): the complainant's review window, the officer's
	// appeal window, or an outcome not yet supplied to the officer.
	OpenWindows []Window
	// FinalWarningInForce names the officers with a final written warning
	// in force, read from the outcomes of their earlier cases in Probity.
	FinalWarningInForce []string
	// SeniorOfficers names the officers above the rank of chief
	// superintendent [CR 2; Rank.Senior].
	SeniorOfficers []string
}

// HasFinalWarning reports whether the officer has a final written warning
// in force on the officer's record.
func (d DerivedFacts) HasFinalWarning(officerID string) bool {
	return slices.Contains(d.FinalWarningInForce, officerID)
}

// wfReviewWindowClosed: a complaint is not closed while the complainant
// may still apply for a review [C&M 29(2), verified]; once the outcome
// is notified the 28 days must run out (or a review be decided) first.
func wfReviewWindowClosed(c *Case) string {
	if c.State == OutcomeNotified && len(c.Derived.openFor(ClockReviewApplication)) > 0 {
		return "the complainant's 28 days to apply for a review have not run out (C&M 29(2)): the case cannot be closed inside them"
	}
	return ""
}

// wfAppealWindowClosed: an outcome is not final while the officer may
// still appeal [CR 45(3), verified; PAT 6, believed]; the window opens
// only when the decision is supplied, so an outcome never supplied is
// not final either.
//
// With several officers, the outcome is final only when every officer's
// window has closed: one officer's decision supplied, or appeal time run
// out, never stands for another's. The refusal names the officers still
// waited for.
func wfAppealWindowClosed(c *Case) string {
	d := c.Derived
	if who := d.openFor(ClockOutcomeReport); len(who) > 0 {
		return "the decision has not been supplied to " + officersNamed(who) + ", so the time to appeal has not begun (CR 43, 45(3); PAT 6): " +
			"record the decision_supplied step for each officer, then wait for the appeal window to close"
	}
	if who := d.openFor(ClockMeetingAppeal); len(who) > 0 {
		return "the 7 working days to appeal the meeting's outcome have not run out for " + officersNamed(who) + " (CR 45(3))"
	}
	if who := d.openFor(ClockPATAppeal); len(who) > 0 {
		return "the 10 working days to give notice of appeal to the Police Appeals Tribunal have not run out for " + officersNamed(who) + " (PAT 6)"
	}
	return ""
}

// openFor lists the officers the clock's window is open for; a window of
// the whole case (no subject) is listed as "".
func (d DerivedFacts) openFor(clock Clock) []string {
	var out []string
	for _, w := range d.OpenWindows {
		if w.Clock == clock && !slices.Contains(out, w.Subject) {
			out = append(out, w.Subject)
		}
	}
	return out
}

// officersNamed names officers in a refusal by id, which pages swap for
// the officer's name; a window of no one officer is "the officer".
func officersNamed(ids []string) string {
	var names []string
	for _, id := range ids {
		if id == "" {
			names = append(names, "the officer")
			continue
		}
		names = append(names, "officer "+id)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// wfForumReason says why an officer in the proceedings must go to a
// hearing rather than a meeting [CR 23(1), believed: gross misconduct, a
// final written warning in force, or a senior officer], or "".
func wfForumReason(c *Case, s *Subject) string {
	switch {
	case s.Severity == SeverityGrossMisconduct:
		return fmt.Sprintf("officer %s has a case to answer for gross misconduct", s.OfficerID)
	case c.Derived.HasFinalWarning(s.OfficerID):
		return fmt.Sprintf("officer %s has a final written warning in force", s.OfficerID)
	case slices.Contains(c.Derived.SeniorOfficers, s.OfficerID):
		return fmt.Sprintf("officer %s is a senior officer", s.OfficerID)
	}
	return ""
}

// wfMeetingByLaw: misconduct only, with no final written warning in force
// and no senior officer, goes to a meeting; anything else to a hearing
// [CR 23(1), believed].
func wfMeetingByLaw(c *Case) string {
	var why string
	wfEachSubject(c, func(s *Subject) {
		if why == "" && wfInProceedings(s) {
			why = wfForumReason(c, s)
		}
	})
	if why != "" {
		return why + ", so the case goes to a misconduct hearing, not a meeting (CR 23(1))"
	}
	return ""
}

// wfHearingByLaw: a hearing only where an officer in the proceedings must
// have one [CR 23(1), believed].
func wfHearingByLaw(c *Case) string {
	must := false
	wfEachSubject(c, func(s *Subject) {
		must = must || wfInProceedings(s) && wfForumReason(c, s) != ""
	})
	if !must {
		return "every officer has a case to answer for misconduct only, with no final written warning in force and no senior officer, " +
			"so the case goes to a misconduct meeting (CR 23(1))"
	}
	return ""
}

// FindingWithdrawn marks a subject of a complaint whose part of it the
// complainant has withdrawn [C&M 38, 39]: the outcome no longer covers it.
const FindingWithdrawn = "withdrawn"

// wfCheckPartWithdrawal: a part withdrawal names some, not all, of the
// subjects still in the complaint, and is signed or confirmed.
func wfCheckPartWithdrawal(c *Case, in *ActionInput, f *fault.Fields) {
	wfCheckSignedWithdrawal(c, in, f)
	left := 0
	wfEachSubject(c, func(s *Subject) {
		if s.Finding != FindingWithdrawn {
			left++
		}
	})
	named := map[[2]string]bool{}
	for i, fi := range in.Findings {
		s := wfSubjectOf(c, fi)
		if s != nil && s.Finding == FindingWithdrawn {
			f.Addf(fmt.Sprintf("findings[%d]", i), "officer %s on allegation %s is already withdrawn", fi.OfficerID, fi.AllegationID)
		}
		named[[2]string{fi.AllegationID, fi.OfficerID}] = true
	}
	if len(in.Findings) == 0 {
		f.Add(string(FieldFindings), "are required: name the parts of the complaint withdrawn")
	} else if len(named) >= left {
		f.Add(string(FieldFindings), "name the whole complaint: use withdraw")
	}
}

// wfWithdrawalNotices: on a withdrawal, whole or part, the IOPC is told
// if the complaint was referred to it, and the review body if a review is
// under way [C&M 38(3), (4), verified]. The event says so, for the letters
// to be sent.
func wfWithdrawalNotices(c *Case, a *Action, from State, detail map[string]string) {
	if a.Name != ActWithdraw && a.Name != ActWithdrawPart {
		return
	}
	if c.ReferralGround != "" {
		detail["notify_iopc"] = "true"
	}
	if from == ReviewRequested {
		detail["notify_review_body"] = "true"
	}
}

// wfPartsToWithdraw: a part can be withdrawn only from a complaint with
// more than one part (officer on an allegation) still in it.
func wfPartsToWithdraw(c *Case) string {
	n := 0
	wfEachSubject(c, func(s *Subject) {
		if s.Finding != FindingWithdrawn {
			n++
		}
	})
	if n < 2 {
		return "the complaint has no part left to withdraw apart from the whole: use withdraw"
	}
	return ""
}
