package demo

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/probity/probity/internal/cases"
)

// drive carries one case through the workflow.
type drive struct {
	g      *gen
	c      *cases.Case
	events []cases.Event
	last   time.Time // when the latest entry was made
	// stopped is set once a move would fall after now; every later move
	// is then skipped, so a route reads straight through.
	stopped bool

	nextUpdate  time.Time     // when the next progress update will be sent; zero while no update clock runs
	suspendedAt time.Time     // when the current suspension began
	paused      time.Duration // time spent suspended, which moves the report dates on
	nextReport  int           // the next overdue-investigation report to consider: 1 is the 12-month one
	reportLead  float64       // how many days before its date the next report is made

	forum     cases.Forum          // of the misconduct proceedings, once referred
	facts     cases.ReviewFacts    // what decides the review body of a complaint
	dismissed map[string]time.Time // officer key: when proceedings dismissed them
	leftEarly map[string]time.Time // officer key: left mid-case, reported to the advisory list
}

func (g *gen) newDrive(c *cases.Case) *drive {
	return &drive{g: g, c: c, last: c.ReceivedAt, nextReport: 1, reportLead: g.uniform(2, 12)}
}

// progressStates are the states in which a complaint is handled under
// Schedule 3 and the complainant is owed an update every four weeks
// [C&M 34]; investigationStates those in which an investigation is open
// and owes a report at twelve months and every six after [C&M 13; CR 19].
// Both follow the clocks of cases.Deadlines, which the tests check the
// result against.
var (
	progressStates = []cases.State{cases.RecordedSch3, cases.ReferredIOPC, cases.ReferredBack, cases.HandledOtherwise,
		cases.LocalInvestigation, cases.DirectedInvestigation, cases.IndependentInvestigation}
	investigationStates = []cases.State{cases.LocalInvestigation, cases.DirectedInvestigation,
		cases.IndependentInvestigation, cases.Investigation, cases.Reg17Served, cases.Interviewed}
)

// later is a working moment days after t (plus up to three hours), never
// less than twenty minutes after it, so a timeline's entries stay in order.
func (g *gen) later(t time.Time, days float64) time.Time {
	d := time.Duration(days*24*float64(time.Hour)) + time.Duration(g.r.Int64N(int64(3*time.Hour)))
	return g.workingTime(t.Add(max(d, 20*time.Minute))).Truncate(time.Second)
}

// workingTime moves t forward into office hours on a weekday, when case
// handlers make their decisions. It never moves t back.
func (g *gen) workingTime(t time.Time) time.Time {
	d := day(t)
	if t.Hour() >= 18 {
		d = d.AddDate(0, 0, 1)
	}
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	start := d.Add(8 * time.Hour)
	if t.Before(start) {
		return start.Add(time.Duration(g.r.Int64N(int64(2 * time.Hour))))
	}
	return t
}

// long is a long-tailed delay around median days: investigations mostly
// take months and occasionally years.
func (g *gen) long(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// act takes an action days after the last entry, unless that falls after
// now. It reports whether the action was taken.
func (d *drive) act(days float64, in cases.ActionInput) bool {
	if d.stopped {
		return false
	}
	at := d.g.later(d.last, days)
	if !d.reach(at) {
		return false
	}
	from := d.c.State
	if in.Reasons == "" {
		in.Reasons = d.reason(in.Action)
	}
	ev, err := cases.Apply(d.c, in, d.g.roles[in.Action], d.g.ref, at)
	if err != nil {
		// The generator chose a move the workflow refuses: a defect in
		// the generator (or a change to the workflow it has not caught up
		// with), which the tests exist to catch.
		panic(fmt.Sprintf("demo: %s on a %s in %s: %v", in.Action, d.c.Kind, from, err))
	}
	ev.Actor = Actor
	d.events = append(d.events, ev)
	d.last = at
	d.moved(from, at, in)
	return true
}

// step records a step that is not a move, days after the last entry,
// unless that falls after now.
func (d *drive) step(days float64, s cases.Step, note string) bool {
	if d.stopped {
		return false
	}
	at := d.g.later(d.last, days)
	if !d.reach(at) {
		return false
	}
	d.record(at, s, note)
	return true
}

func (d *drive) record(at time.Time, s cases.Step, note string) {
	ev, err := cases.RecordStep(cases.StepInput{Step: s, Note: note}, at)
	if err != nil {
		panic(fmt.Sprintf("demo: step %s: %v", s, err))
	}
	ev.Actor = Actor
	d.events = append(d.events, ev)
	d.last = at
}

// reach records the clock-keeping steps that fall before at, or before now
// if at is later; then, if at is after now, the case stops there.
func (d *drive) reach(at time.Time) bool {
	end := at
	if at.After(d.g.now) {
		end = d.g.now
	}
	d.keepUp(end)
	if at.After(d.g.now) {
		d.stopped = true
		return false
	}
	return true
}

// moved starts, stops and pauses the clocks the driver keeps, after a move
// from the state from.
func (d *drive) moved(from cases.State, at time.Time, in cases.ActionInput) {
	to := d.c.State
	var pause time.Duration
	if from == cases.Suspended {
		// The clocks stood still while the case was suspended.
		pause = at.Sub(d.suspendedAt)
		d.paused += pause
	}
	switch {
	case to == cases.Suspended:
		d.suspendedAt = at
	case d.c.Kind == cases.Complaint && slices.Contains(progressStates, to):
		switch {
		case from == cases.Suspended && !d.nextUpdate.IsZero():
			d.nextUpdate = d.g.workingTime(d.nextUpdate.Add(pause))
		case !slices.Contains(progressStates, from):
			d.nextUpdate = d.g.later(at, d.g.updateGap())
		}
	default:
		d.nextUpdate = time.Time{}
	}
	switch in.Action {
	case cases.ActReferToIOPC:
		d.facts.Referred = true
	case cases.ActRecordSch3:
		d.facts.CriminalOrDisciplinary = in.MandatoryGround == "crime_or_disciplinary"
	case cases.ActRecordOutcome, cases.ActDecideAppeal:
		for _, f := range in.Findings {
			if f.Sanction == string(cases.SanctionDismissal) {
				if d.dismissed == nil {
					d.dismissed = map[string]time.Time{}
				}
				d.dismissed[f.OfficerID] = at
			}
		}
	}
}

// updateGap is how long a handler takes to send the next progress update:
// usually three to four weeks, inside the four allowed even when a weekend
// intervenes, but about one time in four late, by days or now and then by
// weeks, so that a realistic minority of open complaints shows an update
// overdue.
func (g *gen) updateGap() float64 {
	if g.chance(0.28) {
		return 28.5 + g.r.ExpFloat64()*9
	}
	return g.uniform(19, 25.5)
}

var updateNotes = []string{"", "", "By email.", "By letter.", "By telephone; confirmed by email.", "By email, with the investigator's contact details."}

// keepUp records, in time order, the progress updates and investigation
// reports that fall due before end while the case stays as it is.
func (d *drive) keepUp(end time.Time) {
	if d.c.State == cases.Suspended {
		return
	}
	for {
		update := d.nextUpdate
		if !update.IsZero() && !update.After(d.last) {
			// An action took the very second the update was planned for.
			update = d.last.Add(time.Second)
		}
		if !update.Before(end) {
			update = time.Time{}
		}
		report, k := d.reportAt(end)
		switch {
		case !update.IsZero() && (report.IsZero() || update.Before(report)):
			d.record(update, cases.StepProgressUpdate, oneOf(d.g, updateNotes))
			d.nextUpdate = d.g.later(update, d.g.updateGap())
		case !report.IsZero():
			d.record(report, cases.StepOverdueReport, "")
			d.nextReport, d.reportLead = k+1, d.g.uniform(2, 12)
		default:
			return
		}
	}
}

// reportAt is when the next report on an unfinished investigation is made,
// if one falls due before end while the investigation is open, and which
// report it is. Reports are made a few days before their date; one whose
// date passed while no investigation was open was never owed.
func (d *drive) reportAt(end time.Time) (time.Time, int) {
	if !slices.Contains(investigationStates, d.c.State) {
		return time.Time{}, 0
	}
	received := day(d.c.ReceivedAt)
	for k := d.nextReport; ; k++ {
		due := received.AddDate(0, 12+6*(k-1), 0).Add(d.paused)
		switch {
		case !due.After(d.last):
			continue // fell due before this investigation opened
		case !due.Before(end) || due.After(d.g.now):
			return time.Time{}, 0
		}
		at := due.Add(-time.Duration(d.reportLead * 24 * float64(time.Hour))).Truncate(time.Second)
		if !at.After(d.last) {
			// The investigation opened just before the date.
			at = d.last.Add(end.Sub(d.last) / 2).Truncate(time.Second)
		}
		if !at.After(d.last) {
			return time.Time{}, 0
		}
		return at, k
	}
}

// reason gives the reasons an action records, from the texts for it.
func (d *drive) reason(a cases.ActionName) string {
	rs := actionReasons[a]
	if len(rs) == 0 {
		return ""
	}
	return oneOf(d.g, rs)
}

func (d *drive) subjects() []*cases.Subject {
	var out []*cases.Subject
	for i := range d.c.Allegations {
		for j := range d.c.Allegations[i].Subjects {
			out = append(out, &d.c.Allegations[i].Subjects[j])
		}
	}
	return out
}

// primary is the officer the case is chiefly about: the first named.
func (d *drive) primary() string {
	for _, a := range d.c.Allegations {
		if len(a.Subjects) > 0 {
			return a.Subjects[0].OfficerID
		}
	}
	return ""
}

// findings builds one entry per subject of the case, or per subject for
// which keep says so, filled in by fill.
func (d *drive) findings(keep func(a cases.Allegation, s cases.Subject) bool, fill func(a cases.Allegation, s cases.Subject, f *cases.FindingInput)) []cases.FindingInput {
	var out []cases.FindingInput
	for _, a := range d.c.Allegations {
		for _, s := range a.Subjects {
			if keep != nil && !keep(a, s) {
				continue
			}
			f := cases.FindingInput{AllegationID: a.ID, OfficerID: s.OfficerID}
			fill(a, s, &f)
			out = append(out, f)
		}
	}
	return out
}
