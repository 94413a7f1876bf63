package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// formSubmit sends the complaint through the web form, as a browser does.
func (s *submission) formSubmit(client *http.Client, base string) (int, string, error) {
	v := url.Values{"what_happened": {s.what}, "happened_on": {"2026-01-15"}, "where": {"High Street police station"},
		"handling_preference": {"formal"}, "name": {"Disk Tester"}, "email": {s.email}, "consent_to_contact": {"yes"},
		"idempotency_key": {s.key}}
	resp, err := client.PostForm(base+"/complain", v)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// A full disk under the database: every complaint that cannot be stored
// is refused with 507 and says why (problem+json for the API, a page for
// the form), none of them is stored, the server keeps serving, and it
// takes complaints again by itself within 5 seconds of space coming back.
// SQLite's file and PostgreSQL's cluster each live on a small tmpfs.
func TestDiskFullRefusesWith507AndRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test skipped in -short mode")
	}
	bin, err := buildProbity()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := storetest.MountTmpfs(t, "48m")
		db, env := intakeDB(t, store.Location{Dialect: store.SQLite, Path: filepath.Join(dir, "probity.db")})
		diskFull(t, bin, db, env, dir, func() {})
	})
	// PostgreSQL stops (PANIC) when it cannot write its WAL: that is its
	// design, and why pg_wal belongs on a volume of its own. This test
	// fills the volume of the tables, which PostgreSQL reports as SQLSTATE
	// 53100; docs/reliability.md says what a full pg_wal does.
	t.Run("postgres", func(t *testing.T) {
		dir := storetest.MountTmpfs(t, "128m")
		pg := startPrivatePostgresIn(t, dir, true)
		db, env := intakeDB(t, store.Location{Dialect: store.Postgres, URL: pg.url})
		diskFull(t, bin, db, env, dir, func() {})
	})
}

func diskFull(t *testing.T, bin string, db *store.DB, env []string, dir string, beforeFill func()) {
	srv := startServer(t, bin, env)
	defer srv.kill()
	client := &http.Client{Timeout: 20 * time.Second}
	ctx := context.Background()

	var all []*submission
	submit := func(n int) (int, []byte) {
		s := newSubmission(0, n)
		all = append(all, s)
		req, _ := http.NewRequest("POST", srv.url+"/api/v1/complaints", bytes.NewReader(s.body()))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", s.key)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("complaint %d: %v (the server must keep running)", n, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusCreated {
			var ack struct{ Reference string }
			if err := json.Unmarshal(b, &ack); err != nil || ack.Reference == "" {
				t.Fatalf("complaint %d: acknowledged without a reference: %s", n, b)
			}
			s.ref = ack.Reference
		}
		if resp.StatusCode == http.StatusInsufficientStorage {
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("507 as %q, want problem+json", ct)
			}
			var p struct {
				Status int
				Detail string
			}
			if err := json.Unmarshal(b, &p); err != nil || p.Status != 507 || !strings.Contains(p.Detail, "no space left") {
				t.Errorf("507 body does not say why: %s", b)
			}
		}
		return resp.StatusCode, b
	}
	for n := range 3 {
		if code, b := submit(n); code != http.StatusCreated {
			t.Fatalf("before the disk filled: %d %s", code, b)
		}
	}

	beforeFill()
	filler := filepath.Join(dir, "filler")
	storetest.Fill(t, filler)
	// Until the WAL's free space is used up some complaints may still be
	// stored (and acknowledged); after that each one is refused.
	refused, stored := 0, 0
	for n := 3; refused < 10; n++ {
		if n > 200 {
			t.Fatalf("200 complaints on a full disk and only %d refused", refused)
		}
		switch code, b := submit(n); code {
		case http.StatusCreated:
			stored++
		case http.StatusInsufficientStorage:
			refused++
		default:
			logs, _ := filepath.Glob(filepath.Join(dir, "*", "server.log"))
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				t.Logf("%s:\n%s", l, b[max(0, len(b)-3000):])
			}
			t.Fatalf("on a full disk: %d %s, want 201 or 507", code, b)
		}
	}
	// The form says so in a page, and keeps what was typed.
	fs := newSubmission(1, 0)
	code, page, err := fs.formSubmit(client, srv.url)
	if err != nil || code != http.StatusInsufficientStorage || !strings.Contains(page, "your complaint has not been sent") ||
		!strings.Contains(page, fs.what) {
		t.Errorf("form on a full disk: %d %v; page has the notice %v, the answers %v", code, err,
			strings.Contains(page, "your complaint has not been sent"), strings.Contains(page, fs.what))
	}
	if resp, err := client.Get(srv.url + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz on a full disk: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// Space comes back; the next complaint is taken within 5 seconds.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	for n := 1000; ; n++ {
		if code, _ := submit(n); code == http.StatusCreated {
			break
		}
		if time.Since(back) > 5*time.Second {
			t.Fatalf("still refusing complaints %v after space returned", time.Since(back))
		}
		time.Sleep(100 * time.Millisecond)
	}
	recovered := time.Since(back)
	t.Logf("%s, full disk: %d complaints stored in space already allocated, %d refused with 507; recovered %v after space returned",
		db.Dialect(), stored, refused, recovered.Round(time.Millisecond))

	// Nothing refused was stored: sent again with its key, each refused
	// complaint is recorded now for the first time; the form's too.
	for _, s := range all {
		if s.ref != "" {
			continue
		}
		if ok, err := s.submit(client, srv.url); err != nil || !ok {
			t.Fatalf("refused complaint %s sent again: %v", s.key, err)
		}
	}
	if code, page, err := fs.formSubmit(client, srv.url); err != nil || code != http.StatusOK || !strings.Contains(page, "CO/") {
		t.Errorf("form sent again after space returned: %d %v", code, err)
	}
	cases, err := db.CaseCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(all) + 1; cases != want {
		t.Errorf("%d cases for %d complaints: a refused complaint was stored after all, or one was lost", cases, want)
	}
	for _, s := range all {
		if _, err := db.CaseByReference(ctx, s.ref); err != nil {
			t.Errorf("acknowledged %s missing: %v", s.ref, err)
		}
	}
	if res, err := db.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Errorf("integrity check after a full disk: %q %v", res, err)
	}
}
