// Package boards holds the oversight body's accountability boards
// (meetings with an agenda, minutes and actions the chief officer's office
// must answer) and the force's leadership posts: who holds them and how
// each holder was appointed, suspended, extended or left. Requirements,
// notices and plans, which agenda items point at, are package oversight's.
// It is plain Go: the store keeps what it decides and the web shows it.
package boards

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/measures"
)

// Party is who acts on an accountability board's action: the oversight
// body, which sets and closes actions, or the chief officer's office,
// which answers them.
type Party string

const (
	Body        Party = "oversight-body"
	ChiefOffice Party = "chief-office"
)

// partyWords name each party in a refusal.
var partyWords = map[Party]string{Body: "the oversight body", ChiefOffice: "the chief officer's office"}

// MeetingState is where a meeting stands: scheduled until its minutes are
// recorded, then minuted. Minutes, once recorded, are the record of the
// meeting and are not rewritten; actions may still be set from them.
type MeetingState string

const (
	Scheduled MeetingState = "scheduled"
	Minuted   MeetingState = "minuted"
)

// Attendee is one person at a meeting, with the capacity they attended in.
type Attendee struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// AgendaItem is one item of business. It may point at a requirement or a
// plan the oversight body keeps (by id: they are recorded elsewhere) and
// at a published measure (by its id in the measures catalogue), so that
// the board discusses the figures the public sees.
type AgendaItem struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RequirementID string `json:"requirement_id,omitempty"`
	PlanID        string `json:"plan_id,omitempty"`
	MeasureID     string `json:"measure_id,omitempty"`
	Notes         string `json:"notes,omitempty"`
}

// Meeting is one accountability board.
type Meeting struct {
	ID        string       `json:"id"`
	Title     string       `json:"title"`
	HeldOn    time.Time    `json:"held_on"`
	Attendees []Attendee   `json:"attendees"`
	Agenda    []AgendaItem `json:"agenda"`
	State     MeetingState `json:"state"`
	Minutes   string       `json:"minutes,omitempty"`
	MinutedBy string       `json:"minuted_by,omitempty"`
	MinutedAt *time.Time   `json:"minuted_at,omitempty"`
	Actions   []Action     `json:"actions"`
	CreatedBy string       `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
	Version   int          `json:"version"`
}

// Linked names the requirements and plans agenda items point at. They are
// kept beside meetings but recorded by another part of the oversight
// body's work; whatever keeps them implements this.
type Linked interface {
	// RequirementTitle and PlanTitle are the title of the record with id,
	// and false when there is none.
	RequirementTitle(ctx context.Context, id string) (string, bool, error)
	PlanTitle(ctx context.Context, id string) (string, bool, error)
}

// NewMeeting checks a meeting to be scheduled, naming each faulty field,
// and returns it ready to store.
func NewMeeting(title string, heldOn time.Time, attendees []Attendee, by string, now time.Time) (Meeting, error) {
	var f fault.Fields
	f.Text("title", title, 200, true, false)
	if heldOn.IsZero() {
		f.Add("held_on", "is required: the day the board meets")
	}
	if len(attendees) == 0 {
		f.Add("attendees", "are required: name at least one person attending")
	}
	for i, a := range attendees {
		f.Text(fmt.Sprintf("attendees[%d].name", i), a.Name, 200, true, false)
		f.Text(fmt.Sprintf("attendees[%d].role", i), a.Role, 200, true, false)
	}
	if len(attendees) > 50 {
		f.Add("attendees", "must be at most 50")
	}
	if err := f.Err("the meeting cannot be recorded"); err != nil {
		return Meeting{}, err
	}
	return Meeting{ID: id.New(), Title: strings.TrimSpace(title), HeldOn: dayOf(heldOn), Attendees: attendees, State: Scheduled,
		Agenda: []AgendaItem{}, Actions: []Action{}, CreatedBy: by, CreatedAt: now.UTC(), Version: 1}, nil
}

// AddItem adds an item to the agenda of a meeting not yet minuted.
func (m *Meeting) AddItem(it AgendaItem) (AgendaItem, error) {
	if m.State != Scheduled {
		return it, refuse(string(m.State), "add an agenda item", []string{"set an action"}, false)
	}
	var f fault.Fields
	f.Text("title", it.Title, 300, true, false)
	f.Text("notes", it.Notes, 4000, false, true)
	if it.RequirementID != "" && !id.Valid(it.RequirementID) {
		f.Add("requirement_id", "is not the id of a requirement")
	}
	if it.PlanID != "" && !id.Valid(it.PlanID) {
		f.Add("plan_id", "is not the id of a plan")
	}
	if it.MeasureID != "" {
		if _, ok := measures.Lookup(it.MeasureID); !ok {
			f.Add("measure_id", "must be one of the published measures: "+strings.Join(measures.IDs(), ", "))
		}
	}
	if len(m.Agenda) >= 50 {
		f.Add("title", "cannot be added: a meeting has at most 50 agenda items")
	}
	if err := f.Err("the agenda item cannot be added"); err != nil {
		return it, err
	}
	it.ID = id.New()
	it.Title = strings.TrimSpace(it.Title)
	m.Agenda = append(m.Agenda, it)
	m.Version++
	return it, nil
}

// RecordMinutes records what the board discussed and decided.
func (m *Meeting) RecordMinutes(text, by string, now time.Time) error {
	if m.State != Scheduled {
		return refuse(string(m.State), "record minutes", []string{"set an action"}, false)
	}
	var f fault.Fields
	f.Text("minutes", text, 20000, true, true)
	if now.Before(m.HeldOn) {
		f.Add("minutes", "cannot be recorded before the day of the meeting, "+m.HeldOn.Format("2 January 2006"))
	}
	if err := f.Err("the minutes cannot be recorded"); err != nil {
		return err
	}
	t := now.UTC()
	m.Minutes, m.MinutedBy, m.MinutedAt, m.State = text, by, &t, Minuted
	m.Version++
	return nil
}

// MeetingSteps lists what may be done to a meeting in a state.
func MeetingSteps(s MeetingState) []string {
	if s == Scheduled {
		return []string{"add an agenda item", "record minutes", "set an action"}
	}
	return []string{"set an action"}
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// NotAllowedError refuses a step that cannot be taken now, naming the
// state and the steps that can.
type NotAllowedError struct {
	State   string
	Step    string
	Allowed []string
	// ByParty is true when the caller's side may not take the step at
	// all: they are forbidden, not out of step.
	ByParty bool
	// Codes are the allowed steps or events as the API names them.
	Codes []string
}

func (e *NotAllowedError) Error() string {
	allowed := "nothing more"
	if len(e.Allowed) > 0 {
		allowed = strings.Join(e.Allowed, ", ")
	}
	if e.ByParty {
		return fmt.Sprintf("you may not %s; you may: %s", e.Step, allowed)
	}
	return fmt.Sprintf("cannot %s while %s; allowed now: %s", e.Step, stateWords(e.State), allowed)
}

// Unwrap classifies the refusal for adapters.
func (e *NotAllowedError) Unwrap() error {
	kind := fault.Conflict
	if e.ByParty {
		kind = fault.Forbidden
	}
	return &fault.Error{Kind: kind, Message: e.Error()}
}

func refuse(state, step string, allowed []string, byParty bool) *NotAllowedError {
	return &NotAllowedError{State: state, Step: step, Allowed: allowed, ByParty: byParty, Codes: []string{}}
}

func codes[K ~string](ks []K) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// stateWords is a state as a refusal says it ("the action is open").
func stateWords(s string) string {
	switch s {
	case string(Scheduled):
		return "the meeting is scheduled"
	case string(Minuted):
		return "the meeting's minutes are recorded"
	}
	if l, ok := actionStateLabels[ActionState(s)]; ok {
		return "the action is " + strings.ToLower(l.Name)
	}
	if l, ok := postStateLabels[PostState(s)]; ok {
		return "the post is " + strings.ToLower(l.Name)
	}
	if l, ok := appointmentStatusLabels[AppointmentStatus(s)]; ok {
		return "the appointment is " + strings.ToLower(l.Name)
	}
	return s
}

// ActionState is where an action stands.
type ActionState string

const (
	Open     ActionState = "open"
	Answered ActionState = "answered"
	Closed   ActionState = "closed"
)

// ActionStates lists them in order.
var ActionStates = []ActionState{Open, Answered, Closed}

// Action is something the board asks of the force, with an owner (a post
// or office in words) and a day it is due.
type Action struct {
	ID         string      `json:"id"`
	MeetingID  string      `json:"meeting_id"`
	Text       string      `json:"text"`
	Owner      string      `json:"owner"`
	DueOn      time.Time   `json:"due_on"`
	State      ActionState `json:"state"`
	Answer     string      `json:"answer,omitempty"`
	AnsweredBy string      `json:"answered_by,omitempty"`
	AnsweredAt *time.Time  `json:"answered_at,omitempty"`
	// Note is the oversight body's word on closing or returning the
	// action.
	Note     string     `json:"note,omitempty"`
	ClosedBy string     `json:"closed_by,omitempty"`
	ClosedAt *time.Time `json:"closed_at,omitempty"`
	SetBy    string     `json:"set_by"`
	SetAt    time.Time  `json:"set_at"`
	Version  int        `json:"version"`
}

// Overdue reports whether an action still awaits its answer after its day.
func (a Action) Overdue(now time.Time) bool {
	return a.State == Open && dayOf(now).After(a.DueOn)
}

// NewAction checks an action the board sets.
func (m Meeting) NewAction(text, owner string, dueOn time.Time, by string, now time.Time) (Action, error) {
	var f fault.Fields
	f.Text("text", text, 2000, true, true)
	f.Text("owner", owner, 200, true, false)
	switch {
	case dueOn.IsZero():
		f.Add("due_on", "is required: the day the answer is due")
	case dueOn.Before(m.HeldOn):
		f.Add("due_on", "must be on or after the day of the meeting, "+m.HeldOn.Format("2 January 2006"))
	}
	if len(m.Actions) >= 100 {
		f.Add("text", "cannot be added: a meeting has at most 100 actions")
	}
	if err := f.Err("the action cannot be set"); err != nil {
		return Action{}, err
	}
	return Action{ID: id.New(), MeetingID: m.ID, Text: text, Owner: strings.TrimSpace(owner), DueOn: dayOf(dueOn), State: Open,
		SetBy: by, SetAt: now.UTC(), Version: 1}, nil
}

// ActionStep is a move of an action from one state to another, and the
// party that makes it.
type ActionStep string

const (
	// Answer: the chief officer's office says what it has done.
	Answer ActionStep = "answer"
	// Close: the oversight body accepts the answer.
	Close ActionStep = "close"
	// Return: the oversight body does not accept the answer; the action is
	// open again.
	Return ActionStep = "return"
)

type actionRule struct {
	step ActionStep
	from ActionState
	to   ActionState
	by   Party
}

// actionRules is the action's state machine: the one table Apply and
// Allowed read.
var actionRules = []actionRule{
	{Answer, Open, Answered, ChiefOffice},
	{Close, Answered, Closed, Body},
	{Return, Answered, Open, Body},
}

// AllowedSteps lists the steps parties may take on the action now.
func (a Action) AllowedSteps(parties []Party) []ActionStep {
	var out []ActionStep
	for _, r := range actionRules {
		if r.from == a.State && slices.Contains(parties, r.by) {
			out = append(out, r.step)
		}
	}
	return out
}

func stepWords(steps []ActionStep) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = strings.ToLower(s.Label().Name)
	}
	return out
}

// Apply takes a step on the action for one of parties, with its text (the
// answer, or the oversight body's note). A step the state does not allow,
// or that none of parties may take, is refused naming what is allowed.
func (a *Action) Apply(step ActionStep, text string, parties []Party, by string, now time.Time) error {
	i := slices.IndexFunc(actionRules, func(r actionRule) bool { return r.step == step })
	if i < 0 {
		return &fault.Error{Kind: fault.Invalid, Message: "the action cannot be moved on",
			Fields: []fault.FieldError{{Field: "step", Reason: "must be one of answer, close, return"}}}
	}
	r := actionRules[i]
	if allowed := a.AllowedSteps(parties); !slices.Contains(parties, r.by) || r.from != a.State {
		words := stepWords(allowed)
		if len(allowed) == 0 && slices.Contains(parties, r.by) {
			// Nothing is the caller's to do, but the other side's step is
			// still due: name it, so "nothing more" never reads as if the
			// action were finished.
			for _, o := range actionRules {
				if o.from == a.State && !slices.Contains(parties, o.by) {
					words = append(words, strings.ToLower(o.step.Label().Name)+" (by "+partyWords[o.by]+")")
				}
			}
		}
		e := refuse(string(a.State), strings.ToLower(step.Label().Name), words, !slices.Contains(parties, r.by))
		e.Codes = codes(allowed)
		return e
	}
	var f fault.Fields
	switch step {
	case Answer:
		f.Text("answer", text, 8000, true, true)
	case Return:
		f.Text("note", text, 4000, true, true)
	default:
		f.Text("note", text, 4000, false, true)
	}
	if err := f.Err("the action cannot be moved on"); err != nil {
		return err
	}
	t := now.UTC()
	switch step {
	case Answer:
		a.Answer, a.AnsweredBy, a.AnsweredAt, a.Note = text, by, &t, ""
	case Close:
		a.Note, a.ClosedBy, a.ClosedAt = text, by, &t
	case Return:
		a.Note = text
	}
	a.State = r.to
	a.Version++
	return nil
}
