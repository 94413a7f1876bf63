package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// intakeDB migrates the database at loc, gives it an intake unit so that
// public complaints are accepted, and returns it open with the
// environment a `probity serve` child needs to use it.
func intakeDB(t *testing.T, loc store.Location) (*store.DB, []string) {
	t.Helper()
	ctx := context.Background()
	dataKey, _ := keyring.Generate()
	keys, _ := keyring.Parse(dataKey)
	db, err := store.Open(ctx, loc, store.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		f := officers.Force{Code: "RL", Name: "Reliability Test Police"}
		if err := tx.CreateForce(ctx, &f); err != nil {
			return err
		}
		return tx.CreateUnit(ctx, &officers.Unit{ForceID: f.ID, Code: "PSD-INTAKE", Name: "Complaints intake"})
	})
	if err != nil {
		t.Fatal(err)
	}
	dbArg := loc.URL
	if loc.Dialect == store.SQLite {
		dbArg = "sqlite:" + loc.Path
	}
	return db, append(os.Environ(), "PROBITY_DB="+dbArg, "PROBITY_DATA_KEY="+dataKey,
		"PROBITY_AUDIT_KEY="+audit.GenerateSigningKey(), "PROBITY_LOG_LEVEL=warn",
		"PROBITY_COMPLAINT_RATE=100000")
}

// halfSent is a complaint whose request line, headers and first half of
// the body are on the wire; the rest is sent by finish.
type halfSent struct {
	sub  *submission
	conn net.Conn
	rest []byte
}

func sendHalf(t *testing.T, baseURL string, s *submission) *halfSent {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := s.body()
	head := fmt.Sprintf("POST /api/v1/complaints HTTP/1.1\r\nHost: probity\r\nContent-Type: application/json\r\n"+
		"Idempotency-Key: %s\r\nContent-Length: %d\r\n\r\n", s.key, len(body))
	half := len(body) / 2
	if _, err := conn.Write(append([]byte(head), body[:half]...)); err != nil {
		t.Fatal(err)
	}
	return &halfSent{sub: s, conn: conn, rest: body[half:]}
}

// finish sends the rest of the body and reads the answer.
func (h *halfSent) finish() (int, []byte, error) {
	defer h.conn.Close()
	_ = h.conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := h.conn.Write(h.rest); err != nil {
		return 0, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(h.conn), nil)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// SIGTERM lets the requests already being received finish and be
// answered, refuses new connections at once, and the process exits 0
// well within 10 seconds.
func TestGracefulShutdownDrainsInFlightRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test skipped in -short mode")
	}
	bin, err := buildProbity()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db, env := intakeDB(t, e.New(t))
			srv := startServer(t, bin, env)
			defer func() {
				select {
				case <-srv.done:
				default:
					srv.kill()
				}
			}()
			// An idle keep-alive connection must not hold the shutdown up.
			idle := &http.Client{Timeout: 5 * time.Second}
			if resp, err := idle.Get(srv.url + "/healthz"); err != nil {
				t.Fatal(err)
			} else {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			const inFlight = 6
			var pending []*halfSent
			for i := range inFlight {
				pending = append(pending, sendHalf(t, srv.url, newSubmission(i, 0)))
			}
			// Let the server read the headers, so that each request is
			// being served, not merely connected.
			time.Sleep(300 * time.Millisecond)
			term := time.Now()
			if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			// New connections are refused once the listener is closed.
			refused := false
			for time.Since(term) < 3*time.Second {
				c, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.url, "http://"), time.Second)
				if err != nil {
					refused = true
					break
				}
				c.Close()
				time.Sleep(20 * time.Millisecond)
			}
			if !refused {
				t.Error("new connections were still accepted 3 s after SIGTERM")
			}
			select {
			case <-srv.done:
				t.Fatalf("the server exited %v after SIGTERM with %d requests in flight", time.Since(term), inFlight)
			default:
			}
			// The requests in flight complete and are acknowledged.
			for _, h := range pending {
				status, body, err := h.finish()
				if err != nil || status != http.StatusCreated {
					t.Errorf("in-flight complaint %s: %d %s %v", h.sub.key, status, body, err)
					continue
				}
				var ack struct{ Reference string }
				if err := json.Unmarshal(body, &ack); err != nil || ack.Reference == "" {
					t.Errorf("in-flight complaint %s: answer %s", h.sub.key, body)
					continue
				}
				h.sub.ref = ack.Reference
			}
			select {
			case <-srv.done:
			case <-time.After(10*time.Second - time.Since(term)):
				t.Fatalf("still running 10 s after SIGTERM")
			}
			took := time.Since(term)
			if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
				t.Errorf("exit status %d after SIGTERM, want 0", code)
			}
			t.Logf("%s: exited %v after SIGTERM, with %d requests drained", e.Name, took.Round(time.Millisecond), inFlight)
			for _, h := range pending {
				if h.sub.ref == "" {
					continue
				}
				if _, err := db.CaseByReference(context.Background(), h.sub.ref); err != nil {
					t.Errorf("drained complaint %s not stored: %v", h.sub.ref, err)
				}
			}
		})
	}
}
