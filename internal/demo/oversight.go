package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/oversight"
	"github.com/probity/probity/internal/store"
)

// seedOversight gives the oversight body and the chief officer's office a
// year's work, through the same domain steps the pages take: a requirement
// on misconduct timeliness and disproportionality, a notice over it, a
// first plan rejected with reasons, and a revised plan accepted with
// conditions. Dates run from January of the demo's year, so that each
// commitment has quarterly figures since the plan.
func seedOversight(ctx context.Context, db *store.DB, now time.Time) error {
	y := now.Year()
	on := func(m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }
	body, chief := []access.Role{access.Oversight}, []access.Role{access.ChiefOffice}
	target := time.Date(y+1, 3, 31, 0, 0, 0, 0, time.UTC)
	req := oversight.Requirement{Title: "Misconduct timeliness and disproportionality",
		Text: "Reduce the share of open cases that are over 12 months old, and the over-representation of Asian male " +
			"officers among those entering the misconduct system, against a plan the oversight body can measure.",
		Reason: "A quarter of open cases are over a year old, and Asian male officers enter the misconduct system at " +
			"nearly twice the rate of white male officers; both undermine confidence in the process.",
		DueOn: target, Measures: []string{"open-by-age", "disproportionality"}, SetBy: "oversight", SetAt: on(1, 12)}
	if err := req.Validate(req.SetAt); err != nil {
		return err
	}
	first := []oversight.Commitment{
		{Text: "Bring the share of cases open over 12 months below 10%", Measure: "open-by-age",
			Group: []string{"Share open over 12 months"}, Stat: measures.Share, Baseline: 0.25, Target: 0.10, TargetOn: target},
		{Text: "Narrow the gap in entry to the misconduct system for Asian male officers", Measure: "disproportionality",
			Group: []string{"Asian", "Male", "Entered the misconduct system"}, Stat: measures.Ratio, Baseline: 1.9, Target: 1.6, TargetOn: target},
	}
	revised := []oversight.Commitment{first[0], first[1]}
	revised[1].Text = "Bring entry to the misconduct system for Asian male officers in line with white male officers"
	revised[1].Target = 1.2
	resubmitBy := time.Date(y, 3, 31, 0, 0, 0, 0, time.UTC)
	return db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRequirement(ctx, &req); err != nil {
			return err
		}
		n, err := oversight.NewNotice("The force has missed the timeliness improvement agreed last year, and has not explained "+
			"the disproportionality in its own figures.", []string{req.ID}, func(string) bool { return true }, "oversight", on(1, 12))
		if err != nil {
			return err
		}
		if err := tx.CreateNotice(ctx, &n); err != nil {
			return err
		}
		p, err := oversight.NewPlan(req.ID, "Timeliness and fairness plan", chief, "chief-office", on(1, 20))
		if err != nil {
			return err
		}
		if err := tx.CreatePlan(ctx, &p); err != nil {
			return err
		}
		steps := []struct {
			at time.Time
			do func(at time.Time) error
		}{
			{on(1, 20), func(at time.Time) error { return p.SetCommitments(first, chief, at) }},
			{on(1, 30), func(at time.Time) error { return p.Submit(oversight.ActSubmit, chief, "chief-office", at) }},
			{on(2, 20), func(at time.Time) error {
				return p.Assess(oversight.Assessment{Outcome: oversight.Rejected, ResubmitBy: &resubmitBy,
					Reasons: "The timeliness commitment is sound, but the disproportionality target leaves most of the gap in place.",
					Commitments: []oversight.CommitmentDecision{
						{Verdict: oversight.CommitmentAccepted, Reasons: "Measurable, with a realistic date."},
						{Verdict: oversight.CommitmentRejected, Reasons: "A ratio of 1.6 would still mean Asian male officers enter the system far more often; aim for parity."},
					}}, body, "oversight", at)
			}},
			{on(3, 10), func(at time.Time) error { return p.SetCommitments(revised, chief, at) }},
			{on(3, 16), func(at time.Time) error { return p.Submit(oversight.ActResubmit, chief, "chief-office", at) }},
			{on(4, 2), func(at time.Time) error {
				return p.Assess(oversight.Assessment{Outcome: oversight.AcceptedWithConditions,
					Reasons:    "The revised plan answers the requirement.",
					Conditions: "The chief officer reports both figures to each quarterly meeting of the body.",
					Commitments: []oversight.CommitmentDecision{
						{Verdict: oversight.CommitmentAccepted}, {Verdict: oversight.CommitmentAccepted, Reasons: "Parity is the right aim."},
					}}, body, "oversight", at)
			}},
		}
		for i, s := range steps {
			read := p.Version
			if err := s.do(s.at); err != nil {
				return fmt.Errorf("oversight step %d: %w", i+1, err)
			}
			if err := tx.SavePlan(ctx, p, read); err != nil {
				return err
			}
		}
		return tx.AddComment(ctx, oversight.Comment{PlanID: p.ID, By: "psd-head", At: on(3, 12),
			Text: "Professional standards can fund two more investigators from April to clear the oldest cases."})
	})
}
