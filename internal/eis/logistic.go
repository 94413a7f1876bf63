package eis

import "math"

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

// rowLoss gives the gradient and curvature of the loss of one row at
// score s (the linear predictor).
type rowLoss func(i int, s float64) (g, h float64)

func logLoss(m *Matrix) rowLoss {
	return func(i int, s float64) (float64, float64) {
		pr := sigmoid(s)
		y := 0.0
		if m.Y[i] {
			y = 1
		}
		return pr - y, pr * (1 - pr)
	}
}

// poissonLoss fits log E[count] = s (the Poisson deviance).
func poissonLoss(m *Matrix) rowLoss {
	return func(i int, s float64) (float64, float64) {
		mu := math.Exp(min(s, 30))
		return mu - m.Count[i], mu
	}
}

func trainLogistic(cfg ModelConfig, m *Matrix, loss rowLoss) *Logistic {
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
	// Newton's method on mean log-loss + L2/2 |w|^2; the intercept is not
	// penalised. With ~50 features the (p+1)^2 Hessian is small.
	k := p + 1
	w := make([]float64, k) // w[p] is the intercept
	hess := make([]float64, k*k)
	grad := make([]float64, k)
	for iter := 0; iter < 30; iter++ {
		clear(hess)
		clear(grad)
		for i := range n {
			row := z[i*p : (i+1)*p]
			s := w[p]
			for j, v := range row {
				s += w[j] * v
			}
			g, h := loss(i, s)
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
		step := choleskySolve(hess, grad, k)
		maxStep := 0.0
		for a := range k {
			w[a] -= step[a]
			maxStep = max(maxStep, math.Abs(step[a]))
		}
		if maxStep < 1e-7 {
			break
		}
	}
	copy(lg.Weights, w[:p])
	lg.Intercept = w[p]
	return lg
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
