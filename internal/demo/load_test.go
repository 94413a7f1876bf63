package demo

import (
	"testing"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestLoad holds the bulk load to what Seed leaves: the same force,
// officers, postings, people, cases, findings and timelines, read back
// through the store.
func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ds := small()
		b, err := db.NewBulk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var reported []int
		sum, err := Load(ctx, b, ds, func(n int) { reported = append(reported, n) })
		if err != nil {
			t.Fatal(err)
		}
		if sum.Cases != len(ds.Cases) || len(reported) == 0 || reported[len(reported)-1] != len(ds.Cases) {
			t.Errorf("summary %+v, progress %v", sum, reported)
		}
		checkStored(t, db, ds)
		if empty, err := db.Empty(ctx); err != nil || empty {
			t.Errorf("Empty after a load: %v, %v", empty, err)
		}
	})
}
