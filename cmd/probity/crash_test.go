package main

import (
	"bufio"
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// The crash test: 32 clients submit complaints with idempotency keys to a
// real server process that is killed with SIGKILL at random moments and
// restarted. Clients retry whatever was not acknowledged, with the same
// key. At the end every acknowledged complaint must exist exactly once
// with all its fields. Its size is bounded, not its duration guessed.
const (
	crashClients = 32
	crashKills   = 20
)

// buildProbity compiles the binary once per test run.
var buildProbity = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "probity-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "probity")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// serverProc is one run of `probity serve`.
type serverProc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

func startServer(t *testing.T, bin string, env []string) *serverProc {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Probity is running at "); ok {
				urls <- u
			}
		}
		_ = cmd.Wait()
		close(p.done)
	}()
	select {
	case p.url = <-urls:
		return p
	case <-p.done:
		t.Fatalf("server exited before serving: %s", stderr.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("server did not start: %s", stderr.String())
	}
	return nil
}

func (p *serverProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// submission is one complaint a client means to make.
type submission struct {
	key   string
	email string
	what  string
	ref   string
	rcpt  string
}

func newSubmission(client, n int) *submission {
	b := make([]byte, 8)
	_, _ = crand.Read(b)
	tag := hex.EncodeToString(b)
	return &submission{
		key:   fmt.Sprintf("crash-%d-%d-%s", client, n, tag),
		email: "c" + tag + "@example.org",
		what:  "Crash test complaint " + tag + ": the officer would not take my report.",
	}
}

func (s *submission) body() []byte {
	b, _ := json.Marshal(map[string]any{
		"what_happened": s.what, "happened_on": "2026-01-15", "where": "High Street police station",
		"handling_preference": "formal", "name": "Crash Tester", "email": s.email, "consent_to_contact": true,
	})
	return b
}

// submit tries once; it reports whether the complaint was acknowledged.
func (s *submission) submit(client *http.Client, url string) (bool, error) {
	req, _ := http.NewRequest("POST", url+"/api/v1/complaints", bytes.NewReader(s.body()))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", s.key)
	resp, err := client.Do(req)
	if err != nil {
		return false, nil // the server died mid-request: retry with the same key
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	switch resp.StatusCode {
	case 201:
		var ack struct{ Reference, Receipt string }
		if err := json.Unmarshal(b, &ack); err != nil || ack.Reference == "" || ack.Receipt == "" {
			return false, nil // a torn response is no acknowledgement
		}
		if s.ref != "" && s.ref != ack.Reference {
			return false, fmt.Errorf("key %s acknowledged as %s and later as %s", s.key, s.ref, ack.Reference)
		}
		s.ref, s.rcpt = ack.Reference, ack.Receipt
		return true, nil
	case 429, 503:
		return false, nil
	}
	return false, fmt.Errorf("key %s: unexpected %d %s", s.key, resp.StatusCode, b)
}

func TestNoAcknowledgedComplaintIsLost(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	bin, err := buildProbity()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { crashTest(t, bin, e.New(t)) })
	}
}

func crashTest(t *testing.T, bin string, loc store.Location) {
	ctx := context.Background()
	// Public complaints go to the intake unit's queue; the crash test
	// hammers one address, so the public rate limit is lifted.
	db, env := intakeDB(t, loc)

	var (
		mu      sync.Mutex
		url     string
		stop    atomic.Bool
		wg      sync.WaitGroup
		errs    = make(chan error, crashClients)
		allSubs [][]*submission
	)
	current := func() string { mu.Lock(); defer mu.Unlock(); return url }
	srv := startServer(t, bin, env)
	url = srv.url
	httpc := &http.Client{Timeout: 10 * time.Second}
	allSubs = make([][]*submission, crashClients)
	for c := range crashClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				s := newSubmission(c, n)
				allSubs[c] = append(allSubs[c], s)
				for !stop.Load() {
					ok, err := s.submit(httpc, current())
					if err != nil {
						errs <- err
						return
					}
					if ok {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for k := range crashKills {
		time.Sleep(time.Duration(150+r.IntN(500)) * time.Millisecond)
		srv.kill()
		t.Logf("kill %d", k+1)
		srv = startServer(t, bin, env)
		mu.Lock()
		url = srv.url
		mu.Unlock()
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every submission a client began is now finished, with its key, so
	// nothing is left unknown: a retry either returns the stored answer or
	// records the complaint for the first time.
	var acked, pending int
	for _, subs := range allSubs {
		for _, s := range subs {
			if s.ref == "" {
				pending++
				for range 100 {
					ok, err := s.submit(httpc, current())
					if err != nil {
						t.Fatal(err)
					}
					if ok {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if s.ref == "" {
					t.Fatalf("key %s never acknowledged", s.key)
				}
			}
			acked++
		}
	}
	srv.kill()
	t.Logf("%s: %d complaints acknowledged across %d kills; %d finished by a retry after the last kill", loc.Dialect, acked, crashKills, pending)

	// Check in the database itself.
	cases, err := db.CaseCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cases != acked {
		t.Errorf("%d cases for %d distinct keys: some key has two cases, or a case has no key", cases, acked)
	}
	refs := map[string]bool{}
	for _, subs := range allSubs {
		for _, s := range subs {
			if refs[s.ref] {
				t.Errorf("reference %s given to two keys", s.ref)
			}
			refs[s.ref] = true
			c, err := db.CaseByReference(ctx, s.ref)
			if err != nil {
				t.Errorf("acknowledged %s (key %s) missing: %v", s.ref, s.key, err)
				continue
			}
			if !strings.Contains(c.Summary, s.what) || c.State != "Received" {
				t.Errorf("%s: summary or state wrong: %q %s", s.ref, c.Summary, c.State)
			}
			found := false
			for _, p := range c.Parties {
				if p.PersonID == "" {
					continue
				}
				person, err := db.Person(ctx, p.PersonID)
				if err == nil && person.Email == s.email {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: complainant's email not stored", s.ref)
			}
		}
	}
	if loc.Dialect == store.SQLite {
		if res, err := db.IntegrityCheck(ctx); err != nil || res != "ok" {
			t.Errorf("SQLite integrity check: %q %v", res, err)
		}
	}
}
