package cases

import (
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

// Item 12: categories and standards. A complaint is counted in the
// statutory data return by its national category [IOPC, Guidance on
// capturing data about police complaints (2020), believed for the codes
// other than B1]; misconduct is a breach of the Standards of Professional
// Behaviour [CR 2(1), Sch 2, verified], so a conduct matter is classified
// by the standards it would breach. Domestic abuse is a flag beside the
// category, never a category.

func catNow() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) }

// catCase is a case of kind k with the allegations given, each about one
// officer.
func catCase(k Kind, as ...Allegation) Case {
	for i := range as {
		as[i].Subjects = []Subject{{OfficerID: "officer-1"}}
	}
	return Case{Kind: k, ForceID: "force-1", Summary: "s", AroseOn: catNow().AddDate(0, 0, -3), Allegations: as}
}

// catRefused is the reason given for field, or "" when it was not refused.
func catRefused(t *testing.T, c Case, field string) string {
	t.Helper()
	for _, fe := range fault.FieldsOf(c.Validate(wfReference(t), catNow())) {
		if fe.Field == field {
			return fe.Reason
		}
	}
	return ""
}

func TestDutiesCategoriesAndStandards(t *testing.T) {
	t.Run("must refuse a conduct matter's allegation when it names no standard of professional behaviour", func(t *testing.T) {
		// CR 2(1), Sch 2 [verified]: misconduct is a breach of the Standards.
		for _, k := range []Kind{ConductMatter, RecordableConduct} {
			c := catCase(k, Allegation{Category: "individual-behaviours", Subcategory: "impolite-language"})
			if catRefused(t, c, "allegations[0].standards") == "" {
				t.Errorf("%s recorded with no standard", k)
			}
		}
	})
	t.Run("must allow a conduct matter's allegation when it names a standard and no category", func(t *testing.T) {
		// CR Sch 2 [verified]; the category is the complaints return's.
		c := catCase(ConductMatter, Allegation{Standards: []string{"discreditable-conduct"}})
		if err := c.Validate(wfReference(t), catNow()); err != nil {
			t.Errorf("a conduct matter classified by its standard: %v", err)
		}
		c = catCase(ConductMatter, Allegation{Category: "abuse-of-position", Subcategory: "sexual-purpose",
			Standards: []string{"honesty-integrity"}})
		if err := c.Validate(wfReference(t), catNow()); err != nil {
			t.Errorf("a conduct matter with a category and a standard: %v", err)
		}
	})
	t.Run("must refuse a conduct matter's sub-category when it names no category", func(t *testing.T) {
		c := catCase(ConductMatter, Allegation{Subcategory: "impolite-language", Standards: []string{"authority-respect-courtesy"}})
		if catRefused(t, c, "allegations[0].category") == "" {
			t.Error("a sub-category without its category was accepted")
		}
	})
	t.Run("must refuse a complaint's allegation when it names no category", func(t *testing.T) {
		// IOPC data guidance (2020) [believed]: every complaint allegation
		// is counted in the return under a category.
		c := catCase(Complaint, Allegation{Standards: []string{"discreditable-conduct"}})
		if catRefused(t, c, "allegations[0].category") != "is required" {
			t.Errorf("a complaint with no category: %q", catRefused(t, c, "allegations[0].category"))
		}
	})
	t.Run("must refuse domestic abuse as a category when an allegation is recorded", func(t *testing.T) {
		// Domestic abuse is a flag: as a category it displaced the real
		// one in the return.
		for _, k := range []Kind{Complaint, ConductMatter} {
			c := catCase(k, Allegation{Category: "domestic-abuse", Standards: []string{"discreditable-conduct"}})
			if catRefused(t, c, "allegations[0].category") == "" {
				t.Errorf("%s: domestic-abuse accepted as a category", k)
			}
		}
	})
	t.Run("must allow the domestic abuse flag when the allegation has any category or none", func(t *testing.T) {
		for _, c := range []Case{
			catCase(Complaint, Allegation{Category: "delivery-of-duties", Subcategory: "police-action-following-contact", DomesticAbuse: true}),
			catCase(ConductMatter, Allegation{Standards: []string{"discreditable-conduct"}, DomesticAbuse: true}),
		} {
			if err := c.Validate(wfReference(t), catNow()); err != nil {
				t.Errorf("%s flagged as domestic abuse: %v", c.Kind, err)
			}
		}
	})
}

// TestDutiesNationalReturn: the return counts each allegation under the
// IOPC code of its category or sub-category, a flagged one there too and
// in the domestic abuse column, and lists every code in order.
func TestDutiesNationalReturn(t *testing.T) {
	ref := wfReference(t)
	tax := ref.TaxonomyAt(catNow())
	t.Run("must allow stops, and stop and search under B1 when the return is built", func(t *testing.T) {
		// IOPC data guidance (2020) [verified for B1].
		c, _ := tax.Category("powers-policies-procedures")
		s, ok := c.Subcategory("stop-and-search")
		if !ok || s.IOPC.Code != "B1" || !s.IOPC.Confirmed || !s.Confirmed || s.Name != "Stops, and stop and search" {
			t.Errorf("stop and search entry %+v", s)
		}
	})
	t.Run("must refuse to count a flagged allegation outside its category when the return is built", func(t *testing.T) {
		counts := []CategoryCount{
			{TaxonomyVersion: tax.Version, Category: "powers-policies-procedures", Subcategory: "stop-and-search", Allegations: 3, DomesticAbuse: 1},
			{TaxonomyVersion: tax.Version, Category: "property-premises", Allegations: 2},
			{TaxonomyVersion: tax.Version, Allegations: 1, DomesticAbuse: 1},
			{TaxonomyVersion: "no-such-version", Category: "x", Allegations: 4},
		}
		nr := BuildNationalReturn(ref, catNow().AddDate(0, -3, 0), catNow(), counts)
		byCode := map[string]ReturnLine{}
		var codes []string
		for _, l := range nr.Lines {
			byCode[l.Code] = l
			codes = append(codes, l.Code)
		}
		if l := byCode["B1"]; l.Allegations != 3 || l.DomesticAbuse != 1 {
			t.Errorf("B1 %+v", l)
		}
		if l := byCode["G"]; l.Allegations != 2 {
			t.Errorf("G %+v", l)
		}
		if nr.Uncategorised != 5 || nr.UncategorisedDomesticAbuse != 1 || nr.Total != 10 || nr.TotalDomesticAbuse != 2 {
			t.Errorf("uncategorised %d (%d), total %d (%d)", nr.Uncategorised, nr.UncategorisedDomesticAbuse, nr.Total, nr.TotalDomesticAbuse)
		}
		if i, j := slices.Index(codes, "B9"), slices.Index(codes, "B10"); i < 0 || j != i+1 {
			t.Errorf("codes out of order: %v", codes)
		}
		if slices.Index(codes, "B") > slices.Index(codes, "B1") || len(codes) != len(slices.Compact(slices.Clone(codes))) {
			t.Errorf("codes: %v", codes)
		}
	})
	t.Run("must refuse a taxonomy when an entry has no IOPC code or shares one", func(t *testing.T) {
		bad := []Taxonomy{
			{Categories: []Category{{Code: "a", IOPC: IOPCCode{Code: "A"}}, {Code: "b"}}},
			{Categories: []Category{{Code: "a", IOPC: IOPCCode{Code: "A"}, Subcategories: []Subcategory{{Code: "s", IOPC: IOPCCode{Code: "A"}}}}}},
		}
		for i, tx := range bad {
			if tx.check() == nil {
				t.Errorf("taxonomy %d accepted", i)
			}
		}
	})
}
