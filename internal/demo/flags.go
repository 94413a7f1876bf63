package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

// DemoTopN is how many of the model's highest-ranked officers the demo's
// run flags, beside every rule hit.
const DemoTopN = 20

// RaiseFlags runs the early-intervention system over the demo data once,
// as `probity eis run` would, so that supervisors have flags to review.
// A database that already holds a run is left as it is.
//
// now is both the day the officers are scored as of and when the flags are
// raised: `probity demo` passes DataAsOf, the moment its data stands at,
// so that the same seed raises the same flags, with the same dates and
// explanations, whatever day the demo starts.
func RaiseFlags(ctx context.Context, db *store.DB, now time.Time) (store.FlagRun, error) {
	if _, err := db.LatestEISRun(ctx, "run"); err == nil || !fault.Is(err, fault.NotFound) {
		return store.FlagRun{}, err
	}
	ds, err := db.EISData(ctx)
	if err != nil {
		return store.FlagRun{}, err
	}
	rep, err := eis.Run(&ds, eis.RunConfig{AsOf: now, TopN: DemoTopN})
	if err != nil {
		return store.FlagRun{}, fmt.Errorf("scoring the demo force: %w", err)
	}
	params, err := json.Marshal(map[string]any{"as_of": rep.AsOf, "top": DemoTopN, "model": rep.Model,
		"train_years": rep.TrainYears, "scored": rep.Scored, "note": rep.Note, "demo": true})
	if err != nil {
		return store.FlagRun{}, err
	}
	return db.SaveFlagRun(ctx, rep, params, "demo", now)
}
