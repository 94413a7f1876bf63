package importer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestJoiningDates: a joining date the mapping gives is one early
// intervention may read as length of service; the first allegation that
// stands in for it when there is none is not.
func TestJoiningDates(t *testing.T) {
	joinedOf := func(t *testing.T, db *store.DB, key string) eis.Day {
		t.Helper()
		ds, err := db.EISData(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range ds.Officers {
			if o.Key == key {
				return o.Joined
			}
		}
		t.Fatalf("no officer %s", key)
		return eis.NoDay
	}
	disc := func(t *testing.T) string { return writeFile(t, "disciplines.csv", phillyDisciplines) }
	compl := func(t *testing.T) string { return writeFile(t, "complaints.csv", phillyComplaints) }

	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// No joining date: officer 12345678's first allegation (2 March
		// 2016) is kept as joined_on but not offered as service.
		if _, err := importer.Import(context.Background(), db, mustBuiltin(t, "philly"), []string{disc(t), compl(t)}, opts(t)); err != nil {
			t.Fatal(err)
		}
		if d := joinedOf(t, db, "PPD/12345678"); d != eis.NoDay {
			t.Errorf("joined = %v, want not known", d.Time())
		}
	})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// A mapped joining date (here, for the test, the joined complaints
		// file's received date of the officer's first row).
		m := mapping(t, "philly", "  optional: true\n", "  optional: true\n  joined: {column: complaints.date_received, format: \"%m/%d/%y\"}\n")
		if _, err := importer.Import(context.Background(), db, m, []string{disc(t), compl(t)}, opts(t)); err != nil {
			t.Fatal(err)
		}
		if d := joinedOf(t, db, "PPD/12345678"); d != eis.DayOf(time.Date(2016, 3, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("joined = %v, want 2016-03-02", d.Time())
		}
	})
	// A joining date that does not read rejects the officer's row, naming
	// the field.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := mapping(t, "philly", "  optional: true\n", "  optional: true\n  joined: {column: po_race, format: \"%Y-%m-%d\"}\n")
		sum, err := importer.Import(context.Background(), db, m, []string{disc(t), compl(t)}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		rej := rejectReasons(t, sum.RejectFile)
		found := false
		for _, r := range rej {
			found = found || strings.Contains(r, `po_race (%Y-%m-%d): ""white"" is not a date`)
		}
		if !found {
			t.Errorf("rejects = %q", rej)
		}
	})
}
