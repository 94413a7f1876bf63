package store_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// The statutory data return counts the allegations of complaints received
// in a period by IOPC code; a domestic abuse flag is counted beside the
// code, never in place of it; conduct matters and cases outside the
// period are left out.
func TestNationalReturnCountsComplaintsByIOPCCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ref, err := cases.LoadReference()
		if err != nil {
			t.Fatal(err)
		}
		f, units := seedForce(t, db)
		o := officers.Officer{ForceID: f.ID, CollarNumber: "41", FamilyName: "Roe", Rank: "constable", UnitID: units[0].ID, JoinedOn: day("2012-01-01")}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &o, now) }); err != nil {
			t.Fatal(err)
		}
		record := func(kind cases.Kind, received time.Time, as ...cases.Allegation) cases.Case {
			t.Helper()
			for i := range as {
				as[i].Subjects = []cases.Subject{{OfficerID: o.ID}}
			}
			c := cases.Case{Kind: kind, ForceID: f.ID, UnitID: units[0].ID, Summary: "s", AroseOn: received.AddDate(0, 0, -1),
				ReceivedAt: received, Allegations: as}
			if err := c.Validate(ref, now); err != nil {
				t.Fatal(err)
			}
			c.Prepare(ref, now)
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "u", now) }); err != nil {
				t.Fatal(err)
			}
			return c
		}
		stop := cases.Allegation{Category: "powers-policies-procedures", Subcategory: "stop-and-search"}
		flagged := stop
		flagged.DomesticAbuse = true
		record(cases.Complaint, day("2026-01-10"), stop, flagged)
		record(cases.Complaint, day("2026-02-10"), cases.Allegation{Category: "property-premises"})
		record(cases.Complaint, day("2025-12-31"), stop) // before the period
		// A conduct matter classified by a standard alone, flagged.
		cm := record(cases.ConductMatter, day("2026-01-20"),
			cases.Allegation{Standards: []string{"discreditable-conduct"}, DomesticAbuse: true})

		counts, err := db.NationalReturnCounts(ctx, f.ID, day("2026-01-01"), day("2026-04-01"))
		if err != nil {
			t.Fatal(err)
		}
		nr := cases.BuildNationalReturn(ref, day("2026-01-01"), day("2026-04-01"), counts)
		got := map[string][2]int{}
		for _, l := range nr.Lines {
			if l.Allegations > 0 {
				got[l.Code] = [2]int{l.Allegations, l.DomesticAbuse}
			}
		}
		want := map[string][2]int{"B1": {2, 1}, "G": {1, 0}}
		if len(got) != len(want) || got["B1"] != want["B1"] || got["G"] != want["G"] {
			t.Errorf("return lines with allegations %v, want %v", got, want)
		}
		if nr.Total != 3 || nr.TotalDomesticAbuse != 1 || nr.Uncategorised != 0 {
			t.Errorf("total %d (domestic abuse %d), uncategorised %d; want 3, 1, 0", nr.Total, nr.TotalDomesticAbuse, nr.Uncategorised)
		}
		other, err := db.NationalReturnCounts(ctx, "no-such-force", day("2026-01-01"), day("2026-04-01"))
		if err != nil || len(other) != 0 {
			t.Errorf("another force's return: %v, %v", other, err)
		}

		// The conduct matter keeps no category and its flag.
		back, err := db.CaseByReference(ctx, cm.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if a := back.Allegations[0]; a.Category != "" || !a.DomesticAbuse || len(a.Standards) != 1 {
			t.Errorf("conduct matter allegation read back as %+v", a)
		}
	})
}

// Migration 00027 turns allegations recorded under the former
// "domestic-abuse" category into flagged allegations with no category,
// leaves every other allegation as it was, and the corrected taxonomy is
// loaded over the old one with its IOPC codes.
func TestMigration27MakesDomesticAbuseAFlag(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db, exec := openAtMigration(t, e, 26)
			at := time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC)
			// The taxonomy as an older Probity loaded it.
			exec(`INSERT INTO reference_sets (name, version, effective_from, source, sha256, loaded_at)
				VALUES ('complaint-categories', 'iopc-2020', '2020-02-01', 'old', 'old', $1)`, at)
			exec(`INSERT INTO complaint_categories (taxonomy_version, code, name, confirmed, concern)
				VALUES ('iopc-2020', 'domestic-abuse', 'Domestic abuse', $1, 'domestic abuse')`, false)
			exec(`INSERT INTO complaint_categories (taxonomy_version, code, name, confirmed, concern)
				VALUES ('iopc-2020', 'individual-behaviours', 'Individual behaviours', $1, '')`, true)
			exec(`INSERT INTO complaint_subcategories (taxonomy_version, category_code, code, name, confirmed)
				VALUES ('iopc-2020', 'individual-behaviours', 'impolite-language', 'Impolite language', $1)`, true)
			exec(`INSERT INTO rule_sets (code, effective_from, title) VALUES ('2020', '2020-02-01', 'c')`)
			exec(`INSERT INTO forces (id, code, name) VALUES ('f1', 'F1', 'Force')`)
			exec(`INSERT INTO officers (id, force_id, collar_number, family_name, rank, joined_on, created_at, updated_at)
				VALUES ('o1', 'f1', '1', 'Doe', 'constable', '2010-01-01', $1, $2)`, at, at)
			exec(`INSERT INTO cases (id, reference, kind, force_id, state, rule_set, summary, arose_on, received_at, created_at, updated_at)
				VALUES ('c1', 'CO/2025/000001', 'complaint', 'f1', 'Received', '2020', 's', '2025-06-30', $1, $2, $3)`, at, at, at)
			exec(`INSERT INTO allegations (id, case_id, seq, taxonomy_version, category, description)
				VALUES ('a1', 'c1', 1, 'iopc-2020', 'domestic-abuse', 'at home')`)
			exec(`INSERT INTO allegations (id, case_id, seq, taxonomy_version, category, subcategory)
				VALUES ('a2', 'c1', 2, 'iopc-2020', 'individual-behaviours', 'impolite-language')`)
			exec(`INSERT INTO subjects (allegation_id, officer_id) VALUES ('a1', 'o1')`)
			exec(`INSERT INTO subjects (allegation_id, officer_id) VALUES ('a2', 'o1')`)
			exec(`INSERT INTO vetting_reviews (id, officer_id, trigger_kind, category, case_id, opened_at, due_by)
				VALUES ('v1', 'o1', 'category', 'domestic-abuse', 'c1', $1, '2025-08-01')`, at)

			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			c, err := db.CaseByReference(ctx, "CO/2025/000001")
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Allegations) != 2 {
				t.Fatalf("allegations after the migration: %+v", c.Allegations)
			}
			if a := c.Allegations[0]; a.Category != "" || a.Subcategory != "" || !a.DomesticAbuse || a.Description != "at home" ||
				len(a.Subjects) != 1 {
				t.Errorf("former domestic-abuse allegation: %+v", a)
			}
			if a := c.Allegations[1]; a.Category != "individual-behaviours" || a.Subcategory != "impolite-language" || a.DomesticAbuse ||
				len(a.Subjects) != 1 {
				t.Errorf("other allegation: %+v", a)
			}
			rv, err := db.VettingReviews(ctx, "o1")
			if err != nil || len(rv) != 1 || !rv[0].Trigger.DomesticAbuse || rv[0].Trigger.Category != "" {
				t.Errorf("vetting review after the migration: %+v, %v", rv, err)
			}
			// The counts place the flagged allegation outside every code
			// and the other under the corrected taxonomy's code.
			counts, err := db.NationalReturnCounts(ctx, "f1", at.AddDate(0, -1, 0), at.AddDate(0, 1, 0))
			if err != nil {
				t.Fatal(err)
			}
			ref, err := cases.LoadReference()
			if err != nil {
				t.Fatal(err)
			}
			nr := cases.BuildNationalReturn(ref, at.AddDate(0, -1, 0), at.AddDate(0, 1, 0), counts)
			if nr.Uncategorised != 1 || nr.UncategorisedDomesticAbuse != 1 || nr.Total != 2 {
				t.Errorf("return after the migration: uncategorised %d (%d flagged), total %d", nr.Uncategorised,
					nr.UncategorisedDomesticAbuse, nr.Total)
			}
			var code string
			if err := db.ReaderForTest().QueryRowContext(ctx, `SELECT iopc_code FROM complaint_subcategories
				WHERE taxonomy_version = 'iopc-2020' AND category_code = 'individual-behaviours' AND code = 'impolite-language'`).Scan(&code); err != nil || code != "C1" {
				t.Errorf("IOPC code of the kept sub-category: %q, %v", code, err)
			}
			// Loading again is a no-op: the corrected set is now claimed.
			if _, err := db.Migrate(ctx); err != nil {
				t.Errorf("migrating again: %v", err)
			}
		})
	}
}
