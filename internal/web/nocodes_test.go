package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
)

var (
	tagOrScript = regexp.MustCompile(`(?s)<head>.*?</head>|<[^>]*>`)
	recordID    = regexp.MustCompile(`\b[a-z2-7]{26}\b`)
)

// internalCodes are words of Probity's code and of the regulations'
// short forms that a person should never have to read on a page.
func internalCodes() []string {
	out := []string{"state_changed", "Rule set", "Version", "C&M ", "Sch3", "RPRP", "NFA"}
	for _, a := range cases.AllActions() {
		// Names that are one English word ("withdraw") may be prose.
		if strings.Contains(string(a.Name), "_") {
			out = append(out, string(a.Name))
		}
		for _, s := range append(append([]cases.State{}, a.From...), a.To) {
			// A state whose name is an English word ("Closed") may well
			// appear in prose; the compound and abbreviated ones may not.
			if s != "" && s.Label().Name != string(s) && (strings.ToUpper(string(s)) == string(s) || regexp.MustCompile(`[a-z][A-Z]`).MatchString(string(s))) {
				out = append(out, string(s))
			}
		}
	}
	return out
}

// visibleText is what a browser would show of a page: no markup, no head.
func visibleText(page string) string {
	return html.UnescapeString(tagOrScript.ReplaceAllString(page, " "))
}

// TestPagesShowWordsNotCodes renders every page each role of the fixture
// reaches and fails if a known internal code or a record id is visible.
func TestPagesShowWordsNotCodes(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		codes := internalCodes()
		check := func(who, path string, status int, page string) {
			text := visibleText(page)
			for _, code := range codes {
				if strings.Contains(text, code) {
					t.Errorf("%s %s shows %q", who, path, code)
				}
			}
			if id := recordID.FindString(text); id != "" {
				t.Errorf("%s %s shows the record id %s", who, path, id)
			}
		}
		for _, path := range []string{"/login", "/complain", "/complaint-status", "/speak-up", "/speak-up/thread",
			"/public", "/public/measures/repeat-subjects", "/open-data", "/public/leadership", "/public/hearings",
			"/public/oversight"} {
			rec := f.anonymous().do(t, "GET", path, "", "")
			check("a stranger", path, rec.Code, rec.Body.String())
		}
		for _, role := range access.Roles {
			c := f.login(t, role)
			paths := []string{"/", "/eis/flags", "/eis/fairness", "/officers/" + f.subject, "/speak-up/inbox", "/shared-cases", "/vetting",
				"/audit", "/audit/user?ref=handler", "/audit/record?kind=officer&ref=S1",
				"/admin/users", "/admin/units", "/admin/users/" + f.users[access.Handler].ID,
				"/cases", "/cases?q=standing&sort=due-asc", "/cases/new?find=S1", "/national-return",
				"/oversight/meetings", "/oversight/meetings/new", "/oversight/posts",
				"/dashboard", "/dashboard?period=2026", "/cases?open_at=2026-06-01&received_from=2026-01-01"}
			paths = append(paths, "/vetting/lists", "/vetting/transfers", "/vetting/lists/refer", "/vetting/lists/import",
				"/hearing-notices", "/hearing-notices/new?case="+f.cases[relSameUnit])
			for _, rel := range relations {
				paths = append(paths, "/cases/"+f.cases[rel])
			}
			same := "/cases/" + f.cases[relSameUnit]
			paths = append(paths, same+"?contact=show", same+"/act/make_initial_contact", same+"/act/record_under_schedule3",
				same+"/assign", same+"/share")
			paths = append(paths, "/oversight", "/oversight/requirements/new", "/oversight/notices/new")
			for _, path := range paths {
				rec := c.do(t, "GET", path, "", "")
				if rec.Code >= 500 {
					t.Errorf("%s %s: %d", role, path, rec.Code)
				}
				check(string(role), path, rec.Code, rec.Body.String())
			}
		}
	})
}
