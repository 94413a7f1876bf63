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

// phillyGroups declares the force's own ethnicity groups in the
// Philadelphia mapping: Latino officers keep a group of their own, and are
// counted as "other" among the ONS groups.
const phillyGroups = `    default: ""
  ethnicity_groups:
    - {name: Latino, values: [" LATINO "], ons: other}
    - {name: White, values: [white]}

cases:`

// TestEthnicityGroups: a force's declared ethnicity groups are kept beside
// the ONS group, and early intervention's fairness counts use them.
func TestEthnicityGroups(t *testing.T) {
	m := mapping(t, "philly", "    default: \"\"\n\ncases:", phillyGroups)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		disc, compl := writeFile(t, "disciplines.csv", phillyDisciplines), writeFile(t, "complaints.csv", phillyComplaints)
		if _, err := importer.Import(ctx, db, m, []string{disc, compl}, opts(t)); err != nil {
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
		for key, want := range map[string][2]string{
			"PPD/13-0001-KS": {"other", "Latino"}, // the group's ONS group
			"PPD/13-0001-CC": {"white", "White"},  // the ethnicity map's
			"PPD/12345678":   {"black", ""},       // in no declared group
		} {
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
		if strings.Join(eth, ",") != "Latino,White" {
			t.Errorf("flag groups by ethnicity %q, want the force's groups", eth)
		}
	})
	// Without declared groups, the ONS groups.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		disc, compl := writeFile(t, "disciplines.csv", phillyDisciplines), writeFile(t, "complaints.csv", phillyComplaints)
		if _, err := importer.Import(ctx, db, mustBuiltin(t, "philly"), []string{disc, compl}, opts(t)); err != nil {
			t.Fatal(err)
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
		if strings.Join(eth, ",") != "black,other,white" {
			t.Errorf("flag groups by ethnicity %q, want the ONS groups", eth)
		}
	})
}

func TestEthnicityGroupMappingErrors(t *testing.T) {
	philly, _ := importer.BuiltinText("philly")
	for _, tc := range []struct{ name, groups, want string }{
		{"no name", "    - {values: [white]}\n", "officers.ethnicity_groups[0].name: is required"},
		{"no values", "    - {name: White}\n", "officers.ethnicity_groups[0].values: list the source values"},
		{"twice", "    - {name: White, values: [white]}\n    - {name: white, values: [w]}\n", `officers.ethnicity_groups[1].name: "white" is declared twice`},
		{"value in two groups", "    - {name: A, values: [white]}\n    - {name: B, values: [WHITE]}\n", `officers.ethnicity_groups[1].values: "WHITE" is already in the group "A"`},
		{"not an ONS group", "    - {name: Latino, values: [latino], ons: hispanic}\n", `officers.ethnicity_groups[0].ons: "hispanic" is not an ONS ethnicity group`},
		{"misspelt key", "    - {name: Latino, value: [latino]}\n", `field value not found`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.Replace(string(philly), "    default: \"\"\n\ncases:", "    default: \"\"\n  ethnicity_groups:\n"+tc.groups+"\ncases:", 1)
			_, err := importer.ParseMapping([]byte(s))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	// Groups need the column their values come from.
	s := strings.Replace(string(philly), "  ethnicity:\n    column: po_race\n", "  ethnicity_groups: [{name: White, values: [white]}]\n  ethnicity:\n", 1)
	if _, err := importer.ParseMapping([]byte(s)); err == nil || !strings.Contains(err.Error(), "officers.ethnicity_groups: name the column") {
		t.Errorf("groups without a column: err = %v", err)
	}
}
