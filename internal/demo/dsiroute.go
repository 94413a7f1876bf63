package demo

import "github.com/probity/probity/internal/cases"

// dsiRoute follows the DSI machine (cases/dsi.go): the referral to the
// IOPC within a day or so, then the IOPC's decision. Most matters are
// investigated, the IOPC doing most of that itself; some are returned
// with no investigation needed; a few investigations indicate misconduct
// and the matter is recorded as a recordable conduct matter.
func (g *gen) dsiRoute(d *drive) {
	if !d.act(g.uniform(0.1, 1.2), cases.ActionInput{Action: cases.ActReferToIOPC, ReferralGround: "death_or_serious_injury",
		Reasons: "A death or serious injury matter must be referred to the IOPC."}) {
		return
	}
	if g.chance(0.25) {
		d.act(g.uniform(5, 30), cases.ActionInput{Action: cases.ActIOPCReturnsDSI,
			Reasons: "The IOPC decided no investigation is needed and returned the matter to the force."})
		d.act(g.uniform(3, 20), cases.ActionInput{Action: cases.ActCloseDSI,
			Reasons: "The circumstances were reviewed; nothing indicates a crime or misconduct by anyone serving with the police."})
		return
	}
	mode := g.pick([]wt{{cases.ModeIndependent, 65}, {cases.ModeDirected, 20}, {cases.ModeLocal, 15}})
	d.act(g.uniform(3, 15), cases.ActionInput{Action: cases.ActIOPCDecidesDSIInvestigation, Mode: mode,
		Reasons: "The IOPC decided the matter must be investigated and in what form."})
	if g.chance(0.2) {
		d.act(g.uniform(30, 200), cases.ActionInput{Action: cases.ActRecordAsConduct,
			Reasons: "The investigation indicates that an officer may have behaved in a manner that would justify disciplinary proceedings."})
		return
	}
	d.act(g.uniform(60, 300), cases.ActionInput{Action: cases.ActSubmitDSIReport,
		Reasons: "The investigation report is complete."})
	d.act(g.uniform(5, 40), cases.ActionInput{Action: cases.ActCloseDSI,
		Reasons: "The report found no indication of a crime or misconduct by anyone serving with the police."})
}

// publicInterest records the decision whether a complaint withdrawn after
// referral, or not resumed after criminal proceedings, is treated as a
// recordable conduct matter [C&M 38(5), 41(4)]; treat is how often it is.
func (d *drive) publicInterest(treat float64) {
	if d.g.chance(treat) {
		d.act(d.g.uniform(10, 60), cases.ActionInput{Action: cases.ActTreatAsConduct,
			Reasons: "The conduct alleged is serious enough that it is in the public interest to deal with it as a conduct matter."})
		return
	}
	d.act(d.g.uniform(10, 60), cases.ActionInput{Action: cases.ActDeclineConduct,
		Reasons: "Nothing in the complaint makes it in the public interest to pursue it as a conduct matter."})
}
