package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/store/storetest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestExitStatusAndOneLineErrors(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "junk.db")
	junkContent := []byte("name,collar\nSmith,123\n")
	if err := os.WriteFile(junk, junkContent, 0o600); err != nil {
		t.Fatal(err)
	}
	key, _ := keyring.Generate()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string // in stderr
	}{
		{"no command", nil, nil, 2, "Usage"},
		{"unknown command", []string{"frobnicate"}, nil, 2, `unknown command "frobnicate"`},
		{"version", []string{"version"}, nil, 0, ""},
		{"unknown scheme", []string{"migrate", "--db", "mysql://localhost/x"}, nil, 2, `--db: unknown scheme "mysql"`},
		{"unparseable", []string{"migrate", "--db", "probity.db"}, nil, 2, "--db: must start with"},
		{"unknown scheme from env", []string{"migrate"}, map[string]string{"PROBITY_DB": "redis://x"}, 2, `--db: unknown scheme "redis"`},
		{"unreachable postgres", []string{"migrate", "--db", "postgres://probity:hunter2secret@127.0.0.1:1/x?connect_timeout=3"}, nil, 2, "--db: connecting to postgres"},
		{"not a database", []string{"migrate", "--db", "sqlite:" + junk}, nil, 2, "not a SQLite database"},
		{"serve without a data key", []string{"serve", "--db", "sqlite:" + filepath.Join(t.TempDir(), "p.db")}, nil, 2, "PROBITY_DATA_KEY: required"},
		{"bad data key", []string{"serve", "--db", "sqlite:" + filepath.Join(t.TempDir(), "p.db")}, map[string]string{"PROBITY_DATA_KEY": "c2hvcnQ="}, 2, "want 32"},
		{"bad addr", []string{"serve", "--addr", "nope"}, map[string]string{"PROBITY_DATA_KEY": key}, 2, "--addr"},
		{"bad flag", []string{"migrate", "--colour", "red"}, nil, 2, "flag provided but not defined"},
		{"bad trusted proxy", []string{"serve", "--trusted-proxy", "10.0.0.0/8,10.0.0.300"}, map[string]string{"PROBITY_DATA_KEY": key}, 2, `--trusted-proxy: "10.0.0.300" is neither`},
		{"bad trusted proxy from env", []string{"serve"}, map[string]string{"PROBITY_DATA_KEY": key, "PROBITY_TRUSTED_PROXIES": "0.0.0.0/0"}, 2, `--trusted-proxy: "0.0.0.0/0" trusts every address`},
		{"bad demo trusted proxy", []string{"demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--trusted-proxy", "10.0.0.1/8"}, nil, 2, "--trusted-proxy: \"10.0.0.1/8\" has address bits set"},
		// The demo takes serve's tuning flags, validated alike.
		{"demo replica of SQLite", []string{"demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--db-replica", "postgres://127.0.0.1:1/x"}, nil, 2, "--db-replica: replicas need a PostgreSQL --db"},
		{"demo pool size", []string{"demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--db-max-conns", "-2"}, nil, 2, "--db-max-conns: must not be negative"},
		{"demo complaint rate", []string{"demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--complaint-rate", "-2"}, nil, 2, "--complaint-rate: must not be negative"},
		{"serve pool size", []string{"serve", "--db-max-conns", "-2"}, map[string]string{"PROBITY_DATA_KEY": key}, 2, "--db-max-conns: must not be negative"},
		{"demo bad database", []string{"demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--db", "mysql://x"}, nil, 2, `--db: unknown scheme "mysql"`},
		{"weak demo password", []string{"demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, map[string]string{"PROBITY_DEMO_PASSWORD": "password"}, 2, "PROBITY_DEMO_PASSWORD: password must be at least 12 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr, env(tc.env))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.want)
			}
			if tc.code == 2 && tc.args != nil && !strings.HasPrefix(tc.want, "flag") {
				if lines := strings.Count(strings.TrimSpace(stderr.String()), "\n") + 1; lines != 1 {
					t.Errorf("stderr has %d lines, want one:\n%s", lines, stderr.String())
				}
			}
			if strings.Contains(stderr.String(), "hunter2secret") || strings.Contains(stderr.String(), key) {
				t.Errorf("stderr leaks a secret: %s", stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine ") {
				t.Errorf("stderr has a stack trace")
			}
		})
	}
	if got, _ := os.ReadFile(junk); !bytes.Equal(got, junkContent) {
		t.Error("the non-database file was modified")
	}
}

// lockedBuffer is written by the server goroutine and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs a command that serves, waits for its URL and returns it with
// a function that stops the command and returns its exit status.
func start(t *testing.T, args []string, environ map[string]string) (url string, out *lockedBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &lockedBuffer{}
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, out, stderr, env(environ)) }()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("%v exited %d before serving; stderr: %s", args, code, stderr.String())
		default:
		}
		sc := bufio.NewScanner(strings.NewReader(out.String()))
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Probity is running at "); ok {
				return u, out, func() int { cancel(); return <-done }
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("%v did not announce its URL; stdout: %s stderr: %s", args, out.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %q is not JSON", url, b)
	}
	return resp.StatusCode, m
}

func TestDemoSeedsOnceAndServes(t *testing.T) {
	dir := t.TempDir()
	// A small force keeps this test quick under the race detector; the
	// full-size generator is tested in internal/demo.
	args := []string{"demo", "--addr", "127.0.0.1:0", "--data", dir, "--officers", "200"}
	url, out, stop := start(t, args, nil)
	if code, body := getJSON(t, url+"/readyz"); code != 200 || body["engine"] != "sqlite" {
		t.Errorf("readyz = %d %v", code, body)
	}
	text := out.String()
	for _, want := range []string{"handler", "investigator", "authority", "psd-head", "supervisor", "guardian", "oversight", "auditor", "admin", "Password for every demo login: ", "MFA is not required in demo mode"} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q:\n%s", want, text)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("demo exited %d after interrupt", code)
	}
	if info, err := os.Stat(filepath.Join(dir, "data.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("data key: %v %v", info, err)
	}

	// A second start finds the data and does not seed again.
	url, _, stop = start(t, args, map[string]string{"PROBITY_DEMO_PASSWORD": "a long enough demo passphrase"})
	if code, _ := getJSON(t, url+"/healthz"); code != 200 {
		t.Errorf("healthz = %d", code)
	}
	stop()
}

func TestServeOnPostgres(t *testing.T) {
	if storetest.PostgresURL() == "" {
		if os.Getenv("PROBITY_REQUIRE_POSTGRES") == "1" {
			t.Fatal("PROBITY_TEST_POSTGRES not set")
		}
		t.Skip("PROBITY_TEST_POSTGRES not set")
	}
	loc := storetest.NewPostgresLocation(t)
	key, _ := keyring.Generate()
	url, _, stop := start(t, []string{"serve", "--addr", "127.0.0.1:0", "--db", loc.URL},
		map[string]string{"PROBITY_DATA_KEY": key, "PROBITY_AUDIT_KEY": audit.GenerateSigningKey()})
	defer stop()
	if code, body := getJSON(t, url+"/readyz"); code != 200 || body["engine"] != "postgres" {
		t.Errorf("readyz = %d %v", code, body)
	}
}
