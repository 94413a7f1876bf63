package eis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Label is an outcome the system tries to foresee: something that
// happens to an officer in the year after the date they are scored.
type Label struct {
	Name  string
	Words string
	hit   func(a *Allegation) bool
	// could reports whether an allegation could carry the outcome: any
	// allegation may be upheld; only a use-of-force allegation is one.
	could func(a *Allegation) bool
}

// Labels are the outcomes evaluated: an upheld allegation, and
// (separately) a use-of-force allegation whatever its outcome.
var Labels = []Label{
	{"upheld", "an allegation, later upheld, in the year", func(a *Allegation) bool { return a.upheld },
		func(*Allegation) bool { return true }},
	{"force", "a use-of-force allegation in the year", func(a *Allegation) bool { return a.UseOfForce },
		func(a *Allegation) bool { return a.UseOfForce }},
}

// EvalConfig sets up a temporal evaluation. Zero values take the defaults.
type EvalConfig struct {
	From, To int // the years evaluated; 0 = every year with five years of data before it
	// Gap is the number of years left between the last label year trained
	// on and the year evaluated, so that findings not decided by the start
	// of the year are not used: for year Y the model learns from label
	// years up to Y-1-Gap. Default 1.
	Gap int
	// TrainYears is how many label years (the most recent allowed) the
	// model learns from. Default 5: enough rows, recent enough to follow
	// changes in how complaints are made and decided, and quick to fit.
	TrainYears int
	// PopulationYears: an officer is scored for year Y when they had an
	// allegation in the PopulationYears years before it. Default 5.
	PopulationYears int
	// FindingLag: see Options. Default EvalFindingLag.
	FindingLag int
	Rules      *RuleSet
	Model      ModelConfig
	Workers    int // parallel model fits; default GOMAXPROCS
}

func (c EvalConfig) withDefaults() EvalConfig {
	if c.Gap <= 0 {
		c.Gap = 1
	}
	c.PopulationYears = cmp.Or(c.PopulationYears, 5)
	c.TrainYears = cmp.Or(c.TrainYears, 5)
	if c.FindingLag == 0 {
		c.FindingLag = EvalFindingLag
	}
	if c.FindingLag < 0 {
		c.FindingLag = 0
	}
	if c.Rules == nil {
		c.Rules = DefaultRules()
	}
	if c.Model.Kind == "" {
		c.Model = DefaultModel
	}
	c.Workers = cmp.Or(c.Workers, runtime.GOMAXPROCS(0))
	return c
}

// Metrics measure a ranking of officers against what happened. Precision
// at k is the share of the k highest-ranked officers with the outcome;
// recall at k the share of officers with the outcome who are among them.
// Officers tied at the cut-off count by their average, so the result does
// not depend on the order rows were read in.
type Metrics struct {
	PrecisionAtRuleBudget float64 `json:"precision_at_rule_budget"`
	PAt1                  float64 `json:"p_at_1"`
	PAt5                  float64 `json:"p_at_5"`
	PAt10                 float64 `json:"p_at_10"`
	RecallAt5             float64 `json:"recall_at_5"`
	AUC                   float64 `json:"auc"`
}

// Calibration measures how far the model's estimated chances can be read
// as chances: the mean predicted against the share with the outcome (and
// their ratio), the Brier score (mean squared error of the chance), and the
// calibration error: the mean, weighted by officers, of the gap between
// predicted and actual within ten groups of equal size by predicted chance.
type Calibration struct {
	MeanPredicted    float64 `json:"mean_predicted"`
	Actual           float64 `json:"actual"`
	Ratio            float64 `json:"predicted_to_actual"`
	Brier            float64 `json:"brier"`
	CalibrationError float64 `json:"calibration_error"`
}

// calibrationOf measures log-odds scores against labels; scores that are
// not numbers count as a chance of zero.
func calibrationOf(scores []float64, labels []bool) Calibration {
	n := len(scores)
	if n == 0 {
		return Calibration{}
	}
	p := make([]float64, n)
	var c Calibration
	for i, s := range scores {
		if finite(s) || math.IsInf(s, 0) {
			p[i] = sigmoid(s)
		}
		c.MeanPredicted += p[i]
		y := 0.0
		if labels[i] {
			y = 1
			c.Actual++
		}
		c.Brier += (p[i] - y) * (p[i] - y)
	}
	c.Brier /= float64(n)
	c.Ratio = ratioOr0(c.MeanPredicted, c.Actual)
	c.MeanPredicted /= float64(n)
	c.Actual /= float64(n)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	const bins = 10
	for b := range bins {
		lo, hi := b*n/bins, (b+1)*n/bins
		if lo == hi {
			continue
		}
		var pred, act float64
		for _, i := range idx[lo:hi] {
			pred += p[i]
			if labels[i] {
				act++
			}
		}
		c.CalibrationError += math.Abs(pred - act)
	}
	c.CalibrationError /= float64(n)
	return c
}

// RuleResult is how one threshold rule did.
type RuleResult struct {
	Flagged   int     `json:"flagged"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// Result is one label's results for one year, or pooled over years.
type Result struct {
	BaseRate float64               `json:"base_rate"`
	Scored   int                   `json:"scored"`
	Rules    map[string]RuleResult `json:"rules"`
	Model    Metrics               `json:"model"`
	Ranking  Metrics               `json:"ranking"`
	// Calibration compares the model's estimated chances with what
	// happened.
	Calibration Calibration `json:"calibration"`
	// Level says, for one year, how far the outcome's rate had moved in
	// the force's record up to the last year the model learned from, and
	// so whether a flag would have
	// shown a chance or only a rank (see Level). Not set when pooled.
	Level *Level `json:"level,omitempty"`
}

// LabelResult holds one label's results pooled and by year.
type LabelResult struct {
	Pooled Result            `json:"pooled"`
	Years  map[string]Result `json:"years"`
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	Labels   map[string]LabelResult `json:"labels"`
	Fairness Fairness               `json:"fairness"`
	Setup    EvalSetup              `json:"setup"`
}

// EvalSetup records what was evaluated, for the reader of the output.
type EvalSetup struct {
	From       int         `json:"from"`
	To         int         `json:"to"`
	Population string      `json:"population"`
	Gap        int         `json:"gap_years"`
	TrainYears int         `json:"train_years"`
	FindingLag int         `json:"finding_lag_days"`
	BudgetRule string      `json:"budget_rule"`
	Ranking    string      `json:"ranking"`
	Model      ModelConfig `json:"model"`
	Features   []string    `json:"features"`
	// LeftOut lists the years the default range left out, and why;
	// Warnings what the reader should know of the years chosen.
	LeftOut  []YearLeftOut `json:"left_out,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	// DataQuality is what looked wrong in the data (see DataQuality).
	DataQuality []string `json:"data_quality,omitempty"`
}

// Fairness compares, for each group of officers by sex and by ethnicity
// where the data record them, how often they are flagged against how often
// the outcome happened to them. Note says why a part is empty.
type Fairness struct {
	Note string `json:"note,omitempty"`
	// EthnicityGroups says whose ethnicity groups the figures use: "force"
	// when the force declared its own (through the import mapping), else
	// "ons", the five ONS 2021 census groups.
	EthnicityGroups string                     `json:"ethnicity_groups,omitempty"`
	Labels          map[string][]FairnessGroup `json:"labels"`
}

// FairnessGroup is one group's figures for one label, pooled over years:
// the budget rule's flags and the model's flags at the same budget.
type FairnessGroup struct {
	Attribute string       `json:"attribute"` // "sex" or "ethnicity"
	Group     string       `json:"group"`
	Scored    int          `json:"scored"`
	BaseRate  float64      `json:"base_rate"`
	Rule      FairnessRate `json:"rule"`
	Model     FairnessRate `json:"model"`
}

// FairnessRate is how one method flags a group. FlagToBase is the flag
// rate over the base rate: a group flagged in proportion to what happened
// to it has the same value as everyone else.
type FairnessRate struct {
	FlagRate   float64 `json:"flag_rate"`
	Precision  float64 `json:"precision"`
	Recall     float64 `json:"recall"`
	FlagToBase float64 `json:"flag_to_base"`
}

// yearData is one as-of date's population with its features and labels.
type yearData struct {
	year   int
	frame  *Frame
	x      *Matrix
	labels [][]bool // by Labels index
	// counts, by Labels index: the allegations in the year that could
	// carry the outcome (for ModelConfig.Objective "allegations").
	counts  [][]float64
	ranking []float64
	rules   [][]int // per rule, per member: the count
}

// eachOutcome calls fn for each allegation against officer oi made in
// [asOf, end) and each label: whether the allegation hits the label, and
// whether it could have (it counts towards the label's base).
func eachOutcome(ds *Dataset, oi int, asOf, end Day, fn func(label int, hit, could bool)) {
	for _, a := range ds.Of(oi) {
		if a.On < asOf {
			continue
		}
		if a.On >= end {
			break
		}
		for l, lab := range Labels {
			fn(l, lab.hit(&a), lab.could(&a))
		}
	}
}

// buildYear computes one as-of date's population, features, labels,
// ranking and rule counts.
func buildYear(ds *Dataset, y int, cfg EvalConfig) *yearData {
	asOf, end := yearStart(y), yearStart(y+1)
	members := ActiveWithin(cfg.PopulationYears)(ds, asOf)
	fr := NewFrame(ds, asOf, members, Options{FindingLag: cfg.FindingLag})
	yd := &yearData{year: y, frame: fr, x: fr.Matrix(), labels: make([][]bool, len(Labels)), ranking: make([]float64, len(members))}
	for l := range Labels {
		yd.labels[l] = make([]bool, len(members))
	}
	yd.counts = make([][]float64, len(Labels))
	for l := range Labels {
		yd.counts[l] = make([]float64, len(members))
	}
	for m, oi := range members {
		eachOutcome(ds, int(oi), asOf, end, func(l int, hit, could bool) {
			if hit {
				yd.labels[l][m] = true
			}
			if could {
				yd.counts[l][m]++
			}
		})
		yd.ranking[m] = RankingScore(fr, m)
	}
	for _, r := range cfg.Rules.Rules {
		cs := make([]int, len(members))
		for m, oi := range members {
			cs[m] = r.CountFor(ds, int(oi), asOf, cfg.FindingLag)
		}
		yd.rules = append(yd.rules, cs)
	}
	return yd
}

// RankingScore is the plain ranking the model is compared with: the
// number of allegations in the last 12 months, ties broken by the number
// in the last 5 years.
func RankingScore(fr *Frame, m int) float64 {
	s := &fr.snaps[m]
	return float64(s.w[0].alleg) + float64(s.w[2].alleg)/1e4
}

// Evaluate runs the temporal evaluation: for each year Y it trains a model
// on what was known before Y (label years up to Y-1-Gap, features as of
// the start of each label year), scores the officers active in the years
// before Y, and compares the model, the plain ranking and the rules with
// what happened in Y.
func Evaluate(ctx context.Context, ds *Dataset, cfg EvalConfig) (*Evaluation, error) {
	if !ds.prepared {
		return nil, errors.New("the dataset is not prepared: call Prepare")
	}
	cfg = cfg.withDefaults()
	if err := cfg.Rules.Validate(); err != nil {
		return nil, err
	}
	dataYears := DataYears(ds)
	if len(dataYears) == 0 {
		return nil, fmt.Errorf("the data hold no allegations")
	}
	var left []YearLeftOut
	var warnings []string
	if cfg.From == 0 || cfg.To == 0 {
		from, to, l, err := DefaultYears(ds, cfg.PopulationYears)
		if err != nil {
			return nil, err
		}
		cfg.From, cfg.To = cmp.Or(cfg.From, from), cmp.Or(cfg.To, to)
		for _, y := range l {
			if y.Year < cfg.From || y.Year > cfg.To {
				left = append(left, y)
			}
		}
	}
	if cfg.From > cfg.To {
		return nil, fmt.Errorf("--from %d is after --to %d", cfg.From, cfg.To)
	}
	for _, c := range CensoredYears(ds) {
		if c.Year >= cfg.From && c.Year <= cfg.To {
			warnings = append(warnings, fmt.Sprintf("%d is evaluated although %s", c.Year, strings.TrimSuffix(c.Reason, ": outcomes not yet decided")+
				": its upheld figures understate what will be found"))
		}
	}
	labelYears := LabelYears(ds)
	trainYears := map[int][]int{}
	need := map[int]bool{}
	for y := cfg.From; y <= cfg.To; y++ {
		need[y] = true
		trainYears[y] = trainingYears(cfg, labelYears, y)
		for _, l := range trainYears[y] {
			need[l] = true
		}
		if len(trainYears[y]) == 0 {
			return nil, fmt.Errorf("year %d: no earlier year to learn from (with a gap of %d years)", y, cfg.Gap)
		}
	}
	// Features for each year are computed once and shared by every model
	// that trains or scores on it.
	years := make(map[int]*yearData)
	var mu sync.Mutex
	var list []int
	for y := range need {
		list = append(list, y)
	}
	slices.Sort(list)
	if err := parallel(ctx, cfg.Workers, len(list), func(i int) error {
		yd := buildYear(ds, list[i], cfg)
		mu.Lock()
		years[list[i]] = yd
		mu.Unlock()
		return nil
	}); err != nil {
		return nil, err
	}
	// One model per evaluated year and label.
	type job struct{ year, label int }
	var jobs []job
	for y := cfg.From; y <= cfg.To; y++ {
		for l := range Labels {
			jobs = append(jobs, job{y, l})
		}
	}
	scores := make([][]float64, len(jobs))
	if err := parallel(ctx, cfg.Workers, len(jobs), func(i int) error {
		j := jobs[i]
		var train []*yearData
		for _, l := range trainYears[j.year] {
			train = append(train, years[l])
		}
		sc, err := fitAndScore(cfg, train, years[j.year], j.label)
		if err != nil {
			return fmt.Errorf("training for %d (%s): %w", j.year, Labels[j.label].Name, err)
		}
		scores[i] = sc
		return nil
	}); err != nil {
		return nil, err
	}
	ev := &Evaluation{Labels: map[string]LabelResult{}, Setup: EvalSetup{From: cfg.From, To: cfg.To,
		Population: fmt.Sprintf("officers with at least one allegation in the %d years before 1 January of the year", cfg.PopulationYears),
		Gap:        cfg.Gap, TrainYears: cfg.TrainYears, FindingLag: cfg.FindingLag, BudgetRule: cfg.Rules.BudgetRule().Name,
		Ranking: "allegations in the last 12 months, ties broken by allegations in the last 5 years", Model: cfg.Model,
		Features: Features(ds), LeftOut: left, Warnings: warnings, DataQuality: DataQuality(ds)}}
	budget := slices.IndexFunc(cfg.Rules.Rules, func(r Rule) bool { return r.Name == cfg.Rules.BudgetRule().Name })
	ev.Fairness = Fairness{Labels: map[string][]FairnessGroup{}}
	rates := ratesOf(ds, cfg, labelYears, cfg.To)
	for l, lab := range Labels {
		lr := LabelResult{Years: map[string]Result{}}
		pool := newPool(cfg.Rules)
		for i, j := range jobs {
			if j.label != l {
				continue
			}
			yd := years[j.year]
			res, ys := scoreYear(yd, l, scores[i], cfg.Rules, budget)
			lv := rates.level(l, slices.Max(trainYears[j.year]))
			res.Level = &lv
			lr.Years[strconv.Itoa(j.year)] = res
			pool.add(ys)
		}
		lr.Pooled = pool.result()
		ev.Labels[lab.Name] = lr
		groups, note := pool.fairness(ds)
		ev.Fairness.Labels[lab.Name] = groups
		ev.Fairness.Note = note
	}
	if ev.Fairness.Note == "" {
		ev.Fairness.EthnicityGroups = EthnicityGrouping(ds)
	}
	return ev, nil
}

// trainingYears lists the label years the model for year y learns from:
// the TrainYears latest up to y-1-Gap among labelYears (years with data
// and complete findings) whose year before has data too (so that features
// have a history to count). Where the latest years are censored the
// window reaches back to the most recent complete ones rather than
// learning from outcomes not yet decided.
func trainingYears(cfg EvalConfig, labelYears []int, y int) []int {
	has := map[int]bool{}
	for _, d := range labelYears {
		has[d] = true
	}
	var out []int
	last := y - 1 - cfg.Gap
	for l := last; len(out) < cfg.TrainYears && len(labelYears) > 0 && l > labelYears[0]; l-- {
		if has[l] && has[l-1] {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

// fitAndScore trains a model on the training years' rows and labels and
// scores the test year's officers. Nothing of the test year, and no label
// later than the training years, reaches the model.
func fitAndScore(cfg EvalConfig, train []*yearData, test *yearData, label int) ([]float64, error) {
	mcfg := cfg.Model
	mcfg.Seed = cfg.Model.Seed + uint64(test.year)*31 + uint64(label)
	model, err := Train(mcfg, stack(train, label))
	if err != nil {
		return nil, err
	}
	model, _ = recalibrate(model, stack(train[len(train)-1:], label))
	sc := make([]float64, test.x.Rows)
	for r := range test.x.Rows {
		sc[r] = model.Score(test.x.Row(r))
	}
	return sc, nil
}

// MaxLevelChange is the most, as a factor either way, that the outcome's
// rate may have moved over two years in the force's record for a model's
// chances to be shown. The model sets its level on a year two before the
// one it scores (the findings of the year between are not yet made), so a
// rate that has moved by more than this over two years says a chance could
// be off by as much. The bound is the calibration target (a
// predicted-to-actual ratio between 0.67 and 1.5); see
// docs/early-intervention.md.
const MaxLevelChange = 1.5

// Level is how far the outcome's rate has moved in the force's record:
// Change is the largest factor, either way, between a complete year's
// rate and the rate of the complete year two before it, over every such
// pair (Pairs of them) up to the last year the model learns from; 0 when
// a year had no officer with the outcome, which no factor measures.
// ChanceShown is whether flags show a chance: at least two pairs, and no
// change beyond MaxLevelChange.
type Level struct {
	Change      float64 `json:"change"`
	Pairs       int     `json:"pairs"`
	ChanceShown bool    `json:"chance_shown"`
}

// levelRates are the outcome's rates among the officers scored in each
// label year that a model could learn from (see trainingYears), by label
// and year.
type levelRates map[int]map[int]float64

// ratesOf computes the rates of the eligible label years up to upTo.
func ratesOf(ds *Dataset, cfg EvalConfig, labelYears []int, upTo int) levelRates {
	has := map[int]bool{}
	for _, y := range labelYears {
		has[y] = true
	}
	out := levelRates{}
	for l := range Labels {
		out[l] = map[int]float64{}
	}
	for _, y := range labelYears {
		if y > upTo || !has[y-1] {
			continue
		}
		asOf, end := yearStart(y), yearStart(y+1)
		members := ActiveWithin(cfg.PopulationYears)(ds, asOf)
		if len(members) == 0 {
			continue
		}
		pos := make([]int, len(Labels))
		for _, oi := range members {
			hit := make([]bool, len(Labels))
			eachOutcome(ds, int(oi), asOf, end, func(l int, h, _ bool) { hit[l] = hit[l] || h })
			for l := range Labels {
				if hit[l] {
					pos[l]++
				}
			}
		}
		for l := range Labels {
			out[l][y] = float64(pos[l]) / float64(len(members))
		}
	}
	return out
}

// level measures the rate's movement for one label over the years up to
// upTo (the last year the model learns from). A year with no officer with
// the outcome next to one with some is an unbounded change.
func (lr levelRates) level(label, upTo int) Level {
	rate := lr[label]
	var lv Level
	for y, r := range rate {
		before, ok := rate[y-2]
		if !ok || y > upTo {
			continue
		}
		lv.Pairs++
		change := math.Inf(1)
		switch {
		case r > 0 && before > 0:
			change = math.Max(r/before, before/r)
		case r == 0 && before == 0:
			change = 1
		}
		lv.Change = math.Max(lv.Change, change)
	}
	lv.ChanceShown = lv.Pairs >= 2 && lv.Change <= MaxLevelChange
	if math.IsInf(lv.Change, 0) {
		lv.Change = 0 // JSON has no infinity
	}
	return lv
}

// stack joins the years' feature rows with their labels.
func stack(parts []*yearData, label int) *Matrix {
	m := &Matrix{}
	for _, p := range parts {
		m.Cols = p.x.Cols
		m.Rows += p.x.Rows
	}
	m.X = make([]float64, 0, m.Rows*m.Cols)
	m.Y = make([]bool, 0, m.Rows)
	m.Count = make([]float64, 0, m.Rows)
	for _, p := range parts {
		m.X = append(m.X, p.x.X...)
		m.Y = append(m.Y, p.labels[label]...)
		m.Count = append(m.Count, p.counts[label]...)
	}
	return m
}

// yearScores is what one year contributes to pooled results.
type yearScores struct {
	yd       *yearData
	labels   []bool
	model    []float64
	budget   int
	ruleHits [][]bool
	// weights in the top k for the model at the rule budget, and for the
	// model and the ranking at 1, 5 and 10 per cent
	modelBudgetW, rankBudgetW []float64
	modelW, rankW             [3][]float64
}

var topFractions = [3]float64{0.01, 0.05, 0.10}

func scoreYear(yd *yearData, label int, model []float64, rules *RuleSet, budget int) (Result, *yearScores) {
	labels := yd.labels[label]
	n := len(labels)
	ys := &yearScores{yd: yd, labels: labels, model: model}
	res := Result{Scored: n, Rules: map[string]RuleResult{}}
	pos := countTrue(labels)
	if n > 0 {
		res.BaseRate = float64(pos) / float64(n)
	}
	for ri, r := range rules.Rules {
		hits := make([]bool, n)
		flagged, tp := 0, 0
		for m := range n {
			if yd.rules[ri][m] >= r.Threshold {
				hits[m] = true
				flagged++
				if labels[m] {
					tp++
				}
			}
		}
		ys.ruleHits = append(ys.ruleHits, hits)
		res.Rules[r.Name] = RuleResult{Flagged: flagged, Precision: ratioOr0(float64(tp), float64(flagged)), Recall: ratioOr0(float64(tp), float64(pos))}
		if ri == budget {
			ys.budget = flagged
		}
	}
	ys.modelBudgetW = TopK(model, ys.budget)
	ys.rankBudgetW = TopK(yd.ranking, ys.budget)
	for i, f := range topFractions {
		k := int(math.Round(f * float64(n)))
		ys.modelW[i] = TopK(model, k)
		ys.rankW[i] = TopK(yd.ranking, k)
	}
	metrics := func(budgetW []float64, w [3][]float64, sc []float64) Metrics {
		return Metrics{
			PrecisionAtRuleBudget: precision(budgetW, labels),
			PAt1:                  precision(w[0], labels), PAt5: precision(w[1], labels), PAt10: precision(w[2], labels),
			RecallAt5: recall(w[1], labels), AUC: AUC(sc, labels),
		}
	}
	res.Model = metrics(ys.modelBudgetW, ys.modelW, model)
	res.Calibration = calibrationOf(model, labels)
	res.Ranking = metrics(ys.rankBudgetW, ys.rankW, yd.ranking)
	return res, ys
}

// pool adds up years: precision and recall over the union of each year's
// flags, AUC over all officer-years together.
type pool struct {
	rules *RuleSet
	years []*yearScores
}

func newPool(rules *RuleSet) *pool { return &pool{rules: rules} }

func (p *pool) add(ys *yearScores) { p.years = append(p.years, ys) }

func (p *pool) result() Result {
	var labels []bool
	var model, ranking []float64
	var mb, rb []float64
	var mw, rw [3][]float64
	res := Result{Rules: map[string]RuleResult{}}
	for _, ys := range p.years {
		labels = append(labels, ys.labels...)
		model = append(model, ys.model...)
		ranking = append(ranking, ys.yd.ranking...)
		mb = append(mb, ys.modelBudgetW...)
		rb = append(rb, ys.rankBudgetW...)
		for i := range 3 {
			mw[i] = append(mw[i], ys.modelW[i]...)
			rw[i] = append(rw[i], ys.rankW[i]...)
		}
	}
	pos := countTrue(labels)
	res.Calibration = calibrationOf(model, labels)
	res.Scored = len(labels)
	res.BaseRate = ratioOr0(float64(pos), float64(len(labels)))
	for ri, r := range p.rules.Rules {
		flagged, tp := 0, 0
		for _, ys := range p.years {
			for m, h := range ys.ruleHits[ri] {
				if h {
					flagged++
					if ys.labels[m] {
						tp++
					}
				}
			}
		}
		res.Rules[r.Name] = RuleResult{Flagged: flagged, Precision: ratioOr0(float64(tp), float64(flagged)), Recall: ratioOr0(float64(tp), float64(pos))}
	}
	res.Model = Metrics{PrecisionAtRuleBudget: precision(mb, labels), PAt1: precision(mw[0], labels), PAt5: precision(mw[1], labels),
		PAt10: precision(mw[2], labels), RecallAt5: recall(mw[1], labels), AUC: AUC(model, labels)}
	res.Ranking = Metrics{PrecisionAtRuleBudget: precision(rb, labels), PAt1: precision(rw[0], labels), PAt5: precision(rw[1], labels),
		PAt10: precision(rw[2], labels), RecallAt5: recall(rw[1], labels), AUC: AUC(ranking, labels)}
	return res
}

// EthnicityGrouping says whose ethnicity groups the fairness report uses
// for ds: "force" when any officer has one of the force's own groups (the
// import mapping declared them), else "ons".
func EthnicityGrouping(ds *Dataset) string {
	if slices.ContainsFunc(ds.Officers, func(o Officer) bool { return o.EthnicityGroup != "" }) {
		return "force"
	}
	return "ons"
}

// EthnicityGroupingWords says in words whose ethnicity groups a fairness
// report uses, for its reader.
func EthnicityGroupingWords(grouping string) string {
	if grouping == "force" {
		return "Ethnicity groups are the force's own, as declared in the import mapping"
	}
	return "Ethnicity groups are the five ONS 2021 census groups"
}

// MinFairnessGroup is the fewest officer-years a fairness group is shown
// for.
const MinFairnessGroup = 20

// fairness splits the pooled flags of the budget rule and of the model at
// the same budget by officers' sex and ethnicity.
func (p *pool) fairness(ds *Dataset) ([]FairnessGroup, string) {
	budget := slices.IndexFunc(p.rules.Rules, func(r Rule) bool { return r.Name == p.rules.BudgetRule().Name })
	type acc struct {
		n, pos               float64
		ruleF, ruleTP        float64
		modelF, modelTP      float64
		attribute, groupName string
	}
	groups := map[[2]string]*acc{}
	var all acc
	recorded := false
	ownGroups := EthnicityGrouping(ds) == "force"
	for _, ys := range p.years {
		for m, oi := range ys.yd.frame.Members {
			o := ds.Officers[oi]
			y := ys.labels[m]
			rf := 0.0
			if ys.ruleHits[budget][m] {
				rf = 1
			}
			mf := ys.modelBudgetW[m]
			add := func(a *acc) {
				a.n++
				a.ruleF += rf
				a.modelF += mf
				if y {
					a.pos++
					a.ruleTP += rf
					a.modelTP += mf
				}
			}
			add(&all)
			eth := o.Ethnicity
			if ownGroups {
				eth = o.EthnicityGroup
			}
			for _, kv := range [][2]string{{"sex", o.Sex}, {"ethnicity", eth}} {
				if kv[1] == "" {
					continue
				}
				recorded = true
				g := groups[kv]
				if g == nil {
					g = &acc{attribute: kv[0], groupName: kv[1]}
					groups[kv] = g
				}
				add(g)
			}
		}
	}
	if !recorded {
		return []FairnessGroup{}, "the data record neither sex nor ethnicity for the officers scored, so flags cannot be compared by group"
	}
	rate := func(a *acc, flagged, tp float64) FairnessRate {
		fr := FairnessRate{FlagRate: ratioOr0(flagged, a.n), Precision: ratioOr0(tp, flagged), Recall: ratioOr0(tp, a.pos)}
		fr.FlagToBase = ratioOr0(fr.FlagRate, a.pos/a.n)
		return fr
	}
	// A group of a handful of officer-years is both too noisy to read and
	// close to naming the officers in it: small groups are pooled per
	// attribute into one, which is left out too if still small.
	kept := []*acc{&all}
	merged := map[string]*acc{}
	for _, a := range mapValues(groups) {
		if a.n >= MinFairnessGroup {
			kept = append(kept, a)
			continue
		}
		mg := merged[a.attribute]
		if mg == nil {
			mg = &acc{attribute: a.attribute, groupName: fmt.Sprintf("other (groups under %d officer-years, merged)", MinFairnessGroup)}
			merged[a.attribute] = mg
		}
		mg.n, mg.pos = mg.n+a.n, mg.pos+a.pos
		mg.ruleF, mg.ruleTP = mg.ruleF+a.ruleF, mg.ruleTP+a.ruleTP
		mg.modelF, mg.modelTP = mg.modelF+a.modelF, mg.modelTP+a.modelTP
	}
	for _, mg := range merged {
		if mg.n >= MinFairnessGroup {
			kept = append(kept, mg)
		}
	}
	var out []FairnessGroup
	for _, a := range kept {
		g := FairnessGroup{Attribute: a.attribute, Group: a.groupName, Scored: int(a.n), BaseRate: ratioOr0(a.pos, a.n),
			Rule: rate(a, a.ruleF, a.ruleTP), Model: rate(a, a.modelF, a.modelTP)}
		if a == &all {
			g.Attribute, g.Group = "all", "all officers scored"
		}
		out = append(out, g)
	}
	slices.SortStableFunc(out[1:], func(x, y FairnessGroup) int {
		return cmp.Or(cmp.Compare(x.Attribute, y.Attribute), cmp.Compare(x.Group, y.Group))
	})
	return out, ""
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// parallel runs f(0..n-1) on up to workers goroutines and returns the
// first error.
func parallel(ctx context.Context, workers, n int, f func(i int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	next := make(chan int)
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { firstErr = err })
				}
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return firstErr
}
