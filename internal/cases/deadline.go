package cases

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Clock names one of the time limits a case must keep
// (docs/statutory-process.md, section 5). Each is also an event type: an event of that type records
// that the step the clock counts down to was done (a progress update sent,
// the officer's reply received), which stops the clock or, for a repeating
// one, starts it again.
type Clock string

const (
	ClockReviewApplication          Clock = "review_application"
	ClockProgressUpdate             Clock = "progress_update"
	ClockOutcomeNotice              Clock = "outcome_notice"
	ClockOverdueInvestigationReport Clock = "overdue_investigation_report"
	ClockOfficerReply               Clock = "officer_reply"
	ClockWitnessLists               Clock = "witness_lists"
	ClockPreHearing                 Clock = "pre_hearing"
	ClockMeetingAppeal              Clock = "meeting_appeal"
	ClockPATPapers                  Clock = "pat_papers"
	ClockRPRPAccount                Clock = "rprp_account"
	ClockIOPCReferral               Clock = "iopc_referral"
)

// LimitUnit is what a limit is counted in.
type LimitUnit string

const (
	UnitDays        LimitUnit = "days"         // calendar days
	UnitWorkingDays LimitUnit = "working_days" // weekdays other than bank holidays in England and Wales
	UnitMonths      LimitUnit = "months"       // calendar months, to the same day of the month
)

// Limit is one row of the deadlines table.
type Limit struct {
	Clock  Clock     `json:"clock"`
	Title  string    `json:"title"`
	Amount int       `json:"amount"`
	Unit   LimitUnit `json:"unit"`
	// ThenEvery repeats the limit, in the same unit, after it first falls
	// due; 0 for a limit that falls due once.
	ThenEvery int `json:"then_every,omitempty"`
	// From is what the law counts from; StartsOn is what Probity reads as
	// that moment, since the states and events are only a record of it.
	From     string `json:"from"`
	StartsOn string `json:"starts_on"`
	Source   string `json:"source"`
	// Extendable limits may be moved by a "deadline_extended" event with
	// Detail["clock"] naming the clock and Detail["until"] the new last day.
	Extendable bool `json:"extendable,omitempty"`
}

// clockLimits is the deadlines table of docs/statutory-process.md,
// section 5. It is a Go table rather than a data file because each row
// comes with code that reads its starting point from the case's history;
// the sources are cited so that a change in the law can be traced to the
// rows it touches. The document says which limits were read in the
// regulations' text and which were not. No clock stops while a complaint
// is suspended: nothing in C&M 13, 34 or CR 19 pauses the 12-month or
// progress reports, so a suspension never hides a duty.
var clockLimits = []Limit{
	{Clock: ClockReviewApplication, Title: "Complainant's time to apply for a review", Amount: 28, Unit: UnitDays,
		From: "the day after the outcome notice", Source: "C&M 29",
		StartsOn: "entering OutcomeNotified; the day after is the first of the 28"},
	{Clock: ClockProgressUpdate, Title: "Progress update to the complainant", Amount: 28, Unit: UnitDays,
		From: "the start, then the last update", Source: "C&M 34",
		StartsOn: "recording under Schedule 3 (entering RecordedSch3), then each progress_update event, while the complaint is being handled under Schedule 3"},
	{Clock: ClockOutcomeNotice, Title: "Outcome to the complainant", Amount: 5, Unit: UnitWorkingDays,
		From: "the outcome", Source: "C&M 34",
		StartsOn: "an outcome_decided event while the complaint is handled or investigated; entering OutcomeNotified is the notice"},
	{Clock: ClockOverdueInvestigationReport, Title: "Report on an investigation unfinished at 12 months",
		Amount: 12, Unit: UnitMonths, ThenEvery: 6,
		From: "the complaint being made, or the appropriate authority becoming aware", Source: "C&M 13; CR 19",
		StartsOn: "the case's ReceivedAt; reported while an investigation is open or suspended"},
	{Clock: ClockOfficerReply, Title: "Officer's reply to the referral notice", Amount: 15, Unit: UnitWorkingDays,
		From: "documents served", Source: "CR 31", Extendable: true,
		StartsOn: "entering NoticeServed"},
	{Clock: ClockWitnessLists, Title: "Witness lists after the officer's reply", Amount: 3, Unit: UnitWorkingDays,
		From: "the officer's reply", Source: "CR 31",
		StartsOn: "an officer_reply event, else entering OfficerResponse"},
	{Clock: ClockPreHearing, Title: "Pre-hearing with the chair", Amount: 15, Unit: UnitWorkingDays,
		From: "papers to the chair", Source: "CR 33",
		StartsOn: "a pre_hearing_date_set event after referral to a hearing (the chair directs one), counted from a papers_to_chair event, else entering Witnesses"},
	{Clock: ClockMeetingAppeal, Title: "Officer's time to appeal the meeting outcome", Amount: 7, Unit: UnitWorkingDays,
		From: "the outcome report", Source: "CR 45",
		StartsOn: "a decision_supplied event after a misconduct meeting, while the outcome stands"},
	{Clock: ClockPATPapers, Title: "Force papers to the Police Appeals Tribunal", Amount: 15, Unit: UnitWorkingDays,
		From: "the appeal notice", Source: "PAT 13",
		StartsOn: "an appeal_notice event, else entering Appeal, after a misconduct hearing"},
	{Clock: ClockRPRPAccount, Title: "Officer's account for reflective practice (RPRP)", Amount: 5, Unit: UnitWorkingDays,
		From: "the RPRP notice", Source: "CR Part 6",
		StartsOn: "entering RPRP; stopped by an rprp_account event"},
	{Clock: ClockIOPCReferral, Title: "Referral to the IOPC", Amount: 1, Unit: UnitDays,
		From: "the day it becomes clear the matter must be referred", Source: "C&M 4; Sch3 4(4)",
		StartsOn: "recording a complaint under Schedule 3 on a ground that must be referred, or a DSI matter being received; stopped by the referral (referral_clock.go)"},
}

// ClockLimits returns the deadlines table.
func ClockLimits() []Limit { return slices.Clone(clockLimits) }

// Limit returns the row of the deadlines table for the clock.
func (c Clock) Limit() (Limit, bool) {
	i := slices.IndexFunc(clockLimits, func(l Limit) bool { return l.Clock == c })
	if i < 0 {
		return Limit{}, false
	}
	return clockLimits[i], true
}

// Deadline is one clock running on a case, as at a moment (AsOf).
type Deadline struct {
	Clock Clock  `json:"clock"`
	Title string `json:"title"` // in plain words, for the people on the case
	// Due is the last instant the step is in time: the end of its last day
	// in London. Zero when it cannot be worked out; Problem says why.
	Due       time.Time `json:"due,omitzero"`
	StartedAt time.Time `json:"started_at"` // when the clock started, or last restarted
	Source    string    `json:"source"`
	Overdue   bool      `json:"overdue"`
	// DaysLeft counts calendar days from AsOf's day to the due day: 0 on
	// the due day itself, negative once overdue.
	DaysLeft int       `json:"days_left"`
	AsOf     time.Time `json:"as_of"`
	Note     string    `json:"note,omitempty"`    // how the start was read, a pause, an extension
	Problem  string    `json:"problem,omitempty"` // why Due is unknown
	// Subject is the officer a per-officer clock runs for (Clock.PerOfficer):
	// each subject officer of the case has a clock of their own. Empty on
	// a clock of the whole case, and on a per-officer clock of a case that
	// names no officer.
	Subject string `json:"subject,omitempty"`
}

// Deadlines returns the clocks running on the case at now, soonest due
// first. Which clocks run follows from the case's kind and the state its
// history puts it in at now; when each started, from the history (see the
// StartsOn column of ClockLimits). A working-day clock whose days cal does
// not cover is still listed, with no Due and a Problem, so a gap in the
// calendar shows rather than a wrong date, and the other deadlines of an
// old imported case still show. The error is for a missing calendar only:
// that is a wiring mistake, not something about the case.
func Deadlines(c Case, history []Event, cal *Calendar, now time.Time) ([]Deadline, error) {
	if cal == nil {
		return nil, fault.Errorf(fault.Internal, "working out deadlines: no bank-holiday calendar")
	}
	tl := newCaseTimeline(c, history, now)
	if len(tl.spells) == 0 {
		return nil, nil
	}
	var out []Deadline
	for _, f := range []func(*caseTimeline, *Calendar) (Deadline, bool){
		(*caseTimeline).reviewApplication,
		(*caseTimeline).progressUpdate,
		(*caseTimeline).outcomeNotice,
		(*caseTimeline).overdueReport,
		(*caseTimeline).witnessLists,
		(*caseTimeline).preHearing,
		(*caseTimeline).patPapers,
		(*caseTimeline).iopcReferral,
	} {
		if d, ok := f(tl, cal); ok {
			out = append(out, d)
		}
	}
	out = append(out, tl.dutyDeadlines(cal)...)
	out = append(out, tl.officerDeadlines(cal)...)
	slices.SortStableFunc(out, compareDue)
	return out, nil
}

// compareDue orders deadlines soonest first, those without a Due last.
func compareDue(a, b Deadline) int {
	if a.Due.IsZero() != b.Due.IsZero() {
		if a.Due.IsZero() {
			return 1
		}
		return -1
	}
	return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Clock, b.Clock))
}

// DueSoon returns the deadlines not yet overdue that fall due within the
// given time of when they were worked out, soonest first.
func DueSoon(ds []Deadline, within time.Duration) []Deadline {
	var out []Deadline
	for _, d := range ds {
		if !d.Due.IsZero() && !d.Overdue && d.Due.Sub(d.AsOf) <= within {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, compareDue)
	return out
}

// Overdue returns the deadlines that have passed, most overdue first. A
// clock paused after it ran out stays overdue: the step is still late.
func Overdue(ds []Deadline) []Deadline {
	var out []Deadline
	for _, d := range ds {
		if d.Overdue {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, compareDue)
	return out
}

// NextDue returns the deadline a case list should show and filter by: the
// soonest with a known Due.
func NextDue(ds []Deadline) (Deadline, bool) {
	var best Deadline
	found := false
	for _, d := range ds {
		if d.Due.IsZero() {
			continue
		}
		if !found || compareDue(d, best) < 0 {
			best, found = d, true
		}
	}
	return best, found
}

// deadline works out a clock's due time from its start.
func (tl *caseTimeline) deadline(clock Clock, start time.Time, cal *Calendar) Deadline {
	return tl.deadlineFor(clock, "", start, cal)
}

// deadlineFor works out the due time of one subject officer's clock.
func (tl *caseTimeline) deadlineFor(clock Clock, subj string, start time.Time, cal *Calendar) Deadline {
	l, _ := clock.Limit()
	d := Deadline{Clock: clock, Title: l.Title, StartedAt: start, Source: l.Source, AsOf: tl.now, Subject: subj}
	startDay := dayIn(start, tl.loc)
	var dueDay calDay
	switch l.Unit {
	case UnitDays:
		dueDay = startDay + calDay(l.Amount)
	case UnitMonths:
		dueDay = startDay.addMonths(l.Amount)
	case UnitWorkingDays:
		t, err := cal.AddWorkingDays(start, l.Amount)
		if err != nil {
			d.Problem = "cannot count working days: " + err.Error()
			return d
		}
		dueDay = dayIn(t, tl.loc)
	}
	if l.Extendable {
		if e, ok := tl.extension(clock, subj, start); ok {
			if until, err := time.Parse(time.DateOnly, e.Detail["until"]); err == nil {
				dueDay = civilDay(until.Date())
				d.Note = "extended to " + dueDay.String()
			}
		}
	}
	d.Due = dueDay.end(tl.loc)
	d.setStatus(tl)
	return d
}

func (d *Deadline) setStatus(tl *caseTimeline) {
	d.Overdue = tl.now.After(d.Due)
	d.DaysLeft = int(dayIn(d.Due, tl.loc) - dayIn(tl.now, tl.loc))
}

// extension is the latest deadline_extended event for the clock since it
// started: for a per-officer clock, the latest naming its officer or none.
func (tl *caseTimeline) extension(clock Clock, subj string, start time.Time) (Event, bool) {
	evs := tl.eventsOf(clockDeadlineExtended, start)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Detail["clock"] == string(clock) && concerns(evs[i], subj) {
			return evs[i], true
		}
	}
	return Event{}, false
}

// done reports whether an event marks the clock's step as done since it
// started.
func (tl *caseTimeline) done(clock Clock, start time.Time) bool {
	_, ok := tl.firstEvent(string(clock), start)
	return ok
}

// stateClock is a clock that runs while the case is in one state, from
// when it entered it, until an event of the clock's type.
func (tl *caseTimeline) stateClock(clock Clock, s State, cal *Calendar) (Deadline, bool) {
	cur := tl.current()
	if cur.State != s || tl.done(clock, cur.From) {
		return Deadline{}, false
	}
	return tl.deadline(clock, cur.From, cal), true
}

// clockSch3States are the states in which a complaint is being handled
// under Schedule 3 and the complainant must be kept up to date.
var clockSch3States = []State{RecordedSch3, ReferredIOPC, ReferredBack, HandledOtherwise,
	LocalInvestigation, DirectedInvestigation, IndependentInvestigation}

// reviewApplication: 28 days from the day after the outcome notice, while
// the case waits in OutcomeNotified. Overdue means the window has closed
// and the case can be closed.
func (tl *caseTimeline) reviewApplication(cal *Calendar) (Deadline, bool) {
	if tl.c.Kind != Complaint {
		return Deadline{}, false
	}
	return tl.stateClock(ClockReviewApplication, OutcomeNotified, cal)
}

// progressUpdate: every 4 weeks from recording under Schedule 3, then from
// the last update, while the complaint is handled under Schedule 3,
// suspended or not (C&M 34 has no pause). A
// complaint that leaves Schedule 3 handling and comes back (a review
// upheld, say) starts again from its return.
func (tl *caseTimeline) progressUpdate(cal *Calendar) (Deadline, bool) {
	state, _ := tl.underlying()
	if tl.c.Kind != Complaint || !slices.Contains(clockSch3States, state) {
		return Deadline{}, false
	}
	start := tl.runStart(clockSch3States)
	if e, ok := tl.lastEvent(string(ClockProgressUpdate), start); ok {
		start = e.At
	}
	return tl.deadline(ClockProgressUpdate, start, cal), true
}

// outcomeNotice: 5 working days from the outcome. No state records the
// decision, only the notice (OutcomeNotified), so this clock runs only
// once an outcome_decided event has been recorded in the current state.
func (tl *caseTimeline) outcomeNotice(cal *Calendar) (Deadline, bool) {
	cur := tl.current()
	if tl.c.Kind != Complaint || !slices.Contains([]State{HandledOtherwise, LocalInvestigation,
		DirectedInvestigation, IndependentInvestigation}, cur.State) {
		return Deadline{}, false
	}
	e, ok := tl.lastEvent(clockOutcomeDecided, cur.From)
	if !ok || tl.done(ClockOutcomeNotice, e.At) {
		return Deadline{}, false
	}
	return tl.deadline(ClockOutcomeNotice, e.At, cal), true
}

// overdueReport: the next report on an investigation unfinished 12 months
// after the case was received, then every 6 months; an overdue one comes
// first.
func (tl *caseTimeline) overdueReport(*Calendar) (Deadline, bool) {
	_, next := tl.reports()
	if next == nil {
		return Deadline{}, false
	}
	l, _ := ClockOverdueInvestigationReport.Limit()
	d := Deadline{Clock: ClockOverdueInvestigationReport, Title: l.Title, StartedAt: tl.start,
		Due: next.Due, Source: next.Source, AsOf: tl.now}
	if next.Number > 1 {
		d.Title = fmt.Sprintf("Further report on the unfinished investigation (%d months)", next.Months)
	}
	var notes []string
	if next.By != "" {
		notes = append(notes, fmt.Sprintf("%s investigation: the %s reports to the %s", next.Mode, next.By,
			strings.Join(next.To, " and the ")))
	} else {
		notes = append(notes, "investigation mode not recorded: who reports to whom is unknown")
	}
	d.Note = strings.Join(notes, "; ")
	d.setStatus(tl)
	return d, true
}

// officerReply: 15 working days (extendable) from the referral notice and
// documents being served, for each officer in the proceedings until that
// officer's reply is recorded.
func (tl *caseTimeline) officerReply(cal *Calendar, subj string) (Deadline, bool) {
	cur := tl.current()
	if cur.State != NoticeServed || tl.doneFor(ClockOfficerReply, subj, cur.From) {
		return Deadline{}, false
	}
	return tl.deadlineFor(ClockOfficerReply, subj, cur.From, cal), true
}

// witnessLists: 3 working days from the officer's reply. The reply is
// usually recorded by the move to OfficerResponse; an officer_reply event
// recorded earlier, while the notice stood, dates it more exactly.
func (tl *caseTimeline) witnessLists(cal *Calendar) (Deadline, bool) {
	cur := tl.current()
	if cur.State != OfficerResponse {
		return Deadline{}, false
	}
	start := cur.From
	if ns, ok := tl.lastEntry(NoticeServed); ok {
		if e, ok := tl.firstEvent(string(ClockOfficerReply), ns.From); ok && e.At.Before(start) {
			start = e.At
		}
	}
	if tl.done(ClockWitnessLists, start) {
		return Deadline{}, false
	}
	return tl.deadline(ClockWitnessLists, start, cal), true
}

// preHearing: within 15 working days of the papers going to the chair of
// a misconduct hearing. Without a papers_to_chair event the move to
// Witnesses stands in for it: the witnesses are settled and the papers
// complete. A pre-hearing is held only when the chair directs one
// [CR 33], so the clock runs only once one is set (a pre_hearing_date_set
// step since the referral): a hearing without one owes no pre-hearing.
func (tl *caseTimeline) preHearing(cal *Calendar) (Deadline, bool) {
	ref, ok := tl.lastEntry(MeetingReferred, HearingReferred, SpecialConditions)
	cur := tl.current()
	if !ok || ref.State != HearingReferred ||
		!slices.Contains([]State{HearingReferred, NoticeServed, OfficerResponse, Witnesses}, cur.State) {
		return Deadline{}, false
	}
	if _, set := tl.lastEvent(string(StepPreHearingDateSet), ref.From); !set {
		return Deadline{}, false
	}
	start, note := time.Time{}, ""
	if e, ok := tl.firstEvent(clockPapersToChair, ref.From); ok {
		start = e.At
	} else if cur.State == Witnesses {
		start, note = cur.From, "counted from the move to Witnesses: no record of papers going to the chair"
	} else {
		return Deadline{}, false
	}
	if tl.done(ClockPreHearing, start) {
		return Deadline{}, false
	}
	d := tl.deadline(ClockPreHearing, start, cal)
	d.Note = note
	return d, true
}

// meetingAppeal: the officer's 7 working days to appeal from a misconduct
// meeting, from being given the report of its outcome [CR 45(3)]: the
// window opens only when the decision is supplied (outcomeReport).
func (tl *caseTimeline) meetingAppeal(cal *Calendar, subj string) (Deadline, bool) {
	if tl.current().State != Outcome || tl.forum() != "meeting" {
		return Deadline{}, false
	}
	start, ok := tl.decisionSupplied(subj)
	if !ok || tl.doneFor(ClockMeetingAppeal, subj, start) {
		return Deadline{}, false
	}
	return tl.deadlineFor(ClockMeetingAppeal, subj, start, cal), true
}

// patPapers: the force's papers to the Police Appeals Tribunal within 15
// working days of the appeal notice, for appeals from hearings.
func (tl *caseTimeline) patPapers(cal *Calendar) (Deadline, bool) {
	cur := tl.current()
	if f := tl.forum(); cur.State != Appeal || f != "hearing" && f != "accelerated_hearing" {
		return Deadline{}, false
	}
	start := cur.From
	if out, ok := tl.lastEntry(Outcome); ok {
		if e, ok := tl.firstEvent(clockAppealNotice, out.From); ok && e.At.Before(start) {
			start = e.At
		}
	}
	if tl.done(ClockPATPapers, start) {
		return Deadline{}, false
	}
	return tl.deadline(ClockPATPapers, start, cal), true
}

// rprpAccount: each officer's account within 5 working days of the RPRP
// notice. No state follows the account, so only an rprp_account event
// for the officer (or naming none) stops the officer's clock.
func (tl *caseTimeline) rprpAccount(cal *Calendar, subj string) (Deadline, bool) {
	cur := tl.current()
	if cur.State != RPRP || tl.doneFor(ClockRPRPAccount, subj, cur.From) {
		return Deadline{}, false
	}
	return tl.deadlineFor(ClockRPRPAccount, subj, cur.From, cal), true
}

// forum says what misconduct proceedings the case's latest outcome came
// from: "meeting", "hearing" or "accelerated_hearing", read from a
// Detail["forum"] on the events that moved it, or else from the referral
// it went through; "" when neither says.
func (tl *caseTimeline) forum() string {
	for i := len(tl.spells) - 1; i >= 0; i-- {
		s := tl.spells[i]
		switch f := strings.ToLower(s.entered.Detail["forum"]); {
		case strings.Contains(f, "accelerated"):
			return "accelerated_hearing"
		case strings.Contains(f, "meeting"):
			return "meeting"
		case strings.Contains(f, "hearing"):
			return "hearing"
		}
		switch s.State {
		case MeetingReferred:
			return "meeting"
		case HearingReferred:
			return "hearing"
		case SpecialConditions, AcceleratedHearing:
			return "accelerated_hearing"
		}
	}
	return ""
}
