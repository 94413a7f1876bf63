package web_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

// TestOversightSharedCasesPage: the oversight body's page lists the
// cases shared with it and no other; each opens on the case page with no
// action to take; a case not shared is refused on a plain page that names
// nothing of it; the list read is audited.
func TestOversightSharedCasesPage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		refs := map[string]string{}
		summaries := map[string]string{}
		for _, rel := range relations {
			if rel == relNonexistent {
				continue
			}
			c, err := f.db.Case(ctx, f.cases[rel])
			if err != nil {
				t.Fatal(err)
			}
			refs[rel], summaries[rel] = c.Reference, c.Summary
		}
		o := f.login(t, access.Oversight)
		rec := o.do(t, "GET", "/shared-cases", "", "")
		if rec.Code != 200 {
			t.Fatalf("shared cases: %d %s", rec.Code, rec.Body)
		}
		page := rec.Body.String()
		if !strings.Contains(page, `href="/cases/`+f.cases[relShared]+`">`+refs[relShared]+`</a>`) {
			t.Errorf("the shared case %s is not listed", refs[relShared])
		}
		for rel, ref := range refs {
			if rel != relShared && strings.Contains(page, ref) {
				t.Errorf("the %s case %s is listed", rel, ref)
			}
		}
		if !strings.Contains(page, `href="/shared-cases" aria-current="page"`) {
			t.Errorf("the navigation does not offer and mark the page")
		}
		if !strings.Contains(auditText(t, f), "shared cases page: 1 shown, first page") {
			t.Errorf("the list read is not audited")
		}

		rec = o.do(t, "GET", "/cases/"+f.cases[relShared], "", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), refs[relShared]) {
			t.Fatalf("opening the shared case: %d", rec.Code)
		}
		if strings.Contains(rec.Body.String(), "<form method=\"post\" action=\"/cases/") {
			t.Errorf("the shared case offers the oversight body a form to change it")
		}
		for _, rel := range []string{relOtherUnit, relOwn, relRestricted, relNonexistent} {
			rec = o.do(t, "GET", "/cases/"+f.cases[rel], "", "")
			if rec.Code != 403 && rec.Code != 404 {
				t.Errorf("the %s case answers %d", rel, rec.Code)
			}
			body := rec.Body.String()
			if rel != relNonexistent && (strings.Contains(body, refs[rel]) || strings.Contains(body, summaries[rel])) {
				t.Errorf("the refusal of the %s case names it", rel)
			}
			if strings.Contains(body, "break-glass") || strings.Contains(body, "break glass") {
				t.Errorf("the refusal of the %s case offers break glass to the oversight body", rel)
			}
		}
		for _, role := range []access.Role{access.Handler, access.PSDHead, access.Guardian, access.Auditor} {
			if rec := f.login(t, role).do(t, "GET", "/shared-cases", "", ""); rec.Code != 403 {
				t.Errorf("%s opens the oversight body's list: %d", role, rec.Code)
			}
		}
	})
}
