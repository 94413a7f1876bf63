package store_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
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

// TestEISDataMatchesJoin checks the dataset EISData reads against one
// made by the plainest reading of the same records: every allegation's
// subjects joined to its case and to the category tables in SQL. A seeded
// force gives a few hundred allegations; the cases of buildWorld and three
// more add allegations dated only by their case and the domestic-abuse
// flag beside a sub-category's concern, a category's, and neither.
func TestEISDataMatchesJoin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		ref, _ := cases.LoadReference()
		seedEISHistories(t, db, ref, w.force.ID, w.units)
		for _, spec := range []struct {
			category, subcategory string
			domestic              bool
			occurred              *time.Time
		}{
			{"abuse-of-position", "sexual-purpose", true, nil},
			{"discriminatory-behaviour", "race", true, nil},
			{"powers-policies-procedures", "use-of-force", true, nil},
		} {
			c := cases.Case{Kind: cases.Complaint, ForceID: w.force.ID, UnitID: w.units[0].ID, Summary: "Test",
				AroseOn: day("2025-10-01"), ReceivedAt: day("2025-10-02"),
				Allegations: []cases.Allegation{{Category: spec.category, Subcategory: spec.subcategory, DomesticAbuse: spec.domestic,
					OccurredOn: spec.occurred, Subjects: []cases.Subject{{OfficerID: w.alice.ID}, {OfficerID: w.bob.ID}}}}}
			if err := c.Validate(ref, now); err != nil {
				t.Fatal(err)
			}
			c.Prepare(ref, now)
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", now) }); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.EISData(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := eisDataByJoin(t, db)
		if len(want.Allegations) < 100 {
			t.Fatalf("%d allegations: want a seeded force's", len(want.Allegations))
		}
		covered := map[string]int{}
		for _, a := range want.Allegations {
			covered["concern "+a.Concern]++
			if a.UseOfForce {
				covered["use of force"]++
			}
			if a.Upheld() {
				covered["upheld"]++
			}
		}
		for _, k := range []string{"concern sexual misconduct", "concern discrimination", "concern domestic abuse", "concern ", "use of force", "upheld"} {
			if covered[k] == 0 {
				t.Errorf("no allegation with %s: the comparison would not test it", k)
			}
		}
		if !reflect.DeepEqual(got.Officers, want.Officers) {
			t.Errorf("officers differ: %d read, %d by the join", len(got.Officers), len(want.Officers))
		}
		for _, f := range []struct {
			name      string
			got, want []string
		}{{"categories", got.Categories, want.Categories}, {"sub-categories", got.Subcategories, want.Subcategories},
			{"concerns", got.Concerns, want.Concerns}} {
			if !reflect.DeepEqual(f.got, f.want) {
				t.Errorf("%s %q, want %q", f.name, f.got, f.want)
			}
		}
		// Each officer's allegations, in order, with everything an
		// indicator is made from. (The dense numbering of cases inside a
		// dataset follows the order rows arrive in, so it is not compared.)
		show := func(a eis.Allegation) string {
			return fmt.Sprintf("%d %s %d %s/%s %q force=%v %q upheld=%v", a.Officer, a.Case, a.On, a.Category, a.Subcategory, a.Concern,
				a.UseOfForce, a.Finding, a.Upheld())
		}
		if len(got.Allegations) != len(want.Allegations) {
			t.Fatalf("%d allegations, want %d", len(got.Allegations), len(want.Allegations))
		}
		for i := range got.Officers {
			g, w := got.Of(i), want.Of(i)
			if len(g) != len(w) {
				t.Errorf("officer %s: %d allegations, want %d", got.Officers[i].Key, len(g), len(w))
				continue
			}
			for j := range g {
				if show(g[j]) != show(w[j]) {
					t.Errorf("officer %s allegation %d:\n got %s\nwant %s", got.Officers[i].Key, j, show(g[j]), show(w[j]))
				}
			}
		}
		// And the indicators worked out from each.
		asOf := eis.DayOf(now)
		gf, wf := eis.NewFrame(&got, asOf, eis.Serving(&got, asOf), eis.Options{}), eis.NewFrame(&want, asOf, eis.Serving(&want, asOf), eis.Options{})
		if len(gf.Members) != len(wf.Members) {
			t.Fatalf("%d serving officers, want %d", len(gf.Members), len(wf.Members))
		}
		for m := range gf.Members {
			if g, w := gf.Indicators(m), wf.Indicators(m); !reflect.DeepEqual(g, w) {
				t.Errorf("officer %s: indicators\n%+v\nwant\n%+v", got.Officers[gf.Members[m]].Key, g, w)
			}
		}
	})
}

// seedEISHistories records a few hundred allegations against a dozen
// officers of force: categories with and without a concern or use of
// force, dated by themselves or only by their case, found in several
// ways and not at all, in two units.
func seedEISHistories(t *testing.T, db *store.DB, ref *cases.Reference, force string, units []officers.Unit) {
	t.Helper()
	var staff []string
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range 12 {
			o := officers.Officer{ForceID: force, CollarNumber: fmt.Sprintf("H%02d", i), FamilyName: "History", Rank: "constable",
				UnitID: units[i%len(units)].ID, JoinedOn: day("2010-01-01").AddDate(i, 0, 0)}
			if err := tx.CreateOfficer(ctx, &o, now); err != nil {
				return err
			}
			staff = append(staff, o.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	kinds := [][2]string{{"individual-behaviours", "impolite-language"}, {"powers-policies-procedures", "stop-and-search"},
		{"powers-policies-procedures", "use-of-force"}, {"abuse-of-position", "sexual-purpose"}, {"discriminatory-behaviour", "race"},
		{"delivery-of-duties", "decisions"}, {"sexual-conduct", "sexual-harassment"}}
	findings := []string{"", "upheld", "service_not_acceptable", "not_upheld", "case_to_answer", ""}
	for i := range 90 {
		k := kinds[i%len(kinds)]
		var occurred *time.Time
		if i%3 != 0 {
			d := day("2019-01-01").AddDate(0, 0, 23*i)
			occurred = &d
		}
		var subjects []cases.Subject
		for j := range 1 + i%3 {
			subjects = append(subjects, cases.Subject{OfficerID: staff[(i+5*j)%len(staff)], Finding: findings[(i+j)%len(findings)]})
		}
		c := cases.Case{Kind: cases.Complaint, ForceID: force, UnitID: units[i%len(units)].ID, Summary: "History",
			AroseOn: day("2019-01-01").AddDate(0, 0, 23*i+2), ReceivedAt: day("2019-01-01").AddDate(0, 0, 23*i+5),
			Allegations: []cases.Allegation{{Category: k[0], Subcategory: k[1], DomesticAbuse: i%7 == 0, OccurredOn: occurred, Subjects: subjects}}}
		if err := c.Validate(ref, now); err != nil {
			t.Fatal(err)
		}
		c.Prepare(ref, now)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", now) }); err != nil {
			t.Fatal(err)
		}
	}
}

// eisDataByJoin reads the early-intervention dataset the plainest way:
// one row per allegation and subject, joined in SQL to its case and to
// the category tables for its concern and use of force.
func eisDataByJoin(t *testing.T, db *store.DB) eis.Dataset {
	t.Helper()
	var ds eis.Dataset
	r := db.ReaderForTest()
	rows, err := r.QueryContext(ctx, `SELECT o.id, f.code, o.collar_number, COALESCE(o.unit_id, ''), o.rank, o.sex, o.ethnicity,
		o.joined_on, o.left_on, o.joined_on_known, o.ethnicity_group
		FROM officers o JOIN forces f ON f.id = o.force_id`)
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int32{}
	for rows.Next() {
		var o eis.Officer
		var collar string
		var joined time.Time
		var left sql.NullTime
		var known bool
		if err := rows.Scan(&o.ID, &o.Force, &collar, &o.Unit, &o.Rank, &o.Sex, &o.Ethnicity, &joined, &left, &known, &o.EthnicityGroup); err != nil {
			t.Fatal(err)
		}
		o.Key, o.Joined, o.Left = o.Force+"/"+collar, eis.DayOf(joined), eis.NoDay
		if !known {
			o.Joined = eis.NoDay
		}
		if left.Valid {
			o.Left = eis.DayOf(left.Time)
		}
		index[o.ID] = int32(len(ds.Officers))
		ds.Officers = append(ds.Officers, o)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	falseLiteral := "0"
	if db.Dialect() == store.Postgres {
		falseLiteral = "FALSE"
	}
	rows, err = r.QueryContext(ctx, `SELECT s.officer_id, a.case_id, COALESCE(a.occurred_on, c.arose_on), COALESCE(a.category, ''),
		COALESCE(a.subcategory, ''), COALESCE(sc.use_of_force, `+falseLiteral+`), s.finding,
		COALESCE(NULLIF(sc.concern, ''), NULLIF(cc.concern, ''), CASE WHEN a.domestic_abuse THEN 'domestic abuse' ELSE '' END)
		FROM subjects s
		JOIN allegations a ON a.id = s.allegation_id
		JOIN cases c ON c.id = a.case_id
		LEFT JOIN complaint_categories cc ON cc.taxonomy_version = a.taxonomy_version AND cc.code = a.category
		LEFT JOIN complaint_subcategories sc ON sc.taxonomy_version = a.taxonomy_version AND sc.category_code = a.category
			AND sc.code = a.subcategory`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a eis.Allegation
		var officerID string
		var on any
		if err := rows.Scan(&officerID, &a.Case, &on, &a.Category, &a.Subcategory, &a.UseOfForce, &a.Finding, &a.Concern); err != nil {
			t.Fatal(err)
		}
		a.Officer = index[officerID]
		a.On = eis.DayOf(dateValue(t, on))
		ds.Allegations = append(ds.Allegations, a)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	return ds
}

// dateValue reads a date the engine returns from an expression: a
// time.Time from PostgreSQL, text from SQLite (which keeps a column's type
// only for the column itself).
func dateValue(t *testing.T, v any) time.Time {
	t.Helper()
	switch v := v.(type) {
	case time.Time:
		return v
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02"} {
			if d, err := time.Parse(layout, v); err == nil {
				return d
			}
		}
	}
	t.Fatalf("date %#v", v)
	return time.Time{}
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
