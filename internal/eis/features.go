package eis

import (
	"fmt"
	"math"
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
		return fmt.Sprintf("length of service not known; first allegation %s ago", daysWords(int(fr.AsOf-st)))
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
