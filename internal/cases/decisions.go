package cases

import (
	"slices"

	"github.com/probity/probity/internal/fault"
)

// Many decisions in the statutory process are not the appropriate
// authority's, though its staff record them in Probity: the IOPC's, the
// review body's, the chair's or panel's. Each decision's record says on
// whose behalf it was made (Event.Detail["on_behalf_of"]), worked out
// from the action and the case, not taken from the caller, except where
// the law leaves the choice to the facts of the handling (the
// public-interest decision on a suspended complaint).

// FieldOnBehalfOf names whose decision a step records.
const FieldOnBehalfOf Field = "on_behalf_of"

// Who a decision is made on behalf of.
const (
	OnBehalfOfAA    = "appropriate_authority"
	OnBehalfOfLPB   = "local_policing_body"
	OnBehalfOfIOPC  = "iopc"
	OnBehalfOfPanel = "panel" // the person or panel conducting misconduct proceedings or an appeal
)

// DecisionMakers lists who a decision may be made on behalf of.
var DecisionMakers = []string{OnBehalfOfAA, OnBehalfOfLPB, OnBehalfOfIOPC, OnBehalfOfPanel}

// The complaint's public-interest decisions [C&M 38(5), 41(4)-(6)].
const (
	ActTreatAsConduct ActionName = "treat_as_conduct_matter"
	ActDeclineConduct ActionName = "decline_conduct_matter"
)

// wfIOPCDecisions are the IOPC's decisions, recorded by the AA roles.
var wfIOPCDecisions = []ActionName{ActIOPCTreatsAsReferred, ActIOPCLocal, ActIOPCDirected, ActIOPCIndependent,
	ActIOPCReferBack, ActIOPCDecidesDSIInvestigation, ActIOPCReturnsDSI, ActRecordAsConduct}

// wfNotDecisions record what someone other than a decision-maker did: the
// complainant, the officer, the investigator.
var wfNotDecisions = []ActionName{ActRequestReview, ActWithdraw, ActOfficerResponse, ActAppeal,
	ActServeReg17, ActInterview, ActSubmitReport, ActSubmitDSIReport}

// wfDecidedFor says on whose behalf the step a records was decided, or ""
// for a step that records no decision. It reads the input after the
// action's checks and effects, which settle the review body and the
// public-interest decision-maker.
func wfDecidedFor(a *Action, in *ActionInput) string {
	switch {
	case slices.Contains(wfNotDecisions, a.Name):
		return ""
	case slices.Contains(wfIOPCDecisions, a.Name):
		return OnBehalfOfIOPC
	case a.Name == ActUpholdReview || a.Name == ActNotUpholdReview:
		if in.ReviewBody == ReviewBodyLPB {
			return OnBehalfOfLPB
		}
		return OnBehalfOfIOPC
	case a.Name == ActRecordOutcome || a.Name == ActFindNoMisconduct || a.Name == ActDecideAppeal:
		return OnBehalfOfPanel
	case a.Name == ActTreatAsConduct || a.Name == ActDeclineConduct:
		return in.OnBehalfOf
	}
	return OnBehalfOfAA
}

// wfPublicInterestOwed: a withdrawn complaint stays open for the IOPC's
// decision whether to treat it as a recordable conduct matter in the
// public interest when it had been referred to the IOPC [C&M 38(3), (5),
// V]. That it was not referred back first (38(3)(b)) is not checked: the
// case keeps the referral after a referral back.
func wfPublicInterestOwed(c *Case) bool {
	return c.Kind == Complaint && c.State == Withdrawn && c.ReferralGround != ""
}

// wfPublicInterestMaker is who decides whether a complaint is treated as
// a recordable conduct matter: for a withdrawn complaint the IOPC [C&M
// 38(5), V]; for one not resumed after criminal proceedings the IOPC or the
// appropriate authority, as the case may be [C&M 41(4), V], taken to be
// the IOPC when the complaint was referred.
func wfPublicInterestMaker(c *Case) string {
	if c.State == Withdrawn || c.ReferralGround != "" {
		return OnBehalfOfIOPC
	}
	return OnBehalfOfAA
}

// wfCheckPublicInterest: the decision is the IOPC's for a withdrawn
// complaint; for a suspended one the IOPC's or the appropriate
// authority's, no one else's.
func wfCheckPublicInterest(c *Case, in *ActionInput, f *fault.Fields) {
	switch {
	case in.OnBehalfOf == "":
	case c.State == Withdrawn && in.OnBehalfOf != OnBehalfOfIOPC:
		f.Add(string(FieldOnBehalfOf), "must be iopc: for a withdrawn complaint that was referred, the IOPC decides (C&M 38(5))")
	case in.OnBehalfOf != OnBehalfOfIOPC && in.OnBehalfOf != OnBehalfOfAA:
		f.Addf(string(FieldOnBehalfOf), "must be %s or %s: they decide whether a complaint not resumed is treated as a conduct matter (C&M 41(4))",
			OnBehalfOfIOPC, OnBehalfOfAA)
	}
}

// wfRecordPublicInterest settles who made the public-interest decision
// when the caller did not say.
func wfRecordPublicInterest(c *Case, in *ActionInput) {
	if in.OnBehalfOf == "" {
		in.OnBehalfOf = wfPublicInterestMaker(c)
	}
}

// wfPublicInterestActions are the complaint rows of the action table for
// the public-interest decisions.
var wfPublicInterestActions = []Action{
	{
		// A complaint withdrawn after referral, or not resumed after
		// criminal proceedings, may be treated as a recordable conduct
		// matter in the public interest, a case of its own; otherwise
		// Part 2 of the 2002 Act ceases to apply to it [decisions.go].
		Name: ActTreatAsConduct, Title: "Record the decision to treat the complaint as a recordable conduct matter in the public interest",
		From: []State{Withdrawn, Suspended}, To: RecordedAsConduct, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldOnBehalfOf}, Source: "C&M 38(5), 41(4), (6)",
		check: wfCheckPublicInterest, effect: wfRecordPublicInterest,
	},
	{
		Name: ActDeclineConduct, Title: "Record the decision not to treat the complaint as a recordable conduct matter",
		From: []State{Withdrawn, Suspended}, To: Closed, Kinds: wfComplaintKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Optional: []Field{FieldOnBehalfOf}, Source: "C&M 38(5), 41(4), (5)",
		check: wfCheckPublicInterest, effect: wfRecordPublicInterest,
	},
}
