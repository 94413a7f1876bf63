package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
)

// TestMyWorkCountsOnlyCasesTheUserMayOpen: the counts of My work are
// counts of cases the policy lets the user open. The conflicted and the
// restricted case are assigned to every case worker too, so a count
// scoped by assignment alone would include them.
func TestMyWorkCountsOnlyCasesTheUserMayOpen(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			for _, rel := range []string{relConflicted, relRestricted} {
				for _, u := range f.users {
					if err := tx.AssignCase(ctx, f.cases[rel], u.ID, f.now); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []access.Role{access.Handler, access.Investigator, access.Authority, access.PSDHead} {
			c := f.login(t, role)
			rec := c.do(t, "GET", "/", "", "")
			if rec.Code != 200 {
				t.Fatalf("%s: %d", role, rec.Code)
			}
			body := rec.Body.String()
			open := openableCases(t, f, role)
			// Every fixture case is a complaint just received: open, and
			// assigned only in the own relation (and the hidden two).
			mine := 0
			for id := range open {
				if id == f.cases[relOwn] {
					mine++
				}
			}
			got := map[string]int{}
			for _, m := range workCounts.FindAllStringSubmatch(body, -1) {
				got[m[1]], _ = strconv.Atoi(m[2])
			}
			if got["mine"] != mine {
				t.Errorf("%s: my open cases %d, want %d", role, got["mine"], mine)
			}
			for name, n := range got {
				if n > len(open) {
					t.Errorf("%s: %s counts %d, more than the %d cases the role may open", role, name, n, len(open))
				}
			}
			aa := role == access.Authority || role == access.PSDHead
			if _, ok := got["unassigned"]; ok != aa {
				t.Errorf("%s: unit queues shown = %v", role, ok)
			}
			if aa && got["unassigned"] != len(open)-mine {
				t.Errorf("%s: unassigned %d, want %d", role, got["unassigned"], len(open)-mine)
			}
			if role == access.Handler && got["awaiting"] != mine {
				t.Errorf("handler: awaiting my decision %d, want %d (the received complaint waits for contact)", got["awaiting"], mine)
			}
			for _, mark := range hiddenMarks(t, f) {
				if strings.Contains(body, mark) {
					t.Errorf("%s: My work names a hidden case", role)
				}
			}
			if strings.Contains(body, `id="break-glass"`) || strings.Contains(body, `id="no-break-glass"`) {
				if !access.Allowed(&access.Principal{User: f.users[role], Roles: []access.Role{role}, MFAPassed: true}, access.BreakGlassList) {
					t.Errorf("%s sees the break-glass list", role)
				}
			} else if role == access.PSDHead {
				t.Errorf("the head of standards does not see the break-glass list")
			}
		}
	})
}

// TestStartPageOffersEveryRoleSomethingToDo: a role with no case work
// still finds links to the pages it may open, or its own section.
func TestStartPageOffersEveryRoleSomethingToDo(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		for _, role := range access.Roles {
			body := f.login(t, role).do(t, "GET", "/", "", "").Body.String()
			if strings.Contains(body, `id="nothing"`) {
				t.Errorf("%s: the start page offers nothing to do", role)
			}
		}
	})
}
