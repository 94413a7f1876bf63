package web_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

// TestUnknownAndHiddenCasesAnswerAlike: an id naming no case is answered
// as a hidden case is, by every route about a case: the same status,
// headers and body, and the same single audited refusal (the same work,
// so the same time; see BenchmarkRefusal).
func TestUnknownAndHiddenCasesAnswerAlike(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		h := f.login(t, access.Handler)
		for _, rt := range []struct{ method, path, ct, body string }{
			{"GET", "/api/v1/cases/{id}", "", ""},
			{"GET", "/cases/{id}", "", ""},
			{"GET", "/api/v1/cases/{id}/documents/{doc}", "", ""},
			{"POST", "/api/v1/cases/{id}/notes", "application/json", `{"text":"A note."}`},
			{"POST", "/api/v1/cases/{id}/break-glass", "application/json", `{"reason":"urgent safeguarding call out of hours"}`},
			{"POST", "/api/v1/cases/{id}/actions", "application/json", `{"action":"make_initial_contact"}`},
		} {
			type answer struct {
				status int
				header http.Header
				body   string
				audits int
			}
			answers := map[string]answer{}
			for _, rel := range []string{relConflicted, relRestricted, relNonexistent} {
				path := strings.Replace(strings.Replace(rt.path, "{id}", f.cases[rel], 1), "{doc}", f.docs[rel], 1)
				before := auditCount(t, f)
				rec := h.do(t, rt.method, path, rt.ct, rt.body)
				// Every answer has a request id of its own, hidden case or
				// not: it is random, so it tells nothing.
				header := rec.Header().Clone()
				header.Del("X-Request-Id")
				answers[rel] = answer{rec.Code, header, strings.ReplaceAll(rec.Body.String(), f.cases[rel], "ID"), auditCount(t, f) - before}
			}
			want := answers[relNonexistent]
			if want.status != 404 || want.audits != 1 {
				t.Errorf("%s %s for no case: %d with %d audit entries, want 404 and one refusal", rt.method, rt.path, want.status, want.audits)
			}
			for _, rel := range []string{relConflicted, relRestricted} {
				got := answers[rel]
				if got.status != want.status || got.body != want.body || got.audits != want.audits || !maps.EqualFunc(got.header, want.header, slices.Equal) {
					t.Errorf("%s %s: the %s case answers %+v, no case %+v", rt.method, rt.path, rel, got, want)
				}
			}
		}
	})
}
