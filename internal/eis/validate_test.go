package eis

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"testing"
)

// TestValidationGrid reproduces the choice of learner and hyperparameters
// (docs/early-intervention.md): every candidate is evaluated on the
// validation years 2005-2007 only, never on the years reported. It runs
// only with PROBITY_VALIDATE=1 and prints the table of the latest round
// (PROBITY_VALIDATE_ROUND=2 prints the second's).
func TestValidationGrid(t *testing.T) {
	if os.Getenv("PROBITY_VALIDATE") != "1" {
		t.Skip("set PROBITY_VALIDATE=1 to print the validation grid")
	}
	ds := nycDataset(t)
	type cand struct {
		round    int
		features FeatureGroups
		m        ModelConfig
	}
	base, recency := FeatureGroups{}, FeatureGroups{Recency: true}
	subs := FeatureGroups{Recency: true, Subcategories: true}
	disp := FeatureGroups{Recency: true, Dispositions: true}
	peers := FeatureGroups{Recency: true, Peers: true}
	both := FeatureGroups{Recency: true, Dispositions: true, Peers: true}
	logistic := func(l2 float64) ModelConfig { return ModelConfig{Kind: "logistic", L2: l2} }
	trees := ModelConfig{Kind: "boosted", Trees: 300, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 10}
	grid := []cand{
		{2, base, logistic(0.01)}, // the first model
		{2, recency, logistic(0.01)},
		{2, recency, logistic(0.03)}, // chosen in the second round
		{2, recency, logistic(0.1)},
		{2, subs, logistic(0.003)},
		{2, subs, logistic(0.01)},
		{2, subs, logistic(0.03)},
		{2, subs, logistic(0.1)},
		{2, subs, trees},
		{2, subs, ModelConfig{Kind: "boosted", Trees: 500, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 20}},
		{2, subs, ModelConfig{Kind: "boosted", Trees: 400, Depth: 4, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 20}},
		{2, subs, ModelConfig{Kind: "ensemble", L2: 0.01, Trees: 300, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 10}},
		{2, base, ModelConfig{Kind: "ensemble", L2: 0.01, Trees: 300, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 10}},
		{3, recency, logistic(0.03)}, // the second round's choice, for reference
	}
	// The third round: disposition and peer features, and fitting the
	// number of allegations instead of the outcome.
	for _, fg := range []FeatureGroups{recency, disp, peers, both} {
		for _, obj := range []string{"outcome", "allegations"} {
			for _, l2 := range []float64{0.01, 0.03, 0.1} {
				if fg == recency && obj == "outcome" && l2 == 0.03 {
					continue // the reference above
				}
				m := logistic(l2)
				m.Objective = obj
				grid = append(grid, cand{3, fg, m})
			}
		}
		m := trees
		m.Objective = "allegations"
		grid = append(grid, cand{3, fg, m})
	}
	round := 3
	if r := os.Getenv("PROBITY_VALIDATE_ROUND"); r != "" {
		fmt.Sscan(r, &round)
	}
	defer func(g FeatureGroups) { featureGroups = g }(featureGroups)
	fmt.Println("validation 2005-2007, pooled: upheld P@budget (rule), P@5% (ranking), AUC (ranking) | force P@budget (rule), P@5% (ranking), AUC")
	// The criterion, fixed before the grid was run: the mean of the four
	// target ratios on the validation years (upheld P@budget over the
	// rule's, upheld P@5% over the ranking's, upheld AUC over 0.72, force
	// P@budget over the rule's).
	for _, c := range grid {
		if c.round != round {
			continue
		}
		m := c.m
		m.Seed = 1
		featureGroups = c.features
		ev, err := Evaluate(context.Background(), ds, EvalConfig{From: 2005, To: 2007, Model: m})
		if err != nil {
			t.Fatal(err)
		}
		u, f := ev.Labels["upheld"].Pooled, ev.Labels["force"].Pooled
		budget := ev.Setup.BudgetRule
		score := (u.Model.PrecisionAtRuleBudget/u.Rules[budget].Precision + u.Model.PAt5/u.Ranking.PAt5 + u.Model.AUC/0.72 +
			f.Model.PrecisionAtRuleBudget/f.Rules[budget].Precision) / 4
		fmt.Printf("features=%+v criterion=%.4f ", c.features, score)
		fmt.Printf("%-11s %-8s l2=%-5g trees=%-3d depth=%d eta=%-4g sub=%-3g | %.4f (%.4f) %.4f (%.4f) %.3f (%.3f) | %.4f (%.4f) %.4f (%.4f) %.3f\n",
			cmp.Or(m.Objective, "outcome"), m.Kind, m.L2, m.Trees, m.Depth, m.Shrinkage, m.Subsample,
			u.Model.PrecisionAtRuleBudget, u.Rules[budget].Precision, u.Model.PAt5, u.Ranking.PAt5, u.Model.AUC, u.Ranking.AUC,
			f.Model.PrecisionAtRuleBudget, f.Rules[budget].Precision, f.Model.PAt5, f.Ranking.PAt5, f.Model.AUC)
	}
}
