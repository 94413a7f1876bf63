package web_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

// TestOversightSharedCasesPage: the oversight body's page lists the
// cases shared with it and no other; each opens on the case page with no
// action to take; a case not shared is answered exactly as an id that
// names no case, so nothing of it shows, not even that it exists; the list
// read is audited.
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
		// A case not shared answers as an id that names no case, page and
		// API alike: the status must not tell the body that a case exists.
		for _, path := range []string{"/cases/", "/api/v1/cases/"} {
			none := o.do(t, "GET", path+f.cases[relNonexistent], "", "")
			noneBody := strings.ReplaceAll(none.Body.String(), f.cases[relNonexistent], "ID")
			if none.Code != 404 {
				t.Errorf("%s for no case answers %d", path, none.Code)
			}
			for _, rel := range []string{relOtherUnit, relOwn, relSameUnit, relRestricted} {
				rec = o.do(t, "GET", path+f.cases[rel], "", "")
				body := rec.Body.String()
				if rec.Code != none.Code || strings.ReplaceAll(body, f.cases[rel], "ID") != noneBody {
					t.Errorf("%s: the %s case answers %d, unlike no case (%d)", path, rel, rec.Code, none.Code)
				}
				if strings.Contains(body, refs[rel]) || strings.Contains(body, summaries[rel]) {
					t.Errorf("%s: the refusal of the %s case names it", path, rel)
				}
				if strings.Contains(body, "break-glass") || strings.Contains(body, "break glass") {
					t.Errorf("%s: the refusal of the %s case offers break glass to the oversight body", path, rel)
				}
			}
		}
		for _, role := range []access.Role{access.Handler, access.PSDHead, access.Guardian, access.Auditor} {
			if rec := f.login(t, role).do(t, "GET", "/shared-cases", "", ""); rec.Code != 403 {
				t.Errorf("%s opens the oversight body's list: %d", role, rec.Code)
			}
		}
	})
}
