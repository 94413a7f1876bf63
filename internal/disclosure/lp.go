package disclosure

import "math"

// This file finds witnesses: whole-number tables that agree with
// everything published. The attacker's question "can this suppressed cell
// be 0?" is answered yes only by a witness with the cell at 0, checked in
// exact integer arithmetic; "can it be 5 or more?" likewise. The search
// solves the linear relaxation with a small dense simplex (phase one only:
// any feasible vertex will do) and branches on a fractional variable when
// the vertex is not whole. For a single two-way table with its margins the
// constraint matrix is totally unimodular, every vertex is whole and no
// branching happens; linked tables may need a little. Floating point only
// guides the search: a witness is believed only after the exact check, so
// rounding can make us suppress more than needed, never less.

// term is one coefficient of a constraint.
type term struct {
	v int   // variable
	c int64 // coefficient
}

// system is a set of equalities sum(c*x[v]) = rhs over whole x >= 0.
type system struct {
	n    int
	rows [][]term
	rhs  []int64
}

// noBound marks a variable without an upper bound.
const noBound = -1

// maxNodes bounds the branch-and-bound search for one witness. When it is
// spent the witness counts as not found, and the cell as not protected.
const maxNodes = 24

// witness returns whole x with lo <= x <= hi (hi[j] == noBound: no upper
// bound) satisfying the system, or nil if none was found.
func (s *system) witness(lo, hi []int64) []int64 {
	nodes := maxNodes
	return s.search(lo, hi, &nodes)
}

func (s *system) search(lo, hi []int64, nodes *int) []int64 {
	if *nodes <= 0 {
		return nil
	}
	*nodes--
	x, ok := s.relax(lo, hi)
	if !ok {
		return nil
	}
	frac := -1
	for j, v := range x {
		if math.Abs(v-math.Round(v)) > 1e-6 {
			frac = j
			break
		}
	}
	if frac < 0 {
		w := make([]int64, len(x))
		for j, v := range x {
			w[j] = int64(math.Round(v))
		}
		if s.holds(w, lo, hi) {
			return w
		}
		return nil // rounding error: do not believe it
	}
	f := int64(math.Floor(x[frac]))
	if f >= lo[frac] {
		down := append([]int64(nil), hi...)
		down[frac] = f
		if w := s.search(lo, down, nodes); w != nil {
			return w
		}
	}
	up := append([]int64(nil), lo...)
	up[frac] = f + 1
	if hi[frac] != noBound && up[frac] > hi[frac] {
		return nil
	}
	return s.search(up, hi, nodes)
}

// holds checks x exactly.
func (s *system) holds(x, lo, hi []int64) bool {
	for j, v := range x {
		if v < lo[j] || (hi[j] != noBound && v > hi[j]) {
			return false
		}
	}
	for i, row := range s.rows {
		var sum int64
		for _, t := range row {
			sum += t.c * x[t.v]
		}
		if sum != s.rhs[i] {
			return false
		}
	}
	return true
}

// relax finds a vertex of {lo <= x <= hi, rows} by phase one of the
// simplex method on a dense tableau, with Bland's rule so that it cannot
// cycle on the many degenerate pivots tables produce. The artificial
// variables of phase one are not stored: once one leaves the basis it is
// never wanted again, and nothing else reads their columns.
func (s *system) relax(lo, hi []int64) ([]float64, bool) {
	const eps = 1e-9
	n := s.n
	var bounded []int
	for j := range n {
		if hi[j] != noBound {
			if hi[j] < lo[j] {
				return nil, false
			}
			bounded = append(bounded, j)
		}
	}
	m := len(s.rows) + len(bounded)
	// Columns: y (x shifted by lo), one slack per upper bound; then the
	// right-hand side.
	cols := n + len(bounded)
	t := make([][]float64, m)
	basis := make([]int, m)
	for i := range t {
		t[i] = make([]float64, cols+1)
	}
	for i, row := range s.rows {
		r := float64(s.rhs[i])
		for _, tm := range row {
			t[i][tm.v] += float64(tm.c)
			r -= float64(tm.c) * float64(lo[tm.v])
		}
		t[i][cols] = r
	}
	for k, j := range bounded {
		i := len(s.rows) + k
		t[i][j] = 1
		t[i][n+k] = 1
		t[i][cols] = float64(hi[j] - lo[j])
	}
	for i := range t {
		if t[i][cols] < 0 {
			for c := range t[i] {
				t[i][c] = -t[i][c]
			}
		}
		basis[i] = cols + i // the row's artificial, larger than every real column
	}
	// Reduced costs of phase one (minimise the sum of the artificials).
	d := make([]float64, cols+1)
	for i := range t {
		for c, v := range t[i] {
			d[c] -= v
		}
	}
	nz := make([]int, 0, cols+1)
	for iter := 0; iter < 50*(m+cols)+1000; iter++ {
		enter := -1
		for c := range cols {
			if d[c] < -eps {
				enter = c
				break
			}
		}
		if enter < 0 {
			if -d[cols] > 1e-7 {
				return nil, false
			}
			x := make([]float64, n)
			for j := range n {
				x[j] = float64(lo[j]) // non-basic: at its lower bound
			}
			for i, b := range basis {
				if b < n {
					x[b] += t[i][cols]
				}
			}
			return x, true
		}
		leave := -1
		best := math.Inf(1)
		for i := range t {
			if a := t[i][enter]; a > eps {
				r := t[i][cols] / a
				if r < best-eps || (r < best+eps && leave >= 0 && basis[i] < basis[leave]) {
					best, leave = r, i
				}
			}
		}
		if leave < 0 {
			return nil, false // cannot happen in phase one; be safe
		}
		nz = pivot(t, d, leave, enter, nz)
		basis[leave] = enter
	}
	return nil, false
}

// pivot makes column c a unit column with its one in row r. Tables give
// sparse tableaux, so only the pivot row's non-zero entries are visited,
// and entries that rounding leaves near zero are set to zero.
func pivot(t [][]float64, d []float64, r, c int, nz []int) []int {
	p := t[r][c]
	row := t[r]
	nz = nz[:0]
	for k := range row {
		if row[k] != 0 {
			row[k] /= p
			nz = append(nz, k)
		}
	}
	row[c] = 1
	update := func(ti []float64) {
		f := ti[c]
		if f == 0 {
			return
		}
		for _, k := range nz {
			v := ti[k] - f*row[k]
			if math.Abs(v) < 1e-11 {
				v = 0
			}
			ti[k] = v
		}
		ti[c] = 0
	}
	for i := range t {
		if i != r {
			update(t[i])
		}
	}
	update(d)
	return nz
}

// pinned reports what interval reasoning alone tells the attacker of
// variable j: each equation bounds each of its unknowns by the bounds of
// the others, repeated until nothing changes. It is sound (every bound it
// derives holds in every consistent table), though not always as sharp as
// the search, and cheap: it settles most cells a secondary suppression
// has not yet protected without solving anything. Coefficients are +1
// (parts) and -1 (wholes), as the model writes them.
func (s *system) pinned(j int) (lo, hi int64) {
	const inf = math.MaxInt64
	L, U := make([]int64, s.n), make([]int64, s.n)
	for k := range U {
		U[k] = inf
	}
	for pass := 0; pass < 2*len(s.rows)+4; pass++ {
		changed := false
		for i, row := range s.rows {
			// sum(P) - sum(N) = b. Sums of the lower and the finite upper
			// bounds of each side, and how many upper bounds are infinite.
			var lp, up, ln, un int64
			var infP, infN int
			for _, t := range row {
				l, u := L[t.v], U[t.v]
				if t.c > 0 {
					lp += l
					if u == inf {
						infP++
					} else {
						up += u
					}
				} else {
					ln += l
					if u == inf {
						infN++
					} else {
						un += u
					}
				}
			}
			b := s.rhs[i]
			for _, t := range row {
				l, u := L[t.v], U[t.v]
				uInf := btoi(u == inf)
				uFin := u
				if u == inf {
					uFin = 0
				}
				var newL, newU int64 = -1, inf
				if t.c > 0 { // x = b - sum(P without x) + sum(N)
					if infP-uInf == 0 {
						newL = b - (up - uFin) + ln
					}
					if infN == 0 {
						newU = b - (lp - l) + un
					}
				} else { // x = sum(P) - sum(N without x) - b
					if infN-uInf == 0 {
						newL = lp - (un - uFin) - b
					}
					if infP == 0 {
						newU = up - (ln - l) - b
					}
				}
				if newL > L[t.v] {
					L[t.v], changed = newL, true
				}
				if newU < U[t.v] {
					U[t.v], changed = newU, true
				}
			}
		}
		if !changed {
			break
		}
	}
	return L[j], U[j]
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
