package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/probity/probity/internal/store"
)

// privatePostgres is a PostgreSQL cluster of the test's own, which the
// test may restart and whose backends it may kill without disturbing any
// other test.
type privatePostgres struct {
	bin, dir, url string
	port          int
}

func (p *privatePostgres) cmd(t *testing.T, name string, args ...string) {
	t.Helper()
	argv := append([]string{filepath.Join(p.bin, name)}, args...)
	if os.Geteuid() == 0 {
		// The server refuses to run as root.
		argv = append([]string{"runuser", "-u", "postgres", "--"}, argv...)
	}
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "server.log"))
		t.Fatalf("%s: %v\n%s\n%s", name, err, out, log)
	}
}

func (p *privatePostgres) ctl(t *testing.T, action string, extra ...string) {
	t.Helper()
	args := append([]string{"-D", filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "server.log"), "-w", "-t", "60",
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", p.port, p.dir)}, extra...)
	p.cmd(t, "pg_ctl", append(args, action)...)
}

func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	return startPrivatePostgresIn(t, "", false)
}

// startPrivatePostgresIn starts the cluster in a new directory under
// parent ("" for the system's temporary directory); with walApart its
// write-ahead log lives in the system's temporary directory instead, as
// on a server whose pg_wal has a volume of its own.
func startPrivatePostgresIn(t *testing.T, parent string, walApart bool) *privatePostgres {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Strings(matches)
	bin := ""
	if len(matches) > 0 {
		bin = filepath.Dir(matches[len(matches)-1])
	} else if p, err := exec.LookPath("initdb"); err == nil {
		bin = filepath.Dir(p)
	}
	if bin == "" {
		if os.Getenv("PROBITY_REQUIRE_POSTGRES") == "1" {
			t.Fatal("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
		}
		t.Skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
	}
	// Under /tmp itself, so that the postgres user can reach it.
	dir, err := os.MkdirTemp(parent, "probity-pgfault-")
	if err != nil {
		t.Fatal(err)
	}
	p := &privatePostgres{bin: bin, dir: dir}
	initdb := []string{"-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"}
	walDir := ""
	if walApart {
		if walDir, err = os.MkdirTemp("", "probity-pgwal-"); err != nil {
			t.Fatal(err)
		}
		initdb = append(initdb, "--waldir", filepath.Join(walDir, "pg_wal"))
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root needs a postgres user to run the server: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{parent, dir, walDir} {
			if d == "" {
				continue
			}
			if err := os.Chown(d, uid, gid); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(func() {
		p.cmd(t, "pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "stop")
		_ = os.RemoveAll(dir)
		if walDir != "" {
			_ = os.RemoveAll(walDir)
		}
	})
	p.cmd(t, "initdb", initdb...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p.ctl(t, "start")
	p.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
	return p
}

// submitThroughFaults tries once, like submission.submit, but takes any
// answer in the 500s as "not acknowledged": while the database restarts
// the server fails a request, and the client sends it again. A 503 must
// say when to try again (Retry-After).
func (s *submission) submitThroughFaults(client *http.Client, url string, failures *statusCounts) (bool, error) {
	req, _ := http.NewRequest("POST", url+"/api/v1/complaints", bytes.NewReader(s.body()))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", s.key)
	resp, err := client.Do(req)
	if err != nil {
		return false, fmt.Errorf("key %s: the server did not answer: %v", s.key, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 {
		failures.add(resp.StatusCode)
		if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
			return false, fmt.Errorf("key %s: 503 without Retry-After: %s", s.key, b)
		}
		return false, nil
	}
	if resp.StatusCode != http.StatusCreated {
		return false, fmt.Errorf("key %s: unexpected %d %s", s.key, resp.StatusCode, b)
	}
	var ack struct{ Reference string }
	if err := json.Unmarshal(b, &ack); err != nil || ack.Reference == "" {
		return false, fmt.Errorf("key %s: acknowledged without a reference: %s", s.key, b)
	}
	if s.ref != "" && s.ref != ack.Reference {
		return false, fmt.Errorf("key %s acknowledged as %s and later as %s", s.key, s.ref, ack.Reference)
	}
	s.ref = ack.Reference
	return true, nil
}

// statusCounts counts answers by status.
type statusCounts struct {
	mu sync.Mutex
	m  map[int]int
}

func (c *statusCounts) add(status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int]int{}
	}
	c.m[status]++
}

func (c *statusCounts) counts() map[int]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.m)
}

func (c *statusCounts) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprint(c.m)
}

// PostgreSQL restarts (immediate, i.e. crash, and fast) and killed
// backends while 16 clients submit complaints with idempotency keys: the
// server keeps running, answers 503 with Retry-After while the database
// is away, and at the end every acknowledged complaint is stored exactly
// once.
func TestPostgresRestartsAndKilledBackendsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test skipped in -short mode")
	}
	pg := startPrivatePostgres(t)
	bin, err := buildProbity()
	if err != nil {
		t.Fatal(err)
	}
	_, env := intakeDB(t, store.Location{Dialect: store.Postgres, URL: pg.url})
	srv := startServer(t, bin, env)
	defer srv.kill()

	const clients = 16
	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		failures statusCounts
		errs     = make(chan error, clients)
		all      = make([][]*submission, clients)
	)
	httpc := &http.Client{Timeout: 30 * time.Second}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				s := newSubmission(c, n)
				all[c] = append(all[c], s)
				for !stop.Load() {
					ok, err := s.submitThroughFaults(httpc, srv.url, &failures)
					if err != nil {
						errs <- err
						return
					}
					if ok {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}

	admin, err := sql.Open("pgx", pg.url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 4))
	faults := []string{"terminate", "restart-immediate", "terminate", "restart-fast", "terminate", "restart-immediate"}
	killed := 0
	for _, f := range faults {
		time.Sleep(time.Duration(400+r.IntN(800)) * time.Millisecond)
		switch f {
		case "terminate":
			var n int
			err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&n)
			if err != nil {
				t.Logf("terminating backends: %v", err)
			}
			killed += n
		case "restart-immediate":
			pg.ctl(t, "restart", "-m", "immediate")
		case "restart-fast":
			pg.ctl(t, "restart", "-m", "fast")
		}
		t.Logf("fault: %s", f)
	}
	time.Sleep(500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Finish every submission begun, with its key.
	acked := 0
	for _, subs := range all {
		for _, s := range subs {
			for i := 0; s.ref == "" && i < 200; i++ {
				if _, err := s.submitThroughFaults(httpc, srv.url, &failures); err != nil {
					t.Fatal(err)
				}
				if s.ref == "" {
					time.Sleep(50 * time.Millisecond)
				}
			}
			if s.ref == "" {
				t.Fatalf("key %s never acknowledged", s.key)
			}
			acked++
		}
	}
	t.Logf("postgres: %d complaints acknowledged through %d faults (%d backends terminated); answers in the 500s, each retried: %v",
		acked, len(faults), killed, &failures)
	// While the database is away the server says so: 503, never a 500
	// that would blame Probity.
	for status, n := range failures.counts() {
		if status != http.StatusServiceUnavailable {
			t.Errorf("%d answers of %d during the faults, want 503 only", n, status)
		}
	}

	// A fresh connection checks: one case per key, each acknowledged one there.
	ctx := context.Background()
	var cases int
	if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&cases); err != nil {
		t.Fatal(err)
	}
	if cases != acked {
		t.Errorf("%d cases for %d acknowledged keys: a complaint was lost or stored twice", cases, acked)
	}
	seen := map[string]bool{}
	for _, subs := range all {
		for _, s := range subs {
			if seen[s.ref] {
				t.Errorf("reference %s given to two keys", s.ref)
			}
			seen[s.ref] = true
			var n int
			if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE reference = $1`, s.ref).Scan(&n); err != nil || n != 1 {
				t.Errorf("acknowledged %s: %d rows (%v)", s.ref, n, err)
			}
		}
	}
}
