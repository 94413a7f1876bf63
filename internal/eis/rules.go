package eis

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

// Threshold rules are what traditional early-intervention systems run on.
// They are held as data so that a force can change a threshold, or add a
// rule, without a new release; the file below is the default.
//
//go:embed rules.json
var defaultRules []byte

// Rule counts allegations of one kind over a window and flags an officer
// whose count reaches the threshold.
type Rule struct {
	Name      string   `json:"name"`
	Count     string   `json:"count"` // allegations | category | concern | upheld | use_of_force
	In        []string `json:"in,omitempty"`
	Window    string   `json:"window"` // "12m", "2y", ...
	Threshold int      `json:"threshold"`

	months int
}

// RuleSet is a named list of rules. Budget names the rule whose number of
// flags is the alert budget the model is measured at.
type RuleSet struct {
	About  string `json:"about,omitempty"`
	Budget string `json:"budget_rule"`
	Rules  []Rule `json:"rules"`
}

// What a rule may count.
const (
	CountAllegations = "allegations"
	CountCategory    = "category"
	CountConcern     = "concern"
	CountUpheld      = "upheld"
	CountUseOfForce  = "use_of_force"
)

var countKinds = []string{CountAllegations, CountCategory, CountConcern, CountUpheld, CountUseOfForce}

// DefaultRules returns the embedded rules.
func DefaultRules() *RuleSet {
	rs, err := ParseRules(defaultRules)
	if err != nil {
		panic("the embedded rules.json is invalid: " + err.Error()) // a broken build; its test catches it
	}
	return rs
}

// ParseRules reads and checks a rule file, naming every mistake.
func ParseRules(b []byte) (*RuleSet, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var rs RuleSet
	if err := dec.Decode(&rs); err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "rules are not valid JSON")
	}
	return &rs, rs.Validate()
}

// Validate checks every rule against the taxonomy and the known counts.
func (rs *RuleSet) Validate() error {
	var f fault.Fields
	cats, concerns := taxonomyTerms()
	if len(rs.Rules) == 0 {
		f.Add("rules", "at least one rule is required")
	}
	seen := map[string]bool{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		at := fmt.Sprintf("rules[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			f.Add(at+".name", "is required")
		case seen[r.Name]:
			f.Addf(at+".name", "%q is used by an earlier rule", r.Name)
		}
		seen[r.Name] = true
		if !slices.Contains(countKinds, r.Count) {
			f.Addf(at+".count", "must be one of %s", strings.Join(countKinds, ", "))
		}
		switch r.Count {
		case CountCategory, CountConcern:
			if len(r.In) == 0 {
				f.Addf(at+".in", "must list what to count for count %q", r.Count)
			}
			known := cats
			if r.Count == CountConcern {
				known = concerns
			}
			for j, v := range r.In {
				if !slices.Contains(known, v) {
					f.Addf(fmt.Sprintf("%s.in[%d]", at, j), "%q is not a %s in the taxonomy", v, r.Count)
				}
			}
		default:
			if len(r.In) > 0 {
				f.Addf(at+".in", "is only for count category or concern")
			}
		}
		m, err := parseWindow(r.Window)
		if err != nil {
			f.Add(at+".window", err.Error())
		}
		r.months = m
		if r.Threshold < 1 || r.Threshold > 1000 {
			f.Add(at+".threshold", "must be from 1 to 1000")
		}
	}
	if rs.Budget != "" && !seen[rs.Budget] {
		f.Addf("budget_rule", "%q names no rule", rs.Budget)
	}
	return f.Err("invalid rules")
}

// BudgetRule returns the rule that sets the alert budget: the one named,
// or else the first.
func (rs *RuleSet) BudgetRule() Rule {
	for _, r := range rs.Rules {
		if r.Name == rs.Budget {
			return r
		}
	}
	return rs.Rules[0]
}

// parseWindow reads "12m" or "5y" into months.
func parseWindow(s string) (int, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("must be a number of months or years, like 12m or 5y")
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 1 {
		return 0, fmt.Errorf("must be a number of months or years, like 12m or 5y")
	}
	switch s[len(s)-1] {
	case 'm':
	case 'y':
		n *= 12
	default:
		return 0, fmt.Errorf("must end in m (months) or y (years)")
	}
	if n > 240 {
		return 0, fmt.Errorf("must be at most 20 years")
	}
	return n, nil
}

// taxonomyTerms lists every category code and every concern of every
// version of the taxonomy.
func taxonomyTerms() (cats, concerns []string) {
	ref, err := cases.LoadReference()
	if err != nil {
		return nil, nil
	}
	for _, t := range ref.Taxonomies {
		for _, c := range t.Categories {
			cats = append(cats, c.Code)
			if c.Concern != "" {
				concerns = append(concerns, c.Concern)
			}
			for _, s := range c.Subcategories {
				if s.Concern != "" {
					concerns = append(concerns, s.Concern)
				}
			}
		}
	}
	slices.Sort(cats)
	slices.Sort(concerns)
	return slices.Compact(cats), slices.Compact(concerns)
}

// Months is the rule's window in months.
func (r Rule) Months() int {
	if r.months == 0 {
		r.months, _ = parseWindow(r.Window)
	}
	return r.months
}

// counts reports whether the rule counts allegation a.
func (r Rule) counts(a *Allegation) bool {
	switch r.Count {
	case CountAllegations:
		return true
	case CountCategory:
		return slices.Contains(r.In, a.Category)
	case CountConcern:
		return slices.Contains(r.In, a.Concern)
	case CountUpheld:
		return a.upheld
	case CountUseOfForce:
		return a.UseOfForce
	}
	return false
}

// CountFor counts what the rule counts for officer i over its window
// before asOf. Upheld findings count only for allegations at least
// findingLag days old (see Options.FindingLag).
func (r Rule) CountFor(ds *Dataset, i int, asOf Day, findingLag int) int {
	from := monthsBefore(asOf, r.Months())
	n := 0
	for k := range ds.Of(i) {
		a := &ds.Of(i)[k]
		if a.On >= asOf {
			break
		}
		if a.On < from || !r.counts(a) {
			continue
		}
		if r.Count == CountUpheld && a.On >= asOf-Day(findingLag) {
			continue
		}
		n++
	}
	return n
}

// Explain says in plain words why the rule flagged an officer whose count
// is n.
func (r Rule) Explain(n int) string {
	what := map[string]string{CountAllegations: "allegation", CountUpheld: "upheld finding", CountUseOfForce: "use-of-force allegation"}[r.Count]
	if what == "" {
		what = strings.Join(r.In, " or ") + " allegation"
	}
	return fmt.Sprintf("%s in %s (threshold %d)", plural(n, what), windowWords(r.Months()), r.Threshold)
}

func windowWords(months int) string {
	if months%12 == 0 && months > 12 {
		return fmt.Sprintf("the last %d years", months/12)
	}
	return fmt.Sprintf("the last %d months", months)
}
