package demo

import (
	"fmt"
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
			// A complaint recorded as indicating misconduct must still be
			// investigated when it comes back [Sch3 6(2A)-(2C)].
			if g.chance(0.5) || slices.Contains(cases.InvestigationDutyGrounds, d.c.HandlingGround) {
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
		if g.chance(0.3) {
			// The complainant does not want it resumed.
			d.publicInterest(0.5)
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

// withdraw records the complainant's withdrawal: now and then of one part
// first, the rest later [C&M 38]; usually by signed notice, sometimes
// confirmed otherwise [C&M 39].
func (d *drive) withdraw(lo, hi float64) {
	subjects := d.findings(nil, func(cases.Allegation, cases.Subject, *cases.FindingInput) {})
	if len(subjects) > 1 && d.g.chance(0.5) {
		part := subjects[len(subjects)-1]
		part.Finding = cases.FindingWithdrawn
		d.act(d.g.uniform(lo, hi), cases.ActionInput{Action: cases.ActWithdrawPart, SignedWithdrawal: true,
			Findings: []cases.FindingInput{part}})
	}
	if d.act(d.g.uniform(lo, hi), cases.ActionInput{Action: cases.ActWithdraw, SignedWithdrawal: !d.g.chance(0.1)}) && d.c.ReferralGround != "" {
		d.publicInterest(0.4)
	}
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
		// The officer resigns or retires before the investigation ends;
		// the case goes on against a former officer [CR 4, Sch 1], but the
		// demo follows it no further.
		if d.act(g.uniform(30, 150), cases.ActionInput{Action: cases.ActOfficerLeft, Recipient: primary}) {
			d.leftEarly = map[string]time.Time{primary: d.last.AddDate(0, 0, -g.r.IntN(20))}
			d.act(g.uniform(1, 10), cases.ActionInput{Action: cases.ActReportAdvisoryList, Recipient: primary})
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
	case x < 0.70 && severity == cases.SeverityGrossMisconduct:
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
	if !gross && g.chance(0.05) {
		// A case to answer does not oblige proceedings [CR 23(1)].
		d.act(g.uniform(7, 30), cases.ActionInput{Action: cases.ActNoProceedings})
		return
	}
	if gross || g.chance(0.2) {
		if !gross {
			// Misconduct alone goes to a hearing only when something on the
			// officer's record sends it there [CR 23(1)]: here a final
			// written warning still in force.
			d.c.Derived.FinalWarningInForce = []string{primary}
		}
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
	in.FinalWarningInForce = d.forum == cases.ForumHearing && (g.chance(0.08) || d.c.Derived.HasFinalWarning(primary))
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
	// The barred-list report does not wait for an appeal [SI 2017/1135
	// reg 3]; it is withdrawn if an appeal overturns the dismissal.
	g.barredList(d)
	// Dismissed officers appeal more often than others.
	dismissed := slices.ContainsFunc(d.subjects(), func(s *cases.Subject) bool { return s.Outcome == string(cases.SanctionDismissal) })
	if g.chance(0.15) || dismissed && g.chance(0.35) {
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
		g.barredList(d)
	}
}

// barredList reports each dismissed officer not yet reported, and
// withdraws the report of one whose dismissal was overturned.
func (g *gen) barredList(d *drive) {
	dismissed, reported := map[string]bool{}, map[string]bool{}
	var order []string
	for _, s := range d.subjects() {
		if !slices.Contains(order, s.OfficerID) {
			order = append(order, s.OfficerID)
		}
		dismissed[s.OfficerID] = dismissed[s.OfficerID] || s.Outcome == string(cases.SanctionDismissal)
		reported[s.OfficerID] = reported[s.OfficerID] || s.BarredList == cases.BarredReported
	}
	for _, o := range order {
		switch {
		case dismissed[o] && !reported[o]:
			d.act(g.uniform(2, 5), cases.ActionInput{Action: cases.ActReportBarredList, Recipient: o})
		case reported[o] && !dismissed[o] && d.c.State == cases.Final:
			d.act(g.uniform(2, 10), cases.ActionInput{Action: cases.ActWithdrawBarredList, Recipient: o})
		}
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
