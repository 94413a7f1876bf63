package disclosure

import (
	"cmp"
	"fmt"
	"slices"
)

// status is what the public sees of one figure.
type status uint8

const (
	published     status = iota
	primaryCell          // suppressed: a count of 1 to 4
	secondaryCell        // suppressed so that a primary cell stays hidden
	hidden               // never published: a hidden table or an omitted margin
)

// model holds every figure of a set (cells and margins of every table) as
// one variable, and every additive relation between them as a constraint:
// the parts of a row, a column or a Sum minus their whole is zero.
type model struct {
	set    Set
	offset []int // first variable of each table
	truth  []int64
	status []status
	cons   [][]term
	varCon [][]int // the constraints each variable is in
	// canBeZero and canBeHigh record, for each figure, that a witness
	// has been found with it at 0, or at MinShown or more. Suppressing
	// more never invalidates a witness (the newly unknown figure keeps its
	// true value in it), so what is recorded stays true.
	canBeZero, canBeHigh []bool
}

// MaxFigures bounds the size of a set, so that the attacker's work stays
// small: twenty tables of 20 by 10 cells with their margins fit.
const MaxFigures = 5000

func build(set Set) (*model, error) {
	m := &model{set: set}
	names := map[string]int{}
	n := 0
	for i, t := range set.Tables {
		if t.Name == "" {
			return nil, fmt.Errorf("%w: table %d has no name", ErrInvalid, i+1)
		}
		if _, dup := names[t.Name]; dup {
			return nil, fmt.Errorf("%w: two tables are named %q", ErrInvalid, t.Name)
		}
		names[t.Name] = i
		if err := t.check(); err != nil {
			return nil, err
		}
		m.offset = append(m.offset, n)
		n += (len(t.Rows) + 1) * (len(t.Cols) + 1)
		if n > MaxFigures {
			return nil, fmt.Errorf("%w: more than %d figures", ErrInvalid, MaxFigures)
		}
	}
	m.truth = make([]int64, n)
	m.status = make([]status, n)
	m.canBeZero, m.canBeHigh = make([]bool, n), make([]bool, n)
	for i, t := range set.Tables {
		R, C := len(t.Rows), len(t.Cols)
		for r := 0; r <= R; r++ {
			for c := 0; c <= C; c++ {
				v := m.at(i, r, c)
				switch {
				case t.Hidden, c == C && t.OmitRowTotals, r == R && t.OmitColTotals:
					m.status[v] = hidden
				}
				if r < R && c < C {
					x := int64(t.Counts[r][c])
					m.truth[v] = x
					m.truth[m.at(i, r, C)] += x
					m.truth[m.at(i, R, c)] += x
					m.truth[m.at(i, R, C)] += x
				}
			}
		}
		for r := 0; r <= R; r++ {
			row := []term{{m.at(i, r, C), -1}}
			for c := range C {
				row = append(row, term{m.at(i, r, c), 1})
			}
			m.cons = append(m.cons, row)
		}
		for c := 0; c <= C; c++ {
			col := []term{{m.at(i, R, c), -1}}
			for r := range R {
				col = append(col, term{m.at(i, r, c), 1})
			}
			m.cons = append(m.cons, col)
		}
	}
	for _, s := range set.Sums {
		if err := m.addSum(s, names); err != nil {
			return nil, err
		}
	}
	m.varCon = make([][]int, n)
	for k, con := range m.cons {
		for _, t := range con {
			m.varCon[t.v] = append(m.varCon[t.v], k)
		}
	}
	return m, nil
}

func (t Table) check() error {
	if len(t.Rows) == 0 || len(t.Cols) == 0 {
		return fmt.Errorf("%w: table %q has no rows or no columns", ErrInvalid, t.Name)
	}
	for _, keys := range [][]string{t.Rows, t.Cols} {
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				return fmt.Errorf("%w: table %q has the key %q twice", ErrInvalid, t.Name, k)
			}
			seen[k] = true
		}
	}
	if len(t.Counts) != len(t.Rows) {
		return fmt.Errorf("%w: table %q has %d rows of counts for %d rows", ErrInvalid, t.Name, len(t.Counts), len(t.Rows))
	}
	for r, row := range t.Counts {
		if len(row) != len(t.Cols) {
			return fmt.Errorf("%w: table %q row %q has %d counts for %d columns", ErrInvalid, t.Name, t.Rows[r], len(row), len(t.Cols))
		}
		for _, x := range row {
			if x < 0 || x > 1e9 {
				return fmt.Errorf("%w: table %q has a count out of range", ErrInvalid, t.Name)
			}
		}
	}
	return nil
}

// addSum adds the constraints of one Sum, matching cells by their keys,
// after checking that the true counts do add up.
func (m *model) addSum(s Sum, names map[string]int) error {
	w, ok := names[s.Whole]
	if !ok || len(s.Parts) == 0 {
		return fmt.Errorf("%w: a sum names no table %q or has no parts", ErrInvalid, s.Whole)
	}
	whole := m.set.Tables[w]
	var parts []func(r, c int) int
	for _, name := range s.Parts {
		p, ok := names[name]
		if !ok || p == w {
			return fmt.Errorf("%w: the sum for %q names a part %q that is no other table", ErrInvalid, s.Whole, name)
		}
		pt := m.set.Tables[p]
		rows, err := keyMap(whole.Rows, pt.Rows)
		if err != nil {
			return fmt.Errorf("%w: %q and its part %q: rows: %v", ErrInvalid, s.Whole, name, err)
		}
		cols, err := keyMap(whole.Cols, pt.Cols)
		if err != nil {
			return fmt.Errorf("%w: %q and its part %q: columns: %v", ErrInvalid, s.Whole, name, err)
		}
		parts = append(parts, func(r, c int) int { return m.at(p, rows[r], cols[c]) })
	}
	for r := 0; r <= len(whole.Rows); r++ {
		for c := 0; c <= len(whole.Cols); c++ {
			con := []term{{m.at(w, r, c), -1}}
			sum := -m.truth[m.at(w, r, c)]
			for _, at := range parts {
				con = append(con, term{at(r, c), 1})
				sum += m.truth[at(r, c)]
			}
			if sum != 0 {
				return fmt.Errorf("%w: the parts of %q do not add up to it", ErrInvalid, s.Whole)
			}
			m.cons = append(m.cons, con)
		}
	}
	return nil
}

// keyMap maps each index of whole's keys (and the total, one past them)
// to the index of the same key in part's.
func keyMap(whole, part []string) ([]int, error) {
	if len(whole) != len(part) {
		return nil, fmt.Errorf("%d keys against %d", len(whole), len(part))
	}
	out := make([]int, len(whole)+1)
	for i, k := range whole {
		j := slices.Index(part, k)
		if j < 0 {
			return nil, fmt.Errorf("key %q missing from the part", k)
		}
		out[i] = j
	}
	out[len(whole)] = len(part)
	return out, nil
}

// at is the variable of table t, row r, column c (len for the totals).
func (m *model) at(t, r, c int) int {
	return m.offset[t] + r*(len(m.set.Tables[t].Cols)+1) + c
}

// locate is the inverse of at.
func (m *model) locate(v int) (t, r, c int) {
	t = len(m.offset) - 1
	for t > 0 && m.offset[t] > v {
		t--
	}
	w := len(m.set.Tables[t].Cols) + 1
	return t, (v - m.offset[t]) / w, (v - m.offset[t]) % w
}

func (m *model) describe(v int) string {
	t, r, c := m.locate(v)
	tb := m.set.Tables[t]
	row, col := "Total", "Total"
	if r < len(tb.Rows) {
		row = tb.Rows[r]
	}
	if c < len(tb.Cols) {
		col = tb.Cols[c]
	}
	return fmt.Sprintf("%s, row %q, column %q", tb.Name, row, col)
}

func (m *model) sensitive(v int) bool { return m.truth[v] >= 1 && m.truth[v] < MinShown }

func (m *model) known(v int) bool { return m.status[v] == published }

// component gathers the unknowns linked to v through constraints, up to
// depth relations away (all of them if depth < 0), and the system the
// attacker can write about them: each constraint with the published
// figures moved to the right-hand side. Unknowns beyond depth are held at
// their true values, which makes the system a restriction of the
// attacker's: a witness found in it is a witness in the whole, though one
// may be missed (protected tries the nearest unknowns first, then all).
func (m *model) component(v, depth int) (*system, map[int]int, []int) {
	idx := map[int]int{v: 0}
	vars := []int{v}
	level := []int{0}
	var cons []int
	seen := map[int]bool{}
	for q := 0; q < len(vars); q++ {
		if depth >= 0 && level[q] >= depth {
			continue
		}
		for _, k := range m.varCon[vars[q]] {
			if seen[k] {
				continue
			}
			seen[k] = true
			for _, t := range m.cons[k] {
				if _, ok := idx[t.v]; !ok && !m.known(t.v) {
					idx[t.v] = len(vars)
					vars = append(vars, t.v)
					level = append(level, level[q]+1)
				}
			}
		}
	}
	// Every constraint on an included unknown binds the system.
	seen = map[int]bool{}
	for _, u := range vars {
		for _, k := range m.varCon[u] {
			if !seen[k] {
				seen[k] = true
				cons = append(cons, k)
			}
		}
	}
	slices.Sort(cons)
	s := &system{n: len(vars)}
	for _, k := range cons {
		var row []term
		var rhs int64
		for _, t := range m.cons[k] {
			if j, ok := idx[t.v]; ok {
				row = append(row, term{j, t.c})
			} else {
				rhs -= t.c * m.truth[t.v] // published, or held at its true value
			}
		}
		s.rows = append(s.rows, row)
		s.rhs = append(s.rhs, rhs)
	}
	return s, idx, cons
}

// protected reports whether the attacker, knowing the published figures
// and every relation, must allow v to be 0 and to be MinShown or more,
// each shown by a whole-number table that agrees with all published. If
// not, it says which the attacker can rule out. Witnesses are sought among
// the unknowns near v first, which is quick and usually enough (a
// rectangle of suppressed cells is two relations deep), then among all.
func (m *model) protected(v int, depths ...int) (string, bool) {
	found := func(zero bool) bool {
		for _, depth := range depths {
			s, idx, _ := m.component(v, depth)
			j := idx[v]
			lo, hi := make([]int64, s.n), make([]int64, s.n)
			for i := range hi {
				hi[i] = noBound
			}
			if zero {
				hi[j] = 0
			} else {
				lo[j] = MinShown
			}
			if w := s.witness(lo, hi); w != nil {
				m.record(w, idx)
				return true
			}
			if depth >= 0 && len(idx) == m.componentSize(v) {
				return false // the restricted system was the whole one
			}
		}
		return false
	}
	if !m.canBeZero[v] || !m.canBeHigh[v] {
		s, idx, _ := m.component(v, -1)
		lo, hi := s.pinned(idx[v])
		if lo >= 1 {
			return "can be shown to be at least 1", false
		}
		if hi < MinShown {
			return fmt.Sprintf("can be shown to be at most %d", MinShown-1), false
		}
	}
	if !m.canBeZero[v] && !found(true) {
		return "can be shown to be at least 1", false
	}
	if !m.canBeHigh[v] && !found(false) {
		return fmt.Sprintf("can be shown to be at most %d", MinShown-1), false
	}
	return "", true
}

// record notes what a witness shows of every figure in it: each figure it
// holds at 0 can be 0, each at MinShown or more can be that large.
func (m *model) record(w []int64, idx map[int]int) {
	for v, j := range idx {
		if w[j] == 0 {
			m.canBeZero[v] = true
		}
		if w[j] >= MinShown {
			m.canBeHigh[v] = true
		}
	}
}

// componentSize counts the unknowns linked to v.
func (m *model) componentSize(v int) int {
	_, idx, _ := m.component(v, -1)
	return len(idx)
}

// choose picks the next cell to suppress to protect v. The attacker's
// sharpest tools are the relations with fewest unknowns (one unknown gives
// it away outright), so the cell comes from those: preferably one in
// several of them, an inner cell rather than a total, a non-zero count
// (hiding a zero adds little doubt), and then the smallest, to lose least.
func (m *model) choose(v int) int {
	_, _, cons := m.component(v, -1)
	fewest := -1
	for _, k := range cons {
		unknown, open := 0, false
		for _, t := range m.cons[k] {
			if m.known(t.v) {
				open = true
			} else {
				unknown++
			}
		}
		if open && (fewest < 0 || unknown < fewest) {
			fewest = unknown
		}
	}
	if fewest < 0 {
		return -1
	}
	hits := map[int]int{}
	for _, k := range cons {
		unknown := 0
		for _, t := range m.cons[k] {
			if !m.known(t.v) {
				unknown++
			}
		}
		if unknown != fewest {
			continue
		}
		for _, t := range m.cons[k] {
			if m.known(t.v) {
				hits[t.v]++
			}
		}
	}
	cands := make([]int, 0, len(hits))
	for c := range hits {
		cands = append(cands, c)
	}
	slices.SortFunc(cands, func(a, b int) int {
		return cmp.Or(
			-cmp.Compare(hits[a], hits[b]),
			cmp.Compare(b2i(m.isMargin(a)), b2i(m.isMargin(b))),
			cmp.Compare(b2i(m.truth[a] == 0), b2i(m.truth[b] == 0)),
			cmp.Compare(m.truth[a], m.truth[b]),
			cmp.Compare(a, b),
		)
	})
	return cands[0]
}

func (m *model) isMargin(v int) bool {
	t, r, c := m.locate(v)
	return r == len(m.set.Tables[t].Rows) || c == len(m.set.Tables[t].Cols)
}

func (m *model) published() []Published {
	var out []Published
	for i, t := range m.set.Tables {
		if t.Hidden {
			continue
		}
		p := Published{Name: t.Name, Rows: t.Rows, Cols: t.Cols}
		for r := 0; r <= len(t.Rows); r++ {
			row := make([]Shown, len(t.Cols)+1)
			for c := range row {
				v := m.at(i, r, c)
				if m.known(v) {
					row[c] = Shown{Count: int(m.truth[v])}
				} else {
					row[c] = Shown{Suppressed: true}
				}
			}
			p.Cells = append(p.Cells, row)
		}
		out = append(out, p)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
