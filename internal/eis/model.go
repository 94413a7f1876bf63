package eis

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
)

// feature is one input of the model, with the words that explain it to a
// supervisor who has not seen the model.
type feature struct {
	Name string
	get  func(fr *Frame, m int) float64
	// words describes the officer's value in plain words and numbers.
	words func(fr *Frame, m int) string
}

// maxDays caps "days since" features: beyond ten years the difference
// means nothing, and a cap keeps officers with no allegation comparable.
const maxDays = 3650

// FeatureGroups choose the model's inputs beyond the base set the first
// model was chosen with (see docs/early-intervention.md for the rounds of
// validation that chose among them).
type FeatureGroups struct {
	Recency       bool // recency-weighted counts and the 12-month trend
	Subcategories bool // 5-year counts by sub-category
	Dispositions  bool // 5-year findings by disposition, not only upheld
	Peers         bool // what officers named in the same complaints have had
}

// featureGroups is the set in use.
var featureGroups = FeatureGroups{Recency: true, Peers: true}

// Features lists the names of the model's inputs for a dataset, in order.
func Features(ds *Dataset) []string {
	var out []string
	for _, f := range featureSet(ds) {
		out = append(out, f.Name)
	}
	return out
}

// featureSet builds the model's inputs. Category counts follow the
// categories present in the data, so that a force's own taxonomy use
// shapes them.
func featureSet(ds *Dataset) []feature {
	names := categoryNames()
	var fs []feature
	add := func(name string, get func(fr *Frame, m int) float64, words func(fr *Frame, m int) string) {
		fs = append(fs, feature{Name: name, get: get, words: words})
	}
	for w, win := range Windows {
		add("allegations_"+win.Name, func(fr *Frame, m int) float64 { return float64(fr.snaps[m].w[w].alleg) },
			func(fr *Frame, m int) string {
				o := fr.officer(m)
				return fmt.Sprintf("%s in %s (unit average %.1f, rank average %.1f)",
					plural(fr.snaps[m].w[w].alleg, "allegation"), win.Words, fr.unitMean[o.Unit][w], fr.rankMean[o.Rank][w])
			})
		add("cases_"+win.Name, func(fr *Frame, m int) float64 { return float64(fr.snaps[m].w[w].cases) },
			func(fr *Frame, m int) string {
				return fmt.Sprintf("%s in %s", plural(fr.snaps[m].w[w].cases, "separate complaint"), win.Words)
			})
		add("use_of_force_"+win.Name, func(fr *Frame, m int) float64 { return float64(fr.snaps[m].w[w].force) },
			func(fr *Frame, m int) string {
				return fmt.Sprintf("%s in %s (unit average %.1f a year)", plural(fr.snaps[m].w[w].force, "use-of-force allegation"),
					win.Words, fr.unitForce[fr.officer(m).Unit])
			})
		if w != 1 {
			add("unit_ratio_"+win.Name, func(fr *Frame, m int) float64 {
				return smoothRatio(fr.snaps[m].w[w].alleg, fr.unitMean[fr.officer(m).Unit][w])
			}, func(fr *Frame, m int) string {
				return fmt.Sprintf("%s in %s against a unit average of %.1f",
					plural(fr.snaps[m].w[w].alleg, "allegation"), win.Words, fr.unitMean[fr.officer(m).Unit][w])
			})
			add("rank_ratio_"+win.Name, func(fr *Frame, m int) float64 {
				return smoothRatio(fr.snaps[m].w[w].alleg, fr.rankMean[fr.officer(m).Rank][w])
			}, func(fr *Frame, m int) string {
				o := fr.officer(m)
				return fmt.Sprintf("%s in %s against an average of %.1f for officers of rank %s",
					plural(fr.snaps[m].w[w].alleg, "allegation"), win.Words, fr.rankMean[o.Rank][w], rankWords(o.Rank))
			})
		}
		if w == 0 {
			// Findings on last year's allegations are mostly not made yet
			// (see Options.FindingLag); the 12-month count would be empty.
			continue
		}
		add("upheld_"+win.Name, func(fr *Frame, m int) float64 { return float64(fr.snaps[m].w[w].upheld) },
			func(fr *Frame, m int) string {
				return fmt.Sprintf("%s in %s", plural(fr.snaps[m].w[w].upheld, "upheld finding"), win.Words)
			})
		if w != 2 {
			continue
		}
		add("concern_"+win.Name, func(fr *Frame, m int) float64 { return float64(concerns(&fr.snaps[m].w[w])) },
			func(fr *Frame, m int) string {
				return fmt.Sprintf("%s of sexual misconduct, domestic abuse or discrimination in %s",
					plural(concerns(&fr.snaps[m].w[w]), "allegation"), win.Words)
			})
	}
	for _, w := range []int{2} {
		win := Windows[w]
		for c, code := range ds.Categories {
			name := names[code]
			if name == "" {
				name = strings.ReplaceAll(code, "-", " ")
			}
			add("category_"+code+"_"+win.Name, func(fr *Frame, m int) float64 { return float64(fr.snaps[m].w[w].byCat[c]) },
				func(fr *Frame, m int) string {
					return fmt.Sprintf("%s of %s in %s", plural(fr.snaps[m].w[w].byCat[c], "allegation"), strings.ToLower(name), win.Words)
				})
		}
	}
	for w, win := range Windows[1:] {
		w++
		add("expected_upheld_"+win.Name, func(fr *Frame, m int) float64 { return fr.snaps[m].expUp[w] },
			func(fr *Frame, m int) string {
				return fmt.Sprintf("%s in %s of kinds often upheld (%.1f would be upheld at past rates)",
					plural(fr.snaps[m].w[w].alleg, "allegation"), win.Words, fr.snaps[m].expUp[w])
			})
	}
	add("allegations_3m", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].recent3m) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in the last 3 months", plural(fr.snaps[m].recent3m, "allegation"))
		})
	add("allegations_6m", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].recent6m) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in the last 6 months", plural(fr.snaps[m].recent6m, "allegation"))
		})
	add("days_since_last", func(fr *Frame, m int) float64 {
		s := fr.snaps[m]
		if s.last == NoDay {
			return maxDays
		}
		return float64(min(int(fr.AsOf-s.last), maxDays))
	}, func(fr *Frame, m int) string {
		s := fr.snaps[m]
		if s.last == NoDay {
			return "no earlier allegation"
		}
		return fmt.Sprintf("last allegation %s ago", daysWords(int(fr.AsOf-s.last)))
	})
	add("career_days", func(fr *Frame, m int) float64 {
		st := careerStart(*fr.officer(m), &fr.snaps[m])
		if st == NoDay {
			return 0
		}
		return float64(min(int(fr.AsOf-st), 4*maxDays))
	}, func(fr *Frame, m int) string {
		o := fr.officer(m)
		st := careerStart(*o, &fr.snaps[m])
		if st == NoDay {
			return "length of service not known"
		}
		if o.Joined != NoDay && o.Joined == st {
			return fmt.Sprintf("%s of service", daysWords(int(fr.AsOf-st)))
		}
		return fmt.Sprintf("first allegation %s ago", daysWords(int(fr.AsOf-st)))
	})
	add("allegations_ever", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].total) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in all", plural(fr.snaps[m].total, "allegation"))
		})
	add("cases_ever", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].casesEver) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in all", plural(fr.snaps[m].casesEver, "separate complaint"))
		})
	add("upheld_ever", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].totalUp) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in all", plural(fr.snaps[m].totalUp, "upheld finding"))
		})
	add("upheld_share", func(fr *Frame, m int) float64 {
		s := fr.snaps[m]
		return (float64(s.totalUp) + 0.1) / (float64(s.total) + 5)
	}, func(fr *Frame, m int) string {
		s := fr.snaps[m]
		return fmt.Sprintf("%d of %s upheld", s.totalUp, plural(s.total, "earlier allegation"))
	})
	add("allegations_per_case_5y", func(fr *Frame, m int) float64 {
		c := fr.snaps[m].w[2]
		if c.cases == 0 {
			return 0
		}
		return float64(c.alleg) / float64(c.cases)
	}, func(fr *Frame, m int) string {
		c := fr.snaps[m].w[2]
		return fmt.Sprintf("%s in %s over the last 5 years", plural(c.alleg, "allegation"), plural(c.cases, "complaint"))
	})
	add("co_subjects", func(fr *Frame, m int) float64 { return fr.snaps[m].coSubjects },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("on average %.1f other officers named in the same complaints", fr.snaps[m].coSubjects)
		})
	add("unit_mean_12m", func(fr *Frame, m int) float64 { return fr.unitMean[fr.officer(m).Unit][0] },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("serves in a unit averaging %.1f allegations an officer in the last 12 months", fr.unitMean[fr.officer(m).Unit][0])
		})
	add("unit_mean_5y", func(fr *Frame, m int) float64 { return fr.unitMean[fr.officer(m).Unit][2] },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("serves in a unit averaging %.1f allegations an officer in the last 5 years", fr.unitMean[fr.officer(m).Unit][2])
		})
	add("unit_upheld_rate", func(fr *Frame, m int) float64 { return fr.unitUpRate[fr.officer(m).Unit] },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("serves in a unit where %.0f%% of allegations in the last 5 years were upheld", 100*fr.unitUpRate[fr.officer(m).Unit])
		})
	add("unit_force_12m", func(fr *Frame, m int) float64 { return fr.unitForce[fr.officer(m).Unit] },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("serves in a unit averaging %.2f use-of-force allegations an officer in the last 12 months", fr.unitForce[fr.officer(m).Unit])
		})
	add("rank", func(fr *Frame, m int) float64 { return float64(officers.Rank(fr.officer(m).Rank).Seniority()) },
		func(fr *Frame, m int) string { return "rank " + rankWords(fr.officer(m).Rank) })
	if featureGroups.Recency {
		recencyFeatures(add)
	}
	if featureGroups.Subcategories {
		subcategoryFeatures(ds, add)
	}
	if featureGroups.Dispositions {
		dispositionFeatures(add)
	}
	if featureGroups.Peers {
		peerFeatures(add)
	}
	return fs
}

type addFeature func(name string, get func(fr *Frame, m int) float64, words func(fr *Frame, m int) string)

func recencyFeatures(add addFeature) {
	add("recency_weighted", func(fr *Frame, m int) float64 { return fr.snaps[m].decay },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in the last 5 years, recent ones counting most (weighted %.1f)",
				plural(fr.snaps[m].w[2].alleg, "allegation"), fr.snaps[m].decay)
		})
	add("recency_weighted_force", func(fr *Frame, m int) float64 { return fr.snaps[m].decayForce },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in the last 5 years, recent ones counting most (weighted %.1f)",
				plural(fr.snaps[m].w[2].force, "use-of-force allegation"), fr.snaps[m].decayForce)
		})
	add("recency_weighted_upheld", func(fr *Frame, m int) float64 { return fr.snaps[m].decayUp },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("%s in the last 5 years, recent ones counting most (weighted %.1f)",
				plural(fr.snaps[m].w[2].upheld, "upheld finding"), fr.snaps[m].decayUp)
		})
	add("trend_12m", func(fr *Frame, m int) float64 {
		s := fr.snaps[m]
		return float64(2*s.w[0].alleg - s.w[1].alleg)
	}, func(fr *Frame, m int) string {
		s := fr.snaps[m]
		return fmt.Sprintf("%s in the last 12 months against %d in the 12 months before", plural(s.w[0].alleg, "allegation"), s.w[1].alleg-s.w[0].alleg)
	})
}

func subcategoryFeatures(ds *Dataset, add addFeature) {
	subs := subcategoryNames()
	for c, code := range ds.Subcategories {
		name := subs[code]
		if name == "" {
			name = strings.ReplaceAll(code, "-", " ")
		}
		add("subcategory_"+code+"_5y", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].bySub[c]) },
			func(fr *Frame, m int) string {
				return fmt.Sprintf("%s of %s in the last 5 years", plural(fr.snaps[m].bySub[c], "allegation"), strings.ToLower(name))
			})
	}
}

func dispositionFeatures(add addFeature) {
	for _, d := range []struct {
		d     Disposition
		name  string
		words string
	}{
		{DispositionNotProven, "not_proven", "not proven either way"},
		{DispositionLawful, "lawful", "found to have happened but within the rules"},
		{DispositionDidNotHappen, "did_not_happen", "found not to have happened"},
		{DispositionNone, "no_finding", "closed without a finding"},
	} {
		add("finding_"+d.name+"_5y", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].disp[d.d]) },
			func(fr *Frame, m int) string {
				return fmt.Sprintf("%s in the last 5 years %s", plural(fr.snaps[m].disp[d.d], "allegation"), d.words)
			})
	}
	add("investigated_share_5y", func(fr *Frame, m int) float64 {
		s := &fr.snaps[m]
		return (float64(s.decided()) + 1) / (float64(s.decided()+s.disp[DispositionNone]) + 2)
	}, func(fr *Frame, m int) string {
		s := &fr.snaps[m]
		return fmt.Sprintf("%d of %s in the last 5 years decided on the evidence", s.decided(), plural(s.decided()+s.disp[DispositionNone], "allegation"))
	})
}

// decided counts the 5-year allegations with a finding on the evidence.
func (s *snapshot) decided() int {
	n := 0
	for d := range DispositionNone {
		n += s.disp[d]
	}
	return n
}

func peerFeatures(add addFeature) {
	add("peers_2y", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].peers) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("named with %s in complaints of the last 2 years", plural(fr.snaps[m].peers, "other officer"))
		})
	add("peer_allegations_12m", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].peerAlleg12m) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("officers named with them in the last 2 years had %s in the last 12 months",
				plural(fr.snaps[m].peerAlleg12m, "allegation"))
		})
	add("peer_use_of_force_12m", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].peerForce12m) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("officers named with them in the last 2 years had %s in the last 12 months",
				plural(fr.snaps[m].peerForce12m, "use-of-force allegation"))
		})
	add("peer_upheld_5y", func(fr *Frame, m int) float64 { return float64(fr.snaps[m].peerUp5y) },
		func(fr *Frame, m int) string {
			return fmt.Sprintf("officers named with them in the last 2 years had %s in the last 5 years",
				plural(fr.snaps[m].peerUp5y, "upheld finding"))
		})
	add("peer_allegations_12m_mean", func(fr *Frame, m int) float64 {
		s := &fr.snaps[m]
		return float64(s.peerAlleg12m) / float64(s.peers+1)
	}, func(fr *Frame, m int) string {
		s := &fr.snaps[m]
		return fmt.Sprintf("officers named with them in the last 2 years averaged %.1f allegations in the last 12 months",
			float64(s.peerAlleg12m)/float64(max(s.peers, 1)))
	})
}

func (fr *Frame) officer(m int) *Officer { return &fr.DS.Officers[fr.snaps[m].officer] }

func concerns(c *counts) int {
	n := 0
	for i, k := range c.byCon {
		if i > 0 {
			n += k
		}
	}
	return n
}

// smoothRatio is count over the peer mean, pulled towards 1 so that a unit
// whose officers had almost no allegations does not make one allegation
// look extreme.
func smoothRatio(n int, mean float64) float64 { return (float64(n) + 0.5) / (mean + 0.5) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func rankWords(r string) string {
	if r == "" {
		return "not recorded"
	}
	return r
}

func daysWords(d int) string {
	switch {
	case d < 62:
		return plural(d, "day")
	case d < 730:
		return plural(int(math.Round(float64(d)/30.44)), "month")
	}
	return fmt.Sprintf("%.1f years", float64(d)/365.25)
}

// categoryNames maps national category codes to their names, from the
// embedded taxonomy.
var categoryNames = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	if ref, err := cases.LoadReference(); err == nil {
		for _, t := range ref.Taxonomies {
			for _, c := range t.Categories {
				out[c.Code] = c.Name
			}
		}
	}
	return out
})

// subcategoryNames maps "category/subcategory" codes to sub-category
// names.
var subcategoryNames = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	if ref, err := cases.LoadReference(); err == nil {
		for _, t := range ref.Taxonomies {
			for _, c := range t.Categories {
				for _, s := range c.Subcategories {
					out[c.Code+"/"+s.Code] = s.Name
				}
			}
		}
	}
	return out
})

// Matrix is a table of feature values, one row per officer, with labels.
type Matrix struct {
	X []float64 // row-major, Rows x Cols
	Y []bool
	// Count is, per row, the allegations that could carry the outcome
	// (ModelConfig.Objective "allegations").
	Count []float64
	Rows  int
	Cols  int
}

// Row returns row i.
func (m *Matrix) Row(i int) []float64 { return m.X[i*m.Cols : (i+1)*m.Cols] }

// Matrix fills the frame's feature values, one row per member.
func (fr *Frame) Matrix() *Matrix {
	fs := featureSet(fr.DS)
	m := &Matrix{X: make([]float64, len(fr.snaps)*len(fs)), Rows: len(fr.snaps), Cols: len(fs)}
	for i := range fr.snaps {
		row := m.Row(i)
		for j, f := range fs {
			row[j] = f.get(fr, i)
		}
	}
	return m
}

// Model scores officers: higher means more likely to have the outcome
// it was trained for.
type Model interface {
	// Score returns the log-odds of the outcome.
	Score(x []float64) float64
	// Contributions splits the score into a base and one part per
	// feature, written to dst, so that base + sum(dst) = Score(x).
	Contributions(x []float64, dst []float64) (base float64)
}

// ModelConfig chooses and tunes the learner. Hyperparameters are chosen on
// years before the evaluation period (see docs/early-intervention.md).
type ModelConfig struct {
	Kind string `json:"kind"` // "boosted" (gradient-boosted trees) or "logistic"
	// Boosted trees.
	Trees          int     `json:"trees,omitempty"`
	Depth          int     `json:"depth,omitempty"`
	Shrinkage      float64 `json:"shrinkage,omitempty"`
	Subsample      float64 `json:"subsample,omitempty"`
	ColSample      float64 `json:"colsample,omitempty"`
	MinChildWeight float64 `json:"min_child_weight,omitempty"`
	Lambda         float64 `json:"lambda,omitempty"`
	Bins           int     `json:"bins,omitempty"`
	// Logistic regression: the L2 penalty on standardised weights.
	L2   float64 `json:"l2,omitempty"`
	Seed uint64  `json:"seed"`
	// Objective is what the learner fits: "outcome" (or "") the outcome
	// itself; "allegations" the number of allegations in the year that
	// could carry it (a Poisson model, log link), whose score is then
	// calibrated to the outcome's log-odds. An upheld finding is rare and
	// decided by chance as much as conduct; how many allegations an
	// officer will face is a denser signal of the same exposure.
	Objective string `json:"objective,omitempty"`
}

// DefaultModel is the configuration chosen on the validation years.
var DefaultModel = ModelConfig{Kind: "logistic", L2: 0.01, Objective: "allegations", Seed: 1}

// DefaultBoosted is the boosted-trees configuration that did best on the
// validation years; it is available with --model boosted.
var DefaultBoosted = ModelConfig{Kind: "boosted", Trees: 200, Depth: 3, Shrinkage: 0.05, Subsample: 0.5, ColSample: 0.8,
	MinChildWeight: 5, Lambda: 5, Bins: 32, Seed: 1}

// Train fits a model to the matrix.
func Train(cfg ModelConfig, m *Matrix) (Model, error) {
	if m.Rows == 0 {
		return nil, errors.New("no rows to train on")
	}
	pos := 0
	for _, y := range m.Y {
		if y {
			pos++
		}
	}
	if pos == 0 || pos == m.Rows {
		return nil, fmt.Errorf("training data hold only one outcome (%d of %d positive)", pos, m.Rows)
	}
	loss := logLoss(m)
	switch cfg.Objective {
	case "", "outcome":
	case "allegations":
		if len(m.Count) != m.Rows {
			return nil, errors.New("the objective \"allegations\" needs allegation counts")
		}
		loss = poissonLoss(m)
	default:
		return nil, fmt.Errorf("unknown objective %q", cfg.Objective)
	}
	var model Model
	switch cfg.Kind {
	case "logistic":
		model = trainLogistic(cfg, m, loss)
	case "boosted", "":
		model = trainBoosted(cfg, m, loss)
	case "ensemble":
		lc := cfg
		lc.L2 = cmp.Or(cfg.L2, DefaultModel.L2)
		model = &Ensemble{Parts: []Model{trainLogistic(lc, m, loss), trainBoosted(cfg, m, loss)}}
	default:
		return nil, fmt.Errorf("unknown model kind %q", cfg.Kind)
	}
	if cfg.Objective == "allegations" {
		return calibrate(model, m), nil
	}
	return model, nil
}

// Calibrated turns a model's score into the log-odds of the outcome by a
// straight line fitted on the training rows (Platt scaling). The order of
// officers is unchanged; the probability a supervisor reads is the
// outcome's.
type Calibrated struct {
	Inner Model
	A, B  float64
}

// calibrate fits log-odds = A*score + B to the matrix's outcomes by
// Newton's method on the log-loss.
func calibrate(inner Model, m *Matrix) *Calibrated {
	sc := make([]float64, m.Rows)
	for i := range m.Rows {
		sc[i] = inner.Score(m.Row(i))
	}
	a, b := 1.0, 0.0
	for range 50 {
		var ga, gb, haa, hab, hbb float64
		for i, s := range sc {
			p := sigmoid(a*s + b)
			y := 0.0
			if m.Y[i] {
				y = 1
			}
			g, h := p-y, max(p*(1-p), 1e-12)
			ga, gb = ga+g*s, gb+g
			haa, hab, hbb = haa+h*s*s, hab+h*s, hbb+h
		}
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da, db := (hbb*ga-hab*gb)/det, (haa*gb-hab*ga)/det
		a, b = a-da, b-db
		if math.Abs(da) < 1e-10 && math.Abs(db) < 1e-10 {
			break
		}
	}
	return &Calibrated{Inner: inner, A: a, B: b}
}

// Score returns the calibrated log-odds.
func (c *Calibrated) Score(x []float64) float64 { return c.A*c.Inner.Score(x) + c.B }

// Contributions scales the inner model's parts by the calibration's slope.
func (c *Calibrated) Contributions(x []float64, dst []float64) float64 {
	base := c.Inner.Contributions(x, dst)
	for i := range dst {
		dst[i] *= c.A
	}
	return c.A*base + c.B
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Logistic is an L2-regularised linear model on standardised,
// log-compressed features: a logistic regression, or with the objective
// "allegations" a Poisson regression (its score a log-rate, calibrated
// afterwards).
type Logistic struct {
	Mean, Scale []float64
	Weights     []float64
	Intercept   float64
}

// squash compresses counts so that one officer's hundred allegations do
// not dominate a linear model.
func squash(v float64) float64 {
	if v < 0 {
		return -math.Log1p(-v)
	}
	return math.Log1p(v)
}

// rowLoss gives the gradient and curvature of the loss of one row at
// score s (the linear predictor).
type rowLoss func(i int, s float64) (g, h float64)

func logLoss(m *Matrix) rowLoss {
	return func(i int, s float64) (float64, float64) {
		pr := sigmoid(s)
		y := 0.0
		if m.Y[i] {
			y = 1
		}
		return pr - y, pr * (1 - pr)
	}
}

// poissonLoss fits log E[count] = s (the Poisson deviance).
func poissonLoss(m *Matrix) rowLoss {
	return func(i int, s float64) (float64, float64) {
		mu := math.Exp(min(s, 30))
		return mu - m.Count[i], mu
	}
}

func trainLogistic(cfg ModelConfig, m *Matrix, loss rowLoss) *Logistic {
	p, n := m.Cols, m.Rows
	lg := &Logistic{Mean: make([]float64, p), Scale: make([]float64, p), Weights: make([]float64, p)}
	z := make([]float64, n*p)
	for i := range n {
		for j, v := range m.Row(i) {
			z[i*p+j] = squash(v)
			lg.Mean[j] += z[i*p+j]
		}
	}
	for j := range p {
		lg.Mean[j] /= float64(n)
	}
	for i := range n {
		for j := range p {
			d := z[i*p+j] - lg.Mean[j]
			lg.Scale[j] += d * d
		}
	}
	for j := range p {
		lg.Scale[j] = math.Sqrt(lg.Scale[j] / float64(n))
		if lg.Scale[j] < 1e-9 {
			lg.Scale[j] = 1
		}
	}
	for i := range n {
		for j := range p {
			z[i*p+j] = (z[i*p+j] - lg.Mean[j]) / lg.Scale[j]
		}
	}
	// Newton's method on mean log-loss + L2/2 |w|^2; the intercept is not
	// penalised. With ~50 features the (p+1)^2 Hessian is small.
	k := p + 1
	w := make([]float64, k) // w[p] is the intercept
	hess := make([]float64, k*k)
	grad := make([]float64, k)
	for iter := 0; iter < 30; iter++ {
		clear(hess)
		clear(grad)
		for i := range n {
			row := z[i*p : (i+1)*p]
			s := w[p]
			for j, v := range row {
				s += w[j] * v
			}
			g, h := loss(i, s)
			for a := range p {
				va := row[a]
				grad[a] += g * va
				ha := h * va
				hrow := hess[a*k:]
				for b := a; b < p; b++ {
					hrow[b] += ha * row[b]
				}
				hrow[p] += ha
			}
			grad[p] += g
			hess[p*k+p] += h
		}
		for a := range k {
			grad[a] /= float64(n)
			for b := a; b < k; b++ {
				hess[a*k+b] /= float64(n)
				hess[b*k+a] = hess[a*k+b]
			}
		}
		for a := range p {
			grad[a] += cfg.L2 * w[a]
			hess[a*k+a] += cfg.L2
		}
		hess[p*k+p] += 1e-9
		step := choleskySolve(hess, grad, k)
		maxStep := 0.0
		for a := range k {
			w[a] -= step[a]
			maxStep = max(maxStep, math.Abs(step[a]))
		}
		if maxStep < 1e-7 {
			break
		}
	}
	copy(lg.Weights, w[:p])
	lg.Intercept = w[p]
	return lg
}

// choleskySolve solves A x = b for a symmetric positive definite A (k x k).
func choleskySolve(a, b []float64, k int) []float64 {
	l := make([]float64, k*k)
	for i := range k {
		for j := 0; j <= i; j++ {
			s := a[i*k+j]
			for t := range j {
				s -= l[i*k+t] * l[j*k+t]
			}
			if i == j {
				l[i*k+i] = math.Sqrt(max(s, 1e-12))
			} else {
				l[i*k+j] = s / l[j*k+j]
			}
		}
	}
	y := make([]float64, k)
	for i := range k {
		s := b[i]
		for t := range i {
			s -= l[i*k+t] * y[t]
		}
		y[i] = s / l[i*k+i]
	}
	x := make([]float64, k)
	for i := k - 1; i >= 0; i-- {
		s := y[i]
		for t := i + 1; t < k; t++ {
			s -= l[t*k+i] * x[t]
		}
		x[i] = s / l[i*k+i]
	}
	return x
}

// Score implements Model.
func (lg *Logistic) Score(x []float64) float64 {
	s := lg.Intercept
	for j, v := range x {
		s += lg.Weights[j] * (squash(v) - lg.Mean[j]) / lg.Scale[j]
	}
	return s
}

// Contributions implements Model: each part is measured from the average
// officer of the training data.
func (lg *Logistic) Contributions(x []float64, dst []float64) float64 {
	for j, v := range x {
		dst[j] = lg.Weights[j] * (squash(v) - lg.Mean[j]) / lg.Scale[j]
	}
	return lg.Intercept
}

// Ensemble averages the log-odds of a logistic regression and boosted
// trees trained on the same rows.
type Ensemble struct {
	Parts []Model
}

// Score implements Model.
func (e *Ensemble) Score(x []float64) float64 {
	s := 0.0
	for _, p := range e.Parts {
		s += p.Score(x)
	}
	return s / float64(len(e.Parts))
}

// Contributions implements Model.
func (e *Ensemble) Contributions(x []float64, dst []float64) float64 {
	clear(dst)
	part := make([]float64, len(dst))
	base := 0.0
	k := float64(len(e.Parts))
	for _, p := range e.Parts {
		base += p.Contributions(x, part) / k
		for j, v := range part {
			dst[j] += v / k
		}
	}
	return base
}

// Boosted is an ensemble of regression trees fitted by gradient boosting
// on the logistic loss.
type Boosted struct {
	Base  float64
	Trees [][]Node
}

// Node is one node of a tree. Leaves have Feature -1. Every node keeps the
// value it would have as a leaf, so that a score can be split among the
// features along its path (Saabas's method).
type Node struct {
	Feature   int32   `json:"f"`
	Threshold float64 `json:"t"` // x <= t goes left
	Left      int32   `json:"l"`
	Right     int32   `json:"r"`
	Value     float64 `json:"v"`
	split     uint8   // the bin split on while training
}

// Score implements Model.
func (b *Boosted) Score(x []float64) float64 {
	s := b.Base
	for _, t := range b.Trees {
		i := int32(0)
		for t[i].Feature >= 0 {
			if x[t[i].Feature] <= t[i].Threshold {
				i = t[i].Left
			} else {
				i = t[i].Right
			}
		}
		s += t[i].Value
	}
	return s
}

// Contributions implements Model.
func (b *Boosted) Contributions(x []float64, dst []float64) float64 {
	clear(dst)
	base := b.Base
	for _, t := range b.Trees {
		i := int32(0)
		base += t[0].Value
		for t[i].Feature >= 0 {
			next := t[i].Right
			if x[t[i].Feature] <= t[i].Threshold {
				next = t[i].Left
			}
			dst[t[i].Feature] += t[next].Value - t[i].Value
			i = next
		}
	}
	return base
}

// binEdges chooses up to nbins cut points for each column from a sample of
// rows: x <= edges[b] falls in bin b (or an earlier one).
func binEdges(m *Matrix, nbins int) [][]float64 {
	step := max(1, m.Rows/20000)
	edges := make([][]float64, m.Cols)
	vals := make([]float64, 0, m.Rows/step+1)
	for j := range m.Cols {
		vals = vals[:0]
		for i := 0; i < m.Rows; i += step {
			vals = append(vals, m.X[i*m.Cols+j])
		}
		slices.Sort(vals)
		uniq := slices.Compact(slices.Clone(vals))
		var e []float64
		if len(uniq) <= nbins {
			e = uniq
		} else {
			for b := 1; b <= nbins; b++ {
				q := vals[min(len(vals)-1, b*len(vals)/nbins)]
				if len(e) == 0 || q > e[len(e)-1] {
					e = append(e, q)
				}
			}
		}
		// The last edge must hold everything, including values beyond
		// the sample's maximum.
		e[len(e)-1] = math.Inf(1)
		edges[j] = e
	}
	return edges
}

func binOf(edges []float64, v float64) uint8 {
	return uint8(sort.SearchFloat64s(edges, v))
}

type buildNode struct {
	at     int32 // index in the tree
	lo, hi int   // rows[lo:hi]
	g, h   float64
	hist   []float64 // per feature and bin: g then h
	depth  int
}

func trainBoosted(cfg ModelConfig, m *Matrix, loss rowLoss) *Boosted {
	cfg = withBoostedDefaults(cfg)
	n, p := m.Rows, m.Cols
	nb := cfg.Bins
	edges := binEdges(m, nb)
	bins := make([]uint8, n*p)
	for i := range n {
		for j := range p {
			bins[i*p+j] = binOf(edges[j], m.X[i*p+j])
		}
	}
	pos := 0
	for _, y := range m.Y {
		if y {
			pos++
		}
	}
	base := math.Log(float64(pos) / float64(n-pos))
	if cfg.Objective == "allegations" {
		var sum float64
		for _, c := range m.Count {
			sum += c
		}
		base = math.Log(sum / float64(n))
	}
	model := &Boosted{Base: base}
	f := make([]float64, n)
	for i := range f {
		f[i] = base
	}
	g, h := make([]float64, n), make([]float64, n)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	rows := make([]int32, n)
	cols := make([]int, p)
	for i := range cols {
		cols[i] = i
	}
	nsub := max(1, int(math.Round(cfg.Subsample*float64(n))))
	ncol := max(1, int(math.Round(cfg.ColSample*float64(p))))
	histSize := p * nb * 2
	for range cfg.Trees {
		for i := range n {
			g[i], h[i] = loss(i, f[i])
		}
		// A partial Fisher-Yates shuffle draws the subsample; sorting it
		// back keeps memory access in order.
		for i := range nsub {
			j := i + rng.IntN(n-i)
			all[i], all[j] = all[j], all[i]
		}
		copy(rows, all[:nsub])
		slices.Sort(rows[:nsub])
		for i := range ncol {
			j := i + rng.IntN(p-i)
			cols[i], cols[j] = cols[j], cols[i]
		}
		useCols := slices.Clone(cols[:ncol])
		slices.Sort(useCols)

		var tree []Node
		root := buildNode{lo: 0, hi: nsub, hist: make([]float64, histSize)}
		fillHist(root.hist, rows[:nsub], bins, g, h, p, nb)
		for _, r := range rows[:nsub] {
			root.g += g[r]
			root.h += h[r]
		}
		tree = append(tree, Node{Feature: -1, Value: -root.g / (root.h + cfg.Lambda) * cfg.Shrinkage})
		queue := []buildNode{root}
		for len(queue) > 0 {
			nd := queue[0]
			queue = queue[1:]
			if nd.depth >= cfg.Depth {
				continue
			}
			feat, split, gain := bestSplit(nd, useCols, nb, cfg)
			if feat < 0 || gain <= 0 {
				continue
			}
			// Partition rows: those in bins <= split first.
			i, j := nd.lo, nd.hi-1
			for i <= j {
				if bins[int(rows[i])*p+feat] <= uint8(split) {
					i++
				} else {
					rows[i], rows[j] = rows[j], rows[i]
					j--
				}
			}
			mid := i
			left := buildNode{lo: nd.lo, hi: mid, depth: nd.depth + 1}
			right := buildNode{lo: mid, hi: nd.hi, depth: nd.depth + 1}
			for b := 0; b <= split; b++ {
				left.g += nd.hist[(feat*nb+b)*2]
				left.h += nd.hist[(feat*nb+b)*2+1]
			}
			right.g, right.h = nd.g-left.g, nd.h-left.h
			// Build the smaller child's histogram; the larger is the
			// parent's minus it.
			small, large := &left, &right
			if right.hi-right.lo < left.hi-left.lo {
				small, large = &right, &left
			}
			small.hist = make([]float64, histSize)
			fillHist(small.hist, rows[small.lo:small.hi], bins, g, h, p, nb)
			large.hist = nd.hist
			for k := range large.hist {
				large.hist[k] -= small.hist[k]
			}
			left.at, right.at = int32(len(tree)), int32(len(tree)+1)
			tree[nd.at].Feature = int32(feat)
			tree[nd.at].Threshold = edges[feat][split]
			tree[nd.at].split = uint8(split)
			tree[nd.at].Left, tree[nd.at].Right = left.at, right.at
			tree = append(tree,
				Node{Feature: -1, Value: -left.g / (left.h + cfg.Lambda) * cfg.Shrinkage},
				Node{Feature: -1, Value: -right.g / (right.h + cfg.Lambda) * cfg.Shrinkage})
			queue = append(queue, left, right)
		}
		for i := range n {
			k := int32(0)
			for tree[k].Feature >= 0 {
				if bins[i*p+int(tree[k].Feature)] <= tree[k].split {
					k = tree[k].Left
				} else {
					k = tree[k].Right
				}
			}
			f[i] += tree[k].Value
		}
		model.Trees = append(model.Trees, tree)
	}
	return model
}

func fillHist(hist []float64, rows []int32, bins []uint8, g, h []float64, p, nb int) {
	for _, r := range rows {
		gr, hr := g[r], h[r]
		for j, b := range bins[int(r)*p : int(r)*p+p] {
			k := (j*nb + int(b)) * 2
			hist[k] += gr
			hist[k+1] += hr
		}
	}
}

// bestSplit finds the split with the largest gain in penalised log-loss.
func bestSplit(nd buildNode, cols []int, nb int, cfg ModelConfig) (feat, split int, gain float64) {
	feat = -1
	parent := nd.g * nd.g / (nd.h + cfg.Lambda)
	for _, j := range cols {
		var gl, hl float64
		for b := 0; b < nb-1; b++ {
			gl += nd.hist[(j*nb+b)*2]
			hl += nd.hist[(j*nb+b)*2+1]
			hr := nd.h - hl
			if hl < cfg.MinChildWeight {
				continue
			}
			if hr < cfg.MinChildWeight {
				break
			}
			gr := nd.g - gl
			gn := gl*gl/(hl+cfg.Lambda) + gr*gr/(hr+cfg.Lambda) - parent
			if gn > gain+1e-12 {
				feat, split, gain = j, b, gn
			}
		}
	}
	return feat, split, gain
}

func withBoostedDefaults(c ModelConfig) ModelConfig {
	d := DefaultBoosted
	c.Trees = cmp.Or(c.Trees, d.Trees)
	c.Depth = cmp.Or(c.Depth, d.Depth)
	c.Shrinkage = cmp.Or(c.Shrinkage, d.Shrinkage)
	c.Subsample = cmp.Or(c.Subsample, d.Subsample)
	c.ColSample = cmp.Or(c.ColSample, d.ColSample)
	c.MinChildWeight = cmp.Or(c.MinChildWeight, d.MinChildWeight)
	c.Lambda = cmp.Or(c.Lambda, d.Lambda)
	c.Bins = min(cmp.Or(c.Bins, d.Bins), 255)
	c.Subsample = min(c.Subsample, 1)
	c.ColSample = min(c.ColSample, 1)
	return c
}
