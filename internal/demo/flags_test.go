package demo

import (
	"testing"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestRaiseFlags runs early intervention over a seeded demo force: rule
// and model flags with explanations, an audit entry for the run, and
// nothing more on a second start.
func TestRaiseFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := Seed(ctx, db, GenerateWith(7, now, Scaled(150)), now); err != nil {
			t.Fatal(err)
		}
		signer, err := audit.ParseSigningKey(audit.GenerateSigningKey())
		if err != nil {
			t.Fatal(err)
		}
		db.UseAuditLog(store.NewAuditLog(db, signer, 100))
		got, err := RaiseFlags(ctx, db, now)
		if err != nil {
			t.Fatal(err)
		}
		if got.Raised == 0 || got.Scored == 0 || got.Run.ID == "" {
			t.Fatalf("run %+v: want flags on scored officers", got)
		}
		page, err := db.Flags(ctx, store.FlagQuery{AllUnits: true, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		sources := map[string]int{}
		for _, f := range page.Items {
			sources[f.Source]++
			if f.State != eis.FlagOpen || f.Explanation.Summary == "" || len(f.Explanation.Items) == 0 || f.UnitID == "" {
				t.Errorf("flag %+v: want open, explained and in a unit", f)
			}
		}
		if sources[eis.SourceModel] != DemoTopN || sources[eis.SourceRule] == 0 {
			t.Errorf("flags by source %v: want %d from the model and some from rules (note: %q)", sources, DemoTopN, got.Note)
		}
		entries, err := db.AuditEntries(ctx, store.AuditFilter{RecordID: got.Run.ID})
		if err != nil || len(entries.Entries) != 1 || entries.Entries[0].ActorName != "demo" {
			t.Errorf("audit of the run: %+v, %v", entries.Entries, err)
		}
		again, err := RaiseFlags(ctx, db, now)
		if err != nil || again.Run.ID != "" {
			t.Errorf("second start ran again: %+v, %v", again, err)
		}
	})
}
