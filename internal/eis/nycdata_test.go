package eis

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// nycZip is the NYC CCRB "MOS records" snapshot described in
// /work/shared/data/SOURCES.md (it lives outside the module and is never
// copied into it).
func nycZip() string {
	if p := os.Getenv("PROBITY_NYC_ZIP"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	// internal/eis -> module root -> ../shared/data
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "nyc-ccrb-mos-records_2021-03-20.zip")
}

var nycOnce = sync.OnceValues(func() (*Dataset, error) { return loadNYC(nycZip()) })

// nycDataset loads the NYC data once per test binary, or skips the test
// when the file is not there.
func nycDataset(t testing.TB) *Dataset {
	t.Helper()
	if _, err := os.Stat(nycZip()); err != nil {
		t.Skipf("NYC CCRB data not available: %v", err)
	}
	ds, err := nycOnce()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// loadNYC reads the CCRB zip straight into a Dataset, as the importer
// stores it in the database (internal/importer/mappings/ccrb.yaml), so
// that both give the same evaluation: officer files give the population
// (they list officers with no allegations too); each complaint row is one
// allegation against one officer; categories follow the importer's rules,
// and use of force is its use-of-force sub-category (FADO "Force", plus
// the gun-pointing allegations CCRB once filed under abuse of authority);
// a board disposition starting "Substantiated" is upheld, and
// unsubstantiated, exonerated and unfounded keep their names; an officer's
// joining date is the earliest incident seen, since the files publish none.
func loadNYC(path string) (*Dataset, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	read := func(name string, each func(rec []string) error) error {
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, name) {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			r := csv.NewReader(rc)
			r.FieldsPerRecord = -1
			r.ReuseRecord = true
			for {
				rec, err := r.Read()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				if err := each(rec); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		}
		return fmt.Errorf("%s not in %s", name, path)
	}
	ds := &Dataset{}
	index := map[string]int32{}
	for _, name := range []string{"_active_officer.csv", "_inactive_officer.csv"} {
		err := read(name, func(rec []string) error {
			if len(rec) < 6 {
				return fmt.Errorf("officer row with %d fields", len(rec))
			}
			oid := strings.TrimSpace(rec[0])
			if _, dup := index[oid]; dup {
				return nil // three ids appear twice: the first row wins
			}
			index[oid] = int32(len(ds.Officers))
			ds.Officers = append(ds.Officers, Officer{ID: oid, Key: "NYPD/" + oid, Force: "NYPD",
				Unit: strings.TrimSpace(rec[1]), Rank: nycRank(strings.TrimSpace(rec[4])), Joined: NoDay, Left: NoDay})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// A row without an incident date takes its complaint's earliest date,
	// as the importer gives it the case's date; a complaint with no date
	// at all is rejected there and skipped here.
	type row struct {
		officer                   int32
		complaint, date           string
		fado, allegation, finding string
	}
	var rows []row
	caseDay := map[string]Day{}
	for _, name := range []string{"_active_complaint.csv", "_inactive_complaint.csv"} {
		err := read(name, func(rec []string) error {
			if len(rec) < 8 {
				return fmt.Errorf("complaint row with %d fields", len(rec))
			}
			oi, ok := index[strings.TrimSpace(rec[0])]
			if !ok {
				return nil
			}
			r := row{officer: oi, complaint: strings.TrimSpace(rec[1]), date: strings.TrimSpace(rec[2]),
				fado: strings.TrimSpace(rec[3]), allegation: strings.TrimSpace(rec[4]), finding: strings.TrimSpace(rec[5])}
			if r.date != "" {
				t, err := time.Parse(time.DateOnly, r.date)
				if err != nil {
					return err
				}
				d := DayOf(t)
				if old, ok := caseDay[r.complaint]; !ok || d < old {
					caseDay[r.complaint] = d
				}
				o := &ds.Officers[oi]
				if o.Joined == NoDay || d < o.Joined {
					o.Joined = d
				}
			}
			rows = append(rows, r)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, r := range rows {
		on, ok := caseDay[r.complaint]
		if r.date != "" {
			t, _ := time.Parse(time.DateOnly, r.date)
			on = DayOf(t)
		} else if !ok {
			continue
		}
		cat, sub, concern, force := nycCategory(r.fado, r.allegation)
		finding := "other"
		switch {
		case strings.HasPrefix(r.finding, "Substantiated"):
			finding = "upheld"
		case r.finding == "Unsubstantiated" || r.finding == "Exonerated" || r.finding == "Unfounded":
			finding = strings.ToLower(r.finding)
		}
		ds.Allegations = append(ds.Allegations, Allegation{Officer: r.officer, Case: r.complaint, On: on, Category: cat,
			Subcategory: sub, Concern: concern, UseOfForce: force, Finding: finding})
	}
	return ds, ds.Prepare()
}

// nycRank maps NYPD ranks onto the ranks Probity knows, as the importer's
// ccrb mapping does (unmapped ranks become constable there too).
func nycRank(r string) string {
	switch r {
	case "Sergeant":
		return "sergeant"
	case "Lieutenant":
		return "inspector"
	case "Captain":
		return "chief inspector"
	case "Deputy Inspector":
		return "superintendent"
	case "Inspector":
		return "chief superintendent"
	}
	return "constable"
}

// ccrbRules follow the importer's ccrb mapping (internal/importer/mappings
// /ccrb.yaml), in its order, on "FADO: allegation" folded to lower case,
// so that this loader and the database hold the same categories.
var ccrbRules = []struct{ equals, prefix, contains, value string }{
	{prefix: "force:", value: "powers-policies-procedures/use-of-force"},
	{prefix: "abuse of authority:", contains: "gun pointed", value: "powers-policies-procedures/use-of-force"},
	{prefix: "abuse of authority:", contains: "sexual harassment", value: "sexual-conduct/sexual-harassment"},
	{prefix: "abuse of authority:", contains: "sex miscon", value: "abuse-of-position/sexual-purpose"},
	{prefix: "abuse of authority:", contains: "sexual misconduct", value: "abuse-of-position/sexual-purpose"},
	{prefix: "abuse of authority:", contains: "premises", value: "powers-policies-procedures/searches-of-premises"},
	{prefix: "abuse of authority:", contains: "seizure of property", value: "powers-policies-procedures/searches-of-premises"},
	{prefix: "abuse of authority:", contains: "property damaged", value: "property-premises"},
	{prefix: "abuse of authority:", contains: "vehicle s", value: "powers-policies-procedures/stop-and-search"},
	{prefix: "abuse of authority:", contains: "frisk", value: "powers-policies-procedures/stop-and-search"},
	{prefix: "abuse of authority:", contains: "search (of person)", value: "powers-policies-procedures/stop-and-search"},
	{prefix: "abuse of authority:", contains: "strip-search", value: "powers-policies-procedures/stop-and-search"},
	{prefix: "abuse of authority:", contains: "body cavity", value: "powers-policies-procedures/stop-and-search"},
	{equals: "abuse of authority: stop", value: "powers-policies-procedures/stop-and-search"},
	{equals: "abuse of authority: question", value: "powers-policies-procedures/stop-and-search"},
	{equals: "abuse of authority: question and/or stop", value: "powers-policies-procedures/stop-and-search"},
	{equals: "abuse of authority: retaliatory arrest", value: "powers-policies-procedures/arrest"},
	{prefix: "abuse of authority:", value: "powers-policies-procedures/other-policies"},
	{equals: "discourtesy: action", value: "individual-behaviours/impolite-intolerant-actions"},
	{equals: "discourtesy: gesture", value: "individual-behaviours/impolite-intolerant-actions"},
	{prefix: "discourtesy:", value: "individual-behaviours/impolite-language"},
	{equals: "offensive language: race", value: "discriminatory-behaviour/race"},
	{equals: "offensive language: ethnicity", value: "discriminatory-behaviour/race"},
	{equals: "offensive language: gender identity", value: "discriminatory-behaviour/gender-reassignment"},
	{equals: "offensive language: gender", value: "discriminatory-behaviour/sex"},
	{equals: "offensive language: sexual orientation", value: "discriminatory-behaviour/sexual-orientation"},
	{equals: "offensive language: religion", value: "discriminatory-behaviour/religion-belief"},
	{equals: "offensive language: physical disability", value: "discriminatory-behaviour/disability"},
	{prefix: "offensive language:", value: "individual-behaviours/impolite-intolerant-actions"},
}

// nycCategory maps a CCRB FADO type and allegation onto the national
// taxonomy, with the concern and use-of-force flag the taxonomy attaches.
func nycCategory(fado, allegation string) (cat, sub, concern string, force bool) {
	n := strings.Join(strings.Fields(strings.ToLower(fado+": "+allegation)), " ")
	code := "delivery-of-duties/general-level-of-service"
	for _, r := range ccrbRules {
		if (r.equals == "" || n == r.equals) && (r.prefix == "" || strings.HasPrefix(n, r.prefix)) &&
			(r.contains == "" || strings.Contains(n, r.contains)) {
			code = r.value
			break
		}
	}
	cat, sub, _ = strings.Cut(code, "/")
	switch {
	case cat == "discriminatory-behaviour":
		concern = "discrimination"
	case cat == "sexual-conduct", code == "abuse-of-position/sexual-purpose":
		concern = "sexual misconduct"
	}
	return cat, sub, concern, code == "powers-policies-procedures/use-of-force"
}

func TestLoadNYC(t *testing.T) {
	ds := nycDataset(t)
	if len(ds.Officers) < 80000 || len(ds.Allegations) < 170000 {
		t.Fatalf("loaded %d officers and %d allegations; want about 83,000 and 175,000", len(ds.Officers), len(ds.Allegations))
	}
	force := 0
	for _, a := range ds.Allegations {
		if a.UseOfForce {
			force++
		}
	}
	if force < 51000 || force > 51500 {
		t.Errorf("%d use-of-force allegations, want about 51,250 (FADO Force and gun-pointing)", force)
	}
	if len(ds.Allegations) != 175451 {
		t.Errorf("%d allegations, want 175,451 as the importer keeps", len(ds.Allegations))
	}
}
