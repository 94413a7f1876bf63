package cases

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The national taxonomy, the standards of professional behaviour and the
// rule sets change by statutory instrument and by IOPC guidance, and some of
// their entries are not confirmed. They are kept as versioned data files so
// that a correction is a new file, not a code change, and so that a case
// recorded under one version keeps meaning what it meant.
//
//go:embed reference/*.json
var referenceFiles embed.FS

// Category is one national complaint category with its sub-categories.
type Category struct {
	Code          string        `json:"code"`
	Name          string        `json:"name"`
	Confirmed     bool          `json:"confirmed"`
	Concern       string        `json:"concern,omitempty"` // a pattern that must be surfaced: "sexual misconduct", "discrimination"
	Subcategories []Subcategory `json:"subcategories"`
	IOPC          IOPCCode      `json:"iopc"`
}

// IOPCCode is the code the IOPC's guidance on capturing complaints data
// gives a category or sub-category ("A1", "B1"), under which the
// statutory data return counts it. Confirmed says whether the code was
// checked against the published guidance; unconfirmed codes are Probity's
// best reading and are marked so on the return.
type IOPCCode struct {
	Code      string `json:"code"`
	Confirmed bool   `json:"confirmed"`
}

// Subcategory refines a category. Discriminatory-behaviour sub-categories
// each name the protected characteristic they concern.
type Subcategory struct {
	Code                    string   `json:"code"`
	Name                    string   `json:"name"`
	Confirmed               bool     `json:"confirmed"`
	Concern                 string   `json:"concern,omitempty"`
	ProtectedCharacteristic string   `json:"protected_characteristic,omitempty"`
	UseOfForce              bool     `json:"use_of_force,omitempty"`
	IOPC                    IOPCCode `json:"iopc"`
}

// Taxonomy is one version of the national complaint categories.
type Taxonomy struct {
	Name          string     `json:"name"`
	Version       string     `json:"version"`
	EffectiveFrom Date       `json:"effective_from"`
	Source        string     `json:"source"`
	Categories    []Category `json:"categories"`
}

// Standard is one of the Standards of Professional Behaviour.
type Standard struct {
	Number    int    `json:"number"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Confirmed bool   `json:"confirmed"`
}

// Standards is one version of the Standards of Professional Behaviour.
type Standards struct {
	Name          string     `json:"name"`
	Version       string     `json:"version"`
	EffectiveFrom Date       `json:"effective_from"`
	Source        string     `json:"source"`
	Standards     []Standard `json:"standards"`
}

// RuleSet names the body of regulations a case is handled under.
type RuleSet struct {
	Code          string `json:"code"`
	EffectiveFrom Date   `json:"effective_from"`
	Title         string `json:"title"`
}

// Reference is every version of the reference data Probity ships.
type Reference struct {
	Taxonomies []Taxonomy
	Standards  []Standards
	RuleSets   []RuleSet
}

// Date is a calendar day with no time of day, written as YYYY-MM-DD.
type Date struct{ time.Time }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	d.Time = t
	return nil
}

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.Format(time.DateOnly)) }

var loadReference = sync.OnceValues(func() (*Reference, error) {
	return parseReference(referenceFiles)
})

// LoadReference returns the embedded reference data, parsed and checked.
func LoadReference() (*Reference, error) { return loadReference() }

func parseReference(fsys fs.FS) (*Reference, error) {
	names, err := fs.Glob(fsys, "reference/*.json")
	if err != nil {
		return nil, err
	}
	ref := &Reference{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var head struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			return nil, fmt.Errorf("reference file %s: %w", name, err)
		}
		dec := func(v any) error {
			d := json.NewDecoder(strings.NewReader(string(b)))
			d.DisallowUnknownFields()
			if err := d.Decode(v); err != nil {
				return fmt.Errorf("reference file %s: %w", name, err)
			}
			return nil
		}
		switch head.Name {
		case "complaint-categories":
			var t Taxonomy
			if err := dec(&t); err != nil {
				return nil, err
			}
			if err := t.check(); err != nil {
				return nil, fmt.Errorf("reference file %s: %w", name, err)
			}
			ref.Taxonomies = append(ref.Taxonomies, t)
		case "standards-of-professional-behaviour":
			var s Standards
			if err := dec(&s); err != nil {
				return nil, err
			}
			ref.Standards = append(ref.Standards, s)
		case "rule-sets":
			var r struct {
				Name     string    `json:"name"`
				Version  string    `json:"version"`
				Source   string    `json:"source"`
				RuleSets []RuleSet `json:"rule_sets"`
			}
			if err := dec(&r); err != nil {
				return nil, err
			}
			ref.RuleSets = append(ref.RuleSets, r.RuleSets...)
		default:
			return nil, fmt.Errorf("reference file %s: unknown kind %q", name, head.Name)
		}
	}
	byDate := func(a, b time.Time) int { return a.Compare(b) }
	sort.SliceStable(ref.Taxonomies, func(i, j int) bool {
		return byDate(ref.Taxonomies[i].EffectiveFrom.Time, ref.Taxonomies[j].EffectiveFrom.Time) < 0
	})
	sort.SliceStable(ref.Standards, func(i, j int) bool {
		return byDate(ref.Standards[i].EffectiveFrom.Time, ref.Standards[j].EffectiveFrom.Time) < 0
	})
	sort.SliceStable(ref.RuleSets, func(i, j int) bool {
		return byDate(ref.RuleSets[i].EffectiveFrom.Time, ref.RuleSets[j].EffectiveFrom.Time) < 0
	})
	if len(ref.Taxonomies) == 0 || len(ref.Standards) == 0 || len(ref.RuleSets) == 0 {
		return nil, fmt.Errorf("reference data incomplete: %d taxonomies, %d standards, %d rule sets",
			len(ref.Taxonomies), len(ref.Standards), len(ref.RuleSets))
	}
	return ref, nil
}

func (t Taxonomy) check() error {
	seen := map[string]bool{}
	// Every entry carries its own IOPC code, and no two share one: the
	// statutory return counts by code, so a missing or repeated code
	// would lose or merge a line of it.
	codes := map[string]bool{}
	iopc := func(c IOPCCode, what string) error {
		if c.Code == "" || codes[c.Code] {
			return fmt.Errorf("%s: IOPC code %q empty or repeated", what, c.Code)
		}
		codes[c.Code] = true
		return nil
	}
	for _, c := range t.Categories {
		if c.Code == "" || seen[c.Code] {
			return fmt.Errorf("category code %q empty or repeated", c.Code)
		}
		seen[c.Code] = true
		if err := iopc(c.IOPC, "category "+c.Code); err != nil {
			return err
		}
		sub := map[string]bool{}
		for _, s := range c.Subcategories {
			if s.Code == "" || sub[s.Code] {
				return fmt.Errorf("sub-category %q of %q empty or repeated", s.Code, c.Code)
			}
			sub[s.Code] = true
			if err := iopc(s.IOPC, "sub-category "+c.Code+"/"+s.Code); err != nil {
				return err
			}
		}
	}
	return nil
}

// TaxonomyAt returns the taxonomy version in force on day: categories are
// chosen when an allegation is recorded, so callers pass the recording date.
func (r *Reference) TaxonomyAt(day time.Time) Taxonomy {
	return latestBefore(r.Taxonomies, day, func(t Taxonomy) time.Time { return t.EffectiveFrom.Time })
}

// StandardsAt returns the standards in force on day.
func (r *Reference) StandardsAt(day time.Time) Standards {
	return latestBefore(r.Standards, day, func(s Standards) time.Time { return s.EffectiveFrom.Time })
}

// RuleSetFor returns the rule set a matter is handled under when the
// complaint was made, or the conduct matter came to the appropriate
// authority's attention, on day [C&M 2(2); SI 2025/558 reg 66]: not when
// the matter arose, which may be years earlier. Matters older than every
// rule set follow the oldest one.
func (r *Reference) RuleSetFor(received time.Time) RuleSet {
	return latestBefore(r.RuleSets, received, func(s RuleSet) time.Time { return s.EffectiveFrom.Time })
}

// RuleSet2012 is the code of the rule set for matters made or come to
// attention before 1 February 2020. Probity holds such cases read-only:
// it records and shows them but runs no action on them, since the 2012
// regulations' process and outcomes (management advice, no reflective
// practice, no reduction in rank) are not the ones its table encodes.
const RuleSet2012 = "2012"

// Taxonomy returns the taxonomy with the given version.
func (r *Reference) Taxonomy(version string) (Taxonomy, bool) {
	i := slices.IndexFunc(r.Taxonomies, func(t Taxonomy) bool { return t.Version == version })
	if i < 0 {
		return Taxonomy{}, false
	}
	return r.Taxonomies[i], true
}

// latestBefore picks the last item (sorted by date) effective on or before
// day, falling back to the first when day precedes them all.
func latestBefore[T any](items []T, day time.Time, from func(T) time.Time) T {
	best := items[0]
	for _, it := range items {
		if !from(it).After(day) {
			best = it
		}
	}
	return best
}

// Category returns the category with the given code.
func (t Taxonomy) Category(code string) (Category, bool) {
	i := slices.IndexFunc(t.Categories, func(c Category) bool { return c.Code == code })
	if i < 0 {
		return Category{}, false
	}
	return t.Categories[i], true
}

// Subcategory returns the sub-category of c with the given code.
func (c Category) Subcategory(code string) (Subcategory, bool) {
	i := slices.IndexFunc(c.Subcategories, func(s Subcategory) bool { return s.Code == code })
	if i < 0 {
		return Subcategory{}, false
	}
	return c.Subcategories[i], true
}

// Standard returns the standard with the given code.
func (s Standards) Standard(code string) (Standard, bool) {
	i := slices.IndexFunc(s.Standards, func(st Standard) bool { return st.Code == code })
	if i < 0 {
		return Standard{}, false
	}
	return s.Standards[i], true
}
