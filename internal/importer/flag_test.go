package importer

import (
	"testing"

	"github.com/probity/probity/internal/cases"
)

// A mapped category may also flag the allegation as domestic abuse; the
// flag never stands in for the category.
func TestMappedCategoryCarriesTheDomesticAbuseFlag(t *testing.T) {
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	tax := ref.Taxonomies[len(ref.Taxonomies)-1]
	for _, tc := range []struct {
		in       string
		cat, sub string
		flag     bool
		bad      bool
	}{
		{in: "individual-behaviours/overbearing-harassing+domestic-abuse", cat: "individual-behaviours", sub: "overbearing-harassing", flag: true},
		{in: "property-premises+domestic-abuse", cat: "property-premises", flag: true},
		{in: "individual-behaviours/impolite-language", cat: "individual-behaviours", sub: "impolite-language"},
		{in: "domestic-abuse", bad: true},
		{in: "+domestic-abuse", bad: true},
	} {
		cat, sub, err := categoryOf(tax, tc.in)
		if (err != nil) != tc.bad || cat != tc.cat || sub != tc.sub || (err == nil && flaggedCategory(tc.in) != tc.flag) {
			t.Errorf("%q: %q %q flag %v err %v", tc.in, cat, sub, flaggedCategory(tc.in), err)
		}
	}
}
