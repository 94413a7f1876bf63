package web_test

import (
	"github.com/probity/probity/internal/access"
)

// The hearing notices in the authorisation matrix: the appropriate
// authority and the head of standards only; the public page for all. {id}
// is a case id here, so no notice: those allowed learn only that there is
// no such notice. The drafting form is asked about each case relation:
// the fixture's cases have not reached a hearing, which the form says
// (200) where the case may be opened.
func init() {
	only := func(ok, anonStatus int) expect {
		return expect{all: byRole(403, map[access.Role]int{anon: anonStatus, access.Authority: ok, access.PSDHead: ok})}
	}
	no := relStatus(403, 403, 403, 403, 403, 403, 403)
	newForm := caseRoute(relStatus(200, 200, 403, 404, 404, 404, 403), no, 303,
		map[access.Role]map[string]int{access.Handler: no, access.Investigator: no})
	rows := map[string]expect{
		"GET /hearing-notices":                       only(200, 303),
		"GET /hearing-notices/new":                   newForm,
		"POST /hearing-notices/new":                  only(409, 303),
		"GET /hearing-notices/{id}":                  only(404, 303),
		"POST /hearing-notices/{id}/submit":          only(404, 303),
		"POST /hearing-notices/{id}/approve":         only(404, 303),
		"POST /hearing-notices/{id}/withdraw":        only(404, 303),
		"GET /public/hearings":                       {all: byRole(200, nil)},
		"GET /api/v1/hearing-notices":                only(200, 401),
		"POST /api/v1/hearing-notices":               only(409, 401),
		"GET /api/v1/hearing-notices/{id}":           only(404, 401),
		"POST /api/v1/hearing-notices/{id}/submit":   only(404, 401),
		"POST /api/v1/hearing-notices/{id}/approve":  only(404, 401),
		"POST /api/v1/hearing-notices/{id}/withdraw": only(404, 401),
	}
	for k, v := range rows {
		theMatrix[k] = v
	}
	matrixBodies["POST /hearing-notices/new"] = func(f *fixture) body {
		return body{form, "case=" + f.cases[relSameUnit] + "&kind=outcome&officer_id=" + f.subject + "&hearing_on=29%2F5%2F2026&text=Found+proved."}
	}
	matrixBodies["POST /hearing-notices/{id}/submit"] = fixed(form, "version=1")
	matrixBodies["POST /hearing-notices/{id}/approve"] = fixed(form, "version=1")
	matrixBodies["POST /hearing-notices/{id}/withdraw"] = fixed(form, "version=1&reasons=Drafted+in+error.")
	matrixBodies["POST /api/v1/hearing-notices"] = func(f *fixture) body {
		return body{"application/json", `{"case_id":"` + f.cases[relSameUnit] + `","kind":"outcome","officer_id":"` + f.subject +
			`","hearing_on":"2026-05-29","text":"Found proved."}`}
	}
	matrixBodies["POST /api/v1/hearing-notices/{id}/withdraw"] = fixed("application/json", `{"reasons":"Drafted in error."}`)
}

// hearingsMatrixPath asks the drafting form about the case in each
// relation.
func hearingsMatrixPath(f *fixture, pattern, rel string) (string, bool) {
	if pattern == "/hearing-notices/new" {
		return pattern + "?case=" + f.cases[rel], true
	}
	return "", false
}
