package vetting

import (
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

const collegeMapping = `
columns:
  list: List
  name: Full name
  date_of_birth: DOB
  collar_number: Warrant no
  force: Force
  basis: Reason
  ground: Ground
  decided_on: Date
  removed_on: Removed
date_layout: 02/01/2006
lists: {Barred: barred, "Advisory": advisory}
bases: {Dismissed: dismissed, "Left under investigation": left_under_investigation}
grounds: {GM: gross_misconduct, GI: gross_incompetence}
`

const collegeExtract = "\ufeffList,Full name,DOB,Warrant no,Force,Reason,Ground,Date,Removed\n" +
	"Barred,Gary Lane,02/04/1980,4411,Northshire Police,Dismissed,GM,20/11/2024,\n" +
	"advisory, Ann Hale ,09/09/1975,,Westshire Police,Left under investigation,,01/03/2025,01/09/2025\n" +
	"Barred,Tom Rex,31/02/1980,12,Eastshire Police,Dismissed,GI,01/01/2024,\n" +
	"Struck off,Jo Bloggs,01/01/1980,12,Eastshire Police,Dismissed,GM,01/01/2024,\n" +
	"Advisory,Jo Bloggs,01/01/1980,12,Eastshire Police,Dismissed,GM,01/01/2024,\n" +
	"Barred,,01/01/1980,12,Eastshire Police,Dismissed,GM,01/01/2024,\n" +
	"Barred,Kim Ray,01/01/1980\n"

func TestReadExtract(t *testing.T) {
	m, err := ParseExtractMapping([]byte(collegeMapping))
	if err != nil {
		t.Fatal(err)
	}
	got, rejects, err := ReadExtract(strings.NewReader(collegeExtract), m, barredNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("read %d listings, want 2: %+v", len(got), got)
	}
	if g := got[0]; g.List != Barred || g.Name != "Gary Lane" || g.Ground != GrossMisconduct || g.Source != National ||
		!g.BirthDate.Equal(date("1980-04-02")) || !g.ReviewFrom.Equal(date("2029-11-20")) || g.RemovedOn != nil {
		t.Errorf("first = %+v", g)
	}
	if g := got[1]; g.List != Advisory || g.Name != "Ann Hale" || g.RemovedOn == nil || !g.RemovedOn.Equal(date("2025-09-01")) || g.Current(barredNow) {
		t.Errorf("second = %+v", g)
	}
	want := []Reject{{4, "date_of_birth: is not a date in the mapping's layout"}, {5, "list: not a value the mapping names"},
		{6, "basis: does not belong on the list the row names"}, {7, "name: is required"}, {8, "force: is required"}}
	if len(rejects) != len(want) {
		t.Fatalf("rejects = %+v", rejects)
	}
	for i := range want {
		if rejects[i] != want[i] {
			t.Errorf("reject %d = %+v, want %+v", i, rejects[i], want[i])
		}
	}
	for _, r := range rejects {
		if strings.Contains(r.Reason, "Bloggs") || strings.Contains(r.Reason, "Kim") {
			t.Errorf("a reject names the person: %+v", r)
		}
	}
}

func TestExtractRefused(t *testing.T) {
	for _, tc := range []struct {
		name, mapping, file, field string
	}{
		{"mapping without a name column", "columns: {list: L, date_of_birth: D, force: F, decided_on: X}\nlists: {B: barred}", "", "mapping"},
		{"mapping with an unknown field", "columns: {list: L, name: N, date_of_birth: D, force: F, decided_on: X, salary: S}\nlists: {B: barred}", "", "mapping"},
		{"mapping to an unknown list", "columns: {list: L, name: N, date_of_birth: D, force: F, decided_on: X}\nlists: {B: struck}", "", "mapping"},
		{"mapping with an unknown key", "colums: {}", "", "mapping"},
		{"mapping whose layout has no year", "columns: {list: L, name: N, date_of_birth: D, force: F, decided_on: X}\nlists: {B: barred}\ndate_layout: 02/01", "", "mapping"},
		{"file without a mapped column", "", "list,name,date_of_birth,force\n", "file"},
		{"file that is not CSV", "", "list,name,date_of_birth,force,decided_on\nbarred,\"Gary,1980-01-01,F,2024-01-01\n", "file"},
		{"empty file", "", "", "file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := DefaultExtractMapping()
			var err error
			if tc.mapping != "" {
				m, err = ParseExtractMapping([]byte(tc.mapping))
			}
			if err == nil {
				_, _, err = ReadExtract(strings.NewReader(tc.file), m, barredNow)
			}
			if f := fault.FieldsOf(err); len(f) == 0 || f[0].Field != tc.field {
				t.Errorf("err = %v, want field %s", err, tc.field)
			}
		})
	}
}

// FuzzReadExtract: an extract is outside input. Whatever the bytes, the
// reader returns or refuses without panicking, and every listing it
// returns is complete: a list, a name, a force, dates in range, and a
// basis that belongs on its list.
func FuzzReadExtract(f *testing.F) {
	f.Add([]byte(collegeExtract), []byte(collegeMapping))
	f.Add([]byte("list,name,date_of_birth,force,decided_on\nbarred,A B,1980-01-01,F,2024-01-01\n"), []byte(""))
	f.Add([]byte("list;name;date_of_birth;force;decided_on\nadvisory;A;1970-01-01;F;2020-02-02\n"), []byte("comma: ';'\n"))
	f.Fuzz(func(t *testing.T, file, mapping []byte) {
		m := DefaultExtractMapping()
		if len(mapping) > 0 {
			parsed, err := ParseExtractMapping(mapping)
			if err != nil {
				return
			}
			m = parsed
		}
		got, _, err := ReadExtract(strings.NewReader(string(file)), m, barredNow)
		if err != nil {
			return
		}
		for _, l := range got {
			if l.Source != National || (l.List != Barred && l.List != Advisory) || NormaliseName(l.Name) == "" && strings.TrimSpace(l.Name) == "" ||
				strings.TrimSpace(l.Force) == "" || l.BirthDate.IsZero() || l.DecidedOn.After(barredNow) ||
				(l.Basis != "" && l.Basis.List() != l.List) || l.ReviewFrom.Before(l.DecidedOn) ||
				l.BirthDate.Hour() != 0 || l.BirthDate.Location() != time.UTC {
				t.Fatalf("accepted an incomplete listing: %+v", l)
			}
		}
	})
}
