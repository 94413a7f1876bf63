package importer_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
)

// now is the import date in tests, after every date in the fixtures.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// CCRB-shaped fixtures: headerless, like the published zip.
const (
	ccrbOfficersActive = "000001, O D,Smith,Gerald,Police Officer,31902\n" +
		"000002,075 PCT,Jones,Ann,Sergeant,12345\n" +
		"000003,075 PCT,Brown,Carl,Chiefs and other ranks,00000\n"
	ccrbOfficersInactive = "000004,001 DET,Idle,Ivy,Detective,00001\n" +
		"000002,075 PCT,Jones,Ann,Sergeant,12345\n" // published twice, as three ids are
	ccrbComplaintsActive = "000001,200000006,2000-01-01,Discourtesy,Word,Unfounded,,\n" +
		"000001,200000006,2000-01-01,Offensive Language,Race,Substantiated (Charges),Guilty - DCT,Vacation days: 10\n" +
		"000002,200000038,2000-01-03,Abuse of Authority,Frisk and/or search,Exonerated,,\n" +
		"000002,200000038,2000-01-03,Force,Physical force,Substantiated (Command Discipline A),Command Discipline - A,Command Discipline - A\n" +
		"000002,200000038,2000-01-03,Force,Physical force,Unsubstantiated,,\n"
	ccrbComplaintsInactive = "000003,200000038,1999-12-31,Abuse of Authority,\"Premises entered and/or searched\",Complainant Uncooperative,,\n" +
		"000003,200000050,,Force,Physical force,Exonerated,,\n" +
		"000001,200000060,2001-05-06,Untruthful Statement,False official statement,Unsubstantiated,,\n"
)

// ccrbMembers are the four members of a small CCRB zip.
func ccrbMembers() map[string]string {
	return map[string]string{
		"2021-03-20_active_officer.csv":     ccrbOfficersActive,
		"2021-03-20_inactive_officer.csv":   ccrbOfficersInactive,
		"2021-03-20_active_complaint.csv":   ccrbComplaintsActive,
		"2021-03-20_inactive_complaint.csv": ccrbComplaintsInactive,
	}
}

func writeZip(t testing.TB, members map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(members[n]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ccrb.zip")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// Philadelphia-shaped fixtures, with a header and the quirks the real
// files have: a category with a leading space, officers known only by
// initials, a row naming no officer, a complaint missing from the
// complaints file.
const (
	phillyDisciplines = "complaint_id,officer_initials,po_race,po_sex,allegations_investigated,investigative_findings,disciplinary_findings,po_assigned_unit,po_district_number,officer_id,officer_complaint_id,discipline_id\n" +
		"13-0001,CC,white,male,Lack of Service,Sustained Finding,Training/Counseling,,,,13-0001-CC,13-0001-CC-Lack of Service\n" +
		"13-0001,KS,latino,female, Physical Abuse,No Sustained Findings,Not Applicable,,,,13-0001-KS,13-0001-KS-Physical Abuse\n" +
		"13-0002,,,,Departmental Violation,Pending,Pending,,,,13-0002-,13-0002--Departmental Violation\n" +
		"16-0100,JD,black,male,Verbal Abuse,No Sustained Findings,Not Applicable,3500 35TH DISTRICT,35,12345678,16-0100-JD,16-0100-JD-Verbal Abuse\n" +
		"17-0200,JX,black,male,Civil Rights Complaint,Sustained Finding,Guilty Finding,3500 35TH DISTRICT,35,12345678,17-0200-JX,17-0200-JX-Civil Rights Complaint\n" +
		"17-0300,AB,asian,female,Harassment,Sustained Finding,Guilty Finding,,,,17-0300-AB,17-0300-AB-Harassment\n"
	phillyComplaints = "complaint_id,date_received,district_occurrence,general_cap_classification,summary,shortened_summary\n" +
		"13-0001,1/7/13,35, PHYSICAL ABUSE,\"The complainant, BH, 21/B/F, states she was pushed.\",BH says she was pushed\n" +
		"13-0002,1/14/13,15,LACK OF SERVICE,\"NB, 65/W/F, reported a theft.\",\n" +
		"16-0100,3/2/16,35,VERBAL ABUSE,,\n" +
		"17-0200,12/30/17,35, CIVIL RIGHTS COMPLAINT,,\n"
)

func mustBuiltin(t testing.TB, name string) *importer.Mapping {
	t.Helper()
	m, err := importer.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func opts(t testing.TB) importer.Options {
	return importer.Options{Now: now, Rejects: filepath.Join(t.TempDir(), "rejects.csv")}
}

// caseByExternal reads an imported case by the source's case id.
func caseByExternal(t testing.TB, db *store.DB, source, ext string) cases.Case {
	t.Helper()
	ctx := context.Background()
	keys, err := db.ImportKeys(ctx, source, store.ImportCase)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := keys[ext]
	if !ok {
		t.Fatalf("case %s was not imported", ext)
	}
	c, err := db.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rejectReasons reads a reject file into "file:line: reason" lines.
func rejectReasons(t testing.TB, path string) []string {
	t.Helper()
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("reject file mode %v, want 0600", st.Mode().Perm())
	}
	var out []string
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i == 0 {
			continue
		}
		out = append(out, line)
	}
	return out
}
