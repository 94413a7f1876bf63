package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Step is something done in a case that is not a change of state but
// starts or stops a deadline clock: a progress update sent to the
// complainant, the officer's reply received, papers sent to the chair. It
// is recorded as a timeline event of the step's name.
type Step string

const (
	StepProgressUpdate   Step = Step(ClockProgressUpdate)
	StepOutcomeDecided   Step = clockOutcomeDecided
	StepOutcomeNotice    Step = Step(ClockOutcomeNotice)
	StepOverdueReport    Step = Step(ClockOverdueInvestigationReport)
	StepOfficerReply     Step = Step(ClockOfficerReply)
	StepWitnessLists     Step = Step(ClockWitnessLists)
	StepPapersToChair    Step = clockPapersToChair
	StepAppealNotice     Step = clockAppealNotice
	StepPATPapers        Step = Step(ClockPATPapers)
	StepRPRPAccount      Step = Step(ClockRPRPAccount)
	StepDeadlineExtended Step = clockDeadlineExtended
)

// Steps lists every step, with what it means in plain words.
var Steps = map[Step]string{
	StepProgressUpdate:   "progress update sent to the complainant",
	StepOutcomeDecided:   "outcome of the complaint decided",
	StepOutcomeNotice:    "outcome notice sent to the complainant",
	StepOverdueReport:    "overdue-investigation report made",
	StepOfficerReply:     "officer's reply to the referral notice received",
	StepWitnessLists:     "witness lists exchanged",
	StepPapersToChair:    "hearing papers sent to the chair",
	StepAppealNotice:     "officer's notice of appeal received",
	StepPATPapers:        "force papers sent to the Police Appeals Tribunal",
	StepRPRPAccount:      "officer's account for the reflective practice review received",
	StepDeadlineExtended: "deadline extended",
}

// StepInput is a step as a client sends it.
type StepInput struct {
	Step  Step   `json:"step"`
	Note  string `json:"note,omitempty"`
	Clock Clock  `json:"clock,omitempty"` // deadline_extended: which clock
	Until string `json:"until,omitempty"` // deadline_extended: the new last day, YYYY-MM-DD
	On    string `json:"on,omitempty"`    // interview_date_set, pre_hearing_date_set: the day given, YYYY-MM-DD
	// Subject is the subject officer (an officer id) a step that concerns
	// one officer is for (Step.ConcernsOfficer; officer_clocks.go).
	Subject string `json:"subject,omitempty"`
}

// RecordStep checks a step and returns the timeline event that records it.
// It does not check the subject officer against a case: RecordStepOn
// does, and is what a step on a stored case goes through.
func RecordStep(in StepInput, now time.Time) (Event, error) {
	var f fault.Fields
	ev := recordStep(in, now, &f)
	if err := f.Err("the step cannot be recorded"); err != nil {
		return Event{}, err
	}
	if in.Subject != "" {
		ev.Detail["subject"] = in.Subject
	}
	return ev, nil
}

func recordStep(in StepInput, now time.Time, f *fault.Fields) Event {
	if _, ok := Steps[in.Step]; !ok {
		names := make([]string, 0, len(Steps))
		for s := range Steps {
			names = append(names, string(s))
		}
		slices.Sort(names)
		f.Addf("step", "must be one of %s", strings.Join(names, ", "))
	}
	if len([]rune(in.Note)) > 2000 {
		f.Add("note", "must be at most 2000 characters")
	}
	detail := map[string]string{}
	if in.Note != "" {
		detail["note"] = in.Note
	}
	if in.Step == StepDeadlineExtended {
		l, ok := in.Clock.Limit()
		switch {
		case !ok:
			f.Add("clock", "names no deadline")
		case !l.Extendable:
			f.Addf("clock", "%s cannot be extended", in.Clock)
		}
		until, err := time.Parse(time.DateOnly, in.Until)
		if err != nil {
			f.Add("until", "must be a date, YYYY-MM-DD")
		} else if !until.After(now) {
			f.Add("until", "must be in the future")
		}
		detail["clock"], detail["until"] = string(in.Clock), in.Until
	}
	checkStepDay(in, detail, f)
	return Event{At: now, Type: string(in.Step), Detail: detail}
}

// String names the step in plain words.
func (s Step) String() string {
	if t, ok := Steps[s]; ok {
		return t
	}
	return fmt.Sprintf("step %q", string(s))
}
