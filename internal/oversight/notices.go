package oversight

import (
	"slices"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

// NoticeState is where a notice stands.
type NoticeState string

const (
	// InForce: the chief officer is on notice.
	InForce NoticeState = "in-force"
	// Lifted: the body is satisfied and the notice no longer stands.
	Lifted NoticeState = "lifted"
	// Escalated: the body took the matter further (to the inspectorate or
	// the Home Secretary); the notice is closed by that step.
	Escalated NoticeState = "escalated"
)

// NoticeStates lists the states, in order.
var NoticeStates = []NoticeState{InForce, Lifted, Escalated}

// Notice puts the chief officer formally on notice, for reasons, over the
// requirements it names.
type Notice struct {
	ID             string      `json:"id"`
	Reasons        string      `json:"reasons"`
	RequirementIDs []string    `json:"requirement_ids"`
	State          NoticeState `json:"state"`
	IssuedBy       string      `json:"issued_by"`
	IssuedAt       time.Time   `json:"issued_at"`
	// EndedAt, EndedBy and EndReasons say when, by whom and why the notice
	// was lifted or escalated.
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	EndedBy    string     `json:"ended_by,omitempty"`
	EndReasons string     `json:"end_reasons,omitempty"`
	Version    int        `json:"version"`
}

// NewNotice issues a notice. known says which requirement ids exist.
func NewNotice(reasons string, requirementIDs []string, known func(string) bool, by string, now time.Time) (Notice, error) {
	var f fault.Fields
	f.Text("reasons", reasons, maxText, true, true)
	if len(requirementIDs) == 0 {
		f.Add("requirements", "choose at least one requirement the notice attaches to")
	}
	seen := map[string]bool{}
	for _, id := range requirementIDs {
		if !known(id) {
			f.Add("requirements", "names a requirement that does not exist")
		} else if seen[id] {
			f.Add("requirements", "names a requirement twice")
		}
		seen[id] = true
	}
	if err := f.Err("invalid notice"); err != nil {
		return Notice{}, err
	}
	return Notice{Reasons: reasons, RequirementIDs: slices.Clone(requirementIDs), State: InForce, IssuedBy: by, IssuedAt: now.UTC(), Version: 1}, nil
}

// NoticeAllowed lists what a caller holding roles may do to n now.
func NoticeAllowed(n Notice, roles []access.Role) []Action {
	if n.State != InForce || !slices.Contains(roles, access.Oversight) {
		return nil
	}
	return []Action{ActLift, ActEscalate}
}

// End lifts or escalates a notice in force, for reasons.
func (n *Notice) End(a Action, reasons string, roles []access.Role, by string, now time.Time) error {
	if a != ActLift && a != ActEscalate {
		var f fault.Fields
		f.Addf("action", "%q is not something done to a notice: lift or escalate", a)
		return f.Err("invalid action")
	}
	if !slices.Contains(roles, access.Oversight) {
		return &NotAllowedError{Record: "notice", State: n.State.Words(), Action: a, ByRole: true}
	}
	if n.State != InForce {
		return &NotAllowedError{Record: "notice", State: n.State.Words(), Action: a, Allowed: NoticeAllowed(*n, roles)}
	}
	var f fault.Fields
	f.Text("reasons", reasons, maxText, true, true)
	if err := f.Err("invalid " + string(a)); err != nil {
		return err
	}
	t := now.UTC()
	n.State, n.EndedAt, n.EndedBy, n.EndReasons = Lifted, &t, by, reasons
	if a == ActEscalate {
		n.State = Escalated
	}
	n.Version++
	return nil
}

// Words is the state in words, as it reads after "is".
func (s NoticeState) Words() string {
	switch s {
	case InForce:
		return "in force"
	case Lifted:
		return "lifted"
	case Escalated:
		return "escalated"
	}
	return string(s)
}

// Valid reports whether s is a notice state.
func (s NoticeState) Valid() bool { return slices.Contains(NoticeStates, s) }
