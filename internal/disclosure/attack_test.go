package disclosure

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The attacker is checked against brute force: on small tables with a
// random choice of suppressed figures, every whole-number table that agrees
// with the published figures is enumerated, and each small suppressed
// count is seen to be able to be 0, and 5 or more, or not. The attacker
// must agree exactly: claiming protection that enumeration refutes would
// let a count out; denying protection enumeration finds would mean its
// search is too weak.

// smallSet returns either one table or two quarters and their year, with
// counts small enough to enumerate.
func smallSet(rng *rand.Rand) (Set, []int) {
	cell := func() int {
		if rng.IntN(2) == 0 {
			return rng.IntN(5)
		}
		return 5 + rng.IntN(5)
	}
	grid := func(r, c int) [][]int {
		g := make([][]int, r)
		for i := range g {
			g[i] = make([]int, c)
			for j := range g[i] {
				g[i][j] = cell()
			}
		}
		return g
	}
	if rng.IntN(2) == 0 {
		r, c := 1+rng.IntN(3), 1+rng.IntN(3)
		return Set{Tables: []Table{{Name: "t", Rows: keys("r", r), Cols: keys("c", c), Counts: grid(r, c)}}}, []int{0}
	}
	r, c := 1+rng.IntN(2), 1+rng.IntN(2)
	q1, q2 := grid(r, c), grid(r, c)
	year := grid(r, c)
	for i := range year {
		for j := range year[i] {
			year[i][j] = q1[i][j] + q2[i][j]
		}
	}
	rk, ck := keys("r", r), keys("c", c)
	return Set{
		Tables: []Table{{Name: "Q1", Rows: rk, Cols: ck, Counts: q1}, {Name: "Q2", Rows: rk, Cols: ck, Counts: q2}, {Name: "Year", Rows: rk, Cols: ck, Counts: year}},
		Sums:   []Sum{{Whole: "Year", Parts: []string{"Q1", "Q2"}}},
	}, []int{0, 1}
}

// brute enumerates the inner cells of the base tables (every table that is
// not a whole), each from 0 to its table's published grand total, and
// returns, for each figure, whether some consistent table has it at 0 and
// whether some has it at MinShown or more.
func brute(m *model, base []int) (zero, high []bool, ok bool) {
	type free struct{ v, max int }
	var frees []free
	space := 1.0
	for _, t := range base {
		tb := m.set.Tables[t]
		g := int(m.truth[m.at(t, len(tb.Rows), len(tb.Cols))])
		for r := range tb.Rows {
			for c := range tb.Cols {
				if v := m.at(t, r, c); !m.known(v) {
					frees = append(frees, free{v, g})
					space *= float64(g + 1)
				}
			}
		}
	}
	if space > 3e5 {
		return nil, nil, false
	}
	zero, high = make([]bool, len(m.truth)), make([]bool, len(m.truth))
	x := append([]int64(nil), m.truth...)
	var walk func(k int)
	walk = func(k int) {
		if k < len(frees) {
			for val := 0; val <= frees[k].max; val++ {
				x[frees[k].v] = int64(val)
				walk(k + 1)
			}
			return
		}
		// Derive the margins of the base tables, then the wholes.
		for _, t := range base {
			tb := m.set.Tables[t]
			R, C := len(tb.Rows), len(tb.Cols)
			for r := 0; r <= R; r++ {
				x[m.at(t, r, C)] = 0
			}
			for c := range C {
				x[m.at(t, R, c)] = 0
			}
			for r := range R {
				for c := range C {
					v := x[m.at(t, r, c)]
					x[m.at(t, r, C)] += v
					x[m.at(t, R, c)] += v
					x[m.at(t, R, C)] += v
				}
			}
		}
		for _, s := range m.set.Sums {
			w := -1
			for i, tb := range m.set.Tables {
				if tb.Name == s.Whole {
					w = i
				}
			}
			tb := m.set.Tables[w]
			for r := 0; r <= len(tb.Rows); r++ {
				for c := 0; c <= len(tb.Cols); c++ {
					var sum int64
					for p := range m.set.Tables { // smallSet: every other table is a part
						if p != w {
							sum += x[m.at(p, r, c)]
						}
					}
					x[m.at(w, r, c)] = sum
				}
			}
		}
		for v := range x {
			if m.known(v) && x[v] != m.truth[v] {
				return
			}
		}
		for v := range x {
			zero[v] = zero[v] || x[v] == 0
			high[v] = high[v] || x[v] >= MinShown
		}
	}
	walk(0)
	return zero, high, true
}

func TestAttackerAgreesWithBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 4))
	checked, exposed := 0, 0
	for trial := 0; trial < 500; trial++ {
		set, base := smallSet(rng)
		m, err := build(set)
		if err != nil {
			t.Fatal(err)
		}
		// Start from what Protect publishes, then show some of its
		// secondary cells again, so that some counts are exposed.
		res, err := Protect(set)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		for i, tb := range set.Tables {
			if tb.Hidden {
				continue
			}
			for r, row := range res.Tables[k].Cells {
				for c, sh := range row {
					if v := m.at(i, r, c); sh.Suppressed && (m.sensitive(v) || rng.IntN(3) > 0) {
						m.status[v] = secondaryCell
					}
				}
			}
			k++
		}
		for _, b := range base { // the grand totals bound the enumeration
			tb := set.Tables[b]
			m.status[m.at(b, len(tb.Rows), len(tb.Cols))] = published
		}
		zero, high, ok := brute(m, base)
		if !ok {
			continue
		}
		for v := range m.truth {
			if m.known(v) || !m.sensitive(v) {
				continue
			}
			checked++
			_, got := m.protected(v, nearFirst...)
			want := zero[v] && high[v]
			if !want {
				exposed++
			}
			if got != want {
				t.Errorf("trial %d, %s (true %d): attacker says protected=%v, enumeration says %v (can be 0: %v, can be %d+: %v)\n%s",
					trial, m.describe(v), m.truth[v], got, want, zero[v], MinShown, high[v], dump(m))
			}
		}
	}
	if checked < 200 || exposed < 20 || exposed > checked-20 {
		t.Errorf("checked %d small suppressed counts, %d exposed: too few of one kind to test the attacker", checked, exposed)
	}
	t.Logf("checked %d small suppressed counts against enumeration, %d exposed", checked, exposed)
}

func dump(m *model) string {
	s := ""
	for i, tb := range m.set.Tables {
		s += tb.Name + ":"
		for r := 0; r <= len(tb.Rows); r++ {
			for c := 0; c <= len(tb.Cols); c++ {
				v := m.at(i, r, c)
				if m.known(v) {
					s += fmt.Sprintf(" %d", m.truth[v])
				} else {
					s += fmt.Sprintf(" (%d)", m.truth[v])
				}
			}
			s += " |"
		}
		s += "\n"
	}
	return s
}
