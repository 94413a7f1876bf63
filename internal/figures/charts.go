package figures

import (
	"fmt"
	"strings"

	"github.com/probity/probity/internal/chart"
	"github.com/probity/probity/internal/measures"
)

// A plan says how a measure is drawn: which rows become series and
// whether the categories are the periods (a trend) or the groups of the
// widest period (a comparison).
type plan struct {
	suffix   string // added to the measure's id to make the chart's
	title    string // "" for the measure's title
	kind     chart.Kind
	pick     func(r Row) (series string, ok bool)
	byGroup  bool // categories are the picked rows' first group, for the widest period; series by statistic
	yLabel   string
	decimals int
}

func stat(s measures.Stat, name string) func(Row) (string, bool) {
	return func(r Row) (string, bool) { return name, r.Stat == s }
}

func group(i int, want string) func(Row) bool {
	return func(r Row) bool { return len(r.Group) > i && r.Group[i] == want }
}

var plans = map[string][]plan{
	"days-to-log":           {{kind: chart.Line, pick: either(stat(measures.Median, "Median"), stat(measures.P90, "90th percentile")), yLabel: "Days"}},
	"days-to-first-contact": {{kind: chart.Line, pick: either(stat(measures.Median, "Median"), stat(measures.P90, "90th percentile")), yLabel: "Days"}},
	"days-to-finalise": {{kind: chart.Line, title: "Median days to finalise a complaint, by handling route",
		pick: func(r Row) (string, bool) { return r.Label, r.Stat == measures.Median }, yLabel: "Median days"}},
	"open-by-age": {{kind: chart.StackedBar, yLabel: "Open cases",
		pick: func(r Row) (string, bool) { return r.Label, r.Stat == measures.Count && r.Label != "All open cases" }}},
	"backlog": {{kind: chart.Line, yLabel: "Cases",
		pick: func(r Row) (string, bool) { return r.Label, r.Label != "Open at the start" }}},
	"allegation-outcomes": {
		{kind: chart.Line, title: "Allegations with a case to answer, and upheld", yLabel: "Per cent of allegations decided", decimals: 1,
			pick: func(r Row) (string, bool) {
				return r.Group[1], r.Stat == measures.Share && group(0, "All categories")(r)
			}},
		{suffix: "-by-category", kind: chart.Bar, byGroup: true, title: "Allegations with a case to answer, and upheld, by category",
			yLabel: "Per cent of allegations decided", decimals: 1,
			pick: func(r Row) (string, bool) {
				return r.Group[1], r.Stat == measures.Share && !group(0, "All categories")(r)
			}},
	},
	"repeat-subjects": {{kind: chart.StackedBar, title: "Officers named in two or more cases in five years, by most severe sanction",
		yLabel: "Officers", pick: func(r Row) (string, bool) {
			return r.Group[1], group(0, "2 or more")(r) && r.Stat == measures.Count
		}}},
	"disproportionality": {{kind: chart.Bar, byGroup: true, yLabel: "Ratio to white male officers", decimals: 2,
		title: "Entry to the misconduct system and dismissal against white male officers' rates, by ethnicity and sex",
		pick:  func(r Row) (string, bool) { return r.Group[2], r.Stat == measures.Ratio }}},
	"speakup": {{kind: chart.StackedBar, title: "Speak-up reports received, by category", yLabel: "Reports",
		pick: func(r Row) (string, bool) {
			return r.Group[0], group(1, "Received")(r) && !group(0, "All reports")(r)
		}}},
	"eis-flags": {{kind: chart.Line, yLabel: "Flags", pick: func(r Row) (string, bool) {
		switch {
		case group(0, "Raised")(r) && group(1, "All")(r):
			return "Raised", true
		case group(0, "Reviewed for the first time")(r):
			return "Reviewed for the first time", true
		case group(1, "Intervention chosen")(r):
			return "Intervention chosen", true
		}
		return "", false
	}}},
}

func either(fs ...func(Row) (string, bool)) func(Row) (string, bool) {
	return func(r Row) (string, bool) {
		for _, f := range fs {
			if s, ok := f(r); ok {
				return s, true
			}
		}
		return "", false
	}
}

// charts draws f by its measure's plans; a measure with no plan is drawn
// as a line of each count.
func charts(f Figure) []chart.Chart {
	ps, ok := plans[f.Measure.ID]
	if !ok {
		ps = []plan{{kind: chart.Line, yLabel: strings.ToUpper(f.Measure.Unit[:1]) + f.Measure.Unit[1:],
			pick: func(r Row) (string, bool) { return r.Label, r.Stat == measures.Count }}}
	}
	var out []chart.Chart
	for _, p := range ps {
		if c, ok := draw(f, p); ok {
			out = append(out, c)
		}
	}
	return out
}

func draw(f Figure, p plan) (chart.Chart, bool) {
	c := chart.Chart{ID: f.Measure.ID + p.suffix, Kind: p.kind, Title: p.title, YLabel: p.yLabel, Decimals: p.decimals}
	if c.Title == "" {
		c.Title = f.Measure.Title
	}
	value := func(r Row, cell Cell) chart.Value {
		if !cell.Shown() {
			return chart.Absent(cell.Mark)
		}
		if r.Stat == measures.Share {
			return chart.Num(100 * cell.Value)
		}
		return chart.Num(cell.Value)
	}
	if p.byGroup {
		// One period, the widest: groups along the axis, a series per
		// picked statistic.
		pi := periodOrderOf(f.Periods)[0]
		c.XLabel = "Group"
		if len(f.Measure.Groups) > 0 {
			c.XLabel = f.Measure.Groups[0]
		}
		c.Title += ", " + f.Periods[pi].Label
		cat := map[string]int{}
		ser := map[string]int{}
		type point struct {
			s, c int
			v    chart.Value
		}
		var pts []point
		for _, r := range f.Rows {
			name, ok := p.pick(r)
			if !ok {
				continue
			}
			g := r.Group[0]
			if len(f.Measure.Groups) == 3 {
				g = r.Group[0] + ", " + r.Group[1]
			}
			if _, ok := cat[g]; !ok {
				cat[g] = len(c.Categories)
				c.Categories = append(c.Categories, g)
			}
			if _, ok := ser[name]; !ok {
				ser[name] = len(c.Series)
				c.Series = append(c.Series, chart.Series{Name: name})
			}
			pts = append(pts, point{ser[name], cat[g], value(r, r.Cells[pi])})
		}
		if len(c.Series) == 0 {
			return nothingToDraw(c), true
		}
		if len(c.Series) > chart.MaxSeries {
			return c, false
		}
		for i := range c.Series {
			c.Series[i].Values = make([]chart.Value, len(c.Categories))
			for j := range c.Series[i].Values {
				c.Series[i].Values[j] = chart.Absent(MarkNotApplicable)
			}
		}
		for _, pt := range pts {
			c.Series[pt.s].Values[pt.c] = pt.v
		}
		c.Desc = compareWords(c)
		return c, true
	}
	// A trend: the periods along the axis (the quarters, not their year,
	// which is on another scale), a series per picked row.
	idx := trendPeriods(f.Periods)
	c.XLabel = "Period"
	for _, pi := range idx {
		c.Categories = append(c.Categories, ShortLabel(f.Periods[pi]))
	}
	for _, r := range f.Rows {
		name, ok := p.pick(r)
		if !ok {
			continue
		}
		s := chart.Series{Name: name}
		for _, pi := range idx {
			s.Values = append(s.Values, value(r, r.Cells[pi]))
		}
		c.Series = append(c.Series, s)
	}
	if len(c.Series) == 0 {
		return nothingToDraw(c), true
	}
	if len(c.Series) > chart.MaxSeries {
		return c, false
	}
	c.Desc = trendWords(c, f.Periods, idx)
	return c, true
}

// trendPeriods are the periods a trend is drawn over: those that tile the
// widest, when they do, otherwise all of them.
func trendPeriods(ps []measures.Period) []int {
	if _, parts, ok := tiling(ps); ok {
		return parts
	}
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func periodOrderOf(ps []measures.Period) []int {
	rs := make([]measures.Result, len(ps))
	for i, p := range ps {
		rs[i].Period = p
	}
	return periodOrder(rs)
}

// trendWords says how each series moved from its first figure shown to its
// last, naming the periods.
func trendWords(c chart.Chart, ps []measures.Period, idx []int) string {
	var parts []string
	for _, s := range c.Series {
		first, last := -1, -1
		for i, v := range s.Values {
			if v.Present() {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		name := s.Name
		num := func(i int) string { return chart.FormatNumber(s.Values[i].N, c.Decimals) }
		when := func(i int) string { return ps[idx[i]].Label }
		switch {
		case first < 0:
			parts = append(parts, name+": no figure can be shown.")
		case first == last:
			parts = append(parts, fmt.Sprintf("%s: %s in %s, the only figure shown.", name, num(first), when(first)))
		default:
			a, b := s.Values[first].N, s.Values[last].N
			verb := "was unchanged at"
			switch {
			case b > a:
				verb = "rose from"
			case b < a:
				verb = "fell from"
			}
			if verb == "was unchanged at" {
				parts = append(parts, fmt.Sprintf("%s was %s in %s and in %s.", name, num(first), when(first), when(last)))
			} else {
				parts = append(parts, fmt.Sprintf("%s %s %s in %s to %s in %s.", name, verb, num(first), when(first), num(last), when(last)))
			}
		}
	}
	return strings.Join(parts, " ")
}

// compareWords names the highest and lowest group of each series.
func compareWords(c chart.Chart) string {
	var parts []string
	for _, s := range c.Series {
		hi, lo := -1, -1
		for i, v := range s.Values {
			if !v.Present() {
				continue
			}
			if hi < 0 || v.N > s.Values[hi].N {
				hi = i
			}
			if lo < 0 || v.N < s.Values[lo].N {
				lo = i
			}
		}
		switch {
		case hi < 0:
			parts = append(parts, s.Name+": no figure can be shown.")
		case hi == lo:
			parts = append(parts, fmt.Sprintf("%s: %s for %s.", s.Name, chart.FormatNumber(s.Values[hi].N, c.Decimals), c.Categories[hi]))
		default:
			parts = append(parts, fmt.Sprintf("%s: highest for %s (%s), lowest for %s (%s).", s.Name,
				c.Categories[hi], chart.FormatNumber(s.Values[hi].N, c.Decimals),
				c.Categories[lo], chart.FormatNumber(s.Values[lo].N, c.Decimals)))
		}
	}
	return strings.Join(parts, " ")
}

// nothingToDraw is a chart of a measure with no figures in its periods (a
// year before the first record): the chart says so, and its table too.
func nothingToDraw(c chart.Chart) chart.Chart {
	c.Categories, c.Series = nil, nil
	c.Desc = "There are no figures for these periods."
	return c
}
