package web

import (
	"context"
	"slices"

	"github.com/probity/probity/internal/cases"
)

// reviewActions are the actions that name who reviews a complaint's
// outcome, and so read the facts that decide it.
var reviewActions = []cases.ActionName{cases.ActRequestReview, cases.ActUpholdReview, cases.ActNotUpholdReview}

// deriveReviewFacts replaces the facts Probity holds itself with what it
// holds, whatever the client sent: whether any officer the complaint is
// about is a senior officer (above chief superintendent, by the rank on
// record), and whether the complaint was referred to the IOPC, from its
// timeline and the referral kept on the case [C&M 32]. The rest of
// ReviewFacts is the appropriate authority's judgement, which it states.
// The officers' ranks decide the review body only; nothing of them is
// shown, so the read is not audited as a disclosure.
func (s *Server) deriveReviewFacts(ctx context.Context, c cases.Case, facts cases.TimelineFacts, in *cases.ActionInput) error {
	if !slices.Contains(reviewActions, in.Action) {
		return nil
	}
	var ids []string
	for _, al := range c.Allegations {
		for _, sub := range al.Subjects {
			ids = append(ids, sub.OfficerID)
		}
	}
	found, err := s.db.OfficersByID(ctx, ids)
	if err != nil {
		return err
	}
	in.ReviewFacts.SeniorOfficer = false
	for _, o := range found {
		if o.Rank.Senior() {
			in.ReviewFacts.SeniorOfficer = true
		}
	}
	in.ReviewFacts.Referred = facts.Referred || c.ReferralGround != ""
	return nil
}
