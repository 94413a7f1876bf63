package disclosure

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func table(name string, rows, cols []string, counts ...[]int) Table {
	return Table{Name: name, Rows: rows, Cols: cols, Counts: counts}
}

var (
	outcomes = []string{"Upheld", "Not upheld", "Withdrawn"}
	groups   = []string{"Asian", "Black", "Mixed", "White"}
)

// shownGrid renders a published table compactly for messages and checks:
// rows separated by "|", the totals last.
func shownGrid(p Published) string {
	var rows []string
	for _, row := range p.Cells {
		var cells []string
		for _, s := range row {
			cells = append(cells, s.String())
		}
		rows = append(rows, strings.Join(cells, " "))
	}
	return strings.Join(rows, " | ")
}

// mustProtect protects set and plays the attacker against the result.
func mustProtect(t *testing.T, set Set) Result {
	t.Helper()
	res, err := Protect(set)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := Attack(set, res.Tables)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range exp {
		t.Errorf("attacker: %s", e)
	}
	checkFaithful(t, set, res)
	return res
}

// checkFaithful checks that every figure shown is the true one and every
// small count is hidden.
func checkFaithful(t *testing.T, set Set, res Result) {
	t.Helper()
	m, err := build(set)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for i, tb := range set.Tables {
		if tb.Hidden {
			continue
		}
		p := res.Tables[k]
		k++
		for r, row := range p.Cells {
			for c, s := range row {
				v := m.at(i, r, c)
				if !s.Suppressed && (int64(s.Count) != m.truth[v] || m.sensitive(v)) {
					t.Errorf("%s shows %d, true count %d", m.describe(v), s.Count, m.truth[v])
				}
			}
		}
	}
}

func TestPrimaryAndSecondaryInOneTable(t *testing.T) {
	set := Set{Tables: []Table{table("Outcomes by group", groups, outcomes,
		[]int{10, 25, 7},
		[]int{3, 30, 12},
		[]int{9, 14, 6},
		[]int{40, 80, 22},
	)}}
	res := mustProtect(t, set)
	p := res.Tables[0]
	if !p.Cell(1, 0).Suppressed {
		t.Errorf("the count of 3 is shown: %s", shownGrid(p))
	}
	if res.Primary != 1 || res.Secondary < 3 {
		t.Errorf("primary %d, secondary %d: want 1 and at least 3 (a rectangle): %s", res.Primary, res.Secondary, shownGrid(p))
	}
	if p.Total().Suppressed {
		t.Errorf("the grand total was suppressed needlessly: %s", shownGrid(p))
	}
}

func TestNoSmallCountsNoSuppression(t *testing.T) {
	set := Set{Tables: []Table{table("t", outcomes[:2], groups[:2], []int{10, 0}, []int{7, 12})}}
	res := mustProtect(t, set)
	if res.Primary+res.Secondary != 0 {
		t.Errorf("suppressed %d+%d with no small count: %s", res.Primary, res.Secondary, shownGrid(res.Tables[0]))
	}
	if got := shownGrid(res.Tables[0]); got != "10 0 10 | 7 12 19 | 17 12 29" {
		t.Errorf("published %q", got)
	}
}

func TestSmallMarginsAreSuppressed(t *testing.T) {
	// A row of 1 and 2 totals 3: both cells and the row total are small,
	// and a column total of 5 with a 2 in it could give the 2 back.
	set := Set{Tables: []Table{table("t", []string{"a", "b", "c"}, []string{"x", "y"},
		[]int{1, 2}, []int{3, 40}, []int{20, 30})}}
	res := mustProtect(t, set)
	p := res.Tables[0]
	for _, rc := range [][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}} {
		if !p.Cell(rc[0], rc[1]).Suppressed {
			t.Errorf("cell %v is shown: %s", rc, shownGrid(p))
		}
	}
}

func TestQuartersAgainstTheYear(t *testing.T) {
	qs := []string{"Q1", "Q2", "Q3", "Q4"}
	counts := [][][]int{
		{{3, 20}, {15, 11}},
		{{6, 18}, {2, 9}},
		{{0, 25}, {12, 14}},
		{{8, 21}, {10, 7}},
	}
	rows, cols := []string{"Unit A", "Unit B"}, []string{"Upheld", "Not upheld"}
	set := Set{Sums: []Sum{{Whole: "Year", Parts: qs}}}
	year := [][]int{{0, 0}, {0, 0}}
	for i, q := range qs {
		set.Tables = append(set.Tables, table(q, rows, cols, counts[i]...))
		for r := range 2 {
			for c := range 2 {
				year[r][c] += counts[i][r][c]
			}
		}
	}
	set.Tables = append(set.Tables, table("Year", rows, cols, year...))
	res := mustProtect(t, set)
	y, _ := res.Table("Year")
	if y.Cell(0, 0).Suppressed && y.Cell(1, 1).Suppressed && y.Total().Suppressed {
		t.Errorf("the year is mostly suppressed: %s", shownGrid(y))
	}
}

func TestUnitAgainstTheForce(t *testing.T) {
	// The force and one unit are published; the rest of the force is not,
	// but is the force less the unit, and its small counts are protected.
	rows, cols := []string{"Male", "Female"}, []string{"Dismissed", "Not dismissed"}
	set := Set{
		Tables: []Table{
			table("Force", rows, cols, []int{9, 200}, []int{6, 150}),
			table("Unit A", rows, cols, []int{7, 60}, []int{6, 40}),
			{Name: "Rest of force", Rows: rows, Cols: cols, Counts: [][]int{{2, 140}, {0, 110}}, Hidden: true},
		},
		Sums: []Sum{{Whole: "Force", Parts: []string{"Unit A", "Rest of force"}}},
	}
	res := mustProtect(t, set)
	f, _ := res.Table("Force")
	u, _ := res.Table("Unit A")
	if !f.Cell(0, 0).Suppressed && !u.Cell(0, 0).Suppressed {
		t.Errorf("force and unit both show dismissed men, which differ by 2: %s / %s", shownGrid(f), shownGrid(u))
	}
	if len(res.Tables) != 2 {
		t.Errorf("the hidden table was published")
	}
}

// TestAttackerFindsWhatPrimarySuppressionLeaves checks the attacker is not
// vacuous: hiding only the small counts leaves them to be worked out.
func TestAttackerFindsWhatPrimarySuppressionLeaves(t *testing.T) {
	set := Set{Tables: []Table{table("t", []string{"a", "b"}, []string{"x", "y", "z"},
		[]int{3, 10, 12}, []int{20, 30, 40})}}
	pub := []Published{{Name: "t", Rows: set.Tables[0].Rows, Cols: set.Tables[0].Cols, Cells: [][]Shown{
		{{Suppressed: true}, {Count: 10}, {Count: 12}, {Count: 25}},
		{{Count: 20}, {Count: 30}, {Count: 40}, {Count: 90}},
		{{Count: 23}, {Count: 40}, {Count: 52}, {Count: 115}},
	}}}
	exp, err := Attack(set, pub)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) != 1 || exp[0].Row != "a" || exp[0].Col != "x" || !strings.Contains(exp[0].Reason, "at least 1") {
		t.Errorf("exposures %v, want the 3 in row a, column x", exp)
	}
	// Suppressing its row partner and the rectangle's corner still leaves
	// the cell pinned if the partner is small: 3 + 1 = 4 in the row.
	set.Tables[0].Counts[0][1] = 1
	pub[0].Cells[0] = []Shown{{Suppressed: true}, {Suppressed: true}, {Count: 12}, {Count: 16}}
	pub[0].Cells[1] = []Shown{{Suppressed: true}, {Suppressed: true}, {Count: 40}, {Count: 90}}
	pub[0].Cells[2] = []Shown{{Count: 23}, {Count: 31}, {Count: 52}, {Count: 106}}
	exp, err = Attack(set, pub)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) != 2 || !strings.Contains(exp[0].Reason, "at most 4") {
		t.Errorf("exposures %v, want the 3 and the 1 shown to be at most 4", exp)
	}
}

func TestAttackRefusesUnfaithfulTables(t *testing.T) {
	set := Set{Tables: []Table{table("t", []string{"a"}, []string{"x"}, []int{7})}}
	pub := []Published{{Name: "t", Rows: []string{"a"}, Cols: []string{"x"}, Cells: [][]Shown{{{Count: 8}, {Count: 7}}, {{Count: 7}, {Count: 7}}}}}
	if _, err := Attack(set, pub); err == nil {
		t.Error("a figure published wrong was accepted")
	}
}

func TestOmittedMargins(t *testing.T) {
	set := Set{Tables: []Table{{Name: "By group", Rows: groups, Cols: []string{"Officers"},
		Counts: [][]int{{40}, {3}, {12}, {300}}, OmitRowTotals: true}}}
	res := mustProtect(t, set)
	p := res.Tables[0]
	for r := range p.Cells {
		if !p.Cell(r, 1).Suppressed {
			t.Errorf("omitted row total %d is shown", r)
		}
	}
	if !p.Cell(1, 0).Suppressed {
		t.Errorf("3 is shown: %s", shownGrid(p))
	}
}

func TestRate(t *testing.T) {
	for _, tc := range []struct {
		num, den Shown
		want     float64
		ok       bool
	}{
		{Shown{Count: 5}, Shown{Count: 20}, 25, true},
		{Shown{Suppressed: true}, Shown{Count: 20}, 0, false},
		{Shown{Count: 5}, Shown{Suppressed: true}, 0, false},
		{Shown{Count: 0}, Shown{Count: 0}, 0, false},
	} {
		got, ok := Rate(tc.num, tc.den, 100)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Rate(%v, %v) = %v, %v; want %v, %v", tc.num, tc.den, got, ok, tc.want, tc.ok)
		}
	}
}

func TestShownString(t *testing.T) {
	for s, want := range map[Shown]string{
		{Count: 0}: "0", {Count: 999}: "999", {Count: 1000}: "1,000", {Count: 1234567}: "1,234,567", {Suppressed: true, Count: 3}: "[c]",
	} {
		if got := s.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", s, got, want)
		}
	}
}

func TestInvalidSets(t *testing.T) {
	ok := table("t", []string{"a"}, []string{"x"}, []int{1})
	for name, set := range map[string]Set{
		"no name":           {Tables: []Table{table("", []string{"a"}, []string{"x"}, []int{1})}},
		"duplicate name":    {Tables: []Table{ok, ok}},
		"duplicate key":     {Tables: []Table{table("t", []string{"a", "a"}, []string{"x"}, []int{1}, []int{2})}},
		"ragged":            {Tables: []Table{table("t", []string{"a"}, []string{"x", "y"}, []int{1})}},
		"negative":          {Tables: []Table{table("t", []string{"a"}, []string{"x"}, []int{-1})}},
		"unknown whole":     {Tables: []Table{ok}, Sums: []Sum{{Whole: "u", Parts: []string{"t"}}}},
		"parts do not add":  {Tables: []Table{ok, table("u", []string{"a"}, []string{"x"}, []int{2})}, Sums: []Sum{{Whole: "u", Parts: []string{"t"}}}},
		"keys do not match": {Tables: []Table{ok, table("u", []string{"b"}, []string{"x"}, []int{1})}, Sums: []Sum{{Whole: "u", Parts: []string{"t"}}}},
		"empty":             {Tables: []Table{table("t", nil, []string{"x"})}},
	} {
		if _, err := Protect(set); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

// randomCounts fills a table with counts drawn so that small ones are
// common, as they are when a force's figures are cut by unit and group.
func randomCounts(rng *rand.Rand, rows, cols int) [][]int {
	out := make([][]int, rows)
	for r := range out {
		out[r] = make([]int, cols)
		for c := range out[r] {
			switch rng.IntN(4) {
			case 0:
				out[r][c] = rng.IntN(5) // 0 to 4
			case 1:
				out[r][c] = rng.IntN(12)
			default:
				out[r][c] = 5 + rng.IntN(60)
			}
		}
	}
	return out
}

func keys(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

// randomYear makes quarters tables (rows x cols each) and their year.
func randomYear(rng *rand.Rand, rows, cols int) Set {
	rk, ck := keys("r", rows), keys("c", cols)
	set := Set{Sums: []Sum{{Whole: "Year", Parts: []string{"Q1", "Q2", "Q3", "Q4"}}}}
	year := make([][]int, rows)
	for r := range year {
		year[r] = make([]int, cols)
	}
	for _, q := range []string{"Q1", "Q2", "Q3", "Q4"} {
		counts := randomCounts(rng, rows, cols)
		for r := range counts {
			for c := range counts[r] {
				year[r][c] += counts[r][c]
			}
		}
		set.Tables = append(set.Tables, Table{Name: q, Rows: rk, Cols: ck, Counts: counts})
	}
	set.Tables = append(set.Tables, Table{Name: "Year", Rows: rk, Cols: ck, Counts: year})
	return set
}

func TestPropertyRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2026))
	for i := range 60 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(5)
		set := Set{Tables: []Table{{Name: "t", Rows: keys("r", rows), Cols: keys("c", cols), Counts: randomCounts(rng, rows, cols)}}}
		t.Run(fmt.Sprintf("single-%d-%dx%d", i, rows, cols), func(t *testing.T) { mustProtect(t, set) })
	}
}

func TestPropertyRandomLinkedTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2026))
	for i := range 12 {
		rows, cols := 1+rng.IntN(4), 1+rng.IntN(3)
		set := randomYear(rng, rows, cols)
		t.Run(fmt.Sprintf("year-%d-%dx%d", i, rows, cols), func(t *testing.T) { mustProtect(t, set) })
	}
}

func TestLargeLinkedTables(t *testing.T) {
	if testing.Short() {
		t.Skip("four 20 by 10 quarters and their year take some seconds")
	}
	// 10 by 6 is searched thoroughly, 20 by 10 near each cell only.
	for _, size := range [][2]int{{10, 6}, {20, 10}} {
		rng := rand.New(rand.NewPCG(20, 10))
		set := randomYear(rng, size[0], size[1])
		res := mustProtect(t, set)
		t.Logf("%dx%d, four quarters and the year: %d primary, %d secondary of %d figures",
			size[0], size[1], res.Primary, res.Secondary, 5*(size[0]+1)*(size[1]+1))
	}
}

// FuzzProtect reads a set of tables from arbitrary bytes (one table, or two
// quarters and their year when the first byte is odd) and checks that
// whatever Protect publishes is faithful and gives the attacker nothing.
func FuzzProtect(f *testing.F) {
	f.Add([]byte{0, 0x23, 3, 10, 12, 1, 0, 40, 2})
	f.Add([]byte{1, 0x12, 1, 2, 3, 4, 9, 9, 0, 7, 4, 4})
	f.Add([]byte{0, 0x00, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		linked := data[0]%2 == 1
		rows, cols := 1+int(data[1]>>4)%4, 1+int(data[1]&15)%4
		next := 2
		grid := func() [][]int {
			g := make([][]int, rows)
			for r := range g {
				g[r] = make([]int, cols)
				for c := range g[r] {
					if next < len(data) {
						g[r][c] = int(data[next]) % 40
						next++
					}
				}
			}
			return g
		}
		rk, ck := keys("r", rows), keys("c", cols)
		set := Set{Tables: []Table{{Name: "Q1", Rows: rk, Cols: ck, Counts: grid()}}}
		if linked {
			q2 := grid()
			year := grid()
			for r := range year {
				for c := range year[r] {
					year[r][c] = set.Tables[0].Counts[r][c] + q2[r][c]
				}
			}
			set.Tables = append(set.Tables, Table{Name: "Q2", Rows: rk, Cols: ck, Counts: q2}, Table{Name: "Year", Rows: rk, Cols: ck, Counts: year})
			set.Sums = []Sum{{Whole: "Year", Parts: []string{"Q1", "Q2"}}}
		}
		mustProtect(t, set)
	})
}
