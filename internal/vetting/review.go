package vetting

import (
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// TriggerKind says why a review was opened.
type TriggerKind string

const (
	// ByCategory: an allegation in a category that calls for review.
	ByCategory TriggerKind = "category"
	// ByVolume: allegations of any kind reached the rule's count within
	// its window.
	ByVolume TriggerKind = "volume"
	// ByTransfer: a transferee or re-joiner is being appointed.
	ByTransfer TriggerKind = "transfer"
)

// Trigger is what opened a review. It carries only what the vetting unit
// may know of the case: the allegation's category and date and the case
// reference to ask for access with, never its content.
type Trigger struct {
	Kind        TriggerKind
	Category    string
	Subcategory string
	// DomesticAbuse says the allegation was flagged as domestic abuse;
	// Category may then be empty (a conduct matter without one).
	DomesticAbuse bool
	CaseID        string
	CaseReference string
	AllegationOn  time.Time
	// Count is the number of allegations within the window (ByVolume).
	Count int
}

// Decision is the outcome of a review.
type Decision string

const (
	Maintain               Decision = "maintain"
	MaintainWithConditions Decision = "maintain_with_conditions"
	Suspend                Decision = "suspend"
	Withdraw               Decision = "withdraw"
)

// Decisions lists the outcomes a review may reach.
var Decisions = []Decision{Maintain, MaintainWithConditions, Suspend, Withdraw}

// ReviewDays is how long the vetting unit has to decide a review the
// force opened by trigger. The Vetting Code of Practice asks for a review
// "as soon as practicable"; Probity sets 28 days so that a review cannot
// sit unnoticed, and a force may ask for another figure.
const ReviewDays = 28

// Review is one review of an officer's vetting.
type Review struct {
	ID        string
	OfficerID string
	Trigger   Trigger
	OpenedAt  time.Time
	DueBy     time.Time
	Decision  Decision // "" while open
	Reasons   string
	// Conditions are required with MaintainWithConditions.
	Conditions string
	DecidedBy  string
	DecidedAt  *time.Time
	Version    int
}

// Open reports whether the review awaits a decision.
func (r Review) Open() bool { return r.Decision == "" }

// DecidedOn is when the review was decided; the zero time while open.
func (r Review) DecidedOn() time.Time {
	if r.DecidedAt == nil {
		return time.Time{}
	}
	return *r.DecidedAt
}

// NewReview opens a review for a trigger.
func NewReview(officerID string, t Trigger, now time.Time) Review {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return Review{OfficerID: officerID, Trigger: t, OpenedAt: now, DueBy: day.AddDate(0, 0, ReviewDays), Version: 1}
}

// Decide records the decision on an open review, naming each faulty
// field; the clearance's new status follows from it (StatusAfter).
func (r *Review) Decide(d Decision, reasons, conditions, by string, now time.Time) error {
	var f fault.Fields
	if !r.Open() {
		return fault.Errorf(fault.Conflict, "this review was decided on %s", r.DecidedAt.Format("2 January 2006"))
	}
	if !slices.Contains(Decisions, d) {
		f.Add("decision", "must be one of maintain, maintain with conditions, suspend, withdraw")
	}
	f.Text("reasons", reasons, 4000, true, true)
	if d == MaintainWithConditions {
		f.Text("conditions", conditions, 2000, true, true)
	} else if strings.TrimSpace(conditions) != "" {
		f.Add("conditions", "are given only when the clearance is maintained with conditions")
	}
	if err := f.Err("the review cannot be decided"); err != nil {
		return err
	}
	r.Decision, r.Reasons, r.Conditions, r.DecidedBy, r.DecidedAt = d, reasons, conditions, by, &now
	r.Version++
	return nil
}

// StatusAfter is the status a clearance takes from a decision.
func StatusAfter(d Decision) Status {
	switch d {
	case Suspend:
		return Suspended
	case Withdraw:
		return Withdrawn
	}
	return Granted
}

// Rules say which new allegations open a review. They are data: a force
// may widen them.
type Rules struct {
	// Categories lists category codes, or "category/subcategory" codes,
	// whose allegations open a review.
	Categories []string `json:"categories"`
	// Concerns lists the taxonomy's concerns ("sexual misconduct",
	// "discrimination") whose allegations open one.
	Concerns []string `json:"concerns"`
	// DomesticAbuse: an allegation flagged as domestic abuse opens one,
	// whatever its category (domestic abuse is a flag, not a category).
	DomesticAbuse bool `json:"domestic_abuse"`
	// VolumeCount allegations of any kind within VolumeMonths open one.
	VolumeCount  int `json:"volume_count"`
	VolumeMonths int `json:"volume_months"`
}

// DefaultRules are the categories that inquiries since 2021 have tied to
// trust in an officer: sexual misconduct and violence against women and
// girls, domestic abuse, discrimination, corruption and abuse of
// position; and three allegations of any kind in 24 months.
func DefaultRules() Rules {
	return Rules{
		Categories: []string{"abuse-of-position", "sexual-conduct", "discriminatory-behaviour",
			"information-access-disclosure"},
		Concerns:      []string{"sexual misconduct", "discrimination"},
		DomesticAbuse: true,
		VolumeCount:   3, VolumeMonths: 24,
	}
}

// Validate names each faulty field.
func (r Rules) Validate() error {
	var f fault.Fields
	if r.VolumeCount < 2 {
		f.Add("volume_count", "must be at least 2")
	}
	if r.VolumeMonths < 1 || r.VolumeMonths > 120 {
		f.Add("volume_months", "must be between 1 and 120")
	}
	return f.Err("the vetting triggers are not valid")
}

// Allegation is what the rules see of a new allegation.
type Allegation struct {
	Category, Subcategory, Concern string
	DomesticAbuse                  bool
}

// Calls reports whether an allegation opens a review by its category.
func (r Rules) Calls(a Allegation) bool {
	if r.DomesticAbuse && a.DomesticAbuse {
		return true
	}
	for _, c := range r.Categories {
		cat, sub, both := strings.Cut(c, "/")
		if cat == a.Category && (!both || sub == a.Subcategory) {
			return true
		}
	}
	return a.Concern != "" && slices.Contains(r.Concerns, a.Concern)
}

// VolumeSince is the start of the window in which allegations are counted
// for a review by volume.
func (r Rules) VolumeSince(now time.Time) time.Time { return now.AddDate(0, -r.VolumeMonths, 0) }
