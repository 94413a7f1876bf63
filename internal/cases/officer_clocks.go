package cases

import (
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Notices, representations and decisions are given to each officer in a
// case, not to the case: with two subject officers, one officer's
// representations or decision never stops the other's clock. So the steps
// that concern an officer name the subject officer they concern
// (Detail["subject"], an officer id), and the clocks they start or stop
// run once for each subject officer (Deadline.Subject).
//
// An event that names no subject (every event recorded before steps named
// one, and the demo's) concerns every subject officer: on a case with one
// subject that is the only officer; on a case with several it is read as
// done for them all, which is what a single entry for the whole case
// meant when it was recorded.

// StepInvestigationNotice records the written notice of investigation
// given to one officer [CR 17]: the serve_reg17_notice action serves the
// first; this step records each further officer's. That officer's time
// for representations [CR 18] runs from it.
const StepInvestigationNotice Step = "investigation_notice"

// officerSteps are the steps that concern one subject officer.
var officerSteps = []Step{StepInvestigationNotice, StepOfficerRepresentations, StepInterviewDateSet,
	StepOfficerReply, StepPreHearingDateSet, StepDecisionSupplied, StepAppealNotice, StepRPRPAccount}

// officerClocks are the clocks that run once for each subject officer.
var officerClocks = []Clock{ClockOfficerRepresentations, ClockAlternativeInterview, ClockOfficerReply,
	ClockAlternativePreHearing, ClockOutcomeReport, ClockMeetingAppeal, ClockPATAppeal, ClockRPRPAccount}

func init() {
	Steps[StepInvestigationNotice] = "written notice of investigation given to the officer"
}

// ConcernsOfficer reports whether the step is done for one subject
// officer, and so names which.
func (s Step) ConcernsOfficer() bool { return slices.Contains(officerSteps, s) }

// PerOfficer reports whether the clock runs once for each subject officer.
func (c Clock) PerOfficer() bool { return slices.Contains(officerClocks, c) }

// SubjectOfficers lists the officers the case is about, each once, in the
// order the allegations name them.
func (c Case) SubjectOfficers() []string {
	var out []string
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if !slices.Contains(out, s.OfficerID) {
				out = append(out, s.OfficerID)
			}
		}
	}
	return out
}

// RecordStepOn checks a step against the case it is recorded on and
// returns the timeline event that records it. A step that concerns an
// officer (Step.ConcernsOfficer), or the extension of an officer's clock,
// must name one of the case's subject officers when it has more than one,
// and names the only one when it has one; any other step names none.
func RecordStepOn(c Case, in StepInput, now time.Time) (Event, error) {
	var f fault.Fields
	ev := recordStep(in, now, &f)
	subjects := c.SubjectOfficers()
	perOfficer := in.Step.ConcernsOfficer() || in.Step == StepDeadlineExtended && in.Clock.PerOfficer()
	subj := strings.TrimSpace(in.Subject)
	switch {
	case !perOfficer && subj != "":
		f.Add("subject", "must be left out: the step does not concern one officer")
	case !perOfficer:
	case subj == "" && len(subjects) > 1:
		f.Add("subject", "is required: the case has more than one subject officer, so name the officer the step concerns")
	case subj == "" && len(subjects) == 1:
		subj = subjects[0]
	case subj != "" && !slices.Contains(subjects, subj):
		f.Add("subject", "is not a subject officer of this case")
	}
	if err := f.Err("the step cannot be recorded"); err != nil {
		return Event{}, err
	}
	if subj != "" {
		ev.Detail["subject"] = subj
	}
	return ev, nil
}

// StepsCalledFor lists the steps the case's state and open clocks call
// for now, in the order of the Steps table's meaning: the step that stops
// each running clock, the officer steps of the state, and the extension
// of a clock that may be extended. A step may be recorded at any time;
// these are the ones worth offering first.
func StepsCalledFor(c Case, ds []Deadline) []Step {
	var out []Step
	add := func(s Step) {
		if _, ok := Steps[s]; ok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, d := range ds {
		switch d.Clock {
		case ClockOutcomeReport:
			add(StepDecisionSupplied)
		case ClockPATAppeal:
			add(StepAppealNotice)
		case ClockAlternativeInterview:
			add(StepInterviewDateSet)
		case ClockAlternativePreHearing:
			add(StepPreHearingDateSet)
		case ClockOverdueInvestigationReport:
			add(StepOverdueReport)
		default:
			// A clock stopped by an event of its own name; the others
			// (the pre-hearing, the meeting appeal, the IOPC referral)
			// are stopped by actions, and add nothing (no such step).
			add(Step(d.Clock))
		}
	}
	switch c.State {
	case Investigation, Reg17Served:
		add(StepInvestigationNotice)
		add(StepInterviewDateSet)
		add(StepOfficerRepresentations)
	case Interviewed:
		add(StepOfficerRepresentations)
	case HearingReferred, NoticeServed, OfficerResponse, Witnesses:
		add(StepPapersToChair)
		add(StepPreHearingDateSet)
	case Held:
		add(StepDecisionSupplied)
	case Outcome:
		add(StepDecisionSupplied)
	case HandledOtherwise, LocalInvestigation, DirectedInvestigation, IndependentInvestigation:
		add(StepOutcomeDecided)
	}
	for _, d := range ds {
		if l, ok := d.Clock.Limit(); ok && l.Extendable {
			add(StepDeadlineExtended)
		}
	}
	return out
}

// concerns reports whether an event concerns the officer: it names the
// officer, or names none (see above). With subj empty, any event does.
func concerns(e Event, subj string) bool {
	s := e.Detail["subject"]
	return subj == "" || s == "" || s == subj
}

// eventsOfFor returns the events of a type at or after from that concern
// the officer, oldest first.
func (tl *caseTimeline) eventsOfFor(typ, subj string, from time.Time) []Event {
	var out []Event
	for _, e := range tl.eventsOf(typ, from) {
		if concerns(e, subj) {
			out = append(out, e)
		}
	}
	return out
}

func (tl *caseTimeline) firstEventFor(typ, subj string, from time.Time) (Event, bool) {
	evs := tl.eventsOfFor(typ, subj, from)
	if len(evs) == 0 {
		return Event{}, false
	}
	return evs[0], true
}

func (tl *caseTimeline) lastEventFor(typ, subj string, from time.Time) (Event, bool) {
	evs := tl.eventsOfFor(typ, subj, from)
	if len(evs) == 0 {
		return Event{}, false
	}
	return evs[len(evs)-1], true
}

// doneFor reports whether the officer's step of the clock has been
// recorded since start.
func (tl *caseTimeline) doneFor(clock Clock, subj string, start time.Time) bool {
	_, ok := tl.firstEventFor(string(clock), subj, start)
	return ok
}

// officers are the subject officers a per-officer clock runs for: every
// subject but those whose part of a complaint was withdrawn, and, once
// the case is in proceedings, those with no case to answer in any
// allegation. A case naming no officer gives one clock with no subject,
// as before officers had clocks of their own.
func (tl *caseTimeline) officers(proceedings bool) []string {
	var out []string
	for _, id := range tl.c.SubjectOfficers() {
		keep := false
		for _, al := range tl.c.Allegations {
			for _, s := range al.Subjects {
				if s.OfficerID != id || s.Finding == FindingWithdrawn || proceedings && s.Finding == FindingNoCaseToAnswer {
					continue
				}
				keep = true
			}
		}
		if keep {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// investigationNotice is when the officer was given the written notice of
// investigation: the serve_reg17_notice action that served that officer
// (or named no one), else the officer's investigation_notice step, since
// the investigation began.
func (tl *caseTimeline) investigationNotice(subj string) (time.Time, bool) {
	served, ok := tl.lastEntry(Reg17Served)
	if !ok {
		return time.Time{}, false
	}
	if r := served.entered.Detail[string(FieldRecipient)]; r == "" || subj == "" || r == subj {
		return served.From, true
	}
	from := served.From
	if inv, ok := tl.lastEntry(Investigation); ok && inv.From.Before(from) {
		from = inv.From
	}
	for _, e := range tl.eventsOf(string(StepInvestigationNotice), from) {
		if e.Detail["subject"] == subj {
			return e.At, true
		}
	}
	return time.Time{}, false
}

// officerDeadlines are the per-officer clocks running on the case, one
// for each subject officer they concern.
func (tl *caseTimeline) officerDeadlines(cal *Calendar) []Deadline {
	var out []Deadline
	for _, c := range []struct {
		proceedings bool
		f           func(*caseTimeline, *Calendar, string) (Deadline, bool)
	}{
		{false, (*caseTimeline).officerRepresentations},
		{false, (*caseTimeline).alternativeInterview},
		{true, (*caseTimeline).officerReply},
		{true, (*caseTimeline).alternativePreHearing},
		{true, (*caseTimeline).outcomeReport},
		{true, (*caseTimeline).meetingAppeal},
		{true, (*caseTimeline).patAppeal},
		{false, (*caseTimeline).rprpAccount},
	} {
		for _, subj := range tl.officers(c.proceedings) {
			if d, ok := c.f(tl, cal, subj); ok {
				out = append(out, d)
			}
		}
	}
	return out
}
