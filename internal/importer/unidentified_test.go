package importer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestUnidentifiedOfficersImportAsNoSubject: an export that files
// unidentified officers under a placeholder keeps their allegations, with
// no subject, when the mapping says which rows those are, whether the
// officers come from a file of their own or from the allegation rows.
func TestUnidentifiedOfficersImportAsNoSubject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()

		// CCRB: officer 000003 (family name Brown) stands for no one.
		m := mapping(t, "ccrb", "  joined_fallback:", "  unidentified: {column: last_name, values: [\" brown \"]}\n  joined_fallback:")
		sum, err := importer.Import(ctx, db, m, []string{writeZip(t, ccrbMembers())}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		// Officer 000003 has two allegations: one dated, kept with no
		// subject; one undated, rejected as before.
		if sum.Officers != 3 || sum.Unidentified != 1 || sum.NoOfficer != 0 || sum.Allegations != 7 || sum.Rejected != 1 {
			t.Fatalf("summary %+v", *sum)
		}
		force, _ := db.ForceByCode(ctx, "NYPD")
		if _, err := db.OfficerByCollar(ctx, force.ID, "000003"); err == nil {
			t.Error("the placeholder became an officer")
		}
		c := caseByExternal(t, db, "ccrb", "200000038")
		var bare int
		for _, a := range c.Allegations {
			if len(a.Subjects) == 0 {
				bare++
			}
		}
		if len(c.Allegations) != 4 || bare != 1 {
			t.Errorf("case 200000038: %d allegations, %d with no subject; want 4 and 1", len(c.Allegations), bare)
		}
	})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// Philadelphia: officers come from the allegation rows; two
		// conditions, either enough.
		m := mapping(t, "philly", "  optional: true\n", "  optional: true\n  unidentified:\n"+
			"    - {column: officer_initials, values: [jx]}\n    - {column: po_race, values: [martian]}\n")
		disc := writeFile(t, "disciplines.csv", phillyDisciplines)
		compl := writeFile(t, "complaints.csv", phillyComplaints)
		sum, err := importer.Import(ctx, db, m, []string{disc, compl}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Unidentified != 1 || sum.NoOfficer != 1 || sum.Officers != 3 || sum.Allegations != 5 {
			t.Fatalf("summary %+v", *sum)
		}
		c := caseByExternal(t, db, "philly", "17-0200")
		if len(c.Allegations) != 1 || len(c.Allegations[0].Subjects) != 0 {
			t.Errorf("case 17-0200 = %+v", c.Allegations)
		}
		// Officer 12345678 is still an officer: only the row is unidentified.
		force, _ := db.ForceByCode(ctx, "PPD")
		if _, err := db.OfficerByCollar(ctx, force.ID, "12345678"); err != nil {
			t.Errorf("officer 12345678: %v", err)
		}
	})
}

// TestUnidentifiedMappingErrors: a column the file does not have is named
// when the files are read (the errors a mapping shows alone are in
// TestMappingErrors).
func TestUnidentifiedMappingErrors(t *testing.T) {
	m := mapping(t, "ccrb", "  joined_fallback:", "  unidentified: {column: surname, values: [UNKNOWN]}\n  joined_fallback:")
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, err := importer.Import(context.Background(), db, m, []string{writeZip(t, ccrbMembers())}, opts(t))
		if err == nil || !strings.Contains(err.Error(), `officers.unidentified[0]: file officers has no column "surname"`) {
			t.Errorf("err = %v", err)
		}
	})
}
