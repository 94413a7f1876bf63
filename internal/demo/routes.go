package demo

import (
	"math"
	"slices"
	"time"

	"github.com/probity/probity/internal/cases"
)

// A case's history is generated whole, from receipt to its end, with
// realistic gaps between steps; the steps that fall after now are then cut
// off. So a case's state is simply how far it has got, old cases are
// mostly finished, recent ones are spread over the open states, and long
// investigations are still open a year on, as they are in life.

type step struct {
	state cases.State
	at    time.Time
}

type route struct {
	steps    []step
	severity string // conduct matters: the severity assessment's result
	sanction string // conduct matters: the outcome if misconduct is proved
}

func (rt *route) last() cases.State { return rt.steps[len(rt.steps)-1].state }

// Findings and outcomes recorded on subjects.
const (
	findUpheld          = "upheld"
	findNotUpheld       = "not upheld"
	findNoCase          = "no case to answer"
	findServiceOK       = "service acceptable"
	findServiceNotOK    = "service not acceptable"
	outNFA              = "no further action"
	outRPRP             = "RPRP"
	outWritten          = "written warning"
	outFinalWritten     = "final written warning"
	outReduction        = "reduction in rank"
	outDismissal        = "dismissal without notice"
	outPerformance      = "unsatisfactory performance procedures"
	outVetting          = "vetting review"
	outLeftUnderInquiry = "left the service under investigation"

	sevNone  = "no misconduct"
	sevPRI   = "practice requiring improvement"
	sevMisc  = "misconduct"
	sevGross = "gross misconduct"
)

// next moves the route on by between lo and hi days.
func (g *gen) next(rt *route, s cases.State, lo, hi float64) {
	g.after(rt, s, g.uniform(lo, hi))
}

// nextLong moves the route on by a long-tailed delay around median days:
// investigations mostly take months and occasionally years.
func (g *gen) nextLong(rt *route, s cases.State, median, sigma float64) {
	g.after(rt, s, median*math.Exp(sigma*g.r.NormFloat64()))
}

func (g *gen) after(rt *route, s cases.State, days float64) {
	prev := rt.steps[len(rt.steps)-1].at
	d := time.Duration(days*24*float64(time.Hour)) + time.Duration(g.r.Int64N(int64(3*time.Hour)))
	rt.steps = append(rt.steps, step{s, g.workingTime(prev.Add(max(d, 20*time.Minute))).Truncate(time.Second)})
}

// workingTime moves t forward into office hours on a weekday, when case
// handlers make their decisions. It never moves t back, so a route's
// steps stay in order.
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

// route generates a case's whole history; category is its first
// allegation's, which decides whether a performance route is plausible.
func (g *gen) route(kind cases.Kind, received, arose time.Time, category string, serious bool) route {
	rt := route{steps: []step{{kind.InitialState(), received}}}
	if kind == cases.Complaint {
		g.complaintRoute(&rt, serious)
	} else {
		g.conductRoute(&rt, kind, arose, category, serious)
	}
	return rt
}

// complaintRoute follows the complaint table of the domain brief. About
// half of complaints are resolved outside Schedule 3; serious ones must be
// recorded and are often referred to the IOPC.
func (g *gen) complaintRoute(rt *route, serious bool) {
	g.next(rt, cases.InitialContact, 1, 6)
	if !serious && g.chance(0.06) {
		g.next(rt, cases.Withdrawn, 3, 40)
		return
	}
	if !serious && g.chance(0.52) {
		g.next(rt, cases.LoggedOutsideSch3, 1, 10)
		switch {
		case g.chance(0.1):
			g.next(rt, cases.RecordedSch3, 10, 40)
			g.schedule3(rt, false)
		case g.chance(0.05):
			g.next(rt, cases.Withdrawn, 5, 40)
		default:
			g.next(rt, cases.Resolved, 3, 45)
		}
		return
	}
	g.next(rt, cases.RecordedSch3, 2, 15)
	g.schedule3(rt, serious)
}

func (g *gen) schedule3(rt *route, serious bool) {
	referral := 0.07
	if serious {
		referral = 0.5
	}
	switch {
	case g.chance(referral):
		g.next(rt, cases.ReferredIOPC, 2, 10)
		switch x := g.r.Float64(); {
		case x < 0.25:
			g.next(rt, cases.IndependentInvestigation, 10, 40)
			g.investigate(rt, 380)
		case x < 0.4:
			g.next(rt, cases.DirectedInvestigation, 10, 40)
			g.investigate(rt, 300)
		case x < 0.65:
			g.next(rt, cases.LocalInvestigation, 10, 40)
			g.investigate(rt, 220)
		default:
			g.next(rt, cases.ReferredBack, 10, 40)
			if g.chance(0.5) {
				g.next(rt, cases.LocalInvestigation, 3, 15)
				g.investigate(rt, 220)
			} else {
				g.next(rt, cases.HandledOtherwise, 3, 15)
				g.next(rt, cases.OutcomeNotified, 20, 120)
			}
		}
	case !serious && g.chance(0.58):
		g.next(rt, cases.HandledOtherwise, 5, 25)
		g.next(rt, cases.OutcomeNotified, 20, 120)
	default:
		g.next(rt, cases.LocalInvestigation, 5, 25)
		// 159 working days on average nationally: about 220 calendar days.
		g.investigate(rt, 220)
	}
	if rt.last() != cases.OutcomeNotified {
		return
	}
	if g.chance(0.14) {
		g.next(rt, cases.ReviewRequested, 3, 27)
		if g.chance(0.8) {
			g.next(rt, cases.ReviewNotUpheld, 30, 150)
		} else {
			g.next(rt, cases.ReviewUpheld, 30, 150)
		}
		return
	}
	// The complainant's 28 days to seek a review lapse.
	g.next(rt, cases.Closed, 29, 35)
}

func (g *gen) investigate(rt *route, median float64) {
	switch {
	case g.chance(0.02):
		g.next(rt, cases.Suspended, 30, 150)
	case g.chance(0.04):
		g.next(rt, cases.Withdrawn, 20, 120)
	default:
		g.nextLong(rt, cases.OutcomeNotified, median, 0.45)
	}
}

// conductRoute follows the conduct table: severity assessment, then no
// further action, RPRP, performance or vetting routes, or an investigation
// leading to no case to answer, a meeting or a hearing.
func (g *gen) conductRoute(rt *route, kind cases.Kind, arose time.Time, category string, serious bool) {
	if kind == cases.DeathOrSeriousInjury || (kind == cases.RecordableConduct && g.chance(0.6)) ||
		(serious && g.chance(0.3)) {
		g.next(rt, cases.ReferredIOPC, 2, 10)
		g.next(rt, cases.SeverityAssessed, 10, 40)
	} else {
		g.next(rt, cases.SeverityAssessed, 5, 30)
	}
	investigate := 0.45
	switch {
	case kind == cases.DeathOrSeriousInjury:
		investigate = 0.4
	case serious || kind == cases.RecordableConduct:
		investigate = 0.85
	}
	if !g.chance(investigate) {
		routes := []wt{{string(cases.NoFurtherAction), 50}, {string(cases.RPRP), 32}}
		// Performance procedures are for how well a job is done, not for
		// how an officer behaves.
		if !serious && (category == "delivery-of-duties" || category == "powers-policies-procedures") {
			routes = append(routes, wt{string(cases.Performance), 15})
		}
		// The vetting route exists only for matters arising under the 2025
		// amendments.
		if g.vettingRoute(arose) {
			routes = append(routes, wt{string(cases.Vetting), 10})
		}
		if kind == cases.DeathOrSeriousInjury {
			routes = routes[:1]
		}
		s := cases.State(g.pick(routes))
		rt.severity = sevNone
		if s == cases.RPRP || s == cases.Performance {
			rt.severity = sevPRI
		}
		g.next(rt, s, 3, 20)
		return
	}
	rt.severity = sevMisc
	if g.chance(0.25) {
		rt.severity = sevGross
	}
	g.next(rt, cases.Investigation, 1, 10)
	g.next(rt, cases.Reg17Served, 7, 30)
	if g.chance(0.04) {
		// The officer resigns or retires before the investigation ends.
		g.next(rt, cases.AdvisoryListReported, 30, 150)
		return
	}
	g.next(rt, cases.Interviewed, 14, 60)
	g.nextLong(rt, cases.Reported, 120, 0.5)
	switch x := g.r.Float64(); {
	case x < 0.66:
		g.next(rt, cases.NoCaseToAnswer, 14, 45)
		g.next(rt, cases.State(g.pick([]wt{{string(cases.NoFurtherAction), 55}, {string(cases.RPRP), 45}})), 3, 14)
		return
	case x < 0.68 && rt.severity == sevGross:
		g.next(rt, cases.SpecialConditions, 14, 45)
		g.next(rt, cases.AcceleratedHearing, 5, 15)
		g.next(rt, cases.Held, 10, 25)
		rt.sanction = outDismissal
	default:
		g.next(rt, cases.CaseToAnswer, 14, 45)
		hearing := rt.severity == sevGross || g.chance(0.2)
		if hearing {
			g.next(rt, cases.HearingReferred, 7, 30)
		} else {
			g.next(rt, cases.MeetingReferred, 7, 30)
		}
		g.next(rt, cases.NoticeServed, 7, 21)
		g.next(rt, cases.OfficerResponse, 15, 25)
		if hearing {
			g.next(rt, cases.Witnesses, 3, 6)
			g.next(rt, cases.PreHearing, 10, 20)
			g.next(rt, cases.Held, 15, 40)
		} else {
			g.next(rt, cases.Held, 15, 45)
		}
		if g.chance(0.4) {
			g.next(rt, cases.NoMisconduct, 0, 2)
			g.next(rt, cases.State(g.pick([]wt{{string(cases.RPRP), 50}, {string(cases.NoFurtherAction), 50}})), 3, 14)
			return
		}
		switch {
		case !hearing:
			rt.sanction = g.pick([]wt{{outWritten, 60}, {outFinalWritten, 40}})
		case rt.severity == sevGross:
			rt.sanction = g.pick([]wt{{outDismissal, 35}, {outFinalWritten, 45}, {outReduction, 20}})
		default:
			rt.sanction = g.pick([]wt{{outWritten, 35}, {outFinalWritten, 65}})
		}
	}
	g.next(rt, cases.Outcome, 0, 2)
	if g.chance(0.15) {
		g.next(rt, cases.Appeal, 7, 20)
		g.next(rt, cases.Final, 40, 150)
	} else {
		g.next(rt, cases.Final, 7, 20)
	}
	if rt.sanction == outDismissal {
		g.next(rt, cases.BarredListReported, 5, 20)
	}
}

// vettingRoute reports whether a matter that arose on d may be sent down
// the vetting route, which SI 2025/558 added for matters arising under the
// rule set coded "2025" and any later one. The date comes from the rule-set
// data, not from code.
func (g *gen) vettingRoute(d time.Time) bool {
	i := slices.IndexFunc(g.ref.RuleSets, func(r cases.RuleSet) bool { return r.Code == "2025" })
	return i >= 0 && !d.Before(g.ref.RuleSets[i].EffectiveFrom.Time)
}

// decide records severity, finding and outcome on each subject, as far as
// the case has got by now (kept is the route up to now).
func (g *gen) decide(c *cases.Case, rt route, kept []step) {
	reached := func(s ...cases.State) bool {
		return slices.ContainsFunc(kept, func(k step) bool { return slices.Contains(s, k.state) })
	}
	at := func(s cases.State) time.Time {
		i := slices.IndexFunc(kept, func(k step) bool { return k.state == s })
		return kept[i].at
	}
	if c.Kind == cases.Complaint {
		investigated := reached(cases.LocalInvestigation, cases.DirectedInvestigation, cases.IndependentInvestigation)
		decided := reached(cases.OutcomeNotified)
		for i := range c.Allegations {
			for j := range c.Allegations[i].Subjects {
				s := &c.Allegations[i].Subjects[j]
				if investigated {
					s.Severity = g.complaintSeverity(c.Allegations[i].Category, c.Allegations[i].Subcategory)
				}
				if !decided {
					continue
				}
				g.complaintFinding(s, investigated)
				if s.Outcome == outDismissal {
					g.leave(officerIndex(s.OfficerID), at(cases.OutcomeNotified))
				}
			}
		}
		return
	}
	last := kept[len(kept)-1].state
	for i := range c.Allegations {
		for j := range c.Allegations[i].Subjects {
			s := &c.Allegations[i].Subjects[j]
			if reached(cases.SeverityAssessed) {
				s.Severity = rt.severity
			}
			switch {
			case reached(cases.Outcome):
				s.Finding, s.Outcome = findUpheld, rt.sanction
				if i > 0 && g.chance(0.3) {
					s.Finding, s.Outcome = findNotUpheld, outNFA
				}
				if s.Outcome == outDismissal {
					g.leave(officerIndex(s.OfficerID), at(cases.Outcome))
				}
			case reached(cases.NoMisconduct):
				s.Finding = findNotUpheld
			case reached(cases.NoCaseToAnswer):
				s.Finding = findNoCase
			case last == cases.AdvisoryListReported:
				s.Outcome = outLeftUnderInquiry
				g.leave(officerIndex(s.OfficerID), at(cases.AdvisoryListReported).AddDate(0, 0, -g.r.IntN(20)))
			}
			switch last {
			case cases.NoFurtherAction:
				s.Outcome = outNFA
			case cases.RPRP:
				s.Outcome = outRPRP
			case cases.Performance:
				s.Outcome = outPerformance
			case cases.Vetting:
				s.Outcome = outVetting
			}
		}
	}
}

// complaintSeverity assesses, at the start of an investigation, whether
// an allegation could amount to misconduct: most complaints about service
// could not; abuses of position and sexual conduct always could.
func (g *gen) complaintSeverity(cat, sub string) string {
	switch (catSub{cat, sub}).theme() {
	case "sexual":
		return g.pick([]wt{{sevMisc, 55}, {sevGross, 45}})
	case "discrimination":
		return g.pick([]wt{{sevNone, 15}, {sevMisc, 65}, {sevGross, 20}})
	}
	if sub == "corruption-other" {
		return g.pick([]wt{{sevMisc, 50}, {sevGross, 50}})
	}
	return g.pick([]wt{{sevNone, 62}, {sevMisc, 34}, {sevGross, 4}})
}

// complaintFinding decides a subject's finding once the complainant has
// been told the outcome. Complaints handled otherwise than by
// investigation are judged on the service given; investigated ones where
// misconduct was in issue end, mostly, in no case to answer.
func (g *gen) complaintFinding(s *cases.Subject, investigated bool) {
	if !investigated || s.Severity == sevNone {
		if g.chance(0.68) {
			s.Finding, s.Outcome = findServiceOK, outNFA
		} else {
			s.Finding = findServiceNotOK
			s.Outcome = g.pick([]wt{{outRPRP, 45}, {outNFA, 55}})
		}
		return
	}
	switch x := g.r.Float64(); {
	case x < 0.55:
		s.Finding, s.Outcome = findNoCase, g.pick([]wt{{outNFA, 70}, {outRPRP, 30}})
	case x < 0.68:
		s.Finding = findUpheld
		if s.Severity == sevGross {
			s.Outcome = g.pick([]wt{{outFinalWritten, 60}, {outReduction, 25}, {outDismissal, 15}})
		} else {
			s.Outcome = g.pick([]wt{{outWritten, 65}, {outFinalWritten, 35}})
		}
	default:
		s.Finding, s.Outcome = findNotUpheld, g.pick([]wt{{outRPRP, 50}, {outNFA, 50}})
	}
}
