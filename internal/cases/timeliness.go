package cases

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// A case's history is read back into spells: which state it was in, from
// when until when. Deadlines, time in each state and the 12-month reports
// are all worked out from the spells, as at a given moment, so the same
// history answers "what was due on 1 March?" as well as "what is due now?".
//
// Events read:
//   - "action" or "state_changed" with Detail["to"] (and Detail["from"]):
//     the case moved to the state named by "to" at At. "forum" on such an
//     event ("meeting", "hearing", "accelerated_hearing") says what kind of
//     misconduct proceedings an outcome came from.
//   - "recorded" with Detail["state"]: the case was in that state when it
//     was entered in Probity at At.
//   - an event whose Type is a clock's name records that the step the clock
//     counts down to was done (see Deadlines).
// Events later than the moment asked about are ignored.

// Event types read by the deadline and timeliness code. Clock names
// (ClockProgressUpdate and the rest) are event types too.
const (
	timelineAction        = "action"
	timelineStateChanged  = "state_changed"
	timelineRecorded      = "recorded"
	clockOutcomeDecided   = "outcome_decided"   // a complaint's outcome was decided; the notice is due
	clockPapersToChair    = "papers_to_chair"   // misconduct hearing papers went to the chair
	clockAppealNotice     = "appeal_notice"     // the officer gave notice of appeal
	clockDeadlineExtended = "deadline_extended" // Detail["clock"], Detail["until"] (YYYY-MM-DD)
)

// StateSpell is one stretch of time a case spent in one state.
type StateSpell struct {
	State    State         `json:"state"`
	From     time.Time     `json:"from"`
	To       time.Time     `json:"to,omitzero"` // zero while the case is still in the state
	Duration time.Duration `json:"duration"`    // To - From, or now - From while ongoing
}

// StateTimes is how long a case has spent in each state.
type StateTimes struct {
	Spells []StateSpell            `json:"spells"` // oldest first; the last is ongoing
	Total  map[State]time.Duration `json:"total"`  // per state, counting every return to it
}

// TimeInStates returns the spells the case spent in each state from its
// receipt up to now, and their totals per state. The spells' durations sum
// to now minus the case's receipt (ReceivedAt; the first event when that is
// unset). A history that does not reach the case's present state (an import
// that kept only some steps) is completed with a spell in c.State from the
// last event, provided no event in the history is later than now.
func TimeInStates(c Case, history []Event, now time.Time) StateTimes {
	tl := newCaseTimeline(c, history, now)
	st := StateTimes{Spells: make([]StateSpell, len(tl.spells)), Total: make(map[State]time.Duration)}
	for i, s := range tl.spells {
		st.Spells[i] = s.StateSpell
		st.Total[s.State] += s.Duration
	}
	return st
}

// Report is one report on an investigation still unfinished 12 months
// after the complaint was made or the appropriate authority became aware of
// the conduct, or one of the reports due every 6 months after that
// [C&M 13; CR 19].
type Report struct {
	Number int `json:"number"` // 1 is the 12-month report, 2 the one at 18 months, and so on
	Months int `json:"months"` // months after the clock started: 12, 18, 24...
	// Due is the end of the day the report fell due. A suspension does
	// not move it: nothing in C&M 13 or CR 19 pauses the reports.
	Due time.Time `json:"due"`
	// Mode is how the investigation was being carried out when the report
	// fell due: "local", "directed" or "independent"; empty when Probity
	// cannot tell (a conduct matter referred to the IOPC whose events do not
	// say), and then By and To are empty too.
	Mode   string    `json:"mode"`
	By     string    `json:"by"`
	To     []string  `json:"to"`
	CopyTo []string  `json:"copy_to,omitempty"` // who gets a copy: the officer, for an internal conduct matter [CR 19]
	MadeAt time.Time `json:"made_at,omitzero"`  // when an event recorded the report; zero if none has
	Source string    `json:"source"`
}

// OverdueInvestigationReports lists every report on an unfinished
// investigation that has fallen due by now: the first 12 months after the
// case was received (c.ReceivedAt: when the complaint was made or the
// appropriate authority became aware), then every 6 months. A report falls
// due only if the investigation was open when its date came: a case still
// awaiting a decision on how to handle it at 12 months, or finished by
// then, owes none, and one whose investigation starts later owes the next
// report in the series; an investigation suspended for criminal
// proceedings is still open and still reported on. Reports recorded by events of
// type "overdue_investigation_report" are matched to the reports due in
// order: the first such event is taken as the 12-month report.
func OverdueInvestigationReports(c Case, history []Event, now time.Time) []Report {
	tl := newCaseTimeline(c, history, now)
	reps, _ := tl.reports()
	return reps
}

// Who makes an overdue-investigation report and to whom [C&M 13; CR 19].
var reportParties = map[string]struct {
	by string
	to []string
}{
	"local":       {"appropriate authority", []string{"local policing body", "IOPC"}},
	"directed":    {"IOPC", []string{"local policing body", "chief officer"}},
	"independent": {"IOPC", []string{"local policing body", "chief officer"}},
}

// reports returns the reports fallen due and, if the investigation is
// open now, the next one still to be made (fallen due or not).
func (tl *caseTimeline) reports() (due []Report, next *Report) {
	if len(tl.spells) == 0 {
		return nil, nil
	}
	made := tl.eventsOf(string(ClockOverdueInvestigationReport), tl.start)
	startDay := dayIn(tl.start, tl.loc)
	k := 1
	for ; ; k++ {
		r := tl.report(k, startDay)
		if r.Due.After(tl.now) {
			break
		}
		mode, open := tl.investigationAt(r.Due)
		if !open {
			continue
		}
		r.setMode(mode)
		tl.internalReport(&r)
		if i := len(due); i < len(made) {
			r.MadeAt = made[i].At
		}
		due = append(due, r)
	}
	state, _ := tl.underlying()
	if !slices.Contains(clockInvestigationStates, state) {
		return due, nil
	}
	for i := range due {
		if due[i].MadeAt.IsZero() {
			return due, &due[i]
		}
	}
	// Reports made early count against the ones still to come.
	early := max(len(made)-len(due), 0)
	r := tl.report(k+early, startDay)
	mode, _ := tl.investigationAt(tl.now)
	r.setMode(mode)
	tl.internalReport(&r)
	return due, &r
}

func (tl *caseTimeline) report(k int, startDay calDay) Report {
	months := 12 + 6*(k-1)
	return Report{Number: k, Months: months, Due: startDay.addMonths(months).end(tl.loc), Source: "C&M 13; CR 19"}
}

func (r *Report) setMode(mode string) {
	r.Mode = mode
	if p, ok := reportParties[mode]; ok {
		r.By, r.To = p.by, slices.Clone(p.to)
	}
}

// clockInvestigationStates are the states in which an investigation is
// under way: the complaint modes, and a conduct investigation until its
// report is written.
var clockInvestigationStates = []State{LocalInvestigation, DirectedInvestigation, IndependentInvestigation,
	Investigation, Reg17Served, Interviewed}

// investigationAt reports whether an investigation was open at t (in an
// investigation state, or suspended from one) and how it was carried out.
func (tl *caseTimeline) investigationAt(t time.Time) (mode string, open bool) {
	i := tl.spellAt(t)
	if i < 0 {
		return "", false
	}
	if tl.spells[i].State == Suspended && i > 0 {
		i--
	}
	switch tl.spells[i].State {
	case LocalInvestigation:
		return "local", true
	case DirectedInvestigation:
		return "directed", true
	case IndependentInvestigation:
		return "independent", true
	case Investigation, Reg17Served, Interviewed:
		return tl.conductMode(i), true
	}
	return "", false
}

// conductMode says how the conduct investigation running in spell i is
// carried out. The conduct states do not say, so an event's
// Detail["mode"] does; failing that, a matter never referred to the IOPC
// is investigated locally, and one that was referred is unknown.
func (tl *caseTimeline) conductMode(i int) string {
	for j := i; j >= 0; j-- {
		if m := strings.ToLower(tl.spells[j].entered.Detail["mode"]); reportParties[m].by != "" {
			return m
		}
		if tl.spells[j].State == ReferredIOPC {
			return ""
		}
	}
	return "local"
}

// caseTimeline is a case's history read into spells as at now.
type caseTimeline struct {
	c      Case
	now    time.Time
	loc    *time.Location
	start  time.Time
	spells []spell
	events []Event // At <= now, in time order
}

type spell struct {
	StateSpell
	entered Event // the event that moved the case into the state; zero for the first spell
}

var englandLocation = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// Unreachable: time/tzdata is compiled in (calendar.go).
		panic("cases: no time zone data for Europe/London: " + err.Error())
	}
	return loc
})

func newCaseTimeline(c Case, history []Event, now time.Time) *caseTimeline {
	tl := &caseTimeline{c: c, now: now, loc: englandLocation()}
	future := false
	for _, e := range history {
		if e.At.After(now) {
			future = true
			continue
		}
		tl.events = append(tl.events, e)
	}
	slices.SortStableFunc(tl.events, func(a, b Event) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Seq, b.Seq))
	})
	tl.start = c.ReceivedAt
	if tl.start.IsZero() && len(tl.events) > 0 {
		tl.start = tl.events[0].At
	}
	if tl.start.IsZero() {
		tl.start = c.CreatedAt
	}
	if tl.start.IsZero() || tl.start.After(now) {
		return tl
	}
	// The first state is the one the earliest event says the case was in;
	// a case imported part-way through its process starts where its
	// history does, not in Received.
	cur := c.Kind.InitialState()
	for _, e := range tl.events {
		if from, to := stateChange(e); to != "" {
			if from != "" {
				cur = from
			} else if e.Type == timelineRecorded {
				cur = to
			}
			break
		}
	}
	if !c.Kind.Valid() && c.State != "" {
		cur = c.State
	}
	tl.spells = []spell{{StateSpell: StateSpell{State: cur, From: tl.start}}}
	last := tl.start
	for _, e := range tl.events {
		_, to := stateChange(e)
		if to == "" || to == cur {
			continue
		}
		at := e.At
		if at.Before(tl.start) {
			at = tl.start
		}
		tl.moveTo(to, at, e)
		cur, last = to, at
	}
	if !future && c.State != "" && c.State != cur {
		if n := len(tl.events); n > 0 && tl.events[n-1].At.After(last) {
			last = tl.events[n-1].At
		}
		tl.moveTo(c.State, last, Event{})
	}
	for i := range tl.spells {
		s := &tl.spells[i].StateSpell
		end := s.To
		if i == len(tl.spells)-1 {
			end = now
		}
		s.Duration = end.Sub(s.From)
	}
	return tl
}

func (tl *caseTimeline) moveTo(s State, at time.Time, e Event) {
	tl.spells[len(tl.spells)-1].To = at
	tl.spells = append(tl.spells, spell{StateSpell: StateSpell{State: s, From: at}, entered: e})
}

// stateChange reads a state change from an event: a transition names the
// state it left (if it says) and the one it entered; "recorded" names the
// state the case was entered in.
func stateChange(e Event) (from, to State) {
	switch e.Type {
	case timelineAction, timelineStateChanged:
		return State(e.Detail["from"]), State(e.Detail["to"])
	case timelineRecorded:
		return "", State(e.Detail["state"])
	}
	return "", ""
}

func (tl *caseTimeline) current() spell { return tl.spells[len(tl.spells)-1] }

// underlying is the state whose clocks run: the current state, or while
// the case is suspended the state it was suspended from.
func (tl *caseTimeline) underlying() (s State, suspended bool) {
	n := len(tl.spells)
	if n == 0 {
		return "", false
	}
	if tl.spells[n-1].State == Suspended && n > 1 {
		return tl.spells[n-2].State, true
	}
	return tl.spells[n-1].State, tl.spells[n-1].State == Suspended
}

// spellAt returns the index of the spell the case was in at t, or -1
// before the case began.
func (tl *caseTimeline) spellAt(t time.Time) int {
	for i := len(tl.spells) - 1; i >= 0; i-- {
		if !t.Before(tl.spells[i].From) {
			return i
		}
	}
	return -1
}

// lastEntry returns the latest spell in one of the states.
func (tl *caseTimeline) lastEntry(states ...State) (spell, bool) {
	for i := len(tl.spells) - 1; i >= 0; i-- {
		if slices.Contains(states, tl.spells[i].State) {
			return tl.spells[i], true
		}
	}
	return spell{}, false
}

// runStart is when the case entered the unbroken run of states, ending
// now, drawn from states and Suspended.
func (tl *caseTimeline) runStart(states []State) time.Time {
	i := len(tl.spells) - 1
	for i > 0 {
		p := tl.spells[i-1].State
		if p != Suspended && !slices.Contains(states, p) {
			break
		}
		i--
	}
	// A run that opens with a suspension began before the states counted.
	for i < len(tl.spells)-1 && tl.spells[i].State == Suspended {
		i++
	}
	return tl.spells[i].From
}

// eventsOf returns the events of a type at or after from, oldest first.
func (tl *caseTimeline) eventsOf(typ string, from time.Time) []Event {
	var out []Event
	for _, e := range tl.events {
		if e.Type == typ && !e.At.Before(from) {
			out = append(out, e)
		}
	}
	return out
}

func (tl *caseTimeline) firstEvent(typ string, from time.Time) (Event, bool) {
	evs := tl.eventsOf(typ, from)
	if len(evs) == 0 {
		return Event{}, false
	}
	return evs[0], true
}

func (tl *caseTimeline) lastEvent(typ string, from time.Time) (Event, bool) {
	evs := tl.eventsOf(typ, from)
	if len(evs) == 0 {
		return Event{}, false
	}
	return evs[len(evs)-1], true
}
