package eis

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
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
	// Recalibrated to the latest complete year, each year's chances are
	// within a factor of two of what happened, and pooling years costs
	// little of the ranking quality the model has within them. A factor of
	// 1.5 is not reached in every year: the upheld rate itself moves by
	// more than that in two years (0.019 in 2013, 0.031 in 2015), and a
	// model must set its level on a year two before the one it scores. So
	// a flag shows a chance only where the record's rate has not moved by
	// more than that (Level); NYC's upheld rate has, and its flags show
	// a rank.
	for _, lab := range Labels {
		lr := ev.Labels[lab.Name]
		var sum float64
		for y := 2008; y <= 2019; y++ {
			r := lr.Years[strconv.Itoa(y)]
			c := r.Calibration
			t.Logf("%s %d: predicted %.4f actual %.4f ratio %.2f Brier %.4f error %.4f AUC %.3f level moved %.2f chance shown %v", lab.Name, y,
				c.MeanPredicted, c.Actual, c.Ratio, c.Brier, c.CalibrationError, r.Model.AUC, r.Level.Change, r.Level.ChanceShown)
			if lab.Name == "upheld" && (c.Ratio < 0.5 || c.Ratio > 2) {
				t.Errorf("%s %d: predicted-to-actual %.2f", lab.Name, y, c.Ratio)
			}
			// Where a flag would have shown a chance, the chance met the
			// target: a rank stands in wherever the level moved too much.
			if r.Level.ChanceShown && (c.Ratio < 1/MaxLevelChange || c.Ratio > MaxLevelChange) {
				t.Errorf("%s %d: a chance would have been shown, but predicted-to-actual is %.2f", lab.Name, y, c.Ratio)
			}
			sum += r.Model.AUC
		}
		c := lr.Pooled.Calibration
		t.Logf("%s pooled: predicted %.4f actual %.4f ratio %.2f Brier %.4f error %.4f AUC %.3f, mean yearly AUC %.3f", lab.Name,
			c.MeanPredicted, c.Actual, c.Ratio, c.Brier, c.CalibrationError, lr.Pooled.Model.AUC, sum/12)
		if lab.Name == "upheld" && lr.Pooled.Model.AUC < sum/12-0.005 {
			t.Errorf("%s: pooled AUC %.3f below the mean yearly AUC %.3f", lab.Name, lr.Pooled.Model.AUC, sum/12)
		}
	}
	from, to, left, err := DefaultYears(ds, 5)
	t.Logf("default years %d-%d, left out %+v, %v", from, to, left, err)
}
