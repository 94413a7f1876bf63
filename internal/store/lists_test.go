package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestCaseListScopeAgreesWithPolicy lists cases in every relation the
// need-to-know policy tells apart, as principals of every kind, and checks
// the SQL scope against access.CanOpenCase case by case: nothing in scope
// that the policy refuses, and nothing the policy opens left out of it but
// a break-glass opening (reached by id, not listed).
func TestCaseListScopeAgreesWithPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		force, units := seedForce(t, db)
		ref, err := cases.LoadReference()
		if err != nil {
			t.Fatal(err)
		}
		mkOfficer := func(tx *store.Tx, collar string) string {
			o := officers.Officer{ForceID: force.ID, CollarNumber: collar, FamilyName: collar, Rank: "constable", UnitID: units[0].ID,
				JoinedOn: day("2010-01-01")}
			if err := tx.CreateOfficer(ctx, &o, now); err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		users := map[string]access.User{}
		caseIDs := map[string]string{}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			x, subject, ox := mkOfficer(tx, "X1"), mkOfficer(tx, "S1"), mkOfficer(tx, "OX1")
			for _, u := range []access.User{
				{Username: "handler", Roles: []access.Role{access.Handler}, UnitIDs: []string{units[0].ID}, OfficerID: x},
				{Username: "named", Roles: []access.Role{access.Investigator}, UnitIDs: []string{units[1].ID}},
				{Username: "oversight", Roles: []access.Role{access.Oversight}, OfficerID: ox},
				{Username: "supervisor", Roles: []access.Role{access.Supervisor}, UnitIDs: []string{units[0].ID}},
				{Username: "psd", Roles: []access.Role{access.PSDHead}, UnitIDs: []string{units[1].ID}},
			} {
				u.DisplayName = u.Username
				if err := tx.CreateUser(ctx, &u, "x", now); err != nil {
					return err
				}
				users[u.Username] = u
			}
			mk := func(name, unit string, restricted bool, subjects []string, witness string) string {
				var subs []cases.Subject
				for _, s := range subjects {
					subs = append(subs, cases.Subject{OfficerID: s})
				}
				c := cases.Case{Kind: cases.Complaint, ForceID: force.ID, UnitID: unit, Summary: "case " + name, Restricted: restricted,
					AroseOn: now.AddDate(0, 0, -30), ReceivedAt: now.AddDate(0, 0, -len(caseIDs)),
					Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language", Subjects: subs}}}
				if witness != "" {
					c.Parties = []cases.Party{{Role: cases.RoleWitness, OfficerID: witness}}
				}
				if err := c.Validate(ref, now); err != nil {
					t.Fatalf("case %s: %v", name, err)
				}
				c.Prepare(ref, now)
				if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
					t.Fatalf("case %s: %v", name, err)
				}
				caseIDs[name] = c.ID
				return c.ID
			}
			s := []string{subject}
			mk("unit0", units[0].ID, false, s, "")
			mk("unit1", units[1].ID, false, s, "")
			mk("no-unit", "", false, s, "")
			named := mk("restricted-named", units[0].ID, true, s, "")
			mk("restricted-unnamed", units[0].ID, true, s, "")
			mk("conflict-subject", units[0].ID, false, []string{subject, x}, "")
			mk("conflict-witness", units[0].ID, false, s, x)
			conflictNamed := mk("conflict-restricted-named", units[0].ID, true, []string{x}, "")
			assigned := mk("assigned", units[1].ID, false, s, "")
			shared := mk("shared", units[1].ID, false, s, "")
			sharedRestricted := mk("shared-restricted", units[1].ID, true, s, "")
			sharedConflict := mk("shared-conflict", units[1].ID, false, []string{ox}, "")
			glass := mk("break-glass", units[1].ID, false, s, "")
			for _, u := range users {
				if err := tx.NameOnCase(ctx, named, u.ID, now); err != nil {
					return err
				}
			}
			if err := tx.NameOnCase(ctx, conflictNamed, users["handler"].ID, now); err != nil {
				return err
			}
			if err := tx.AssignCase(ctx, assigned, users["handler"].ID, now); err != nil {
				return err
			}
			for _, c := range []string{shared, sharedRestricted, sharedConflict} {
				if err := tx.ShareWithOversight(ctx, c, "test", now); err != nil {
					return err
				}
			}
			return tx.OpenBreakGlass(ctx, &store.BreakGlass{UserID: users["handler"].ID, CaseID: glass, Reason: "urgent",
				OpenedAt: now, ExpiresAt: now.Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, id := range caseIDs {
			all = append(all, id)
		}
		facts, err := db.CasesFacts(ctx, all, now)
		if err != nil {
			t.Fatal(err)
		}
		nameOf := map[string]string{}
		for n, id := range caseIDs {
			nameOf[id] = n
		}
		principals := map[string]access.Principal{}
		for name, u := range users {
			principals[name] = access.Principal{User: u, Roles: u.Roles, MFAPassed: true}
		}
		// An API token may carry fewer roles than its user holds: the
		// scope follows the roles in force, as the policy does.
		h := users["handler"]
		principals["handler token as oversight"] = access.Principal{User: h, Roles: []access.Role{access.Oversight}, MFAPassed: true, ViaToken: true}
		principals["handler token without roles"] = access.Principal{User: h, MFAPassed: true, ViaToken: true}
		opened := 0
		for who, p := range principals {
			scope := access.CaseListScope(p)
			page, err := db.ListCases(ctx, store.CaseFilter{Scope: &scope, Now: now, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			var listed []string
			for _, c := range page.Items {
				listed = append(listed, nameOf[c.ID])
			}
			for name, id := range caseIDs {
				d := access.CanOpenCase(p, facts[id])
				in := slices.Contains(listed, name)
				switch {
				case in && !d.Allow:
					t.Errorf("%s: the scope lists %q, which the policy refuses (%s)", who, name, d.Basis)
				case !in && d.Allow && d.Basis != "break-glass":
					t.Errorf("%s: the scope leaves out %q, which the policy opens (%s)", who, name, d.Basis)
				}
				if d.Allow {
					opened++
				}
			}
		}
		if opened < 8 {
			t.Errorf("only %d openings across all principals: the world does not exercise the policy", opened)
		}
	})
}

// TestListCursors checks the sealed cursors of paged lists: a cursor opens
// for the list, caller and query it was given for, every server sharing
// the database accepts it, and anything else is refused as a bad cursor.
func TestListCursors(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			loc := e.New(t)
			db := storetest.Open(t, loc)
			key, err := db.ListKey(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pos := store.Position{At: time.Date(2026, 5, 1, 12, 30, 15, 123456000, time.UTC), ID: "abcdefghijklmnopqrstuvwxyz"}
			c := key.Cursor("case-list", `{"u":"me"}`, pos)
			got, err := key.Position("case-list", `{"u":"me"}`, c)
			if err != nil || !got.At.Equal(pos.At) || got.ID != pos.ID {
				t.Fatalf("round trip: %+v %v", got, err)
			}
			// A second server on the same database: the same key.
			other := storetest.Open(t, loc)
			key2, err := other.ListKey(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := key2.Position("case-list", `{"u":"me"}`, c); err != nil {
				t.Errorf("a second server refuses the first one's cursor: %v", err)
			}
			// A fresh database draws a key of its own.
			fresh, err := storetest.Open(t, e.New(t)).ListKey(ctx)
			if err != nil {
				t.Fatal(err)
			}
			altered := []byte(c)
			altered[5] ^= 1
			for name, tc := range map[string]struct{ list, binding, cursor string }{
				"another list":     {"eis-flag-list", `{"u":"me"}`, c},
				"another caller":   {"case-list", `{"u":"you"}`, c},
				"altered":          {"case-list", `{"u":"me"}`, string(altered)},
				"truncated":        {"case-list", `{"u":"me"}`, c[:len(c)-2]},
				"empty":            {"case-list", `{"u":"me"}`, ""},
				"not base64":       {"case-list", `{"u":"me"}`, "!!!!"},
				"the old format":   {"case-list", `{"u":"me"}`, "MjAyNi0wNS0wMVQxMjozMDoxNVp8YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo"},
				"another database": {"case-list", `{"u":"me"}`, fresh.Cursor("case-list", `{"u":"me"}`, pos)},
			} {
				_, err := key.Position(tc.list, tc.binding, tc.cursor)
				var fe *fault.Error
				if !errors.Is(err, store.ErrBadCursor) || !errors.As(err, &fe) || len(fe.Fields) != 1 || fe.Fields[0].Field != "cursor" {
					t.Errorf("%s: %v, want a bad cursor naming the cursor field", name, err)
				}
			}
			if d1, d2 := key.Digest("search", "burglary"), key.Digest("search", "burglary"); d1 != d2 || strings.Contains(d1, "burglary") ||
				d1 == key.Digest("search", "Burglary") || d1 == fresh.Digest("search", "burglary") {
				t.Errorf("digests: %s %s", d1, d2)
			}
		})
	}
}

// TestListScopeHidesConflictedCasesFromAnOfficerFilter is the attack the
// scope closes: a user who is an officer lists the cases naming their own
// officer record.
func TestListScopeHidesConflictedCasesFromAnOfficerFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		u := access.User{Username: "alice", DisplayName: "Alice", Roles: []access.Role{access.Handler}, UnitIDs: []string{w.units[0].ID},
			OfficerID: w.alice.ID}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u, "x", now) }); err != nil {
			t.Fatal(err)
		}
		scope := access.CaseListScope(access.Principal{User: u, Roles: u.Roles, MFAPassed: true})
		for _, f := range []store.CaseFilter{{OfficerID: w.alice.ID}, {}, {Text: "front counter"}} {
			f.Scope, f.Now = &scope, now
			page, err := db.ListCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Items {
				if c.ID == w.cases[1].ID || c.ID == w.cases[3].ID {
					t.Errorf("filter %+v lists %s, a case against the caller", f, c.Reference)
				}
			}
			if page.More {
				t.Errorf("filter %+v: more rows follow a page of %d", f, len(page.Items))
			}
		}
	})
}
