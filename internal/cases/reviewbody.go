package cases

import (
	"fmt"
	"slices"
	"strings"

	"github.com/probity/probity/internal/fault"
)

// Who reviews a complaint's outcome is decided by the law, not by whoever
// records the application [C&M 32, verified]: the IOPC where the complaint
// is about a senior officer; where the appropriate authority cannot
// satisfy itself from the complaint alone that the conduct complained of
// would not justify criminal or disciplinary proceedings or involve an
// infringement of Article 2 or 3; where the complaint has been, or must
// be, referred to the IOPC (or the IOPC treats it as referred); where it
// arises from the same incident as one of those; or where any part of it
// falls within these. Otherwise the local policing body.
//
// What Probity holds it reads from the case: the ground the complaint was
// recorded on (a ground of the duty to investigate, or one that must be
// referred), the referral, the severity at which an officer was assessed.
// The rest are facts the caller states (ReviewFacts): the server fills
// SeniorOfficer from the subjects' ranks and Referred from the timeline;
// the authority's judgement on proceedings, Articles 2 and 3 and the same
// incident can only add to what the case shows, never take it away.

// ReviewBodyFor decides who reviews a complaint's outcome: ReviewBodyIOPC
// or ReviewBodyLPB.
func ReviewBodyFor(c Case, facts ReviewFacts) string {
	body, _ := ReviewBodyWhy(c, facts)
	return body
}

// ReviewBodyWhy decides who reviews a complaint's outcome and says why, in
// words for a refusal.
func ReviewBodyWhy(c Case, facts ReviewFacts) (body, why string) {
	iopc := func(reason string) (string, string) { return ReviewBodyIOPC, reason }
	switch {
	case facts.SeniorOfficer:
		return iopc("the complaint concerns a senior officer")
	case slices.Contains(MandatoryReferralHandlingGrounds, c.HandlingGround):
		return iopc("the complaint was recorded on a ground that must be referred to the IOPC (" + c.HandlingGround + ")")
	case c.ReferralGround != "" || facts.Referred:
		return iopc("the complaint was referred to the IOPC")
	case slices.Contains(InvestigationDutyGrounds, c.HandlingGround):
		return iopc("the complaint was recorded as one that could justify criminal or disciplinary proceedings or involve Article 2 or 3 (" +
			c.HandlingGround + ")")
	case facts.CriminalOrDisciplinary || facts.Article2Or3:
		return iopc("the appropriate authority cannot be satisfied from the complaint alone that it would not justify proceedings " +
			"or involve Article 2 or 3")
	case facts.SameIncident:
		return iopc("the complaint arises from the same incident as one the IOPC reviews")
	}
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			if wfSeverityRank(s.Severity) >= wfSeverityRank(SeverityMisconduct) {
				return iopc(fmt.Sprintf("officer %s was assessed at %s, so disciplinary proceedings could be justified", s.OfficerID, wfWords(s.Severity)))
			}
		}
	}
	return ReviewBodyLPB, "none of the grounds for an IOPC review applies"
}

// reviewBodyWords names a review body in a refusal.
func reviewBodyWords(body string) string {
	if body == ReviewBodyLPB {
		return "local policing body"
	}
	return strings.ToUpper(body)
}

// wfCheckReviewBody: a review body the caller names must be the one the
// law gives, and a refusal says why it is the other.
func wfCheckReviewBody(c *Case, in *ActionInput, f *fault.Fields) {
	if in.ReviewBody == "" || (in.ReviewBody != ReviewBodyIOPC && in.ReviewBody != ReviewBodyLPB) {
		return
	}
	if want, why := ReviewBodyWhy(*c, in.ReviewFacts); in.ReviewBody != want {
		f.Addf(string(FieldReviewBody), "is the %s, but the review body is the %s: %s (C&M 32)",
			reviewBodyWords(in.ReviewBody), reviewBodyWords(want), why)
	}
}

// wfRecordReviewBody writes the review body the law gives into the
// action's record, whether or not the caller named it.
func wfRecordReviewBody(c *Case, in *ActionInput) {
	in.ReviewBody = ReviewBodyFor(*c, in.ReviewFacts)
}
