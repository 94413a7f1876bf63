package eis

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"
)

// TestFullEvaluationNYC runs the whole evaluation on the NYC data read
// straight from the zip. It takes tens of seconds under the race detector,
// so it runs only with PROBITY_FULL_EVAL=1; PROBITY_EVAL_OUT names a file
// for the JSON, to compare with "probity eis evaluate --json" on a
// database the importer filled.
func TestFullEvaluationNYC(t *testing.T) {
	if os.Getenv("PROBITY_FULL_EVAL") != "1" {
		t.Skip("set PROBITY_FULL_EVAL=1 to run the full NYC evaluation")
	}
	ds := nycDataset(t)
	start := time.Now()
	ev, err := Evaluate(context.Background(), ds, EvalConfig{From: 2008, To: 2019})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("evaluated 2008-2019 in %s", time.Since(start))
	if out := os.Getenv("PROBITY_EVAL_OUT"); out != "" {
		b, _ := json.MarshalIndent(ev, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The published baselines this population reproduces (see
	// docs/early-intervention.md).
	up := ev.Labels["upheld"].Pooled
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if got < want-tol || got > want+tol {
			t.Errorf("%s = %.4f, want %.3f", what, got, want)
		}
	}
	near("upheld base rate", up.BaseRate, 0.020, 0.001)
	near("upheld rule precision", up.Rules[">= 3 allegations in 12 months"].Precision, 0.057, 0.001)
	near("rule flags a year", float64(up.Rules[">= 3 allegations in 12 months"].Flagged)/12, 1130, 10)
	near("ranking P@5%", up.Ranking.PAt5, 0.072, 0.001)
	near("ranking AUC", up.Ranking.AUC, 0.68, 0.005)
}
