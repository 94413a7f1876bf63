package web_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/probity/probity/internal/measures"
)

// BenchmarkPortalFrontPage serves /public to strangers once the year's
// figures are kept: what almost every visit costs.
func BenchmarkPortalFrontPage(b *testing.B) {
	f := benchFixture(b)
	afterTheYear(f)
	get := func() {
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, httptest.NewRequest("GET", "/public", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
	get() // the first visit of the day works the figures out
	b.ResetTimer()
	for range b.N {
		get()
	}
}

// BenchmarkPortalFrontPageCold serves /public on a new day every time, so
// the figures are worked out again: every measure for four quarters and
// the year, disclosure control, and the page.
func BenchmarkPortalFrontPageCold(b *testing.B) {
	f := benchFixture(b)
	afterTheYear(f)
	b.ResetTimer()
	for range b.N {
		f.now = f.now.Add(24 * time.Hour)
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, httptest.NewRequest("GET", "/public", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

// BenchmarkBaselinePortalMeasures computes the same measures for the same
// periods straight from the store, each measure for all the periods at
// once as the portal counts them, with no disclosure control and no page:
// the counting the cold front page cannot avoid.
func BenchmarkBaselinePortalMeasures(b *testing.B) {
	f := benchFixture(b)
	afterTheYear(f)
	svc := measures.New(f.db, func() time.Time { return f.now })
	periods := []measures.Period{measures.QuarterOf(2026, 1), measures.QuarterOf(2026, 2), measures.QuarterOf(2026, 3),
		measures.QuarterOf(2026, 4), measures.YearOf(2026)}
	b.ResetTimer()
	for range b.N {
		for _, id := range measures.IDs() {
			if _, err := svc.ComputePeriods(context.Background(), id, periods, measures.Filter{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
