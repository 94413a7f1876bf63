package oversight

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

// Comment is a remark on a plan by someone drafting or assessing it.
type Comment struct {
	PlanID string    `json:"plan_id"`
	Text   string    `json:"text"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// NewComment checks a comment on p by a caller holding roles.
func NewComment(p Plan, text string, roles []access.Role, by string, now time.Time) (Comment, error) {
	if err := p.check(ActComment, roles); err != nil {
		return Comment{}, err
	}
	var f fault.Fields
	f.Text("text", text, maxText, true, true)
	if err := f.Err("invalid comment"); err != nil {
		return Comment{}, err
	}
	return Comment{PlanID: p.ID, Text: text, By: by, At: now.UTC()}, nil
}

// Event is one entry of a requirement's timeline, in words.
type Event struct {
	At     time.Time `json:"at"`
	What   string    `json:"what"`
	Detail string    `json:"detail,omitempty"`
	By     string    `json:"by,omitempty"`
	// PlanID is set on a plan's events, for a link.
	PlanID string `json:"plan_id,omitempty"`
}

// Timeline is everything done on a requirement, oldest first: when it was
// set, the notices naming it, its plans' revisions and assessments, their
// comments, and when its plans closed. Drafts not yet submitted appear
// only when withDrafts is set: the public timeline leaves them out.
func Timeline(r Requirement, notices []Notice, plans []Plan, comments []Comment, withDrafts bool) []Event {
	out := []Event{{At: r.SetAt, What: "Requirement set", Detail: r.Title + ", due by " + r.DueOn.Format("2 January 2006"), By: r.SetBy}}
	for _, n := range notices {
		if !slices.Contains(n.RequirementIDs, r.ID) {
			continue
		}
		out = append(out, Event{At: n.IssuedAt, What: "Chief officer put on notice", Detail: n.Reasons, By: n.IssuedBy})
		if n.EndedAt != nil {
			what := "Notice lifted"
			if n.State == Escalated {
				what = "Notice escalated"
			}
			out = append(out, Event{At: *n.EndedAt, What: what, Detail: n.EndReasons, By: n.EndedBy})
		}
	}
	for _, p := range plans {
		if p.RequirementID != r.ID {
			continue
		}
		if withDrafts {
			out = append(out, Event{At: p.CreatedAt, What: "Plan begun", Detail: p.Title, By: p.CreatedBy, PlanID: p.ID})
		}
		for _, rev := range p.Revisions {
			if rev.SubmittedAt == nil {
				continue
			}
			what := "Plan submitted"
			if rev.N > 1 {
				what = fmt.Sprintf("Plan resubmitted (revision %d)", rev.N)
			}
			out = append(out, Event{At: *rev.SubmittedAt, What: what, Detail: fmt.Sprintf("%s: %d commitments", p.Title, len(rev.Commitments)),
				By: rev.SubmittedBy, PlanID: p.ID})
			if a := rev.Assessment; a != nil {
				detail := a.Reasons
				if a.ResubmitBy != nil {
					detail += " To be resubmitted by " + a.ResubmitBy.Format("2 January 2006") + "."
				}
				out = append(out, Event{At: a.AssessedAt, What: "Plan assessed: " + strings.ToLower(a.Outcome.Name()), Detail: detail,
					By: a.AssessedBy, PlanID: p.ID})
			}
		}
		if p.ClosedAt != nil {
			out = append(out, Event{At: *p.ClosedAt, What: "Plan closed", Detail: p.Title, By: p.ClosedBy, PlanID: p.ID})
		}
	}
	if withDrafts {
		for _, c := range comments {
			if i := slices.IndexFunc(plans, func(p Plan) bool { return p.ID == c.PlanID && p.RequirementID == r.ID }); i >= 0 {
				out = append(out, Event{At: c.At, What: "Comment on the plan", Detail: c.Text, By: c.By, PlanID: c.PlanID})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.At.Compare(b.At) })
	return out
}
