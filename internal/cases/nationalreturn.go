package cases

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// The statutory data return: forces supply the IOPC with their complaints
// data, allegations counted by the category codes of the IOPC's guidance
// on capturing complaints data ("A1", "B1", ...). Probity keeps each
// code with its category in the reference data, so the return is a count
// of allegations by category read through the taxonomy they were recorded
// under.

// CategoryCount is how many allegations of complaints received in a period
// the store found under one taxonomy version, category and sub-category
// ("" when none was recorded), and how many of them are flagged as
// domestic abuse.
type CategoryCount struct {
	TaxonomyVersion string
	Category        string
	Subcategory     string
	Allegations     int
	DomesticAbuse   int
}

// ReturnLine is one line of the return: an IOPC code, the category (and
// sub-category) it names, and the allegations counted under it.
type ReturnLine struct {
	Code          string
	CodeConfirmed bool
	Category      string
	Subcategory   string
	Allegations   int
	DomesticAbuse int
}

// NationalReturn is the return for a period [From, To).
type NationalReturn struct {
	From, To time.Time
	// Lines holds every code of the taxonomy in force at To, counted or
	// not, so that a return always has the same lines, in code order.
	Lines []ReturnLine
	// Uncategorised counts allegations with no category, or with one the
	// taxonomy no longer names: they are kept out of every code, and shown
	// so that the total still adds up and the gap is seen.
	Uncategorised              int
	UncategorisedDomesticAbuse int
	Total, TotalDomesticAbuse  int
}

// BuildNationalReturn turns the store's counts into the return. A count
// recorded under an older taxonomy version is placed by that version's
// codes, so a case keeps the meaning it was recorded with.
func BuildNationalReturn(ref *Reference, from, to time.Time, counts []CategoryCount) NationalReturn {
	nr := NationalReturn{From: from, To: to}
	index := map[string]int{}
	add := func(code IOPCCode, cat, sub string) {
		if _, ok := index[code.Code]; ok {
			return
		}
		index[code.Code] = len(nr.Lines)
		nr.Lines = append(nr.Lines, ReturnLine{Code: code.Code, CodeConfirmed: code.Confirmed, Category: cat, Subcategory: sub})
	}
	for _, c := range ref.TaxonomyAt(to).Categories {
		add(c.IOPC, c.Name, "")
		for _, s := range c.Subcategories {
			add(s.IOPC, c.Name, s.Name)
		}
	}
	for _, n := range counts {
		nr.Total += n.Allegations
		nr.TotalDomesticAbuse += n.DomesticAbuse
		code, cat, sub, ok := iopcCodeOf(ref, n)
		if !ok {
			nr.Uncategorised += n.Allegations
			nr.UncategorisedDomesticAbuse += n.DomesticAbuse
			continue
		}
		add(code, cat, sub)
		l := &nr.Lines[index[code.Code]]
		l.Allegations += n.Allegations
		l.DomesticAbuse += n.DomesticAbuse
	}
	slices.SortStableFunc(nr.Lines, func(a, b ReturnLine) int { return compareIOPCCodes(a.Code, b.Code) })
	return nr
}

// iopcCodeOf finds the code of a count's category: the sub-category's
// when one was recorded, else the category's own.
func iopcCodeOf(ref *Reference, n CategoryCount) (IOPCCode, string, string, bool) {
	tax, ok := ref.Taxonomy(n.TaxonomyVersion)
	if !ok || n.Category == "" {
		return IOPCCode{}, "", "", false
	}
	c, ok := tax.Category(n.Category)
	if !ok {
		return IOPCCode{}, "", "", false
	}
	if n.Subcategory == "" {
		return c.IOPC, c.Name, "", true
	}
	s, ok := c.Subcategory(n.Subcategory)
	if !ok {
		return IOPCCode{}, "", "", false
	}
	return s.IOPC, c.Name, s.Name, true
}

// compareIOPCCodes orders codes by letter, then number, so that B10
// follows B9 and a category's own line ("B") comes before its
// sub-categories.
func compareIOPCCodes(a, b string) int {
	split := func(s string) (string, int) {
		i := 0
		for i < len(s) && (s[i] < '0' || s[i] > '9') {
			i++
		}
		n, err := strconv.Atoi(s[i:])
		if err != nil {
			n = -1
		}
		return s[:i], n
	}
	la, na := split(a)
	lb, nb := split(b)
	return cmp.Or(cmp.Compare(la, lb), cmp.Compare(na, nb), cmp.Compare(a, b))
}
