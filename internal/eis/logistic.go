package eis

import (
	"errors"
	"fmt"
	"math"
)

// Logistic is an L2-regularised linear model on standardised,
// log-compressed features: a logistic regression, or with the objective
// "allegations" a Poisson regression (its score a log-rate, calibrated
// afterwards).
type Logistic struct {
	Mean, Scale []float64
	Weights     []float64
	Intercept   float64
}

// squash compresses counts so that one officer's hundred allegations do
// not dominate a linear model.
func squash(v float64) float64 {
	if v < 0 {
		return -math.Log1p(-v)
	}
	return math.Log1p(v)
}

// rowLoss gives the loss of one row at score s (the linear predictor),
// with its gradient and curvature.
type rowLoss func(i int, s float64) (l, g, h float64)

func logLoss(m *Matrix) rowLoss {
	return func(i int, s float64) (float64, float64, float64) {
		pr := sigmoid(s)
		y := 0.0
		if m.Y[i] {
			y = 1
		}
		return softplus(s) - y*s, pr - y, pr * (1 - pr)
	}
}

// softplus is log(1+e^s) without overflow for large s.
func softplus(s float64) float64 {
	if s > 30 {
		return s + math.Log1p(math.Exp(-s))
	}
	return math.Log1p(math.Exp(s))
}

// poissonLoss fits log E[count] = s (the Poisson deviance). The loss is
// not clamped: a step that sends a rate to infinity must show as an
// infinite loss so that the line search rejects it.
func poissonLoss(m *Matrix) rowLoss {
	return func(i int, s float64) (float64, float64, float64) {
		mu := math.Exp(s)
		return mu - m.Count[i]*s, mu - m.Count[i], mu
	}
}

// errDiverged reports a fit that left the finite numbers.
var errDiverged = errors.New("the fit diverged")

// finite reports whether every value is a finite number.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// maxNewton caps the Newton iterations of every fit; maxHalvings caps the
// step-halvings within one iteration.
const (
	maxNewton   = 50
	maxHalvings = 40
)

func trainLogistic(cfg ModelConfig, m *Matrix, loss rowLoss) (*Logistic, error) {
	p, n := m.Cols, m.Rows
	lg := &Logistic{Mean: make([]float64, p), Scale: make([]float64, p), Weights: make([]float64, p)}
	z := make([]float64, n*p)
	for i := range n {
		for j, v := range m.Row(i) {
			z[i*p+j] = squash(v)
			lg.Mean[j] += z[i*p+j]
		}
	}
	for j := range p {
		lg.Mean[j] /= float64(n)
	}
	for i := range n {
		for j := range p {
			d := z[i*p+j] - lg.Mean[j]
			lg.Scale[j] += d * d
		}
	}
	for j := range p {
		lg.Scale[j] = math.Sqrt(lg.Scale[j] / float64(n))
		if lg.Scale[j] < 1e-9 {
			lg.Scale[j] = 1
		}
	}
	for i := range n {
		for j := range p {
			z[i*p+j] = (z[i*p+j] - lg.Mean[j]) / lg.Scale[j]
		}
	}
	// Newton's method on mean loss + L2/2 |w|^2; the intercept is not
	// penalised. With ~50 features the (p+1)^2 Hessian is small. Each step
	// is halved until the objective falls and stays finite: on data where
	// one officer holds thousands of allegations a full Poisson step
	// overshoots to rates that overflow.
	k := p + 1
	w := make([]float64, k) // w[p] is the intercept
	next := make([]float64, k)
	hess := make([]float64, k*k)
	grad := make([]float64, k)
	objective := func(w []float64) float64 {
		var f float64
		for i := range n {
			row := z[i*p : (i+1)*p]
			s := w[p]
			for j, v := range row {
				s += w[j] * v
			}
			l, _, _ := loss(i, s)
			f += l
		}
		f /= float64(n)
		for a := range p {
			f += cfg.L2 / 2 * w[a] * w[a]
		}
		return f
	}
	f := objective(w)
	if !finite(f) {
		return nil, fmt.Errorf("%w: the loss at the start is %v", errDiverged, f)
	}
	for iter := 0; iter < maxNewton; iter++ {
		clear(hess)
		clear(grad)
		for i := range n {
			row := z[i*p : (i+1)*p]
			s := w[p]
			for j, v := range row {
				s += w[j] * v
			}
			_, g, h := loss(i, s)
			for a := range p {
				va := row[a]
				grad[a] += g * va
				ha := h * va
				hrow := hess[a*k:]
				for b := a; b < p; b++ {
					hrow[b] += ha * row[b]
				}
				hrow[p] += ha
			}
			grad[p] += g
			hess[p*k+p] += h
		}
		for a := range k {
			grad[a] /= float64(n)
			for b := a; b < k; b++ {
				hess[a*k+b] /= float64(n)
				hess[b*k+a] = hess[a*k+b]
			}
		}
		for a := range p {
			grad[a] += cfg.L2 * w[a]
			hess[a*k+a] += cfg.L2
		}
		hess[p*k+p] += 1e-9
		if !finite(grad...) || !finite(hess...) {
			return nil, fmt.Errorf("%w: non-finite gradient at iteration %d", errDiverged, iter+1)
		}
		step := choleskySolve(hess, grad, k)
		if !finite(step...) {
			return nil, fmt.Errorf("%w: non-finite Newton step at iteration %d", errDiverged, iter+1)
		}
		t, accepted := 1.0, false
		for range maxHalvings {
			for a := range k {
				next[a] = w[a] - t*step[a]
			}
			if fn := objective(next); finite(fn) && fn <= f+1e-12*math.Abs(f) {
				f, accepted = fn, true
				break
			}
			t /= 2
		}
		if !accepted {
			break // no step lowers the loss: as near the minimum as doubles allow
		}
		maxStep := 0.0
		for a := range k {
			maxStep = max(maxStep, math.Abs(w[a]-next[a]))
		}
		copy(w, next)
		if maxStep < 1e-7 {
			break
		}
	}
	if !finite(w...) {
		return nil, fmt.Errorf("%w: non-finite coefficients", errDiverged)
	}
	copy(lg.Weights, w[:p])
	lg.Intercept = w[p]
	return lg, nil
}

// choleskySolve solves A x = b for a symmetric positive definite A (k x k).
func choleskySolve(a, b []float64, k int) []float64 {
	l := make([]float64, k*k)
	for i := range k {
		for j := 0; j <= i; j++ {
			s := a[i*k+j]
			for t := range j {
				s -= l[i*k+t] * l[j*k+t]
			}
			if i == j {
				l[i*k+i] = math.Sqrt(max(s, 1e-12))
			} else {
				l[i*k+j] = s / l[j*k+j]
			}
		}
	}
	y := make([]float64, k)
	for i := range k {
		s := b[i]
		for t := range i {
			s -= l[i*k+t] * y[t]
		}
		y[i] = s / l[i*k+i]
	}
	x := make([]float64, k)
	for i := k - 1; i >= 0; i-- {
		s := y[i]
		for t := i + 1; t < k; t++ {
			s -= l[t*k+i] * x[t]
		}
		x[i] = s / l[i*k+i]
	}
	return x
}

// Score implements Model.
func (lg *Logistic) Score(x []float64) float64 {
	s := lg.Intercept
	for j, v := range x {
		s += lg.Weights[j] * (squash(v) - lg.Mean[j]) / lg.Scale[j]
	}
	return s
}

// Contributions implements Model: each part is measured from the average
// officer of the training data.
func (lg *Logistic) Contributions(x []float64, dst []float64) float64 {
	for j, v := range x {
		dst[j] = lg.Weights[j] * (squash(v) - lg.Mean[j]) / lg.Scale[j]
	}
	return lg.Intercept
}
