package oversight

import (
	"cmp"
	"slices"
	"time"
)

// Party is the side of the accountability process that a piece of
// outstanding business waits on.
type Party string

const (
	// Force: the chief officer's office owes the next step.
	Force Party = "force"
	// Body: the oversight body owes the next step.
	Body Party = "body"
)

// Outstanding is one requirement's next step: who owes it, what it is, and
// by when.
type Outstanding struct {
	Requirement RequirementRef
	PlanID      string // "" while no plan has been started
	WaitsOn     Party
	What        string
	// DueOn is the date the step is due, when one was set: the
	// requirement's due date for a first plan, the resubmission date
	// after a rejection. The body's assessment has no date.
	DueOn    *time.Time
	Overdue  bool
	OnNotice bool
}

// OutstandingWork lists, for every requirement whose process is not
// settled, the step it waits for: overdue steps first, then by due date,
// steps with no date last. A requirement whose latest plan was accepted or
// closed waits for nothing and is left out.
func OutstandingWork(reqs []Requirement, plans []Plan, notices []Notice, now time.Time) []Outstanding {
	latest := map[string]Plan{}
	for _, p := range plans {
		if q, ok := latest[p.RequirementID]; !ok || p.CreatedAt.After(q.CreatedAt) {
			latest[p.RequirementID] = p
		}
	}
	onNotice := map[string]bool{}
	for _, n := range notices {
		if n.State == InForce {
			for _, id := range n.RequirementIDs {
				onNotice[id] = true
			}
		}
	}
	today := day(now)
	out := []Outstanding{}
	for _, rq := range reqs {
		o := Outstanding{Requirement: rq.Ref(), WaitsOn: Force, OnNotice: onNotice[rq.ID]}
		due := day(rq.DueOn)
		p, started := latest[rq.ID]
		switch {
		case !started:
			o.What, o.DueOn = "A plan is due from the force", &due
		case p.State == Draft:
			o.What, o.DueOn = "The plan is being drafted and has not been submitted", &due
		case p.State == Submitted || p.State == Resubmitted:
			o.WaitsOn, o.What = Body, "The plan waits for the oversight body's assessment"
		case p.State == Assessed && p.rejected():
			o.What = "The plan was rejected: a revised plan is due"
			if r, _ := p.LastAssessed(); r.Assessment.ResubmitBy != nil {
				by := day(*r.Assessment.ResubmitBy)
				o.DueOn = &by
			}
		default:
			continue
		}
		o.PlanID = p.ID
		o.Overdue = o.DueOn != nil && today.After(*o.DueOn)
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b Outstanding) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		switch {
		case a.DueOn == nil && b.DueOn == nil:
		case a.DueOn == nil:
			return 1
		case b.DueOn == nil:
			return -1
		default:
			if c := a.DueOn.Compare(*b.DueOn); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Requirement.Title, b.Requirement.Title)
	})
	return out
}
