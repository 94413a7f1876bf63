package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// The measures are benchmarked on a force the size of `probity demo`'s
// (2,400 officers, 1,200 complaints and 150 conduct matters a year for
// five years, with their timelines, allegations and subjects, plus
// speak-up reports and early-intervention flags), written straight into
// SQLite so the fixture takes seconds. The demo generator itself lives
// above the store and cannot be used here.

var benchMeasures struct {
	once  sync.Once
	dir   string
	db    *store.DB
	force string
	err   error
}

// TestMain removes the benchmark database, which outlives any one
// benchmark, once every test and benchmark has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchMeasures.db != nil {
		benchMeasures.db.Close()
	}
	if benchMeasures.dir != "" {
		os.RemoveAll(benchMeasures.dir)
	}
	os.Exit(code)
}

// benchMeasuresNow is the clock of the benchmark force: its last full
// year is 2025.
var benchMeasuresNow = time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC)

func measuresBenchDB(b *testing.B) (*store.DB, string) {
	b.Helper()
	benchMeasures.once.Do(func() {
		// One database for every benchmark of the run, so that it is
		// seeded once; TestMain removes it.
		dir, err := os.MkdirTemp("", "probity-measures-bench-")
		benchMeasures.dir = dir
		if err != nil {
			benchMeasures.err = err
			return
		}
		db := storetest.Open(noCleanup{b}, store.Location{Dialect: store.SQLite, Path: filepath.Join(dir, "p.db")})
		benchMeasures.db = db
		benchMeasures.force, benchMeasures.err = seedMeasuresBench(db)
	})
	if benchMeasures.err != nil {
		b.Fatal(benchMeasures.err)
	}
	return benchMeasures.db, benchMeasures.force
}

// noCleanup keeps the shared benchmark database open after the benchmark
// that opened it ends.
type noCleanup struct{ *testing.B }

func (noCleanup) Cleanup(func()) {}

func seedMeasuresBench(db *store.DB) (string, error) {
	r := rand.New(rand.NewPCG(13, 2026))
	ref, err := cases.LoadReference()
	if err != nil {
		return "", err
	}
	tax := ref.TaxonomyAt(benchMeasuresNow)
	var cats []string
	for _, c := range tax.Categories {
		cats = append(cats, c.Code)
	}
	force := id.New()
	units := make([]string, 20)
	officerIDs := make([]string, 2400)
	err = db.BulkForTest(ctx, func(exec func(string, ...any) error) error {
		if err := exec(`INSERT INTO forces (id, code, name) VALUES ($1, 'BEN', 'Bench')`, force); err != nil {
			return err
		}
		for i := range units {
			units[i] = id.New()
			if err := exec(`INSERT INTO units (id, force_id, code, name) VALUES ($1, $2, $3, $3)`, units[i], force, fmt.Sprint("U", i)); err != nil {
				return err
			}
		}
		eths := []string{"white", "white", "white", "white", "white", "white", "white", "white", "asian", "black", "mixed", ""}
		for i := range officerIDs {
			officerIDs[i] = id.New()
			joined := time.Date(2000+r.IntN(25), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
			var left any
			if r.IntN(10) == 0 {
				left = joined.AddDate(1+r.IntN(5), 0, 0)
			}
			sex := []string{"male", "male", "female"}[r.IntN(3)]
			if err := exec(`INSERT INTO officers (id, force_id, collar_number, family_name, rank, unit_id, joined_on, left_on, sex, ethnicity, created_at, updated_at)
				VALUES ($1, $2, $3, 'Bench', 'constable', $4, $5, $6, $7, $8, $9, $9)`,
				officerIDs[i], force, fmt.Sprint(i), units[r.IntN(len(units))], joined, left, sex, eths[r.IntN(len(eths))], benchMeasuresNow); err != nil {
				return err
			}
		}
		start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		span := benchMeasuresNow.Sub(start)
		for n := range 1350 * 5 {
			if err := benchCase(exec, r, n, force, units, officerIDs, cats, tax.Version, ref, start.Add(time.Duration(r.Int64N(int64(span))))); err != nil {
				return err
			}
		}
		return benchSpeakUpAndFlags(exec, r, officerIDs, units, start, span)
	})
	return force, err
}

// benchCase writes one case: its row, its timeline up to now, one or two
// allegations with a subject each.
func benchCase(exec func(string, ...any) error, r *rand.Rand, n int, force string, units, officerIDs, cats []string,
	taxVersion string, ref *cases.Reference, received time.Time) error {
	kind := cases.Complaint
	path := []cases.State{cases.Received, cases.InitialContact}
	switch x := r.IntN(100); {
	case x < 10:
		kind = cases.ConductMatter
		path = []cases.State{cases.AllegationReceived, cases.SeverityAssessed, []cases.State{cases.NoFurtherAction, cases.RPRP, cases.Final}[r.IntN(3)]}
	case x < 50:
		path = append(path, cases.LoggedOutsideSch3, cases.Resolved)
	default:
		route := []cases.State{cases.HandledOtherwise, cases.HandledOtherwise, cases.LocalInvestigation, cases.DirectedInvestigation, cases.IndependentInvestigation}[r.IntN(5)]
		path = append(path, cases.RecordedSch3, route, cases.OutcomeNotified, cases.Closed)
	}
	caseID := id.New()
	at := received
	var events [][2]any
	for i, st := range path {
		if i > 0 {
			at = at.Add(time.Duration(r.ExpFloat64() * 40 * float64(24*time.Hour)))
		}
		if at.After(benchMeasuresNow) {
			break
		}
		events = append(events, [2]any{st, at})
	}
	state := events[len(events)-1][0].(cases.State)
	if err := exec(`INSERT INTO cases (id, reference, kind, force_id, unit_id, state, rule_set, summary, arose_on, received_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'bench', $8, $9, $9, $10)`,
		caseID, fmt.Sprintf("B/%06d", n), string(kind), force, units[r.IntN(len(units))], string(state),
		ref.RuleSetFor(received).Code, received.Truncate(24*time.Hour), received, events[len(events)-1][1]); err != nil {
		return err
	}
	for i, e := range events {
		typ := cases.EventStateChanged
		if i == 0 {
			typ = "recorded"
		}
		if err := exec(`INSERT INTO case_events (id, case_id, seq, at, actor, type, detail, to_state) VALUES ($1, $2, $3, $4, 'bench', $5, '{}', $6)`,
			id.New(), caseID, i+1, e[1], typ, string(e[0].(cases.State))); err != nil {
			return err
		}
	}
	findings := []string{"", "service_acceptable", "service_not_acceptable", "case_to_answer", "misconduct", "no_case_to_answer"}
	outcomes := []string{"", "", "", "written_warning", "final_written_warning", "dismissal_without_notice"}
	for a := range 1 + r.IntN(2) {
		aid := id.New()
		if err := exec(`INSERT INTO allegations (id, case_id, seq, taxonomy_version, category) VALUES ($1, $2, $3, $4, $5)`,
			aid, caseID, a+1, taxVersion, cats[r.IntN(len(cats))]); err != nil {
			return err
		}
		// A fifth of subjects come from a small set of officers, so that
		// repeat subjects exist.
		o := officerIDs[r.IntN(len(officerIDs))]
		if r.IntN(5) == 0 {
			o = officerIDs[r.IntN(60)]
		}
		if err := exec(`INSERT INTO subjects (allegation_id, officer_id, finding, outcome) VALUES ($1, $2, $3, $4)`,
			aid, o, findings[r.IntN(len(findings))], outcomes[r.IntN(len(outcomes))]); err != nil {
			return err
		}
	}
	return nil
}

func benchSpeakUpAndFlags(exec func(string, ...any) error, r *rand.Rand, officerIDs, units []string, start time.Time, span time.Duration) error {
	if err := exec(`INSERT INTO users (id, username, created_at, updated_at) VALUES ('bench-guardian', 'bench-guardian', $1, $1)`, benchMeasuresNow); err != nil {
		return err
	}
	for i := range 300 {
		rid := id.New()
		created := start.Add(time.Duration(r.Int64N(int64(span)))).Truncate(24 * time.Hour)
		if err := exec(`INSERT INTO speakup_reports (id, reference, receipt_hash, category, what_sealed, anonymous, created_at)
			VALUES ($1, $2, $1, $3, 'x', $4, $5)`, rid, fmt.Sprint("SU/", i), []string{"corruption", "other", "bullying_harassment"}[r.IntN(3)], true, created); err != nil {
			return err
		}
		if r.IntN(4) > 0 {
			if err := exec(`INSERT INTO speakup_messages (id, report_id, seq, sender, guardian_id, at, text_sealed) VALUES ($1, $2, 1, 'guardian', 'bench-guardian', $3, 'x')`,
				id.New(), rid, created.Add(time.Duration(r.IntN(20*24))*time.Hour)); err != nil {
				return err
			}
		}
	}
	if err := exec(`INSERT INTO eis_runs (id, at, kind, model) VALUES ('bench-run', $1, 'run', 'rules')`, start); err != nil {
		return err
	}
	for i := range 400 {
		fid := id.New()
		raised := start.Add(time.Duration(r.Int64N(int64(span))))
		if err := exec(`INSERT INTO eis_flags (id, officer_id, run_id, raised_at, source, rule_name, score, explanation, state, intervention, unit_id, updated_at)
			VALUES ($1, $2, 'bench-run', $3, $4, $5, 1, '{}', 'intervention', 'advice', $6, $3)`,
			fid, officerIDs[i], raised, []string{"rule", "model"}[r.IntN(2)], fmt.Sprint("r", i), units[r.IntN(len(units))]); err != nil {
			return err
		}
		for v, action := range []string{"review", "intervene"} {
			if err := exec(`INSERT INTO eis_flag_notes (id, flag_id, author_id, at, action, text, version) VALUES ($1, $2, 'u', $3, $4, 'x', $5)`,
				id.New(), fid, raised.Add(time.Duration(v+1)*72*time.Hour), action, v+2); err != nil {
				return err
			}
		}
	}
	return nil
}

// BenchmarkMeasures computes each measure for a year of the benchmark
// force through measures.Service, one sub-benchmark a measure, so that
// every measure has its own figure: the filter and first-record checks,
// the counting and the shaping of the result.
func BenchmarkMeasures(b *testing.B) {
	db, force := measuresBenchDB(b)
	svc := measures.New(db, func() time.Time { return benchMeasuresNow })
	year := measures.YearOf(2025)
	for _, id := range measures.IDs() {
		b.Run(id, func(b *testing.B) {
			for range b.N {
				r, err := svc.Compute(ctx, id, year, measures.Filter{ForceID: force})
				if err != nil {
					b.Fatal(err)
				}
				if r.Empty || len(r.Rows) == 0 {
					b.Fatalf("%s: no figures (%s)", id, r.Note)
				}
			}
		})
	}
}

// BenchmarkMeasuresYearByQuarter computes each measure for the four
// quarters of a year of the benchmark force and the year, as the public
// portal does: all five periods in one count a measure.
func BenchmarkMeasuresYearByQuarter(b *testing.B) {
	db, force := measuresBenchDB(b)
	svc := measures.New(db, func() time.Time { return benchMeasuresNow })
	periods := []measures.Period{measures.QuarterOf(2025, 1), measures.QuarterOf(2025, 2), measures.QuarterOf(2025, 3),
		measures.QuarterOf(2025, 4), measures.YearOf(2025)}
	for _, id := range measures.IDs() {
		b.Run(id, func(b *testing.B) {
			for range b.N {
				rs, err := svc.ComputePeriods(ctx, id, periods, measures.Filter{ForceID: force})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range rs {
					if r.Empty || len(r.Rows) == 0 {
						b.Fatalf("%s %s: no figures (%s)", id, r.Period, r.Note)
					}
				}
			}
		})
	}
}

// BenchmarkBaselineMeasuresSQL runs the same SQL as BenchmarkMeasures,
// measure by measure, straight on the reader pool, reading every row and
// doing nothing else: what each measure costs with nothing of Probity
// around the engine.
func BenchmarkBaselineMeasuresSQL(b *testing.B) {
	db, force := measuresBenchDB(b)
	year := measures.YearOf(2025)
	byMeasure := map[string][]store.MeasureQuery{}
	for _, q := range db.MeasureQueriesForTest(measures.Scope{ForceID: force, Kinds: cases.Kinds, Start: year.Start, End: year.End}) {
		byMeasure[q.Name] = append(byMeasure[q.Name], q)
	}
	raw := db.ReaderForTest()
	for _, id := range measures.IDs() {
		if len(byMeasure[id]) == 0 {
			b.Fatalf("no baseline SQL for measure %s", id)
		}
		b.Run(id, func(b *testing.B) {
			for range b.N {
				for _, q := range byMeasure[id] {
					rows, err := raw.QueryContext(ctx, q.SQL, q.Args...)
					if err != nil {
						b.Fatalf("%s: %v", q.Name, err)
					}
					cols, _ := rows.Columns()
					dst := make([]any, len(cols))
					for i := range dst {
						dst[i] = new(any)
					}
					for rows.Next() {
						if err := rows.Scan(dst...); err != nil {
							b.Fatal(err)
						}
					}
					if err := rows.Close(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
