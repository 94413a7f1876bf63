package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/importer"
	"github.com/probity/probity/internal/store"
)

const importUsage = `Usage:
  probity import ccrb ZIP                              NYC CCRB MOS records (the published zip, read as it is)
  probity import philly DISCIPLINES.csv COMPLAINTS.csv Philadelphia complaints against police
  probity import csv --mapping MAPPING.yaml FILE...    any force's export, described by a mapping
  probity import mapping ccrb|philly                   print a shipped mapping, to start your own from

Flags (anywhere on the line): --db, --batch N (rows per transaction, default 25000),
--rejects PATH (default ./probity-data/rejects-SOURCE-TIME.csv).
Re-running an import changes nothing; an interrupted one resumes. See docs/importing.md.`

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageErr("%s", importUsage)
	}
	sub := args[0]
	if sub == "-h" || sub == "--help" || sub == "help" {
		fmt.Fprintln(stdout, importUsage)
		return nil
	}
	if sub == "mapping" {
		if len(args) != 2 {
			return usageErr("usage: probity import mapping ccrb|philly")
		}
		b, err := importer.BuiltinText(args[1])
		if err != nil {
			return usageErr("%q is not a shipped mapping: use ccrb or philly", args[1])
		}
		_, err = stdout.Write(b)
		return err
	}
	fs := newFlagSet("import "+sub, stderr)
	f := config.Register(fs, getenv)
	batch := fs.Int("batch", importer.DefaultBatch, "rows per transaction")
	rejects := fs.String("rejects", "", "where to write rejected rows (default ./probity-data/rejects-SOURCE-TIME.csv)")
	mappingPath := fs.String("mapping", "", "the mapping file (import csv only)")
	files, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if *batch < 1 || *batch > 100000 {
		return usageErr("--batch: must be from 1 to 100000")
	}
	var m *importer.Mapping
	switch sub {
	case "ccrb", "philly":
		if *mappingPath != "" {
			return usageErr("--mapping: only for import csv; ccrb and philly use their shipped mappings")
		}
		m, err = importer.Builtin(sub)
		if err != nil {
			return err
		}
		if sub == "ccrb" && len(files) != 1 {
			return usageErr("usage: probity import ccrb ZIP")
		}
		if sub == "philly" && len(files) != 2 {
			return usageErr("usage: probity import philly DISCIPLINES.csv COMPLAINTS.csv")
		}
	case "csv":
		if *mappingPath == "" {
			return usageErr("--mapping: required: the YAML file describing the files (see probity import mapping ccrb)")
		}
		b, err := readLimited(*mappingPath, importer.MaxMappingSize)
		if err != nil {
			return usageErr("--mapping: %v", err)
		}
		if m, err = importer.ParseMapping(b); err != nil {
			return usageErr("--mapping %s: %v", *mappingPath, err)
		}
		if len(files) == 0 {
			return usageErr("import csv: name the files to import")
		}
	default:
		return usageErr("unknown import %q\n%s", sub, importUsage)
	}
	c, err := f.Config()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	now := time.Now().UTC()
	if *rejects == "" {
		*rejects = filepath.Join("probity-data", fmt.Sprintf("rejects-%s-%s.csv", m.Source, now.Format("20060102T150405Z")))
	}
	log := newLogger(stderr, c.LogLevel, c.LogFormat)
	// Imported records carry no sealed columns (no people are imported),
	// so no data key is needed.
	// A database this import creates is removed again if nothing could be
	// imported, so that a wrong file or mapping leaves no empty database
	// behind to be mistaken for a real one.
	created := false
	if c.DB.Dialect == store.SQLite && c.DB.Path != "" {
		if _, serr := os.Stat(c.DB.Path); errors.Is(serr, os.ErrNotExist) {
			created = true
		}
	}
	db, err := openAudited(ctx, c, log, false)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()

	bar := newProgressBar(stderr, m.Source)
	sum, err := importer.Import(ctx, db, m, files, importer.Options{Batch: *batch, Rejects: *rejects, Now: now, Progress: bar.update})
	bar.done()
	var inErr *importer.InputError
	if errors.As(err, &inErr) {
		if created {
			closed = true
			db.Close()
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				if rerr := os.Remove(c.DB.Path + suffix); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
					log.Warn("removing the database this import created", "path", c.DB.Path+suffix, "err", rerr)
				}
			}
		}
		return &exitError{code: 1, err: fmt.Errorf("nothing was imported: %w", err)}
	}
	if sum == nil {
		return err
	}
	printSummary(stdout, sum)
	outcome, reason := audit.Success, summaryLine(sum, files)
	if err != nil {
		outcome, reason = audit.Failure, reason+"; stopped: "+err.Error()
	}
	e := &audit.Entry{At: time.Now().UTC(), ActorName: "cli", Action: audit.Collect, RecordType: "import",
		RecordID: m.Source, Outcome: outcome, Reason: reason}
	if aerr := db.Audit(context.WithoutCancel(ctx), e); aerr != nil {
		return errors.Join(err, fmt.Errorf("recording the import in the audit log: %w", aerr))
	}
	if err != nil && sum.Whole {
		return fmt.Errorf("import stopped; nothing of it was written (into an empty database it is one transaction); run the same command again: %w", err)
	}
	if err != nil {
		return fmt.Errorf("import stopped after %d batches (they stay written; run the same command again to resume): %w", sum.Batches, err)
	}
	return printDataQuality(ctx, stdout, db, m.Force.Code)
}

// printDataQuality lists what looks wrong in the force's records as
// imported so far (placeholder officers, implausible volumes, thin
// years), the same checks `probity eis evaluate` makes before modelling,
// so that whoever imports learns of them first.
func printDataQuality(ctx context.Context, w io.Writer, db *store.DB, force string) error {
	all, err := db.EISData(ctx)
	if err != nil {
		return fmt.Errorf("checking the imported records: %w", err)
	}
	ds, err := all.Subset(func(o *eis.Officer) bool { return o.Force == force })
	if err != nil {
		return fmt.Errorf("checking the imported records: %w", err)
	}
	findings := eis.DataQuality(ds)
	if len(findings) == 0 {
		fmt.Fprintf(w, "  data quality: nothing implausible found in %s's records\n", force)
		return nil
	}
	noun := "findings"
	if len(findings) == 1 {
		noun = "finding"
	}
	fmt.Fprintf(w, "  data quality: %d %s in %s's records (see officers.unidentified in docs/importing.md):\n", len(findings), noun, force)
	for i, f := range findings {
		if i == 20 {
			fmt.Fprintf(w, "    ... and %d more\n", len(findings)-20)
			break
		}
		fmt.Fprintf(w, "    %s\n", f)
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after
// the file arguments ("import ccrb FILE --db ..."), as the docs show.
// Everything after "--" is a file.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &exitError{code: 2, err: err}
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(files, rest...), nil
		}
		if len(rest) == 0 {
			return files, nil
		}
		files = append(files, rest[0])
		args = rest[1:]
	}
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

func summaryLine(s *importer.Summary, files []string) string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	return fmt.Sprintf("import %s from %s: read %d, imported %d, rejected %d, skipped as duplicates %d; created %d officers, %d cases, %d allegations",
		s.Source, strings.Join(names, ", "), s.Read, s.Imported, s.Rejected, s.Duplicates, s.Officers, s.Cases, s.Allegations)
}

func printSummary(w io.Writer, s *importer.Summary) {
	fmt.Fprintf(w, "%s: read %d rows, imported %d, rejected %d, skipped as duplicates %d (%d batches, %s)\n",
		s.Source, s.Read, s.Imported, s.Rejected, s.Duplicates, s.Batches, s.Took.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  created: %d force, %d units, %d officers, %d cases, %d allegations\n",
		s.Forces, s.Units, s.Officers, s.Cases, s.Allegations)
	if s.Joined > 0 {
		fmt.Fprintf(w, "  joined rows held in memory: %d\n", s.Joined)
	}
	if s.RanksDefaulted > 0 {
		fmt.Fprintf(w, "  officers whose rank has no mapping (recorded as %s; source rank kept): %d\n", importer.DefaultRank, s.RanksDefaulted)
	}
	if s.NoOfficer > 0 {
		fmt.Fprintf(w, "  allegations naming no officer (kept without a subject): %d\n", s.NoOfficer)
	}
	if s.Unidentified > 0 {
		fmt.Fprintf(w, "  allegations against officers the mapping marks unidentified (kept without a subject): %d\n", s.Unidentified)
	}
	if len(s.Unmapped) > 0 {
		fmt.Fprintf(w, "  source categories given the default category (source category kept):\n")
		for i, k := range s.UnmappedSorted() {
			if i == 10 {
				fmt.Fprintf(w, "    ... and %d more\n", len(s.Unmapped)-10)
				break
			}
			fmt.Fprintf(w, "    %6d  %s\n", s.Unmapped[k], k)
		}
	}
	if s.RejectFile != "" {
		fmt.Fprintf(w, "  rejected rows: %s (readable by you only: rows may hold personal data)\n", s.RejectFile)
	} else {
		fmt.Fprintf(w, "  rejected rows: none\n")
	}
}

// progressBar shows one updating line on a terminal, at most every 200 ms,
// and nothing when stderr is a file or a pipe (logs, CI), where a stream
// of carriage returns would only be noise.
type progressBar struct {
	w      io.Writer
	source string
	on     bool
	mu     sync.Mutex
	phase  string
	start  time.Time // of the current phase
	last   time.Time
	shown  bool
}

func newProgressBar(w io.Writer, source string) *progressBar {
	return &progressBar{w: w, source: source, on: isTerminal(w), start: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progressBar) update(pr importer.Progress) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if pr.Phase != p.phase {
		p.phase, p.start = pr.Phase, now
	}
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	rate := float64(pr.Read) / max(now.Sub(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r\033[K%s %s: %d rows read, %.0f rows/s", p.source, pr.Phase, pr.Read, rate)
	p.shown = true
}

func (p *progressBar) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
