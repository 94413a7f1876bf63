package figures

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/chart"
	"github.com/probity/probity/internal/disclosure"
	"github.com/probity/probity/internal/measures"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the figures built now")

// testNow is a moment in the fourth quarter of 2026: the portal shows
// the four quarters before it and their year.
var testNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func compute(t testing.TB, src measures.Source, opt Options) ([]measures.Period, []Figure) {
	t.Helper()
	periods := QuartersAndYear(testNow)
	svc := measures.New(src, func() time.Time { return testNow })
	fs, err := Compute(context.Background(), svc, nil, periods, measures.Filter{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return periods, fs
}

// render writes figures as text a reviewer can read: each measure's rows
// and cells, its charts' descriptions and its notes.
func render(fs []Figure) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "# %s (%s), %d withheld\n", f.Measure.ID, f.Measure.Title, f.Withheld)
		for _, r := range f.Rows {
			fmt.Fprintf(&b, "%-60s", r.Label+" | "+r.StatLabel)
			for _, c := range r.Cells {
				fmt.Fprintf(&b, " %10s", c.Text)
			}
			b.WriteString("\n")
		}
		for _, c := range f.Charts {
			fmt.Fprintf(&b, "chart %s (%d series over %d categories): %s\n", c.ID, len(c.Series), len(c.Categories), c.Desc)
		}
		for _, n := range f.Notes {
			fmt.Fprintf(&b, "note: %s\n", n)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/figures -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the figures built now; look at both and run with -update if the change is meant\ngot:\n%s", path, got)
	}
}

func TestFiguresGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"staff.golden", Options{}},
		{"public.golden", Options{Protect: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fs := compute(t, monthly{seed: 1, scale: 1}, tc.opt)
			if len(fs) != len(measures.IDs()) {
				t.Fatalf("%d figures for %d measures", len(fs), len(measures.IDs()))
			}
			golden(t, tc.name, render(fs))
			for _, f := range fs {
				for _, c := range f.Charts {
					if _, err := chart.SVG(c); err != nil {
						t.Errorf("%s: %v", c.ID, err)
					}
					if c.Desc == "" {
						t.Errorf("%s has no description", c.ID)
					}
				}
			}
		})
	}
}

// TestPublicShowsNoSmallCount: whatever the data, a count shown to the
// public is 0 or at least disclosure.MinShown, and a figure made from a
// withheld count is withheld; staff see every count.
func TestPublicShowsNoSmallCount(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opt       Options
		wantSmall bool
	}{
		{"public", Options{Protect: true}, false},
		{"staff", Options{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			small := 0
			for seed := range 4 {
				_, fs := compute(t, monthly{seed: seed, scale: 1}, tc.opt)
				for _, f := range fs {
					for _, r := range f.Rows {
						for _, c := range r.Cells {
							if r.Stat == measures.Count && c.Shown() && c.Value >= 1 && c.Value < disclosure.MinShown {
								small++
							}
						}
					}
				}
			}
			if (small > 0) != tc.wantSmall {
				t.Errorf("%d small counts shown; want some: %v", small, tc.wantSmall)
			}
		})
	}
}

// TestAttackerRecoversNothing plays disclosure.Attack against every table
// the public figures of a year publish: the four quarters and their year
// of every measure, linked as a reader could link them. What the reader
// knows is taken from the figures shown, not from what disclosure
// control decided, and generously: every count behind any figure shown
// (a share gives its numerator and denominator) is taken as known.
func TestAttackerRecoversNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     monthly
		opt     Options
		exposed bool
	}{
		{"public, small counts", monthly{seed: 1, scale: 1}, Options{Protect: true}, false},
		{"public, another seed", monthly{seed: 3, scale: 1}, Options{Protect: true}, false},
		{"public, larger counts", monthly{seed: 2, scale: 3}, Options{Protect: true}, false},
		{"staff figures would expose", monthly{seed: 1, scale: 1}, Options{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			periods, fs := compute(t, tc.src, tc.opt)
			in := inputs(t, tc.src, periods)
			exposures := attack(t, periods, in, fs)
			if (len(exposures) > 0) != tc.exposed {
				t.Errorf("%d exposures, want some: %v", len(exposures), tc.exposed)
				for i, e := range exposures {
					if i < 10 {
						t.Log(e)
					}
				}
			}
		})
	}
}

func inputs(t testing.TB, src measures.Source, periods []measures.Period) []Input {
	t.Helper()
	svc := measures.New(src, func() time.Time { return testNow })
	var in []Input
	for _, m := range measures.Catalogue() {
		x := Input{Measure: m}
		for _, p := range periods {
			r, err := svc.Compute(context.Background(), m.ID, p, measures.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			x.Results = append(x.Results, r)
		}
		in = append(in, x)
	}
	return in
}

// attack builds the whole set the figures come from, reads what fs
// shows of each of its figures, and runs the attacker.
func attack(t *testing.T, periods []measures.Period, in []Input, fs []Figure) []disclosure.Exposure {
	t.Helper()
	n, all := buildNet(periods, in)
	known := map[string]bool{} // table@period|row|col
	key := func(q string, pi int, r ref) string { return tableName(q, pi) + "|" + r.row + "|" + r.col }
	for mi, x := range in {
		f := fs[mi]
		for pi, s := range all[mi] {
			for ri, refs := range s.refs {
				row := x.Results[pi].Rows[ri]
				shown := false
				for _, fr := range f.Rows {
					if strings.Join(fr.Group, "\x1f") == strings.Join(row.Group, "\x1f") && fr.Stat == row.Stat {
						shown = fr.Cells[pi].Shown() || fr.Cells[pi].Mark == MarkNotApplicable
					}
				}
				if !shown {
					continue
				}
				for _, r := range refs {
					known[key(x.Measure.ID+"/"+r.block, pi, r)] = true
				}
			}
		}
	}
	var pub []disclosure.Published
	for _, tb := range n.set.Tables {
		if tb.Hidden {
			continue
		}
		name, pi := splitName(tb.Name)
		p := disclosure.Published{Name: tb.Name, Rows: tb.Rows, Cols: tb.Cols}
		for r := 0; r <= len(tb.Rows); r++ {
			row := make([]disclosure.Shown, len(tb.Cols)+1)
			for c := 0; c <= len(tb.Cols); c++ {
				rk := ""
				if r < len(tb.Rows) {
					rk = tb.Rows[r]
				}
				ck := ""
				if c < len(tb.Cols) {
					ck = tb.Cols[c]
				}
				truth := cellTruth(tb, r, c)
				switch {
				case c == len(tb.Cols) || (r == len(tb.Rows) && tb.OmitColTotals):
					row[c] = disclosure.Shown{Suppressed: true}
				case known[key(name, pi, ref{row: rk, col: ck})]:
					row[c] = disclosure.Shown{Count: truth}
				default:
					row[c] = disclosure.Shown{Suppressed: true}
				}
			}
			p.Cells = append(p.Cells, row)
		}
		pub = append(pub, p)
	}
	ex, err := disclosure.Attack(n.set, pub)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func splitName(s string) (string, int) {
	i := strings.LastIndex(s, "@")
	var pi int
	fmt.Sscan(s[i+1:], &pi)
	return s[:i], pi
}

func cellTruth(t disclosure.Table, r, c int) int {
	sum := 0
	for ri := range t.Rows {
		for ci := range t.Cols {
			if (r == len(t.Rows) || r == ri) && (c == len(t.Cols) || c == ci) {
				sum += t.Counts[ri][ci]
			}
		}
	}
	return sum
}

func TestCSV(t *testing.T) {
	_, fs := compute(t, monthly{seed: 1, scale: 1}, Options{Protect: true})
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(CSVHeader)
	for _, f := range fs {
		if f.Measure.ID == "backlog" || f.Measure.ID == "disproportionality" {
			w.WriteAll(CSV(f, 0, 4))
		}
	}
	w.Flush()
	golden(t, "public.csv.golden", b.String())
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if len(r) != len(CSVHeader) {
			t.Fatalf("row %q has %d columns", r, len(r))
		}
		if (r[8] == "") == (r[9] == "") {
			t.Errorf("row %q: want a value or a marker, not both or neither", r)
		}
	}
}

func TestPeriods(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, tc := range []struct {
		now   string
		want  []string
		span  string
		short []string
	}{
		{"2026-11-20", []string{"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"}, "2025-10-01/2026-09-30",
			[]string{"Oct to Dec 2025", "Jan to Mar 2026", "Apr to Jun 2026", "Jul to Sep 2026", "Oct 2025 to Sep 2026"}},
		{"2026-01-01", []string{"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}, "2025",
			[]string{"Jan to Mar 2025", "Apr to Jun 2025", "Jul to Sep 2025", "Oct to Dec 2025", "2025"}},
		{"2026-03-31", []string{"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}, "2025", nil},
		{"2026-04-01", []string{"2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"}, "2025-04-01/2026-03-31", nil},
	} {
		ps := QuartersAndYear(d(tc.now))
		var got []string
		for _, p := range ps[:4] {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") || ps[4].String() != tc.span {
			t.Errorf("%s: got %v and %s, want %v and %s", tc.now, got, ps[4], tc.want, tc.span)
		}
		if w, parts, ok := tiling(ps); !ok || w != 4 || len(parts) != 4 {
			t.Errorf("%s: the quarters do not tile their year: %d %v %v", tc.now, w, parts, ok)
		}
		for i, s := range tc.short {
			if g := ShortLabel(ps[i]); g != s {
				t.Errorf("%s: period %d is %q, want %q", tc.now, i, g, s)
			}
		}
	}
	if _, _, ok := tiling(LastQuarters(d("2026-11-20"), 4)); ok {
		t.Error("four quarters with no year were taken as tiling one another")
	}
	if _, _, ok := tiling([]measures.Period{measures.QuarterOf(2025, 1), measures.QuarterOf(2025, 3), measures.YearOf(2025)}); ok {
		t.Error("quarters with a gap were taken as tiling the year")
	}
}

// TestEmptyPeriodsStillChart: a measure with no figures in any period (a
// year before the first record) still has a chart and a table saying so.
func TestEmptyPeriodsStillChart(t *testing.T) {
	svc := measures.New(monthly{seed: 1, scale: 1}, func() time.Time { return testNow })
	periods := []measures.Period{measures.QuarterOf(2019, 1), measures.QuarterOf(2019, 2), measures.QuarterOf(2019, 3),
		measures.QuarterOf(2019, 4), measures.YearOf(2019)}
	for _, opt := range []Options{{}, {Protect: true}} {
		fs, err := Compute(context.Background(), svc, nil, periods, measures.Filter{}, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if len(f.Charts) == 0 {
				t.Errorf("%s: no chart", f.Measure.ID)
				continue
			}
			svg, err := chart.SVG(f.Charts[0])
			if err != nil || !strings.Contains(string(svg), "No figures to show") {
				t.Errorf("%s: %v %s", f.Measure.ID, err, svg)
			}
			tbl, err := chart.Table(f.Charts[0])
			if err != nil || !strings.Contains(string(tbl), "No figures for this period") {
				t.Errorf("%s: %v %s", f.Measure.ID, err, tbl)
			}
			if len(f.Notes) == 0 {
				t.Errorf("%s: nothing says why there are no figures", f.Measure.ID)
			}
		}
	}
}
