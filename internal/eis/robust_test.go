package eis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMetricsNonFinite puts NaN and infinite scores through every metric:
// each must finish and give a finite answer in its range.
func TestMetricsNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	labels := []bool{true, false, true, false, true, false}
	cases := []struct {
		name   string
		scores []float64
	}{
		{"all NaN", []float64{nan, nan, nan, nan, nan, nan}},
		{"some NaN", []float64{0.9, nan, 0.8, nan, 0.1, 0.0}},
		{"infinities", []float64{inf, -inf, inf, 0.5, -inf, inf}},
		{"NaN and infinities", []float64{nan, inf, -inf, nan, inf, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan struct{})
			var auc float64
			var ws [][]float64
			go func() {
				defer close(done)
				auc = AUC(c.scores, labels)
				for k := range len(c.scores) + 2 {
					ws = append(ws, TopK(c.scores, k))
				}
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("metrics did not finish")
			}
			if math.IsNaN(auc) || auc < 0 || auc > 1 {
				t.Errorf("AUC = %v", auc)
			}
			for k, w := range ws {
				sum := 0.0
				for _, x := range w {
					if math.IsNaN(x) || x < 0 || x > 1 {
						t.Fatalf("TopK(%d) = %v", k, w)
					}
					sum += x
				}
				if want := float64(min(k, len(c.scores))); math.Abs(sum-want) > 1e-9 {
					t.Errorf("TopK(%d) weights sum to %v, want %v", k, sum, want)
				}
				for _, v := range []float64{precision(w, labels), recall(w, labels)} {
					if math.IsNaN(v) || v < 0 || v > 1 {
						t.Errorf("precision/recall at %d = %v", k, v)
					}
				}
			}
		})
	}
	// A NaN ranks below every number, so a positive with a real score
	// beats every NaN.
	if a := AUC([]float64{1, nan, nan}, []bool{true, false, false}); a != 1 {
		t.Errorf("AUC with NaN negatives = %v, want 1", a)
	}
}

// placeholderForce is a synthetic force in which one id stands for every
// unidentified officer and holds most of the allegations, as in exports
// that file them under a placeholder.
func placeholderForce() *Dataset { return placeholderForceOf(400, 2000) }

func placeholderForceOf(officers, from int) *Dataset {
	ds := synthetic(11, officers, from, 2012)
	ds.prepared = false
	ph := int32(len(ds.Officers))
	ds.Officers = append(ds.Officers, Officer{ID: "unknown", Key: "FX/UNKNOWN", Force: "FX", Unit: "u0", Rank: "constable",
		Joined: NoDay, Left: NoDay})
	n := 0
	for y := from; y <= 2012; y++ {
		for i := range 3000 {
			n++
			f := "not_upheld"
			if i%40 == 0 {
				f = "upheld"
			}
			ds.Allegations = append(ds.Allegations, Allegation{Officer: ph, Case: fmt.Sprintf("p%d", n),
				On: day(fmt.Sprintf("%d-01-01", y)) + Day(i%365), Category: "powers-policies-procedures",
				Subcategory: "use-of-force", UseOfForce: true, Finding: f})
		}
	}
	if err := ds.Prepare(); err != nil {
		panic(err)
	}
	return ds
}

func TestPlaceholderOfficerEvaluateAndRun(t *testing.T) {
	ds := placeholderForce()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	type out struct {
		ev  *Evaluation
		err error
	}
	ch := make(chan out, 1)
	go func() {
		ev, err := Evaluate(ctx, ds, EvalConfig{Workers: 1})
		ch <- out{ev, err}
	}()
	var o out
	select {
	case o = <-ch:
	case <-ctx.Done():
		t.Fatal("evaluate did not finish")
	}
	if o.err != nil {
		// Stopping is allowed, with one line naming the year and the cause.
		if strings.Contains(o.err.Error(), "\n") || !strings.Contains(o.err.Error(), "20") {
			t.Fatalf("evaluate error %q", o.err)
		}
	} else {
		for name, lr := range o.ev.Labels {
			for y, r := range lr.Years {
				for _, v := range []float64{r.Model.AUC, r.Model.PAt5, r.Model.PrecisionAtRuleBudget, r.Model.RecallAt5} {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("%s %s: non-finite metric in %+v", name, y, r.Model)
					}
				}
			}
		}
	}
	rep, err := Run(ds, RunConfig{AsOf: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), TopN: 10})
	if err != nil {
		t.Fatal(err)
	}
	models := 0
	for _, c := range rep.Candidates {
		if c.Source == SourceModel {
			models++
			if math.IsNaN(c.Score) || c.Score <= 0 || c.Score >= 1 || strings.Contains(c.Explanation.Summary, "NaN") {
				t.Errorf("model flag %+v", c)
			}
		}
	}
	if models == 0 && rep.Note == "" {
		t.Errorf("no model flags and no note saying why")
	}
}

// TestUnusableModelRaisesNoFlags: a model whose scores are not finite is
// refused by Train, and a run then raises only rule flags and says why.
func TestUnusableModelRaisesNoFlags(t *testing.T) {
	m := &Matrix{X: []float64{0, 1, math.NaN(), 1}, Y: []bool{true, false, true, false}, Rows: 4, Cols: 1, Count: []float64{1, 0, 1, 0}}
	for _, cfg := range []ModelConfig{DefaultModel, DefaultBoosted, {Kind: "logistic", L2: 0.01}} {
		if _, err := Train(cfg, m); err == nil {
			t.Errorf("%s/%s: a model trained on NaN features was accepted", cfg.Kind, cfg.Objective)
		}
	}
	// A calibration that ranks officers backwards is no chance to show.
	if _, err := checkCalibration(&Calibrated{A: -4e9}); err == nil {
		t.Error("a negative calibration slope was accepted")
	}
}

// TestRunWithUnusableModel: when the model cannot be trained, a run still
// applies the rules, raises no model flag, and its note says why.
func TestRunWithUnusableModel(t *testing.T) {
	ds := synthetic(12, 300, 2003, 2012)
	ds.prepared = false
	for i := range ds.Allegations {
		ds.Allegations[i].Finding = "not_upheld"
	}
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ds, RunConfig{AsOf: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), TopN: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Candidates {
		if c.Source == SourceModel {
			t.Errorf("model flag from an unusable model: %+v", c)
		}
	}
	if !strings.Contains(rep.Note, "could not be trained") || !strings.Contains(rep.Note, "only one outcome") {
		t.Errorf("note %q does not say why", rep.Note)
	}
}

// censoredForce is a synthetic force whose last three years have most
// findings still blank, as in an export taken before they were decided.
func censoredForce() *Dataset {
	ds := synthetic(13, 600, 2000, 2012)
	ds.prepared = false
	for i := range ds.Allegations {
		a := &ds.Allegations[i]
		if y := a.On.Time().Year(); y >= 2010 && i%10 != 0 {
			a.Finding = ""
		}
	}
	if err := ds.Prepare(); err != nil {
		panic(err)
	}
	return ds
}

func TestCensoredYearsLeftOut(t *testing.T) {
	ds := censoredForce()
	var cens []int
	for _, c := range CensoredYears(ds) {
		cens = append(cens, c.Year)
		if !strings.Contains(c.Reason, "not yet decided") {
			t.Errorf("reason %q", c.Reason)
		}
	}
	if !slices.Equal(cens, []int{2010, 2011, 2012}) {
		t.Fatalf("censored years %v, want 2010-2012", cens)
	}
	from, to, left, err := DefaultYears(ds, 5)
	if err != nil || from != 2005 || to != 2009 || len(left) != 3 {
		t.Fatalf("default years %d-%d, left out %v, %v", from, to, left, err)
	}
	ev, err := Evaluate(context.Background(), ds, EvalConfig{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Setup.To != 2009 || len(ev.Setup.LeftOut) != 3 || len(ev.Setup.Warnings) != 0 {
		t.Errorf("setup %+v", ev.Setup)
	}
	// --from/--to still choose, with a warning for each censored year.
	ev, err = Evaluate(context.Background(), ds, EvalConfig{From: 2009, To: 2011, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Setup.Warnings) != 2 || !strings.Contains(ev.Setup.Warnings[0], "2010") {
		t.Errorf("warnings %q", ev.Setup.Warnings)
	}
	// A live run learns from the latest complete years, not blank ones.
	rep, err := Run(ds, RunConfig{AsOf: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.TrainYears, []int{2005, 2006, 2007, 2008, 2009}) {
		t.Errorf("run trained on %v", rep.TrainYears)
	}
}

func TestCalibrationMeasures(t *testing.T) {
	logit := func(p float64) float64 { return math.Log(p / (1 - p)) }
	// Four officers at 0.5 and four at 0.25; three and one had the outcome.
	var scores []float64
	var labels []bool
	for i := range 8 {
		p := 0.5
		if i >= 4 {
			p = 0.25
		}
		scores = append(scores, logit(p))
		labels = append(labels, i < 3 || i == 4)
	}
	c := calibrationOf(scores, labels)
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	near("mean predicted", c.MeanPredicted, 0.375)
	near("actual", c.Actual, 0.5)
	near("ratio", c.Ratio, 0.75)
	// Brier: at 0.5 every officer is off by 0.25 squared; at 0.25 one is
	// off by 0.75^2 and three by 0.25^2 = (4*0.25 + 0.5625 + 3*0.0625)/8.
	near("Brier", c.Brier, (4*0.25+0.5625+3*0.0625)/8)
	// Ten groups of 0 or 1 officer each: |p - y| summed over officers / 8.
	near("calibration error", c.CalibrationError, (1*0.5+3*0.5+0.75+3*0.25)/8)
	if c := calibrationOf([]float64{math.NaN(), math.Inf(1)}, []bool{false, true}); !finite(c.Brier, c.CalibrationError, c.MeanPredicted) {
		t.Errorf("calibration of non-finite scores: %+v", c)
	}
	// Recalibration moves the mean chance to the latest year's rate and
	// keeps the order.
	m := &Matrix{X: []float64{0, 1, 2, 3}, Y: []bool{true, true, false, false}, Rows: 4, Cols: 1}
	lin := &Logistic{Mean: []float64{0}, Scale: []float64{1}, Weights: []float64{-1}, Intercept: -3}
	re, ok := recalibrate(lin, m)
	if !ok {
		t.Fatal("not recalibrated")
	}
	var sum float64
	for i := range 4 {
		sum += sigmoid(re.Score(m.Row(i)))
		if i > 0 && re.Score(m.Row(i)) >= re.Score(m.Row(i-1)) {
			t.Errorf("order changed")
		}
	}
	near("recalibrated mean", sum/4, 0.5)
	if _, ok := recalibrate(lin, &Matrix{X: []float64{0}, Y: []bool{false}, Rows: 1, Cols: 1}); ok {
		t.Error("recalibrated on a year with no positive")
	}
}

// TestRunShowsRankWithoutCompleteYear: when the latest complete year has
// no upheld allegation to set chances by, model flags give a rank.
func TestRunShowsRankWithoutCompleteYear(t *testing.T) {
	ds := synthetic(14, 600, 2003, 2012)
	ds.prepared = false
	for i := range ds.Allegations {
		if ds.Allegations[i].On.Time().Year() == 2011 {
			ds.Allegations[i].Finding = "not_upheld"
		}
	}
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ds, RunConfig{AsOf: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.Note, "rank, not a chance") {
		t.Errorf("note %q", rep.Note)
	}
	models := 0
	for _, c := range rep.Candidates {
		if c.Source == SourceModel {
			models++
			if !strings.Contains(c.Explanation.Summary, "in the top ") || strings.Contains(c.Explanation.Summary, "estimated chance") {
				t.Errorf("summary %q", c.Explanation.Summary)
			}
		}
	}
	if models != 5 {
		t.Errorf("%d model flags", models)
	}
}

func TestFairnessSmallGroupsMerged(t *testing.T) {
	ds := synthetic(15, 500, 2003, 2012)
	ds.prepared = false
	// Three officers of a sex recorded nowhere else, and one of an
	// ethnicity recorded nowhere else: too few to show on their own.
	for i, sex := range []string{"other", "other", "other"} {
		ds.Officers[i].Sex = sex
	}
	ds.Officers[3].Ethnicity = "mixed"
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(context.Background(), ds, EvalConfig{From: 2009, To: 2012, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range ev.Fairness.Labels["upheld"] {
		if g.Scored < MinFairnessGroup {
			t.Errorf("group %s/%s of %d officer-years shown", g.Attribute, g.Group, g.Scored)
		}
		if g.Group == "other" || g.Group == "mixed" {
			t.Errorf("small group %s/%s shown by name", g.Attribute, g.Group)
		}
	}
}

// TestServiceNotKnown: with no joining date, an explanation says so
// rather than counting service from the first allegation.
func TestServiceNotKnown(t *testing.T) {
	ds := synthetic(16, 50, 2005, 2010)
	ds.prepared = false
	for i := range ds.Officers {
		if i%2 == 0 {
			ds.Officers[i].Joined = NoDay
		}
	}
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	asOf := day("2011-01-01")
	members := ActiveWithin(5)(ds, asOf)
	fr := NewFrame(ds, asOf, members, Options{})
	var career *feature
	for _, f := range featureSet(ds) {
		if f.Name == "career_days" {
			career = &f
		}
	}
	if career == nil {
		t.Fatal("no career_days feature")
	}
	known, unknown := 0, 0
	for m, oi := range members {
		w := career.words(fr, m)
		if ds.Officers[oi].Joined == NoDay {
			unknown++
			if !strings.HasPrefix(w, "length of service not known") {
				t.Errorf("no joining date: %q", w)
			}
		} else {
			known++
			if !strings.HasSuffix(w, "of service") {
				t.Errorf("joined %s: %q", ds.Officers[oi].Joined, w)
			}
		}
	}
	if known == 0 || unknown == 0 {
		t.Fatalf("%d known, %d unknown", known, unknown)
	}
}

func TestDataQuality(t *testing.T) {
	// Enough officers that the placeholder's years are under 0.1% of all.
	got := strings.Join(DataQuality(placeholderForceOf(3000, 2009)), "\n")
	for _, want := range []string{"officer FX/UNKNOWN has 3000 allegations in", "officer id FX/UNKNOWN looks like a placeholder"} {
		if !strings.Contains(got, want) {
			t.Errorf("data quality lacks %q:\n%s", want, got)
		}
	}
	for _, q := range DataQuality(synthetic(17, 300, 2003, 2012)) {
		if q != "officer id FX/00000 looks like a placeholder." { // the synthetic force's first id is all zeros
			t.Errorf("clean data reported: %q", q)
		}
	}
	// A year with a tenth of its neighbours' allegations.
	ds := synthetic(18, 300, 2003, 2012)
	ds.prepared = false
	ds.Allegations = slices.DeleteFunc(ds.Allegations, func(a Allegation) bool {
		return a.On.Time().Year() == 2007 && a.Case[len(a.Case)-1] != '0'
	})
	if err := ds.Prepare(); err != nil {
		t.Fatal(err)
	}
	if q := strings.Join(DataQuality(ds), "\n"); !strings.Contains(q, "2007 has") {
		t.Errorf("thin year not reported: %q", q)
	}
	for id, want := range map[string]bool{"FX/UNKNOWN": true, "FX/000000": true, "FX/9999": true, "FX/00123": false, "FX/4711": false, "FX/": true} {
		if placeholderID(id) != want {
			t.Errorf("placeholderID(%q) = %v", id, !want)
		}
	}
}

// TestFairnessForceEthnicityGroups: when the force declared its own
// ethnicity groups they replace the ONS groups in the report; otherwise
// the ONS groups are used.
func TestFairnessForceEthnicityGroups(t *testing.T) {
	for _, tc := range []struct {
		name     string
		own      bool
		grouping string
		want     []string
	}{
		{"ONS groups", false, "ons", []string{"other", "white"}},
		{"force's groups", true, "force", []string{"Hispanic", "White"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := synthetic(17, 400, 2003, 2012)
			ds.prepared = false
			for i := range ds.Officers {
				ons, own := "white", "White"
				if i%3 == 0 {
					ons, own = "other", "Hispanic"
				}
				ds.Officers[i].Ethnicity = ons
				if tc.own {
					ds.Officers[i].EthnicityGroup = own
				}
			}
			if err := ds.Prepare(); err != nil {
				t.Fatal(err)
			}
			ev, err := Evaluate(context.Background(), ds, EvalConfig{From: 2009, To: 2012, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if ev.Fairness.EthnicityGroups != tc.grouping {
				t.Errorf("grouping %q, want %q", ev.Fairness.EthnicityGroups, tc.grouping)
			}
			var got []string
			for _, g := range ev.Fairness.Labels["upheld"] {
				if g.Attribute == "ethnicity" {
					got = append(got, g.Group)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ethnicity groups %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLevelChange: a chance is shown only where the outcome's rate has
// moved by no more than MaxLevelChange over two years in the record.
func TestLevelChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rates  map[int]float64
		upTo   int
		change float64
		pairs  int
		shown  bool
	}{
		{"steady", map[int]float64{2001: .02, 2002: .021, 2003: .022, 2004: .02}, 2004, 1.1, 2, true},
		{"rose 1.6x in two years", map[int]float64{2001: .02, 2002: .021, 2003: .032, 2004: .02}, 2004, 1.6, 2, false},
		{"fell 1.6x in two years", map[int]float64{2001: .032, 2002: .021, 2003: .02, 2004: .02}, 2004, 1.6, 2, false},
		{"the jump is after the last year learned from", map[int]float64{2001: .02, 2002: .021, 2003: .022, 2004: .02, 2005: .04}, 2004, 1.1, 2, true},
		{"one pair only", map[int]float64{2001: .02, 2002: .021, 2003: .022}, 2003, 1.1, 1, false},
		{"a gap leaves no pair across it", map[int]float64{2001: .02, 2002: .021, 2005: .05, 2006: .05, 2007: .05, 2008: .05}, 2008, 1, 2, true},
		{"a year with no outcome", map[int]float64{2001: .02, 2002: .021, 2003: 0, 2004: .02}, 2004, 0, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lv := levelRates{0: tc.rates}.level(0, tc.upTo)
			if math.Abs(lv.Change-tc.change) > 1e-9 || lv.Pairs != tc.pairs || lv.ChanceShown != tc.shown {
				t.Errorf("level %+v, want change %.2f over %d pairs, shown %v", lv, tc.change, tc.pairs, tc.shown)
			}
		})
	}
}

// TestRunShowsRankWhenLevelMoves: where the upheld rate has moved too
// much for a chance set two years back to be trusted, model flags give a
// rank and the run says why; where it is steady, a chance.
func TestRunShowsRankWhenLevelMoves(t *testing.T) {
	for _, tc := range []struct {
		name   string
		unhold bool // most upheld findings of 2009 made not upheld
		chance bool
	}{
		{"steady", false, true},
		{"moved", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := synthetic(18, 2000, 2003, 2012)
			ds.prepared = false
			n := 0
			for i := range ds.Allegations {
				if tc.unhold && ds.Allegations[i].On.Time().Year() == 2009 && ds.Allegations[i].Finding == "upheld" {
					if n%4 != 0 {
						ds.Allegations[i].Finding = "not_upheld"
					}
					n++
				}
			}
			if err := ds.Prepare(); err != nil {
				t.Fatal(err)
			}
			rep, err := Run(ds, RunConfig{AsOf: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), TopN: 5})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(rep.Note, "moved by a factor of up to"); got == tc.chance {
				t.Errorf("note %q", rep.Note)
			}
			models := 0
			for _, c := range rep.Candidates {
				if c.Source != SourceModel {
					continue
				}
				models++
				if strings.Contains(c.Explanation.Summary, "estimated chance") != tc.chance || strings.Contains(c.Explanation.Summary, "in the top ") == tc.chance {
					t.Errorf("summary %q", c.Explanation.Summary)
				}
			}
			if models != 5 {
				t.Errorf("%d model flags", models)
			}
		})
	}
}
