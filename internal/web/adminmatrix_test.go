package web_test

import (
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
)

// The auditors' and administrators' pages in the authorisation matrix:
// only their role may open them; anyone else signed in is refused, and a
// stranger is sent to sign in.
func init() {
	only := func(role access.Role, status int) expect {
		return expect{all: byRole(403, map[access.Role]int{anon: 303, role: status})}
	}
	rows := map[string]expect{
		"GET /audit":                                   {},
		"GET /audit/record":                            {},
		"GET /audit/user":                              {},
		"GET /audit/record/export":                     {},
		"GET /audit/user/export":                       {},
		"POST /audit/verify":                           only(access.Auditor, 303),
		"GET /admin/users":                             only(access.Admin, 200),
		"GET /admin/users/new":                         only(access.Admin, 200),
		"POST /admin/users":                            only(access.Admin, 201),
		"GET /admin/users/{id}":                        only(access.Admin, 200),
		"GET /admin/units":                             only(access.Admin, 200),
		"POST /admin/units":                            only(access.Admin, 303),
		"POST /admin/users/{id}/access":                only(access.Admin, 303),
		"POST /admin/users/{id}/status":                only(access.Admin, 303),
		"POST /admin/users/{id}/reset-mfa":             only(access.Admin, 303),
		"POST /admin/users/{id}/tokens":                only(access.Admin, 201),
		"POST /admin/users/{id}/tokens/{token}/revoke": only(access.Admin, 303),
	}
	for k, v := range rows {
		if v.all == nil {
			v = only(access.Auditor, 200)
		}
		theMatrix[k] = v
	}
	matrixBodies["POST /admin/users"] = fixed(form, "display_name=New+Person&username=new.person&roles=handler")
	matrixBodies["POST /admin/units"] = fixed(form, "name=Unit+C&code=C")
	matrixBodies["POST /admin/users/{id}/access"] = fixed(form, "roles=handler")
	matrixBodies["POST /admin/users/{id}/status"] = fixed(form, "disabled=false")
	matrixBodies["POST /admin/users/{id}/tokens"] = fixed(form, "token_name=job&expires=30&token_roles=handler")
}

// adminMatrixPath fills the auditors' and administrators' routes: the
// questions ask about the fixture's subject officer and the handler, and
// the account routes act on the handler's account.
func adminMatrixPath(f *fixture, pattern string) (string, bool) {
	switch {
	case strings.HasPrefix(pattern, "/audit/record"):
		return pattern + "?kind=officer&ref=S1", true
	case strings.HasPrefix(pattern, "/audit/user"):
		return pattern + "?ref=handler", true
	case strings.Contains(pattern, "{token}"):
		uid := f.users[access.Handler].ID
		t := store.APIToken{UserID: uid, Name: "matrix", Roles: []access.Role{access.Handler}, CreatedAt: f.now}
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateAPIToken(ctx, &t, "matrix-hash-"+time.Now().Format(time.RFC3339Nano))
		})
		if err != nil {
			panic(err)
		}
		return strings.NewReplacer("{id}", uid, "{token}", t.ID).Replace(pattern), true
	case strings.HasPrefix(pattern, "/admin/users/{id}"):
		return strings.Replace(pattern, "{id}", f.users[access.Handler].ID, 1), true
	}
	return "", false
}
