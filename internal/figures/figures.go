// Package figures turns measure results into what a page or a file shows:
// for one measure over a list of periods (the last four quarters and their
// year, the months of a year), a table of rows with one cell per period,
// the charts that draw them, and CSV rows of the same numbers.
//
// With Options.Protect (anything the public sees) every count first passes
// through disclosure control: small counts, and the counts that would give
// them away, show as "[c]" in tables and are left out of charts with a note;
// a share, rate or ratio over a withheld count is withheld too. The periods
// are linked as the attacker would link them (the quarters add up to their
// year, a stock at the end of the year is the stock at the end of its last
// quarter), so that setting one table against another recovers nothing.
// Without it (staff dashboards) the figures are shown as they are.
//
// It is plain Go over measures.Result: it knows no SQL and no HTTP.
package figures

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/probity/probity/internal/chart"
	"github.com/probity/probity/internal/disclosure"
	"github.com/probity/probity/internal/measures"
)

// Marks a cell shows in place of a figure, after the Government Statistical
// Service's symbols.
const (
	MarkWithheld      = disclosure.Mark // withheld to protect identities
	MarkNotApplicable = "[z]"           // cannot be formed: a share of nothing, a median of no cases
	MarkNoData        = "[x]"           // no figures for the period: not begun, or before the first record
)

// Options says how figures are prepared.
type Options struct {
	// Protect passes every count through disclosure control. Set it for
	// anything shown to the public.
	Protect bool
}

// Cell is one figure as shown.
type Cell struct {
	// Value is the figure in its statistic's terms (a share from 0 to 1);
	// meaningful only when Mark is empty.
	Value float64
	// Text is the figure as a table shows it ("1,234", "42.5%", "[c]").
	Text string
	// Mark is empty for a figure shown, otherwise MarkWithheld,
	// MarkNotApplicable or MarkNoData.
	Mark string
	// Low and High bound a ratio's 95% confidence interval, when shown.
	Low, High float64
}

// Shown reports whether the cell holds a figure.
func (c Cell) Shown() bool { return c.Mark == "" }

// Row is one line of a measure's table: a group and a statistic, with one
// cell per period.
type Row struct {
	Group []string // one label per measure group, in words
	Stat  measures.Stat
	// Label is the group in words ("Handled outside Schedule 3"); StatLabel
	// the statistic with its unit ("Median days").
	Label, StatLabel string
	Cells            []Cell
}

// Figure is one measure ready to render.
type Figure struct {
	Measure measures.Measure
	Periods []measures.Period
	Rows    []Row
	// Charts draw the rows; each has a Desc saying the trend in words and
	// is shown beside its table (chart.Table) or the Rows.
	Charts []chart.Chart
	// Notes say what a reader needs to read the figures: periods with no
	// figures or cut short, and figures withheld.
	Notes []string
	// Withheld counts the cells withheld by disclosure control.
	Withheld int
}

// Input is one measure's results, one per period in the order of the
// periods given to Build.
type Input struct {
	Measure measures.Measure
	Results []measures.Result
}

// Compute works out every measure in ids (every measure when ids is empty)
// for each period with svc, and builds their figures. Each measure is
// counted for all the periods at once (measures.Service.ComputePeriods),
// and a few measures at a time (computeWorkers), as the engine's reader
// pool can answer several queries at once.
func Compute(ctx context.Context, svc *measures.Service, ids []string, periods []measures.Period, f measures.Filter, opt Options) ([]Figure, error) {
	if len(ids) == 0 {
		ids = measures.IDs()
	}
	in := make([]Input, len(ids))
	for i, id := range ids {
		m, ok := measures.Lookup(id)
		if !ok {
			return nil, fmt.Errorf("figures: %q is not a measure", id)
		}
		in[i] = Input{Measure: m}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	errs := make(chan error, computeWorkers)
	var wg sync.WaitGroup
	for range computeWorkers {
		wg.Go(func() {
			for m := range jobs {
				id := in[m].Measure.ID
				rs, err := svc.ComputePeriods(ctx, id, periods, f)
				if err != nil {
					errs <- fmt.Errorf("figures: %s: %w", id, err)
					cancel()
					return
				}
				in[m].Results = rs
			}
		})
	}
send:
	for m := range in {
		select {
		case jobs <- m:
		case <-ctx.Done():
			break send
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	return Build(periods, in, opt)
}

// computeWorkers is how many measures Compute counts at once.
const computeWorkers = 4

// Build prepares the figures of each input over periods. With
// opt.Protect the inputs that share figures (open cases by age and the
// backlog both count the cases open at a period's end) are protected
// together.
func Build(periods []measures.Period, in []Input, opt Options) ([]Figure, error) {
	for _, x := range in {
		if len(x.Results) != len(periods) {
			return nil, fmt.Errorf("figures: %s has %d results for %d periods", x.Measure.ID, len(x.Results), len(periods))
		}
	}
	var verdicts map[string]*verdict
	if opt.Protect {
		var err error
		verdicts, err = protect(periods, in)
		if err != nil {
			return nil, err
		}
	}
	out := make([]Figure, 0, len(in))
	for _, x := range in {
		out = append(out, build(periods, x, verdicts[x.Measure.ID]))
	}
	return out, nil
}

// build lays out one measure's rows, one cell per period; v, when not nil,
// says which figures disclosure control withheld.
func build(periods []measures.Period, x Input, v *verdict) Figure {
	f := Figure{Measure: x.Measure, Periods: slices.Clone(periods)}
	type key struct{ group, stat string }
	index := map[key]int{}
	keyOf := func(r measures.Row) key { return key{strings.Join(r.Group, "\x1f"), string(r.Stat)} }
	// Rows follow the widest period's order (the year holds every group
	// its quarters do); groups seen only elsewhere follow.
	order := periodOrder(x.Results)
	for _, pi := range order {
		for _, r := range x.Results[pi].Rows {
			k := keyOf(r)
			if _, ok := index[k]; ok {
				continue
			}
			index[k] = len(f.Rows)
			f.Rows = append(f.Rows, Row{Group: slices.Clone(r.Group), Stat: r.Stat,
				Label: strings.Join(r.Group, ", "), StatLabel: statLabel(r.Stat, x.Measure.Unit)})
		}
	}
	for i := range f.Rows {
		f.Rows[i].Cells = make([]Cell, len(periods))
	}
	noted := map[string][]string{}
	var notes []string
	for pi, res := range x.Results {
		got := make([]bool, len(f.Rows))
		for ri, r := range res.Rows {
			i := index[keyOf(r)]
			got[i] = true
			c := cellOf(r)
			// A figure that cannot be formed is withheld too when its
			// counts are: that it cannot be formed says one of them is 0.
			if v.withheld(pi, ri) {
				c = Cell{Text: MarkWithheld, Mark: MarkWithheld}
				f.Withheld++
			}
			f.Rows[i].Cells[pi] = c
		}
		for i, ok := range got {
			if ok {
				continue
			}
			switch {
			case res.Empty:
				f.Rows[i].Cells[pi] = Cell{Text: MarkNoData, Mark: MarkNoData}
			case f.Rows[i].Stat == measures.Count:
				// A group the period has no row for had nothing in it.
				f.Rows[i].Cells[pi] = Cell{Text: "0"}
			default:
				f.Rows[i].Cells[pi] = Cell{Text: MarkNotApplicable, Mark: MarkNotApplicable}
			}
		}
		if res.Note != "" {
			noted[res.Note] = append(noted[res.Note], periods[pi].Label)
			if len(noted[res.Note]) == 1 {
				notes = append(notes, res.Note)
			}
		}
	}
	// A note every period shares is said once.
	for _, n := range notes {
		if len(noted[n]) == len(periods) && len(periods) > 1 {
			f.Notes = append(f.Notes, "Every period: "+n)
			continue
		}
		for _, l := range noted[n] {
			f.Notes = append(f.Notes, l+": "+n)
		}
	}
	if f.Withheld > 0 {
		f.Notes = append(f.Notes, fmt.Sprintf("%s marks a figure withheld so that no one can be identified: a count from 1 to %d, "+
			"a figure from which one could be worked out, or a share, rate or ratio made from one.", MarkWithheld, disclosure.MinShown-1))
	}
	f.Charts = charts(f)
	return f
}

// periodOrder lists the period indexes widest first, then in order.
func periodOrder(rs []measures.Result) []int {
	idx := make([]int, len(rs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		da := rs[a].Period.End.Sub(rs[a].Period.Start)
		db := rs[b].Period.End.Sub(rs[b].Period.Start)
		switch {
		case da > db:
			return -1
		case da < db:
			return 1
		}
		return 0
	})
	return idx
}

func cellOf(r measures.Row) Cell {
	if !r.Defined {
		return Cell{Text: MarkNotApplicable, Mark: MarkNotApplicable}
	}
	c := Cell{Value: r.Value, Low: r.Low, High: r.High}
	c.Text = FormatValue(r.Stat, r.Value)
	if r.Stat == measures.Ratio && r.High > 0 {
		c.Text += fmt.Sprintf(" (%s to %s)", FormatValue(r.Stat, r.Low), FormatValue(r.Stat, r.High))
	}
	return c
}

// FormatValue writes a figure as tables show it: counts and days whole,
// shares as a percentage to one place, rates to one place, ratios to two.
func FormatValue(s measures.Stat, v float64) string {
	switch s {
	case measures.Share:
		return chart.FormatNumber(100*v, 1) + "%"
	case measures.Rate:
		return chart.FormatNumber(v, 1)
	case measures.Ratio:
		return chart.FormatNumber(v, 2)
	}
	return chart.FormatNumber(v, 0)
}

func statLabel(s measures.Stat, unit string) string {
	days := unit == "days" || unit == "reports" || unit == "share"
	switch s {
	case measures.Count:
		return "Number"
	case measures.Median:
		if days {
			return "Median days"
		}
		return "Median"
	case measures.P90:
		if days {
			return "90th percentile, days"
		}
		return "90th percentile"
	case measures.Share:
		return "Per cent"
	case measures.Rate:
		return "Per 1,000 officers"
	case measures.Ratio:
		return "Ratio to white male officers (95% interval)"
	}
	return string(s)
}

// ShortLabel names a period briefly, for a chart's axis: "Oct to Dec 2025",
// "Mar 2026", "2026", "Oct 2025 to Sep 2026".
func ShortLabel(p measures.Period) string {
	last := p.End.AddDate(0, 0, -1)
	switch p.Kind {
	case measures.Year:
		return p.Start.Format("2006")
	case measures.Month:
		return p.Start.Format("Jan 2006")
	case measures.Quarter:
		return p.Start.Format("Jan") + " to " + last.Format("Jan 2006")
	}
	if p.Start.Day() == 1 && p.End.Day() == 1 {
		return p.Start.Format("Jan 2006") + " to " + last.Format("Jan 2006")
	}
	return p.Start.Format("2 Jan 2006") + " to " + last.Format("2 Jan 2006")
}

// LastQuarters is the n complete quarters before now, oldest first.
func LastQuarters(now time.Time, n int) []measures.Period {
	now = now.UTC()
	y, q := now.Year(), (int(now.Month())-1)/3+1
	out := make([]measures.Period, n)
	for i := n - 1; i >= 0; i-- {
		q--
		if q == 0 {
			y, q = y-1, 4
		}
		out[i] = measures.QuarterOf(y, q)
	}
	return out
}

// Span is the period from the start of the first of ps to the end of the
// last: a calendar year when it is one, otherwise the days between.
func Span(ps []measures.Period) measures.Period {
	start, end := ps[0].Start, ps[len(ps)-1].End
	if start.Month() == time.January && start.Day() == 1 && end.Equal(start.AddDate(1, 0, 0)) {
		return measures.YearOf(start.Year())
	}
	p := measures.Range(start, end.AddDate(0, 0, -1))
	if start.Day() == 1 && end.Day() == 1 {
		p.Label = start.Format("January 2006") + " to " + end.AddDate(0, 0, -1).Format("January 2006")
	}
	return p
}

// QuartersAndYear is the last four complete quarters before now and the
// year they make, in that order: what the public portal shows.
func QuartersAndYear(now time.Time) []measures.Period {
	qs := LastQuarters(now, 4)
	return append(qs, Span(qs))
}
