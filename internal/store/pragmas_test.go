package store_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestSQLiteWriterPragmas checks the settings SQLite's writer runs with:
// the durability an acknowledgement rests on, and the checkpoint interval
// intake's speed depends on.
func TestSQLiteWriterPragmas(t *testing.T) {
	db := storetest.Open(t, store.Location{Dialect: store.SQLite, Path: t.TempDir() + "/probity.db"})
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL: each commit synced before it is acknowledged
		{"foreign_keys", "1"},
		{"temp_store", "2"}, // MEMORY
		{"wal_autocheckpoint", "4000"},
	} {
		got, err := db.WriterPragmaForTest(ctx, tc.pragma)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.EqualFold(got, tc.want) {
			t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
}
