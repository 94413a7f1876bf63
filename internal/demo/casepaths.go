package demo

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
)

// A case's history is made by the workflow itself. The case starts in its
// kind's initial state at its receipt, and every move is a cases.Apply of a
// named action, taken in the role the action table gives it, a plausible
// time after the move before. Between moves the steps that keep deadline
// clocks are recorded as a handler would record them: progress updates to
// the complainant every few weeks (now and then late), reports on
// investigations unfinished at twelve months, the officer's RPRP account.
//
// The generator chooses the path; the workflow checks every step of it, so
// a demo timeline is one the application itself could have written. A move
// that would fall after now is not taken, and the case stops where it has
// got to: old cases are mostly finished, recent ones are spread over the
// open states, and long investigations are still open a year on, as they
// are in life.

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

// Complaints.

// complaintRoute follows the complaint table: initial contact, then about
// half are logged and resolved outside Schedule 3; the rest, and every
// serious one, are recorded under it, handled otherwise than by
// investigation or investigated, a few after referral to the IOPC. ground
// is the referral ground a serious complaint would go to the IOPC on.
func (g *gen) complaintRoute(d *drive, serious bool, ground string) {
	d.act(g.uniform(1, 6), cases.ActionInput{Action: cases.ActMakeInitialContact})
	if !serious && g.chance(0.06) {
		d.withdraw(3, 40)
		return
	}
	if !serious && g.chance(0.52) {
		d.act(g.uniform(1, 10), cases.ActionInput{Action: cases.ActLogOutsideSch3})
		switch {
		case g.chance(0.1):
			// The complainant was not satisfied with informal handling.
			d.act(g.uniform(10, 40), cases.ActionInput{Action: cases.ActRecordSch3,
				Reasons: "The complainant was not satisfied with the proposed resolution and asked for the complaint to be recorded."})
			g.schedule3(d, false, "")
		case g.chance(0.05):
			d.withdraw(5, 40)
		default:
			d.act(g.uniform(3, 45), cases.ActionInput{Action: cases.ActResolve})
		}
		return
	}
	refer := serious && ground != "" && g.chance(0.3)
	in := cases.ActionInput{Action: cases.ActRecordSch3}
	switch {
	case refer && ground != "voluntary":
		in.MandatoryGround = "must_be_referred"
	case serious:
		in.MandatoryGround = "crime_or_disciplinary"
	}
	d.act(g.uniform(2, 15), in)
	if !refer {
		ground = ""
	}
	g.schedule3(d, serious, ground)
}

// schedule3 handles a complaint recorded under Schedule 3, referring it to
// the IOPC on ground when one is given.
func (g *gen) schedule3(d *drive, serious bool, ground string) {
	switch {
	case ground != "":
		d.act(g.uniform(2, 10), cases.ActionInput{Action: cases.ActReferToIOPC, ReferralGround: ground})
		switch x := g.r.Float64(); {
		case x < 0.25:
			d.act(g.uniform(10, 40), cases.ActionInput{Action: cases.ActIOPCIndependent})
			g.investigateComplaint(d, 380)
		case x < 0.4:
			d.act(g.uniform(10, 40), cases.ActionInput{Action: cases.ActIOPCDirected})
			g.investigateComplaint(d, 300)
		case x < 0.65:
			d.act(g.uniform(10, 40), cases.ActionInput{Action: cases.ActIOPCLocal})
			g.investigateComplaint(d, 220)
		default:
			d.act(g.uniform(10, 40), cases.ActionInput{Action: cases.ActIOPCReferBack})
			if g.chance(0.5) {
				d.act(g.uniform(3, 15), cases.ActionInput{Action: cases.ActInvestigateLocally})
				g.investigateComplaint(d, 220)
			} else {
				d.act(g.uniform(3, 15), cases.ActionInput{Action: cases.ActHandleOtherwise})
				g.notify(d, g.uniform(20, 110), false)
			}
		}
	case !serious && g.chance(0.58):
		d.act(g.uniform(5, 25), cases.ActionInput{Action: cases.ActHandleOtherwise})
		g.notify(d, g.uniform(20, 110), false)
	default:
		d.act(g.uniform(5, 25), cases.ActionInput{Action: cases.ActInvestigateLocally})
		// 159 working days on average nationally: about 220 calendar days.
		g.investigateComplaint(d, 220)
	}
	g.afterOutcome(d, true)
}

func (g *gen) investigateComplaint(d *drive, median float64) {
	switch {
	case g.chance(0.02):
		// Criminal proceedings against the officer hold the complaint up.
		if !d.act(g.uniform(30, 150), cases.ActionInput{Action: cases.ActSuspend}) {
			return
		}
		// It resumes where it was suspended, as the API reads from the
		// timeline.
		resume := cases.ReadTimeline(d.events).SuspendedFrom
		d.act(g.uniform(90, 300), cases.ActionInput{Action: cases.ActResume, ResumeTo: resume})
		g.notify(d, g.long(median/2, 0.4), true)
	case g.chance(0.04):
		d.withdraw(20, 120)
	default:
		g.notify(d, g.long(median, 0.45), true)
	}
}

// notify decides the outcome after days and tells the complainant, usually
// within the five working days allowed.
func (g *gen) notify(d *drive, days float64, investigated bool) {
	d.step(days, cases.StepOutcomeDecided, "")
	wait := g.uniform(0.1, 5)
	if g.chance(0.12) {
		wait = g.uniform(6, 14)
	}
	findings := d.findings(nil, func(a cases.Allegation, _ cases.Subject, f *cases.FindingInput) {
		g.complaintFinding(f, a, investigated)
	})
	d.act(wait, cases.ActionInput{Action: cases.ActNotifyOutcome, Findings: findings})
}

// complaintFinding decides what the outcome says about one officer.
// Complaints handled otherwise than by investigation are judged on the
// service given; an investigation first assesses whether the conduct could
// amount to misconduct, and where it could ends mostly in no case to
// answer.
func (g *gen) complaintFinding(f *cases.FindingInput, a cases.Allegation, investigated bool) {
	if investigated {
		f.Severity = g.complaintSeverity(a.Category, a.Subcategory)
	}
	if !investigated || f.Severity == cases.SeverityNoMisconduct {
		f.Finding = g.pick([]wt{{"service_acceptable", 62}, {"service_not_acceptable", 27}, {"unable_to_determine", 8},
			{"no_further_action", 3}})
		return
	}
	f.Finding = g.pick([]wt{{cases.FindingNoCaseToAnswer, 60}, {cases.FindingCaseToAnswer, 16},
		{"service_not_acceptable", 12}, {"unable_to_determine", 12}})
}

// complaintSeverity assesses whether an allegation could amount to
// misconduct: most complaints about service could not; abuses of position
// and sexual conduct always could.
func (g *gen) complaintSeverity(cat, sub string) string {
	switch (catSub{cat, sub}).theme() {
	case "sexual":
		return g.pick([]wt{{cases.SeverityMisconduct, 55}, {cases.SeverityGrossMisconduct, 45}})
	case "discrimination":
		return g.pick([]wt{{cases.SeverityNoMisconduct, 15}, {cases.SeverityMisconduct, 65}, {cases.SeverityGrossMisconduct, 20}})
	}
	if sub == "corruption-other" {
		return g.pick([]wt{{cases.SeverityMisconduct, 50}, {cases.SeverityGrossMisconduct, 50}})
	}
	return g.pick([]wt{{cases.SeverityNoMisconduct, 62}, {cases.SeverityMisconduct, 34}, {cases.SeverityGrossMisconduct, 4}})
}

// afterOutcome follows a notified outcome: about one complainant in seven
// asks for a review (if mayReview); otherwise the complaint is closed once
// the 28 days to ask have passed. A review upheld sends the complaint back
// for reinvestigation or a fresh outcome, which is not reviewed again.
func (g *gen) afterOutcome(d *drive, mayReview bool) {
	if d.stopped || d.c.State != cases.OutcomeNotified {
		return
	}
	if !mayReview || !g.chance(0.14) {
		d.act(g.uniform(29, 35), cases.ActionInput{Action: cases.ActCloseComplaint})
		return
	}
	body := cases.ReviewBodyFor(*d.c, d.facts)
	d.act(g.uniform(3, 27), cases.ActionInput{Action: cases.ActRequestReview, ReviewBody: body, ReviewFacts: d.facts})
	if g.chance(0.8) {
		d.act(g.uniform(30, 150), cases.ActionInput{Action: cases.ActNotUpholdReview, ReviewBody: body, ReviewFacts: d.facts})
		d.act(g.uniform(1, 10), cases.ActionInput{Action: cases.ActCloseComplaint})
		return
	}
	d.act(g.uniform(30, 150), cases.ActionInput{Action: cases.ActUpholdReview, ReviewBody: body, ReviewFacts: d.facts})
	if g.chance(0.5) {
		d.act(g.uniform(5, 20), cases.ActionInput{Action: cases.ActReinvestigate})
		g.notify(d, g.long(150, 0.4), true)
	} else {
		g.notify(d, g.uniform(10, 40), false)
	}
	g.afterOutcome(d, false)
}

func (d *drive) withdraw(lo, hi float64) {
	d.act(d.g.uniform(lo, hi), cases.ActionInput{Action: cases.ActWithdraw, SignedWithdrawal: true})
}

// Conduct matters.

// conductRoute follows the conduct table: the serious matters go to the
// IOPC first; then a severity assessment and no further action, RPRP,
// performance or vetting routes, or an investigation leading to no case to
// answer, a meeting or a hearing, an outcome, perhaps an appeal, and for a
// dismissal the barred list.
func (g *gen) conductRoute(d *drive, kind cases.Kind, category string, serious bool, ground string) {
	refer := kind == cases.DeathOrSeriousInjury || (kind == cases.RecordableConduct && g.chance(0.6)) ||
		(serious && g.chance(0.3))
	mode := ""
	if refer {
		if ground == "" {
			ground = "voluntary"
		}
		d.act(g.uniform(2, 10), cases.ActionInput{Action: cases.ActReferToIOPC, ReferralGround: ground})
		// The IOPC investigates some referred matters itself or directs
		// the investigation; the rest come back to the force to assess.
		if g.chance(0.35) {
			mode = g.pick([]wt{{cases.ModeIndependent, 60}, {cases.ModeDirected, 40}})
		}
	}
	primary := d.primary()
	if primary == "" {
		// Only a force too small to have anyone serving leaves a matter
		// naming nobody, and nothing can be assessed without an officer.
		return
	}
	investigate := 0.45
	switch {
	case kind == cases.DeathOrSeriousInjury:
		investigate = 0.4
	case serious || kind == cases.RecordableConduct:
		investigate = 0.85
	}
	assessAfter := g.uniform(5, 30)
	if refer {
		assessAfter = g.uniform(10, 40)
	}
	var severity string
	if mode == "" && !g.chance(investigate) {
		routes := []wt{{string(cases.ActNoFurtherAction), 50}, {string(cases.ActReferToRPRP), 32}}
		// Performance procedures are for how well a job is done, not for
		// how an officer behaves.
		if !serious && (category == "delivery-of-duties" || category == "powers-policies-procedures") {
			routes = append(routes, wt{string(cases.ActReferToPerformance), 15})
		}
		// The vetting route exists only under the rule sets that have it.
		if g.available(cases.ActReferToVetting, d.c) {
			routes = append(routes, wt{string(cases.ActReferToVetting), 10})
		}
		if kind == cases.DeathOrSeriousInjury {
			routes = routes[:1]
		}
		next := cases.ActionName(g.pick(routes))
		severity = cases.SeverityNoMisconduct
		if next == cases.ActReferToRPRP || next == cases.ActReferToPerformance {
			severity = cases.SeverityPRI
		}
		d.act(assessAfter, cases.ActionInput{Action: cases.ActAssessSeverity, Findings: d.findings(nil,
			func(_ cases.Allegation, _ cases.Subject, f *cases.FindingInput) { f.Severity = severity })})
		d.act(g.uniform(3, 20), cases.ActionInput{Action: next})
		if next == cases.ActReferToRPRP {
			g.rprpAccount(d)
		}
		return
	}
	severity = cases.SeverityMisconduct
	if g.chance(0.25) {
		severity = cases.SeverityGrossMisconduct
	}
	// The officer chiefly concerned is assessed at the level of the
	// matter; a colleague named beside them sometimes lower.
	assess := d.findings(nil, func(_ cases.Allegation, s cases.Subject, f *cases.FindingInput) {
		f.Severity = severity
		if s.OfficerID != primary && severity == cases.SeverityGrossMisconduct && g.chance(0.4) {
			f.Severity = cases.SeverityMisconduct
		}
	})
	if mode == "" {
		d.act(assessAfter, cases.ActionInput{Action: cases.ActAssessSeverity, Findings: assess})
		d.act(g.uniform(1, 10), cases.ActionInput{Action: cases.ActStartInvestigation, Mode: cases.ModeLocal})
	} else {
		d.act(assessAfter, cases.ActionInput{Action: cases.ActStartInvestigation, Mode: mode, Findings: assess})
	}
	d.act(g.uniform(7, 30), cases.ActionInput{Action: cases.ActServeReg17, Recipient: primary})
	if g.chance(0.04) {
		// The officer resigns or retires before the investigation ends.
		if d.act(g.uniform(30, 150), cases.ActionInput{Action: cases.ActReportAdvisoryList}) {
			d.leftEarly = map[string]time.Time{primary: d.last.AddDate(0, 0, -g.r.IntN(20))}
		}
		return
	}
	d.act(g.uniform(14, 60), cases.ActionInput{Action: cases.ActInterview})
	d.act(g.long(120, 0.5), cases.ActionInput{Action: cases.ActSubmitReport})
	switch x := g.r.Float64(); {
	case x < 0.66:
		d.act(g.uniform(14, 45), cases.ActionInput{Action: cases.ActNoCaseToAnswer})
		g.noMisconduct(d)
		return
	case x < 0.68 && severity == cases.SeverityGrossMisconduct:
		// Written evidence proves gross misconduct and the public
		// interest needs the officer gone at once.
		d.act(g.uniform(14, 45), cases.ActionInput{Action: cases.ActSpecialConditions, Findings: d.findings(nil,
			func(_ cases.Allegation, _ cases.Subject, f *cases.FindingInput) {
				f.Severity = cases.SeverityGrossMisconduct
			})})
		d.act(g.uniform(5, 15), cases.ActionInput{Action: cases.ActReferToAccelerated})
		d.forum = cases.ForumAccelerated
		d.act(g.uniform(10, 25), cases.ActionInput{Action: cases.ActHoldProceedings, Forum: d.forum})
	default:
		g.proceedings(d, primary)
		if d.stopped || d.c.State != cases.Held {
			return
		}
		if g.chance(0.4) {
			d.act(g.uniform(0, 2), cases.ActionInput{Action: cases.ActFindNoMisconduct, Findings: d.findings(inProceedings,
				func(_ cases.Allegation, _ cases.Subject, f *cases.FindingInput) {
					f.Finding = g.pick([]wt{{cases.SeverityNoMisconduct, 70}, {cases.SeverityPRI, 30}})
				})})
			g.noMisconduct(d)
			return
		}
	}
	g.outcome(d, primary)
}

// proceedings takes a matter with a case to answer to a meeting or a
// hearing and holds it.
func (g *gen) proceedings(d *drive, primary string) {
	// Most colleagues named beside the officer chiefly concerned have a
	// case to answer too; some do not.
	findings := d.findings(nil, func(_ cases.Allegation, s cases.Subject, f *cases.FindingInput) {
		if s.OfficerID != primary && g.chance(0.3) {
			f.Finding = cases.FindingNoCaseToAnswer
			return
		}
		f.Severity = s.Severity
	})
	d.act(g.uniform(14, 45), cases.ActionInput{Action: cases.ActCaseToAnswer, Findings: findings})
	gross := slices.ContainsFunc(findings, func(f cases.FindingInput) bool { return f.Severity == cases.SeverityGrossMisconduct })
	if gross || g.chance(0.2) {
		d.act(g.uniform(7, 30), cases.ActionInput{Action: cases.ActReferToHearing})
		d.forum = cases.ForumHearing
	} else {
		d.act(g.uniform(7, 30), cases.ActionInput{Action: cases.ActReferToMeeting})
		d.forum = cases.ForumMeeting
	}
	d.act(g.uniform(7, 21), cases.ActionInput{Action: cases.ActServeReferralNotice, Recipient: primary})
	// The officer has 15 working days to reply, and mostly uses them.
	reply := g.uniform(7, 20)
	if g.chance(0.1) {
		reply = g.uniform(22, 35)
	}
	d.act(reply, cases.ActionInput{Action: cases.ActOfficerResponse})
	d.act(g.uniform(1, 4), cases.ActionInput{Action: cases.ActAgreeWitnesses})
	if d.forum == cases.ForumHearing {
		d.step(g.uniform(1, 5), cases.StepPapersToChair, "")
		d.act(g.uniform(7, 19), cases.ActionInput{Action: cases.ActHoldPreHearing, Forum: d.forum})
		d.act(g.uniform(15, 40), cases.ActionInput{Action: cases.ActHoldProceedings, Forum: d.forum})
	} else {
		d.act(g.uniform(15, 45), cases.ActionInput{Action: cases.ActHoldProceedings, Forum: d.forum})
	}
}

func inProceedings(_ cases.Allegation, s cases.Subject) bool {
	return s.Finding == cases.FindingCaseToAnswer
}

// noMisconduct ends a matter where no misconduct was found, or there was
// no case to answer: no further action, or reflective practice.
func (g *gen) noMisconduct(d *drive) {
	if g.chance(0.5) {
		d.act(g.uniform(3, 14), cases.ActionInput{Action: cases.ActReferToRPRP})
		g.rprpAccount(d)
		return
	}
	d.act(g.uniform(3, 14), cases.ActionInput{Action: cases.ActNoFurtherAction})
}

// rprpAccount records the officer's account for reflective practice,
// mostly within the five working days allowed.
func (g *gen) rprpAccount(d *drive) {
	days := g.uniform(1, 6)
	if g.chance(0.1) {
		days = g.uniform(8, 15)
	}
	d.step(days, cases.StepRPRPAccount, "")
}

// outcome records the findings and outcome of proceedings that were held,
// then an appeal or finalisation and, for a dismissal, the barred list.
func (g *gen) outcome(d *drive, primary string) {
	if d.stopped || d.c.State != cases.Held {
		return
	}
	in := cases.ActionInput{Action: cases.ActRecordOutcome, Forum: d.forum}
	// A final written warning still in force opens reduction in rank and
	// dismissal to a hearing that finds misconduct [CR 42(5)].
	in.FinalWarningInForce = d.forum == cases.ForumHearing && g.chance(0.08)
	// Proceedings decide on each officer once; an officer named on
	// several allegations gets the same finding and outcome on each, at
	// most the severity they were referred for on that one.
	type decision struct {
		finding  string
		sanction cases.Sanction
	}
	decided := map[string]decision{}
	in.Findings = d.findings(inProceedings, func(_ cases.Allegation, s cases.Subject, f *cases.FindingInput) {
		dec, ok := decided[s.OfficerID]
		if !ok {
			dec.finding = s.Severity
			switch {
			case s.OfficerID != primary && g.chance(0.3):
				dec.finding = cases.SeverityNoMisconduct
			case s.Severity == cases.SeverityGrossMisconduct && d.forum == cases.ForumHearing && g.chance(0.3):
				dec.finding = cases.SeverityMisconduct
			}
			dec.sanction = g.sanction(d, s.OfficerID, dec.finding, in.FinalWarningInForce)
			decided[s.OfficerID] = dec
		}
		if severityRank(dec.finding) > severityRank(s.Severity) {
			// Referred for less on this allegation than on the first.
			f.Finding, f.Sanction = s.Severity, string(g.sanction(d, s.OfficerID, s.Severity, in.FinalWarningInForce))
			return
		}
		f.Finding, f.Sanction = dec.finding, string(dec.sanction)
	})
	if !d.act(g.uniform(0, 2), in) {
		return
	}
	if g.chance(0.15) {
		d.act(g.uniform(3, 7), cases.ActionInput{Action: cases.ActAppeal})
		if d.forum != cases.ForumMeeting {
			d.step(g.uniform(5, 18), cases.StepPATPapers, "")
		}
		g.decideAppeal(d, primary)
	} else {
		// After the officer's time to appeal has passed.
		d.act(g.uniform(10, 20), cases.ActionInput{Action: cases.ActFinalise})
	}
	if d.c.State == cases.Final && !cases.IsTerminal(*d.c) {
		d.act(g.uniform(5, 20), cases.ActionInput{Action: cases.ActReportBarredList})
	}
}

// sanction chooses what proceedings impose on an officer for a finding,
// from what the forum may impose (SanctionAllowed): no reduction in rank
// for constables and police staff, who have no lower rank.
func (g *gen) sanction(d *drive, officer, finding string, finalWarning bool) cases.Sanction {
	if finding == cases.SeverityNoMisconduct || finding == cases.SeverityPRI {
		return cases.Sanction(g.pick([]wt{{string(cases.SanctionNone), 50}, {string(cases.SanctionRPRP), 50}}))
	}
	var ws []wt
	switch {
	case d.forum == cases.ForumMeeting:
		ws = []wt{{string(cases.SanctionWrittenWarning), 60}, {string(cases.SanctionFinalWrittenWarning), 40}}
	case d.forum == cases.ForumAccelerated:
		ws = []wt{{string(cases.SanctionDismissal), 85}, {string(cases.SanctionFinalWrittenWarning), 10}, {string(cases.SanctionReductionInRank), 5}}
	case finding == cases.SeverityGrossMisconduct:
		ws = []wt{{string(cases.SanctionDismissal), 35}, {string(cases.SanctionFinalWrittenWarning), 45}, {string(cases.SanctionReductionInRank), 20}}
	case finalWarning:
		ws = []wt{{string(cases.SanctionDismissal), 50}, {string(cases.SanctionFinalWrittenWarning), 30}, {string(cases.SanctionReductionInRank), 20}}
	default:
		ws = []wt{{string(cases.SanctionWrittenWarning), 35}, {string(cases.SanctionFinalWrittenWarning), 65}}
	}
	reducible := g.reducible(officer, d.last)
	ws = slices.DeleteFunc(ws, func(w wt) bool {
		ok, _ := cases.SanctionAllowed(d.forum, finding, cases.Sanction(w.key), finalWarning, false)
		return !ok || (!reducible && w.key == string(cases.SanctionReductionInRank))
	})
	if len(ws) == 0 {
		panic(fmt.Sprintf("demo: no sanction for %s found at a %s", finding, d.forum))
	}
	return cases.Sanction(g.pick(ws))
}

func severityRank(s string) int { return slices.Index(cases.Severities, s) }

// reducible: the officer holds a rank above constable, so has one to lose.
func (g *gen) reducible(officer string, d time.Time) bool {
	p, ok := g.postingAt(officerIndex(officer), d)
	if !ok {
		p = g.post[officerIndex(officer)][len(g.post[officerIndex(officer)])-1]
	}
	return p.rank != "staff" && p.rank.Seniority() > officers.Rank("constable").Seniority()
}

// decideAppeal: most appeals are dismissed; some vary the outcome of the
// officer chiefly concerned to a lesser sanction, a few are allowed
// outright.
func (g *gen) decideAppeal(d *drive, primary string) {
	in := cases.ActionInput{Action: cases.ActDecideAppeal, AppealOutcome: g.pick([]wt{{cases.AppealDismissed, 70},
		{cases.AppealVaried, 20}, {cases.AppealAllowed, 10}})}
	if in.AppealOutcome != cases.AppealDismissed {
		in.Forum = d.forum
		in.Findings = d.findings(func(_ cases.Allegation, s cases.Subject) bool {
			return s.OfficerID == primary && s.Outcome != ""
		}, func(_ cases.Allegation, s cases.Subject, f *cases.FindingInput) {
			f.Finding, f.Sanction = cases.SeverityNoMisconduct, string(cases.SanctionNone)
			if in.AppealOutcome == cases.AppealVaried {
				f.Finding, f.Sanction = s.Finding, string(g.lesserSanction(d.forum, s.Finding, cases.Sanction(s.Outcome)))
			}
		})
		// A sanction with nothing lesser to vary to stands.
		if len(in.Findings) == 0 || slices.ContainsFunc(in.Findings, func(f cases.FindingInput) bool { return f.Sanction == "" }) {
			in = cases.ActionInput{Action: cases.ActDecideAppeal, AppealOutcome: cases.AppealDismissed}
		}
	}
	d.act(g.uniform(40, 150), in)
}

// lesserSanction is the next less severe sanction the forum may impose for
// the finding, or "" if there is none.
func (g *gen) lesserSanction(forum cases.Forum, finding string, s cases.Sanction) cases.Sanction {
	for j := slices.Index(cases.Sanctions, s) - 1; j >= 0; j-- {
		c := cases.Sanctions[j]
		if c == cases.SanctionReductionInRank || c == cases.SanctionNone || c == cases.SanctionRPRP {
			continue
		}
		if ok, _ := cases.SanctionAllowed(forum, finding, c, false, false); ok {
			return c
		}
	}
	return ""
}

// available reports whether an action exists under the case's rule set.
func (g *gen) available(a cases.ActionName, c *cases.Case) bool {
	act, ok := cases.ActionByName(a)
	return ok && (len(act.RuleSets) == 0 || slices.Contains(act.RuleSets, c.RuleSet))
}

// referralGround is the ground on which an allegation of a category would
// be referred to the IOPC [Sch3 4(1); C&M 4], or "" if it need not be.
func referralGround(cs catSub) string {
	switch {
	case cs.sub == "sexual-assault":
		return "serious_sexual_offence"
	case cs.cat == "abuse-of-position":
		return "serious_corruption"
	case cs.sub == "use-of-force":
		return "serious_assault"
	case cs.cat == "discriminatory-behaviour":
		return "discrimination_aggravated"
	case cs.cat == "domestic-abuse":
		return "relevant_offence"
	case cs.cat == "sexual-conduct":
		// Harassment and other sexual conduct short of an offence: the
		// force may still choose to refer.
		return "voluntary"
	}
	return ""
}
