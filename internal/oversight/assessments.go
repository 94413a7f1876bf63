package oversight

import (
	"fmt"
	"slices"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

// Outcome is the oversight body's verdict on a revision of a plan.
type Outcome string

const (
	Accepted               Outcome = "accepted"
	AcceptedWithConditions Outcome = "accepted-with-conditions"
	Rejected               Outcome = "rejected"
)

// Outcomes lists the outcomes, in the order forms offer them.
var Outcomes = []Outcome{Accepted, AcceptedWithConditions, Rejected}

// Name is the outcome in words.
func (o Outcome) Name() string {
	switch o {
	case Accepted:
		return "Accepted"
	case AcceptedWithConditions:
		return "Accepted with conditions"
	case Rejected:
		return "Rejected"
	}
	return string(o)
}

// Valid reports whether o is an outcome.
func (o Outcome) Valid() bool { return slices.Contains(Outcomes, o) }

// Verdict is the body's decision on one commitment.
type Verdict string

const (
	CommitmentAccepted Verdict = "accepted"
	CommitmentRejected Verdict = "rejected"
)

// Name is the verdict in words.
func (v Verdict) Name() string {
	switch v {
	case CommitmentAccepted:
		return "Accepted"
	case CommitmentRejected:
		return "Rejected"
	}
	return string(v)
}

// Assessment is the body's verdict on a revision: an outcome, reasons,
// conditions when accepted with conditions, a date to resubmit by when
// rejected, and a verdict with reasons on each commitment, in order.
type Assessment struct {
	Outcome     Outcome              `json:"outcome"`
	Reasons     string               `json:"reasons"`
	Conditions  string               `json:"conditions,omitempty"`
	ResubmitBy  *time.Time           `json:"resubmit_by,omitempty"`
	Commitments []CommitmentDecision `json:"commitments"`
	AssessedBy  string               `json:"assessed_by"`
	AssessedAt  time.Time            `json:"assessed_at"`
}

// CommitmentDecision is the verdict on one commitment, with reasons.
type CommitmentDecision struct {
	Verdict Verdict `json:"verdict"`
	Reasons string  `json:"reasons"`
}

// Assess records the body's assessment of the submitted revision. A
// verdict is needed on every commitment; a rejected commitment needs its
// reasons; a plan is accepted outright only when every commitment is;
// conditions go with an acceptance with conditions, and a rejection sets
// the date to resubmit by.
func (p *Plan) Assess(a Assessment, roles []access.Role, by string, now time.Time) error {
	if err := p.check(ActAssess, roles); err != nil {
		return err
	}
	latest := &p.Revisions[len(p.Revisions)-1]
	var f fault.Fields
	if !a.Outcome.Valid() {
		f.Add("outcome", "choose accepted, accepted with conditions, or rejected")
	}
	f.Text("reasons", a.Reasons, maxText, true, true)
	if len(a.Commitments) != len(latest.Commitments) {
		f.Addf("commitments", "give a verdict on each of the plan's %d commitments; %d given", len(latest.Commitments), len(a.Commitments))
	}
	anyRejected := false
	for i, d := range a.Commitments {
		name := fmt.Sprintf("commitments[%d]", i)
		switch d.Verdict {
		case CommitmentAccepted:
			f.Text(name+".reasons", d.Reasons, maxText, false, true)
		case CommitmentRejected:
			anyRejected = true
			f.Text(name+".reasons", d.Reasons, maxText, true, true)
		default:
			f.Add(name+".verdict", "choose accepted or rejected")
		}
	}
	switch a.Outcome {
	case Accepted:
		if anyRejected {
			f.Add("outcome", "a plan with a rejected commitment cannot be accepted outright: accept it with conditions or reject it")
		}
		if a.Conditions != "" {
			f.Add("conditions", "are given only when the plan is accepted with conditions")
		}
	case AcceptedWithConditions:
		f.Text("conditions", a.Conditions, maxText, true, true)
	case Rejected:
		if a.Conditions != "" {
			f.Add("conditions", "are given only when the plan is accepted with conditions")
		}
	}
	switch {
	case a.Outcome == Rejected && a.ResubmitBy == nil:
		f.Add("resubmit_by", "a rejected plan must be resubmitted by a date: give it")
	case a.Outcome == Rejected && !day(*a.ResubmitBy).After(day(now)):
		f.Add("resubmit_by", "must be after today")
	case a.Outcome != Rejected && a.ResubmitBy != nil:
		f.Add("resubmit_by", "is set only when the plan is rejected")
	}
	if err := f.Err("invalid assessment"); err != nil {
		return err
	}
	a.AssessedBy, a.AssessedAt = by, now.UTC()
	a.Commitments = slices.Clone(a.Commitments)
	if a.ResubmitBy != nil {
		d := day(*a.ResubmitBy)
		a.ResubmitBy = &d
	}
	latest.Assessment = &a
	p.State = Assessed
	p.Version++
	return nil
}

// Overdue reports whether a rejected plan has not been resubmitted by the
// date the body set.
func (p Plan) Overdue(now time.Time) bool {
	r, ok := p.LastAssessed()
	return ok && p.State == Assessed && r.Assessment.Outcome == Rejected && r.Assessment.ResubmitBy != nil &&
		day(now).After(*r.Assessment.ResubmitBy)
}
