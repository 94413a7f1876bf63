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
// only with PROBITY_VALIDATE=1 and prints the table.
func TestValidationGrid(t *testing.T) {
	if os.Getenv("PROBITY_VALIDATE") != "1" {
		t.Skip("set PROBITY_VALIDATE=1 to print the validation grid")
	}
	ds := nycDataset(t)
	grid := []ModelConfig{
		{Kind: "logistic", L2: 0.001},
		{Kind: "logistic", L2: 0.01},
		{Kind: "logistic", L2: 0.1},
		{Kind: "boosted", Trees: 100, Depth: 3, Shrinkage: 0.1, Subsample: 0.3},
		{Kind: "boosted", Trees: 200, Depth: 3, Shrinkage: 0.05, Subsample: 0.5},
		{Kind: "boosted", Trees: 150, Depth: 4, Shrinkage: 0.05, Subsample: 0.5, MinChildWeight: 10},
		{Kind: "boosted", Trees: 300, Depth: 2, Shrinkage: 0.1, Subsample: 0.5},
	}
	fmt.Println("validation 2005-2007, pooled: upheld P@budget (rule), P@5% (ranking), AUC (ranking) | force P@budget (rule), P@5% (ranking), AUC")
	for _, m := range grid {
		m.Seed = 1
		ev, err := Evaluate(context.Background(), ds, EvalConfig{From: 2005, To: 2007, Model: m})
		if err != nil {
			t.Fatal(err)
		}
		u, f := ev.Labels["upheld"].Pooled, ev.Labels["force"].Pooled
		budget := ev.Setup.BudgetRule
		fmt.Printf("%-8s l2=%-5g trees=%-3d depth=%d eta=%-4g sub=%-3g | %.4f (%.4f) %.4f (%.4f) %.3f (%.3f) | %.4f (%.4f) %.4f (%.4f) %.3f\n",
			m.Kind, m.L2, m.Trees, m.Depth, m.Shrinkage, m.Subsample,
			u.Model.PrecisionAtRuleBudget, u.Rules[budget].Precision, u.Model.PAt5, u.Ranking.PAt5, u.Model.AUC, u.Ranking.AUC,
			f.Model.PrecisionAtRuleBudget, f.Rules[budget].Precision, f.Model.PAt5, f.Ranking.PAt5, f.Model.AUC)
	}
}
