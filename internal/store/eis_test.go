package store_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

func TestEISData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		// A use-of-force allegation with its own date, upheld.
		ref, _ := cases.LoadReference()
		occurred := day("2025-11-30")
		c := cases.Case{Kind: cases.Complaint, ForceID: w.force.ID, UnitID: w.units[0].ID, Summary: "Pushed against a wall",
			AroseOn: day("2025-12-01"), ReceivedAt: day("2025-12-02"),
			Allegations: []cases.Allegation{{Category: "powers-policies-procedures", Subcategory: "use-of-force", OccurredOn: &occurred,
				Subjects: []cases.Subject{{OfficerID: w.alice.ID}}}}}
		if err := c.Validate(ref, now); err != nil {
			t.Fatal(err)
		}
		c.Prepare(ref, now)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
				return err
			}
			read := c.Version
			c.Allegations[0].Subjects[0].Finding = "service_not_acceptable"
			return tx.SaveTransition(ctx, &c, read, &cases.Event{At: now, Actor: "test", Type: "action"}, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		// Carol was imported from an export with no joining dates: her
		// joined_on is a stand-in. Bob, created with his joining date and
		// later matched by an import, keeps it.
		carol := store.ImportedOfficer{Officer: officers.Officer{ID: "carol", ForceID: w.force.ID, CollarNumber: "C1", FamilyName: "Carol",
			Rank: "constable", JoinedOn: day("2020-06-01")}}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.ImportBatch(ctx, &store.ImportBatch{Source: "test", Now: now, Officers: []store.ImportedOfficer{carol},
				Keys: []store.ImportKey{{Kind: "officer", ExternalID: "bob", InternalID: w.bob.ID},
					{Kind: "officer", ExternalID: "carol", InternalID: "carol"}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := db.EISData(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range ds.Officers {
			if o.ID == "carol" && o.Joined != eis.NoDay {
				t.Errorf("imported carol joined on %s, want not known", o.Joined.Time())
			}
			if o.ID == w.bob.ID && o.Joined != eis.DayOf(day("2016-01-01")) {
				t.Errorf("bob joined on %s, want 2016-01-01", o.Joined.Time())
			}
		}
		if len(ds.Officers) != 4 || len(ds.Allegations) != 5 {
			t.Fatalf("%d officers, %d allegations; want 4 and 5", len(ds.Officers), len(ds.Allegations))
		}
		var alice int = -1
		for i, o := range ds.Officers {
			if o.ID == w.alice.ID {
				alice = i
				if o.Key != "TST/A1" || o.Force != "TST" || o.Unit != w.units[0].ID || o.Rank != "constable" ||
					o.Joined != eis.DayOf(day("2015-01-01")) || o.Left != eis.NoDay {
					t.Errorf("alice: %+v", o)
				}
			}
		}
		got := ds.Of(alice)
		if len(got) != 3 {
			t.Fatalf("alice has %d allegations, want 3", len(got))
		}
		last := got[2] // newest: the one dated by occurred_on, not the case
		if last.On != eis.DayOf(day("2026-02-26")) {
			// The stop and search case arose on 2026-02-26.
			t.Errorf("newest allegation on %s", last.On)
		}
		force := got[0]
		if force.On != eis.DayOf(occurred) || !force.UseOfForce || !force.Upheld() || force.Category != "powers-policies-procedures" {
			t.Errorf("use-of-force allegation: %+v", force)
		}
		for _, a := range ds.Allegations {
			if a.Category == "sexual-conduct" && a.Concern != "sexual misconduct" {
				t.Errorf("sexual conduct concern %q", a.Concern)
			}
			if a.Category != "powers-policies-procedures" && a.UseOfForce {
				t.Errorf("use of force on %+v", a)
			}
		}
	})
}

func TestFlagsRaiseListReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		run := &store.EISRun{At: now, Kind: "run", Model: "logistic", Params: json.RawMessage(`{"top":20}`)}
		ex := eis.Explanation{Summary: "Threshold rule met.", Items: []eis.ExplanationItem{{Indicator: "rule", Words: "3 allegations", Value: 3}}}
		var first eis.Flag
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SaveEISRun(ctx, run); err != nil {
				return err
			}
			for i, spec := range []struct {
				officer, unit, source, rule string
				want                        bool
			}{
				{w.alice.ID, w.units[0].ID, eis.SourceRule, "r1", true},
				{w.alice.ID, w.units[0].ID, eis.SourceRule, "r1", false}, // same reason, still open
				{w.alice.ID, w.units[0].ID, eis.SourceModel, "", true},
				{w.bob.ID, w.units[1].ID, eis.SourceRule, "r1", true},
			} {
				f := &eis.Flag{OfficerID: spec.officer, RunID: run.ID, RaisedAt: now.Add(time.Duration(i) * time.Second), Source: spec.source,
					RuleName: spec.rule, Score: 3, Explanation: ex, UnitID: spec.unit}
				ok, err := tx.RaiseFlag(ctx, f)
				if err != nil {
					return err
				}
				if ok != spec.want {
					t.Errorf("flag %d raised = %v, want %v", i, ok, spec.want)
				}
				if i == 0 {
					first = *f
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		page, err := db.Flags(ctx, store.FlagQuery{Units: []string{w.units[0].ID}})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("unit 0 flags: %v %+v", err, page)
		}
		if page.Items[0].Source != eis.SourceModel || page.Items[0].Explanation.Items[0].Words != "3 allegations" {
			t.Errorf("newest first, explanation kept: %+v", page.Items[0])
		}
		page, _ = db.Flags(ctx, store.FlagQuery{AllUnits: true, Limit: 2})
		last := store.FlagPosition(page.Items[1])
		rest, _ := db.Flags(ctx, store.FlagQuery{AllUnits: true, Limit: 2, After: &last})
		if len(page.Items) != 2 || !page.More || len(rest.Items) != 1 || rest.More {
			t.Errorf("paging: %d then %d", len(page.Items), len(rest.Items))
		}
		if p, _ := db.Flags(ctx, store.FlagQuery{}); len(p.Items) != 0 {
			t.Error("no units and not all units: want nothing")
		}
		// The caller's own record is left out in the query itself.
		if p, _ := db.Flags(ctx, store.FlagQuery{AllUnits: true, ExcludeOfficerID: w.alice.ID}); len(p.Items) != 1 || p.Items[0].OfficerID != w.bob.ID {
			t.Errorf("excluding Alice's flags: %+v", p.Items)
		}

		// Two reviewers at once: one wins.
		f, err := db.Flag(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]error, 4)
		for i := range results {
			wg.Go(func() {
				mine := f
				_ = mine.Apply(eis.Review{Action: eis.ActReview, Note: "looked"})
				results[i] = db.InTx(ctx, func(tx *store.Tx) error {
					return tx.SaveReview(ctx, &mine, f.Version, &eis.FlagNote{AuthorID: "u", At: now, Action: eis.ActReview, Text: "looked"})
				})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			if err == nil {
				won++
			} else if !fault.Is(err, fault.Conflict) {
				t.Errorf("unexpected: %v", err)
			}
		}
		after, _ := db.Flag(ctx, first.ID)
		if won != 1 || after.State != eis.FlagReviewed || after.Version != 2 || len(after.Notes) != 1 {
			t.Fatalf("%d won; flag %+v", won, after)
		}
		// Once closed, the same reason may be flagged again.
		closeIt := after
		_ = closeIt.Apply(eis.Review{Action: eis.ActClose, Note: "nothing to do"})
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SaveReview(ctx, &closeIt, after.Version, &eis.FlagNote{AuthorID: "u", At: now, Action: eis.ActClose, Text: "done"}); err != nil {
				return err
			}
			again := &eis.Flag{OfficerID: w.alice.ID, RunID: run.ID, RaisedAt: now.Add(time.Hour), Source: eis.SourceRule, RuleName: "r1",
				Score: 4, Explanation: ex, UnitID: w.units[0].ID}
			ok, err := tx.RaiseFlag(ctx, again)
			if err == nil && !ok {
				t.Error("a closed flag blocked a new one")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Flag(ctx, "nope"); !fault.Is(err, fault.NotFound) {
			t.Errorf("missing flag: %v", err)
		}
	})
}

func TestEISRunsAndFlagGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		if _, err := db.LatestEISRun(ctx, "evaluation"); !fault.Is(err, fault.NotFound) {
			t.Errorf("no evaluation yet: %v", err)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i, r := range []*store.EISRun{
				{At: now.Add(-time.Hour), Kind: "evaluation", Model: "logistic", Report: json.RawMessage(`{"n":1}`)},
				{At: now, Kind: "evaluation", Model: "boosted", Report: json.RawMessage(`{"n":2}`)},
				{At: now.Add(time.Hour), Kind: "run", Model: "logistic"},
			} {
				if err := tx.SaveEISRun(ctx, r); err != nil {
					return err
				}
				if i == 2 {
					_, err := tx.RaiseFlag(ctx, &eis.Flag{OfficerID: w.bob.ID, RunID: r.ID, RaisedAt: now, Source: eis.SourceModel, Score: 0.3,
						UnitID: w.units[1].ID})
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.LatestEISRun(ctx, "evaluation")
		if err != nil || r.Model != "boosted" || string(r.Report) != `{"n":2}` {
			t.Errorf("latest evaluation: %v %+v", err, r)
		}
		// Nobody in the test world has sex or ethnicity recorded.
		groups, err := db.FlagGroups(ctx, now)
		if err != nil || len(groups) != 0 {
			t.Errorf("groups: %v %+v", err, groups)
		}
	})
}
