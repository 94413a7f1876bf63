package oversight

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// PostKind is a leadership post the oversight body follows.
type PostKind string

const (
	ChiefOfficer    PostKind = "chief-officer"
	Deputy          PostKind = "deputy"
	HeadOfStandards PostKind = "head-of-standards"
)

// PostKinds lists them in the order pages show them.
var PostKinds = []PostKind{ChiefOfficer, Deputy, HeadOfStandards}

// PostState is where a post stands.
type PostState string

const (
	Vacant    PostState = "vacant"
	Held      PostState = "held"
	Suspended PostState = "suspended" // the holder is suspended; someone may act in their place
	Acting    PostState = "acting"    // no substantive holder; someone acts in the post
)

// Post is one leadership post: who holds it now, and whose rules govern
// appointments to it. Its history is its events.
type Post struct {
	ID    string   `json:"id"`
	Kind  PostKind `json:"kind"`
	Title string   `json:"title"`
	// AppointingAuthority is who appoints: the Home Secretary for the
	// Metropolitan Police Commissioner, the local policing body elsewhere.
	AppointingAuthority string `json:"appointing_authority"`
	// RequiredConsultees are those the appointing authority's rules say
	// must be consulted, and must have answered, before an appointment is
	// made: configurable per post because the rules differ by post.
	RequiredConsultees []string   `json:"required_consultees"`
	State              PostState  `json:"state"`
	Holder             string     `json:"holder,omitempty"`
	HolderSince        *time.Time `json:"holder_since,omitempty"`
	TermEnds           *time.Time `json:"term_ends,omitempty"`
	ActingHolder       string     `json:"acting_holder,omitempty"`
	// LastOn is the day of the latest event: no event may be dated
	// before it, so the timeline reads in order.
	LastOn    *time.Time `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	Version   int        `json:"version"`
}

// NewPost checks a post to be recorded.
func NewPost(kind PostKind, title, authority string, consultees []string, now time.Time) (Post, error) {
	var f fault.Fields
	if !slices.Contains(PostKinds, kind) {
		f.Add("kind", "must be one of chief officer, deputy chief officer, head of professional standards")
	}
	f.Text("title", title, 200, true, false)
	f.Text("appointing_authority", authority, 200, true, false)
	var clean []string
	for i, c := range consultees {
		if strings.TrimSpace(c) == "" {
			continue
		}
		f.Text(fmt.Sprintf("required_consultees[%d]", i), c, 200, true, false)
		clean = append(clean, strings.TrimSpace(c))
	}
	if err := f.Err("the post cannot be recorded"); err != nil {
		return Post{}, err
	}
	if clean == nil {
		clean = []string{}
	}
	return Post{ID: id.New(), Kind: kind, Title: strings.TrimSpace(title), AppointingAuthority: strings.TrimSpace(authority),
		RequiredConsultees: clean, State: Vacant, CreatedAt: now.UTC(), Version: 1}, nil
}

// EventKind is one kind of entry in a post's timeline.
type EventKind string

const (
	Appointment   EventKind = "appointment"
	Extension     EventKind = "extension"
	Suspension    EventKind = "suspension"
	Reinstatement EventKind = "reinstatement"
	Resignation   EventKind = "resignation"
	Retirement    EventKind = "retirement"
	ActingUp      EventKind = "acting"
)

// ChangeKinds are the events recorded with the change form; appointments
// have their own.
var ChangeKinds = []EventKind{Extension, Suspension, Reinstatement, Resignation, Retirement, ActingUp}

// AppointmentStatus is where an appointment stands. A proposed one is the
// appointing authority's intention while it consults; it changes nothing
// and is never published. Confirming it makes the appointment.
type AppointmentStatus string

const (
	Proposed  AppointmentStatus = "proposed"
	Confirmed AppointmentStatus = "confirmed"
	Withdrawn AppointmentStatus = "withdrawn"
)

// Consultation is one body consulted on an appointment and its answer.
type Consultation struct {
	Consultee   string     `json:"consultee"`
	AskedOn     time.Time  `json:"asked_on"`
	RespondedOn *time.Time `json:"responded_on,omitempty"`
	Response    string     `json:"response,omitempty"`
}

// Event is one entry in a post's timeline.
type Event struct {
	ID     string    `json:"id"`
	PostID string    `json:"post_id"`
	Kind   EventKind `json:"kind"`
	// Holder is the person the event is about: the appointee, the holder
	// suspended or leaving, the one acting.
	Holder string `json:"holder"`
	// On is the day the event takes effect: an appointment's start.
	On     time.Time `json:"on"`
	Reason string    `json:"reason,omitempty"`
	// The appointment's record: who appointed, whom they consulted and
	// what was answered, the decision and the term.
	AppointingAuthority string            `json:"appointing_authority,omitempty"`
	Consultations       []Consultation    `json:"consultations,omitempty"`
	Decision            string            `json:"decision,omitempty"`
	DecidedOn           *time.Time        `json:"decided_on,omitempty"`
	TermEnds            *time.Time        `json:"term_ends,omitempty"`
	Status              AppointmentStatus `json:"status,omitempty"`
	// Notes are the oversight body's own, never published.
	Notes      string    `json:"notes,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

type postRule struct {
	kind EventKind
	from []PostState
}

// postRules is the post's state machine: which events each state allows.
// What each leads to is in Post.apply.
var postRules = []postRule{
	{Appointment, []PostState{Vacant, Acting}},
	{Extension, []PostState{Held}},
	{Suspension, []PostState{Held}},
	{Reinstatement, []PostState{Suspended}},
	{Resignation, []PostState{Held, Suspended}},
	{Retirement, []PostState{Held, Suspended}},
	{ActingUp, []PostState{Vacant, Suspended, Acting}},
}

// AllowedEvents lists what may be recorded on the post now, appointments
// first. A proposed appointment may be recorded in any state: the
// authority may consult on a successor before the holder leaves.
func (p Post) AllowedEvents() []EventKind {
	var out []EventKind
	for _, r := range postRules {
		if slices.Contains(r.from, p.State) {
			out = append(out, r.kind)
		}
	}
	return out
}

func eventWords(ks []EventKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = strings.ToLower(k.Label().Name)
	}
	return out
}

func (p Post) refuse(k EventKind) error {
	e := refuse(string(p.State), "record "+article(k)+strings.ToLower(k.Label().Name), eventWords(p.AllowedEvents()), false)
	e.Codes = codes(p.AllowedEvents())
	return e
}

func article(k EventKind) string {
	if k == Appointment || k == Extension || k == ActingUp {
		return "an "
	}
	return "a "
}

// Record checks an event and applies it to the post: a change (not an
// appointment, see Propose and Confirm) the post's state allows, dated no
// earlier than the latest event. It names each faulty field, or refuses
// with the post's state and what it allows.
func (p *Post) Record(e *Event, by string, now time.Time) error {
	if e.Kind == Appointment {
		return &fault.Error{Kind: fault.Invalid, Message: "the change cannot be recorded",
			Fields: []fault.FieldError{{Field: "kind", Reason: "an appointment is recorded with the appointment form"}}}
	}
	if !slices.Contains(ChangeKinds, e.Kind) {
		return &fault.Error{Kind: fault.Invalid, Message: "the change cannot be recorded",
			Fields: []fault.FieldError{{Field: "kind", Reason: "must be one of extension, suspension, reinstatement, resignation, retirement, acting"}}}
	}
	if !p.allows(e.Kind) {
		return p.refuse(e.Kind)
	}
	var f fault.Fields
	p.checkDay(&f, "on", e.On)
	switch e.Kind {
	case ActingUp:
		f.Text("holder", e.Holder, 200, true, false)
	default:
		// The event is about whoever holds the post.
		e.Holder = p.Holder
	}
	switch e.Kind {
	case Extension:
		switch {
		case e.TermEnds == nil:
			f.Add("term_ends", "is required: the day the extended term ends")
		case p.TermEnds != nil && !e.TermEnds.After(*p.TermEnds):
			f.Add("term_ends", "must be after the day the present term ends, "+p.TermEnds.Format("2 January 2006"))
		}
		f.Text("reason", e.Reason, 4000, false, true)
	case Suspension, Resignation, Retirement:
		f.Text("reason", e.Reason, 4000, true, true)
	default:
		f.Text("reason", e.Reason, 4000, false, true)
	}
	if e.Kind != Extension && e.TermEnds != nil {
		f.Add("term_ends", "is given only for an extension")
	}
	f.Text("notes", e.Notes, 4000, false, true)
	if err := f.Err("the " + strings.ToLower(e.Kind.Label().Name) + " cannot be recorded"); err != nil {
		return err
	}
	e.ID, e.PostID, e.RecordedBy, e.RecordedAt, e.On = id.New(), p.ID, by, now.UTC(), dayOf(e.On)
	e.Consultations, e.Decision, e.DecidedOn, e.AppointingAuthority, e.Status = nil, "", nil, "", ""
	p.apply(*e)
	return nil
}

func (p Post) allows(k EventKind) bool {
	i := slices.IndexFunc(postRules, func(r postRule) bool { return r.kind == k })
	return i >= 0 && slices.Contains(postRules[i].from, p.State)
}

func (p Post) checkDay(f *fault.Fields, field string, on time.Time) {
	switch {
	case on.IsZero():
		f.Add(field, "is required: the day it takes effect")
	case p.LastOn != nil && dayOf(on).Before(*p.LastOn):
		f.Add(field, "must not be before the post's latest entry, on "+p.LastOn.Format("2 January 2006"))
	}
}

// apply moves the post on by an event the rules allow.
func (p *Post) apply(e Event) {
	on := e.On
	switch e.Kind {
	case Appointment:
		p.State, p.Holder, p.HolderSince, p.TermEnds, p.ActingHolder = Held, e.Holder, &on, e.TermEnds, ""
	case Extension:
		p.TermEnds = e.TermEnds
	case Suspension:
		p.State = Suspended
	case Reinstatement:
		p.State, p.ActingHolder = Held, ""
	case Resignation, Retirement:
		p.Holder, p.HolderSince, p.TermEnds = "", nil, nil
		p.State = Vacant
		if p.ActingHolder != "" {
			p.State = Acting
		}
	case ActingUp:
		p.ActingHolder = e.Holder
		if p.State == Vacant {
			p.State = Acting
		}
	}
	if p.LastOn == nil || on.After(*p.LastOn) {
		p.LastOn = &on
	}
	p.Version++
}

// checkAppointment names each faulty field of an appointment's record.
// Confirmed asks what a made appointment needs: the decision and every
// consultation the post's rules require, answered before the decision.
func (p Post) checkAppointment(e *Event, confirmed bool) error {
	var f fault.Fields
	f.Text("holder", e.Holder, 200, true, false)
	f.Text("appointing_authority", e.AppointingAuthority, 200, true, false)
	p.checkDay(&f, "on", e.On)
	if e.TermEnds == nil {
		f.Add("term_ends", "is required: the day the term ends")
	} else if !e.On.IsZero() && !e.TermEnds.After(e.On) {
		f.Add("term_ends", "must be after the day the appointment starts")
	}
	if len(e.Consultations) > 20 {
		f.Add("consultations", "must be at most 20")
	}
	for i, c := range e.Consultations {
		at := fmt.Sprintf("consultations[%d].", i)
		f.Text(at+"consultee", c.Consultee, 200, true, false)
		if c.AskedOn.IsZero() {
			f.Add(at+"asked_on", "is required: the day the consultee was asked")
		}
		f.Text(at+"response", c.Response, 4000, c.RespondedOn != nil, true)
		switch {
		case c.RespondedOn == nil && strings.TrimSpace(c.Response) != "":
			f.Add(at+"responded_on", "is required with a response")
		case c.RespondedOn != nil && !c.AskedOn.IsZero() && c.RespondedOn.Before(c.AskedOn):
			f.Add(at+"responded_on", "must not be before the day the consultee was asked")
		}
	}
	f.Text("notes", e.Notes, 4000, false, true)
	if confirmed {
		f.Text("decision", e.Decision, 4000, true, true)
		switch {
		case e.DecidedOn == nil:
			f.Add("decided_on", "is required: the day the appointing authority decided")
		case !e.On.IsZero() && e.DecidedOn.After(e.On):
			f.Add("decided_on", "must not be after the day the appointment starts")
		}
		for _, want := range p.RequiredConsultees {
			i := slices.IndexFunc(e.Consultations, func(c Consultation) bool { return strings.EqualFold(strings.TrimSpace(c.Consultee), want) })
			switch {
			case i < 0:
				f.Add("consultations", "the appointing authority's rules for this post require consultation of "+want+
					" before an appointment, and none is recorded")
			case e.Consultations[i].RespondedOn == nil:
				f.Add("consultations", "the appointing authority's rules for this post require the response of "+want+
					" before an appointment, and none is recorded")
			case e.DecidedOn != nil && e.Consultations[i].RespondedOn.After(*e.DecidedOn):
				f.Add("consultations", want+" responded after the decision was made; the rules for this post require the response before it")
			}
		}
	} else {
		f.Text("decision", e.Decision, 4000, false, true)
	}
	return f.Err("the appointment cannot be recorded")
}

// Propose records an appointment the authority intends while it consults.
// It changes nothing on the post.
func (p *Post) Propose(e *Event, by string, now time.Time) error {
	e.Kind = Appointment
	if err := p.checkAppointment(e, false); err != nil {
		return err
	}
	e.ID, e.PostID, e.Status, e.RecordedBy, e.RecordedAt, e.On = id.New(), p.ID, Proposed, by, now.UTC(), dayOf(e.On)
	p.Version++
	return nil
}

// Appoint records an appointment made: the post must be vacant or have
// someone acting in it, and the record must show every consultation the
// post's rules require.
func (p *Post) Appoint(e *Event, by string, now time.Time) error {
	e.Kind = Appointment
	if !p.allows(Appointment) {
		return p.refuse(Appointment)
	}
	if err := p.checkAppointment(e, true); err != nil {
		return err
	}
	e.ID, e.PostID, e.Status, e.RecordedBy, e.RecordedAt, e.On = id.New(), p.ID, Confirmed, by, now.UTC(), dayOf(e.On)
	p.apply(*e)
	return nil
}

// Confirm makes a proposed appointment, with the record as it now stands
// (the consultations answered since, the decision): the same checks as
// Appoint.
func (p *Post) Confirm(e *Event, by string, now time.Time) error {
	if e.Kind != Appointment || e.Status != Proposed {
		return refuse(string(e.Status), "confirm the appointment", nil, false)
	}
	if !p.allows(Appointment) {
		return p.refuse(Appointment)
	}
	if err := p.checkAppointment(e, true); err != nil {
		return err
	}
	e.Status, e.RecordedBy, e.RecordedAt = Confirmed, by, now.UTC()
	p.apply(*e)
	return nil
}

// Withdraw ends a proposed appointment without making it.
func (p *Post) Withdraw(e *Event, reason string) error {
	if e.Kind != Appointment || e.Status != Proposed {
		return refuse(string(e.Status), "withdraw the appointment", nil, false)
	}
	var f fault.Fields
	f.Text("reason", reason, 4000, true, true)
	if err := f.Err("the appointment cannot be withdrawn"); err != nil {
		return err
	}
	e.Status, e.Reason = Withdrawn, reason
	p.Version++
	return nil
}

// Public is what the public may read of a post's timeline: made
// appointments and changes, never a proposal, a withdrawn proposal or
// the oversight body's notes.
func Public(events []Event) []Event {
	out := []Event{}
	for _, e := range events {
		if e.Kind == Appointment && e.Status != Confirmed {
			continue
		}
		e.Notes, e.RecordedBy = "", ""
		out = append(out, e)
	}
	return out
}

// CurrentAppointment is the made appointment of the post's present
// holder, if any.
func CurrentAppointment(p Post, events []Event) (Event, bool) {
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Kind == Appointment && e.Status == Confirmed {
			return e, p.Holder != "" && e.Holder == p.Holder
		}
	}
	return Event{}, false
}
