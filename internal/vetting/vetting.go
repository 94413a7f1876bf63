// Package vetting keeps an officer's vetting with their record: the
// clearances the force has granted, the reviews it must make, and what
// opens a review. An allegation in a category that bears on whether an
// officer can be trusted, or a run of allegations of any kind, reopens
// vetting at once; the force that lost track of an officer's earlier
// reports must not be able to lose track of them again.
package vetting

import (
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Level is a vetting level as the force records it.
type Level string

// The police vetting levels and the national security levels [Vetting
// Code of Practice 2023; Authorised Professional Practice on vetting].
const (
	Recruitment Level = "recruitment" // recruitment vetting, for every officer and member of staff
	Management  Level = "management"  // management vetting, for posts with access to sensitive material
	CTC         Level = "ctc"         // counter-terrorist check
	SC          Level = "sc"          // security check
	DV          Level = "dv"          // developed vetting
)

// Levels lists the levels in the order pages offer them.
var Levels = []Level{Recruitment, Management, CTC, SC, DV}

// Status is where a clearance stands.
type Status string

const (
	Granted   Status = "granted"
	Refused   Status = "refused"
	Suspended Status = "suspended" // while a review runs, or under conditions that bar some duties
	Withdrawn Status = "withdrawn"
)

// Statuses lists the statuses a decision may give.
var Statuses = []Status{Granted, Refused, Suspended, Withdrawn}

// Clearance is one decision on one officer's vetting at one level.
type Clearance struct {
	ID        string
	OfficerID string
	Level     Level
	Status    Status
	// GrantedOn is the day the decision was made; ReviewDue the day the
	// clearance must be reviewed by (granted clearances only).
	GrantedOn  time.Time
	ReviewDue  *time.Time
	Conditions string
	Reasons    string
	DecidedBy  string
	DecidedAt  time.Time
	// AppealOf names the clearance an appeal decision revisits.
	AppealOf string
}

// ReviewDueOn is the day the clearance must be reviewed by; the zero
// time when it has none.
func (c Clearance) ReviewDueOn() time.Time {
	if c.ReviewDue == nil {
		return time.Time{}
	}
	return *c.ReviewDue
}

// Validate names each faulty field.
func (c *Clearance) Validate() error {
	var f fault.Fields
	if c.OfficerID == "" {
		f.Add("officer_id", "is required")
	}
	if !slices.Contains(Levels, c.Level) {
		f.Add("level", "must be one of recruitment, management, ctc, sc, dv")
	}
	if !slices.Contains(Statuses, c.Status) {
		f.Add("status", "must be one of granted, refused, suspended, withdrawn")
	}
	if c.GrantedOn.IsZero() {
		f.Add("granted_on", "is required")
	}
	if strings.TrimSpace(c.Reasons) == "" {
		f.Add("reasons", "are required: a vetting decision must say why")
	}
	switch {
	case c.Status == Granted && c.ReviewDue == nil:
		f.Add("review_due", "is required for a granted clearance")
	case c.ReviewDue != nil && !c.ReviewDue.After(c.GrantedOn):
		f.Add("review_due", "must be after the date of the decision")
	}
	return f.Err("the vetting decision cannot be recorded")
}

// Current is where an officer stands: from their decisions, newest first,
// the latest at each level, in the same order.
func Current(history []Clearance) []Clearance {
	var out []Clearance
	seen := map[Level]bool{}
	for _, c := range history {
		if !seen[c.Level] {
			seen[c.Level] = true
			out = append(out, c)
		}
	}
	return out
}
