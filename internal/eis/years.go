package eis

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Which years an evaluation covers: those the data hold fully, and whose
// findings have been made.

// DataYears returns the years whose allegation count is at least half
// the median year's: the years the data cover fully. A first year that
// holds a few stray old records, or a last year cut short by the date the
// data were published (or by findings not yet made), falls below it.
func DataYears(ds *Dataset) []int {
	per := map[int]int{}
	for _, a := range ds.Allegations {
		per[a.On.Time().Year()]++
	}
	var ns []int
	for _, n := range per {
		ns = append(ns, n)
	}
	if len(ns) == 0 {
		return nil
	}
	slices.Sort(ns)
	median := ns[len(ns)/2]
	var out []int
	for y, n := range per {
		if 2*n >= median {
			out = append(out, y)
		}
	}
	slices.Sort(out)
	return out
}

// YearLeftOut is a year the default evaluation range leaves out, and why.
type YearLeftOut struct {
	Year   int    `json:"year"`
	Reason string `json:"reason"`
}

// CensoredYears lists the data years whose findings are not yet known:
// those whose share of allegations with a recorded finding is below half
// the median data year's share. Findings take years to be made, so the
// last years of an export have most of theirs blank; scored on them, a
// model looks as if it foresaw nothing, and trained on them it learns
// that nobody is upheld.
func CensoredYears(ds *Dataset) []YearLeftOut {
	type tally struct{ n, decided int }
	per := map[int]*tally{}
	for _, a := range ds.Allegations {
		y := a.On.Time().Year()
		t := per[y]
		if t == nil {
			t = &tally{}
			per[y] = t
		}
		t.n++
		if strings.TrimSpace(a.Finding) != "" {
			t.decided++
		}
	}
	years := DataYears(ds)
	if len(years) == 0 {
		return nil
	}
	shares := make([]float64, len(years))
	for i, y := range years {
		shares[i] = float64(per[y].decided) / float64(per[y].n)
	}
	sorted := slices.Clone(shares)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	var out []YearLeftOut
	for i, y := range years {
		if shares[i] < median/2 {
			out = append(out, YearLeftOut{Year: y, Reason: fmt.Sprintf(
				"findings recorded on %.0f%% of its allegations against %.0f%% in the median year (below half): outcomes not yet decided",
				100*shares[i], 100*median)})
		}
	}
	return out
}

// LabelYears are the data years whose findings are complete enough to
// learn from or be measured on: DataYears less CensoredYears.
func LabelYears(ds *Dataset) []int {
	cens := map[int]bool{}
	for _, c := range CensoredYears(ds) {
		cens[c.Year] = true
	}
	var out []int
	for _, y := range DataYears(ds) {
		if !cens[y] {
			out = append(out, y)
		}
	}
	return out
}

// DefaultYears is every label year with PopulationYears years of data
// before it, up to the first censored year; left lists the years after
// the first evaluable one that it leaves out, and why.
func DefaultYears(ds *Dataset, populationYears int) (from, to int, left []YearLeftOut, err error) {
	years := DataYears(ds)
	has := map[int]bool{}
	for _, y := range years {
		has[y] = true
	}
	cens := map[int]string{}
	for _, c := range CensoredYears(ds) {
		cens[c.Year] = c.Reason
	}
	from, to = 0, 0
	stopped := false
	for _, y := range years {
		ok := true
		for k := 1; k <= populationYears; k++ {
			ok = ok && has[y-k]
		}
		if !ok {
			continue
		}
		if r, c := cens[y]; c {
			left = append(left, YearLeftOut{Year: y, Reason: r})
			stopped = true
			continue
		}
		if stopped {
			// The range is one run of years: a complete year after a
			// censored one is left out rather than measured across a hole.
			left = append(left, YearLeftOut{Year: y, Reason: "follows a year whose outcomes are not yet decided"})
			continue
		}
		if from == 0 {
			from = y
		}
		to = y
	}
	if from == 0 {
		return 0, 0, left, fmt.Errorf("no year with complete findings has %d years of data before it", populationYears)
	}
	return from, to, left, nil
}

func yearStart(y int) Day { return DayOf(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)) }
