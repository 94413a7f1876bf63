package eis

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

func day(s string) Day {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return DayOf(t)
}

// synthetic builds a force whose officers have a hidden propensity that
// drives both how often they are complained about and how often it is
// upheld, so that history predicts the future a little, as in real data.
func synthetic(seed uint64, officers int, fromYear, toYear int) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	ds := &Dataset{}
	cats := []struct{ cat, sub, concern string }{
		{"powers-policies-procedures", "use-of-force", ""},
		{"powers-policies-procedures", "stop-and-search", ""},
		{"individual-behaviours", "impolite-language", ""},
		{"discriminatory-behaviour", "race", "discrimination"},
		{"sexual-conduct", "sexual-harassment", "sexual misconduct"},
	}
	sexes := []string{"female", "male"}
	ethnicities := []string{"asian", "black", "white"}
	caseN := 0
	for i := range officers {
		joined := day(fmt.Sprintf("%d-01-01", fromYear-rng.IntN(10)))
		o := Officer{ID: fmt.Sprintf("o%05d", i), Key: fmt.Sprintf("FX/%05d", i), Force: "FX",
			Unit: fmt.Sprintf("u%d", rng.IntN(8)), Rank: []string{"constable", "constable", "sergeant"}[rng.IntN(3)],
			Sex: sexes[rng.IntN(2)], Ethnicity: ethnicities[rng.IntN(3)], Joined: joined, Left: NoDay}
		ds.Officers = append(ds.Officers, o)
		propensity := rng.ExpFloat64() * 0.6
		for y := fromYear; y <= toYear; y++ {
			n := poisson(rng, propensity)
			for range n {
				c := cats[rng.IntN(len(cats))]
				on := day(fmt.Sprintf("%d-01-01", y)) + Day(rng.IntN(365))
				finding := "not_upheld"
				if rng.Float64() < 0.02+0.05*propensity {
					finding = "upheld"
				}
				caseN++
				ds.Allegations = append(ds.Allegations, Allegation{Officer: int32(i), Case: fmt.Sprintf("c%d", caseN), On: on,
					Category: c.cat, Subcategory: c.sub, Concern: c.concern, UseOfForce: c.sub == "use-of-force", Finding: finding})
			}
		}
	}
	if err := ds.Prepare(); err != nil {
		panic(err)
	}
	return ds
}

func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func TestUpheld(t *testing.T) {
	for _, f := range []string{"upheld", "service_not_acceptable", "misconduct", "gross_misconduct", "case_to_answer", " Upheld "} {
		if !Upheld(f) {
			t.Errorf("Upheld(%q) = false", f)
		}
	}
	for _, f := range []string{"", "not_upheld", "unfounded", "exonerated", "unsubstantiated", "other", "no_case_to_answer",
		"service_acceptable", "no_misconduct", "unable_to_determine"} {
		if Upheld(f) {
			t.Errorf("Upheld(%q) = true", f)
		}
	}
}

// TestIndicators checks counts, windows, peer means and ratios on a force
// small enough to count by hand.
func TestIndicators(t *testing.T) {
	ds := &Dataset{Officers: []Officer{
		{ID: "a", Key: "F/a", Unit: "u1", Rank: "constable", Joined: day("2010-03-01"), Left: NoDay},
		{ID: "b", Key: "F/b", Unit: "u1", Rank: "constable", Joined: day("2015-01-01"), Left: NoDay},
		{ID: "c", Key: "F/c", Unit: "u2", Rank: "sergeant", Joined: NoDay, Left: NoDay},
	}}
	add := func(o int32, cs, on, cat, concern string, force bool, finding string) {
		ds.Allegations = append(ds.Allegations, Allegation{Officer: o, Case: cs, On: day(on), Category: cat, Concern: concern,
			UseOfForce: force, Finding: finding})
	}
	add(0, "k1", "2019-06-01", "powers-policies-procedures", "", true, "upheld")              // 12m
	add(0, "k1", "2019-06-01", "individual-behaviours", "", false, "not_upheld")              // 12m, same case
	add(0, "k2", "2018-03-01", "discriminatory-behaviour", "discrimination", false, "upheld") // 2y
	add(0, "k3", "2016-02-01", "powers-policies-procedures", "", true, "upheld")              // 5y
	add(0, "k4", "2014-12-31", "powers-policies-procedures", "", true, "upheld")              // older than 5y
	add(0, "k5", "2020-01-01", "powers-policies-procedures", "", true, "upheld")              // on the as-of day: not counted
	add(1, "k6", "2019-12-31", "individual-behaviours", "", false, "")                        // 12m
	add(2, "k7", "2017-05-05", "individual-behaviours", "", false, "upheld")                  // 5y; first seen
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	asOf := day("2020-01-01")
	fr := NewFrame(ds, asOf, []int32{0, 1, 2}, Options{})
	a := fr.Indicators(0)
	want := map[string]Counts{
		"12m": {Allegations: 2, Cases: 1, Upheld: 1, UseOfForce: 1,
			ByCategory: map[string]int{"powers-policies-procedures": 1, "individual-behaviours": 1}},
		"2y": {Allegations: 3, Cases: 2, Upheld: 2, UseOfForce: 1,
			ByCategory: map[string]int{"powers-policies-procedures": 1, "individual-behaviours": 1, "discriminatory-behaviour": 1},
			ByConcern:  map[string]int{"discrimination": 1}},
		"5y": {Allegations: 4, Cases: 3, Upheld: 3, UseOfForce: 2,
			ByCategory: map[string]int{"powers-policies-procedures": 2, "individual-behaviours": 1, "discriminatory-behaviour": 1},
			ByConcern:  map[string]int{"discrimination": 1}},
	}
	if !reflect.DeepEqual(a.Windows, want) {
		t.Errorf("windows:\n got %+v\nwant %+v", a.Windows, want)
	}
	if a.DaysSinceLast != int(asOf-day("2019-06-01")) {
		t.Errorf("days since last = %d", a.DaysSinceLast)
	}
	if a.CareerDays != int(asOf-day("2010-03-01")) {
		t.Errorf("career days = %d", a.CareerDays)
	}
	// Unit u1 holds a (2 in 12m) and b (1): mean 1.5, a's ratio 4/3.
	if a.UnitMean["12m"] != 1.5 || math.Abs(a.UnitRatio["12m"]-2/1.5) > 1e-12 {
		t.Errorf("unit mean %v ratio %v, want 1.5 and 1.333", a.UnitMean["12m"], a.UnitRatio["12m"])
	}
	if a.RankMean["5y"] != 2.5 { // constables a (4) and b (1)
		t.Errorf("rank mean 5y = %v, want 2.5", a.RankMean["5y"])
	}
	// c has no joining date: the career counts from the first allegation.
	if c := fr.Indicators(2); c.CareerDays != int(asOf-day("2017-05-05")) || c.UnitRatio["12m"] != 0 {
		t.Errorf("officer c: career %d, unit ratio %v", c.CareerDays, c.UnitRatio["12m"])
	}
	if got := IndicatorsOf(ds, 0, asOf, Options{}); !reflect.DeepEqual(got, a) {
		t.Errorf("IndicatorsOf = %+v, want the frame's %+v", got, a)
	}
	// With a year's finding lag, only findings on allegations made before
	// 2019-01-01 count.
	lagged := NewFrame(ds, asOf, []int32{0}, Options{FindingLag: 365}).Indicators(0)
	if lagged.Windows["12m"].Upheld != 0 || lagged.Windows["2y"].Upheld != 1 || lagged.Windows["5y"].Upheld != 2 {
		t.Errorf("lagged upheld = %d/%d/%d, want 0/1/2", lagged.Windows["12m"].Upheld, lagged.Windows["2y"].Upheld, lagged.Windows["5y"].Upheld)
	}
}

// TestPeersAndDispositions counts, by hand, the officers named with an
// officer and what they have had, and findings by disposition.
func TestPeersAndDispositions(t *testing.T) {
	ds := &Dataset{}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		ds.Officers = append(ds.Officers, Officer{ID: id, Key: "F/" + id, Joined: NoDay, Left: NoDay})
	}
	add := func(o int32, cs, on string, force bool, finding string) {
		ds.Allegations = append(ds.Allegations, Allegation{Officer: o, Case: cs, On: day(on), Category: "x", UseOfForce: force, Finding: finding})
	}
	// a shares k1 with b and c (within 2 years), k2 with d (3 years ago:
	// too old to make d a peer), and k3 with b again.
	add(0, "k1", "2019-03-01", false, "unsubstantiated")
	add(0, "k1", "2019-03-01", false, "exonerated") // a second allegation in the same case
	add(1, "k1", "2019-03-01", true, "upheld")
	add(2, "k1", "2019-03-01", false, "")
	add(0, "k2", "2017-01-10", false, "unfounded")
	add(3, "k2", "2017-01-10", false, "upheld")
	add(0, "k3", "2018-06-01", false, "Complainant uncooperative")
	add(1, "k3", "2018-06-01", false, "upheld")
	// What the peers have had otherwise.
	add(1, "k4", "2019-11-01", true, "") // b: 12m, use of force
	add(2, "k5", "2016-05-01", false, "upheld")
	add(2, "k6", "2020-02-01", true, "upheld") // after the as-of day: not counted
	add(4, "k7", "2019-05-01", true, "upheld") // e shares no case with a
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	fr := NewFrame(ds, day("2020-01-01"), []int32{0}, Options{FindingLag: 365})
	s := fr.snaps[0]
	// Peers b and c. b: 2 allegations in 12 months (k1, k4), 2 of them
	// use of force; upheld with the lag: k3 (2018-06) only. c: k1 in 12
	// months; k5 upheld in 5 years.
	if s.peers != 2 || s.peerAlleg12m != 3 || s.peerForce12m != 2 || s.peerUp5y != 2 {
		t.Errorf("peers %d, their allegations %d, use of force %d, upheld %d; want 2, 3, 2, 2",
			s.peers, s.peerAlleg12m, s.peerForce12m, s.peerUp5y)
	}
	// Findings known with the lag: k1 (2019-03) is too recent; k2
	// unfounded and k3 without a finding on the merits count.
	want := [dispositions]int{DispositionDidNotHappen: 1, DispositionNone: 1}
	if s.disp != want {
		t.Errorf("dispositions %v, want %v", s.disp, want)
	}
	if s := NewFrame(ds, day("2020-01-01"), []int32{0}, Options{}).snaps[0]; s.disp[DispositionNotProven] != 1 || s.disp[DispositionLawful] != 1 {
		t.Errorf("without the lag: dispositions %v, want one not proven and one lawful", s.disp)
	}
	for f, want := range map[string]Disposition{"upheld": DispositionUpheld, "Exonerated": DispositionLawful,
		"service_acceptable": DispositionLawful, "unable_to_determine": DispositionNotProven, "": DispositionNone, "misconduct": DispositionUpheld} {
		if got := dispositionOf(f); got != want {
			t.Errorf("dispositionOf(%q) = %d, want %d", f, got, want)
		}
	}
}

func TestPopulations(t *testing.T) {
	ds := &Dataset{Officers: []Officer{
		{ID: "recent", Key: "1", Joined: day("2000-01-01"), Left: NoDay},
		{ID: "old", Key: "2", Joined: day("2000-01-01"), Left: NoDay},
		{ID: "none", Key: "3", Joined: day("2000-01-01"), Left: NoDay},
		{ID: "left", Key: "4", Joined: day("2000-01-01"), Left: day("2019-06-30")},
		{ID: "future", Key: "5", Joined: day("2020-06-01"), Left: NoDay},
	}, Allegations: []Allegation{
		{Officer: 0, Case: "a", On: day("2015-01-01")}, // exactly five years before
		{Officer: 1, Case: "b", On: day("2014-12-31")},
		{Officer: 3, Case: "c", On: day("2019-01-01")},
		{Officer: 4, Case: "d", On: day("2020-01-01")}, // on the day: not before it
	}}
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	asOf := day("2020-01-01")
	ids := func(ms []int32) (out []string) {
		for _, m := range ms {
			out = append(out, ds.Officers[m].ID)
		}
		return out
	}
	if got := ids(ActiveWithin(5)(ds, asOf)); !slices.Equal(got, []string{"recent", "left"}) {
		t.Errorf("active within 5 years: %v", got)
	}
	if got := ids(Serving(ds, asOf)); !slices.Equal(got, []string{"recent", "old", "none"}) {
		t.Errorf("serving: %v", got)
	}
}

// TestTopKPrecisionRecallAUC checks the metrics on examples worked by hand.
func TestTopKPrecisionRecallAUC(t *testing.T) {
	scores := []float64{0.9, 0.8, 0.8, 0.8, 0.1, 0.0}
	labels := []bool{true, false, true, false, true, false}
	// k = 2: 0.9 is in; one place left for three tied at 0.8, a third each.
	w := TopK(scores, 2)
	want := []float64{1, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0}
	for i := range w {
		if math.Abs(w[i]-want[i]) > 1e-12 {
			t.Fatalf("TopK = %v, want %v", w, want)
		}
	}
	// Hits: 1 + 1/3 of the one positive among the tied = 4/3, over k = 2.
	if p := precision(w, labels); math.Abs(p-2.0/3) > 1e-12 {
		t.Errorf("precision = %v, want 2/3", p)
	}
	if r := recall(w, labels); math.Abs(r-4.0/9) > 1e-12 {
		t.Errorf("recall = %v, want 4/9", r)
	}
	// AUC by counting pairs (positive, negative): positives 0.9, 0.8, 0.1;
	// negatives 0.8, 0.8, 0.0. 0.9 beats all 3; 0.8 ties two (1) and beats
	// one (1): 2; 0.1 beats one: 1. Total 6 of 9.
	if a := AUC(scores, labels); math.Abs(a-6.0/9) > 1e-12 {
		t.Errorf("AUC = %v, want 2/3", a)
	}
	if a := AUC([]float64{1, 2, 3}, []bool{false, false, false}); a != 0 {
		t.Errorf("AUC with no positives = %v, want 0", a)
	}
	if w := TopK(scores, 0); slices.ContainsFunc(w, func(x float64) bool { return x != 0 }) {
		t.Errorf("TopK(0) = %v", w)
	}
	if w := TopK(scores, 10); slices.ContainsFunc(w, func(x float64) bool { return x != 1 }) {
		t.Errorf("TopK(n+) = %v", w)
	}
}

func TestRules(t *testing.T) {
	rs := DefaultRules()
	if len(rs.Rules) != 4 || rs.BudgetRule().Name != ">= 3 allegations in 12 months" {
		t.Fatalf("default rules: %+v", rs)
	}
	ds := &Dataset{Officers: []Officer{{ID: "a", Key: "a", Joined: NoDay, Left: NoDay}}}
	for _, a := range []struct {
		on, concern string
		force       bool
		finding     string
	}{
		{"2019-02-01", "", true, "upheld"},
		{"2019-03-01", "", true, ""},
		{"2019-12-31", "", true, "upheld"},
		{"2016-01-01", "sexual misconduct", false, ""},
		{"2018-01-01", "discrimination", false, "upheld"},
	} {
		ds.Allegations = append(ds.Allegations, Allegation{Officer: 0, Case: a.on, On: day(a.on), Concern: a.concern,
			UseOfForce: a.force, Finding: a.finding})
	}
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	asOf := day("2020-01-01")
	counts := map[string]int{}
	for _, r := range rs.Rules {
		counts[r.Name] = r.CountFor(ds, 0, asOf, 0)
	}
	want := map[string]int{
		">= 3 allegations in 12 months":                                   3,
		">= 2 sexual-misconduct or discrimination allegations in 5 years": 2,
		">= 2 upheld findings in 2 years":                                 3,
		">= 3 use-of-force allegations in 12 months":                      3,
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
	// With a year's lag only the 2018 finding is known.
	up := rs.Rules[slices.IndexFunc(rs.Rules, func(r Rule) bool { return r.Count == CountUpheld })]
	if n := up.CountFor(ds, 0, asOf, 365); n != 1 {
		t.Errorf("lagged upheld count %d, want 1", n)
	}
	if got := up.Explain(3); got != "3 upheld findings in the last 2 years (threshold 2)" {
		t.Errorf("explain: %q", got)
	}
}

func TestParseRulesRefuses(t *testing.T) {
	for _, tc := range []struct{ json, field string }{
		{`{"rules": []}`, "rules"},
		{`{"rules": [{"name": "", "count": "allegations", "window": "12m", "threshold": 3}]}`, "rules[0].name"},
		{`{"rules": [{"name": "x", "count": "complaints", "window": "12m", "threshold": 3}]}`, "rules[0].count"},
		{`{"rules": [{"name": "x", "count": "category", "window": "12m", "threshold": 3}]}`, "rules[0].in"},
		{`{"rules": [{"name": "x", "count": "category", "in": ["no-such"], "window": "12m", "threshold": 3}]}`, "rules[0].in[0]"},
		{`{"rules": [{"name": "x", "count": "concern", "in": ["rudeness"], "window": "12m", "threshold": 3}]}`, "rules[0].in[0]"},
		{`{"rules": [{"name": "x", "count": "upheld", "in": ["a"], "window": "12m", "threshold": 3}]}`, "rules[0].in"},
		{`{"rules": [{"name": "x", "count": "upheld", "window": "12", "threshold": 3}]}`, "rules[0].window"},
		{`{"rules": [{"name": "x", "count": "upheld", "window": "30y", "threshold": 3}]}`, "rules[0].window"},
		{`{"rules": [{"name": "x", "count": "upheld", "window": "2y", "threshold": 0}]}`, "rules[0].threshold"},
		{`{"rules": [{"name": "x", "count": "upheld", "window": "2y", "threshold": 2}, {"name": "x", "count": "upheld", "window": "1y", "threshold": 2}]}`, "rules[1].name"},
		{`{"budget_rule": "y", "rules": [{"name": "x", "count": "upheld", "window": "2y", "threshold": 2}]}`, "budget_rule"},
	} {
		_, err := ParseRules([]byte(tc.json))
		if !slices.ContainsFunc(fault.FieldsOf(err), func(f fault.FieldError) bool { return f.Field == tc.field }) {
			t.Errorf("%s: error %v does not name %s", tc.json, err, tc.field)
		}
	}
	if _, err := ParseRules([]byte(`{"rules": [], "extra": 1}`)); !fault.Is(err, fault.Invalid) {
		t.Errorf("unknown field: %v", err)
	}
	rs, err := ParseRules([]byte(`{"rules": [{"name": "two kinds", "count": "category", "in": ["sexual-conduct", "discriminatory-behaviour"], "window": "18m", "threshold": 1}]}`))
	if err != nil || rs.Rules[0].Months() != 18 || rs.BudgetRule().Name != "two kinds" {
		t.Errorf("a valid rule file: %v %+v", err, rs)
	}
}

// TestNoLeakage: what happens on or after the as-of day, and the findings
// on allegations too recent to be decided, cannot change an officer's
// features, nor the model trained for that year.
func TestNoLeakage(t *testing.T) {
	ds := synthetic(1, 800, 2005, 2014)
	asOf := yearStart(2012)
	members := ActiveWithin(5)(ds, asOf)
	base := NewFrame(ds, asOf, members, Options{FindingLag: EvalFindingLag}).Matrix()

	// Shuffle, drop or rewrite what happened from 2011 (findings) and
	// from 2012 (everything).
	changed := &Dataset{Officers: slices.Clone(ds.Officers)}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, a := range ds.Allegations {
		switch {
		case a.On >= asOf && rng.IntN(2) == 0:
			continue // dropped
		case a.On >= asOf:
			a.Category, a.UseOfForce, a.Finding = "sexual-conduct", !a.UseOfForce, "upheld"
			a.On += Day(rng.IntN(400))
		case a.On >= asOf-EvalFindingLag:
			a.Finding = map[bool]string{true: "not_upheld", false: "upheld"}[a.Upheld()]
		}
		changed.Allegations = append(changed.Allegations, a)
	}
	// Add allegations after the day against officers who had none.
	for i := range 50 {
		changed.Allegations = append(changed.Allegations, Allegation{Officer: int32(i), Case: fmt.Sprintf("new%d", i),
			On: asOf + Day(i), Category: "powers-policies-procedures", Subcategory: "use-of-force", UseOfForce: true, Finding: "upheld"})
	}
	rng.Shuffle(len(changed.Allegations), func(i, j int) {
		changed.Allegations[i], changed.Allegations[j] = changed.Allegations[j], changed.Allegations[i]
	})
	if err := changed.Prepare(); err != nil {
		t.Fatal(err)
	}
	if got := ActiveWithin(5)(changed, asOf); !slices.Equal(got, members) {
		t.Fatal("the scored population changed")
	}
	// The sub-category upheld rates that feed expected_upheld are learnt
	// from findings before the lag, so they do not move either.
	after := NewFrame(changed, asOf, members, Options{FindingLag: EvalFindingLag}).Matrix()
	names := Features(ds)
	if !slices.Equal(Features(changed)[:len(names)], names) {
		t.Fatalf("feature names changed")
	}
	cols := min(base.Cols, after.Cols)
	for i := range base.Rows {
		for j := range cols {
			if base.Row(i)[j] != after.Row(i)[j] {
				t.Fatalf("officer %d, feature %s: %v became %v", i, names[j], base.Row(i)[j], after.Row(i)[j])
			}
		}
	}
	// The model for 2012 learns from label years up to 2010: its scores do
	// not move when 2011 findings and 2012 events change.
	cfg := EvalConfig{Model: ModelConfig{Kind: "boosted", Trees: 20, Seed: 5}}.withDefaults()
	score := func(d *Dataset) []float64 {
		var train []*yearData
		for _, l := range trainingYears(cfg, DataYears(ds), 2012) {
			if l > 2010 {
				t.Fatalf("label year %d is used to score 2012", l)
			}
			train = append(train, buildYear(d, l, cfg))
		}
		sc, err := fitAndScore(cfg, train, buildYear(d, 2012, cfg), 0)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	if a, b := score(ds), score(changed); !slices.Equal(a, b) {
		t.Error("the 2012 scores depend on data from 2011 findings or 2012")
	}
}

// TestEvaluateDeterministic: the same data in any order, evaluated twice,
// give the same results to the last digit, for both learners.
func TestEvaluateDeterministic(t *testing.T) {
	ds := synthetic(2, 500, 2003, 2010)
	shuffled := &Dataset{}
	perm := rand.New(rand.NewPCG(9, 9)).Perm(len(ds.Officers))
	inv := make([]int32, len(perm))
	for newI, oldI := range perm {
		shuffled.Officers = append(shuffled.Officers, ds.Officers[oldI])
		inv[oldI] = int32(newI)
	}
	for _, a := range ds.Allegations {
		a.Officer = inv[a.Officer]
		shuffled.Allegations = append(shuffled.Allegations, a)
	}
	slices.Reverse(shuffled.Allegations)
	if err := shuffled.Prepare(); err != nil {
		t.Fatal(err)
	}
	for _, m := range []ModelConfig{DefaultModel, {Kind: "boosted", Trees: 15, Depth: 3, Seed: 3}} {
		var outs []string
		for _, d := range []*Dataset{ds, ds, shuffled} {
			ev, err := Evaluate(context.Background(), d, EvalConfig{From: 2009, To: 2010, Model: m, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(ev)
			outs = append(outs, string(b))
		}
		if outs[0] != outs[1] || outs[0] != outs[2] {
			t.Errorf("%s: evaluations differ between runs or input orders", m.Kind)
		}
	}
}

// TestEvaluateShape checks the output on synthetic data: every year and the
// pooled figures are there, pooled counts add up, and the model, which can
// see the propensity through history, beats chance.
func TestEvaluateShape(t *testing.T) {
	ds := synthetic(4, 1000, 2002, 2009)
	ev, err := Evaluate(context.Background(), ds, EvalConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Setup.From != 2007 || ev.Setup.To != 2009 {
		t.Errorf("default years %d-%d, want 2007-2009", ev.Setup.From, ev.Setup.To)
	}
	for _, lab := range Labels {
		lr, ok := ev.Labels[lab.Name]
		if !ok || len(lr.Years) != 3 {
			t.Fatalf("label %s: %d years", lab.Name, len(lr.Years))
		}
		sum, flagged := 0, 0
		for _, r := range lr.Years {
			sum += r.Scored
			flagged += r.Rules[">= 3 allegations in 12 months"].Flagged
		}
		p := lr.Pooled
		if p.Scored != sum || p.Rules[">= 3 allegations in 12 months"].Flagged != flagged {
			t.Errorf("%s: pooled scored %d flagged %d, years add to %d and %d", lab.Name, p.Scored,
				p.Rules[">= 3 allegations in 12 months"].Flagged, sum, flagged)
		}
		if p.Model.AUC < 0.6 || p.Ranking.AUC < 0.55 {
			t.Errorf("%s: AUC model %.3f ranking %.3f: the synthetic signal was not found", lab.Name, p.Model.AUC, p.Ranking.AUC)
		}
	}
	// Synthetic officers have sex and ethnicity: every group is reported.
	groups := ev.Fairness.Labels["upheld"]
	if ev.Fairness.Note != "" || len(groups) != 1+2+3 || groups[0].Attribute != "all" {
		t.Fatalf("fairness: %q %+v", ev.Fairness.Note, groups)
	}
	var n int
	for _, g := range groups[1:] {
		if g.Attribute == "sex" {
			n += g.Scored
		}
	}
	if n != groups[0].Scored {
		t.Errorf("sex groups hold %d officer-years of %d", n, groups[0].Scored)
	}
	b, _ := json.Marshal(ev)
	for _, key := range []string{`"labels":{"force":{"pooled":{"base_rate"`, `"precision_at_rule_budget"`, `"p_at_1"`, `"p_at_5"`,
		`"p_at_10"`, `"recall_at_5"`, `"auc"`, `"years":{"2007"`, `"flagged"`, `"precision"`, `"recall"`, `"scored"`, `"ranking"`, `"calibration":{"mean_predicted"`, `"predicted_to_actual"`, `"brier"`, `"calibration_error"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestEvaluateRefuses(t *testing.T) {
	ds := synthetic(5, 100, 2010, 2012)
	if _, err := Evaluate(context.Background(), ds, EvalConfig{}); err == nil {
		t.Error("three years of data: want an error (no year has five before it)")
	}
	if _, err := Evaluate(context.Background(), ds, EvalConfig{From: 2012, To: 2011}); err == nil {
		t.Error("from after to: want an error")
	}
}

func TestModelsLearnAndExplain(t *testing.T) {
	// Events arrive at a rate that grows with x0; x1 is noise. y is
	// whether there was at least one.
	rng := rand.New(rand.NewPCG(1, 1))
	m := &Matrix{Cols: 2}
	positives := 0
	for range 4000 {
		x0, x1 := rng.Float64()*10, rng.Float64()
		m.X = append(m.X, x0, x1)
		n := 0
		// Poisson by counting exponential gaps within one unit of time.
		for t := rng.ExpFloat64(); t < math.Exp(x0-7); t += rng.ExpFloat64() {
			n++
		}
		m.Count = append(m.Count, float64(n))
		m.Y = append(m.Y, n > 0)
		if n > 0 {
			positives++
		}
		m.Rows++
	}
	outcome := DefaultModel
	outcome.Objective = "outcome"
	counted := DefaultBoosted
	counted.Objective = "allegations"
	for _, cfg := range []ModelConfig{DefaultModel, outcome, DefaultBoosted, counted} {
		model, err := Train(cfg, m)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Objective == "allegations" {
			// Calibrated to the outcome: the mean probability is the
			// share of rows with it.
			var sum float64
			for i := range m.Rows {
				sum += sigmoid(model.Score(m.Row(i)))
			}
			if got, want := sum/float64(m.Rows), float64(positives)/float64(m.Rows); math.Abs(got-want) > 1e-6 {
				t.Errorf("%s/%s: mean probability %.6f, share with the outcome %.6f", cfg.Kind, cfg.Objective, got, want)
			}
		}
		hi, lo := model.Score([]float64{9, 0.5}), model.Score([]float64{1, 0.5})
		if hi <= lo+2 {
			t.Errorf("%s: score %.2f for x0=9, %.2f for x0=1", cfg.Kind, hi, lo)
		}
		contrib := make([]float64, 2)
		x := []float64{9, 0.2}
		base := model.Contributions(x, contrib)
		if math.Abs(base+contrib[0]+contrib[1]-model.Score(x)) > 1e-9 {
			t.Errorf("%s: contributions %v + %v do not add up to %v", cfg.Kind, base, contrib, model.Score(x))
		}
		if contrib[0] <= math.Abs(contrib[1]) {
			t.Errorf("%s: contributions %v: x0 should drive the score", cfg.Kind, contrib)
		}
	}
	if _, err := Train(DefaultModel, &Matrix{Cols: 1, Rows: 2, X: []float64{1, 2}, Y: []bool{false, false}}); err == nil {
		t.Error("one outcome only: want an error")
	}
	if _, err := Train(counted, &Matrix{Cols: 1, Rows: 2, X: []float64{1, 2}, Y: []bool{false, true}}); err == nil {
		t.Error("objective allegations without counts: want an error")
	}
	bad := DefaultModel
	bad.Objective = "complaints"
	if _, err := Train(bad, m); err == nil {
		t.Error("unknown objective: want an error")
	}
}

func TestFlagReview(t *testing.T) {
	f := &Flag{State: FlagOpen}
	step := func(r Review, wantState string, wantKind fault.Kind) {
		t.Helper()
		before := *f
		err := f.Apply(r)
		if wantKind != "" {
			if !fault.Is(err, wantKind) || f.State != before.State || f.Intervention != before.Intervention {
				t.Errorf("%+v on %s: %v (flag now %+v), want %s and no change", r, before.State, err, f, wantKind)
			}
			return
		}
		if err != nil || f.State != wantState {
			t.Errorf("%+v: %v, state %s, want %s", r, err, f.State, wantState)
		}
	}
	step(Review{Action: ActClose, Note: "nothing to see"}, "", fault.Conflict)
	step(Review{Action: ActIntervene, Intervention: "advice", Note: "x"}, "", fault.Conflict)
	step(Review{Action: ActReview}, "", fault.Invalid) // a note is required
	step(Review{Action: ActReview, Note: "   "}, "", fault.Invalid)
	step(Review{Action: ActReview, Intervention: "advice", Note: "x"}, "", fault.Invalid)
	step(Review{Action: "approve", Note: "x"}, "", fault.Invalid)
	step(Review{Action: ActReview, Note: "Spoke to the officer's sergeant."}, FlagReviewed, "")
	step(Review{Action: ActReview, Note: "again"}, "", fault.Conflict)
	step(Review{Action: ActIntervene, Intervention: "counselling", Note: "x"}, "", fault.Invalid)
	step(Review{Action: ActIntervene, Intervention: "training", Note: "Booked on a de-escalation course."}, FlagIntervention, "")
	if f.Intervention != "training" {
		t.Errorf("intervention %q", f.Intervention)
	}
	step(Review{Action: ActIntervene, Intervention: "monitoring", Note: "Monitoring for six months as well."}, FlagIntervention, "")
	step(Review{Action: ActClose, Note: "Course completed; no further complaints."}, FlagClosed, "")
	step(Review{Action: ActReview, Note: "x"}, "", fault.Conflict)

	// The actions offered are exactly those Apply accepts.
	for _, state := range FlagStates {
		offered := (&Flag{State: state}).NextActions()
		for _, a := range ReviewActions {
			g := &Flag{State: state}
			r := Review{Action: a, Note: "x"}
			if a == ActIntervene {
				r.Intervention = "advice"
			}
			if ok := g.Apply(r) == nil; ok != slices.Contains(offered, a) {
				t.Errorf("state %s: %s accepted %v, offered %v", state, a, ok, offered)
			}
		}
	}
	if got := (&Flag{State: FlagClosed}).NextActions(); len(got) != 0 {
		t.Errorf("closed flag offers %v", got)
	}

	// A reviewed flag may be closed with no intervention.
	g := &Flag{State: FlagReviewed}
	if err := g.Apply(Review{Action: ActClose, Note: "The complaints were unrelated and all unfounded."}); err != nil || g.State != FlagClosed {
		t.Errorf("close after review: %v %s", err, g.State)
	}
}

func TestRunRaisesExplainedFlags(t *testing.T) {
	ds := synthetic(6, 800, 2003, 2012)
	rep, err := Run(ds, RunConfig{AsOf: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), TopN: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.TrainYears, []int{2007, 2008, 2009, 2010, 2011}) {
		t.Errorf("train years %v", rep.TrainYears)
	}
	var models, rules int
	for _, c := range rep.Candidates {
		if c.Explanation.Summary == "" || len(c.Explanation.Items) == 0 {
			t.Errorf("flag without explanation: %+v", c)
		}
		switch c.Source {
		case SourceModel:
			models++
			if !strings.Contains(c.Explanation.Summary, "officers by the risk model") || c.Score <= 0 || c.Score >= 1 {
				t.Errorf("model flag: %+v", c)
			}
			// Every reason is given in words with a number in it.
			for _, it := range c.Explanation.Items {
				if !strings.ContainsAny(it.Words, "0123456789") || it.Weight <= 0 {
					t.Errorf("explanation item %+v", it)
				}
			}
		case SourceRule:
			rules++
			if !strings.Contains(c.Explanation.Summary, "threshold") {
				t.Errorf("rule flag: %+v", c)
			}
		}
	}
	if models != 10 || rules == 0 {
		t.Errorf("%d model flags (want 10), %d rule flags", models, rules)
	}
	// With nothing to learn from, the rules still run.
	rep, err = Run(ds, RunConfig{AsOf: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), TopN: 10})
	if err != nil || rep.Note == "" {
		t.Errorf("a run long after the data: %v, note %q", err, rep.Note)
	}
}

// TestPrepareOrderIndependent: rows that differ only in a field the sort
// might leave last (two allegations of one case, one flagged as domestic
// abuse or a use of force) come out in one order whichever order they
// went in.
func TestPrepareOrderIndependent(t *testing.T) {
	rows := []Allegation{
		{Case: "c1", On: day("2024-01-02"), Category: "individual-behaviours", Subcategory: "overbearing-harassing", Finding: "upheld"},
		{Case: "c1", On: day("2024-01-02"), Category: "individual-behaviours", Subcategory: "overbearing-harassing", Finding: "upheld",
			Concern: "domestic abuse"},
		{Case: "c1", On: day("2024-01-02"), Category: "individual-behaviours", Subcategory: "overbearing-harassing", Finding: "upheld",
			UseOfForce: true},
		{Case: "c0", On: day("2024-01-02"), Category: "individual-behaviours", Subcategory: "overbearing-harassing"},
	}
	var orders [][]Allegation
	for _, perm := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 0, 3, 2}, {2, 3, 0, 1}} {
		ds := &Dataset{Officers: []Officer{{ID: "o", Key: "F/1", Joined: NoDay, Left: NoDay}}}
		for _, i := range perm {
			ds.Allegations = append(ds.Allegations, rows[i])
		}
		if err := ds.Prepare(); err != nil {
			t.Fatal(err)
		}
		got := ds.Of(0)
		for i := range got {
			got[i].caseN = 0 // numbered in the order cases were met
		}
		orders = append(orders, got)
	}
	for _, o := range orders[1:] {
		if !reflect.DeepEqual(o, orders[0]) {
			t.Errorf("order depends on the input order:\n%+v\n%+v", o, orders[0])
		}
	}
}
