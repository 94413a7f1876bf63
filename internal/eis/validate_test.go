package eis

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestValidationGrid reproduces the choice of learner and hyperparameters
// (docs/early-intervention.md): every candidate is evaluated on the
// validation years 2005-2007 only, never on the years reported. It runs
// only with PROBITY_VALIDATE=1 and prints the table of the second round
// (feature sets 1-3, logistic, boosted and ensemble candidates).
func TestValidationGrid(t *testing.T) {
	if os.Getenv("PROBITY_VALIDATE") != "1" {
		t.Skip("set PROBITY_VALIDATE=1 to print the validation grid")
	}
	ds := nycDataset(t)
	type cand struct {
		features int
		m        ModelConfig
	}
	grid := []cand{
		{1, ModelConfig{Kind: "logistic", L2: 0.01}}, // the first model
		{2, ModelConfig{Kind: "logistic", L2: 0.01}},
		{2, ModelConfig{Kind: "logistic", L2: 0.03}},
		{2, ModelConfig{Kind: "logistic", L2: 0.1}},
		{3, ModelConfig{Kind: "logistic", L2: 0.003}},
		{3, ModelConfig{Kind: "logistic", L2: 0.01}},
		{3, ModelConfig{Kind: "logistic", L2: 0.03}},
		{3, ModelConfig{Kind: "logistic", L2: 0.1}},
		{3, ModelConfig{Kind: "boosted", Trees: 300, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 10}},
		{3, ModelConfig{Kind: "boosted", Trees: 500, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 20}},
		{3, ModelConfig{Kind: "boosted", Trees: 400, Depth: 4, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 20}},
		{3, ModelConfig{Kind: "ensemble", L2: 0.01, Trees: 300, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 10}},
		{1, ModelConfig{Kind: "ensemble", L2: 0.01, Trees: 300, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 10}},
	}
	defer func(v int) { featureVersion = v }(featureVersion)
	fmt.Println("validation 2005-2007, pooled: upheld P@budget (rule), P@5% (ranking), AUC (ranking) | force P@budget (rule), P@5% (ranking), AUC")
	// The criterion, fixed before the grid was run: the mean of the four
	// target ratios on the validation years (upheld P@budget over the
	// rule's, upheld P@5% over the ranking's, upheld AUC over 0.72, force
	// P@budget over the rule's).
	for _, c := range grid {
		m := c.m
		m.Seed = 1
		featureVersion = c.features
		ev, err := Evaluate(context.Background(), ds, EvalConfig{From: 2005, To: 2007, Model: m})
		if err != nil {
			t.Fatal(err)
		}
		u, f := ev.Labels["upheld"].Pooled, ev.Labels["force"].Pooled
		budget := ev.Setup.BudgetRule
		score := (u.Model.PrecisionAtRuleBudget/u.Rules[budget].Precision + u.Model.PAt5/u.Ranking.PAt5 + u.Model.AUC/0.72 +
			f.Model.PrecisionAtRuleBudget/f.Rules[budget].Precision) / 4
		fmt.Printf("features=%d criterion=%.4f ", c.features, score)
		fmt.Printf("%-8s l2=%-5g trees=%-3d depth=%d eta=%-4g sub=%-3g | %.4f (%.4f) %.4f (%.4f) %.3f (%.3f) | %.4f (%.4f) %.4f (%.4f) %.3f\n",
			m.Kind, m.L2, m.Trees, m.Depth, m.Shrinkage, m.Subsample,
			u.Model.PrecisionAtRuleBudget, u.Rules[budget].Precision, u.Model.PAt5, u.Ranking.PAt5, u.Model.AUC, u.Ranking.AUC,
			f.Model.PrecisionAtRuleBudget, f.Rules[budget].Precision, f.Model.PAt5, f.Ranking.PAt5, f.Model.AUC)
	}
}
