package oversight

import (
	"fmt"
	"strings"

	"github.com/probity/probity/internal/fault"
)

// NotAllowedError refuses an action on a notice or a plan: the record is in
// another state, or the caller lacks the role. Like the case workflow's
// refusal, it names the state and what the caller may do instead.
type NotAllowedError struct {
	Record  string // "plan" or "notice"
	State   string
	Action  Action
	Allowed []Action
	// ByRole: the caller may not take the action in any state.
	ByRole bool
}

func (e *NotAllowedError) Error() string {
	var b strings.Builder
	if e.ByRole {
		fmt.Fprintf(&b, "on this %s your role may not %s", e.Record, e.Action.Words())
	} else {
		fmt.Fprintf(&b, "a %s that is %s cannot be %s", e.Record, e.State, e.Action.Done())
	}
	b.WriteString("; you may now ")
	if len(e.Allowed) == 0 {
		b.WriteString("do nothing to it")
	}
	for i, a := range e.Allowed {
		switch {
		case i == 0:
		case i == len(e.Allowed)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(a.Words())
	}
	return b.String()
}

// Unwrap classifies the refusal: a missing role is Forbidden, anything
// else a Conflict with the record as it stands.
func (e *NotAllowedError) Unwrap() error {
	kind := fault.Conflict
	if e.ByRole {
		kind = fault.Forbidden
	}
	return &fault.Error{Kind: kind, Message: e.Error()}
}

// Action is something done to a notice or a plan.
type Action string

const (
	ActLift     Action = "lift"
	ActEscalate Action = "escalate"
	ActEdit     Action = "edit"
	ActSubmit   Action = "submit"
	ActResubmit Action = "resubmit"
	ActAssess   Action = "assess"
	ActClose    Action = "close"
	ActComment  Action = "comment"
)

var actionWords = map[Action][2]string{
	ActLift:     {"lift it", "lifted"},
	ActEscalate: {"escalate it", "escalated"},
	ActEdit:     {"edit its commitments", "edited"},
	ActSubmit:   {"submit it", "submitted"},
	ActResubmit: {"resubmit it", "resubmitted"},
	ActAssess:   {"assess it", "assessed"},
	ActClose:    {"close it", "closed"},
	ActComment:  {"comment on it", "commented on"},
}

// Words is the action as something to do ("submit it").
func (a Action) Words() string {
	if w, ok := actionWords[a]; ok {
		return w[0]
	}
	return string(a)
}

// Done is the action as something done to a record ("submitted").
func (a Action) Done() string {
	if w, ok := actionWords[a]; ok {
		return w[1]
	}
	return string(a)
}
