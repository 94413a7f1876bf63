package web_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// benchCaseWords make the summaries of the benchmark's cases, so that a
// search matches some of them and not others.
var benchCaseWords = []string{"shouted", "pushed", "ignored", "threatened", "searched", "delayed", "insulted"}

// benchListFixture is the fixture with 2,000 more cases, half in the
// handler's unit, for the case list benchmarks.
func benchListFixture(b *testing.B) (*fixture, *client) {
	f := benchFixture(b)
	addBenchCases(b, f, 2000, func(i int, unit officers.Unit) (cases.Case, time.Time) {
		return cases.Case{Kind: cases.Complaint, ForceID: unit.ForceID, UnitID: unit.ID,
			Summary: "Officer " + benchCaseWords[i%len(benchCaseWords)] + " the complainant, case " + strconv.Itoa(i),
			AroseOn: f.now.AddDate(0, 0, -400), ReceivedAt: f.now.AddDate(0, 0, -(i % 300)),
			Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
				Subjects: []cases.Subject{{OfficerID: f.subject}}}}}, f.now
	})
	return f, f.login(b, access.Handler)
}

// addBenchCases stores n cases made by mk in one transaction, alternately
// in the fixture's two units; mk gives each case and when it is stored.
func addBenchCases(b *testing.B, f *fixture, n int, mk func(i int, unit officers.Unit) (cases.Case, time.Time)) {
	b.Helper()
	ref, err := cases.LoadReference()
	if err != nil {
		b.Fatal(err)
	}
	err = f.db.InTx(ctx, func(tx *store.Tx) error {
		for i := range n {
			unit := f.unitA
			if i%2 == 1 {
				unit = f.unitB
			}
			c, at := mk(i, unit)
			if err := c.Validate(ref, f.now); err != nil {
				return err
			}
			c.Prepare(ref, f.now)
			if err := tx.CreateCase(ctx, &c, "bench", at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCaseListPage is the cases page as a handler searching: the
// scoped search, its count, the policy on each row, the subjects' names,
// the audit entry and the page.
func BenchmarkCaseListPage(b *testing.B) {
	_, c := benchListFixture(b)
	b.ResetTimer()
	for range b.N {
		if rec := c.do(b, "GET", "/cases?q=shouted&sort=received-desc", "", ""); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkBaselineCaseListQuery runs the page's own queries directly on
// the store: the same scoped search for one page, and its count.
func BenchmarkBaselineCaseListQuery(b *testing.B) {
	f, _ := benchListFixture(b)
	u := f.users[access.Handler]
	scope := access.CaseListScope(access.Principal{User: u, Roles: u.Roles, MFAPassed: true})
	filter := store.CaseFilter{Text: "shouted", Scope: &scope, Now: f.now, Limit: 50, Sort: store.SortReceivedNewest}
	b.ResetTimer()
	for range b.N {
		page, err := f.db.ListCases(ctx, filter)
		if err != nil || len(page.Items) == 0 {
			b.Fatal(err, len(page.Items))
		}
		if _, err := f.db.CountCases(ctx, filter); err != nil {
			b.Fatal(err)
		}
	}
}
