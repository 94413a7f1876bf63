package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

func TestNationalForces(t *testing.T) {
	fs := NationalForces(NationalOfficers, NationalYears)
	officers, allegationsYear := 0, 0.0
	codes := map[string]bool{}
	for _, f := range fs {
		officers += f.Officers
		codes[f.ForceCode] = true
		allegationsYear += float64(f.ComplaintsPerYear+f.ConductPerYear) * 1.44 // allegations per case, as generated
	}
	if len(fs) != 43 || len(codes) != 43 || officers != NationalOfficers {
		t.Errorf("%d forces (%d codes), %d officers; want 43 and %d", len(fs), len(codes), officers, NationalOfficers)
	}
	if total := allegationsYear * NationalYears; total < 1.35e6 || total > 1.65e6 {
		t.Errorf("about %.0f allegations in a decade, want about 1.5 million", total)
	}
}

// TestLegacyCases: a decade back reaches matters under the 2012
// regulations, which are generated with a history and kept under their own
// rule set.
func TestLegacyCases(t *testing.T) {
	ds := GenerateWith(3, now, GenerateOptions{Officers: 120, ComplaintsPerYear: 30, ConductPerYear: 4, Years: 10})
	legacy := 0
	for _, c := range ds.Cases {
		if c.RuleSet == cases.RuleSet2012 {
			legacy++
			if len(c.Events) == 0 {
				t.Errorf("legacy case received %s has no history", c.ReceivedAt)
			}
		}
	}
	if legacy == 0 {
		t.Errorf("no case under the 2012 regulations in ten years back from %s", now)
	}
}

// TestPopulateNational generates a small nation on each engine and reads
// it back: every force with its officers and cases, every case readable by
// its reference, the national category mix, a heavy tail of officers
// named again and again, and a refusal to generate twice.
func TestPopulateNational(t *testing.T) {
	const officers, years, seed = 2200, 1, 5
	forces := NationalForces(officers, years)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sum, err := Populate(ctx, db, PopulateOptions{Scale: ScaleNational, Seed: seed, Officers: officers, Years: years})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.Forces(ctx)
		if err != nil || len(stored) != 43 || sum.Forces != 43 {
			t.Fatalf("%d forces stored, %d reported (%v)", len(stored), sum.Forces, err)
		}
		forceCode := map[string]string{}
		for _, f := range stored {
			forceCode[f.ID] = f.Code
		}
		// The datasets again, to count what each force should hold.
		wantOfficers, wantCases := map[string]int{}, map[string]int{}
		perYear := map[string]int{} // kind and year -> cases
		for i, f := range forces {
			ds := GenerateWith(forceSeed(seed, i), DataAsOf(), f)
			wantOfficers[f.ForceCode] = len(ds.Officers)
			wantCases[f.ForceCode] = len(ds.Cases)
			for _, c := range ds.Cases {
				perYear[fmt.Sprint(c.Kind, "/", c.ReceivedAt.Year())]++
			}
		}
		gotOfficers := map[string]int{}
		after := ""
		for {
			page, err := db.Officers(ctx, "", after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Items {
				gotOfficers[forceCode[o.ForceID]]++
			}
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		gotCases := map[string]int{}
		categories := map[string]int{}
		complaintAllegations := 0
		named := map[string]int{} // officer -> allegations naming them
		for key, n := range perYear {
			kind, year, _ := strings.Cut(key, "/")
			var y int
			fmt.Sscan(year, &y)
			for k := 1; k <= n; k++ {
				ref := cases.FormatReference(cases.Kind(kind), y, k)
				c, err := db.CaseByReference(ctx, ref)
				if err != nil {
					t.Fatalf("%s: %v", ref, err)
				}
				gotCases[forceCode[c.ForceID]]++
				for _, a := range c.Allegations {
					if c.Kind == cases.Complaint {
						complaintAllegations++
						categories[a.Category]++
					}
					for _, s := range a.Subjects {
						named[s.OfficerID]++
					}
				}
			}
		}
		for _, f := range forces {
			if gotOfficers[f.ForceCode] != wantOfficers[f.ForceCode] || gotCases[f.ForceCode] != wantCases[f.ForceCode] {
				t.Errorf("force %s holds %d officers and %d cases, want %d and %d", f.ForceCode,
					gotOfficers[f.ForceCode], gotCases[f.ForceCode], wantOfficers[f.ForceCode], wantCases[f.ForceCode])
			}
		}
		if n, err := db.CaseCount(ctx); err != nil || n != sum.Cases {
			t.Errorf("%d cases stored, %d reported (%v)", n, sum.Cases, err)
		}

		// The national mix, with domestic abuse recorded as a flag beside
		// overbearing or harassing behaviour.
		want := map[string]float64{}
		total := 0.0
		for _, w := range complaintMix {
			total += w.w
		}
		for _, w := range complaintMix {
			cat := w.key
			if cat == flagTheme {
				cat = "individual-behaviours"
			}
			want[cat] += w.w / total
		}
		for cat, share := range want {
			got := float64(categories[cat]) / float64(complaintAllegations)
			if math.Abs(got-share) > 0.04 {
				t.Errorf("%s: %.1f%% of %d complaint allegations, national mix %.1f%%", cat, 100*got, complaintAllegations, 100*share)
			}
		}

		// A heavy tail: the officers named most are named many times
		// more than most are.
		counts := make([]int, 0, len(named))
		for _, n := range named {
			counts = append(counts, n)
		}
		slices.Sort(counts)
		median, top := counts[len(counts)/2], counts[len(counts)-1]
		if top < 5*median {
			t.Errorf("most-named officer has %d allegations, the median named officer %d: no heavy tail", top, median)
		}

		if _, err := Populate(ctx, db, PopulateOptions{Scale: ScaleNational, Seed: seed, Officers: officers, Years: years}); err == nil ||
			!strings.Contains(err.Error(), "empty database") {
			t.Errorf("a second national load into the same database: %v, want a refusal", err)
		}
		if n, err := db.CaseCount(ctx); err != nil || n != sum.Cases {
			t.Errorf("after the refused load: %d cases (%v)", n, err)
		}
	})
}
