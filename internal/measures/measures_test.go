package measures

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

func TestParsePeriod(t *testing.T) {
	d := func(s string) time.Time {
		t, _ := time.Parse(time.DateOnly, s)
		return t
	}
	for _, c := range []struct {
		in         string
		kind       PeriodKind
		start, end string
		label      string
	}{
		{"2025", Year, "2025-01-01", "2026-01-01", "2025"},
		{"2025-Q1", Quarter, "2025-01-01", "2025-04-01", "January to March 2025"},
		{"2025-q4", Quarter, "2025-10-01", "2026-01-01", "October to December 2025"},
		{"2024-02", Month, "2024-02-01", "2024-03-01", "February 2024"},
		{"2025-01-15/2025-02-20", Custom, "2025-01-15", "2025-02-21", "15 January 2025 to 20 February 2025"},
		{"2025-01-15..2025-01-15", Custom, "2025-01-15", "2025-01-16", "15 January 2025 to 15 January 2025"},
	} {
		p, err := ParsePeriod(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if p.Kind != c.kind || !p.Start.Equal(d(c.start)) || !p.End.Equal(d(c.end)) || p.Label != c.label {
			t.Errorf("%q: got %+v", c.in, p)
		}
		if again, err := ParsePeriod(p.String()); err != nil || again != p {
			t.Errorf("%q: String %q does not read back: %+v, %v", c.in, p.String(), again, err)
		}
	}
	for _, bad := range []string{"", "2025-Q5", "2025-13", "25", "2025-02-30/2025-03-01", "2025-03-01/2025-02-01",
		"1900-01-01/2025-01-01", "last year", "2025-01-01/"} {
		_, err := ParsePeriod(bad)
		if fs := fault.FieldsOf(err); !fault.Is(err, fault.Invalid) || len(fs) != 1 || fs[0].Field != "period" {
			t.Errorf("%q: got %v, want a refusal naming period", bad, err)
		}
	}
}

func TestNearestRank(t *testing.T) {
	for _, c := range []struct {
		sorted      []int
		median, p90 int
	}{
		{[]int{7}, 7, 7},
		{[]int{1, 2}, 1, 2},
		{[]int{4, 5, 10}, 5, 10},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5, 9},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6, 10},
	} {
		m, _ := NearestRank(c.sorted, 50)
		p, _ := NearestRank(c.sorted, 90)
		if m != c.median || p != c.p90 {
			t.Errorf("%v: median %d p90 %d, want %d %d", c.sorted, m, p, c.median, c.p90)
		}
	}
	if _, ok := NearestRank(nil, 50); ok {
		t.Error("a percentile of nothing is defined")
	}
}

func TestKatzRatio(t *testing.T) {
	// 30 of 1,000 against 20 of 2,000: ratio 3; SE of ln R is
	// sqrt(1/30 - 1/1000 + 1/20 - 1/2000) = sqrt(0.0818333) = 0.286065;
	// 95% interval 3 * exp(-/+ 1.96 * 0.286065) = 3 * 0.57083 to
	// 3 * 1.75186 = 1.7125 to 5.2556.
	r, lo, hi, ok := KatzRatio(30, 1000, 20, 2000)
	if !ok || math.Abs(r-3) > 1e-12 || math.Abs(lo-1.7125) > 1e-3 || math.Abs(hi-5.2556) > 1e-3 {
		t.Errorf("got %v (%v to %v) %v", r, lo, hi, ok)
	}
	for _, c := range [][4]int{{0, 10, 1, 10}, {1, 10, 0, 10}, {1, 0, 1, 10}, {11, 10, 1, 10}} {
		if _, _, _, ok := KatzRatio(c[0], c[1], c[2], c[3]); ok {
			t.Errorf("%v: a ratio was formed", c)
		}
	}
}

// fakeSource answers every count with fixed numbers and records the scope
// it was asked about.
type fakeSource struct {
	first  time.Time
	asked  []Scope
	groups []GroupCounts
}

func (f *fakeSource) CheckFilter(_ context.Context, force, unit string) error {
	var b fault.Fields
	if force == "gone" {
		b.Add("force", "is not a force on record")
	}
	return b.Err("invalid filter")
}

func (f *fakeSource) FirstRecord(_ context.Context, _ Family, s Scope) (time.Time, bool, error) {
	return f.first, !f.first.IsZero(), nil
}

func (f *fakeSource) CaseDurations(_ context.Context, s Scope, m Milestone) ([]Distribution, error) {
	f.asked = append(f.asked, s)
	return []Distribution{{Group: RouteLocal, N: 3, Median: 40, P90: 90}}, nil
}

func (f *fakeSource) OpenCases(_ context.Context, s Scope, at time.Time, c []time.Time) ([]int, error) {
	f.asked = append(f.asked, s)
	return []int{5, 4, 3, 2}, nil
}

func (f *fakeSource) Backlog(_ context.Context, s Scope) (Backlog, error) {
	f.asked = append(f.asked, s)
	return Backlog{1, 2, 3, 0}, nil
}

func (f *fakeSource) AllegationOutcomes(context.Context, Scope) ([]OutcomeCounts, error) {
	return []OutcomeCounts{{Category: "a", Name: "A", Allegations: 4, CaseToAnswer: 1, Upheld: 2}, {Category: "b", Name: "B"},
		{Category: "", Allegations: 2, CaseToAnswer: 1, FlaggedAllegations: 1, FlaggedCaseToAnswer: 1}}, nil
}

func (f *fakeSource) RepeatSubjects(_ context.Context, s Scope) ([]RepeatCounts, error) {
	f.asked = append(f.asked, s)
	return []RepeatCounts{{1, "", 10}, {2, "", 3}, {3, string(cases.SanctionDismissal), 1}}, nil
}

func (f *fakeSource) OfficerGroups(_ context.Context, s Scope) ([]GroupCounts, error) {
	f.asked = append(f.asked, s)
	return f.groups, nil
}

func (f *fakeSource) SpeakUp(context.Context, Scope) ([]SpeakUpCounts, Distribution, error) {
	return []SpeakUpCounts{{"other", 2, 1}}, Distribution{N: 1, Median: 3, P90: 3}, nil
}

func (f *fakeSource) EISFlags(context.Context, Scope) (EISCounts, error) {
	return EISCounts{Raised: map[string]int{"rule": 2}}, nil
}

var (
	fakeNow   = time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC)
	fakeFirst = time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
)

func TestCatalogueIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Catalogue() {
		if seen[m.ID] {
			t.Errorf("%s twice", m.ID)
		}
		seen[m.ID] = true
		if m.Title == "" || len(m.Definition) < 80 || m.Unit == "" || len(m.Groups) == 0 || m.compute == nil || m.Family == "" {
			t.Errorf("%s is not fully defined: %+v", m.ID, m)
		}
		src := &fakeSource{first: fakeFirst, groups: []GroupCounts{{"white", "male", 100, 10, 1}, {"black", "male", 10, 3, 1}}}
		r, err := New(src, func() time.Time { return fakeNow }).Compute(context.Background(), m.ID, YearOf(2025), Filter{})
		if err != nil {
			t.Errorf("%s: %v", m.ID, err)
			continue
		}
		for _, row := range r.Rows {
			if len(row.Group) != len(r.Groups) {
				t.Errorf("%s: row %v has %d labels for %d group columns", m.ID, row.Group, len(row.Group), len(r.Groups))
			}
			if (row.Stat == Share || row.Stat == Rate || row.Stat == Ratio) && row.Defined && row.Den == 0 {
				t.Errorf("%s: %s row %v has no denominator", m.ID, row.Stat, row.Group)
			}
		}
	}
}

func TestComputeScopes(t *testing.T) {
	ctx := context.Background()
	src := &fakeSource{first: fakeFirst}
	svc := New(src, func() time.Time { return fakeNow })
	// The five-year window of repeat subjects ends with the period.
	if _, err := svc.Compute(ctx, "repeat-subjects", YearOf(2025), Filter{}); err != nil {
		t.Fatal(err)
	}
	s := src.asked[len(src.asked)-1]
	if !s.Start.Equal(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)) || !s.End.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("repeat subjects window %v to %v", s.Start, s.End)
	}
	// Disproportionality counts conduct matters unless told otherwise.
	if _, err := svc.Compute(ctx, "disproportionality", YearOf(2025), Filter{}); err != nil {
		t.Fatal(err)
	}
	if k := src.asked[len(src.asked)-1].Kinds; len(k) != 2 || k[0] != cases.ConductMatter {
		t.Errorf("disproportionality kinds %v", k)
	}
	if _, err := svc.Compute(ctx, "disproportionality", YearOf(2025), Filter{Kind: cases.Complaint}); err != nil {
		t.Fatal(err)
	}
	if k := src.asked[len(src.asked)-1].Kinds; len(k) != 1 || k[0] != cases.Complaint {
		t.Errorf("disproportionality kinds with a filter %v", k)
	}
	// A period not yet over is cut at now.
	r, err := svc.Compute(ctx, "backlog", QuarterOf(2026, 1), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if s := src.asked[len(src.asked)-1]; !s.End.Equal(fakeNow) || !r.At.Equal(fakeNow) || !strings.Contains(r.Note, "not ended") {
		t.Errorf("current quarter: scope end %v, at %v, note %q", s.End, r.At, r.Note)
	}
	// The share open over 12 months is the last band over all bands.
	r, _ = svc.Compute(ctx, "open-by-age", YearOf(2025), Filter{})
	last := r.Rows[len(r.Rows)-1]
	if last.Stat != Share || last.Num != 2 || last.Den != 14 || math.Abs(last.Value-2.0/14) > 1e-12 {
		t.Errorf("share open over 12 months: %+v", last)
	}
	// An allegation category with nothing decided has no share.
	r, _ = svc.Compute(ctx, "allegation-outcomes", YearOf(2025), Filter{})
	for _, row := range r.Rows {
		if row.Group[0] == "B" && row.Stat == Share && row.Defined {
			t.Errorf("share of nothing is defined: %+v", row)
		}
	}
	// Allegations without a category, and those flagged as domestic
	// abuse, have groups of their own; the flagged ones are not counted
	// twice in the whole.
	counts := map[string]float64{}
	for _, row := range r.Rows {
		if row.Stat == Count {
			counts[row.Group[0]] = row.Value
		}
	}
	if counts["No national category"] != 2 || counts["Flagged as domestic abuse"] != 1 || counts["All categories"] != 6 {
		t.Errorf("allegation counts by group: %v", counts)
	}
}

func TestComputeRefusals(t *testing.T) {
	ctx := context.Background()
	svc := New(&fakeSource{first: fakeFirst}, func() time.Time { return fakeNow })
	for _, c := range []struct {
		measure string
		p       Period
		f       Filter
		field   string
	}{
		{"nope", YearOf(2025), Filter{}, "measure"},
		{"backlog", Period{}, Filter{}, "period"},
		{"backlog", YearOf(2025), Filter{Kind: "x"}, "kind"},
		{"eis-flags", YearOf(2025), Filter{Kind: cases.Complaint}, "kind"},
		{"speakup", YearOf(2025), Filter{UnitID: "u"}, "unit"},
		{"backlog", YearOf(2025), Filter{ForceID: "gone"}, "force"},
	} {
		_, err := svc.Compute(ctx, c.measure, c.p, c.f)
		if fs := fault.FieldsOf(err); !fault.Is(err, fault.Invalid) || len(fs) == 0 || fs[0].Field != c.field {
			t.Errorf("%s %+v: got %v, want a refusal naming %s", c.measure, c.f, err, c.field)
		}
	}
	for _, c := range []struct {
		p    Period
		note string
	}{
		{YearOf(2027), "not begun"},
		{YearOf(2020), "before the first record"},
	} {
		r, err := svc.Compute(ctx, "backlog", c.p, Filter{})
		if err != nil || !r.Empty || !strings.Contains(r.Note, c.note) || len(r.Rows) != 0 {
			t.Errorf("%s: got %+v, %v", c.p, r, err)
		}
	}
	r, err := New(&fakeSource{}, func() time.Time { return fakeNow }).Compute(ctx, "backlog", YearOf(2025), Filter{})
	if err != nil || !r.Empty {
		t.Errorf("no records at all: %+v, %v", r, err)
	}
}

// ComputePeriods over a plain Source asks it at most once a period that
// has figures, and gives for each period what Compute gives for it alone,
// empty periods and a period cut short at now included.
func TestComputePeriodsMatchesCompute(t *testing.T) {
	ctx := context.Background()
	periods := []Period{YearOf(2027), QuarterOf(2025, 4), YearOf(2020), QuarterOf(2026, 1), YearOf(2025)}
	for _, f := range []Filter{{}, {Kind: cases.ConductMatter}, {ForceID: "f"}} {
		for _, m := range Catalogue() {
			if f.Kind != "" && !slices.Contains(m.Filters, FilterKind) {
				continue
			}
			src := &fakeSource{first: fakeFirst}
			svc := New(src, func() time.Time { return fakeNow })
			together, err := svc.ComputePeriods(ctx, m.ID, periods, f)
			if err != nil {
				t.Fatalf("%s: %v", m.ID, err)
			}
			asked := len(src.asked)
			for i, p := range periods {
				alone, err := svc.Compute(ctx, m.ID, p, f)
				if err != nil {
					t.Fatalf("%s %s: %v", m.ID, p, err)
				}
				if got, want := fmt.Sprintf("%+v", together[i]), fmt.Sprintf("%+v", alone); got != want {
					t.Errorf("%s %s %+v among others:\n%s\nalone:\n%s", m.ID, p, f, got, want)
				}
			}
			// Never more counts than one by one; fewer where periods share
			// a window (repeat subjects: 2025 and its last quarter).
			if asked > len(src.asked)-asked {
				t.Errorf("%s: %d counts for the periods together, %d one by one", m.ID, asked, len(src.asked)-asked)
			}
		}
	}
	if _, err := New(&fakeSource{}, time.Now).ComputePeriods(ctx, "backlog", []Period{YearOf(2025), {}}, Filter{}); !fault.Is(err, fault.Invalid) {
		t.Errorf("a period missing among others: got %v, want a refusal", err)
	}
}
