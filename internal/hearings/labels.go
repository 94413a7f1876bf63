package hearings

// Label is a code in words: a name, and one line on what it means.
type Label struct {
	Name, Means string
}

var kindLabels = map[Kind]Label{
	OfHearing: {"Notice of hearing", "When and where a misconduct hearing held in public will sit, the officer and the conduct alleged."},
	Outcome:   {"Outcome of hearing", "What a misconduct hearing found and any disciplinary action it imposed."},
}

var standingLabels = map[Standing]Label{
	StandingDraft:     {"Draft", "Being written; not public."},
	StandingAwaiting:  {"Waiting for approval", "Submitted; someone other than its author must approve it before it is public."},
	StandingScheduled: {"Approved, not yet published", "Public from the first day of its publication period."},
	StandingPublished: {"Published", "Shown on the public hearings page until the last day of its period."},
	StandingEnded:     {"Taken down", "Its publication period is over; the public no longer see it."},
	StandingWithdrawn: {"Withdrawn", "Withdrawn with reasons; the public do not see it."},
}

var actionLabels = map[Action]Label{
	Submit:   {"submit for approval", "Send the notice to be approved by someone else."},
	Approve:  {"approve", "Let the notice be public for its publication period."},
	Withdraw: {"withdraw", "Stop the notice being public, or stop it going further, giving reasons."},
}

func labelOf[K ~string](m map[K]Label, code K) Label {
	if l, ok := m[code]; ok {
		return l
	}
	return Label{Name: string(code)}
}

// Label is the kind in words.
func (k Kind) Label() Label { return labelOf(kindLabels, k) }

// Label is the standing in words.
func (s Standing) Label() Label { return labelOf(standingLabels, s) }

// Label is the action in words.
func (a Action) Label() Label { return labelOf(actionLabels, a) }
