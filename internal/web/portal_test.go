package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/disclosure"
	"github.com/probity/probity/internal/figures"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// portalMatrixPath fills in the public figures' routes, or reports false.
func portalMatrixPath(pattern string) (string, bool) {
	switch pattern {
	case "/public/measures/{measure}":
		return "/public/measures/backlog", true
	case "/open-data/{measure}/{file}":
		return "/open-data/backlog/2025-Q1.csv", true
	}
	return "", false
}

// afterTheYear moves the fixture's clock into 2027, so that 2026, the
// year its cases were received in, is the last whole year the portal
// publishes.
func afterTheYear(f *fixture) { f.now = time.Date(2027, 2, 3, 10, 0, 0, 0, time.UTC) }

func TestPortalPagesNeedNoSession(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		afterTheYear(f)
		for _, tc := range []struct {
			path  string
			wants []string
		}{
			{"/public", []string{"Figures about complaints and misconduct", "January to March 2026", `href="/public/hearings"`,
				`href="/public/oversight"`, `href="/open-data"`, "Backlog", `role="img"`, "What it counts", `href="/public/measures/backlog"`}},
			{"/public/measures/backlog", []string{"Backlog", "Every figure", "Open at the start", "April to June 2026",
				`href="/open-data/backlog/2026-Q2.csv"`, `href="/open-data/backlog/2026.json"`, "Open Government Licence v3.0"}},
			{"/open-data", []string{"Open Government Licence v3.0", `href="/open-data/backlog/2026-Q1.csv"`,
				"group_1", "[c]", `rel="license"`}},
		} {
			rec := f.anonymous().do(t, "GET", tc.path, "", "")
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", tc.path, rec.Code, rec.Body)
			}
			body := rec.Body.String()
			for _, w := range tc.wants {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", tc.path, w)
				}
			}
			if c := rec.Header().Get("Set-Cookie"); c != "" {
				t.Errorf("%s sets a cookie: %s", tc.path, c)
			}
			if strings.Contains(body, "<script") {
				t.Errorf("%s needs a script", tc.path)
			}
			for _, footer := range []string{`href="/public">Figures about complaints and misconduct</a>`, `href="/open-data">Open data</a>`} {
				if !strings.Contains(body, footer) {
					t.Errorf("%s: the footer lacks %s", tc.path, footer)
				}
			}
		}
	})
}

func TestOpenDataFiles(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		afterTheYear(f)
		for _, tc := range []struct {
			path   string
			status int
			field  string // the field a refusal names
			empty  bool
			note   string
		}{
			{"/open-data/backlog/2026-Q2.csv", 200, "", false, ""},
			{"/open-data/backlog/2026-Q2.json", 200, "", false, ""},
			{"/open-data/open-by-age/2026.json", 200, "", false, ""},
			{"/open-data/allegation-outcomes/2026-q4.json", 200, "", false, ""},
			{"/open-data/backlog/2027-Q1.json", 200, "", true, "year has not ended"},
			{"/open-data/backlog/2031.csv", 200, "", true, "year has not ended"},
			{"/open-data/backlog/1999-Q1.json", 200, "", true, "before the first record"},
			{"/open-data/no-such-measure/2026.json", 404, "measure", false, ""},
			{"/open-data/no-such-measure/2026.csv", 404, "measure", false, ""},
			{"/open-data/backlog/2026-Q5.json", 400, "period", false, ""},
			{"/open-data/backlog/2026-03.json", 400, "period", false, ""},
			{"/open-data/backlog/2026-01-01..2026-02-01.csv", 400, "period", false, ""},
			{"/open-data/backlog/2026.xml", 404, "file", false, ""},
		} {
			rec := f.anonymous().do(t, "GET", tc.path, "", "")
			if rec.Code != tc.status {
				t.Errorf("%s: %d, want %d: %s", tc.path, rec.Code, tc.status, rec.Body)
				continue
			}
			body := rec.Body.String()
			if tc.status != 200 {
				var p struct {
					Status int
					Errors []struct{ Field, Reason string }
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("%s: refused as %q, want problem+json", tc.path, ct)
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Reason == "" {
					t.Errorf("%s: want a problem naming %s, got %s", tc.path, tc.field, body)
				}
				continue
			}
			if rec.Header().Get("ETag") == "" || rec.Header().Get("Last-Modified") == "" {
				t.Errorf("%s: no ETag or Last-Modified", tc.path)
			}
			if l := rec.Header().Get("Link"); !strings.Contains(l, `rel="license"`) || !strings.Contains(l, "Open Government Licence v3.0") {
				t.Errorf("%s: Link %q names no licence", tc.path, l)
			}
			if strings.HasSuffix(tc.path, ".csv") {
				rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				if err != nil || len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(figures.CSVHeader, ",") {
					t.Errorf("%s: not CSV under the documented header: %v %q", tc.path, err, body)
					continue
				}
				if (len(rows) == 1) != tc.empty {
					t.Errorf("%s: %d rows, empty %v", tc.path, len(rows)-1, tc.empty)
				}
				if tc.note != "" && !strings.Contains(rec.Header().Get("X-Probity-Note"), tc.note) && len(rows) == 1 {
					t.Errorf("%s: the empty file does not say why: %q", tc.path, rec.Header().Get("X-Probity-Note"))
				}
				checkCounts(t, tc.path, rows[1:])
				continue
			}
			var doc struct {
				Licence string
				Measure struct{ ID, Definition string }
				Period  struct{ ID, Start, End string }
				Empty   bool
				Notes   []string
				Rows    []struct {
					Statistic string
					Value     *float64
					Marker    string
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Errorf("%s: %v", tc.path, err)
				continue
			}
			if doc.Licence != "Open Government Licence v3.0" || doc.Measure.Definition == "" || doc.Period.Start == "" {
				t.Errorf("%s: metadata missing: %+v", tc.path, doc)
			}
			if doc.Empty != tc.empty || (tc.note != "" && !strings.Contains(strings.Join(doc.Notes, " "), tc.note)) {
				t.Errorf("%s: empty %v notes %q; want empty %v saying %q", tc.path, doc.Empty, doc.Notes, tc.empty, tc.note)
			}
			for _, r := range doc.Rows {
				if r.Statistic == "count" && r.Value != nil && *r.Value >= 1 && *r.Value < disclosure.MinShown {
					t.Errorf("%s: a count of %v is published", tc.path, *r.Value)
				}
				if (r.Value == nil) == (r.Marker == "") {
					t.Errorf("%s: a row with value %v and marker %q", tc.path, r.Value, r.Marker)
				}
			}
		}
	})
}

// checkCounts fails on a count from 1 to 4 in CSV rows.
func checkCounts(t *testing.T, path string, rows [][]string) {
	t.Helper()
	for _, r := range rows {
		if r[7] == string(measures.Count) && len(r[8]) == 1 && r[8] >= "1" && r[8] <= "4" {
			t.Errorf("%s: a count of %s is published: %q", path, r[8], r)
		}
	}
}

func TestOpenDataNotModified(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		afterTheYear(f)
		const path = "/open-data/backlog/2026-Q2.json"
		first := f.anonymous().do(t, "GET", path, "", "")
		etag, modified := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
		if first.Code != 200 || etag == "" || modified == "" {
			t.Fatalf("%d, ETag %q, Last-Modified %q", first.Code, etag, modified)
		}
		lastMod, err := http.ParseTime(modified)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			headers map[string]string
			want    int
		}{
			{"the same ETag", map[string]string{"If-None-Match": etag}, 304},
			{"one of several ETags", map[string]string{"If-None-Match": `"other", ` + etag}, 304},
			{"another ETag", map[string]string{"If-None-Match": `"other"`}, 200},
			{"not modified since", map[string]string{"If-Modified-Since": modified}, 304},
			{"modified since", map[string]string{"If-Modified-Since": lastMod.Add(-time.Hour).Format(http.TimeFormat)}, 200},
			{"another ETag wins over the date", map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": modified}, 200},
		} {
			rec := f.anonymous().doWith(t, "GET", path, tc.headers)
			if rec.Code != tc.want {
				t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.want)
			}
			if rec.Code == 304 && rec.Body.Len() != 0 {
				t.Errorf("%s: a 304 with a body", tc.name)
			}
		}
		// The next day the figures are worked out again; the same figures
		// keep their ETag.
		f.now = f.now.Add(24 * time.Hour)
		if rec := f.anonymous().doWith(t, "GET", path, map[string]string{"If-None-Match": etag}); rec.Code != 304 {
			t.Errorf("the next day, unchanged figures: %d, want 304", rec.Code)
		}
	})
}

func TestPortalRefusesPlainly(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		afterTheYear(f)
		rec := f.anonymous().do(t, "GET", "/public/measures/no-such-measure", "", "")
		if rec.Code != 404 || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(rec.Body.String(), "is not a measure") {
			t.Errorf("an unknown measure's page: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestPublicOutputIdentifiesNoOne reads everything the portal and open
// data publish for the fixture's year and looks for anything that names
// or points at a record: case references and ids, officers' names and
// collar numbers, users, unit names, and the cases' free text.
func TestPublicOutputIdentifiesNoOne(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		afterTheYear(f)
		paths := []string{"/public", "/open-data"}
		for _, id := range measures.IDs() {
			paths = append(paths, "/public/measures/"+id)
			for _, p := range []string{"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026"} {
				paths = append(paths, "/open-data/"+id+"/"+p+".csv", "/open-data/"+id+"/"+p+".json")
			}
		}
		forbidden := []string{"Case standing", "Subject", "Staff ", "Test ", "Unit A", "Unit B", "Fixture Police", "statement"}
		for _, id := range f.cases {
			forbidden = append(forbidden, id)
		}
		for _, u := range f.users {
			forbidden = append(forbidden, u.ID)
		}
		reference := regexp.MustCompile(`\b[A-Z]{2}/\d{4}/\d{6}\b`)
		for _, path := range paths {
			rec := f.anonymous().do(t, "GET", path, "", "")
			if rec.Code != 200 {
				t.Errorf("%s: %d", path, rec.Code)
				continue
			}
			text := rec.Body.String()
			if strings.HasPrefix(text, "<!doctype") {
				text = visibleText(text)
			}
			for _, w := range forbidden {
				if strings.Contains(text, w) {
					t.Errorf("%s shows %q", path, w)
				}
			}
			if ref := reference.FindString(text); ref != "" {
				t.Errorf("%s shows the reference %s", path, ref)
			}
			if id := recordID.FindString(text); id != "" {
				t.Errorf("%s shows the record id %s", path, id)
			}
		}
	})
}

// FuzzOpenDataPath asks for open data under arbitrary names: every answer
// is a file, or a refusal naming the part of the address at fault, never
// a failure of Probity's own.
func FuzzOpenDataPath(fz *testing.F) {
	for _, seed := range []string{"backlog/2026-Q1.csv", "backlog/2026.json", "speakup/2031-Q4.csv", "x/2026.json",
		"backlog/2026-Q9.csv", "backlog/9999.json", "backlog/0000-Q1.csv", "backlog/.csv", "backlog/2026-01-01..2026-12-31.json"} {
		fz.Add(seed)
	}
	f := newFixture(fz, storetest.Open(fz, store.Location{Dialect: store.SQLite, Path: filepath.Join(fz.TempDir(), "p.db")}), true)
	afterTheYear(f)
	fz.Fuzz(func(t *testing.T, name string) {
		measure, file, ok := strings.Cut(name, "/")
		if !ok || measure == "" || file == "" || strings.ContainsAny(name, "?#%\\") || strings.Contains(file, "/") {
			return
		}
		for _, r := range name {
			if r <= ' ' || r >= 0x7f {
				return
			}
		}
		rec := f.anonymous().do(t, "GET", "/open-data/"+measure+"/"+file, "", "")
		switch rec.Code {
		case 200:
			if rec.Header().Get("ETag") == "" {
				t.Errorf("%s: a file with no ETag", name)
			}
		case 400, 404:
			var p struct{ Errors []struct{ Field string } }
			if json.Unmarshal(rec.Body.Bytes(), &p) != nil || len(p.Errors) != 1 {
				t.Errorf("%s: %d without a problem naming a field: %s", name, rec.Code, rec.Body)
			}
		default:
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	})
}
