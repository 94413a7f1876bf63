// Package measures defines the figures Probity publishes about how
// complaints and conduct matters are handled: timeliness, backlog,
// outcomes, repeat subjects, disproportionality, speak-up and early
// intervention. Each measure has an id, a title, a written definition and
// a unit, and is computed for any period, force and unit (and case kind
// where that makes sense).
//
// The counting is done by the database, through the small Source
// interface the store implements; this package chooses what to count,
// turns the counts into rates, ratios and intervals, and shapes them as a
// typed table whose every figure keeps the counts it was made from, so
// that disclosure control can suppress small numbers before anything is
// published. It knows no SQL and no HTTP.
package measures

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

// Filter narrows a measure to one force, one unit and one kind of case.
// Empty fields do not narrow.
type Filter struct {
	ForceID string     `json:"force_id,omitempty"`
	UnitID  string     `json:"unit_id,omitempty"`
	Kind    cases.Kind `json:"kind,omitempty"`
}

// Scope is what the store is asked to count over: a filter and a span of
// time [Start, End). Kinds is the set of case kinds (never empty for the
// case measures: a measure fills it from its own default when the filter
// names none).
type Scope struct {
	ForceID string
	UnitID  string
	Kinds   []cases.Kind
	Start   time.Time
	End     time.Time
}

// Stat says what a row's Value is.
type Stat string

const (
	Count  Stat = "count"  // how many
	Median Stat = "median" // the median, by the nearest-rank rule
	P90    Stat = "p90"    // the 90th percentile, by the nearest-rank rule
	Share  Stat = "share"  // Num / Den, from 0 to 1
	Rate   Stat = "rate"   // Num / Den per 1,000
	Ratio  Stat = "ratio"  // a group's rate over the reference group's
)

// Row is one figure of a result.
type Row struct {
	// Group holds one label per Result.Groups column, in words.
	Group []string `json:"group"`
	Stat  Stat     `json:"stat"`
	// Value is the figure in the measure's unit; meaningful only when
	// Defined. A share of nothing, a percentile of no durations, or a
	// ratio against a reference with no events is not defined.
	Value   float64 `json:"value"`
	Defined bool    `json:"defined"`
	// N is how many records the figure is drawn from: the count itself,
	// the number of durations behind a percentile, the numerator of a
	// share or rate. Disclosure control suppresses on it.
	N int `json:"n"`
	// Num and Den are the counts of a share, rate or ratio (for a ratio,
	// the group's own numerator and denominator; the reference group's
	// are in its rate row). Zero for counts and percentiles.
	Num int `json:"num,omitempty"`
	Den int `json:"den,omitempty"`
	// Low and High bound the 95% confidence interval of a ratio, when
	// Defined and both groups have events.
	Low  float64 `json:"low,omitempty"`
	High float64 `json:"high,omitempty"`
}

// Result is one measure computed for one period and filter.
type Result struct {
	Measure string `json:"measure"`
	Title   string `json:"title"`
	Unit    string `json:"unit"`
	Period  Period `json:"period"`
	Filter  Filter `json:"filter"`
	// At is the moment stock figures (open cases, backlog) are taken:
	// the end of the period, or now when the period has not ended.
	At time.Time `json:"at"`
	// Groups names the columns that label each row.
	Groups []string `json:"groups"`
	Rows   []Row    `json:"rows"`
	// Empty is true when the period lies wholly in the future or wholly
	// before the first record; Note says which. Note also explains a
	// period cut short at now, or a filter the measure cannot apply.
	Empty bool   `json:"empty"`
	Note  string `json:"note,omitempty"`
}

// Filters a measure may apply.
const (
	FilterForce = "force"
	FilterUnit  = "unit"
	FilterKind  = "kind"
)

// Family says which records a measure is drawn from, so that the first
// record's date, before which a period has no data, is looked up in the
// right table.
type Family string

const (
	FamilyCases   Family = "cases"
	FamilySpeakUp Family = "speakup"
	FamilyEIS     Family = "eis"
)

// Measure is one figure's definition.
type Measure struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Definition string   `json:"definition"` // shown beside the figure, in plain words
	Unit       string   `json:"unit"`
	Groups     []string `json:"groups"`
	// Filters lists the filters the measure applies; any other filter set
	// is refused, naming it.
	Filters []string `json:"filters"`
	Family  Family   `json:"family"`
	// Kinds are the case kinds counted when the filter names none; a
	// filter naming a kind outside them gives an empty result saying so.
	Kinds []cases.Kind `json:"kinds,omitempty"`

	compute computeFunc
}

// computeFunc counts a measure over s for each span, in one call to src,
// and shapes each span's counts as the rows of its result.
type computeFunc func(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error)

// Service computes measures from a Source, as of a clock.
type Service struct {
	src PeriodSource
	now func() time.Time
}

// New returns a Service over src; now is the clock that decides which
// periods are in the future. When src is a PeriodSource, a measure is
// counted for all the periods of a ComputePeriods call at once.
func New(src Source, now func() time.Time) *Service {
	ps, ok := src.(PeriodSource)
	if !ok {
		ps = periodByPeriod{src}
	}
	return &Service{src: ps, now: now}
}

// Catalogue lists every measure, in the order they are presented.
func Catalogue() []Measure { return slices.Clone(catalogue) }

// Lookup finds a measure by id.
func Lookup(id string) (Measure, bool) {
	i := slices.IndexFunc(catalogue, func(m Measure) bool { return m.ID == id })
	if i < 0 {
		return Measure{}, false
	}
	return catalogue[i], true
}

// IDs lists the measures' ids.
func IDs() []string {
	out := make([]string, len(catalogue))
	for i, m := range catalogue {
		out[i] = m.ID
	}
	return out
}

// Compute works out measure id for period p and filter f. An unknown
// measure, a filter the measure does not take, an unknown kind, force or
// unit is refused with a fault.Invalid error naming the field. A period
// wholly in the future or wholly before the first record gives an empty
// result that says so.
func (s *Service) Compute(ctx context.Context, id string, p Period, f Filter) (Result, error) {
	rs, err := s.ComputePeriods(ctx, id, []Period{p}, f)
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// ComputePeriods works out measure id for each of periods, as Compute
// does for each, counting all the periods that have figures together:
// one count of the source a measure, not one a period.
func (s *Service) ComputePeriods(ctx context.Context, id string, periods []Period, f Filter) ([]Result, error) {
	var bad fault.Fields
	m, ok := Lookup(id)
	if !ok {
		bad.Addf("measure", "%q is not a measure; the measures are %s", id, strings.Join(IDs(), ", "))
		return nil, bad.Err("unknown measure")
	}
	for _, p := range periods {
		if p.Start.IsZero() || !p.End.After(p.Start) {
			bad.Add("period", "is required")
			break
		}
	}
	checkFilter(&bad, m, f)
	if err := bad.Err("invalid filter"); err != nil {
		return nil, err
	}
	if err := s.src.CheckFilter(ctx, f.ForceID, f.UnitID); err != nil {
		return nil, err
	}
	out := make([]Result, len(periods))
	for i, p := range periods {
		out[i] = Result{Measure: m.ID, Title: m.Title, Unit: m.Unit, Period: p, Filter: f, Groups: m.Groups, Rows: []Row{}, At: p.End}
	}
	now := s.now().UTC()
	scope := Scope{ForceID: f.ForceID, UnitID: f.UnitID, Kinds: m.defaultKinds()}
	if f.Kind != "" && len(m.Kinds) > 0 {
		if !slices.Contains(m.Kinds, f.Kind) {
			note := fmt.Sprintf("This measure covers %s only; it has no figures for %s.",
				kindWords(m.Kinds), strings.ToLower(f.Kind.Label().Name))
			for i := range out {
				out[i].Empty, out[i].Note = true, note
				if out[i].Period.Start.After(now) || out[i].Period.Start.Equal(now) {
					out[i].Note, out[i].At = notBegun, now
				}
			}
			return out, nil
		}
		scope.Kinds = []cases.Kind{f.Kind}
	}
	var first time.Time
	var held, looked bool
	var spans []Span
	var counted []int // the results the spans are of
	for i := range out {
		res := &out[i]
		p := res.Period
		if p.Start.After(now) || p.Start.Equal(now) {
			res.Empty, res.Note, res.At = true, notBegun, now
			continue
		}
		if !looked {
			var err error
			if first, held, err = s.src.FirstRecord(ctx, m.Family, scope); err != nil {
				return nil, fmt.Errorf("measure %s: %w", m.ID, err)
			}
			looked = true
		}
		if !held || !p.End.After(first) {
			res.Empty, res.Note = true, "This period ends before the first record held, so there are no figures for it."
			continue
		}
		if p.End.After(now) {
			res.At = now
			res.Note = fmt.Sprintf("This period has not ended: the figures run to %s.", now.Format("2 January 2006 15:04 UTC"))
		}
		if m.Family == FamilySpeakUp && f.ForceID != "" {
			res.Note = strings.TrimSpace(res.Note + " Speak-up reports are not recorded by force: the figures cover every report held.")
		}
		spans = append(spans, Span{Start: p.Start, End: res.At})
		counted = append(counted, i)
	}
	if len(spans) == 0 {
		return out, nil
	}
	rows, err := m.compute(ctx, s.src, scope, spans)
	if err == nil && len(rows) != len(spans) {
		err = fmt.Errorf("%d results for %d periods", len(rows), len(spans))
	}
	if err != nil {
		return nil, fmt.Errorf("measure %s for %s: %w", m.ID, periodList(periods), err)
	}
	for j, i := range counted {
		out[i].Rows = rows[j]
	}
	return out, nil
}

const notBegun = "This period has not begun, so there are no figures for it yet."

func periodList(ps []Period) string {
	w := make([]string, len(ps))
	for i, p := range ps {
		w[i] = p.String()
	}
	return strings.Join(w, ", ")
}

func checkFilter(bad *fault.Fields, m Measure, f Filter) {
	for _, c := range []struct{ name, value string }{
		{FilterForce, f.ForceID}, {FilterUnit, f.UnitID}, {FilterKind, string(f.Kind)},
	} {
		if c.value != "" && !slices.Contains(m.Filters, c.name) {
			bad.Addf(c.name, "the measure %q cannot be narrowed by %s", m.ID, c.name)
		}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		bad.Addf(FilterKind, "%q is not a kind of case", f.Kind)
	}
}

func kindWords(ks []cases.Kind) string {
	w := make([]string, len(ks))
	for i, k := range ks {
		w[i] = strings.ToLower(k.Label().Name)
	}
	return strings.Join(w, ", ")
}
