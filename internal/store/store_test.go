package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/people"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

var ctx = context.Background()

func TestParseLocation(t *testing.T) {
	for _, tc := range []struct {
		in      string
		dialect store.Dialect
		errPart string
	}{
		{"sqlite:./probity-data/probity.db", store.SQLite, ""},
		{"sqlite:///tmp/x.db", store.SQLite, ""},
		{"postgres://u:secret@localhost:5432/probity?sslmode=disable", store.Postgres, ""},
		{"postgresql://localhost/probity", store.Postgres, ""},
		{"", "", "empty"},
		{"sqlite:", "", "needs a file path"},
		{"mysql://localhost/x", "", `unknown scheme "mysql"`},
		{"probity.db", "", `must start with`},
		{"postgres:///nohost", "", "no host"},
		{"postgres://u:secret@localhost:notaport/x", "", "postgres URL"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			loc, err := store.ParseLocation(tc.in)
			if tc.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errPart) {
					t.Fatalf("ParseLocation(%q) error = %v, want one containing %q", tc.in, err, tc.errPart)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error reveals the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLocation(%q): %v", tc.in, err)
			}
			if loc.Dialect != tc.dialect {
				t.Errorf("dialect = %s, want %s", loc.Dialect, tc.dialect)
			}
			if strings.Contains(loc.String(), "secret") {
				t.Errorf("String() reveals the password: %s", loc)
			}
		})
	}
}

func TestMigrateIsIdempotentAndLoadsReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		st, err := db.Schema(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending() || st.Newer() || st.Current == 0 {
			t.Fatalf("after migrate: %+v", st)
		}
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if len(applied) != 0 {
			t.Errorf("second migrate applied %v", applied)
		}
		ref, err := db.ReferenceCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := cases.LoadReference()
		wantCats := 0
		for _, tax := range want.Taxonomies {
			wantCats += len(tax.Categories)
		}
		if ref.Categories != wantCats || ref.Standards != 10 || ref.RuleSets != len(want.RuleSets) {
			t.Errorf("reference counts = %+v, want %d categories, 10 standards, %d rule sets", ref, wantCats, len(want.RuleSets))
		}
	})
}

func TestNewerSchemaIsRefusedUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.ForceSchemaVersionForTest(ctx, 9999); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		if !errors.Is(err, store.ErrSchemaNewer) {
			t.Fatalf("Migrate on a newer schema: err = %v, want ErrSchemaNewer", err)
		}
		if !strings.Contains(err.Error(), "9999") {
			t.Errorf("message does not name the version: %v", err)
		}
		st, err := db.Schema(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Current != 9999 {
			t.Errorf("schema version changed to %d", st.Current)
		}
	})
}

func TestNotASQLiteFileIsLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "probity.db")
	content := []byte("this is a spreadsheet, not a database\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(ctx, store.Location{Dialect: store.SQLite, Path: path}, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Fatalf("Open = %v, want a not-a-database error", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != string(content) {
		t.Error("file was modified")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory now holds %d entries, want only the original file", len(entries))
	}
}

func TestUnwritableDataDirectory(t *testing.T) {
	// A regular file where the directory should be cannot be written to,
	// even by root.
	blocker := filepath.Join(t.TempDir(), "blocker")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(ctx, store.Location{Dialect: store.SQLite, Path: filepath.Join(blocker, "probity.db")}, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "data directory") {
		t.Fatalf("Open = %v, want a data directory error", err)
	}
}

// seedForce makes a force with two units and returns them.
func seedForce(t *testing.T, db *store.DB) (officers.Force, []officers.Unit) {
	t.Helper()
	f := officers.Force{Code: "TST", Name: "Test Constabulary"}
	units := []officers.Unit{{Code: "N", Name: "North"}, {Code: "S", Name: "South"}}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateForce(ctx, &f); err != nil {
			return err
		}
		for i := range units {
			units[i].ForceID = f.ID
			if err := tx.CreateUnit(ctx, &units[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, units
}

var now = time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOfficersAndPostings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, units := seedForce(t, db)
		left := day("2025-01-31")
		o := officers.Officer{ForceID: f.ID, CollarNumber: "1234", GivenName: "Sam", FamilyName: "Carter",
			Rank: "constable", UnitID: units[0].ID, JoinedOn: day("2015-09-01"), LeftOn: &left, Sex: "female", Ethnicity: "black"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &o, now) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.Officer(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CollarNumber != "1234" || got.Rank != "constable" || !got.JoinedOn.Equal(o.JoinedOn) ||
			got.LeftOn == nil || !got.LeftOn.Equal(left) || got.Sex != "female" || got.UnitID != units[0].ID {
			t.Errorf("read back %+v, want %+v", got, o)
		}

		dup := o
		dup.ID = ""
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &dup, now) })
		if !fault.Is(err, fault.Conflict) {
			t.Errorf("duplicate collar number: err = %v, want conflict", err)
		}

		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.Transfer(ctx, o.ID, units[1].ID, "sergeant", day("2020-06-01"), now)
		}); err != nil {
			t.Fatal(err)
		}
		ps, err := db.Postings(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2 || ps[0].UnitID != units[0].ID || ps[0].EndedOn == nil || !ps[0].EndedOn.Equal(day("2020-06-01")) ||
			ps[1].UnitID != units[1].ID || ps[1].Rank != "sergeant" || ps[1].EndedOn == nil || !ps[1].EndedOn.Equal(left) {
			t.Errorf("postings = %+v", ps)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.Transfer(ctx, o.ID, units[0].ID, "sergeant", day("2019-01-01"), now)
		})
		if !fault.Is(err, fault.Invalid) {
			t.Errorf("transfer dated before the current posting: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.Transfer(ctx, "nosuchofficer", units[1].ID, "sergeant", now, now)
		})
		if !fault.Is(err, fault.NotFound) {
			t.Errorf("transfer of unknown officer: %v", err)
		}
		if _, err := db.Officer(ctx, "nosuchofficer"); !fault.Is(err, fault.NotFound) {
			t.Errorf("unknown officer: %v", err)
		}

		bad := officers.Officer{ForceID: f.ID, CollarNumber: "", FamilyName: "X", Rank: "general", JoinedOn: now.AddDate(1, 0, 0)}
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &bad, now) })
		fields := fault.FieldsOf(err)
		if len(fields) != 3 {
			t.Errorf("invalid officer: fields = %+v, want collar_number, rank, joined_on", fields)
		}
	})
}

func TestOfficerPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, units := seedForce(t, db)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range 25 {
				o := officers.Officer{ForceID: f.ID, CollarNumber: string(rune('A'+i)) + "1", FamilyName: "Officer",
					Rank: "constable", UnitID: units[i%2].ID, JoinedOn: day("2010-01-01")}
				if err := tx.CreateOfficer(ctx, &o, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		after := ""
		for pages := 0; ; pages++ {
			page, err := db.Officers(ctx, "", after, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Items {
				if seen[o.ID] {
					t.Fatalf("officer %s on two pages", o.ID)
				}
				seen[o.ID] = true
			}
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		if len(seen) != 25 {
			t.Errorf("paged through %d officers, want 25", len(seen))
		}
		north, err := db.Officers(ctx, units[0].ID, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(north.Items) != 13 {
			t.Errorf("unit filter: %d officers, want 13", len(north.Items))
		}
		// Read by id in one call: more ids than one query takes, some
		// repeated, one unknown.
		var ids []string
		for range 9 {
			for id := range seen {
				ids = append(ids, id)
			}
		}
		ids = append(ids, "aaaaaaaaaaaaaaaaaaaaaaaaaa")
		byID, err := db.OfficersByID(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(byID) != 25 {
			t.Errorf("OfficersByID found %d officers, want 25", len(byID))
		}
		for id, o := range byID {
			if !seen[id] || o.ID != id || o.FamilyName != "Officer" {
				t.Errorf("OfficersByID[%s] = %+v", id, o)
			}
		}
	})
}

func TestPeopleAreSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := people.Person{Name: "Canary Person Zq7", Email: "canary.zq7@example.org", Phone: "+44 7700 900123", Address: "1 Canary Wharf"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePerson(ctx, &p, now) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.Person(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != p.Name || got.Email != p.Email || got.Phone != p.Phone || got.Address != p.Address {
			t.Errorf("read back %+v, want %+v", got, p)
		}
		raw, err := db.RawPersonColumnsForTest(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range raw {
			for _, secret := range []string{"Canary", "zq7", "7700", "Wharf"} {
				if strings.Contains(v, secret) {
					t.Errorf("stored column %q contains plain text %q", v, secret)
				}
			}
			if !strings.HasPrefix(v, "v1.") {
				t.Errorf("stored column %q is not a sealed envelope", v)
			}
		}
		bad := people.Person{Email: "not an email"}
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePerson(ctx, &bad, now) })
		if !fault.Is(err, fault.Invalid) {
			t.Errorf("bad email: %v", err)
		}
	})
}

func newCase(t *testing.T, f officers.Force, unit officers.Unit, subject string) cases.Case {
	t.Helper()
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	occurred := day("2026-02-01")
	c := cases.Case{Kind: cases.Complaint, ForceID: f.ID, UnitID: unit.ID, Summary: "Stopped and searched without reason",
		AroseOn: day("2026-02-01"), ReceivedAt: now,
		Allegations: []cases.Allegation{
			{Category: "powers-policies-procedures", Subcategory: "stop-and-search", Description: "searched without grounds",
				OccurredOn: &occurred, Standards: []string{"authority-respect-courtesy"}, Subjects: []cases.Subject{{OfficerID: subject}}},
			{Category: "discriminatory-behaviour", Subcategory: "race", Subjects: []cases.Subject{{OfficerID: subject}}},
		}}
	if err := c.Validate(ref, now); err != nil {
		t.Fatal(err)
	}
	c.Prepare(ref, now)
	return c
}

func TestCasesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, units := seedForce(t, db)
		o := officers.Officer{ForceID: f.ID, CollarNumber: "99", FamilyName: "Doe", Rank: "constable", UnitID: units[0].ID, JoinedOn: day("2012-01-01")}
		p := people.Person{Name: "A Complainant"}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOfficer(ctx, &o, now); err != nil {
				return err
			}
			return tx.CreatePerson(ctx, &p, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for range 3 {
			c := newCase(t, f, units[0], o.ID)
			c.Parties = []cases.Party{{Role: cases.RoleComplainant, PersonID: p.ID}}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "user-1", now) }); err != nil {
				t.Fatal(err)
			}
			refs = append(refs, c.Reference)
		}
		want := []string{"CO/2026/000001", "CO/2026/000002", "CO/2026/000003"}
		if strings.Join(refs, ",") != strings.Join(want, ",") {
			t.Errorf("references = %v, want %v", refs, want)
		}
		got, err := db.CaseByReference(ctx, "CO/2026/000002")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != cases.Received || got.RuleSet != "2025" || got.Version != 1 || len(got.Allegations) != 2 {
			t.Fatalf("case = %+v", got)
		}
		a := got.Allegations[0]
		if a.Seq != 1 || a.Category != "powers-policies-procedures" || a.Subcategory != "stop-and-search" ||
			a.OccurredOn == nil || !a.OccurredOn.Equal(day("2026-02-01")) || len(a.Standards) != 1 ||
			len(a.Subjects) != 1 || a.Subjects[0].OfficerID != o.ID {
			t.Errorf("allegation 1 = %+v", a)
		}
		if got.Allegations[1].ProtectedCharacteristic != "race" {
			t.Errorf("allegation 2 protected characteristic = %q, want race", got.Allegations[1].ProtectedCharacteristic)
		}
		if len(got.Parties) != 1 || got.Parties[0].PersonID != p.ID {
			t.Errorf("parties = %+v", got.Parties)
		}
		tl, err := db.Timeline(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(tl) != 1 || tl[0].Type != "recorded" || tl[0].Actor != "user-1" || tl[0].Seq != 1 || tl[0].Detail["state"] != "Received" {
			t.Errorf("timeline = %+v", tl)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.AppendEvent(ctx, got.ID, &cases.Event{At: now, Actor: "user-2", Type: "note"})
		}); err != nil {
			t.Fatal(err)
		}
		tl, _ = db.Timeline(ctx, got.ID)
		if len(tl) != 2 || tl[1].Seq != 2 {
			t.Errorf("timeline after append = %+v", tl)
		}
	})
}

func TestCaseWithUnknownSubjectWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, units := seedForce(t, db)
		c := newCase(t, f, units[0], "notanofficer")
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "user-1", now) })
		fields := fault.FieldsOf(err)
		if len(fields) != 2 || fields[0].Field != "allegations[0].subjects[0].officer_id" {
			t.Fatalf("err = %v, fields = %+v", err, fields)
		}
		if n, _ := db.CaseCount(ctx); n != 0 {
			t.Errorf("%d cases written", n)
		}
	})
}

// On SQLite a rolled-back case gives its reference back. On PostgreSQL
// references are taken outside the case's transaction, like a sequence,
// so that complaints do not queue on the counter: a rollback leaves a gap,
// and the next case still gets a reference of its own.
func TestRolledBackCaseReturnsItsReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, units := seedForce(t, db)
		o := officers.Officer{ForceID: f.ID, CollarNumber: "7", FamilyName: "Roe", Rank: "sergeant", JoinedOn: day("2001-01-01")}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &o, now) }); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("later step failed")
		c := newCase(t, f, units[0], o.ID)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCase(ctx, &c, "u", now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		c2 := newCase(t, f, units[0], o.ID)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c2, "u", now) }); err != nil {
			t.Fatal(err)
		}
		want := "CO/2026/000001"
		if db.Dialect() == store.Postgres {
			want = "CO/2026/000002"
		}
		if c2.Reference != want {
			t.Errorf("reference after rollback = %s, want %s", c2.Reference, want)
		}
		if n, _ := db.CaseCount(ctx); n != 1 {
			t.Errorf("%d cases, want 1", n)
		}
	})
}

// A PostgreSQL database that goes away (its connections ended, new ones
// refused) makes every kind of call Unavailable, reads as well as writes,
// and the store takes calls again by itself once it is back.
func TestPostgresAwayIsUnavailable(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("PostgreSQL is not configured")
	}
	loc := storetest.NewPostgresLocation(t)
	db := storetest.Open(t, loc)
	calls := []struct {
		name string
		call func() error
	}{
		{"read", func() error { _, err := db.CaseCount(ctx); return err }},
		{"write outside a transaction", func() error { return db.TouchSession(ctx, "no such session", now) }},
		{"transaction", func() error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				return tx.CreateForce(ctx, &officers.Force{Code: "AW", Name: "Away Police"})
			})
		}},
		{"group commit", func() error { return db.InGroupTx(ctx, func(*store.Tx) error { return nil }) }},
		{"ping", func() error { return db.Ping(ctx) }},
	}
	for _, c := range calls {
		if err := c.call(); err != nil {
			t.Fatalf("%s before: %v", c.name, err)
		}
	}
	back := storetest.Away(t, loc)
	for _, c := range calls {
		if err := c.call(); !fault.Is(err, fault.Unavailable) {
			t.Errorf("%s while the database is away: %v (%s), want Unavailable", c.name, err, fault.KindOf(err))
		}
	}
	back()
	start := time.Now()
	for _, c := range calls[:4] {
		for {
			err := c.call()
			if err == nil || fault.Is(err, fault.Conflict) {
				break
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("%s still failing %v after the database came back: %v", c.name, time.Since(start), err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	n, err := db.CaseCount(ctx)
	if err != nil || n != 0 {
		t.Errorf("%d cases (%v)", n, err)
	}
}
