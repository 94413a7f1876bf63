package web_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/probity/probity/internal/access"
)

var navLink = regexp.MustCompile(`class="govuk-service-navigation__link" href="([^"]+)"`)

// TestNavigationOffersExactlyWhatTheRoleMayOpen: the service navigation
// of each role links every page the role may open and no page it may not,
// so nobody learns what they may not do by being refused.
func TestNavigationOffersExactlyWhatTheRoleMayOpen(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		candidates := []string{"/", "/cases", "/cases/new", "/eis/flags", "/eis/fairness", "/speak-up/inbox", "/shared-cases", "/vetting",
			"/audit", "/admin/users", "/admin/units", "/national-return", "/oversight/meetings", "/oversight/posts",
			"/dashboard"}
		candidates = append(candidates, "/vetting/lists", "/vetting/transfers", "/oversight")
		for _, role := range access.Roles {
			c := f.login(t, role)
			home := c.do(t, "GET", "/", "", "")
			var offered []string
			for _, m := range navLink.FindAllStringSubmatch(home.Body.String(), -1) {
				if m[1] != "/" || !slices.Contains(offered, "/") {
					offered = append(offered, m[1])
				}
			}
			for _, path := range candidates {
				code := c.do(t, "GET", path, "", "").Code
				if got := slices.Contains(offered, path); got != (code == 200) {
					t.Errorf("%s: %s offered=%v but answers %d", role, path, got, code)
				}
			}
		}
		if body := f.anonymous().do(t, "GET", "/login", "", "").Body.String(); navLink.MatchString(body) && len(navLink.FindAllString(body, -1)) > 1 {
			t.Errorf("the sign-in page offers a menu to a stranger")
		}
	})
}
