package store_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestCaseListOpenAt: the case list's open-at, finalised-in, logged-in
// and contacted-in filters find exactly the cases the backlog and
// timeliness measures count as open at a moment and finalised, logged or
// first contacted in a period, so that a figure links to the cases behind
// it; by unit and kind too.
func TestCaseListOpenAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := seedMeasures(t, db)
		moments := []string{"2023-06-01 00:00", "2025-01-01 00:00", "2025-02-01 00:00", "2025-03-31 23:00",
			"2025-04-01 00:00", "2025-04-02 09:00", "2025-04-03 00:00", "2026-01-01 00:00"}
		filters := []struct {
			name string
			unit string
			kind cases.Kind
		}{
			{"all", "", ""}, {"north", fx.north.ID, ""}, {"south", fx.south.ID, ""},
			{"complaints", "", cases.Complaint}, {"conduct matters", "", cases.ConductMatter},
		}
		seen, finalised := 0, 0
		reached := map[measures.Milestone]int{}
		for _, m := range moments {
			for _, fl := range filters {
				t.Run(m+" "+fl.name, func(t *testing.T) {
					when := at(m)
					kinds := cases.Kinds
					if fl.kind != "" {
						kinds = []cases.Kind{fl.kind}
					}
					b, err := db.Backlog(ctx, measures.Scope{ForceID: fx.force.ID, UnitID: fl.unit, Kinds: kinds,
						Start: when.Add(-time.Hour), End: when})
					if err != nil {
						t.Fatal(err)
					}
					n, err := db.CountCases(ctx, store.CaseFilter{UnitID: fl.unit, Kind: string(fl.kind), OpenAt: &when, Now: measuresNow})
					if err != nil {
						t.Fatal(err)
					}
					seen += n
					if n != b.OpenAtEnd {
						t.Errorf("open at %s: the list finds %d, the backlog counts %d", m, n, b.OpenAtEnd)
					}
					// Finalised in the quarter ending at the moment.
					start := when.AddDate(0, -3, 0)
					b, err = db.Backlog(ctx, measures.Scope{ForceID: fx.force.ID, UnitID: fl.unit, Kinds: kinds, Start: start, End: when})
					if err != nil {
						t.Fatal(err)
					}
					n, err = db.CountCases(ctx, store.CaseFilter{UnitID: fl.unit, Kind: string(fl.kind), FinalisedFrom: &start,
						FinalisedBefore: &when, Now: measuresNow})
					if err != nil {
						t.Fatal(err)
					}
					finalised += n
					if n != b.Finalised {
						t.Errorf("finalised in the three months to %s: the list finds %d, the backlog counts %d", m, n, b.Finalised)
					}
					// Complaints logged, and first contacted, in that
					// quarter: the timeliness measures count complaints only.
					if fl.kind == cases.ConductMatter {
						return
					}
					for _, ms := range []measures.Milestone{measures.Logged, measures.FirstContact} {
						ds, err := db.CaseDurations(ctx, measures.Scope{ForceID: fx.force.ID, UnitID: fl.unit,
							Kinds: []cases.Kind{cases.Complaint}, Start: start, End: when}, ms)
						if err != nil {
							t.Fatal(err)
						}
						want := 0
						for _, d := range ds {
							want += d.N
						}
						f := store.CaseFilter{UnitID: fl.unit, Kind: string(cases.Complaint), Now: measuresNow}
						if ms == measures.Logged {
							f.LoggedFrom, f.LoggedBefore = &start, &when
						} else {
							f.ContactedFrom, f.ContactedBefore = &start, &when
						}
						n, err := db.CountCases(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						reached[ms] += n
						if n != want {
							t.Errorf("%s in the three months to %s: the list finds %d, the measure counts %d", ms, m, n, want)
						}
					}
				})
			}
		}
		if seen == 0 || finalised == 0 || reached[measures.Logged] == 0 || reached[measures.FirstContact] == 0 {
			t.Errorf("open %d, finalised %d, logged %d, contacted %d: the test shows nothing", seen, finalised,
				reached[measures.Logged], reached[measures.FirstContact])
		}
	})
}
