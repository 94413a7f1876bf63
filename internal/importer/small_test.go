package importer_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestReceivedBeforeArose: a case received before it arose is rejected
// with that reason, and the reason is in docs/importing.md's list.
func TestReceivedBeforeArose(t *testing.T) {
	m := mapping(t, "ccrb", `received: {column: incident_date, format: "%Y-%m-%d"}`, `received: {const: "1990-01-01", format: "%Y-%m-%d"}`)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sum, err := importer.Import(context.Background(), db, m, []string{writeZip(t, ccrbMembers())}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		rej := strings.Join(rejectReasons(t, sum.RejectFile), "\n")
		if !strings.Contains(rej, `was received (1990-01-01) before it arose (2000-01-01)`) {
			t.Errorf("rejects:\n%s", rej)
		}
	})
	doc, err := os.ReadFile("../../docs/importing.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(doc)), " "), "a case received before it arose") {
		t.Error("docs/importing.md does not list the reject reason")
	}
}

// TestEmptyMapKey: an empty key in a rank map matches an empty rank,
// which then is mapped rather than counted as defaulted.
func TestEmptyMapKey(t *testing.T) {
	members := ccrbMembers()
	members["2021-03-20_active_officer.csv"] = strings.Replace(ccrbOfficersActive, "Chiefs and other ranks", "", 1)
	for _, tc := range []struct {
		name      string
		m         *importer.Mapping
		rank      string
		defaulted int
	}{
		{"no empty key", mustBuiltin(t, "ccrb"), "constable", 1},
		{"empty key", mapping(t, "ccrb", "      Sergeant: sergeant\n", "      Sergeant: sergeant\n      \"\": sergeant\n"), "sergeant", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				sum, err := importer.Import(ctx, db, tc.m, []string{writeZip(t, members)}, opts(t))
				if err != nil {
					t.Fatal(err)
				}
				if sum.RanksDefaulted != tc.defaulted {
					t.Errorf("%d ranks defaulted, want %d", sum.RanksDefaulted, tc.defaulted)
				}
				ds, err := db.EISData(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range ds.Officers {
					if o.Key == "NYPD/000003" && o.Rank != tc.rank {
						t.Errorf("officer with no rank recorded as %q, want %q", o.Rank, tc.rank)
					}
				}
			})
		})
	}
}

// TestFirstInsideDate: a date may take its value from the first non-empty
// of several columns.
func TestFirstInsideDate(t *testing.T) {
	// Complaint 200000050 has no incident date: with first:, a second
	// value (here a constant) dates the case and its allegation, where
	// otherwise the case would be rejected for having no date.
	m := mapping(t, "ccrb", `{column: incident_date, format: "%Y-%m-%d"}`,
		`{first: [incident_date, {const: "2000-02-01"}], format: "%Y-%m-%d"}`)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sum, err := importer.Import(ctx, db, m, []string{writeZip(t, ccrbMembers())}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		ds, err := db.EISData(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range ds.Allegations {
			found = found || a.On.Time().Format("2006-01-02") == "2000-02-01"
		}
		if !found || sum.Rejected != 0 {
			t.Errorf("no allegation dated by the second value (rejected %d)", sum.Rejected)
		}
	})
}
