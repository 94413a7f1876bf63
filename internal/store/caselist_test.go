package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestCaseListSortsPageExactly pages through cases in every order, a few
// at a time, and checks the pages join up to the whole list in order, each
// case once, with counts that match; cases share received times and some
// have no deadline, to test the ties and the missing keys.
func TestCaseListSortsPageExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		force, units := seedForce(t, db)
		ref, err := cases.LoadReference()
		if err != nil {
			t.Fatal(err)
		}
		var officer string
		err = db.InTx(ctx, func(tx *store.Tx) error {
			o := officers.Officer{ForceID: force.ID, CollarNumber: "4127", GivenName: "Ann", FamilyName: "O'Hara_Smith", Rank: "constable",
				UnitID: units[0].ID, JoinedOn: day("2010-01-01")}
			if err := tx.CreateOfficer(ctx, &o, now); err != nil {
				return err
			}
			officer = o.ID
			for i := range 13 {
				c := cases.Case{Kind: cases.Complaint, ForceID: force.ID, UnitID: units[i%2].ID, Summary: "sorted case",
					AroseOn: now.AddDate(0, 0, -40), ReceivedAt: now.AddDate(0, 0, -(i / 3)),
					Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
						Subjects: []cases.Subject{{OfficerID: officer}}}}}
				if err := c.Validate(ref, now); err != nil {
					return err
				}
				c.Prepare(ref, now)
				if i%4 != 0 {
					due := now.AddDate(0, 0, i%5-2)
					c.NextDueAt = &due
				} else {
					c.NextDueAt = nil
				}
				if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
					return err
				}
				if i%3 == 0 {
					if err := tx.SetNextDue(ctx, c.ID, nil, ""); err != nil {
						return err
					}
				} else {
					due := now.AddDate(0, 0, i%5-2)
					if err := tx.SetNextDue(ctx, c.ID, &due, "test"); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, sort := range store.CaseSorts {
			f := store.CaseFilter{Sort: sort, Now: now}
			whole, err := db.ExportCases(ctx, f, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(whole) != 13 {
				t.Fatalf("%s: %d cases", sort, len(whole))
			}
			for i := 1; i < len(whole); i++ {
				a, b := f.PositionOf(whole[i-1]), f.PositionOf(whole[i])
				desc := sort == store.SortReceivedNewest || sort == store.SortDueLatest
				inOrder := a.At.Before(b.At) != desc && !a.At.Equal(b.At) || a.At.Equal(b.At) && a.ID < b.ID
				if !inOrder {
					t.Errorf("%s: %v before %v", sort, a, b)
				}
			}
			paged := walkPages(t, db, f, 4)
			var want []string
			for _, c := range whole {
				want = append(want, c.ID)
			}
			if !slices.Equal(paged, want) {
				t.Errorf("%s: pages %v, whole %v", sort, paged, want)
			}
		}
		soon := now.AddDate(0, 0, 7)
		from, before := now.AddDate(0, 0, -1), now.AddDate(0, 0, 1)
		for _, tc := range []struct {
			name string
			f    store.CaseFilter
		}{
			{"all", store.CaseFilter{}},
			{"overdue", store.CaseFilter{Overdue: true}},
			{"due soon", store.CaseFilter{DueFrom: &now, DueBefore: &soon}},
			{"received between", store.CaseFilter{ReceivedFrom: &from, ReceivedBefore: &before}},
			{"overdue complaints since", store.CaseFilter{Kind: string(cases.Complaint), Overdue: true, ReceivedFrom: &from}},
			{"overdue, oldest first", store.CaseFilter{Overdue: true, Sort: store.SortReceivedOldest}},
			{"unit", store.CaseFilter{UnitID: units[1].ID}},
			{"unassigned", store.CaseFilter{Unassigned: true}},
			{"open", store.CaseFilter{In: []store.KindStates{{Kind: "complaint", States: []string{"Received"}}}}},
			{"none", store.CaseFilter{In: []store.KindStates{}}},
			{"officer and text", store.CaseFilter{OfficerID: officer, Text: "sorted"}},
		} {
			tc.f.Now = now
			n, err := db.CountCases(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			list, err := db.ExportCases(ctx, tc.f, 100)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(list) {
				t.Errorf("%s: counted %d, listed %d", tc.name, n, len(list))
			}
			var listed []string
			for _, c := range list {
				listed = append(listed, c.ID)
			}
			if paged := walkPages(t, db, tc.f, 2); !slices.Equal(paged, listed) {
				t.Errorf("%s: pages of two %v, whole %v", tc.name, paged, listed)
			}
			for _, c := range list {
				if tc.f.Overdue && (c.NextDueAt == nil || !c.NextDueAt.Before(now)) ||
					tc.f.DueBefore != nil && (c.NextDueAt == nil || c.NextDueAt.Before(now) || !c.NextDueAt.Before(soon)) ||
					tc.f.ReceivedFrom != nil && (c.ReceivedAt.Before(from) || !c.ReceivedAt.Before(before)) ||
					tc.f.UnitID != "" && c.UnitID != tc.f.UnitID {
					t.Errorf("%s: listed %+v", tc.name, c)
				}
			}
			want := map[string]int{"all": 13, "unassigned": 13, "open": 13, "none": 0, "officer and text": 13, "unit": 6,
				"overdue": 4, "overdue complaints since": 2, "overdue, oldest first": 4}
			if w, ok := want[tc.name]; ok && n != w {
				t.Errorf("%s: %d cases, want %d", tc.name, n, w)
			}
			if (tc.name == "overdue" || tc.name == "due soon" || tc.name == "received between") && (n == 0 || n == 13) {
				t.Errorf("%s: %d cases: the test data do not tell the filter apart", tc.name, n)
			}
		}
		for _, q := range []string{"4127", "o'hara", "ann o'h", "O'HARA_"} {
			found, err := db.SearchOfficers(ctx, q, 10)
			if err != nil || len(found) != 1 || found[0].ID != officer {
				t.Errorf("SearchOfficers(%q) = %v, %v", q, found, err)
			}
		}
		if found, err := db.SearchOfficers(ctx, "o%", 10); err != nil || len(found) != 0 {
			t.Errorf("a wildcard typed matched %v %v", found, err)
		}
	})
}

// TestCountCasesUpToStopsAtTheCapWithinScope counts with a cap below, at
// and above the matches, and checks that a scoped count stops at the cap
// of what the caller may see, never counting a case outside the scope.
func TestCountCasesUpToStopsAtTheCapWithinScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		force, units := seedForce(t, db)
		seedTextCases(t, db, force.ID, units, 10)
		u := access.User{Username: "south", DisplayName: "South handler", Roles: []access.Role{access.Handler}, UnitIDs: []string{units[1].ID}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u, "x", now) }); err != nil {
			t.Fatal(err)
		}
		scope := access.CaseListScope(access.Principal{User: u, Roles: u.Roles, MFAPassed: true})
		for _, tc := range []struct {
			name     string
			f        store.CaseFilter
			upTo     int
			wantN    int
			wantMore bool
		}{
			{"below the matches", store.CaseFilter{}, 9, 9, true},
			{"at the matches", store.CaseFilter{}, 10, 10, false},
			{"above the matches", store.CaseFilter{}, 1000, 10, false},
			{"text, below", store.CaseFilter{Text: "custody"}, 4, 4, true},
			{"text, above", store.CaseFilter{Text: "custody"}, 50, 7, false},
			// The caller's unit holds 5 cases, 2 about custody; the other
			// unit's are not theirs, so a cap of 5 is met, not passed.
			{"scoped, at", store.CaseFilter{Scope: &scope}, 5, 5, false},
			{"scoped, below", store.CaseFilter{Scope: &scope}, 4, 4, true},
			{"scoped text", store.CaseFilter{Scope: &scope, Text: "custody"}, 1, 1, true},
			{"scoped text, at", store.CaseFilter{Scope: &scope, Text: "custody"}, 2, 2, false},
		} {
			tc.f.Now = now
			n, more, err := db.CountCasesUpTo(ctx, tc.f, tc.upTo)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if n != tc.wantN || more != tc.wantMore {
				t.Errorf("%s: counted %d (more %v), want %d (more %v)", tc.name, n, more, tc.wantN, tc.wantMore)
			}
			all, err := db.CountCases(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if want := min(all, tc.upTo); n != want || more != (all > tc.upTo) {
				t.Errorf("%s: counted %d (more %v) of %d", tc.name, n, more, all)
			}
		}
		if _, _, err := db.CountCasesUpTo(ctx, store.CaseFilter{Now: now}, 0); err == nil {
			t.Error("a cap of 0 counted")
		}
	})
}

// TestCaseListTextInOrderListsTheSame pages through a full-text search in
// both orders received, once starting from the matches and once walking
// the order (as SQLite does when many cases match), and checks both list
// the same cases in the same order as the whole list. Searches kept to
// cases with a deadline are counted both ways too (on SQLite, walking the
// cases with a deadline when many cases match) and must count the cases
// listed.
func TestCaseListTextInOrderListsTheSame(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		force, units := seedForce(t, db)
		seedTextCases(t, db, force.ID, units, 24)
		all, err := db.ExportCases(ctx, store.CaseFilter{Now: now}, 100)
		if err != nil {
			t.Fatal(err)
		}
		custody, err := db.ExportCases(ctx, store.CaseFilter{Text: "custody", Now: now}, 100)
		if err != nil {
			t.Fatal(err)
		}
		// Every case not about custody is overdue; of the 16 about custody,
		// 4 have no deadline, 4 are overdue, 4 due today, 4 tomorrow.
		due := map[string]time.Time{}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, c := range all {
				d := now.AddDate(0, 0, -3)
				if err := tx.SetNextDue(ctx, c.ID, &d, "test"); err != nil {
					return err
				}
			}
			for i, c := range custody {
				if i%4 == 3 {
					if err := tx.SetNextDue(ctx, c.ID, nil, ""); err != nil {
						return err
					}
					continue
				}
				d := now.AddDate(0, 0, i%3-1) // overdue, due today, due tomorrow
				if err := tx.SetNextDue(ctx, c.ID, &d, "test"); err != nil {
					return err
				}
				due[c.ID] = d
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tomorrow := now.AddDate(0, 0, 1)
		matching := func(keep func(d time.Time) bool) int {
			n := 0
			for _, c := range custody {
				if d, ok := due[c.ID]; ok && keep(d) {
					n++
				}
			}
			return n
		}
		for _, from := range []int{1, 1 << 20} {
			restore := store.SetTextScanFromForTest(from)
			for _, tc := range []struct {
				name string
				f    store.CaseFilter
				want int
			}{
				{"overdue", store.CaseFilter{Text: "custody", Overdue: true},
					matching(func(d time.Time) bool { return d.Before(now) })},
				{"due from tomorrow", store.CaseFilter{Text: "custody", DueFrom: &tomorrow, Kind: string(cases.Complaint)},
					matching(func(d time.Time) bool { return !d.Before(tomorrow) })},
				{"due before tomorrow, newest due", store.CaseFilter{Text: "custody", DueBefore: &tomorrow, Sort: store.SortDueLatest},
					matching(func(d time.Time) bool { return d.Before(tomorrow) })},
			} {
				if tc.want != 4 && tc.want != 8 {
					t.Fatalf("%s: %d of %d cases about custody: not the test data meant", tc.name, tc.want, len(custody))
				}
				tc.f.Now = now
				n, err := db.CountCases(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				capped, more, err := db.CountCasesUpTo(ctx, tc.f, 2)
				if err != nil {
					t.Fatal(err)
				}
				list, err := db.ExportCases(ctx, tc.f, 100)
				if err != nil {
					t.Fatal(err)
				}
				if n != tc.want || len(list) != tc.want || capped != 2 || !more {
					t.Errorf("walk from %d, %s: counted %d, listed %d, up to 2: %d (more %v); want %d",
						from, tc.name, n, len(list), capped, more, tc.want)
				}
			}
			for _, sort := range []store.CaseSort{store.SortReceivedNewest, store.SortReceivedOldest} {
				f := store.CaseFilter{Text: "custody", Sort: sort, Now: now}
				whole, err := db.ExportCases(ctx, f, 100)
				if err != nil {
					t.Fatal(err)
				}
				if len(whole) != 16 {
					t.Fatalf("walk from %d, %s: %d cases match custody, want 16", from, sort, len(whole))
				}
				var want, paged []string
				for i, c := range whole {
					want = append(want, c.ID)
					if i > 0 {
						a, b := f.PositionOf(whole[i-1]), f.PositionOf(c)
						desc := sort == store.SortReceivedNewest
						if !(a.At.Before(b.At) != desc && !a.At.Equal(b.At) || a.At.Equal(b.At) && a.ID < b.ID) {
							t.Errorf("walk from %d, %s: %v before %v", from, sort, a, b)
						}
					}
				}
				paged = walkPages(t, db, f, 5)
				if !slices.Equal(paged, want) {
					t.Errorf("walk from %d, %s: pages %v, whole %v", from, sort, paged, want)
				}
			}
			restore()
		}
	})
}

// seedTextCases records n complaints, alternately in the two units (the
// odd ones in the second); the even ones and every third are about
// custody (7 of 10, 2 of them in the second unit; 16 of 24), and they
// share received times in threes, to test the ties.
func seedTextCases(t *testing.T, db *store.DB, forceID string, units []officers.Unit, n int) {
	t.Helper()
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		o := officers.Officer{ForceID: forceID, CollarNumber: "5120", GivenName: "Bea", FamilyName: "Stone", Rank: "constable",
			UnitID: units[0].ID, JoinedOn: day("2012-01-01")}
		if err := tx.CreateOfficer(ctx, &o, now); err != nil {
			return err
		}
		for i := range n {
			summary := "a complaint about the front counter"
			if i%2 == 0 || i%3 == 0 {
				summary = "a complaint about treatment in custody"
			}
			c := cases.Case{Kind: cases.Complaint, ForceID: forceID, UnitID: units[i%2].ID, Summary: summary,
				AroseOn: now.AddDate(0, 0, -40), ReceivedAt: now.AddDate(0, 0, -(i / 3)),
				Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
					Subjects: []cases.Subject{{OfficerID: o.ID}}}}}
			if err := c.Validate(ref, now); err != nil {
				return err
			}
			c.Prepare(ref, now)
			if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// walkPages lists f page by page, limit cases a page, each page from the
// position of the last case of the one before, and returns the ids in the
// order the pages gave them (at most ten pages).
func walkPages(t *testing.T, db *store.DB, f store.CaseFilter, limit int) []string {
	t.Helper()
	var ids []string
	f.Limit = limit
	for range 10 {
		page, err := db.ListCases(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Items {
			ids = append(ids, c.ID)
		}
		if !page.More {
			break
		}
		p := f.PositionOf(page.Items[len(page.Items)-1])
		f.After = &p
	}
	return ids
}

// TestOverdueCaseListReadsTheDeadlineIndex checks SQLite's plans for a
// page of overdue complaints of the last year and its capped count: both
// walk the index of the cases with a deadline (cases_due_by_received),
// the count without reading the table, instead of testing every case
// received, or every overdue case, row by row. Without statistics SQLite
// plans from the schema alone, so a small database plans as a nation does.
// A count of overdue cases matching a common word walks the same index,
// testing each case against the matches, instead of looking up every match.
func TestOverdueCaseListReadsTheDeadlineIndex(t *testing.T) {
	db := storetest.Open(t, storetest.Engines(t)[0].New(t)) // SQLite
	defer store.SetTextScanFromForTest(0)()
	from := now.AddDate(-1, 0, 0)
	for _, tc := range []struct {
		name string
		f    store.CaseFilter
		want map[string]string
	}{
		{"overdue complaints since", store.CaseFilter{Kind: string(cases.Complaint), Overdue: true, ReceivedFrom: &from},
			map[string]string{"case-list": "SEARCH c USING INDEX cases_due_by_received (received_at>?)",
				"case-count": "SEARCH c USING COVERING INDEX cases_due_by_received (received_at>?)"}},
		{"overdue", store.CaseFilter{Overdue: true},
			map[string]string{"case-list": "SCAN c USING INDEX cases_due_by_received"}},
		{"overdue, a page on", store.CaseFilter{Overdue: true, ReceivedFrom: &from, After: &store.Position{At: now, ID: "x"}},
			map[string]string{"case-list": "SEARCH c USING INDEX cases_due_by_received (received_at>? AND received_at<?)"}},
		// Counted as matching many cases (SetTextScanFromForTest below).
		{"overdue complaints about custody", store.CaseFilter{Text: "custody", Kind: string(cases.Complaint), Overdue: true},
			map[string]string{"case-list": "SCAN c USING INDEX cases_due_by_received",
				"case-count": "SCAN c USING COVERING INDEX cases_due_by_received"}},
	} {
		tc.f.Now, tc.f.Limit, tc.f.Sort = now, 50, store.SortReceivedNewest
		plans, err := db.CaseListPlansForTest(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range tc.want {
			if !slices.Contains(strings.Split(plans[name], "\n"), want) {
				t.Errorf("%s, %s: plan\n%s\nwant the step %q", tc.name, name, plans[name], want)
			}
		}
	}
}

// TestCaseSearchFollowsDeadlines checks that a search kept to cases with a
// deadline lists and counts exactly the cases the search and the deadline
// each keep, while deadlines are set, moved and cleared after the text was
// indexed, and the text indexed again after the deadlines were set (on
// PostgreSQL the search reads a copy of each case's deadline kept beside
// its words, which must follow every such change).
func TestCaseSearchFollowsDeadlines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		force, units := seedForce(t, db)
		seedTextCases(t, db, force.ID, units, 12)
		tomorrow := now.AddDate(0, 0, 1)
		// Two more, recorded with a deadline: their words are indexed after
		// the case is written.
		ref, err := cases.LoadReference()
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, due := range []time.Time{now.AddDate(0, 0, -1), tomorrow} {
				c := cases.Case{Kind: cases.Complaint, ForceID: force.ID, UnitID: units[0].ID, Summary: "a complaint about a night in custody",
					AroseOn: now.AddDate(0, 0, -40), ReceivedAt: now.AddDate(0, 0, -1)}
				if err := c.Validate(ref, now); err != nil {
					return err
				}
				c.Prepare(ref, now)
				c.NextDueAt, c.NextDueClock = &due, "test"
				if err := tx.CreateCase(ctx, &c, "test", now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := db.ExportCases(ctx, store.CaseFilter{Now: now}, 100)
		if err != nil {
			t.Fatal(err)
		}
		filters := []struct {
			name string
			f    store.CaseFilter
		}{
			{"overdue", store.CaseFilter{Overdue: true}},
			{"due before tomorrow", store.CaseFilter{DueBefore: &tomorrow}},
			{"due from tomorrow", store.CaseFilter{DueFrom: &tomorrow}},
			{"overdue complaints", store.CaseFilter{Overdue: true, Kind: string(cases.Complaint)}},
		}
		setDue := func(due func(i int) *time.Time) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				for i, c := range all {
					if err := tx.SetNextDue(ctx, c.ID, due(i), "test"); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		at := func(days int) *time.Time { d := now.AddDate(0, 0, days); return &d }
		check := func(step string) {
			t.Helper()
			custody := ids(t, db, store.CaseFilter{Text: "custody", Now: now})
			kept := 0
			for _, tc := range filters {
				f := tc.f
				f.Now = now
				byDue := ids(t, db, f)
				var want []string
				for _, id := range byDue {
					if slices.Contains(custody, id) {
						want = append(want, id)
					}
				}
				kept += len(want)
				f.Text = "custody"
				got := ids(t, db, f)
				n, err := db.CountCases(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) || n != len(want) {
					t.Errorf("%s, %s about custody: listed %v, counted %d; want %v", step, tc.name, got, n, want)
				}
			}
			if kept == 0 {
				t.Fatalf("%s: no case kept by any filter: not the test data meant", step)
			}
		}
		check("as recorded")
		setDue(func(i int) *time.Time { return at(i%3 - 1) }) // overdue, due today, due tomorrow
		check("deadlines set")
		setDue(func(i int) *time.Time {
			if i%2 == 0 {
				return nil
			}
			return at(1 - i%3)
		})
		check("deadlines moved and half cleared")
		// A note rewrites each case's search text after its deadline was set.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, c := range all {
				if err := tx.AddNote(ctx, &store.Note{CaseID: c.ID, AuthorID: "u", At: now, Text: "spoke to the complainant"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		check("text indexed again")
		setDue(func(i int) *time.Time { return at(-2) })
		check("every case overdue")
	})
}

// ids lists every case f selects, in its order.
func ids(t *testing.T, db *store.DB, f store.CaseFilter) []string {
	t.Helper()
	list, err := db.ExportCases(ctx, f, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}
