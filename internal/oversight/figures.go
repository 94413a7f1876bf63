package oversight

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/disclosure"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
)

// Computer works out a published measure; *measures.Service is one.
type Computer interface {
	Compute(ctx context.Context, id string, p measures.Period, f measures.Filter) (measures.Result, error)
}

// Point is one value of a commitment's figure: the measure for one
// quarter, taken at the end of the quarter (or now, for the quarter under
// way).
type Point struct {
	Period string    `json:"period"`
	At     time.Time `json:"at"`
	Value  float64   `json:"value"`
	N      int       `json:"n"`
}

// Status says whether a commitment is on track.
type Status string

const (
	OnTrack  Status = "on-track"
	OffTrack Status = "off-track"
	TooEarly Status = "too-early"
	Met      Status = "met"
	Missed   Status = "missed"
	NoFigure Status = "no-figure"
)

// Name is the status in words, for a tag.
func (s Status) Name() string {
	switch s {
	case OnTrack:
		return "On track"
	case OffTrack:
		return "Off track"
	case TooEarly:
		return "Too early to tell"
	case Met:
		return "Target met"
	case Missed:
		return "Target missed"
	case NoFigure:
		return "No figure"
	}
	return string(s)
}

// Figure is a commitment's live figure: the measure now, the quarterly
// values since the plan was submitted, the value the trend projects at the
// target date and the verdict of the on-track rule, with its reasoning in
// words (or why the measure could not be computed).
type Figure struct {
	Title     string   `json:"title"`
	Unit      string   `json:"unit"`
	Now       *Point   `json:"now,omitempty"`
	Points    []Point  `json:"points"`
	Projected *float64 `json:"projected,omitempty"`
	Status    Status   `json:"status"`
	Why       string   `json:"why"`
	// Withheld counts quarters whose figure rests on too few records to
	// publish (public figures only).
	Withheld int `json:"withheld,omitempty"`
}

// MaxQuarters bounds the quarters a figure is computed for: the latest
// eight since the plan, so a long-running plan costs no more to show.
const MaxQuarters = 8

// Live computes a commitment's figure by quarters from the quarter its
// plan was submitted in (since) to the one under way at now. Public
// figures leave out any value resting on fewer than disclosure.MinShown
// records, as every published table does, and the trend is drawn without
// them.
func Live(ctx context.Context, comp Computer, c Commitment, since, now time.Time, public bool) Figure {
	fig := Figure{Points: []Point{}, Status: NoFigure}
	m, ok := measures.Lookup(c.Measure)
	if !ok {
		fig.Why = fmt.Sprintf("The measure %q is not in the catalogue, so it cannot be computed.", c.Measure)
		return fig
	}
	fig.Title, fig.Unit = m.Title, m.Unit
	quarters := quartersBetween(since, now)
	found := false
	for _, q := range quarters {
		res, err := comp.Compute(ctx, c.Measure, q, measures.Filter{})
		if err != nil {
			fig.Why = "The measure could not be computed"
			if msg := fault.Message(err); msg != "" {
				fig.Why += ": " + msg
			}
			fig.Why += "."
			return fig
		}
		if res.Empty {
			continue
		}
		i := slices.IndexFunc(res.Rows, func(r measures.Row) bool { return r.Stat == c.Stat && slices.Equal(r.Group, c.Group) })
		if i < 0 {
			continue
		}
		found = true
		row := res.Rows[i]
		if !row.Defined {
			continue
		}
		if public && tooFew(row) {
			fig.Withheld++
			continue
		}
		fig.Points = append(fig.Points, Point{Period: q.Label, At: res.At, Value: row.Value, N: row.N})
	}
	if !found && len(quarters) > 0 {
		fig.Why = fmt.Sprintf("The measure %q has no figure labelled %q (%s) for any quarter since the plan.", m.Title,
			strings.Join(c.Group, ", "), c.Stat)
		return fig
	}
	if n := len(fig.Points); n > 0 {
		p := fig.Points[n-1]
		fig.Now = &p
	}
	fig.Status, fig.Projected, fig.Why = Judge(c, fig.Points, now)
	if fig.Withheld > 0 {
		fig.Why += fmt.Sprintf(" %d quarterly figures rest on fewer than %d records and are not published.", fig.Withheld, disclosure.MinShown)
	}
	return fig
}

// tooFew reports whether a figure rests on fewer than disclosure.MinShown
// records in any count behind it (a true zero is shown).
func tooFew(r measures.Row) bool {
	small := func(n int) bool { return n > 0 && n < disclosure.MinShown }
	return small(r.N) || small(r.Num) || small(r.Den)
}

// quartersBetween lists the calendar quarters from since's to now's, the
// latest MaxQuarters of them.
func quartersBetween(since, now time.Time) []measures.Period {
	var out []measures.Period
	if since.After(now) {
		return out
	}
	y, q := since.UTC().Year(), (int(since.UTC().Month())-1)/3+1
	for {
		p := measures.QuarterOf(y, q)
		if p.Start.After(now) {
			break
		}
		out = append(out, p)
		if q++; q > 4 {
			y, q = y+1, 1
		}
	}
	if len(out) > MaxQuarters {
		out = out[len(out)-MaxQuarters:]
	}
	return out
}

// Judge is the on-track rule (docs/oversight.md). A commitment moves its
// figure from the baseline towards the target, down when the target is
// below the baseline, up otherwise, and meets it when the figure is at or
// beyond the target in that direction.
//
//   - With no figure since the plan, there is nothing to judge.
//   - Once the target date has passed, the latest figure decides: met or
//     missed.
//   - With one figure, a trend cannot be drawn: the commitment is on track
//     if that figure already meets the target, else it is too early to
//     tell.
//   - With two or more, a straight line is fitted to the figures by least
//     squares against time (days); the commitment is on track when the
//     line's value at the target date meets the target.
func Judge(c Commitment, pts []Point, now time.Time) (Status, *float64, string) {
	meets := func(v float64) bool {
		if c.Lower() {
			return v <= c.Target
		}
		return v >= c.Target
	}
	target := FormatValue(c.Stat, c.Target)
	switch {
	case len(pts) == 0:
		return NoFigure, nil, "No figure has been published since the plan was submitted."
	case day(now).After(day(c.TargetOn)):
		last := pts[len(pts)-1]
		if meets(last.Value) {
			return Met, nil, fmt.Sprintf("The target date has passed and the latest figure, %s, meets the target of %s.", FormatValue(c.Stat, last.Value), target)
		}
		return Missed, nil, fmt.Sprintf("The target date has passed and the latest figure, %s, does not meet the target of %s.", FormatValue(c.Stat, last.Value), target)
	case len(pts) == 1:
		if meets(pts[0].Value) {
			return OnTrack, nil, fmt.Sprintf("The one figure since the plan, %s, already meets the target of %s; a trend needs two.", FormatValue(c.Stat, pts[0].Value), target)
		}
		return TooEarly, nil, fmt.Sprintf("There is one figure since the plan, %s; a trend needs two.", FormatValue(c.Stat, pts[0].Value))
	}
	v := Project(pts, c.TargetOn)
	words := fmt.Sprintf("The trend of the %d quarterly figures since the plan projects %s by %s, against a target of %s.",
		len(pts), FormatValue(c.Stat, v), c.TargetOn.Format("2 January 2006"), target)
	if meets(v) {
		return OnTrack, &v, words
	}
	return OffTrack, &v, words
}

// Project fits value = a + b*days by least squares to two or more points
// and gives its value at t. Days count from the first point.
func Project(pts []Point, t time.Time) float64 {
	x0 := pts[0].At
	var sx, sy, sxx, sxy float64
	n := float64(len(pts))
	for _, p := range pts {
		x := p.At.Sub(x0).Hours() / 24
		sx += x
		sy += p.Value
		sxx += x * x
		sxy += x * p.Value
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return sy / n
	}
	b := (n*sxy - sx*sy) / den
	a := (sy - b*sx) / n
	return a + b*t.Sub(x0).Hours()/24
}

// FormatValue shows a figure in words for its stat: a share as a
// percentage, days as days, a rate per 1,000, a ratio to two places.
func FormatValue(stat measures.Stat, v float64) string {
	switch stat {
	case measures.Share:
		return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
	case measures.Median, measures.P90:
		return strconv.FormatFloat(v, 'f', 0, 64) + " days"
	case measures.Rate:
		return strconv.FormatFloat(v, 'f', 1, 64) + " per 1,000"
	case measures.Ratio:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// StatName is a stat in words.
func StatName(s measures.Stat) string {
	switch s {
	case measures.Count:
		return "count"
	case measures.Median:
		return "median"
	case measures.P90:
		return "90th percentile"
	case measures.Share:
		return "share"
	case measures.Rate:
		return "rate per 1,000"
	case measures.Ratio:
		return "ratio to the reference group"
	}
	return string(s)
}
