package cases

import (
	"slices"
	"time"

	"github.com/probity/probity/internal/fault"
)

// The clocks the first deadlines table lacked (docs/statutory-process.md,
// section 5): a duty the law times is a clock, so that no step it owes
// can go unseen. They are kept apart from deadline.go's table and joined
// to it at start-up.
const (
	ClockOfficerRepresentations Clock = "officer_representations"
	ClockAlternativeInterview   Clock = "alternative_interview"
	ClockAlternativePreHearing  Clock = "alternative_pre_hearing"
	ClockOutcomeReport          Clock = "outcome_report"
	ClockPATAppeal              Clock = "pat_appeal"
	ClockResumptionReply        Clock = "resumption_reply"
)

// Steps that start or stop the clocks above. A step that names a day (an
// interview or pre-hearing date) carries it in StepInput.On.
const (
	StepOfficerRepresentations Step = Step(ClockOfficerRepresentations)
	StepInterviewDateSet       Step = "interview_date_set"
	StepPreHearingDateSet      Step = "pre_hearing_date_set"
	StepDecisionSupplied       Step = "decision_supplied"
	StepResumptionReply        Step = Step(ClockResumptionReply)
)

var dutyClockLimits = []Limit{
	{Clock: ClockOfficerRepresentations, Title: "Officer's written representations to the investigator", Amount: 10, Unit: UnitWorkingDays,
		From: "the written notice of investigation being given", Source: "CR 18",
		StartsOn: "entering Reg17Served; stopped by an officer_representations event"},
	{Clock: ClockAlternativeInterview, Title: "Latest day for an interview at a time the officer proposes", Amount: 5, Unit: UnitWorkingDays,
		From: "the day the investigator first specified", Source: "CR 20(5)",
		StartsOn: "the day named by an interview_date_set event while Reg17Served; stopped by the interview"},
	{Clock: ClockAlternativePreHearing, Title: "Latest day for a pre-hearing at a time the officer proposes", Amount: 5, Unit: UnitWorkingDays,
		From: "the day the chair first specified", Source: "CR 33(3)",
		StartsOn: "the day named by a pre_hearing_date_set event after referral to a hearing; stopped by the pre-hearing"},
	{Clock: ClockOutcomeReport, Title: "Report of the meeting's outcome to the officer", Amount: 5, Unit: UnitWorkingDays,
		From: "the end of the misconduct meeting", Source: "CR 43",
		StartsOn: "entering Held for a misconduct meeting; stopped by a decision_supplied event"},
	{Clock: ClockPATAppeal, Title: "Officer's notice of appeal to the Police Appeals Tribunal", Amount: 10, Unit: UnitWorkingDays,
		From: "the officer being supplied with the decision", Source: "PAT 6",
		StartsOn: "a decision_supplied event after a misconduct hearing, while the outcome stands; stopped by an appeal_notice event or the appeal"},
	{Clock: ClockResumptionReply, Title: "Complainant's reply on resumption", Amount: 28, Unit: UnitDays,
		From: "the notice that the complaint is resumed", Source: "C&M 41",
		StartsOn: "the move out of Suspended; stopped by a resumption_reply event"},
}

var dutySteps = map[Step]string{
	StepOfficerRepresentations: "officer's written representations received",
	StepInterviewDateSet:       "interview date given to the officer",
	StepPreHearingDateSet:      "pre-hearing date given to the officer",
	StepDecisionSupplied:       "decision supplied to the officer",
	StepResumptionReply:        "complainant's reply on resumption received",
}

func init() {
	clockLimits = append(clockLimits, dutyClockLimits...)
	for s, words := range dutySteps {
		Steps[s] = words
	}
}

// dutyDeadlines are the clocks above that run on the case now.
func (tl *caseTimeline) dutyDeadlines(cal *Calendar) []Deadline {
	var out []Deadline
	for _, f := range []func(*caseTimeline, *Calendar) (Deadline, bool){
		(*caseTimeline).resumptionReply,
	} {
		if d, ok := f(tl, cal); ok {
			out = append(out, d)
		}
	}
	return out
}

// officerRepresentations: 10 working days from the written notice to the
// officer [CR 18, believed], while the investigation runs, unless the
// officer's representations have come in. Each officer's clock starts from
// the notice given to that officer (investigationNotice).
func (tl *caseTimeline) officerRepresentations(cal *Calendar, subj string) (Deadline, bool) {
	state, _ := tl.underlying()
	if !slices.Contains([]State{Reg17Served, Interviewed}, state) {
		return Deadline{}, false
	}
	served, ok := tl.investigationNotice(subj)
	if !ok || tl.doneFor(ClockOfficerRepresentations, subj, served) {
		return Deadline{}, false
	}
	return tl.deadlineFor(ClockOfficerRepresentations, subj, served, cal), true
}

// alternativeInterview: an officer who cannot attend on the day the
// investigator specified may propose another within 5 working days of it
// [CR 20(5), believed]; the clock shows the last such day until the
// interview is recorded.
func (tl *caseTimeline) alternativeInterview(cal *Calendar, subj string) (Deadline, bool) {
	cur := tl.current()
	if cur.State != Reg17Served {
		return Deadline{}, false
	}
	return tl.datedClock(ClockAlternativeInterview, StepInterviewDateSet, subj, cur.From, cal)
}

// alternativePreHearing: the same for the pre-hearing of a misconduct
// hearing [CR 33(3), believed].
func (tl *caseTimeline) alternativePreHearing(cal *Calendar, subj string) (Deadline, bool) {
	ref, ok := tl.lastEntry(MeetingReferred, HearingReferred, SpecialConditions)
	cur := tl.current()
	if !ok || ref.State != HearingReferred ||
		!slices.Contains([]State{HearingReferred, NoticeServed, OfficerResponse, Witnesses}, cur.State) {
		return Deadline{}, false
	}
	return tl.datedClock(ClockAlternativePreHearing, StepPreHearingDateSet, subj, ref.From, cal)
}

// datedClock counts from the day named by the latest step of type step
// for the officer since from.
func (tl *caseTimeline) datedClock(clock Clock, step Step, subj string, from time.Time, cal *Calendar) (Deadline, bool) {
	e, ok := tl.lastEventFor(string(step), subj, from)
	if !ok {
		return Deadline{}, false
	}
	day, err := time.ParseInLocation(time.DateOnly, e.Detail["on"], tl.loc)
	if err != nil {
		day = e.At
	}
	return tl.deadlineFor(clock, subj, day, cal), true
}

// outcomeReport: the officer is given the report of a misconduct meeting's
// outcome within 5 working days of its end [CR 43, believed]; supplying
// it opens the appeal window (meetingAppeal).
func (tl *caseTimeline) outcomeReport(cal *Calendar, subj string) (Deadline, bool) {
	cur := tl.current()
	held, ok := tl.lastEntry(Held)
	if !ok || !slices.Contains([]State{Held, Outcome}, cur.State) || tl.forum() != "meeting" {
		return Deadline{}, false
	}
	if _, ok := tl.decisionSupplied(subj); ok {
		return Deadline{}, false
	}
	return tl.deadlineFor(ClockOutcomeReport, subj, held.From, cal), true
}

// patAppeal: the officer's notice of appeal to the tribunal within 10
// working days of being supplied with the decision of a hearing [PAT 6,
// believed]. The window opens only when the decision is supplied.
func (tl *caseTimeline) patAppeal(cal *Calendar, subj string) (Deadline, bool) {
	cur := tl.current()
	if f := tl.forum(); cur.State != Outcome || f != "hearing" && f != "accelerated_hearing" {
		return Deadline{}, false
	}
	start, ok := tl.decisionSupplied(subj)
	if !ok || tl.doneFor(Clock(clockAppealNotice), subj, start) {
		return Deadline{}, false
	}
	return tl.deadlineFor(ClockPATAppeal, subj, start, cal), true
}

// decisionSupplied is when the officer was supplied with the decision of
// the proceedings now standing: the first decision_supplied event for the
// officer (or naming none) since they were held.
func (tl *caseTimeline) decisionSupplied(subj string) (time.Time, bool) {
	held, ok := tl.lastEntry(Held)
	if !ok {
		return time.Time{}, false
	}
	e, ok := tl.firstEventFor(string(StepDecisionSupplied), subj, held.From)
	return e.At, ok
}

// resumptionReply: on resuming a suspended complaint the AA writes to the
// complainant, who has 28 days to say whether they want it to go on
// [C&M 41, verified as to the letter; the 28 days believed].
func (tl *caseTimeline) resumptionReply(cal *Calendar) (Deadline, bool) {
	if tl.c.Kind != Complaint {
		return Deadline{}, false
	}
	n := len(tl.spells)
	i := n - 1
	for ; i > 0; i-- {
		if tl.spells[i-1].State == Suspended && tl.spells[i].State != Suspended {
			break
		}
	}
	cur := tl.current().State
	if i <= 0 || cur == Suspended || slices.Contains(wfComplaintTerminal, cur) ||
		tl.done(ClockResumptionReply, tl.spells[i].From) {
		return Deadline{}, false
	}
	return tl.deadline(ClockResumptionReply, tl.spells[i].From, cal), true
}

// internalReport: an investigation of a conduct matter under the Conduct
// Regulations rather than Schedule 3 reports at 12 months to the local
// policing body only, with a copy to the officer [CR 19, verified];
// Schedule 3 investigations report as C&M 13 says.
func (tl *caseTimeline) internalReport(r *Report) {
	if tl.c.Kind != ConductMatter || r.Mode != "local" {
		return
	}
	r.By, r.To, r.CopyTo = "appropriate authority", []string{"local policing body"}, []string{"officer concerned"}
	r.Source = "CR 19"
}

// checkStepDay reads the day a dated step names.
func checkStepDay(in StepInput, detail map[string]string, f *fault.Fields) {
	if in.Step != StepInterviewDateSet && in.Step != StepPreHearingDateSet {
		return
	}
	if _, err := time.Parse(time.DateOnly, in.On); err != nil {
		f.Add("on", "must be the day given to the officer, YYYY-MM-DD")
		return
	}
	detail["on"] = in.On
}

// Windows a case may not be finalised or closed inside.

// Window is one window open on a case: its clock and, for an officer's
// window, the subject officer it is open for.
type Window struct {
	Clock   Clock  `json:"clock"`
	Subject string `json:"subject,omitempty"`
}

// OpenWindows lists the windows open on the case at now that a final step
// must wait for: the complainant's time to apply for a review, each
// officer's time to appeal a meeting's outcome or to give notice of
// appeal to the tribunal. An officer's appeal window that has not started
// because the decision has not been supplied to that officer is open: the
// officer's time to appeal has not yet begun to run. With several subject
// officers there is a window for each, so the case waits for every one.
// The web fills Case.Derived.OpenWindows from it.
func OpenWindows(c Case, history []Event, cal *Calendar, now time.Time) ([]Window, error) {
	ds, err := Deadlines(c, history, cal, now)
	if err != nil {
		return nil, err
	}
	var out []Window
	for _, d := range ds {
		if slices.Contains([]Clock{ClockReviewApplication, ClockMeetingAppeal, ClockPATAppeal, ClockOutcomeReport}, d.Clock) && !d.Overdue {
			out = append(out, Window{Clock: d.Clock, Subject: d.Subject})
		}
	}
	if c.State == Outcome {
		tl := newCaseTimeline(c, history, now)
		for _, subj := range tl.officers(true) {
			w := Window{Clock: ClockOutcomeReport, Subject: subj}
			if _, ok := tl.decisionSupplied(subj); !ok && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out, nil
}
