package store_test

import (
	"testing"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// openAtMigration opens a fresh database of engine e migrated only as far
// as version, so that a test can write rows the way an older Probity did
// and then watch a later migration carry them forward. exec runs a
// statement on it and stops the test if it fails.
func openAtMigration(t *testing.T, e storetest.Engine, version int64) (db *store.DB, exec func(q string, args ...any)) {
	t.Helper()
	db, err := store.Open(ctx, e.New(t), store.Options{Keys: storetest.Keys(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.MigrateToForTest(ctx, version); err != nil {
		t.Fatal(err)
	}
	return db, func(q string, args ...any) {
		t.Helper()
		if err := db.ExecForTest(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
