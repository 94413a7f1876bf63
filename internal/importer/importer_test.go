package importer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

func TestCCRB(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		zipPath := writeZip(t, ccrbMembers())
		m := mustBuiltin(t, "ccrb")
		sum, err := importer.Import(ctx, db, m, []string{zipPath}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		// 5 officer rows (one a repeat) and 8 allegation rows (one with
		// no date in any row of its case).
		want := importer.Summary{Read: 13, Imported: 11, Rejected: 1, Duplicates: 1, Forces: 1, Units: 3, Officers: 4,
			Cases: 3, Allegations: 7, RanksDefaulted: 1}
		got := *sum
		if got.Read != want.Read || got.Imported != want.Imported || got.Rejected != want.Rejected || got.Duplicates != want.Duplicates ||
			got.Forces != want.Forces || got.Units != want.Units || got.Officers != want.Officers || got.Cases != want.Cases ||
			got.Allegations != want.Allegations || got.RanksDefaulted != want.RanksDefaulted {
			t.Fatalf("summary %+v\nwant     %+v", got, want)
		}
		if sum.Unmapped["Untruthful Statement: False official statement"] != 1 || len(sum.Unmapped) != 1 {
			t.Errorf("unmapped = %v", sum.Unmapped)
		}
		rej := rejectReasons(t, sum.RejectFile)
		if len(rej) != 1 || !strings.Contains(rej[0], "_inactive_complaint.csv,2,") || !strings.Contains(rej[0], "no valid date") {
			t.Errorf("rejects = %q", rej)
		}

		// Officers: collar number is CCRB's officer id; the nearest rank,
		// the NYPD one kept; joined on the earliest allegation.
		force, err := db.ForceByCode(ctx, "NYPD")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			collar, family, rank, sourceRank, joined string
		}{
			{"000001", "Smith", "constable", "Police Officer", "2000-01-01"},
			{"000002", "Jones", "sergeant", "Sergeant", "2000-01-03"},
			{"000003", "Brown", "constable", "Chiefs and other ranks", "1999-12-31"},
			{"000004", "Idle", "constable", "Detective", "2021-03-20"}, // no allegations: the snapshot date
		} {
			o, err := db.OfficerByCollar(ctx, force.ID, tc.collar)
			if err != nil {
				t.Fatal(err)
			}
			if o.FamilyName != tc.family || string(o.Rank) != tc.rank || o.JoinedOn.Format(time.DateOnly) != tc.joined || o.UnitID == "" {
				t.Errorf("officer %s = %+v", tc.collar, o)
			}
		}
		units, _ := db.UnitCodes(ctx, force.ID)
		if _, ok := units["O D"]; !ok || len(units) != 3 {
			t.Errorf("units = %v (leading space should be trimmed)", units)
		}

		// A case split across the active and inactive files, with a
		// repeated allegation and an earlier date in the second file.
		c := caseByExternal(t, db, "ccrb", "200000038")
		if c.State != cases.Closed || c.Kind != cases.Complaint || c.AroseOn.Format(time.DateOnly) != "1999-12-31" ||
			c.NextDueAt != nil || c.Summary != "Imported CCRB complaint 200000038" || !strings.HasPrefix(c.Reference, "CO/1999/") {
			t.Errorf("case = %+v", c)
		}
		if len(c.Allegations) != 4 {
			t.Fatalf("case has %d allegations, want 4", len(c.Allegations))
		}
		type row struct{ cat, sub, source, finding, outcome string }
		wantRows := []row{
			{"powers-policies-procedures", "stop-and-search", "Abuse of Authority: Frisk and/or search", "exonerated", ""},
			{"powers-policies-procedures", "use-of-force", "Force: Physical force", "upheld", "Command Discipline - A"},
			{"powers-policies-procedures", "use-of-force", "Force: Physical force", "unsubstantiated", ""},
			{"powers-policies-procedures", "searches-of-premises", "Abuse of Authority: Premises entered and/or searched", "other", ""},
		}
		for i, a := range c.Allegations {
			w := wantRows[i]
			if a.Seq != i+1 || a.Category != w.cat || a.Subcategory != w.sub || a.SourceCategory != w.source || len(a.Subjects) != 1 ||
				a.Subjects[0].Finding != w.finding || a.Subjects[0].Outcome != w.outcome || a.OccurredOn == nil {
				t.Errorf("allegation %d = %+v, want %+v", i+1, a, w)
			}
		}
		src, err := db.SourceFinding(ctx, c.Allegations[1].ID, c.Allegations[1].Subjects[0].OfficerID)
		if err != nil || src != "Substantiated (Command Discipline A)" {
			t.Errorf("source finding = %q, %v", src, err)
		}
		// Discriminatory language carries its protected characteristic.
		c6 := caseByExternal(t, db, "ccrb", "200000006")
		if a := c6.Allegations[1]; a.Category != "discriminatory-behaviour" || a.Subcategory != "race" || a.ProtectedCharacteristic != "race" ||
			a.Subjects[0].Finding != "upheld" {
			t.Errorf("offensive language allegation = %+v", a)
		}
		tl, err := db.Timeline(ctx, c6.ID)
		if err != nil || len(tl) != 1 || tl[0].Type != "imported" {
			t.Errorf("timeline = %+v, %v", tl, err)
		}
		// Imported cases are found by search.
		for q, want := range map[string]string{"frisk": c.ID, "race": c6.ID} {
			page, err := db.ListCases(ctx, store.CaseFilter{Text: q, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) != 1 || page.Items[0].ID != want {
				t.Errorf("search %q found %+v", q, page.Items)
			}
		}

		// Importing the same file again changes nothing.
		before, _ := db.ImportCounts(ctx, "ccrb")
		again, err := importer.Import(ctx, db, m, []string{zipPath}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		if again.Read != sum.Read || again.Imported != 0 || again.Duplicates != sum.Imported+sum.Duplicates ||
			again.Rejected != sum.Rejected || again.Batches != 0 {
			t.Errorf("re-import summary %+v", *again)
		}
		after, _ := db.ImportCounts(ctx, "ccrb")
		if !equalCounts(before, after) {
			t.Errorf("re-import changed keys: %v -> %v", before, after)
		}
		n, _ := db.CaseCount(ctx)
		if n != 3 {
			t.Errorf("%d cases after re-import, want 3", n)
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestStoppedLoadLeavesNothing: an import into an empty SQLite database
// is one transaction, so stopping it midway writes nothing, and the next
// run starts again from the beginning.
func TestStoppedLoadLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		zipPath := writeZip(t, ccrbMembers())
		m := mustBuiltin(t, "ccrb")
		sum := stopAfterFirstBatch(t, db, m, zipPath)
		whole := db.Dialect() == store.SQLite
		if sum.Whole != whole {
			t.Errorf("whole = %v on %s", sum.Whole, db.Dialect())
		}
		if !whole {
			return // batch by batch, as TestCrashMidImportResumes
		}
		if sum.Batches != 0 {
			t.Errorf("%d batches committed, want none", sum.Batches)
		}
		if got, _ := db.ImportCounts(context.Background(), "ccrb"); len(got) != 0 {
			t.Errorf("after stopping: %v, want nothing", got)
		}
		if empty, err := db.Empty(context.Background()); !empty || err != nil {
			t.Errorf("empty = %v, %v after stopping", empty, err)
		}
		again, err := importer.Import(context.Background(), db, m, []string{zipPath}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		if again.Duplicates != 1 || again.Imported != 11 || again.Allegations != 7 || !again.Whole {
			t.Errorf("the next run: %+v", *again)
		}
	})
}

// stopAfterFirstBatch imports zipPath six rows a batch and stops the
// import (as a crash or Ctrl-C would) once the first batch is done.
func stopAfterFirstBatch(t *testing.T, db *store.DB, m *importer.Mapping, zipPath string) *importer.Summary {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := opts(t)
	o.Batch = 6
	o.AfterBatch = func(n int) {
		if n == 1 {
			cancel()
		}
	}
	sum, err := importer.Import(ctx, db, m, []string{zipPath}, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	return sum
}

// TestCrashMidImportResumes: an import into a database that already holds
// records writes batch by batch; a crash loses only the batch in hand.
func TestCrashMidImportResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		zipPath := writeZip(t, ccrbMembers())
		m := mustBuiltin(t, "ccrb")
		// The force is there already (it adopts it), so the database is
		// not empty.
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.CreateForce(context.Background(), &officers.Force{Code: m.Force.Code, Name: m.Force.Name})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Batch 1: the five officer rows and the first allegation row,
		// which opens case 200000006 (its second row is in batch 2).
		sum := stopAfterFirstBatch(t, db, m, zipPath)
		if sum.Whole || sum.Batches != 1 {
			t.Errorf("%d batches committed, want 1", sum.Batches)
		}
		got, _ := db.ImportCounts(context.Background(), "ccrb")
		want := map[string]int{"force": 1, "unit": 3, "officer": 4, "case": 1, "allegation": 1}
		if !equalCounts(got, want) {
			t.Fatalf("after the crash: %v, want exactly the first batch %v", got, want)
		}

		resumed, err := importer.Import(context.Background(), db, m, []string{zipPath}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		if resumed.Duplicates != 6 || resumed.Imported != 6 || resumed.Allegations != 6 {
			t.Errorf("resumed run: %+v", *resumed)
		}
		got, _ = db.ImportCounts(context.Background(), "ccrb")
		want = map[string]int{"force": 1, "unit": 3, "officer": 4, "case": 3, "allegation": 7}
		if !equalCounts(got, want) {
			t.Errorf("after resuming: %v, want %v", got, want)
		}
		// The case the crash split has both allegations, in order, and is
		// found by words from both batches.
		c := caseByExternal(t, db, "ccrb", "200000006")
		if len(c.Allegations) != 2 || c.Allegations[0].Description != "Word" || c.Allegations[1].Description != "Race" {
			t.Errorf("split case = %+v", c.Allegations)
		}
		for _, q := range []string{"word", "race"} {
			page, err := db.ListCases(context.Background(), store.CaseFilter{Text: q, Now: now})
			if err != nil || len(page.Items) != 1 || page.Items[0].ID != c.ID {
				t.Errorf("search %q: %+v, %v", q, page.Items, err)
			}
		}
	})
}

func TestPhiladelphia(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		disc := writeFile(t, "disciplines.csv", phillyDisciplines)
		// The complaints file is gzip-compressed: recognised by its bytes.
		compl := writeFile(t, "complaints.csv.gz", string(gzipped(phillyComplaints)))
		m := mustBuiltin(t, "philly")
		sum, err := importer.Import(ctx, db, m, []string{disc, compl}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Read != 6 || sum.Imported != 5 || sum.Rejected != 1 || sum.Officers != 3 || sum.Cases != 4 || sum.NoOfficer != 1 ||
			sum.Joined != 4 || sum.RanksDefaulted != 0 || sum.Units != 1 {
			t.Fatalf("summary %+v", *sum)
		}
		rej := rejectReasons(t, sum.RejectFile)
		if len(rej) != 1 || !strings.Contains(rej[0], `disciplines.csv,7,"complaint_id ""17-0300"" is not in complaints;`) {
			t.Errorf("rejects = %q", rej)
		}
		c := caseByExternal(t, db, "philly", "13-0001")
		if c.Summary != "BH says she was pushed" || c.AroseOn.Format(time.DateOnly) != "2013-01-07" || len(c.Allegations) != 2 {
			t.Errorf("case 13-0001 = %+v", c)
		}
		// The leading space is no obstacle to the mapping, and is not kept.
		a := c.Allegations[1]
		if a.Category != "powers-policies-procedures" || a.Subcategory != "use-of-force" || a.SourceCategory != "Physical Abuse" ||
			a.Subjects[0].Finding != "not_upheld" || a.Subjects[0].Outcome != "Not Applicable" {
			t.Errorf("allegation = %+v", a)
		}
		force, _ := db.ForceByCode(ctx, "PPD")
		// Known only by initials: one record per complaint.
		ks, err := db.OfficerByCollar(ctx, force.ID, "13-0001-KS")
		if err != nil || ks.FamilyName != "KS" || ks.Sex != "female" || ks.Ethnicity != "other" || ks.Rank != "constable" {
			t.Errorf("initials-only officer = %+v, %v", ks, err)
		}
		// Known by the anonymised id: one record across complaints, joined
		// on the earliest.
		jd, err := db.OfficerByCollar(ctx, force.ID, "12345678")
		if err != nil || jd.JoinedOn.Format(time.DateOnly) != "2016-03-02" || jd.FamilyName != "JD" || jd.UnitID == "" {
			t.Errorf("officer 12345678 = %+v, %v", jd, err)
		}
		c2 := caseByExternal(t, db, "philly", "13-0002")
		if c2.Summary != "Imported Philadelphia complaint 13-0002" || len(c2.Allegations) != 1 || len(c2.Allegations[0].Subjects) != 0 {
			t.Errorf("case with no officer = %+v", c2)
		}
		c3 := caseByExternal(t, db, "philly", "17-0200")
		if a := c3.Allegations[0]; a.Category != "individual-behaviours" || a.Subcategory != "lack-of-fairness" || a.Subjects[0].OfficerID != jd.ID ||
			a.Subjects[0].Finding != "upheld" {
			t.Errorf("civil rights allegation = %+v", a)
		}
		again, err := importer.Import(ctx, db, m, []string{disc, compl}, opts(t))
		if err != nil || again.Imported != 0 || again.Duplicates != 5 {
			t.Errorf("re-import: %+v, %v", again, err)
		}
	})
}

// TestBadInput: what is wrong with the files stops the import before it
// writes anything, naming the problem; what is wrong with a row rejects
// that row only.
func TestBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ccrb := mustBuiltin(t, "ccrb")
		philly := mustBuiltin(t, "philly")
		disc := writeFile(t, "disciplines.csv", phillyDisciplines)
		compl := writeFile(t, "complaints.csv", phillyComplaints)

		noComplaints := ccrbMembers()
		delete(noComplaints, "2021-03-20_active_complaint.csv")
		delete(noComplaints, "2021-03-20_inactive_complaint.csv")

		gz := gzipped(phillyComplaints)
		truncated := writeFile(t, "complaints.csv.gz", string(gz[:len(gz)-12]))

		firstRowShort := ccrbMembers()
		firstRowShort["2021-03-20_active_complaint.csv"] = "000001,200000006,2000-01-01,Discourtesy,Word,Unfounded,\n" + ccrbComplaintsActive

		dayFirst := mapping(t, "ccrb", `format: "%Y-%m-%d"`, `format: "%d/%m/%Y"`)
		firstDate := mapping(t, "ccrb", `arose: {column: incident_date, format: "%Y-%m-%d"}`,
			`arose: {first: [incident_date], format: "%d/%m/%Y"}`)
		missingColumn := mapping(t, "philly", "unit: po_assigned_unit", "unit: po_assigned_squad")
		notInHeader := mapping(t, "philly", "date_received, shortened_summary]", "date_received, shortened_summary, received_by]")

		for _, tc := range []struct {
			name  string
			m     *importer.Mapping
			files []string
			want  string
		}{
			{"zip without the members", ccrb, []string{writeZip(t, noComplaints)}, `no member matching "*_complaint.csv"`},
			{"not a zip", ccrb, []string{disc}, "not a readable zip archive"},
			{"truncated gzip", philly, []string{disc, truncated}, "truncated or corrupt"},
			{"wrong file order", philly, []string{compl, disc}, `no column "officer_initials"`},
			{"first row of the wrong width", ccrb, []string{writeZip(t, firstRowShort)}, "has 7 fields, expected 8"},
			{"date format that reads nothing", dayFirst, []string{writeZip(t, ccrbMembers())}, "none of the 7 values read as a date"},
			{"date built with first: named by its field", firstDate, []string{writeZip(t, ccrbMembers())}, "cases.arose (%d/%m/%Y): none of"},
			{"mapping names a missing column", missingColumn, []string{disc, compl}, `no column "po_assigned_squad"`},
			{"listed column not in the header", notInHeader, []string{disc, compl}, `no column "received_by" in its header`},
			{"too few files", philly, []string{disc}, "reads 2 files"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rejects := filepath.Join(t.TempDir(), "rejects.csv")
				_, err := importer.Import(ctx, db, tc.m, tc.files, importer.Options{Now: now, Rejects: rejects})
				var ie *importer.InputError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want an InputError containing %q", err, tc.want)
				}
				if n, _ := db.CaseCount(ctx); n != 0 {
					t.Errorf("%d cases written", n)
				}
				if fs, _ := db.Forces(ctx); len(fs) != 0 {
					t.Errorf("forces written: %v", fs)
				}
				if _, err := os.Stat(rejects); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("reject file left behind: %v", err)
				}
			})
		}

		// Rows of the wrong width or not valid CSV in the middle of a file
		// are rejected with their line numbers; the rest imports.
		members := ccrbMembers()
		members["2021-03-20_active_complaint.csv"] = ccrbComplaintsActive[:strings.Index(ccrbComplaintsActive, "000002")] +
			"000002,200000038,2000-01-03,Force,Physical force\n" +
			"000002,200000038,2000-01-03,Force,\"Physical \"force\",Exonerated,,\n" +
			ccrbComplaintsActive[strings.Index(ccrbComplaintsActive, "000002"):]
		sum, err := importer.Import(ctx, db, ccrb, []string{writeZip(t, members)}, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rejected != 3 || sum.Allegations != 7 {
			t.Errorf("summary %+v", *sum)
		}
		rej := strings.Join(rejectReasons(t, sum.RejectFile), "\n")
		for _, want := range []string{`_active_complaint.csv,3,"has 5 fields, expected 8"`, `_active_complaint.csv,4,"not valid CSV`, "no valid date"} {
			if !strings.Contains(rej, want) {
				t.Errorf("rejects lack %q:\n%s", want, rej)
			}
		}
	})
}

// mapping returns a shipped mapping with one piece of its text replaced.
func mapping(t *testing.T, name, old, new string) *importer.Mapping {
	t.Helper()
	b, err := importer.BuiltinText(name)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, old) {
		t.Fatalf("%s mapping has no %q", name, old)
	}
	m, err := importer.ParseMapping([]byte(strings.ReplaceAll(s, old, new)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMappingErrors: a mapping that is wrong is refused with a message
// naming what is wrong. Each case edits a shipped mapping (ccrb unless it
// says otherwise), replacing the first old with new.
func TestMappingErrors(t *testing.T) {
	const (
		phillyDefault = "    default: \"\"\n\ncases:"
		ccrbFallback  = "  joined_fallback:"
	)
	groups := func(g string) string { return "    default: \"\"\n  ethnicity_groups:\n" + g + "\ncases:" }
	for _, tc := range []struct {
		name, mapping, old, new, want string
	}{
		{"misspelt key", "", "  file: officers\n", "  fil: officers\n", `field fil not found`},
		{"misspelt key in a value", "", "column: rank", "colum: rank", `unknown key "colum"`},
		{"date format without a date", "", `arose: {column: incident_date, format: "%Y-%m-%d"}`, `arose: {column: incident_date, format: "YYYY-MM-DD"}`, `does not read a year, month and day`},
		{"unsupported strftime", "", `arose: {column: incident_date, format: "%Y-%m-%d"}`, `arose: {column: incident_date, format: "%Y-%j"}`, `%j is not supported`},
		{"unknown category", "", "value: powers-policies-procedures/use-of-force}", "value: powers-policies-procedures/use-of-farce}", `"use-of-farce" is not a sub-category`},
		{"discrimination without a characteristic", "", "value: discriminatory-behaviour/race}", "value: discriminatory-behaviour}", "must name the protected characteristic"},
		{"unknown finding", "", "Exonerated: exonerated", "Exonerated: cleared", `"cleared" is not a finding`},
		{"unknown rank", "", "Sergeant: sergeant", "Sergeant: staff sergeant", `"staff sergeant" is not a rank`},
		{"bad source", "", "source: ccrb", "source: NYC CCRB", "source:"},
		{"unknown file", "", "file: allegations", "file: complaints", `allegations.file: "complaints" is not one of the files`},
		{"bad template", "", `template: "Imported CCRB complaint {complaint_id}"`, `template: "Imported CCRB complaint {complaint_id"`, "unmatched brace"},

		{"unidentified: no values", "", ccrbFallback, "  unidentified: {column: last_name}\n" + ccrbFallback, "officers.unidentified[0].values: list the values"},
		{"unidentified: no column", "", ccrbFallback, "  unidentified: {values: [UNKNOWN]}\n" + ccrbFallback, "officers.unidentified[0]: name the column"},
		{"unidentified: misspelt key", "", ccrbFallback, "  unidentified: {column: last_name, value: [UNKNOWN]}\n" + ccrbFallback, `unknown key "value"`},

		{"ethnicity group: no name", "philly", phillyDefault, groups("    - {values: [white]}\n"), "officers.ethnicity_groups[0].name: is required"},
		{"ethnicity group: no values", "philly", phillyDefault, groups("    - {name: White}\n"), "officers.ethnicity_groups[0].values: list the source values"},
		{"ethnicity group: twice", "philly", phillyDefault, groups("    - {name: White, values: [white]}\n    - {name: white, values: [w]}\n"),
			`officers.ethnicity_groups[1].name: "white" is declared twice`},
		{"ethnicity group: value in two groups", "philly", phillyDefault, groups("    - {name: A, values: [white]}\n    - {name: B, values: [WHITE]}\n"),
			`officers.ethnicity_groups[1].values: "WHITE" is already in the group "A"`},
		{"ethnicity group: not an ONS group", "philly", phillyDefault, groups("    - {name: Latino, values: [latino], ons: hispanic}\n"),
			`officers.ethnicity_groups[0].ons: "hispanic" is not an ONS ethnicity group`},
		{"ethnicity group: misspelt key", "philly", phillyDefault, groups("    - {name: Latino, value: [latino]}\n"), `field value not found`},
		{"ethnicity groups without a column", "philly", "  ethnicity:\n    column: po_race\n", "  ethnicity_groups: [{name: White, values: [white]}]\n  ethnicity:\n",
			"officers.ethnicity_groups: name the column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.mapping
			if name == "" {
				name = "ccrb"
			}
			text, err := importer.BuiltinText(name)
			if err != nil {
				t.Fatal(err)
			}
			s := string(text)
			if !strings.Contains(s, tc.old) {
				t.Fatalf("mapping %s has no %q", name, tc.old)
			}
			_, err = importer.ParseMapping([]byte(strings.Replace(s, tc.old, tc.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	for _, name := range []string{"ccrb", "philly"} {
		if _, err := importer.Builtin(name); err != nil {
			t.Errorf("shipped mapping %s: %v", name, err)
		}
	}
	if _, err := importer.ParseMapping(nil); err == nil {
		t.Error("an empty mapping was accepted")
	}
}
