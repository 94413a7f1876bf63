package eis

import (
	"cmp"
	"errors"
	"fmt"
	"math"
)

// Matrix is a table of feature values, one row per officer, with labels.
type Matrix struct {
	X []float64 // row-major, Rows x Cols
	Y []bool
	// Count is, per row, the allegations that could carry the outcome
	// (ModelConfig.Objective "allegations").
	Count []float64
	Rows  int
	Cols  int
}

// Row returns row i.
func (m *Matrix) Row(i int) []float64 { return m.X[i*m.Cols : (i+1)*m.Cols] }

// Matrix fills the frame's feature values, one row per member.
func (fr *Frame) Matrix() *Matrix {
	fs := featureSet(fr.DS)
	m := &Matrix{X: make([]float64, len(fr.snaps)*len(fs)), Rows: len(fr.snaps), Cols: len(fs)}
	for i := range fr.snaps {
		row := m.Row(i)
		for j, f := range fs {
			row[j] = f.get(fr, i)
		}
	}
	return m
}

// Model scores officers: higher means more likely to have the outcome
// it was trained for.
type Model interface {
	// Score returns the log-odds of the outcome.
	Score(x []float64) float64
	// Contributions splits the score into a base and one part per
	// feature, written to dst, so that base + sum(dst) = Score(x).
	Contributions(x []float64, dst []float64) (base float64)
}

// ModelConfig chooses and tunes the learner. Hyperparameters are chosen on
// years before the evaluation period (see docs/early-intervention.md).
type ModelConfig struct {
	Kind string `json:"kind"` // "boosted" (gradient-boosted trees) or "logistic"
	// Boosted trees.
	Trees          int     `json:"trees,omitempty"`
	Depth          int     `json:"depth,omitempty"`
	Shrinkage      float64 `json:"shrinkage,omitempty"`
	Subsample      float64 `json:"subsample,omitempty"`
	ColSample      float64 `json:"colsample,omitempty"`
	MinChildWeight float64 `json:"min_child_weight,omitempty"`
	Lambda         float64 `json:"lambda,omitempty"`
	Bins           int     `json:"bins,omitempty"`
	// Logistic regression: the L2 penalty on standardised weights.
	L2   float64 `json:"l2,omitempty"`
	Seed uint64  `json:"seed"`
	// Objective is what the learner fits: "outcome" (or "") the outcome
	// itself; "allegations" the number of allegations in the year that
	// could carry it (a Poisson model, log link), whose score is then
	// calibrated to the outcome's log-odds. An upheld finding is rare and
	// decided by chance as much as conduct; how many allegations an
	// officer will face is a denser signal of the same exposure.
	Objective string `json:"objective,omitempty"`
}

// DefaultModel is the configuration chosen on the validation years.
var DefaultModel = ModelConfig{Kind: "logistic", L2: 0.01, Objective: "allegations", Seed: 1}

// DefaultBoosted is the boosted-trees configuration that did best on the
// validation years; it is available with --model boosted.
var DefaultBoosted = ModelConfig{Kind: "boosted", Trees: 200, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, ColSample: 0.8,
	MinChildWeight: 5, Lambda: 5, Bins: 32, Seed: 1}

// Train fits a model to the matrix.
func Train(cfg ModelConfig, m *Matrix) (Model, error) {
	if m.Rows == 0 {
		return nil, errors.New("no rows to train on")
	}
	pos := 0
	for _, y := range m.Y {
		if y {
			pos++
		}
	}
	if pos == 0 || pos == m.Rows {
		return nil, fmt.Errorf("training data hold only one outcome (%d of %d positive)", pos, m.Rows)
	}
	for i, v := range m.X {
		if !finite(v) {
			return nil, fmt.Errorf("feature %d of row %d is %v: a model cannot learn from it", i%m.Cols+1, i/m.Cols+1, v)
		}
	}
	loss := logLoss(m)
	switch cfg.Objective {
	case "", "outcome":
	case "allegations":
		if len(m.Count) != m.Rows {
			return nil, errors.New("the objective \"allegations\" needs allegation counts")
		}
		if !finite(m.Count...) {
			return nil, errors.New("an allegation count is not a finite number")
		}
		loss = poissonLoss(m)
	default:
		return nil, fmt.Errorf("unknown objective %q", cfg.Objective)
	}
	var model Model
	switch cfg.Kind {
	case "logistic":
		lg, err := trainLogistic(cfg, m, loss)
		if err != nil {
			return nil, err
		}
		model = lg
	case "boosted", "":
		model = trainBoosted(cfg, m, loss)
	case "ensemble":
		lc := cfg
		lc.L2 = cmp.Or(cfg.L2, DefaultModel.L2)
		lg, err := trainLogistic(lc, m, loss)
		if err != nil {
			return nil, err
		}
		model = &Ensemble{Parts: []Model{lg, trainBoosted(cfg, m, loss)}}
	default:
		return nil, fmt.Errorf("unknown model kind %q", cfg.Kind)
	}
	if cfg.Objective == "allegations" {
		c, err := calibrate(model, m)
		if err != nil {
			return nil, err
		}
		model = c
	}
	// Whatever the learner, a score that is not a number ranks nobody.
	for i := range m.Rows {
		if s := model.Score(m.Row(i)); !finite(s) {
			return nil, fmt.Errorf("%w: the model scores training row %d as %v", errDiverged, i+1, s)
		}
	}
	return model, nil
}

// Calibrated turns a model's score into the log-odds of the outcome by a
// straight line fitted on the training rows (Platt scaling). The order of
// officers is unchanged; the probability a supervisor reads is the
// outcome's.
type Calibrated struct {
	Inner Model
	A, B  float64
}

// calibrate fits log-odds = A*score + B to the matrix's outcomes by
// Newton's method on the log-loss, halving steps that do not lower it.
func calibrate(inner Model, m *Matrix) (*Calibrated, error) {
	sc := make([]float64, m.Rows)
	for i := range m.Rows {
		sc[i] = inner.Score(m.Row(i))
		if !finite(sc[i]) {
			return nil, fmt.Errorf("%w: the uncalibrated model scores training row %d as %v", errDiverged, i+1, sc[i])
		}
	}
	ll := func(a, b float64) float64 {
		var f float64
		for i, s := range sc {
			z := a*s + b
			f += softplus(z)
			if m.Y[i] {
				f -= z
			}
		}
		return f
	}
	a, b := 1.0, 0.0
	f := ll(a, b)
	for range maxNewton {
		var ga, gb, haa, hab, hbb float64
		for i, s := range sc {
			p := sigmoid(a*s + b)
			y := 0.0
			if m.Y[i] {
				y = 1
			}
			g, h := p-y, max(p*(1-p), 1e-12)
			ga, gb = ga+g*s, gb+g
			haa, hab, hbb = haa+h*s*s, hab+h*s, hbb+h
		}
		det := haa*hbb - hab*hab
		if !(det > 0) || !finite(det) {
			break
		}
		da, db := (hbb*ga-hab*gb)/det, (haa*gb-hab*ga)/det
		t, accepted := 1.0, false
		for range maxHalvings {
			if fn := ll(a-t*da, b-t*db); finite(fn) && fn <= f+1e-12*math.Abs(f) {
				a, b, f, accepted = a-t*da, b-t*db, fn, true
				break
			}
			t /= 2
		}
		if !accepted || (math.Abs(t*da) < 1e-10 && math.Abs(t*db) < 1e-10) {
			break
		}
	}
	return checkCalibration(&Calibrated{Inner: inner, A: a, B: b})
}

// checkCalibration refuses a calibration that cannot give a chance to
// show: a slope that is not a positive finite number would turn the
// model's order upside down or into noise.
func checkCalibration(c *Calibrated) (*Calibrated, error) {
	if !finite(c.A, c.B) || c.A <= 0 {
		return nil, fmt.Errorf("the calibration slope is %.3g: the model's scores do not rise with the outcome on the training years", c.A)
	}
	return c, nil
}

// Score returns the calibrated log-odds.
func (c *Calibrated) Score(x []float64) float64 { return c.A*c.Inner.Score(x) + c.B }

// Contributions scales the inner model's parts by the calibration's slope.
func (c *Calibrated) Contributions(x []float64, dst []float64) float64 {
	base := c.Inner.Contributions(x, dst)
	for i := range dst {
		dst[i] *= c.A
	}
	return c.A*base + c.B
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Ensemble averages the log-odds of a logistic regression and boosted
// trees trained on the same rows.
type Ensemble struct {
	Parts []Model
}

// Score implements Model.
func (e *Ensemble) Score(x []float64) float64 {
	s := 0.0
	for _, p := range e.Parts {
		s += p.Score(x)
	}
	return s / float64(len(e.Parts))
}

// Contributions implements Model.
func (e *Ensemble) Contributions(x []float64, dst []float64) float64 {
	clear(dst)
	part := make([]float64, len(dst))
	base := 0.0
	k := float64(len(e.Parts))
	for _, p := range e.Parts {
		base += p.Contributions(x, part) / k
		for j, v := range part {
			dst[j] += v / k
		}
	}
	return base
}

// recalibrate shifts the model's log-odds so that its mean chance on m
// (the most recent year whose findings are complete) equals the share of
// m's rows with the outcome. A model learns its level from several years
// at once, but how often allegations are upheld moves from year to year;
// the latest complete year is the best guide to the next. The order of
// officers is unchanged. With no row or no positive in m the model is
// returned as it was, and ok is false.
func recalibrate(model Model, m *Matrix) (out Model, ok bool) {
	pos := countTrue(m.Y)
	if m.Rows == 0 || pos == 0 || pos == m.Rows {
		return model, false
	}
	sc := make([]float64, m.Rows)
	for i := range m.Rows {
		sc[i] = model.Score(m.Row(i))
	}
	excess := func(d float64) float64 {
		var sum float64
		for _, s := range sc {
			sum += sigmoid(s + d)
		}
		return sum - float64(pos)
	}
	// The expected count rises with the shift: bisect on a bracket wide
	// enough for any rate a model could be off by.
	lo, hi := -30.0, 30.0
	for range 100 {
		mid := (lo + hi) / 2
		if excess(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	d := (lo + hi) / 2
	if c, isCal := model.(*Calibrated); isCal {
		return &Calibrated{Inner: c.Inner, A: c.A, B: c.B + d}, true
	}
	return &Calibrated{Inner: model, A: 1, B: d}, true
}
