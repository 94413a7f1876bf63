package importer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestEthnicityGroups: a force's declared ethnicity groups are kept beside
// the ONS group, and early intervention's fairness counts use them;
// without declared groups, the ONS groups. The mapping errors of groups
// are in TestMappingErrors.
func TestEthnicityGroups(t *testing.T) {
	// The Philadelphia mapping with the force's own groups: Latino
	// officers keep a group of their own, and are counted as "other" among
	// the ONS groups.
	declared := mapping(t, "philly", "    default: \"\"\n\ncases:", `    default: ""
  ethnicity_groups:
    - {name: Latino, values: [" LATINO "], ons: other}
    - {name: White, values: [white]}

cases:`)
	for _, tc := range []struct {
		name    string
		mapping *importer.Mapping
		// officers: each officer's ethnicity and group, by key
		officers map[string][2]string
		groups   string // the flag groups by ethnicity
	}{
		{"declared groups", declared, map[string][2]string{
			"PPD/13-0001-KS": {"other", "Latino"}, // the group's ONS group
			"PPD/13-0001-CC": {"white", "White"},  // the ethnicity map's
			"PPD/12345678":   {"black", ""},       // in no declared group
		}, "Latino,White"},
		{"no groups", mustBuiltin(t, "philly"), map[string][2]string{
			"PPD/13-0001-KS": {"other", ""},
			"PPD/13-0001-CC": {"white", ""},
			"PPD/12345678":   {"black", ""},
		}, "black,other,white"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				disc, compl := writeFile(t, "disciplines.csv", phillyDisciplines), writeFile(t, "complaints.csv", phillyComplaints)
				if _, err := importer.Import(ctx, db, tc.mapping, []string{disc, compl}, opts(t)); err != nil {
					t.Fatal(err)
				}
				ds, err := db.EISData(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string][2]string{}
				for _, o := range ds.Officers {
					got[o.Key] = [2]string{o.Ethnicity, o.EthnicityGroup}
				}
				for key, want := range tc.officers {
					if got[key] != want {
						t.Errorf("%s: ethnicity and group %q, want %q", key, got[key], want)
					}
				}
				groups, err := db.FlagGroups(ctx, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				var eth []string
				for _, g := range groups {
					if g.Attribute == "ethnicity" {
						eth = append(eth, g.Group)
					}
				}
				if strings.Join(eth, ",") != tc.groups {
					t.Errorf("flag groups by ethnicity %q, want %q", eth, tc.groups)
				}
			})
		})
	}
}
