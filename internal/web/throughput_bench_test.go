package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// Write throughput over real HTTP: durable intake acknowledgements and
// audited case reads per second at 1, 8 and 32 concurrent clients, on
// each engine, beside the bare durable insert loop of the same engine
// (BenchmarkBaselineDurableInsert). Each op is one acknowledged request,
// so ns/op is wall time divided by requests: the reciprocal of
// throughput. PostgreSQL runs when PROBITY_TEST_POSTGRES is set; its
// figures mean something only on a server with fsync on.

var benchClients = []int{1, 8, 32}

// runClients shares b.N requests among n concurrent clients and reports
// requests per second.
func runClients(b *testing.B, n int, do func() error) {
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	b.ResetTimer()
	cpu0 := cpuTime(b)
	start := time.Now()
	for range n {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := do(); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime(b) - cpu0
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "CPU-µs/req")
}

// cpuTime is the CPU time (user and system) the test process has used:
// server, database and clients together. On a machine shared with other
// work it moves far less than the wall clock does.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// httpServer serves the fixture over a real socket. Each request comes
// from an address of its own, as the public would, so that the complaint
// doors' per-address limit does not turn the benchmark into 429s.
func httpServer(b *testing.B, f *fixture) (*httptest.Server, *http.Client) {
	var n atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", k>>16&255, k>>8&255, k&255)
		f.srv.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	c := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}
	b.Cleanup(c.CloseIdleConnections)
	return srv, c
}

func benchEngines(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) { fn(b, storetest.Open(b, e.New(b))) })
	}
}

const benchComplaint = `{"what_happened":"The officer swore at me when I asked for directions to the station, then walked off.",
"happened_on":"2026-05-20","happened_at_time":"14:30","where":"Market Square","officers_described":"Tall, collar number 4021",
"handling_preference":"formal","name":"Sam Taylor","email":"sam.taylor@example.org","phone":"07700 900123","consent_to_contact":true}`

// BenchmarkIntake posts public complaints through the API: each answer
// is a durable acknowledgement (case, complainant, receipt, audit entry
// and idempotency record committed).
func BenchmarkIntake(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		f := newFixture(b, db, true)
		u := officers.Unit{ForceID: f.unitA.ForceID, Code: intake.IntakeUnitCode, Name: "Complaints intake"}
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUnit(ctx, &u) }); err != nil {
			b.Fatal(err)
		}
		srv, client := httpServer(b, f)
		var key atomic.Int64
		for _, n := range benchClients {
			b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
				runClients(b, n, func() error {
					req, _ := http.NewRequest("POST", srv.URL+"/api/v1/complaints", strings.NewReader(benchComplaint))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), key.Add(1)))
					return expectStatus(client, req, http.StatusCreated)
				})
			})
		}
	})
}

// BenchmarkAuditedRead reads a case through the API as a signed-in
// handler: session, need-to-know, the case, and its audit entry durable
// before the answer leaves.
func BenchmarkAuditedRead(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		f := newFixture(b, db, true)
		cookie := f.login(b, access.Handler).cookie
		srv, client := httpServer(b, f)
		path := srv.URL + "/api/v1/cases/" + f.cases[relSameUnit]
		for _, n := range benchClients {
			b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
				runClients(b, n, func() error {
					req, _ := http.NewRequest("GET", path, nil)
					req.AddCookie(&http.Cookie{Name: "probity_session", Value: cookie})
					return expectStatus(client, req, http.StatusOK)
				})
			})
		}
	})
}

func expectStatus(c *http.Client, req *http.Request, status int) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return nil
}

// BenchmarkBaselineDurableInsert is a bare Go loop on one connection:
// BEGIN, one ~1 KB INSERT, COMMIT, with the durability Probity uses on
// that engine (SQLite: WAL, synchronous=FULL, one writer; PostgreSQL:
// the server's own settings, through pgx).
func BenchmarkBaselineDurableInsert(b *testing.B) {
	body := strings.Repeat("a complaint of ordinary length. ", 32) // 1 KB
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			loc := e.New(b)
			var db *sql.DB
			var err error
			if loc.Dialect == store.SQLite {
				db, err = sql.Open("sqlite", "file:"+loc.Path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
			} else {
				db, err = sql.Open("pgx", loc.URL)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			if _, err := db.Exec(`CREATE TABLE bench_baseline (id TEXT PRIMARY KEY, body TEXT)`); err != nil {
				b.Fatal(err)
			}
			c := context.Background()
			b.ResetTimer()
			cpu0 := cpuTime(b)
			start := time.Now()
			for i := range b.N {
				tx, err := db.BeginTx(c, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(`INSERT INTO bench_baseline VALUES ($1, $2)`, fmt.Sprint(i), body); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "CPU-µs/req")
		})
	}
}

// BenchmarkWrittenBytes measures what one request adds to SQLite's
// write-ahead log, in bytes (WAL-B/req): pages written, each with its
// frame header. A reader holds a snapshot from before the first request,
// so no checkpoint can start the log again and its growth is everything
// the requests wrote. With one client no two requests share a commit:
// the figure is one request's own; with 32 they share commits as they
// do under load.
func BenchmarkWrittenBytes(b *testing.B) {
	loc := storetest.Engines(b)[0].New(b)
	f := newFixture(b, storetest.Open(b, loc), true)
	u := officers.Unit{ForceID: f.unitA.ForceID, Code: intake.IntakeUnitCode, Name: "Complaints intake"}
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUnit(ctx, &u) }); err != nil {
		b.Fatal(err)
	}
	cookie := f.login(b, access.Handler).cookie
	srv, client := httpServer(b, f)
	var key atomic.Int64
	reqs := map[string]func() *http.Request{
		"intake": func() *http.Request {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/complaints", strings.NewReader(benchComplaint))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bytes-%d-%d", time.Now().UnixNano(), key.Add(1)))
			return req
		},
		"audited-read": func() *http.Request {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cases/"+f.cases[relSameUnit], nil)
			req.AddCookie(&http.Cookie{Name: "probity_session", Value: cookie})
			return req
		},
	}
	status := map[string]int{"intake": http.StatusCreated, "audited-read": http.StatusOK}
	for _, run := range []struct {
		name    string
		clients int
	}{{"intake", 1}, {"intake", 32}, {"audited-read", 1}, {"audited-read", 32}} {
		name := run.name
		b.Run(fmt.Sprintf("%s/clients=%d", name, run.clients), func(b *testing.B) {
			// One request first, so that pages touched once (a new table's
			// first page, the session's touch) are not charged to the rest.
			if err := expectStatus(client, reqs[name](), status[name]); err != nil {
				b.Fatal(err)
			}
			pin, err := sql.Open("sqlite", "file:"+loc.Path)
			if err != nil {
				b.Fatal(err)
			}
			defer pin.Close()
			pin.SetMaxOpenConns(1)
			// An empty log to start from: the previous run's pages are in
			// the database file, and the log's file is cut to nothing.
			var busy, logged, done int
			if err := pin.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil || busy != 0 {
				b.Fatalf("emptying the log: busy %d, %v", busy, err)
			}
			tx, err := pin.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer tx.Rollback()
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM audit_head`).Scan(&n); err != nil {
				b.Fatal(err)
			}
			before := walSize(b, loc.Path)
			runClients(b, run.clients, func() error { return expectStatus(client, reqs[name](), status[name]) })
			b.ReportMetric(float64(walSize(b, loc.Path)-before)/float64(b.N), "WAL-B/req")
		})
	}
}

func walSize(b *testing.B, path string) int64 {
	st, err := os.Stat(path + "-wal")
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}
