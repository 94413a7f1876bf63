package measures

import (
	"context"
	"math"
	"slices"
	"strings"
)

// z95 is the standard normal quantile for a two-sided 95% interval.
const z95 = 1.959963984540054

// KatzRatio is the ratio of two proportions, a/n over c/m, and its 95%
// confidence interval by the Katz log method:
// exp(ln R +/- z * sqrt(1/a - 1/n + 1/c - 1/m)). ok is false when the ratio
// or its interval cannot be formed: a group with no one in it, or no
// event in either group.
func KatzRatio(a, n, c, m int) (ratio, low, high float64, ok bool) {
	if a <= 0 || c <= 0 || n <= 0 || m <= 0 || a > n || c > m {
		return 0, 0, 0, false
	}
	ratio = (float64(a) / float64(n)) / (float64(c) / float64(m))
	se := math.Sqrt(1/float64(a) - 1/float64(n) + 1/float64(c) - 1/float64(m))
	return ratio, ratio * math.Exp(-z95*se), ratio * math.Exp(z95*se), true
}

// NearestRank is the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank rule: the ceil(p*n/100)-th value. It is the rule the store
// applies in SQL; it is here to state it in Go and test it.
func NearestRank(sorted []int, p int) (int, bool) {
	n := len(sorted)
	if n == 0 {
		return 0, false
	}
	return sorted[(p*n+99)/100-1], true
}

// The reference group disproportionality ratios are taken against.
const (
	RefEthnicity = "white"
	RefSex       = "male"
)

func disproportionality(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
	gss, err := src.OfficerGroupsByPeriod(ctx, s, spans)
	return rowsOf(gss, err, disproportionalityRows)
}

func disproportionalityRows(gs []GroupCounts) []Row {
	slices.SortFunc(gs, func(a, b GroupCounts) int {
		if c := strings.Compare(a.Ethnicity, b.Ethnicity); c != 0 {
			return c
		}
		return strings.Compare(a.Sex, b.Sex)
	})
	var ref GroupCounts
	for _, g := range gs {
		if g.Ethnicity == RefEthnicity && g.Sex == RefSex {
			ref = g
		}
	}
	var rows []Row
	for _, g := range gs {
		group := []string{recordedWords(g.Ethnicity), recordedWords(g.Sex)}
		rows = append(rows, countRow(g.Officers, append(slices.Clone(group), "Officers in post")...))
		for _, ev := range []struct {
			what string
			a, c int
		}{
			{"Entered the misconduct system", g.Entered, ref.Entered},
			{"Dismissed", g.Dismissed, ref.Dismissed},
		} {
			gr := append(slices.Clone(group), ev.what)
			rate := Row{Group: gr, Stat: Rate, N: ev.a, Num: ev.a, Den: g.Officers}
			if g.Officers > 0 {
				rate.Value, rate.Defined = 1000*float64(ev.a)/float64(g.Officers), true
			}
			ratio := Row{Group: gr, Stat: Ratio, N: ev.a, Num: ev.a, Den: g.Officers}
			if g == ref {
				// The reference group against itself: 1 by definition, with
				// no interval.
				ratio.Value, ratio.Defined = 1, ev.a > 0
			} else if r, lo, hi, ok := KatzRatio(ev.a, g.Officers, ev.c, ref.Officers); ok {
				ratio.Value, ratio.Low, ratio.High, ratio.Defined = r, lo, hi, true
			}
			rows = append(rows, rate, ratio)
		}
	}
	return rows
}

// recordedWords shows a recorded ethnicity or sex: its code with a
// capital, or "Not recorded".
func recordedWords(s string) string {
	if s == "" {
		return "Not recorded"
	}
	return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ")
}
