package demo

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// small is a dataset the store tests can seed quickly on both engines.
func small() *Dataset {
	return GenerateWith(7, now, GenerateOptions{Officers: 150, ComplaintsPerYear: 40, ConductPerYear: 12, Years: 2})
}

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ds := small()
		sum, err := Seed(ctx, db, ds, now)
		if err != nil {
			t.Fatal(err)
		}
		want := ds.Summary()
		got := sum
		got.Took = 0
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Seed reported %v, dataset holds %v", got, want)
		}
		if sum.Took <= 0 || sum.AlreadySeeded {
			t.Errorf("summary %+v", sum)
		}
		checkStored(t, db, ds)

		again, err := Seed(ctx, db, small(), now)
		if err != nil {
			t.Fatal(err)
		}
		if !again.AlreadySeeded || again.Cases != 0 || again.Officers != 0 {
			t.Errorf("second Seed: %+v, want AlreadySeeded and nothing written", again)
		}
		if n, err := db.CaseCount(ctx); err != nil || n != len(ds.Cases) {
			t.Errorf("after second Seed: %d cases, %v", n, err)
		}
		if n := countOfficers(t, db); n != len(ds.Officers) {
			t.Errorf("after second Seed: %d officers", n)
		}
	})
}

func countOfficers(t *testing.T, db *store.DB) int {
	t.Helper()
	n, after := 0, ""
	for {
		page, err := db.Officers(ctx, "", after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
		if page.Next == "" {
			return n
		}
		after = page.Next
	}
}

// checkStored reads the seeded force back and compares it with the
// dataset, following keys to stored ids through collar numbers and unit
// codes, which are what the two have in common.
func checkStored(t *testing.T, db *store.DB, ds *Dataset) {
	t.Helper()
	forces, err := db.Forces(ctx)
	if err != nil || len(forces) != 1 || forces[0].Code != "DEMO" || !id.Valid(forces[0].ID) {
		t.Fatalf("forces %+v, %v", forces, err)
	}
	units, err := db.Units(ctx, forces[0].ID)
	// The dataset's units and the public complaints intake queue.
	if err != nil || len(units) != len(ds.Units)+1 {
		t.Fatalf("%d units stored, want %d and the intake unit (%v)", len(units), len(ds.Units), err)
	}
	unitCode := map[string]string{} // stored id or dataset key -> code
	for _, u := range units {
		unitCode[u.ID] = u.Code
	}
	for _, u := range ds.Units {
		unitCode[u.ID] = u.Code
	}
	stored := map[string]officers.Officer{} // by collar number
	after := ""
	for {
		page, err := db.Officers(ctx, "", after, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Items {
			stored[o.CollarNumber] = o
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if len(stored) != len(ds.Officers) {
		t.Fatalf("%d officers stored, want %d", len(stored), len(ds.Officers))
	}
	collarOf := map[string]string{} // stored id or dataset key -> collar number
	var movedChecked bool
	for _, o := range ds.Officers {
		s, ok := stored[o.CollarNumber]
		if !ok {
			t.Fatalf("officer %s not stored", o.CollarNumber)
		}
		collarOf[s.ID], collarOf[o.ID] = o.CollarNumber, o.CollarNumber
		if s.Rank != o.Rank || unitCode[s.UnitID] != unitCode[o.UnitID] || !s.JoinedOn.Equal(o.JoinedOn) ||
			(s.LeftOn == nil) != (o.LeftOn == nil) || s.FamilyName != o.FamilyName || s.Ethnicity != o.Ethnicity {
			t.Errorf("officer %s stored as %+v, generated as %+v", o.CollarNumber, s, o.Officer)
		}
		if len(o.Postings) > 2 && !movedChecked {
			movedChecked = true
			ps, err := db.Postings(ctx, s.ID)
			if err != nil || len(ps) != len(o.Postings) {
				t.Fatalf("officer %s: %d postings stored, want %d (%v)", o.CollarNumber, len(ps), len(o.Postings), err)
			}
			for k, p := range ps {
				w := o.Postings[k]
				if p.Rank != w.Rank || unitCode[p.UnitID] != unitCode[w.UnitID] || !p.StartedOn.Equal(w.StartedOn) {
					t.Errorf("officer %s posting %d stored as %+v, generated as %+v", o.CollarNumber, k, p, w)
				}
			}
		}
	}
	if n, err := db.CaseCount(ctx); err != nil || n != len(ds.Cases) {
		t.Fatalf("%d cases stored, want %d (%v)", n, len(ds.Cases), err)
	}
	people := map[string]string{}
	for _, p := range ds.People {
		people[p.ID] = p.Name
	}
	// Cases are seeded in order of receipt, so each kind's references
	// count up through each year in dataset order.
	seen := map[string]int{}
	for _, w := range ds.Cases {
		key := fmt.Sprint(w.Kind, w.ReceivedAt.Year())
		seen[key]++
		ref := cases.FormatReference(w.Kind, w.ReceivedAt.Year(), seen[key])
		got, err := db.CaseByReference(ctx, ref)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if got.Summary != w.Summary || got.State != w.State || got.Kind != w.Kind || got.RuleSet != w.RuleSet ||
			!got.ReceivedAt.Equal(w.ReceivedAt) || unitCode[got.UnitID] != unitCode[w.UnitID] ||
			len(got.Allegations) != len(w.Allegations) || len(got.Parties) != len(w.Parties) {
			t.Fatalf("%s stored as %+v, generated as %+v", ref, got, w.Case)
		}
		for i, a := range got.Allegations {
			wa := w.Allegations[i]
			if a.Category != wa.Category || a.Subcategory != wa.Subcategory || a.Description != wa.Description ||
				!slices.Equal(a.Standards, slices.Sorted(slices.Values(wa.Standards))) || len(a.Subjects) != len(wa.Subjects) {
				t.Errorf("%s allegation %d stored as %+v, generated as %+v", ref, i+1, a, wa)
				continue
			}
			for _, s := range a.Subjects {
				j := slices.IndexFunc(wa.Subjects, func(x cases.Subject) bool { return collarOf[x.OfficerID] == collarOf[s.OfficerID] })
				if j < 0 || wa.Subjects[j].Severity != s.Severity || wa.Subjects[j].Finding != s.Finding || wa.Subjects[j].Outcome != s.Outcome {
					t.Errorf("%s allegation %d subject %+v not as generated: %+v", ref, i+1, s, wa.Subjects)
				}
			}
		}
		for _, p := range got.Parties {
			if p.PersonID == "" {
				continue
			}
			person, err := db.Person(ctx, p.PersonID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(w.Parties, func(x cases.Party) bool { return people[x.PersonID] == person.Name }) {
				t.Errorf("%s party %s is not one of the generated parties", ref, person.Name)
			}
		}
		if (got.NextDueAt == nil) != (w.NextDueAt == nil) || got.NextDueClock != w.NextDueClock ||
			got.NextDueAt != nil && got.NextDueAt.Sub(*w.NextDueAt).Abs() >= time.Microsecond { // PostgreSQL keeps microseconds
			t.Errorf("%s next due stored as %v %s, generated as %v %s", ref, got.NextDueAt, got.NextDueClock, w.NextDueAt, w.NextDueClock)
		}
		if got.Version != 1+len(w.Events) {
			t.Errorf("%s at version %d after %d entries", ref, got.Version, len(w.Events))
		}
		events, err := db.Timeline(ctx, got.ID)
		if err != nil || len(events) != 1+len(w.Events) || events[0].Type != "recorded" ||
			events[0].Detail["state"] != string(w.Kind.InitialState()) || !events[0].At.Equal(w.ReceivedAt) {
			t.Fatalf("%s timeline %+v, want recorded in %s then %d entries (%v)", ref, events, w.Kind.InitialState(), len(w.Events), err)
		}
		// The stored findings name stored ids; read both back to collar
		// numbers and allegation numbers to compare.
		alNo := map[string]int{}
		for i, a := range got.Allegations {
			alNo[a.ID] = i
		}
		for i, a := range w.Allegations {
			alNo[a.ID] = i
		}
		common := func(d map[string]string) map[string]string {
			d = maps.Clone(d)
			if r, ok := d["recipient"]; ok {
				d["recipient"] = collarOf[r]
			}
			if f, ok := d["findings"]; ok {
				var fs []cases.FindingInput
				if err := json.Unmarshal([]byte(f), &fs); err != nil {
					t.Fatal(err)
				}
				for i := range fs {
					fs[i].AllegationID, fs[i].OfficerID = fmt.Sprint(alNo[fs[i].AllegationID]), collarOf[fs[i].OfficerID]
				}
				b, _ := json.Marshal(fs)
				d["findings"] = string(b)
			}
			return d
		}
		for k, e := range events[1:] {
			we := w.Events[k]
			if e.Type != we.Type || !e.At.Equal(we.At) || !reflect.DeepEqual(common(e.Detail), common(we.Detail)) {
				t.Errorf("%s event %d stored as %+v, generated as %+v", ref, k+2, e, we)
			}
		}
	}
}

// BenchmarkSeed measures seeding the full demo force into a fresh database
// on each engine; run it with -bench Seed -benchtime 1x.
func BenchmarkSeed(b *testing.B) {
	ds := Generate(1, now)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := storetest.Open(b, e.New(b))
				b.StartTimer()
				if _, err := Seed(ctx, db, ds, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
