package oversight

// Label is a code in words: a name, and one line on what it means.
type Label struct {
	Name, Means string
}

var meetingStateLabels = map[MeetingState]Label{
	Scheduled: {"Scheduled", "The board has not yet recorded its minutes."},
	Minuted:   {"Minutes recorded", "The minutes are the record of the meeting."},
}

var actionStateLabels = map[ActionState]Label{
	Open:     {"Open", "Waiting for the chief officer's office to answer."},
	Answered: {"Answered", "The chief officer's office has answered; the oversight body decides whether to close it."},
	Closed:   {"Closed", "The oversight body accepted the answer."},
}

var stepLabels = map[ActionStep]Label{
	Answer: {"Answer", "Say what the force has done."},
	Close:  {"Close", "Accept the answer."},
	Return: {"Return", "Do not accept the answer: the action is open again."},
}

var postKindLabels = map[PostKind]Label{
	ChiefOfficer:    {"Chief officer", "The chief constable, or the commissioner in London."},
	Deputy:          {"Deputy chief officer", "The chief officer's deputy."},
	HeadOfStandards: {"Head of professional standards", "Leads the force's professional standards department."},
}

var postStateLabels = map[PostState]Label{
	Vacant:    {"Vacant", "Nobody holds the post or acts in it."},
	Held:      {"Held", "The post has a substantive holder."},
	Suspended: {"Suspended", "The holder is suspended."},
	Acting:    {"Acting", "Someone acts in the post until it is filled."},
}

var eventKindLabels = map[EventKind]Label{
	Appointment:   {"Appointment", "Someone was appointed to the post."},
	Extension:     {"Extension", "The holder's term was extended."},
	Suspension:    {"Suspension", "The holder was suspended."},
	Reinstatement: {"Reinstatement", "The suspension ended and the holder returned."},
	Resignation:   {"Resignation", "The holder resigned."},
	Retirement:    {"Retirement", "The holder retired."},
	ActingUp:      {"Acting appointment", "Someone was asked to act in the post."},
}

var appointmentStatusLabels = map[AppointmentStatus]Label{
	Proposed:  {"Proposed", "The appointing authority is consulting; nothing is published."},
	Confirmed: {"Made", "The appointment was made."},
	Withdrawn: {"Withdrawn", "The proposal was dropped."},
}

func labelOf[K ~string](m map[K]Label, code K) Label {
	if l, ok := m[code]; ok {
		return l
	}
	return Label{Name: string(code)}
}

// Label is the state in words.
func (s MeetingState) Label() Label { return labelOf(meetingStateLabels, s) }

// Label is the state in words.
func (s ActionState) Label() Label { return labelOf(actionStateLabels, s) }

// Label is the step in words.
func (s ActionStep) Label() Label { return labelOf(stepLabels, s) }

// Label is the kind of post in words.
func (k PostKind) Label() Label { return labelOf(postKindLabels, k) }

// Label is the state in words.
func (s PostState) Label() Label { return labelOf(postStateLabels, s) }

// Label is the kind of event in words.
func (k EventKind) Label() Label { return labelOf(eventKindLabels, k) }

// Label is the status in words.
func (s AppointmentStatus) Label() Label { return labelOf(appointmentStatusLabels, s) }
