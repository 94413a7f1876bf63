package web_test

import (
	"encoding/csv"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

var (
	caseLink   = regexp.MustCompile(`href="/cases/([a-z2-7]{26})"`)
	countLine  = regexp.MustCompile(`id="count">(\d+) case`)
	workCounts = regexp.MustCompile(`id="count-([a-z-]+)"><a[^>]*><span[^>]*>(\d+)</span>`)
)

// openableCases decides, with the policy itself, which of the fixture's
// cases a role may open.
func openableCases(t *testing.T, f *fixture, role access.Role) map[string]bool {
	t.Helper()
	u := f.users[role]
	p := access.Principal{User: u, Roles: u.Roles, MFAPassed: true}
	out := map[string]bool{}
	for rel, id := range f.cases {
		if rel == relNonexistent {
			continue
		}
		facts, err := f.db.CaseFacts(ctx, id, f.now)
		if err != nil {
			t.Fatal(err)
		}
		if access.CanOpenCase(p, facts).Allow {
			out[id] = true
		}
	}
	return out
}

// TestCasesPageListsAndCountsOnlyOpenableCases: for every role that
// reads cases, the page, its count and the CSV hold exactly the cases
// the policy lets the role open, whatever the filters and the order.
func TestCasesPageListsAndCountsOnlyOpenableCases(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		for _, role := range []access.Role{access.Handler, access.Investigator, access.Authority, access.PSDHead, access.Oversight} {
			c := f.login(t, role)
			want := openableCases(t, f, role)
			for _, q := range []string{"", "?sort=received-asc", "?sort=due-asc", "?sort=due-desc", "?q=standing",
				"?kind=complaint&category=individual-behaviours", "?show=open", "?from=1/1/2020&to=31/12/2030"} {
				rec := c.do(t, "GET", "/cases"+q, "", "")
				if rec.Code != 200 {
					t.Fatalf("%s /cases%s: %d %s", role, q, rec.Code, rec.Body)
				}
				body := rec.Body.String()
				var got []string
				for _, m := range caseLink.FindAllStringSubmatch(body, -1) {
					if !slices.Contains(got, m[1]) {
						got = append(got, m[1])
					}
				}
				for _, id := range got {
					if !want[id] {
						t.Errorf("%s /cases%s lists a case the policy refuses", role, q)
					}
				}
				if len(got) != len(want) {
					t.Errorf("%s /cases%s lists %d cases, the policy opens %d", role, q, len(got), len(want))
				}
				m := countLine.FindStringSubmatch(body)
				if m == nil || m[1] != strconv.Itoa(len(want)) {
					t.Errorf("%s /cases%s: count %v, want %d", role, q, m, len(want))
				}
				for _, mark := range hiddenMarks(t, f) {
					if strings.Contains(body, mark) {
						t.Errorf("%s /cases%s names a hidden case", role, q)
					}
				}
			}
			rec := c.do(t, "GET", "/cases.csv?sort=due-asc", "", "")
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("%s CSV: %d %s", role, rec.Code, rec.Header().Get("Content-Type"))
			}
			rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows)-1 != len(want) {
				t.Errorf("%s CSV has %d cases, the policy opens %d", role, len(rows)-1, len(want))
			}
			for _, mark := range hiddenMarks(t, f) {
				if strings.Contains(rec.Body.String(), mark) {
					t.Errorf("%s CSV names a hidden case", role)
				}
			}
		}
	})
}

// TestCasesPageRefusesBadFilters re-shows the form with a message beside
// each faulty field and an error summary linking to it, and lists nothing.
func TestCasesPageRefusesBadFilters(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		for _, tc := range []struct{ query, field, message string }{
			{"kind=parking", "kind", "Choose a kind of case from the list"},
			{"state=Nonsense", "state", "Choose a state from the list"},
			{"unit=aaaaaaaaaaaaaaaaaaaaaaaaaa", "unit", "Choose a unit from the list"},
			{"category=no-such", "category", "Choose a category from the list"},
			{"officer=99999", "officer", "No officer has that collar number"},
			{"assignee=someone", "assignee", "Choose who the cases are assigned to"},
			{"from=31/2/2026", "from", "Enter a real date"},
			{"from=2/3/2026&to=1/3/2026", "to", "on or after"},
			{"sort=sideways", "sort", "Choose an order"},
			{"q=%21%21%21", "q", "Enter at least one word to search for"},
		} {
			rec := c.do(t, "GET", "/cases?"+tc.query, "", "")
			body := rec.Body.String()
			if rec.Code != 422 {
				t.Errorf("%s: %d, want 422", tc.query, rec.Code)
			}
			if !strings.Contains(body, `id="`+tc.field+`-error"`) || !strings.Contains(body, tc.message) {
				t.Errorf("%s: no message %q beside %s", tc.query, tc.message, tc.field)
			}
			if !strings.Contains(body, `govuk-error-summary`) || !strings.Contains(body, `href="#`+tc.field+`"`) {
				t.Errorf("%s: no error summary linking to %s", tc.query, tc.field)
			}
			if caseLink.MatchString(body) {
				t.Errorf("%s: cases listed despite a refused filter", tc.query)
			}
		}
		// What was typed is shown again.
		rec := c.do(t, "GET", "/cases?q=standing&from=31/2/2026", "", "")
		if !strings.Contains(rec.Body.String(), `value="standing"`) || !strings.Contains(rec.Body.String(), `value="31/2/2026"`) {
			t.Errorf("the form does not show the input again")
		}
	})
}

// TestCasesCSVIsAuditedAsADisclosure: the export is recorded, with the
// recipient and how many cases left, and its cells cannot run formulas.
func TestCasesCSVIsAuditedAsADisclosure(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		rec := c.do(t, "GET", "/cases.csv?q=standing", "", "")
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		if !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Errorf("Content-Disposition %q", rec.Header().Get("Content-Disposition"))
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.Handler].ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range page.Entries {
			if e.Action == audit.Disclose && e.RecordType == "case-list" && e.ActorID == f.users[access.Handler].ID {
				found = true
				if !slices.Equal(e.Recipients, []string{"handler"}) || !strings.Contains(e.Reason, "CSV export") || strings.Contains(e.Reason, "standing") {
					t.Errorf("export entry %+v", e)
				}
			}
		}
		if !found {
			t.Error("the CSV export is not in the audit log")
		}
	})
}

func TestCSVCellsCannotRunFormulas(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+44": "'+44", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"CO/2026/000001": "CO/2026/000001", "": ""} {
		if got := web.CSVCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}
