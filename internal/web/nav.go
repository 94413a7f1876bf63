package web

import (
	"net/http"
	"strings"

	"github.com/probity/probity/internal/access"
)

// navItem is one link of the service navigation.
type navItem struct {
	Text, Href string
	Current    bool
}

// navLinks are the pages the service navigation may offer, in order. Which
// of them a user sees is decided by the permission of the route each link
// opens, looked up in the routing table, so the menu can never offer a page
// that would answer "Forbidden", nor hide one the user may open.
var navLinks = []struct{ text, href string }{
	{"Home", "/"},
	{"Cases", "/cases"},
	{"Record a case", "/cases/new"},
	{"Early-intervention flags", "/eis/flags"},
	{"Fairness report", "/eis/fairness"},
	{"National return", "/national-return"},
	{"Vetting reviews", "/vetting"},
	{"Barred and advisory lists", "/vetting/lists"},
	{"Transfer checks", "/vetting/transfers"},
	{"Hearing notices", "/hearing-notices"},
	{"Speak-up inbox", "/speak-up/inbox"},
	{"Shared cases", "/shared-cases"},
	{"Figures", "/dashboard"},
	{"Accountability boards", "/oversight/meetings"},
	{"Leadership posts", "/oversight/posts"},
	{"Accountability", "/oversight"},
	{"Audit log", "/audit"},
	{"Accounts", "/admin/users"},
	{"Units", "/admin/units"},
}

// navPermissions maps each page route's pattern to its permission. The
// home page's pattern "/{$}" is stored as "/".
func navPermissions(routes []route) map[string]access.Permission {
	out := map[string]access.Permission{}
	for _, rt := range routes {
		if rt.Method == http.MethodGet && rt.Page {
			out[strings.TrimSuffix(rt.Pattern, "{$}")] = rt.Permission
		}
	}
	return out
}

// nav is the menu for this caller on this page: nothing for a stranger or
// a session still setting up two-step sign-in.
func (s *Server) nav(r *http.Request) []navItem {
	p := caller(r)
	if p == nil {
		return nil
	}
	var out []navItem
	exact := false
	for _, l := range navLinks {
		perm, ok := s.navPerm[l.href]
		if !ok || !access.Allowed(p, perm) {
			continue
		}
		cur := r.URL.Path == l.href || (l.href != "/" && strings.HasPrefix(r.URL.Path, l.href+"/"))
		exact = exact || r.URL.Path == l.href
		out = append(out, navItem{Text: l.text, Href: l.href, Current: cur})
	}
	// A page with a link of its own (Record a case, under Cases) marks
	// only that link as the current one.
	for i := range out {
		if exact && out[i].Href != r.URL.Path {
			out[i].Current = false
		}
	}
	return out
}
