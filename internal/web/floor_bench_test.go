package web_test

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// Floors for the SQLite throughput targets. Each records the statements
// one request runs on SQLite, with their arguments, and replays just those
// statements on the same engine: no HTTP, no Go logic, no audit write, no
// commit. The rate they reach is the most the request could reach on this
// machine whatever the code around them did, beside the same bare durable
// insert loop the throughput benchmarks are measured against.

// statementLog keeps the statements run while it is on.
type statementLog struct {
	mu  sync.Mutex
	on  bool
	got []recordedStatement
}

type recordedStatement struct {
	pool, query string
	args        []any
}

func (l *statementLog) record(pool, query string, args []driver.NamedValue) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.on {
		return
	}
	values := make([]any, len(args))
	for i, a := range args {
		values[i] = a.Value
	}
	l.got = append(l.got, recordedStatement{pool: pool, query: query, args: values})
}

// during records the statements that run while do does.
func (l *statementLog) during(b *testing.B, do func() error) []recordedStatement {
	l.mu.Lock()
	l.on, l.got = true, nil
	l.mu.Unlock()
	err := do()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	if err != nil {
		b.Fatal(err)
	}
	return l.got
}

// sqliteLocation is a fresh SQLite database for a benchmark, or a skip
// when the engines under test leave SQLite out.
func sqliteLocation(b *testing.B) store.Location {
	for _, e := range storetest.Engines(b) {
		if e.Name == "sqlite" {
			return e.New(b)
		}
	}
	b.Skip("SQLite is not among the engines under test")
	return store.Location{}
}

// returnsRows says whether a recorded statement is read with Query.
func returnsRows(q string) bool {
	q = strings.ToUpper(strings.TrimSpace(q))
	return strings.HasPrefix(q, "SELECT") || strings.HasPrefix(q, "WITH") || strings.Contains(q, " RETURNING ")
}

// prepared is a recorded statement prepared on a replaying pool or
// transaction.
type prepared struct {
	stmt *sql.Stmt
	rows bool
	args []any
}

func prepareAll(b *testing.B, prep func(string) (*sql.Stmt, error), recorded []recordedStatement) []prepared {
	out := make([]prepared, 0, len(recorded))
	for _, r := range recorded {
		st, err := prep(r.query)
		if err != nil {
			b.Fatalf("preparing %.80s: %v", r.query, err)
		}
		out = append(out, prepared{stmt: st, rows: returnsRows(r.query), args: r.args})
	}
	return out
}

func (p prepared) run() error {
	if !p.rows {
		_, err := p.stmt.Exec(p.args...)
		return err
	}
	rows, err := p.stmt.Query(p.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BenchmarkAuditedReadStatements replays the statements SQLite's readers
// run for one audited case read (BenchmarkAuditedRead's request: the
// session, user, roles and units; the case, its allegations, subjects,
// standards, parties, documents, notes and timeline; the subject's record
// and history, and who may see each case in it), prepared once, on as
// many connections and goroutines as there are cores. The audit entry's
// write is left out: this is what the reads alone allow.
func BenchmarkAuditedReadStatements(b *testing.B) {
	loc := sqliteLocation(b)
	var log statementLog
	f := newFixture(b, storetest.OpenWith(b, loc, store.Options{OnStatement: log.record}), true)
	cookie := f.login(b, access.Handler).cookie
	srv, client := httpServer(b, f)
	read := func() error {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cases/"+f.cases[relSameUnit], nil)
		req.AddCookie(&http.Cookie{Name: "probity_session", Value: cookie})
		return expectStatus(client, req, http.StatusOK)
	}
	if err := read(); err != nil { // prepares the store's statements and fills its caches
		b.Fatal(err)
	}
	var reads []recordedStatement
	for _, r := range log.during(b, read) {
		if r.pool == "read" {
			reads = append(reads, r)
		}
	}
	if len(reads) == 0 {
		b.Fatal("no statement recorded on the readers")
	}
	pool, err := sql.Open("sqlite", store.SQLiteDSN(loc.Path, false))
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	n := runtime.GOMAXPROCS(0)
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	stmts := prepareAll(b, pool.Prepare, reads)
	runClients(b, n, func() error {
		for _, s := range stmts {
			if err := s.run(); err != nil {
				return fmt.Errorf("replaying a read: %w", err)
			}
		}
		return nil
	})
	b.ReportMetric(float64(len(stmts)), "statements/req")
}

// BenchmarkIntakeStatements replays, on one connection as SQLite's one
// writer, the statements one public complaint runs in the writer
// (BenchmarkIntake's request: its reference, case, allegation, party,
// person, receipt, search text, timeline, idempotency record and audit
// entry), each time in a transaction rolled back, on a copy of the
// database as it stood just before that complaint. The group commit's
// own statements (the audit head's signature, checkpoints) and the
// commit itself are left out: this is what one writer can do at most.
func BenchmarkIntakeStatements(b *testing.B) {
	loc := sqliteLocation(b)
	var log statementLog
	f := newFixture(b, storetest.OpenWith(b, loc, store.Options{OnStatement: log.record}), true)
	u := officers.Unit{ForceID: f.unitA.ForceID, Code: intake.IntakeUnitCode, Name: "Complaints intake"}
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUnit(ctx, &u) }); err != nil {
		b.Fatal(err)
	}
	srv, client := httpServer(b, f)
	post := func(key string) func() error {
		return func() error {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/complaints", strings.NewReader(benchComplaint))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", key)
			return expectStatus(client, req, http.StatusCreated)
		}
	}
	if err := post("floor-warm")(); err != nil {
		b.Fatal(err)
	}
	before := filepath.Join(b.TempDir(), "before.db")
	snap, err := sql.Open("sqlite", "file:"+loc.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := snap.Exec(`VACUUM INTO '` + before + `'`); err != nil {
		b.Fatal(err)
	}
	snap.Close()
	var writes []recordedStatement
	for _, r := range log.during(b, post("floor-measured")) {
		groupOwn := strings.Contains(r.query, "audit_checkpoints") || strings.Contains(r.query, "SET at = $1, key_id = $2, signature = $3")
		if r.pool == "write" && !groupOwn {
			writes = append(writes, r)
		}
	}
	if len(writes) == 0 {
		b.Fatal("no statement recorded on the writer")
	}
	writer, err := sql.Open("sqlite", store.SQLiteDSN(before, true))
	if err != nil {
		b.Fatal(err)
	}
	defer writer.Close()
	writer.SetMaxOpenConns(1)
	stmts := prepareAll(b, writer.Prepare, writes)
	if err := replayStores(writer, stmts); err != nil {
		b.Fatal(err)
	}
	// The pool's one connection keeps the transaction between calls, so
	// the statements run as prepared, with no per-transaction wrapper.
	runClients(b, 1, func() error {
		if _, err := writer.Exec("BEGIN IMMEDIATE"); err != nil {
			return err
		}
		for _, s := range stmts {
			if err := s.run(); err != nil {
				writer.Exec("ROLLBACK")
				return fmt.Errorf("replaying a complaint: %w", err)
			}
		}
		_, err := writer.Exec("ROLLBACK")
		return err
	})
	b.ReportMetric(float64(len(stmts)), "statements/req")
}

// replayStores checks, once, that the replayed statements store what the
// complaint stored: one more case and one more audit entry inside the
// transaction, so that the floor is not the cost of statements that
// changed nothing.
func replayStores(writer *sql.DB, stmts []prepared) error {
	count := func() (cases, entries int, err error) {
		err = writer.QueryRow(`SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM audit_entries)`).Scan(&cases, &entries)
		return cases, entries, err
	}
	if _, err := writer.Exec("BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer writer.Exec("ROLLBACK")
	cases0, entries0, err := count()
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if err := s.run(); err != nil {
			return fmt.Errorf("replaying a complaint: %w", err)
		}
	}
	cases1, entries1, err := count()
	if err != nil {
		return err
	}
	if cases1 != cases0+1 || entries1 != entries0+1 {
		return fmt.Errorf("the replay stored %d cases and %d audit entries, want 1 and 1", cases1-cases0, entries1-entries0)
	}
	return nil
}
