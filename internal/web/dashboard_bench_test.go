package web_test

import (
	"os"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/officers"
)

// The dashboard's benchmarks take about a second an iteration, so
// scripts/bench runs them on their own with few iterations: they run only
// when PROBITY_BENCH_DASHBOARD is set, and are skipped in the run of every
// other benchmark at hundreds of iterations.
func dashboardBench(b *testing.B) (*fixture, *client) {
	if os.Getenv("PROBITY_BENCH_DASHBOARD") == "" {
		b.Skip("set PROBITY_BENCH_DASHBOARD=1 (scripts/bench does) to run the dashboard's benchmarks")
	}
	f := benchFixture(b)
	// 2,000 cases received through 2025, in both units, a fifth of them
	// conduct matters.
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	addBenchCases(b, f, 2000, func(i int, unit officers.Unit) (cases.Case, time.Time) {
		kind := cases.Complaint
		if i%5 == 0 {
			kind = cases.ConductMatter
		}
		got := start.AddDate(0, 0, i%365)
		a := cases.Allegation{Category: "individual-behaviours", Subcategory: "impolite-language",
			Subjects: []cases.Subject{{OfficerID: f.subject}}}
		if kind == cases.ConductMatter {
			// Conduct is classified by the standard it would breach.
			a.Standards = []string{"authority-respect-courtesy"}
		}
		return cases.Case{Kind: kind, ForceID: unit.ForceID, UnitID: unit.ID, Summary: "Officer shouted at the complainant",
			AroseOn: got.AddDate(0, 0, -2), ReceivedAt: got, Allegations: []cases.Allegation{a}}, got
	})
	return f, f.login(b, access.PSDHead)
}

// BenchmarkDashboardPage is the dashboard for a year as the head of
// standards sees it: ten measures for four quarters and the year, their
// charts and tables, the links to cases, the vetting panel and the page.
func BenchmarkDashboardPage(b *testing.B) {
	_, c := dashboardBench(b)
	b.ResetTimer()
	for range b.N {
		if rec := c.do(b, "GET", "/dashboard?period=2025", "", ""); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkBaselineDashboardMeasures computes the same measures for the
// same periods directly through the store, one measure after another
// (each for all the periods at once, as the page counts them): what the
// page costs beyond it is drawing, tables and HTML (less what it gains by
// computing the measures side by side).
func BenchmarkBaselineDashboardMeasures(b *testing.B) {
	f, _ := dashboardBench(b)
	svc := measures.New(f.db, func() time.Time { return f.now })
	periods := []measures.Period{measures.QuarterOf(2025, 1), measures.QuarterOf(2025, 2), measures.QuarterOf(2025, 3),
		measures.QuarterOf(2025, 4), measures.YearOf(2025)}
	b.ResetTimer()
	for range b.N {
		for _, id := range measures.IDs() {
			if _, err := svc.ComputePeriods(ctx, id, periods, measures.Filter{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
