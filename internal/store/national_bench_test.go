package store_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestNationalReads measures reads against a national dataset made once by
// `probity gen --scale national` and named by PROBITY_BENCH_NATIONAL_DB
// (sqlite:PATH or a postgres:// URL); without it the test is skipped, so
// it never runs in ./scripts/test. It is a measurement, not a check: it
// fails only when it cannot start; requests that time out are reported.
//
// Each read is served over HTTP at a fixed rate by vegeta, once through
// the store's own method and once as the same SQL run directly on the
// reader pool, and printed as "name  value  baseline  ratio" for the p50
// and p99 latencies. Each side reads once, untimed, before either is
// attacked, so that both meet the same cached pages; that first read's
// time is printed too, as what a read costs cold. Early intervention (reading
// every officer's history and working out each serving officer's
// indicators) is timed against one GROUP BY counting every officer's
// allegations, and against one counting them by allegation date: each
// side once untimed, then the median of PROBITY_BENCH_EIS_ROUNDS (3).
//
// PROBITY_BENCH_RATE (requests a second, default 20) and
// PROBITY_BENCH_SECONDS (per read, default 10) set the load;
// PROBITY_BENCH_READS, a regular expression, keeps only the reads whose
// names it matches (case-list, measure-, eis-score-every-officer).
func TestNationalReads(t *testing.T) {
	url := os.Getenv("PROBITY_BENCH_NATIONAL_DB")
	if url == "" {
		t.Skip("PROBITY_BENCH_NATIONAL_DB names no national database (make one with probity gen --scale national)")
	}
	loc, err := store.ParseLocation(url)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, loc)
	ctx := context.Background()
	rate := envInt("PROBITY_BENCH_RATE", 20)
	secs := envInt("PROBITY_BENCH_SECONDS", 10)
	only, err := regexp.Compile(os.Getenv("PROBITY_BENCH_READS"))
	if err != nil {
		t.Fatalf("PROBITY_BENCH_READS: %v", err)
	}
	asOf := time.Date(2026, time.November, 30, 17, 0, 0, 0, time.UTC) // the data's own date (demo.DataAsOf)

	type read struct {
		name     string
		probity  func(context.Context) error
		baseline []store.MeasureQuery
		// alongside, when there is any, is SQL the baseline runs beside
		// its own, as Probity runs the read's two parts side by side.
		alongside []store.MeasureQuery
	}
	var reads []read
	from := asOf.AddDate(-1, 0, 0)
	for _, f := range []struct {
		name   string
		filter store.CaseFilter
	}{
		{"case-list-search", store.CaseFilter{Text: "custody", Now: asOf, Limit: 50, Sort: store.SortReceivedNewest}},
		// Not the category filter: its EXISTS on allegations takes seconds
		// a request even on a small nation (docs/performance.md).
		{"case-list-filters", store.CaseFilter{Kind: string(cases.Complaint), Overdue: true, ReceivedFrom: &from, Now: asOf, Limit: 50, Sort: store.SortReceivedNewest}},
		{"case-list-search-filters", store.CaseFilter{Text: "custody", Kind: string(cases.Complaint), Overdue: true, Now: asOf, Limit: 50, Sort: store.SortReceivedNewest}},
	} {
		qs, err := db.CaseListQueriesForTest(ctx, f.filter)
		if err != nil {
			t.Fatal(err)
		}
		// The cases page counts beside the list (internal/web's
		// casesPageHandler); both sides here do the same, the baseline
		// running the count's SQL beside the list's.
		var list, count []store.MeasureQuery
		for _, q := range qs {
			if strings.HasPrefix(q.Name, "case-count") || strings.HasSuffix(q.Name, "-for-count") {
				count = append(count, q)
			} else {
				list = append(list, q)
			}
		}
		filter := f.filter
		reads = append(reads, read{f.name, func(ctx context.Context) error {
			return beside(ctx,
				func(ctx context.Context) error { _, err := db.ListCases(ctx, filter); return err },
				func(ctx context.Context) error {
					_, _, err := db.CountCasesUpTo(ctx, filter, store.CaseListCountCap)
					return err
				})
		}, list, count})
	}
	year := measures.YearOf(2025)
	byMeasure := map[string][]store.MeasureQuery{}
	for _, q := range db.MeasureQueriesForTest(measures.Scope{Kinds: cases.Kinds, Start: year.Start, End: year.End}) {
		byMeasure[q.Name] = append(byMeasure[q.Name], q)
	}
	svc := measures.New(db, func() time.Time { return asOf })
	for _, id := range measures.IDs() {
		reads = append(reads, read{"measure-" + id, func(ctx context.Context) error {
			_, err := svc.Compute(ctx, id, year, measures.Filter{})
			return err
		}, byMeasure[id], nil})
	}

	// What a force's own dashboard asks: each measure for the year of the
	// force with the most cases, in a database holding the whole nation.
	var biggest string
	err = db.ReaderForTest().QueryRowContext(ctx, `SELECT force_id FROM cases GROUP BY force_id ORDER BY COUNT(*) DESC, force_id LIMIT 1`).Scan(&biggest)
	if err != nil {
		t.Fatalf("finding the largest force: %v", err)
	}
	byForceMeasure := map[string][]store.MeasureQuery{}
	for _, q := range db.MeasureQueriesForTest(measures.Scope{ForceID: biggest, Kinds: cases.Kinds, Start: year.Start, End: year.End}) {
		byForceMeasure[q.Name] = append(byForceMeasure[q.Name], q)
	}
	for _, id := range measures.IDs() {
		reads = append(reads, read{"one-force-" + id, func(ctx context.Context) error {
			_, err := svc.Compute(ctx, id, year, measures.Filter{ForceID: biggest})
			return err
		}, byForceMeasure[id], nil})
	}

	raw := db.ReaderForTest()
	runSQL := func(ctx context.Context, qs []store.MeasureQuery) error {
		for _, q := range qs {
			rows, err := raw.QueryContext(ctx, q.SQL, q.Args...)
			if err != nil {
				return fmt.Errorf("%s: %w", q.Name, err)
			}
			cols, _ := rows.Columns()
			dst := make([]any, len(cols))
			for i := range dst {
				dst[i] = new(any)
			}
			for rows.Next() {
				if err := rows.Scan(dst...); err != nil {
					rows.Close()
					return err
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	}

	fmt.Printf("%-36s %12s %12s %8s\n", "name", "value", "baseline", "ratio")
	for _, r := range reads {
		if !only.MatchString(r.name) {
			continue
		}
		if len(r.baseline) == 0 {
			t.Errorf("%s: no baseline SQL", r.name)
			continue
		}
		base := func(ctx context.Context) error { return runSQL(ctx, r.baseline) }
		if len(r.alongside) > 0 {
			base = func(ctx context.Context) error {
				return beside(ctx,
					func(ctx context.Context) error { return runSQL(ctx, r.baseline) },
					func(ctx context.Context) error { return runSQL(ctx, r.alongside) })
			}
		}
		// Both sides read once before either is timed: the pages a read
		// needs are seldom all cached at national scale, and the side
		// timed first would otherwise read them from disk for the other.
		// What the first read cost, cold or not, is printed.
		fmt.Printf("  %s: first read %s, baseline %s\n", r.name, warm(ctx, r.probity), warm(ctx, base))
		// Each side is attacked for half its time, in the order Probity,
		// baseline, baseline, Probity, so that a change in the machine's
		// load during the pair weighs on both sides alike.
		var p, b vegeta.Metrics
		attack(t, &p, r.name, rate, secs/2, r.probity)
		attack(t, &b, r.name+" baseline", rate, secs/2, base)
		attack(t, &b, r.name+" baseline", rate, secs-secs/2, base)
		attack(t, &p, r.name, rate, secs-secs/2, r.probity)
		closeMetrics(&p, r.name)
		closeMetrics(&b, r.name+" baseline")
		line(r.name+" p50 ms", p.Latencies.P50, b.Latencies.P50)
		line(r.name+" p99 ms", p.Latencies.P99, b.Latencies.P99)
	}

	// Early intervention: every officer's indicators from their history,
	// against the one GROUP BY that counts what the indicators start from.
	if !only.MatchString("eis-score-every-officer") {
		return
	}
	score := func(ctx context.Context) error {
		ds, err := db.EISData(ctx)
		if err != nil {
			return err
		}
		day := eis.DayOf(asOf)
		_ = eis.NewFrame(&ds, day, eis.Serving(&ds, day), eis.Options{})
		return nil
	}
	named := 0
	groupBy := func(query string, args ...any) func(context.Context) error {
		return func(ctx context.Context) error {
			rows, err := raw.QueryContext(ctx, query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var id string
				var all, recent, found int
				if err := rows.Scan(&id, &all, &recent, &found); err != nil {
					return err
				}
				n++
			}
			named = n
			return rows.Err()
		}
	}
	byReceived := groupBy(`SELECT s.officer_id, COUNT(*), SUM(CASE WHEN c.received_at >= $1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN s.finding <> '' THEN 1 ELSE 0 END)
		FROM subjects s JOIN allegations a ON a.id = s.allegation_id JOIN cases c ON c.id = a.case_id
		GROUP BY s.officer_id`, asOf.AddDate(-1, 0, 0))
	// The GROUP BY above windows by the day the case was received and
	// counts any finding; the indicators window by the allegation's own
	// date (else the day its case arose) and count upheld findings. The
	// same counts written as EISData reads them, the case looked up only
	// for an allegation without a date, need no join of the cases: a
	// second line, against that GROUP BY, so that neither is the only
	// yardstick.
	byDate := groupBy(`SELECT s.officer_id, COUNT(*),
		SUM(CASE WHEN (CASE WHEN a.occurred_on IS NULL THEN (SELECT c.arose_on FROM cases c WHERE c.id = a.case_id) ELSE a.occurred_on END) >= $1
			THEN 1 ELSE 0 END),
		SUM(CASE WHEN s.finding IN ('upheld', 'substantiated', 'service_not_acceptable', 'case_to_answer', 'misconduct', 'gross_misconduct')
			THEN 1 ELSE 0 END)
		FROM subjects s JOIN allegations a ON a.id = s.allegation_id
		GROUP BY s.officer_id`, dateOnlyForBench(asOf.AddDate(-1, 0, 0)))
	// Each is run once untimed, as the reads above are, then timed
	// PROBITY_BENCH_EIS_ROUNDS times in turn (default 3); the median of
	// each is printed. A single cold run measured mostly which side met
	// the pages first, and a shared machine's load from one second to
	// the next.
	sides := []func(context.Context) error{score, byReceived, byDate}
	first := make([]string, len(sides))
	for i, fn := range sides {
		first[i] = timeOnce(ctx, fn)
	}
	fmt.Printf("  eis-score-every-officer: first read %s, baselines %s and %s\n", first[0], first[1], first[2])
	rounds := envInt("PROBITY_BENCH_EIS_ROUNDS", 3)
	took := make([][]time.Duration, len(sides))
	for range rounds {
		for i, fn := range sides {
			t0 := time.Now()
			if err := fn(ctx); err != nil {
				t.Fatal(err)
			}
			took[i] = append(took[i], time.Since(t0))
		}
	}
	line(fmt.Sprintf("eis-score-every-officer ms (%d named)", named), median(took[0]), median(took[1]))
	line("eis-score, by allegation date", median(took[0]), median(took[2]))
}

// timeOnce runs fn once and says how long it took, or how it failed.
func timeOnce(ctx context.Context, fn func(context.Context) error) string {
	t0 := time.Now()
	if err := fn(ctx); err != nil {
		return fmt.Sprintf("failed after %.0f ms (%v)", ms(time.Since(t0)), err)
	}
	return fmt.Sprintf("%.2f ms", ms(time.Since(t0)))
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// dateOnlyForBench is a day as both engines compare it with a date column.
func dateOnlyForBench(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// beside runs a and b at once and returns the first error of either.
func beside(ctx context.Context, a, b func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- b(ctx) }()
	errA := a(ctx)
	if errB := <-done; errA == nil {
		return errB
	}
	return errA
}

// warm runs fn once, untimed by the attack, and says how long it took, or
// that it did not finish within a request's timeout.
func warm(ctx context.Context, fn func(context.Context) error) string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	t0 := time.Now()
	if err := fn(ctx); err != nil {
		return fmt.Sprintf("unfinished after %.0f ms (%v)", ms(time.Since(t0)), err)
	}
	return fmt.Sprintf("%.2f ms", ms(time.Since(t0)))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func line(name string, v, base time.Duration) {
	ratio := 0.0
	if base > 0 {
		ratio = float64(v) / float64(base)
	}
	fmt.Printf("%-36s %12.2f %12.2f %8.2f\n", name, ms(v), ms(base), ratio)
}

// attack serves fn over HTTP and requests it at rate a second for secs
// seconds, adding the results to m; closeMetrics then works out the
// figures. Seconds of 0 request nothing.
func attack(t *testing.T, m *vegeta.Metrics, name string, rate, secs int, fn func(context.Context) error) {
	t.Helper()
	if secs <= 0 {
		return
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: srv.URL})
	attacker := vegeta.NewAttacker(vegeta.Timeout(30 * time.Second))
	for res := range attacker.Attack(targeter, vegeta.Rate{Freq: rate, Per: time.Second}, time.Duration(secs)*time.Second, name) {
		m.Add(res)
	}
}

// closeMetrics works out m's figures and says when requests failed.
func closeMetrics(m *vegeta.Metrics, name string) {
	m.Close()
	if m.Success < 1 {
		// Over capacity, requests queue and time out: that is the
		// figure, not a failure of the benchmark.
		fmt.Printf("  %s: %.0f%% of requests answered within 30 s (%v)\n", name, 100*m.Success, m.Errors)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
