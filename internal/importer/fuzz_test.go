package importer

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/store"
)

// FuzzMapping: a mapping file is outside input (an operator writes it, or
// copies one from elsewhere). Parsing and checking it must never panic,
// and whatever it accepts must compile against files that have the
// columns it names.
func FuzzMapping(f *testing.F) {
	for _, name := range []string{"ccrb", "philly"} {
		b, err := BuiltinText(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("source: x\nforce: {code: X, name: X}\nfiles: [{name: a, header: true}]\n"))
	f.Add([]byte("cases: {id: {first: [{first: [a]}]}}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMapping(b)
		if err != nil {
			return
		}
		if !sourceName.MatchString(m.Source) || len(m.Files) == 0 {
			t.Fatalf("accepted a mapping with source %q and %d files", m.Source, len(m.Files))
		}
		for _, v := range m.values() {
			if err := v.v.check(); err != nil {
				t.Fatalf("accepted %s: %v", v.name, err)
			}
		}
	})
}

// FuzzCCRBRow feeds one allegation row through the CCRB mapping, in
// memory: every row is either imported, with codes Probity knows, or
// rejected with a reason; none panics.
func FuzzCCRBRow(f *testing.F) {
	for _, line := range strings.Split(strings.TrimSpace(ccrbSeedRows), "\n") {
		f.Add(line)
	}
	m, err := Builtin("ccrb")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		x := memoryRun(t, m, map[string]string{
			"officers":    "000001,075 PCT,Smith,Ann,Sergeant,1\n",
			"allegations": line,
		})
		if err := x.prescan(x.ctx); err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("prescan: %v", err)
			}
			return // the file as a whole is refused, before any write
		}
		if err := x.officerT.scan(x.ctx, false, x.officerRow); err != nil {
			t.Fatal(err)
		}
		x.read = 0
		if err := x.allegT.scan(x.ctx, false, x.allegationRow); err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				return
			}
			t.Fatal(err)
		}
		x.indexRest()
		// Read counts the officer row too, which is always imported.
		if x.sum.Allegations+x.rejects.n+x.sum.Duplicates != x.sum.Read-1 {
			t.Fatalf("read %d rows, imported %d allegations, rejected %d", x.sum.Read, x.sum.Allegations, x.rejects.n)
		}
		for _, a := range x.batch.Allegations {
			if _, _, err := categoryOf(x.tax, a.Category+"/"+a.Subcategory); err != nil && a.Subcategory != "" {
				t.Fatalf("imported category %s/%s: %v", a.Category, a.Subcategory, err)
			}
			for _, s := range []string{a.Description, a.SourceCategory} {
				if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r") {
					t.Fatalf("unclean text %q", s)
				}
			}
			for _, s := range a.Subjects {
				if s.Finding != "" && !slices.Contains(Findings, s.Finding) {
					t.Fatalf("finding %q", s.Finding)
				}
			}
		}
		for _, c := range x.batch.Cases {
			if c.AroseOn.IsZero() || c.ReceivedAt.Before(c.AroseOn) || c.ReceivedAt.After(x.now) {
				t.Fatalf("case dates %v %v", c.AroseOn, c.ReceivedAt)
			}
		}
	})
}

const ccrbSeedRows = `
000001,200000006,2000-01-01,Discourtesy,Word,Unfounded,,
000001,200000006,2000-01-01,Offensive Language,Race,"Substantiated (Charges)",Guilty - DCT,Vacation days: 10
000001,200000038,,Force,Physical force,Exonerated,,
000009,200000038,2000-01-03,Force,Physical force,Exonerated,,
000001,200000038,2099-01-03,Force,Physical force,Exonerated,,
000001,200000038,2000-13-03,Force,Physical force,Exonerated,,
000001,,2000-01-03,Abuse of Authority,"Frisk, and search",Exonerated,,
000001,200000038,2000-01-03,Force
`

// memoryRun prepares an import of in-memory files with no database: the
// state a first import starts from, and batches too large to flush.
func memoryRun(t *testing.T, m *Mapping, files map[string]string) *run {
	t.Helper()
	in := &inputs{tables: map[string]*table{}}
	for _, spec := range m.Files {
		content := files[spec.Name]
		tb := &table{spec: spec, parts: []part{{name: spec.Name, open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(content)), nil
		}}}}
		if err := tb.readColumns(); err != nil {
			t.Fatal(err)
		}
		in.tables[spec.Name] = tb
	}
	x, err := newRun(m, in, Options{Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Batch: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	x.ctx = context.Background()
	x.rejects = &rejectFile{}
	x.forceID = "force"
	x.keys = map[string]map[string]string{}
	for _, k := range []string{store.ImportForce, store.ImportUnit, store.ImportOfficer, store.ImportCase, store.ImportAllegation} {
		x.keys[k] = map[string]string{}
	}
	x.unitCode, x.collars, x.caseSeq = map[string]string{}, map[string]string{}, map[string]int{}
	x.batch = &store.ImportBatch{Source: m.Source, Now: x.now}
	return x
}
