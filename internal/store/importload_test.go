package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// loadBatch is a force with one officer and one case alleging against
// them; the subject names officerID, or the batch's officer when it is "".
func loadBatch(t *testing.T, officerID string) *store.ImportBatch {
	t.Helper()
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	f := &officers.Force{ID: id.New(), Code: "LDF", Name: "Load Force"}
	u := officers.Unit{ID: id.New(), ForceID: f.ID, Code: "U1", Name: "Unit one"}
	o := store.ImportedOfficer{Officer: officers.Officer{ID: id.New(), ForceID: f.ID, CollarNumber: "L1", FamilyName: "Load",
		Rank: "constable", UnitID: u.ID, JoinedOn: day("2020-01-01")}}
	if officerID == "" {
		officerID = o.ID
	}
	c := cases.Case{ID: id.New(), Kind: cases.Complaint, State: cases.Closed, ForceID: f.ID, Summary: "Shouted at in the street",
		AroseOn: day("2025-05-01"), ReceivedAt: day("2025-05-02"),
		Allegations: []cases.Allegation{{ID: id.New(), Category: "powers-policies-procedures", Subcategory: "use-of-force",
			Description: "Pushed aside", Subjects: []cases.Subject{{OfficerID: officerID}}}}}
	c.Prepare(ref, now)
	return &store.ImportBatch{Source: "load", Now: now, Force: f, Units: []officers.Unit{u}, Officers: []store.ImportedOfficer{o},
		Cases: []cases.Case{c}, Allegations: []store.ImportedAllegation{{CaseID: c.ID, Allegation: c.Allegations[0]}},
		Keys: []store.ImportKey{{Kind: store.ImportCase, ExternalID: "c1", InternalID: c.ID}}}
}

// TestImportLoad: a load into an empty database commits whole, with its
// indexes and search text, or leaves the database as it was.
func TestImportLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sqlite := db.Dialect() == store.SQLite
		var indexes []string
		if sqlite {
			var err error
			if indexes, err = db.IndexesForTest(ctx); err != nil || len(indexes) == 0 {
				t.Fatalf("indexes %v, %v", indexes, err)
			}
		}
		unchanged := func(t *testing.T, wantEmpty bool) {
			t.Helper()
			if empty, err := db.Empty(ctx); err != nil || empty != wantEmpty {
				t.Errorf("empty = %v (%v), want %v", empty, err, wantEmpty)
			}
			if !sqlite {
				return
			}
			if got, err := db.IndexesForTest(ctx); err != nil || !slices.Equal(got, indexes) {
				t.Errorf("indexes after the load %v (%v), want %v", got, err, indexes)
			}
			if on, err := db.ForeignKeysForTest(ctx); err != nil || on != 1 {
				t.Errorf("foreign_keys = %d (%v) after the load, want 1", on, err)
			}
		}
		for _, tc := range []struct {
			name string
			fn   func(tx *store.Tx) error
			want func(error) bool
		}{
			{"the loader fails", func(tx *store.Tx) error {
				if err := tx.ImportBatch(ctx, loadBatch(t, "")); err != nil {
					return err
				}
				return errors.New("stopped")
			}, func(err error) bool { return err != nil && err.Error() == "stopped" }},
			{"a subject names no officer", func(tx *store.Tx) error {
				return tx.ImportBatch(ctx, loadBatch(t, id.New()))
			}, func(err error) bool { return fault.KindOf(err) == fault.Invalid }},
			{"a unit code twice", func(tx *store.Tx) error {
				b := loadBatch(t, "")
				b.Units = append(b.Units, officers.Unit{ID: id.New(), ForceID: b.Force.ID, Code: "U1", Name: "again"})
				return tx.ImportBatch(ctx, b)
			}, func(err error) bool { return fault.KindOf(err) == fault.Conflict }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := db.ImportLoad(ctx, tc.fn)
				if !tc.want(err) {
					t.Errorf("err = %v", err)
				}
				unchanged(t, true)
			})
		}

		b := loadBatch(t, "")
		if err := db.ImportLoad(ctx, func(tx *store.Tx) error { return tx.ImportBatch(ctx, b) }); err != nil {
			t.Fatal(err)
		}
		unchanged(t, false)
		page, err := db.ListCases(ctx, store.CaseFilter{Text: "pushed", Now: now})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != b.Cases[0].ID {
			t.Errorf("search after the load: %+v, %v", page.Items, err)
		}
		if err := db.ImportLoad(ctx, func(*store.Tx) error { return nil }); !errors.Is(err, store.ErrNotEmpty) {
			t.Errorf("a second load: err = %v, want ErrNotEmpty", err)
		}
	})
}

// TestImportLoadJournal: on SQLite a load writes through a rollback
// journal, so that its pages are written once, when no other connection
// is reading; it stays in WAL mode when one is; the database is in WAL
// mode after it either way. A crash midway, the journal left beside a
// database the load had begun to write, leaves the database as it was.
func TestImportLoadJournal(t *testing.T) {
	ctx := context.Background()
	open := func(t *testing.T) (*store.DB, string) {
		path := filepath.Join(t.TempDir(), "probity.db")
		return storetest.Open(t, store.Location{Dialect: store.SQLite, Path: path}), path
	}
	for _, tc := range []struct {
		name    string
		reading bool
		want    string
	}{
		{"no reader", false, "delete"},
		{"a reader in a transaction", true, "wal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := open(t)
			if tc.reading {
				release, err := db.ReadingForTest(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer release()
			}
			b := loadBatch(t, "")
			var during string
			err := db.ImportLoad(ctx, func(tx *store.Tx) error {
				var err error
				if during, err = tx.JournalModeForTest(ctx); err != nil {
					return err
				}
				return tx.ImportBatch(ctx, b)
			})
			if err != nil {
				t.Fatal(err)
			}
			if during != tc.want {
				t.Errorf("journal mode during the load %q, want %q", during, tc.want)
			}
			if mode, err := db.JournalModeForTest(ctx); err != nil || mode != "wal" {
				t.Errorf("journal mode after the load %q (%v), want wal", mode, err)
			}
			if empty, err := db.Empty(ctx); err != nil || empty {
				t.Errorf("empty = %v (%v) after the load", empty, err)
			}
		})
	}

	t.Run("a crash midway", func(t *testing.T) {
		db, path := open(t)
		before, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		crashed := filepath.Join(t.TempDir(), "crashed.db")
		stop := errors.New("crash")
		err = db.ImportLoad(ctx, func(tx *store.Tx) error {
			if err := tx.ImportBatch(ctx, loadBatch(t, "")); err != nil {
				return err
			}
			// More than the writer's page cache holds, so that SQLite
			// writes pages into the database file before the commit.
			if err := tx.ExecForTest(ctx, `CREATE TABLE load_fill (x BLOB)`); err != nil {
				return err
			}
			if err := tx.ExecForTest(ctx, `INSERT INTO load_fill WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)
				SELECT randomblob(1000) FROM n`); err != nil {
				return err
			}
			if now, err := os.Stat(path); err != nil || now.Size() <= before.Size() {
				t.Fatalf("the load wrote nothing into the database file before its commit (%v): nothing to test", err)
			}
			for _, suffix := range []string{"", "-journal"} {
				b, err := os.ReadFile(path + suffix)
				if err != nil {
					t.Fatalf("copying the database as a crash leaves it: %v", err)
				}
				if err := os.WriteFile(crashed+suffix, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			return stop
		})
		if !errors.Is(err, stop) {
			t.Fatalf("err = %v", err)
		}
		after := storetest.Open(t, store.Location{Dialect: store.SQLite, Path: crashed})
		if empty, err := after.Empty(ctx); err != nil || !empty {
			t.Errorf("empty = %v (%v) after the crash", empty, err)
		}
		if ok, err := after.IntegrityForTest(ctx); err != nil || ok != "ok" {
			t.Errorf("integrity check after the crash: %q, %v", ok, err)
		}
		if st, err := os.Stat(crashed); err != nil {
			t.Error(err)
		} else if st.Size() != before.Size() {
			t.Errorf("the database after the crash is %d bytes, was %d", st.Size(), before.Size())
		}
	})
}
