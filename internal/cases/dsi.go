package cases

import (
	"slices"
	"time"
)

// Death or serious injury (DSI) matters follow a machine of their own
// [Sch3 Part 2A, B: paras 14A-14J]. A DSI matter is not an allegation
// against anyone: it is recorded because someone died or was seriously
// injured after contact with the police, referred to the IOPC [Sch3 14C;
// C&M 9, B], and investigated in the form the IOPC decides [Sch3 14D, 15,
// B], or returned to the force when the IOPC decides no investigation is
// needed. If the investigation indicates that a person serving with the
// police may have committed a crime or behaved in a way that would justify
// disciplinary proceedings, the matter is recorded as a recordable conduct
// matter [Sch3 21A, B], which is a case of its own, linked to the DSI
// matter, and follows the conduct machine from the referral. So a DSI
// matter is never severity-assessed, sent to reflective practice or closed
// with no further action as a DSI matter; and it cannot be closed before
// it is referred.
//
// The rows are in the action table (workflow.go); what they read and
// write is here.

// RecordedAsConduct is where a DSI matter, or a complaint treated as a
// conduct matter in the public interest, ends: it continues as a
// recordable conduct matter, a case of its own linked to this one.
const RecordedAsConduct State = "RecordedAsConduct"

// DSI actions.
const (
	ActIOPCDecidesDSIInvestigation ActionName = "iopc_decides_dsi_investigation"
	ActIOPCReturnsDSI              ActionName = "iopc_returns_dsi_matter"
	ActSubmitDSIReport             ActionName = "submit_dsi_report"
	ActCloseDSI                    ActionName = "close_dsi_matter"
	ActRecordAsConduct             ActionName = "record_as_conduct_matter"
)

var (
	wfDSIKinds = []Kind{DeathOrSeriousInjury}
	// wfReferralKinds are the kinds a referral to the IOPC is made for.
	wfReferralKinds = []Kind{Complaint, ConductMatter, RecordableConduct, DeathOrSeriousInjury}

	wfDSIStates   = []State{AllegationReceived, ReferredIOPC, ReferredBack, Investigation, Reported, Closed, RecordedAsConduct}
	wfDSITerminal = []State{Closed, RecordedAsConduct}
)

// ConductMatterFrom is the recordable conduct matter a case becomes: a
// DSI matter whose investigation indicates crime or misconduct [Sch3 21A,
// B], or a complaint withdrawn or not resumed that is treated as one in the
// public interest [C&M 38(5), 41(6), V]. It is linked to the case it came
// from (RelatedCaseID), with its force, unit, restriction, summary,
// allegations and parties; a complainant stays on it as an affected
// person, since a conduct matter has no complainant. A matter that was
// referred to the IOPC stays referred, and the IOPC decides how the conduct
// is investigated; a DSI matter always was. Severity is assessed afresh,
// officer by officer. It is received now: that is when the conduct came to
// the appropriate authority's attention as a conduct matter.
func ConductMatterFrom(from Case, ref *Reference, now time.Time) Case {
	c := Case{
		Kind: RecordableConduct, ForceID: from.ForceID, UnitID: from.UnitID, Restricted: from.Restricted,
		Summary: from.Summary, AroseOn: from.AroseOn, ReceivedAt: now, RelatedCaseID: from.ID,
		State: AllegationReceived, ReferralGround: from.ReferralGround,
	}
	if from.Kind == DeathOrSeriousInjury && c.ReferralGround == "" {
		c.ReferralGround = "death_or_serious_injury"
	}
	if c.ReferralGround != "" {
		c.State = ReferredIOPC
	}
	for _, p := range from.Parties {
		if p.Role == RoleComplainant {
			p.Role = RoleAffectedPerson
		}
		c.Parties = append(c.Parties, p)
	}
	for _, a := range from.Allegations {
		a.ID, a.Seq = "", 0
		subjects := make([]Subject, len(a.Subjects))
		for i, s := range a.Subjects {
			subjects[i] = Subject{OfficerID: s.OfficerID}
		}
		a.Subjects = subjects
		a.Standards = slices.Clone(a.Standards)
		c.Allegations = append(c.Allegations, a)
	}
	c.Prepare(ref, now)
	return c
}

// wfDSIActions are the DSI machine's own rows of the action table; the
// referral rows (refer_to_iopc, iopc_treats_as_referred) are shared and
// live in workflow.go.
var wfDSIActions = []Action{
	// Once referred, the IOPC decides whether and how the matter is
	// investigated, and the investigation either closes it or turns it
	// into a recordable conduct matter. Probity records the IOPC's
	// decisions through the AA roles.
	{
		Name: ActIOPCDecidesDSIInvestigation, Title: "Record the IOPC's decision on how the DSI matter is investigated",
		From: []State{ReferredIOPC}, To: Investigation, Kinds: wfDSIKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons, FieldMode}, Source: "Sch3 14D, 15",
	},
	{
		Name: ActIOPCReturnsDSI, Title: "Record the IOPC's decision that the DSI matter needs no investigation",
		From: []State{ReferredIOPC}, To: ReferredBack, Kinds: wfDSIKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 14D",
	},
	{
		Name: ActSubmitDSIReport, Title: "Submit the report of the DSI investigation",
		From: []State{Investigation}, To: Reported, Kinds: wfDSIKinds, Roles: []string{RoleInvestigator, RoleAuthority, RolePSDHead},
		Optional: []Field{FieldReasons}, Source: "Sch3 22",
	},
	{
		// Indicated during the investigation or by its report.
		Name: ActRecordAsConduct, Title: "Record it as a recordable conduct matter: the investigation indicates crime or misconduct",
		From: []State{Investigation, Reported}, To: RecordedAsConduct, Kinds: wfDSIKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 21A", guard: wfReferralFirst,
	},
	{
		Name: ActCloseDSI, Title: "Close the DSI matter: nothing indicates crime or misconduct",
		From: []State{ReferredBack, Reported}, To: Closed, Kinds: wfDSIKinds, Roles: wfRolesAA,
		Requires: []Field{FieldReasons}, Source: "Sch3 14D, 24", guard: wfReferralFirst,
	},
}
