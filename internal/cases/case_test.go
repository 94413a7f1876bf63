package cases

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/probity/probity/internal/fault"
)

var now = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ref(t *testing.T) *Reference {
	t.Helper()
	r, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The rule set follows when the complaint was made or the matter came to
// the appropriate authority's attention, not when the matter arose
// [C&M 2(2); SI 2025/558 reg 66]: a matter that arose in 2019 but was
// complained of in 2021 follows the 2020 regulations.
func TestRuleSetFollowsWhenTheMatterWasReceived(t *testing.T) {
	r := ref(t)
	for _, tc := range []struct{ arose, received, want string }{
		{"2010-05-01", "2010-05-02", "2012"}, // older than every rule set: the oldest
		{"2019-06-01", "2020-01-31", "2012"},
		{"2019-06-01", "2020-02-01", "2020"}, // arose under the old rules, made under the new
		{"2019-06-01", "2021-03-01", "2020"},
		{"2025-05-01", "2025-05-27", "2020"},
		{"2025-05-01", "2025-05-28", "2025"},
		{"2024-01-01", "2026-03-01", "2025"},
	} {
		c := validCase()
		c.AroseOn, c.ReceivedAt = day(tc.arose), day(tc.received)
		c.Prepare(r, now)
		if c.RuleSet != tc.want {
			t.Errorf("arose %s, received %s: rule set %s, want %s", tc.arose, tc.received, c.RuleSet, tc.want)
		}
		if got := r.RuleSetFor(day(tc.received)).Code; got != tc.want {
			t.Errorf("RuleSetFor(%s) = %s, want %s", tc.received, got, tc.want)
		}
	}
}

// A matter related to an earlier one still being handled keeps to the
// earlier one's rules; once the earlier one has ended, the later follows
// its own date [C&M 2(2); SI 2025/558 reg 66].
func TestRelatedMatterFollowsTheEarlierWhileItIsHandled(t *testing.T) {
	r := ref(t)
	earlier := Case{ID: "e1", Kind: Complaint, State: LocalInvestigation, RuleSet: "2020"}
	c := validCase()
	c.Prepare(r, now)
	c.FollowEarlier(earlier)
	if c.RuleSet != "2020" || c.RelatedCaseID != "e1" {
		t.Errorf("related to an open 2020 case: rule set %s, related %q; want 2020, e1", c.RuleSet, c.RelatedCaseID)
	}
	earlier.State = Closed
	c = validCase()
	c.Prepare(r, now)
	c.FollowEarlier(earlier)
	if c.RuleSet != "2025" || c.RelatedCaseID != "e1" {
		t.Errorf("related to a closed 2020 case: rule set %s, want its own 2025", c.RuleSet)
	}
}

func TestTaxonomyCarriesTheNationalCategories(t *testing.T) {
	tax := ref(t).TaxonomyAt(now)
	for _, code := range []string{"delivery-of-duties", "powers-policies-procedures", "individual-behaviours",
		"discriminatory-behaviour", "abuse-of-position", "property-premises", "information-access-disclosure"} {
		if _, ok := tax.Category(code); !ok {
			t.Errorf("category %s missing", code)
		}
	}
	disc, _ := tax.Category("discriminatory-behaviour")
	if len(disc.Subcategories) != 9 {
		t.Errorf("discriminatory behaviour has %d sub-categories, want one per protected characteristic (9)", len(disc.Subcategories))
	}
	for _, s := range disc.Subcategories {
		if s.ProtectedCharacteristic == "" {
			t.Errorf("sub-category %s names no protected characteristic", s.Code)
		}
	}
	if n := len(ref(t).StandardsAt(now).Standards); n != 10 {
		t.Errorf("%d standards of professional behaviour, want 10", n)
	}
}

func TestReferenceFilesAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"unknown kind", `{"name": "horoscopes"}`, "unknown kind"},
		{"unknown field", `{"name": "rule-sets", "version": "x", "colour": 1, "rule_sets": []}`, "unknown field"},
		{"bad date", `{"name": "rule-sets", "version": "x", "rule_sets": [{"code": "a", "effective_from": "1/2/2020"}]}`, "YYYY-MM-DD"},
		{"repeated category", `{"name": "complaint-categories", "version": "x", "effective_from": "2020-01-01",
			"categories": [{"code": "a", "subcategories": []}, {"code": "a", "subcategories": []}]}`, "repeated"},
	} {
		_, err := parseReference(fstest.MapFS{"reference/x.json": {Data: []byte(tc.file)}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func validCase() Case {
	occurred := day("2026-02-01")
	return Case{Kind: Complaint, ForceID: "f", Summary: "Searched without reason", AroseOn: day("2026-02-01"),
		ReceivedAt: day("2026-02-03"), Allegations: []Allegation{{Category: "discriminatory-behaviour", Subcategory: "race",
			OccurredOn: &occurred, Standards: []string{"equality-diversity"}, Subjects: []Subject{{OfficerID: "o1"}}}}}
}

func TestValidate(t *testing.T) {
	future := now.AddDate(0, 0, 1)
	for _, tc := range []struct {
		name   string
		change func(*Case)
		fields []string
	}{
		{"valid", func(*Case) {}, nil},
		{"unknown kind", func(c *Case) { c.Kind = "gripe" }, []string{"kind"}},
		{"no summary", func(c *Case) { c.Summary = "  " }, []string{"summary"}},
		{"control characters", func(c *Case) { c.Summary = "a\x00b" }, []string{"summary"}},
		{"incident in the future", func(c *Case) { c.AroseOn = future }, []string{"arose_on", "received_at"}},
		{"unknown category", func(c *Case) { c.Allegations[0].Category = "rudeness" }, []string{"allegations[0].category"}},
		{"wrong sub-category", func(c *Case) { c.Allegations[0].Subcategory = "decisions" }, []string{"allegations[0].subcategory"}},
		{"discrimination without characteristic", func(c *Case) { c.Allegations[0].Subcategory = "" }, []string{"allegations[0].subcategory"}},
		{"unknown standard", func(c *Case) { c.Allegations[0].Standards = []string{"punctuality"} }, []string{"allegations[0].standards[0]"}},
		{"allegation in the future", func(c *Case) { c.Allegations[0].OccurredOn = &future }, []string{"allegations[0].occurred_on"}},
		{"same officer twice", func(c *Case) {
			c.Allegations[0].Subjects = append(c.Allegations[0].Subjects, Subject{OfficerID: "o1"})
		}, []string{"allegations[0].subjects[1].officer_id"}},
		{"conduct matter without allegations", func(c *Case) { c.Kind = ConductMatter; c.Allegations = nil }, []string{"allegations"}},
		{"party naming both", func(c *Case) {
			c.Parties = []Party{{Role: RoleComplainant, PersonID: "p", OfficerID: "o"}}
		}, []string{"parties[0]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validCase()
			tc.change(&c)
			err := c.Validate(ref(t), now)
			got := fault.FieldsOf(err)
			var names []string
			for _, f := range got {
				names = append(names, f.Field)
			}
			if strings.Join(names, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("fields = %v, want %v (%v)", names, tc.fields, err)
			}
		})
	}
}

func TestPrepare(t *testing.T) {
	c := validCase()
	c.Prepare(ref(t), now)
	a := c.Allegations[0]
	if c.State != Received || c.RuleSet != "2025" || a.Seq != 1 || a.TaxonomyVersion != "iopc-2020" ||
		a.StandardsVersion != "cr-2020" || a.ProtectedCharacteristic != "race" {
		t.Errorf("prepared = %+v / %+v", c, a)
	}
	cm := Case{Kind: ConductMatter}
	cm.Prepare(ref(t), now)
	if cm.State != AllegationReceived {
		t.Errorf("conduct matter starts in %s", cm.State)
	}
}

func TestReferences(t *testing.T) {
	if got := FormatReference(Complaint, 2026, 123); got != "CO/2026/000123" {
		t.Errorf("FormatReference = %s", got)
	}
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"CO/2026/000123", true}, {"CM/2019/1234567", true}, {"co/2026/000123", false},
		{"XX/2026/000123", false}, {"CO/26/000123", false}, {"CO/2026/12", false}, {"", false},
	} {
		_, _, _, err := ParseReference(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseReference(%q) err = %v", tc.in, err)
		}
	}
}
