package cases

import (
	"encoding/json"
	"slices"
	"time"
)

// EventStateChanged is the timeline event type Apply records. The demo
// generator writes the same type with the same "from" and "to" details, so
// every reader of the timeline sees one shape.
const EventStateChanged = "state_changed"

// Apply takes an action on c for a caller holding actorRoles. It checks
// the action against the case's kind, state and rule set and the caller's
// roles (refusing with *NotAllowedError), then the input (refusing with a
// fault.Invalid error naming each bad field). Only when everything passes
// does it change c: the state, and what the action decides about subjects.
// It returns the timeline event recording the step; the caller stores both
// together, and assigns the event's ID, Seq and Actor and the case's
// version.
func Apply(c *Case, in ActionInput, actorRoles []string, ref *Reference, now time.Time) (Event, error) {
	a, err := wfCheck(c, &in, actorRoles, wfRuleSetOf(c, ref))
	if err != nil {
		return Event{}, err
	}
	from := c.State
	to := a.To
	if a.Name == ActResume {
		to = in.ResumeTo
	}
	if a.Stays {
		to = from
	}
	wfWriteFindings(c, &in)
	if a.effect != nil {
		a.effect(c, &in)
	}
	wfFormerOfficers(c)
	c.State = to
	d := wfDetail(a, &in, from, to)
	if by := wfDecidedFor(a, &in); by != "" {
		d[string(FieldOnBehalfOf)] = by
	}
	wfWithdrawalNotices(c, a, from, d)
	return Event{At: now, Type: EventStateChanged, Detail: d}, nil
}

// wfWriteFindings is the effect every action shares: each part of a
// finding the caller named (severity, finding, sanction) is written on its
// subject. wfCheck has made sure every finding names a subject of the case
// and carries only the parts the action takes.
func wfWriteFindings(c *Case, in *ActionInput) {
	for _, fi := range in.Findings {
		s := wfSubjectOf(c, fi)
		if fi.Severity != "" {
			s.Severity = fi.Severity
		}
		if fi.Finding != "" {
			s.Finding = fi.Finding
		}
		if fi.Sanction != "" {
			s.Outcome = fi.Sanction
		}
	}
}

// The effects below are what particular actions decide beyond the findings
// the caller named. They run after wfWriteFindings.

// wfNoCaseToAnswerForAll: a decision of no case to answer covers every
// officer on the case [CR 23].
func wfNoCaseToAnswerForAll(c *Case, _ *ActionInput) {
	wfEachSubject(c, func(s *Subject) { s.Finding = FindingNoCaseToAnswer })
}

// wfCaseToAnswerUnlessSaid: an officer named in a case-to-answer decision
// without a finding of their own has a case to answer; one named with
// no_case_to_answer drops out of the proceedings [CR 23].
func wfCaseToAnswerUnlessSaid(c *Case, in *ActionInput) {
	for _, fi := range in.Findings {
		if fi.Finding == "" {
			wfSubjectOf(c, fi).Finding = FindingCaseToAnswer
		}
	}
}

// wfCaseToAnswerForAll: certifying the special conditions puts every
// officer before the accelerated hearing [CR 49].
func wfCaseToAnswerForAll(c *Case, _ *ActionInput) {
	wfEachSubject(c, func(s *Subject) { s.Finding = FindingCaseToAnswer })
}

// wfNoMisconductForTheRest: when proceedings find no misconduct, every
// officer still before them and not named otherwise is found to have
// committed none [CR 42(1)(b)].
func wfNoMisconductForTheRest(c *Case, _ *ActionInput) {
	wfEachSubject(c, func(s *Subject) {
		if s.Finding == FindingCaseToAnswer {
			s.Finding = SeverityNoMisconduct
		}
	})
}

// wfRecordHandlingGround keeps on the case the Sch3 2(6B) ground the
// complaint was recorded on, which later duties (to investigate, to refer)
// read from the case rather than from a caller.
func wfRecordHandlingGround(c *Case, in *ActionInput) {
	c.HandlingGround = in.MandatoryGround
}

// wfRecordReferral keeps the ground of the referral on the case: it
// discharges a mandatory referral (wfReferralFirst).
func wfRecordReferral(c *Case, in *ActionInput) {
	c.ReferralGround = in.ReferralGround
}

// wfRecordTreatedAsReferred: the IOPC treating the matter as referred
// discharges the referral as a referral would [Sch3 4A(2), 13A(2)].
func wfRecordTreatedAsReferred(c *Case, _ *ActionInput) {
	c.ReferralGround = ReferralTreatedAsReferred
}

// wfRecordInvestigationException keeps the C&M 6 exception on the case.
func wfRecordInvestigationException(c *Case, in *ActionInput) {
	if in.InvestigationException != "" {
		c.InvestigationException = in.InvestigationException
	}
}

// TimelineFacts are what a case's timeline knows that the case record does
// not: the API reads them to fill ActionInput.Forum, ResumeTo and
// ReviewFacts.Referred instead of trusting the client.
type TimelineFacts struct {
	Forum         Forum // the forum of the latest referral to proceedings
	SuspendedFrom State // the state a suspended complaint was suspended from
	Referred      bool  // the matter was referred to the IOPC
}

// ReadTimeline gathers TimelineFacts from events in order.
func ReadTimeline(events []Event) TimelineFacts {
	var t TimelineFacts
	for _, e := range events {
		if e.Type != EventStateChanged {
			continue
		}
		if fo := Forum(e.Detail["forum"]); fo.Valid() {
			t.Forum = fo
		}
		switch ActionName(e.Detail["action"]) {
		case ActReferToIOPC, ActIOPCTreatsAsReferred:
			t.Referred = true
		case ActSuspend:
			t.SuspendedFrom = State(e.Detail["from"])
		case ActResume:
			t.SuspendedFrom = ""
		}
	}
	return t
}

// wfDetail is what the timeline records of a step: the action, the states
// and every piece of data the action took.
func wfDetail(a *Action, in *ActionInput, from, to State) map[string]string {
	d := map[string]string{"action": string(a.Name), "from": string(from), "to": string(to)}
	takes := func(x Field) bool { return slices.Contains(a.Requires, x) || slices.Contains(a.Optional, x) }
	set := func(x Field, v string) {
		if v != "" && takes(x) {
			d[string(x)] = v
		}
	}
	flag := func(x Field, v bool) {
		if v && takes(x) {
			d[string(x)] = "true"
		}
	}
	set(FieldReasons, in.Reasons)
	set(FieldReferralGround, in.ReferralGround)
	set(FieldMandatoryGround, in.MandatoryGround)
	set(FieldMode, in.Mode)
	set(FieldInvestigationException, in.InvestigationException)
	set(FieldForum, string(in.Forum))
	if a.forum != "" {
		d[string(FieldForum)] = string(a.forum)
	}
	set(FieldReviewBody, in.ReviewBody)
	set(FieldRecipient, in.Recipient)
	set(FieldAppealOutcome, in.AppealOutcome)
	flag(FieldSignedWithdrawal, in.SignedWithdrawal)
	flag(FieldFinalWarning, in.FinalWarningInForce)
	flag(FieldSeveralIncidents, in.SeveralIncidents)
	if takes(FieldReviewFacts) && in.ReviewFacts != (ReviewFacts{}) {
		b, _ := json.Marshal(in.ReviewFacts)
		d[string(FieldReviewFacts)] = string(b)
	}
	if len(in.Findings) > 0 {
		b, _ := json.Marshal(in.Findings)
		d[string(FieldFindings)] = string(b)
	}
	return d
}
