package web_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/web"
)

// anon stands for a caller who is not signed in.
const anon = access.Role("(anonymous)")

var matrixCallers = append([]access.Role{anon}, access.Roles...)

// expect is the expected status of one route for each caller. For routes
// about a case, perRelation gives the status for each relation of the case
// to the caller; for others, all.
type expect struct {
	all         map[access.Role]int
	perRelation map[access.Role]map[string]int
}

// byRole gives every caller the status def, except those listed.
func byRole(def int, except map[access.Role]int) map[access.Role]int {
	m := map[access.Role]int{}
	for _, r := range matrixCallers {
		m[r] = def
	}
	for r, s := range except {
		m[r] = s
	}
	return m
}

// relStatus lists statuses for own, same unit, other unit, conflicted,
// restricted, nonexistent and shared, in that order.
func relStatus(s ...int) map[string]int {
	m := map[string]int{}
	for i, rel := range relations {
		m[rel] = s[i]
	}
	return m
}

// caseRoute builds the expectations of a route about one case: caseRoles
// get perCase; the oversight body gets oversight; everyone else is
// refused by role (403), and anonymous callers get anonStatus. Roles in
// except get their own row.
func caseRoute(perCase, oversight map[string]int, anonStatus int, except ...map[access.Role]map[string]int) expect {
	e := expect{perRelation: map[access.Role]map[string]int{}}
	defer func() {
		for _, m := range except {
			for r, row := range m {
				e.perRelation[r] = row
			}
		}
	}()
	for _, r := range matrixCallers {
		switch r {
		case access.Handler, access.Investigator, access.Authority, access.PSDHead:
			e.perRelation[r] = perCase
		case access.Oversight:
			e.perRelation[r] = oversight
		case anon:
			e.perRelation[r] = relStatus(anonStatus, anonStatus, anonStatus, anonStatus, anonStatus, anonStatus, anonStatus)
		default:
			e.perRelation[r] = relStatus(403, 403, 403, 403, 403, 403, 403)
		}
	}
	return e
}

// theMatrix is written by hand from the policy's intent, not derived from
// the code: who may do what to which case.
var theMatrix = map[string]expect{
	"GET /healthz":      {all: byRole(200, nil)},
	"GET /readyz":       {all: byRole(200, nil)},
	"GET /static/":      {all: byRole(200, nil)},
	"GET /login":        {all: byRole(200, nil)},
	"POST /login":       {all: byRole(401, nil)}, // an empty form is a failed sign-in
	"POST /logout":      {all: byRole(303, nil)},
	"GET /mfa":          {all: byRole(303, nil)}, // signed in and enrolled: on to the start page; anonymous: to sign-in
	"POST /mfa/enrol":   {all: byRole(409, map[access.Role]int{anon: 303})},
	"POST /mfa/confirm": {all: byRole(409, map[access.Role]int{anon: 303})},
	"GET /{$}":          {all: byRole(200, map[access.Role]int{anon: 303})},
	"GET /cases": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Oversight: 200})},
	"GET /cases.csv": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Oversight: 200})},
	"GET /cases/new": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Authority: 200, access.PSDHead: 200})},
	// A form with no answers is shown again with what to put right.
	"POST /cases/new": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 422, access.Authority: 422, access.PSDHead: 422})},
	"GET /cases/{id}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 404, 404, 404, 200), 303),
	// The case page's forms answer as their API twins do, a success
	// going back to the case page (303). The investigator may not make
	// initial contact: the form says the action is not open to them (409).
	"GET /cases/{id}/act/{action}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303,
		map[access.Role]map[string]int{access.Investigator: relStatus(409, 409, 403, 404, 404, 404, 403)}),
	"POST /cases/{id}/act/{action}": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303,
		map[access.Role]map[string]int{access.Investigator: relStatus(409, 409, 403, 404, 404, 404, 403)}),
	// A step's form answers as POST /api/v1/cases/{id}/steps does.
	"GET /cases/{id}/steps/{step}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"POST /cases/{id}/steps/{step}": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"POST /cases/{id}/notes": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"POST /cases/{id}/documents": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"GET /cases/{id}/documents/{doc}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 404, 404, 404, 200), 303),
	"GET /cases/{id}/assign":       grantRoute(200),
	"POST /cases/{id}/assign":      grantRoute(303),
	"GET /cases/{id}/named-users":  grantRoute(200),
	"POST /cases/{id}/named-users": grantRoute(303),
	"GET /cases/{id}/share":        grantRoute(200),
	"POST /cases/{id}/share":       grantRoute(303),
	"POST /cases/{id}/break-glass": caseRoute(
		relStatus(303, 303, 303, 404, 404, 404, 303),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),

	"POST /api/v1/session":     {all: byRole(401, nil)}, // no credentials in the body
	"GET /api/v1/session":      {all: byRole(200, map[access.Role]int{anon: 401})},
	"DELETE /api/v1/session":   {all: byRole(204, map[access.Role]int{anon: 401})},
	"POST /api/v1/mfa/enrol":   {all: byRole(409, map[access.Role]int{anon: 401})},
	"POST /api/v1/mfa/confirm": {all: byRole(409, map[access.Role]int{anon: 401})},
	"GET /api/v1/cases/{id}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 404, 404, 404, 200), 401),
	"POST /api/v1/cases/{id}/break-glass": caseRoute(
		relStatus(409, 409, 201, 404, 404, 404, 201),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	"GET /api/v1/break-glass": {all: byRole(403, map[access.Role]int{anon: 401, access.Authority: 200, access.PSDHead: 200, access.Auditor: 200})},

	// The vetting unit's pages; {id} is a case id here, so no review:
	// those allowed learn only that there is no such review.
	"GET /vetting":               {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 200, access.PSDHead: 200})},
	"GET /vetting/reviews/{id}":  {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404, access.PSDHead: 404})},
	"POST /vetting/reviews/{id}": {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404})},

	"GET /api/v1/openapi.json": {all: byRole(200, nil)},
	"GET /api/v1/reference":    {all: byRole(200, map[access.Role]int{anon: 401})},
	"GET /api/v1/units":        {all: byRole(200, map[access.Role]int{anon: 401})},
	"GET /api/v1/cases": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Oversight: 200})},
	"POST /api/v1/cases": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 201, access.Authority: 201, access.PSDHead: 201})},
	// Each caller acts on a fresh world (see freshWorld): the first
	// action would otherwise move the case on for the next caller. The
	// investigator may not make initial contact: 403, naming the actions
	// open to them.
	"POST /api/v1/cases/{id}/actions": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Investigator: relStatus(403, 403, 403, 404, 404, 404, 403)}),
	"POST /api/v1/cases/{id}/steps": caseRoute(
		relStatus(201, 201, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	// Only the appropriate authority and the head of standards open a
	// case to others; they must be able to open it themselves.
	"POST /api/v1/cases/{id}/assignments": caseRoute(
		relStatus(204, 204, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Handler: relStatus(403, 403, 403, 403, 403, 403, 403),
			access.Investigator: relStatus(403, 403, 403, 403, 403, 403, 403)}),
	"POST /api/v1/cases/{id}/named-users": caseRoute(
		relStatus(204, 204, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Handler: relStatus(403, 403, 403, 403, 403, 403, 403),
			access.Investigator: relStatus(403, 403, 403, 403, 403, 403, 403)}),
	"POST /api/v1/cases/{id}/share": caseRoute(
		relStatus(204, 204, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Handler: relStatus(403, 403, 403, 403, 403, 403, 403),
			access.Investigator: relStatus(403, 403, 403, 403, 403, 403, 403)}),
	"POST /api/v1/cases/{id}/notes": caseRoute(
		relStatus(201, 201, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	"POST /api/v1/cases/{id}/documents": caseRoute(
		relStatus(201, 201, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	"GET /api/v1/cases/{id}/documents/{doc}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 404, 404, 404, 200), 401),
	"GET /api/v1/officers": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Supervisor: 200})},
	"GET /api/v1/officers/{id}": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Supervisor: 200})},
	"GET /officers/{id}": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Supervisor: 200})},
	"GET /api/v1/audit": {all: byRole(403, map[access.Role]int{anon: 401, access.Auditor: 200})},
	"GET /api/v1/users": {all: byRole(403, map[access.Role]int{anon: 401, access.Admin: 200})},

	// Early intervention: supervisors see their units' flags (the flag is
	// on an officer of unit A, the supervisor's), the head of standards
	// sees all and the fairness report.
	"GET /api/v1/eis/flags":              {all: byRole(403, map[access.Role]int{anon: 401, access.Supervisor: 200, access.PSDHead: 200})},
	"GET /api/v1/eis/flags/{id}":         {all: byRole(403, map[access.Role]int{anon: 401, access.Supervisor: 200, access.PSDHead: 200})},
	"POST /api/v1/eis/flags/{id}/review": {all: byRole(403, map[access.Role]int{anon: 401, access.Supervisor: 200, access.PSDHead: 200})},
	"GET /api/v1/eis/fairness":           {all: byRole(403, map[access.Role]int{anon: 401, access.PSDHead: 200})},
	"GET /eis/fairness":                  {all: byRole(403, map[access.Role]int{anon: 303, access.PSDHead: 200})},
	"GET /eis/flags":                     {all: byRole(403, map[access.Role]int{anon: 303, access.Supervisor: 200, access.PSDHead: 200})},
	"GET /eis/flags/{id}":                {all: byRole(403, map[access.Role]int{anon: 303, access.Supervisor: 200, access.PSDHead: 200})},
	// A review accepted from the form goes back to the flag's page.
	"POST /eis/flags/{id}/review": {all: byRole(403, map[access.Role]int{anon: 303, access.Supervisor: 303, access.PSDHead: 303})},

	// Single sign-on is off in the fixture: the routes answer 404 to all.
	"GET /auth/oidc/start":    {all: byRole(404, nil)},
	"GET /auth/oidc/callback": {all: byRole(404, nil)},

	// The public complaint doors answer everyone alike. The bodies below
	// stop short of recording anything: a form with no idempotency key is
	// shown again (422), an API call without the header is refused (400),
	// and a status check for a complaint that does not exist finds none.
	"GET /complain":                  {all: byRole(200, nil)},
	"POST /complain":                 {all: byRole(422, nil)},
	"GET /complaint-status":          {all: byRole(200, nil)},
	"POST /complaint-status":         {all: byRole(404, nil)},
	"POST /api/v1/complaints":        {all: byRole(400, nil)},
	"POST /api/v1/complaints/status": {all: byRole(404, nil)},
}

// grantRoute is a page that opens a case to others: only the appropriate
// authority and the head of standards, on cases they may open.
func grantRoute(ok int) expect {
	no := relStatus(403, 403, 403, 403, 403, 403, 403)
	return caseRoute(relStatus(ok, ok, 403, 404, 404, 404, 403), no, 303,
		map[access.Role]map[string]int{access.Handler: no, access.Investigator: no})
}

type body struct{ contentType, body string }

func fixed(contentType, b string) func(*fixture) body {
	return func(*fixture) body { return body{contentType, b} }
}

// matrixBodies are request bodies for routes that need one to reach their
// decision.
var matrixBodies = map[string]func(*fixture) body{
	"POST /login":                         fixed("application/x-www-form-urlencoded", ""),
	"POST /cases/new":                     fixed("application/x-www-form-urlencoded", "summary="),
	"POST /mfa/confirm":                   fixed("application/x-www-form-urlencoded", "totp=000000"),
	"POST /api/v1/session":                fixed("application/json", `{}`),
	"POST /api/v1/mfa/confirm":            fixed("application/json", `{"totp":"000000"}`),
	"POST /api/v1/cases/{id}/break-glass": fixed("application/json", `{"reason":"urgent safeguarding call out of hours"}`),
	"POST /api/v1/cases/{id}/actions":     fixed("application/json", `{"action":"make_initial_contact"}`),
	"POST /api/v1/cases/{id}/notes":       fixed("application/json", `{"text":"Called the complainant back."}`),
	"POST /api/v1/cases/{id}/steps":       fixed("application/json", `{"step":"progress_update","note":"Letter sent"}`),
	"POST /api/v1/eis/flags/{id}/review":  fixed("application/json", `{"action":"review","note":"Read the complaints."}`),
	"POST /eis/flags/{id}/review":         fixed("application/x-www-form-urlencoded", "action=review&note=Read+the+complaints."),
	"POST /api/v1/cases/{id}/share":       fixed("application/json", `{}`),
	"POST /cases/{id}/act/{action}":       fixed("application/x-www-form-urlencoded", "version=1"),
	"POST /cases/{id}/notes":              fixed("application/x-www-form-urlencoded", "text=Called+the+complainant+back."),
	"POST /cases/{id}/break-glass":        fixed("application/x-www-form-urlencoded", "reason=urgent+safeguarding+call+out+of+hours"),
	"POST /cases/{id}/documents": fixed("multipart/form-data; boundary=XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\nA short statement.\r\n--XyZ--\r\n"),
	"POST /cases/{id}/assign": func(f *fixture) body {
		return body{"application/x-www-form-urlencoded", "user_id=" + f.users[access.Investigator].ID}
	},
	"POST /cases/{id}/named-users": func(f *fixture) body {
		return body{"application/x-www-form-urlencoded", "user_id=" + f.users[access.Investigator].ID}
	},
	"POST /api/v1/cases/{id}/assignments": func(f *fixture) body {
		return body{"application/json", `{"user_id":"` + f.users[access.Investigator].ID + `"}`}
	},
	"POST /api/v1/cases/{id}/named-users": func(f *fixture) body {
		return body{"application/json", `{"user_id":"` + f.users[access.Investigator].ID + `"}`}
	},
	"POST /cases/{id}/steps/{step}": fixed("application/x-www-form-urlencoded", "version=1&note=Letter+sent"),
	"POST /api/v1/cases/{id}/documents": fixed("multipart/form-data; boundary=XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\nA short statement.\r\n--XyZ--\r\n"),
	"POST /complain":          fixed("application/x-www-form-urlencoded", "what_happened=Shouted+at+me"),
	"POST /complaint-status":  fixed("application/x-www-form-urlencoded", "reference=CO%2F2026%2F000001&receipt=ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345"),
	"POST /api/v1/complaints": fixed("application/json", `{"what_happened":"Shouted at me"}`),
	"POST /api/v1/complaints/status": fixed("application/json",
		`{"reference":"CO/2026/000001","receipt":"ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345"}`),
	"POST /api/v1/cases": func(f *fixture) body {
		return body{"application/json", `{"kind":"complaint","unit_id":"` + f.unitA.ID + `","summary":"Rude on the phone","arose_on":"2026-05-20",
			"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["` + f.subject + `"]}],
			"complainants":[{"name":"A Person","email":"a.person@example.org"}]}`}
	},
}

// freshWorld lists routes whose success changes what the next caller
// would see, so each caller gets a world of its own.
// The complaint-status doors are throttled per address: a world of their
// own keeps every caller under the limit.
var freshWorld = map[string]bool{"POST /api/v1/cases/{id}/actions": true, "POST /api/v1/eis/flags/{id}/review": true,
	"POST /eis/flags/{id}/review": true, "POST /complaint-status": true, "POST /api/v1/complaints/status": true,
	"POST /cases/{id}/act/{action}": true, "POST /cases/{id}/steps/{step}": true}

func matrixPath(f *fixture, pattern, rel string) string {
	if p, ok := speakUpMatrixPath(f, pattern); ok {
		return p
	}
	if p, ok := eisMatrixPath(f, pattern); ok {
		return p
	}
	if p, ok := adminMatrixPath(f, pattern); ok {
		return p
	}
	if strings.HasPrefix(pattern, "/api/v1/officers/") || strings.HasPrefix(pattern, "/officers/") {
		return strings.Replace(pattern, "{id}", f.subject, 1)
	}
	caseID := f.cases[rel]
	p := strings.Replace(pattern, "{id}", caseID, 1)
	p = strings.Replace(p, "{doc}", f.docs[rel], 1)
	p = strings.Replace(p, "{action}", "make_initial_contact", 1)
	p = strings.Replace(p, "{step}", "progress_update", 1)
	p = strings.Replace(p, "{$}", "", 1)
	switch p {
	case "/static/":
		return "/static/probity.css"
	case "/api/v1/audit":
		return "/api/v1/audit?record=" + caseID
	}
	return p
}

// TestAuthorisationMatrix calls every route the router has, as every role
// and anonymously, against a case in every relation, and compares the
// status with the table above. A route with no row fails the test.
func TestAuthorisationMatrix(t *testing.T) {
	routes := web.New(web.Deps{}).Routes()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			for _, rt := range routes {
				key := rt.Method + " " + rt.Pattern
				want, ok := theMatrix[key]
				if !ok {
					t.Errorf("route %s has no row in the authorisation matrix: add one", key)
					continue
				}
				t.Run(key, func(t *testing.T) {
					// Each route gets a fresh world: signing out or breaking
					// glass must not change what the next route sees.
					world := func() *fixture { return newFixture(t, storetest.Open(t, e.New(t)), true) }
					checkRoute(t, world, key, rt.Method, rt.Pattern, want)
				})
			}
		})
	}
}

func checkRoute(t *testing.T, world func() *fixture, key, method, pattern string, want expect) {
	f := world()
	for _, role := range matrixCallers {
		if freshWorld[key] && role != matrixCallers[0] {
			f = world()
		}
		var b body
		if mk := matrixBodies[key]; mk != nil {
			b = mk(f)
		}
		c := f.anonymous()
		if role != anon {
			c = f.login(t, role)
		}
		rels := []string{relSameUnit}
		if want.perRelation != nil {
			rels = relations
		}
		for _, rel := range rels {
			resp := c.do(t, method, matrixPath(f, pattern, rel), b.contentType, b.body)
			status := want.all[role]
			if want.perRelation != nil {
				status = want.perRelation[role][rel]
			}
			if resp.Code != status {
				t.Errorf("%s as %s on the %s case: %d, want %d (%s)", key, role, rel, resp.Code, status,
					strings.TrimSpace(firstLine(resp.Body.String())))
			}
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	if len(s) > 200 {
		return s[:200]
	}
	return s
}
