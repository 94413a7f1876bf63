package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/importer"
)

const (
	testDisciplines = "complaint_id,officer_initials,po_race,po_sex,allegations_investigated,investigative_findings,disciplinary_findings,po_assigned_unit,po_district_number,officer_id,officer_complaint_id,discipline_id\n" +
		"13-0001,CC,white,male,Lack of Service,Sustained Finding,Training/Counseling,,,,13-0001-CC,13-0001-CC-Lack of Service\n" +
		"13-0009,KS,white,female,Physical Abuse,No Sustained Findings,Not Applicable,,,,13-0009-KS,13-0009-KS-Physical Abuse\n"
	testComplaints = "complaint_id,date_received,district_occurrence,general_cap_classification,summary,shortened_summary\n" +
		"13-0001,1/7/13,35,LACK OF SERVICE,\"The complainant, BH, 21/B/F, states...\",BH says nobody came\n"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	disc, compl := write("disciplines.csv", testDisciplines), write("complaints.csv", testComplaints)
	mappingText, _ := importer.BuiltinText("philly")
	mapping := write("mine.yaml", strings.Replace(string(mappingText), "source: philly", "source: mine", 1))
	badMapping := write("bad.yaml", strings.Replace(string(mappingText), "unit: po_assigned_unit", "unit: po_unit", 1))
	rejects := filepath.Join(dir, "rejects.csv")
	db := "sqlite:" + filepath.Join(dir, "probity.db")
	key := audit.GenerateSigningKey()
	vars := map[string]string{"PROBITY_AUDIT_KEY": key}

	for _, tc := range []struct {
		name   string
		args   []string
		vars   map[string]string
		code   int
		stdout []string
		stderr string
	}{
		{"no audit key", []string{"import", "philly", disc, compl, "--db", db}, nil, 2, nil, "PROBITY_AUDIT_KEY: required"},
		{"no subcommand", []string{"import"}, vars, 2, nil, "probity import ccrb ZIP"},
		{"unknown source", []string{"import", "nypd", disc}, vars, 2, nil, `unknown import "nypd"`},
		{"csv without a mapping", []string{"import", "csv", disc, "--db", db}, vars, 2, nil, "--mapping: required"},
		{"wrong number of files", []string{"import", "philly", disc, "--db", db}, vars, 2, nil, "usage: probity import philly"},
		{"mapping names a missing column", []string{"import", "csv", "--mapping", badMapping, disc, compl, "--db", db}, vars, 1, nil,
			`nothing was imported: the mapping does not fit the files: officers.unit: file disciplines has no column "po_unit"`},
		// Flags after the files, as the docs show them.
		{"import", []string{"import", "philly", disc, compl, "--db", db, "--rejects", rejects}, vars, 0,
			[]string{"philly: read 2 rows, imported 1, rejected 1, skipped as duplicates 0", "rejected rows: " + rejects}, ""},
		{"again", []string{"import", "philly", "--db", db, disc, compl, "--rejects", rejects}, vars, 0,
			[]string{"philly: read 2 rows, imported 0, rejected 1, skipped as duplicates 1"}, ""},
		{"generic", []string{"import", "csv", "--mapping", mapping, "--db", db, "--rejects", rejects, "--", disc, compl}, vars, 0,
			[]string{"mine: read 2 rows, imported 1, rejected 1"}, ""},
		{"print a mapping", []string{"import", "mapping", "ccrb"}, nil, 0, []string{"source: ccrb"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr, env(tc.vars))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
			// Summaries are personal data: never printed.
			if out := stdout.String() + stderr.String(); strings.Contains(out, "nobody came") || strings.Contains(out, "21/B/F") {
				t.Errorf("output shows a summary: %s", out)
			}
		})
	}
	st, err := os.Stat(rejects)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("reject file: %v, %v", st, err)
	}

	// Each import run is one entry in the audit log, which verifies.
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"audit", "verify", "--db", db}, &stdout, &stderr, env(vars)); code != 0 {
		t.Fatalf("audit verify: exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "3 entries") {
		t.Errorf("audit verify: %s", stdout.String())
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := newFlagSet("x", &bytes.Buffer{})
	n := fs.Int("n", 0, "")
	files, err := parseInterspersed(fs, []string{"a", "-n", "3", "b", "--", "-c", "d"})
	if err != nil || *n != 3 || strings.Join(files, " ") != "a b -c d" {
		t.Errorf("files %q, n %d, err %v", files, *n, err)
	}
}

// TestFailedImportLeavesNoDatabase: an import that imports nothing removes
// the database file it created, and keeps one that was there before.
func TestFailedImportLeavesNoDatabase(t *testing.T) {
	dir := t.TempDir()
	disc := filepath.Join(dir, "disciplines.csv")
	if err := os.WriteFile(disc, []byte(testDisciplines), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"PROBITY_AUDIT_KEY": audit.GenerateSigningKey()}
	path := filepath.Join(dir, "new.db")
	var stdout, stderr bytes.Buffer
	// The complaints file given first: the wrong file, so nothing imports.
	if code := run(context.Background(), []string{"import", "philly", disc, disc, "--db", "sqlite:" + path}, &stdout, &stderr, env(vars)); code != 1 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "new.db") {
			t.Errorf("%s left behind", e.Name())
		}
	}
	// A database that existed before is never removed.
	existing := filepath.Join(dir, "old.db")
	if code := run(context.Background(), []string{"audit", "verify", "--db", "sqlite:" + existing}, &stdout, &stderr, env(vars)); code != 0 {
		t.Fatalf("creating a database: exit %d: %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"import", "philly", disc, disc, "--db", "sqlite:" + existing}, &stdout, &stderr, env(vars)); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if _, err := os.Stat(existing); err != nil {
		t.Errorf("an existing database was removed: %v", err)
	}
}

// TestImportReportsDataQuality: an import names an officer id that looks
// like a placeholder, before anyone models the data.
func TestImportReportsDataQuality(t *testing.T) {
	dir := t.TempDir()
	disc := filepath.Join(dir, "disciplines.csv")
	compl := filepath.Join(dir, "complaints.csv")
	rows := testDisciplines + "13-0001,ZZ,white,male,Lack of Service,Sustained Finding,Training/Counseling,,,00000000,13-0001-ZZ,13-0001-ZZ-Lack of Service\n"
	if err := os.WriteFile(disc, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(compl, []byte(testComplaints), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := []string{"import", "philly", disc, compl, "--db", "sqlite:" + filepath.Join(dir, "probity.db"), "--rejects", filepath.Join(dir, "rejects.csv")}
	if code := run(context.Background(), args, &stdout, &stderr, env(map[string]string{"PROBITY_AUDIT_KEY": audit.GenerateSigningKey()})); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "data quality: 1 finding in PPD's records") || !strings.Contains(stdout.String(), "officer id PPD/00000000 looks like a placeholder.") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}
