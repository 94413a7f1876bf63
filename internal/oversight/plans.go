package oversight

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
)

// PlanState is where a plan stands.
type PlanState string

const (
	// Draft: the chief officer's office is writing the first revision.
	Draft PlanState = "draft"
	// Submitted: the first revision waits for the body's assessment.
	Submitted PlanState = "submitted"
	// Assessed: the body has assessed the latest revision. When it was
	// rejected, the office writes the next revision here, as a draft.
	Assessed PlanState = "assessed"
	// Resubmitted: a revision after a rejection waits for assessment.
	Resubmitted PlanState = "resubmitted"
	// Closed: the body closed an accepted plan; nothing more is done to it.
	Closed PlanState = "closed"
)

// PlanStates lists the states, in the order a plan passes through them.
var PlanStates = []PlanState{Draft, Submitted, Assessed, Resubmitted, Closed}

// Valid reports whether s is a plan state.
func (s PlanState) Valid() bool { return slices.Contains(PlanStates, s) }

// Plan is the chief officer's answer to a requirement: revisions of
// commitments, each assessed by the oversight body. Revisions are kept,
// oldest first; only the last may be a draft.
type Plan struct {
	ID            string     `json:"id"`
	RequirementID string     `json:"requirement_id"`
	Title         string     `json:"title"`
	State         PlanState  `json:"state"`
	Revisions     []Revision `json:"revisions"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	ClosedBy      string     `json:"closed_by,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	Version       int        `json:"version"`
}

// Revision is one version of a plan's commitments. It is a draft until
// submitted; once submitted it never changes, and its assessment is added.
type Revision struct {
	N           int          `json:"n"`
	Commitments []Commitment `json:"commitments"`
	SubmittedBy string       `json:"submitted_by,omitempty"`
	SubmittedAt *time.Time   `json:"submitted_at,omitempty"`
	Assessment  *Assessment  `json:"assessment,omitempty"`
}

// Commitment is one measurable promise: a figure of a published measure
// (the measure, the row's group labels and its stat), where it stood when
// the plan was written, and the value it will reach by a date.
type Commitment struct {
	Text     string        `json:"text"`
	Measure  string        `json:"measure"`
	Group    []string      `json:"group"`
	Stat     measures.Stat `json:"stat"`
	Baseline float64       `json:"baseline"`
	Target   float64       `json:"target"`
	TargetOn time.Time     `json:"target_on"`
}

// Stats are the stats a commitment may name.
var Stats = []measures.Stat{measures.Count, measures.Median, measures.P90, measures.Share, measures.Rate, measures.Ratio}

// Lower reports whether the commitment is to bring its figure down.
func (c Commitment) Lower() bool { return c.Target < c.Baseline }

// Validate checks a commitment against the measures catalogue, naming
// each refused field as commitments[i].field.
func (c Commitment) Validate(f *fault.Fields, i int, now time.Time) {
	name := func(field string) string { return fmt.Sprintf("commitments[%d].%s", i, field) }
	f.Text(name("text"), c.Text, maxText, true, true)
	m, ok := measures.Lookup(c.Measure)
	switch {
	case c.Measure == "":
		f.Add(name("measure"), "is required")
	case !ok:
		f.Addf(name("measure"), "%q is not a measure; the measures are %s", c.Measure, strings.Join(measures.IDs(), ", "))
	case len(c.Group) != len(m.Groups):
		f.Addf(name("group"), "the measure %q labels each figure by %d (%s); %d given", m.ID, len(m.Groups), strings.Join(m.Groups, ", "), len(c.Group))
	default:
		for j, g := range c.Group {
			f.Text(fmt.Sprintf("%s[%d]", name("group"), j), g, maxTitle, true, false)
		}
	}
	if !slices.Contains(Stats, c.Stat) {
		f.Addf(name("stat"), "must be one of %s", statList())
	}
	for _, v := range []struct {
		field string
		x     float64
	}{{"baseline", c.Baseline}, {"target", c.Target}} {
		if math.IsNaN(v.x) || math.IsInf(v.x, 0) || v.x < 0 {
			f.Addf(name(v.field), "must be a number, zero or more")
		}
	}
	if c.Stat == measures.Share && (c.Target > 1 || c.Baseline > 1) {
		f.Add(name("target"), "a share is a fraction from 0 to 1 (10% is 0.1)")
	}
	if c.Target == c.Baseline {
		f.Add(name("target"), "must differ from the baseline: a commitment moves its figure")
	}
	switch {
	case c.TargetOn.IsZero():
		f.Add(name("target_on"), "is required")
	case !day(c.TargetOn).After(day(now)):
		f.Add(name("target_on"), "must be after today")
	}
}

func statList() string {
	s := make([]string, len(Stats))
	for i, x := range Stats {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// NewPlan opens a draft plan against a requirement.
func NewPlan(requirementID, title string, roles []access.Role, by string, now time.Time) (Plan, error) {
	if !slices.ContainsFunc(roles, mayDraft) {
		return Plan{}, &NotAllowedError{Record: "plan", State: "not yet begun", Action: ActEdit, ByRole: true}
	}
	var f fault.Fields
	f.Text("title", title, maxTitle, true, false)
	if requirementID == "" {
		f.Add("requirement", "is required")
	}
	if err := f.Err("invalid plan"); err != nil {
		return Plan{}, err
	}
	return Plan{RequirementID: requirementID, Title: title, State: Draft, Revisions: []Revision{{N: 1, Commitments: []Commitment{}}},
		CreatedBy: by, CreatedAt: now.UTC(), Version: 1}, nil
}

func mayDraft(r access.Role) bool  { return r == access.ChiefOffice || r == access.PSDHead }
func maySubmit(r access.Role) bool { return r == access.ChiefOffice }
func mayAssess(r access.Role) bool { return r == access.Oversight }

// Latest is the plan's last revision.
func (p Plan) Latest() Revision { return p.Revisions[len(p.Revisions)-1] }

// Drafting reports whether the last revision is still being written.
func (p Plan) Drafting() bool { return p.Latest().SubmittedAt == nil }

// LastAssessed is the last revision that was assessed, if any.
func (p Plan) LastAssessed() (Revision, bool) {
	for i := len(p.Revisions) - 1; i >= 0; i-- {
		if p.Revisions[i].Assessment != nil {
			return p.Revisions[i], true
		}
	}
	return Revision{}, false
}

// Current is the last submitted revision: what the chief officer has put
// to the body, and what the public sees.
func (p Plan) Current() (Revision, bool) {
	for i := len(p.Revisions) - 1; i >= 0; i-- {
		if p.Revisions[i].SubmittedAt != nil {
			return p.Revisions[i], true
		}
	}
	return Revision{}, false
}

// rejected reports whether the last assessment rejected the plan.
func (p Plan) rejected() bool {
	r, ok := p.LastAssessed()
	return ok && r.Assessment.Outcome == Rejected
}

// the table of what may be done in each state, and by whom; Allowed and
// every action read it, so a page offers exactly what would be accepted.
func (p Plan) can(a Action) (role func(access.Role) bool, ok bool) {
	switch a {
	case ActEdit:
		return mayDraft, p.State == Draft || (p.State == Assessed && p.rejected())
	case ActSubmit:
		return maySubmit, p.State == Draft
	case ActResubmit:
		return maySubmit, p.State == Assessed && p.rejected() && p.Drafting()
	case ActAssess:
		return mayAssess, p.State == Submitted || p.State == Resubmitted
	case ActClose:
		return mayAssess, p.State == Assessed && !p.rejected()
	case ActComment:
		return func(r access.Role) bool { return mayDraft(r) || mayAssess(r) }, p.State != Closed
	}
	return func(access.Role) bool { return false }, false
}

// PlanActions lists every action on a plan, in the order pages offer them.
var PlanActions = []Action{ActEdit, ActSubmit, ActResubmit, ActAssess, ActClose, ActComment}

// Allowed lists what a caller holding roles may do to p now.
func (p Plan) Allowed(roles []access.Role) []Action {
	var out []Action
	for _, a := range PlanActions {
		if role, ok := p.can(a); ok && slices.ContainsFunc(roles, role) {
			out = append(out, a)
		}
	}
	return out
}

// check refuses an action the roles may not take, or that the state does
// not allow.
func (p Plan) check(a Action, roles []access.Role) error {
	role, ok := p.can(a)
	if !slices.ContainsFunc(roles, role) {
		return &NotAllowedError{Record: "plan", State: p.State.Words(), Action: a, Allowed: p.Allowed(roles), ByRole: true}
	}
	if !ok {
		return &NotAllowedError{Record: "plan", State: p.State.Words(), Action: a, Allowed: p.Allowed(roles)}
	}
	return nil
}

// SetCommitments replaces the commitments of the draft revision, opening
// the next revision when the last was rejected. Each is checked against
// the measures catalogue.
func (p *Plan) SetCommitments(cs []Commitment, roles []access.Role, now time.Time) error {
	if err := p.check(ActEdit, roles); err != nil {
		return err
	}
	var f fault.Fields
	for i, c := range cs {
		c.Validate(&f, i, now)
	}
	if err := f.Err("invalid commitments"); err != nil {
		return err
	}
	if !p.Drafting() {
		p.Revisions = append(p.Revisions, Revision{N: p.Latest().N + 1})
	}
	p.Revisions[len(p.Revisions)-1].Commitments = slices.Clone(cs)
	p.Version++
	return nil
}

// Submit puts the draft revision to the oversight body: the first time
// (submit) or after a rejection (resubmit).
func (p *Plan) Submit(a Action, roles []access.Role, by string, now time.Time) error {
	if a != ActSubmit && a != ActResubmit {
		a = ActSubmit
	}
	if err := p.check(a, roles); err != nil {
		return err
	}
	latest := &p.Revisions[len(p.Revisions)-1]
	if len(latest.Commitments) == 0 {
		var f fault.Fields
		f.Add("commitments", "a plan needs at least one commitment before it is submitted")
		return f.Err("nothing to submit")
	}
	var f fault.Fields
	for i, c := range latest.Commitments {
		c.Validate(&f, i, now)
	}
	if err := f.Err("the plan's commitments no longer hold: edit them before submitting"); err != nil {
		return err
	}
	t := now.UTC()
	latest.SubmittedAt, latest.SubmittedBy = &t, by
	p.State = Submitted
	if a == ActResubmit {
		p.State = Resubmitted
	}
	p.Version++
	return nil
}

// Close ends an accepted plan.
func (p *Plan) Close(roles []access.Role, by string, now time.Time) error {
	if err := p.check(ActClose, roles); err != nil {
		return err
	}
	t := now.UTC()
	p.State, p.ClosedBy, p.ClosedAt = Closed, by, &t
	p.Version++
	return nil
}

// Words is the state in words, as it reads after "is".
func (s PlanState) Words() string {
	switch s {
	case Draft:
		return "a draft"
	case Submitted:
		return "submitted and awaiting assessment"
	case Assessed:
		return "assessed"
	case Resubmitted:
		return "resubmitted and awaiting assessment"
	case Closed:
		return "closed"
	}
	return string(s)
}

// Name is the state as a tag shows it.
func (s PlanState) Name() string {
	switch s {
	case Draft:
		return "Draft"
	case Submitted:
		return "Submitted"
	case Assessed:
		return "Assessed"
	case Resubmitted:
		return "Resubmitted"
	case Closed:
		return "Closed"
	}
	return string(s)
}
