package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/figures"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

// The figures in the authorisation matrix: the head of standards, the
// appropriate authority, the oversight body and the chief officer's office;
// nobody else.
func init() {
	figuresFor := func(anonStatus int) expect {
		return expect{all: byRole(403, map[access.Role]int{anon: anonStatus, access.PSDHead: 200, access.Authority: 200, access.Oversight: 200, access.ChiefOffice: 200})}
	}
	theMatrix["GET /api/v1/measures"] = figuresFor(401)
	theMatrix["GET /api/v1/measures/{id}"] = figuresFor(401)
	theMatrix["GET /dashboard"] = figuresFor(303)
	theMatrix["GET /dashboard/{file}"] = figuresFor(303)
}

// dashboardMatrixPath fills the figures' routes with a measure and period.
func dashboardMatrixPath(pattern string) (string, bool) {
	switch pattern {
	case "/api/v1/measures/{id}":
		return "/api/v1/measures/backlog?period=2026-Q2", true
	case "/dashboard/{file}":
		return "/dashboard/backlog.csv?period=2026-Q2", true
	}
	return "", false
}

// TestMeasuresAPI: the catalogue lists every measure with its definition;
// a measure answers for a period; every malformed or unknown parameter is
// refused with 400, naming it; a period not begun or before the records
// is an empty result with its note.
func TestMeasuresAPI(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Oversight)
		rec := c.do(t, "GET", "/api/v1/measures", "", "")
		var cat struct {
			Items []struct {
				ID, Title, Definition, Unit string
				Filters                     []string
			}
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &cat) != nil || len(cat.Items) != len(measures.IDs()) {
			t.Fatalf("catalogue: %d %s", rec.Code, rec.Body.String())
		}
		for _, m := range cat.Items {
			if m.Title == "" || len(m.Definition) < 40 || m.Unit == "" || len(m.Filters) == 0 {
				t.Errorf("catalogue entry %+v lacks words", m)
			}
		}

		rec = c.do(t, "GET", "/api/v1/measures/backlog?period=2026-Q2&unit="+f.unitA.ID+"&kind=complaint", "", "")
		var res measures.Result
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &res) != nil {
			t.Fatalf("backlog: %d %s", rec.Code, rec.Body.String())
		}
		// Unit A holds four of the fixture's cases (same unit, conflicted,
		// restricted and the user's own... no: own is in unit B): the
		// same-unit, conflicted and restricted ones, received 22 May.
		received := -1
		for _, r := range res.Rows {
			if slices.Equal(r.Group, []string{"Received"}) {
				received = int(r.Value)
			}
		}
		if received != 3 || res.Filter.UnitID != f.unitA.ID || res.Period.String() != "2026-Q2" || !strings.Contains(res.Note, "not ended") {
			t.Errorf("backlog for unit A, Q2: received %d, result %+v", received, res)
		}

		tests := []struct {
			name, path string
			status     int
			field      string
			empty      bool
		}{
			{"no period", "/api/v1/measures/backlog", 400, "period", false},
			{"no such month", "/api/v1/measures/backlog?period=2026-13", 400, "period", false},
			{"words for a period", "/api/v1/measures/backlog?period=last+year", 400, "period", false},
			{"custom backwards", "/api/v1/measures/backlog?period=2026-03-31..2026-01-01", 400, "period", false},
			{"unknown kind", "/api/v1/measures/backlog?period=2026&kind=gossip", 400, "kind", false},
			{"malformed unit", "/api/v1/measures/backlog?period=2026&unit=north", 400, "unit", false},
			{"unit not on record", "/api/v1/measures/backlog?period=2026&unit=aaaaaaaaaaaaaaaaaaaaaaaaaa", 400, "unit", false},
			{"malformed force", "/api/v1/measures/backlog?period=2026&force=x", 400, "force", false},
			{"unknown measure", "/api/v1/measures/happiness?period=2026", 400, "measure", false},
			{"unit for speak-up", "/api/v1/measures/speakup?period=2026&unit=" + f.unitA.ID, 400, "unit", false},
			{"kind for flags", "/api/v1/measures/eis-flags?period=2026&kind=complaint", 400, "kind", false},
			{"unknown parameter", "/api/v1/measures/backlog?period=2026&colour=red", 400, "colour", false},
			{"period twice", "/api/v1/measures/backlog?period=2026&period=2025", 400, "period", false},
			{"custom range with dots", "/api/v1/measures/backlog?period=2026-04-01..2026-06-30", 200, "", false},
			{"custom range before the records", "/api/v1/measures/backlog?period=2026-01-01..2026-03-31", 200, "", true},
			{"the future", "/api/v1/measures/backlog?period=2027", 200, "", true},
			{"before the records", "/api/v1/measures/days-to-finalise?period=2019-Q1", 200, "", true},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rec := c.do(t, "GET", tc.path, "", "")
				if rec.Code != tc.status {
					t.Fatalf("%s: %d, want %d: %s", tc.path, rec.Code, tc.status, rec.Body.String())
				}
				if tc.status == 400 {
					var p web.Problem
					if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
						t.Errorf("Content-Type %q", ct)
					}
					if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
						t.Fatal(err)
					}
					if !slices.ContainsFunc(p.Errors, func(fe fault.FieldError) bool { return fe.Field == tc.field && fe.Reason != "" }) {
						t.Errorf("%s: errors %+v do not name %s", tc.path, p.Errors, tc.field)
					}
					return
				}
				var res measures.Result
				if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
					t.Fatal(err)
				}
				if res.Empty != tc.empty || (tc.empty && res.Note == "") {
					t.Errorf("%s: empty %v note %q", tc.path, res.Empty, res.Note)
				}
			})
		}
	})
}

var hrefs = regexp.MustCompile(`href="([^"]+)"`)

func links(page string) []string {
	var out []string
	for _, m := range hrefs.FindAllStringSubmatch(page, -1) {
		out = append(out, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}

// TestDashboardPage: every measure is drawn with its table and definition
// for the parts of the period; the head of standards and the appropriate
// authority get links to the cases behind the figures, the oversight body
// only to the cases shared with it; the vetting panel shows to those who
// may read vetting; faulty filters come back with an error summary naming
// each field.
func TestDashboardPage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		clients := map[access.Role]*client{}
		for _, role := range []access.Role{access.PSDHead, access.Authority, access.Oversight} {
			clients[role] = f.login(t, role)
		}
		for _, role := range []access.Role{access.PSDHead, access.Authority, access.Oversight} {
			t.Run(string(role), func(t *testing.T) {
				rec := clients[role].do(t, "GET", "/dashboard?period=2026-Q2", "", "")
				page := rec.Body.String()
				if rec.Code != 200 {
					t.Fatalf("%d: %s", rec.Code, firstLine(page))
				}
				for _, m := range measures.Catalogue() {
					if !strings.Contains(page, `id="m-`+m.ID+`"`) || !strings.Contains(page, `id="table-`+m.ID+`"`) ||
						!strings.Contains(page, `href="/dashboard/`+m.ID+`.csv?period=2026-Q2"`) {
						t.Errorf("the page lacks %s's heading, table or CSV link", m.ID)
					}
				}
				// Measures with nothing to draw in the fixture (no conduct
				// matters, no speak-up reports) draw no chart.
				if n := strings.Count(page, "<svg"); n < 5 {
					t.Errorf("%d charts drawn, want at least 5", n)
				}
				for _, month := range []string{"April 2026", "May 2026", "June 2026", "April to June 2026"} {
					if !strings.Contains(page, `<th class="govuk-table__header govuk-table__header--numeric" scope="col">`+month+`</th>`) {
						t.Errorf("the tables have no column for %s", month)
					}
				}
				ls := links(page)
				toCases := slices.ContainsFunc(ls, func(l string) bool { return strings.HasPrefix(l, "/cases?") })
				logged := slices.Contains(ls, "/cases?kind=complaint&logged_before=2026-07-01&logged_from=2026-04-01")
				shared := slices.Contains(ls, "/shared-cases")
				switch role {
				case access.Oversight:
					if toCases || logged {
						t.Errorf("the oversight body is offered links to the case list")
					}
					if !shared {
						t.Errorf("the oversight body is not offered its shared cases")
					}
				default:
					if !logged {
						t.Errorf("no link to the complaints first logged in the quarter")
					}
					if !slices.Contains(ls, "/cases?contacted_before=2026-07-01&contacted_from=2026-04-01&kind=complaint") {
						t.Errorf("no link to the complaints first contacted in the quarter")
					}
					if !slices.Contains(ls, "/cases?finalised_before=2026-07-01&finalised_from=2026-04-01&kind=complaint") {
						t.Errorf("no link to the complaints finalised in the quarter")
					}
				}
				if vet := strings.Contains(page, `id="vetting"`); vet != (role == access.PSDHead) {
					t.Errorf("vetting panel shown %v", vet)
				}
				// The fixture has no conduct matters: the ratios say why
				// they are not given.
				if !strings.Contains(page, `id="ratios-h"`) || !strings.Contains(page, "ends before the first record") {
					t.Errorf("the ratios' section does not say why there are none")
				}
			})
		}

		bad := []struct {
			name, query string
			fields      []string
		}{
			{"unknown period", "period=someday", []string{"Choose a period from the list"}},
			{"custom without days", "period=custom", []string{"Enter the first day", "Enter the last day"}},
			{"custom with a bad day", "period=custom&from=31/2/2026&to=1/3/2026", []string{"Enter a real date for the first day"}},
			{"custom backwards", "period=custom&from=1/3/2026&to=1/2/2026", []string{"The last day must be on or after the first"}},
			{"unknown unit and kind", "period=2026&unit=nowhere&kind=gossip", []string{"Choose a unit from the list", "Choose a kind of case from the list"}},
		}
		c := clients[access.PSDHead]
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				rec := c.do(t, "GET", "/dashboard?"+tc.query, "", "")
				page := rec.Body.String()
				if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(page, `class="govuk-error-summary"`) {
					t.Fatalf("%d, no error summary", rec.Code)
				}
				for _, want := range tc.fields {
					if !strings.Contains(page, want) {
						t.Errorf("the page does not say %q", want)
					}
				}
				if strings.Contains(page, "<svg") {
					t.Errorf("figures drawn for refused filters")
				}
			})
		}

		// A custom period of two months is drawn by month.
		rec := c.do(t, "GET", "/dashboard?period=custom&from=1/4/2026&to=31/5/2026&unit="+f.unitA.ID, "", "")
		if page := rec.Body.String(); rec.Code != 200 || !strings.Contains(page, ">April 2026</th>") || !strings.Contains(page, "1 April 2026 to 31 May 2026") {
			t.Errorf("custom period: %d", rec.Code)
		}
	})
}

// TestDashboardLinksFindTheCases: the link from the backlog's figures to
// the cases received in the period lists what the figure counts, for a
// caller who may open them all.
func TestDashboardLinksFindTheCases(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.PSDHead)
		page := c.do(t, "GET", "/dashboard?period=2026-05&unit="+f.unitB.ID, "", "").Body.String()
		var link string
		for _, l := range links(page) {
			if strings.Contains(l, "received_from=2026-05-01") && !strings.Contains(l, "kind=") {
				link = l
			}
		}
		if link == "" {
			t.Fatal("no link to the cases received in May")
		}
		rec := c.do(t, "GET", link, "", "")
		body := rec.Body.String()
		// Unit B holds the head of standards' own case and the shared
		// one; the head of standards is assigned the first and not in
		// unit B, so may open one of them.
		if rec.Code != 200 || !strings.Contains(body, "received on or after 1 May 2026") || !strings.Contains(body, ">1 case matches<") {
			t.Errorf("%s: %d %s", link, rec.Code, firstLine(visibleText(body)))
		}
		for _, q := range []string{"open_at=2026-06-01", "open_at=2026-05-01"} {
			rec := c.do(t, "GET", "/cases?"+q, "", "")
			want := map[string]string{"open_at=2026-06-01": "cases match", "open_at=2026-05-01": ">0 cases match<"}[q]
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s: %d", q, rec.Code)
			}
		}
		if rec := c.do(t, "GET", "/cases?open_at=June", "", ""); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a malformed open-at: %d", rec.Code)
		}
		rec = c.do(t, "GET", "/cases?finalised_from=2026-04-01&finalised_before=2026-07-01", "", "")
		if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, ">0 cases match<") ||
			!strings.Contains(body, "finalised on or after 1 April 2026 and finalised before 1 July 2026") {
			t.Errorf("finalised in the quarter: %d %s", rec.Code, firstLine(visibleText(body)))
		}
		if rec := c.do(t, "GET", "/cases?finalised_before=soon", "", ""); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a malformed finalised-before: %d", rec.Code)
		}
		rec = c.do(t, "GET", "/cases?logged_from=2026-04-01&logged_before=2026-07-01&contacted_from=2026-04-01", "", "")
		if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, "first logged on or after 1 April 2026 and first logged before 1 July 2026 and first contacted on or after 1 April 2026") {
			t.Errorf("logged and contacted in the quarter: %d %s", rec.Code, firstLine(visibleText(body)))
		}
		for q, words := range map[string]string{"logged_from=April": "Logged from", "logged_before=2026-13-01": "Logged before",
			"contacted_from=x": "First contact from", "contacted_before=1/7/2026": "First contact before"} {
			rec := c.do(t, "GET", "/cases?"+q, "", "")
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), words+": Enter a day as 2026-03-27") {
				t.Errorf("a malformed %s: %d", q, rec.Code)
			}
		}
	})
}

// TestDashboardCSV: a measure's figures download as CSV with the figures'
// columns, one row per figure and period, and the download is audited as
// a disclosure; a file that is no measure is not found.
func TestDashboardCSV(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Authority)
		rec := c.do(t, "GET", "/dashboard/backlog.csv?period=2026-Q2&kind=complaint", "", "")
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="backlog-2026-Q2.csv"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		rows, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], figures.CSVHeader) {
			t.Errorf("header %v", rows[0])
		}
		// Four figures (open at the start, received, finalised, open at
		// the end) for three months and the quarter.
		if len(rows) != 1+4*4 {
			t.Errorf("%d rows, want 17", len(rows))
		}
		var may, q2 string
		for _, r := range rows[1:] {
			if r[4] == "Received" && r[1] == "2026-05" {
				may = r[8]
			}
			if r[4] == "Received" && r[1] == "2026-Q2" {
				q2 = r[8]
			}
		}
		if may != "6" || q2 != "6" {
			t.Errorf("received in May %q, in the quarter %q; want 6 and 6", may, q2)
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: "backlog"})
		if err != nil || len(page.Entries) != 1 {
			t.Fatalf("audit entries %+v, %v", page.Entries, err)
		}
		e := page.Entries[0]
		if e.Action != audit.Disclose || e.ActorName != "authority" || !strings.Contains(e.Reason, "backlog for 2026-Q2") ||
			!strings.Contains(e.Reason, "kind=complaint") {
			t.Errorf("audit entry %+v", e)
		}

		for _, path := range []string{"/dashboard/happiness.csv?period=2026", "/dashboard/backlog?period=2026", "/dashboard/backlog.json"} {
			if rec := c.do(t, "GET", path, "", ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, rec.Code)
			}
		}
		if rec := c.do(t, "GET", "/dashboard/backlog.csv?period=never", "", ""); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a bad period: %d, want 422", rec.Code)
		}
	})
}
