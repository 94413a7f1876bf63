package vetting

import (
	"time"

	"github.com/probity/probity/internal/cases"
)

// Probity proposes the force's referrals from the case workflow rather
// than making them itself: the workflow records a dismissal, a finding
// that a former officer would have been dismissed, or an officer leaving
// while proceedings run, but the report needs what the workflow does not
// hold (the person's date of birth, the conduct in words) and is the
// vetting unit's to make. Every such officer is listed for it until the
// referral is recorded (docs/vetting.md).

// Standing is what a case records of one officer that bears on the lists.
type Standing struct {
	OfficerID     string
	CaseID        string
	CaseReference string
	// Outcomes are the officer's outcomes on the case's allegations.
	Outcomes []string
	Left     bool
	// OutcomeAt is when the latest outcome was recorded; LeftOn when the
	// officer left, when the record says.
	OutcomeAt *time.Time
	LeftOn    *time.Time
}

// DueReferral is a referral a case calls for and the force has not made.
type DueReferral struct {
	Standing
	Basis Basis
	// DecidedOn is the day the report is counted from, when known.
	DecidedOn *time.Time
}

// Propose says which referral, if any, a standing calls for: the barred
// list for an officer dismissed, or found to have been liable to
// dismissal after leaving; the advisory list for one who left while the
// case ran and has no such finding (yet).
func Propose(s Standing) (DueReferral, bool) {
	d := DueReferral{Standing: s}
	for _, o := range s.Outcomes {
		switch o {
		case string(cases.SanctionDismissal):
			d.Basis = Dismissed
		case string(cases.SanctionWouldHaveBeenDismissed):
			if d.Basis == "" {
				d.Basis = WouldHaveBeenDismissed
			}
		}
	}
	switch {
	case d.Basis != "":
		d.DecidedOn = s.OutcomeAt
	case s.Left:
		d.Basis, d.DecidedOn = LeftUnderInvestigation, s.LeftOn
	default:
		return d, false
	}
	if d.DecidedOn != nil {
		day := dayOf(*d.DecidedOn)
		d.DecidedOn = &day
	}
	return d, true
}
