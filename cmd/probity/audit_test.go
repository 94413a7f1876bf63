package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// auditCmd runs "probity audit ARGS" and returns what run would: the exit
// status, and the output with the error line on stderr.
func auditCmd(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runAudit(context.Background(), args, &out, &errOut, env(vars))
	if err != nil && !errors.Is(err, errHelp) {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		errOut.WriteString(err.Error() + "\n")
	}
	return code, out.String(), errOut.String()
}

func TestAuditVerifyCommand(t *testing.T) {
	ctx := context.Background()
	key := audit.GenerateSigningKey()
	signer, err := audit.ParseSigningKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "probity.db")
	db := storetest.Open(t, store.Location{Dialect: store.SQLite, Path: path})
	l := store.NewAuditLog(db, signer, 5)
	for i := 1; i <= 12; i++ {
		e := &audit.Entry{At: time.Date(2026, 4, 1, 10, 0, i, 0, time.UTC), ActorID: "u-1", ActorName: "a.auditor",
			Action: audit.Consult, RecordType: "case", RecordID: "c-1", Outcome: audit.Success, Reason: "spot check"}
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	dbFlag := "sqlite:" + path

	code, pub, _ := auditCmd(t, map[string]string{"PROBITY_AUDIT_KEY": key}, "public-key")
	pub = strings.TrimSpace(pub)
	if code != 0 || pub != audit.EncodePublicKey(signer.Public()) {
		t.Fatalf("public-key: exit %d, %q", code, pub)
	}
	other, _ := audit.ParseSigningKey(audit.GenerateSigningKey())
	otherPub := audit.EncodePublicKey(other.Public())

	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"with the signing key", map[string]string{"PROBITY_AUDIT_KEY": key}, []string{"verify", "--db", dbFlag},
			0, "audit log verified: 12 entries, 2 checkpoints\nlast entry 12 has hash ", ""},
		{"with the public key only", nil, []string{"verify", "--db", dbFlag, "--public-key", pub},
			0, "audit log verified: 12 entries, 2 checkpoints", ""},
		{"with a retired key beside it", nil, []string{"verify", "--db", dbFlag, "--public-key", otherPub + "," + pub},
			0, "audit log verified: 12 entries", ""},
		{"with the wrong public key", nil, []string{"verify", "--db", dbFlag, "--public-key", otherPub},
			1, "FAILED", "first bad entry 1: checkpoint at 5: signed by a key that is not trusted"},
		{"without a key", nil, []string{"verify", "--db", dbFlag}, 2, "", "needs the audit public key"},
		{"with a malformed public key", nil, []string{"verify", "--db", dbFlag, "--public-key", "c2hvcnQ="}, 2, "",
			"audit public key decodes to 5 bytes"},
		{"with a bad signing key", map[string]string{"PROBITY_AUDIT_KEY": "c2hvcnQ="}, []string{"verify", "--db", dbFlag}, 2, "",
			"PROBITY_AUDIT_KEY: audit signing key decodes to 5 bytes"},
		{"no command", nil, nil, 2, "", "needs a command"},
		{"unknown command", nil, []string{"frobnicate"}, 2, "", `unknown audit command "frobnicate"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := auditCmd(t, tc.env, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
			if strings.Contains(stdout+stderr, key) {
				t.Error("the signing key was printed")
			}
		})
	}

	// Someone with the database file, but not the key, edits an entry.
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER audit_entries_no_update`,
		`UPDATE audit_entries SET reason = 'nothing to see' WHERE seq = 7`} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := auditCmd(t, nil, "verify", "--db", dbFlag, "--public-key", pub)
	if code != 1 || !strings.Contains(stderr, "first bad entry 7: entry 7: hash does not match its content") {
		t.Fatalf("after tampering: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	code, gen, _ := auditCmd(t, nil, "generate-key")
	if _, err := audit.ParseSigningKey(gen); code != 0 || err != nil {
		t.Errorf("generate-key: exit %d, %v", code, err)
	}
}

func TestAuditHeadAndWitness(t *testing.T) {
	ctx := context.Background()
	key := audit.GenerateSigningKey()
	signer, err := audit.ParseSigningKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "probity.db")
	dbFlag := "sqlite:" + path
	pub := audit.EncodePublicKey(signer.Public())
	db := storetest.Open(t, store.Location{Dialect: store.SQLite, Path: path})

	if code, _, stderr := auditCmd(t, nil, "head", "--db", dbFlag, "--public-key", pub); code != 1 ||
		!strings.Contains(stderr, "the audit log is empty") {
		t.Fatalf("head of an empty log: exit %d, %q", code, stderr)
	}
	l := store.NewAuditLog(db, signer, 5)
	record := func(from, to int) {
		for i := from; i <= to; i++ {
			e := &audit.Entry{At: time.Date(2026, 4, 1, 10, 0, i, 0, time.UTC), ActorID: "u-1", ActorName: "a.auditor",
				Action: audit.Consult, RecordType: "case", RecordID: "c-1", Outcome: audit.Success, Reason: "spot check"}
			if err := l.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	record(1, 7)
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var copied [5]any // the head row as a copy of the database taken now holds it
	for i := range copied {
		copied[i] = new(string)
	}
	if err := raw.QueryRowContext(ctx, `SELECT CAST(seq AS TEXT), hash, at, key_id, signature FROM audit_head`).Scan(copied[:]...); err != nil {
		t.Fatal(err)
	}
	record(8, 12)

	code, head, stderr := auditCmd(t, map[string]string{"PROBITY_AUDIT_KEY": key}, "head", "--db", dbFlag)
	if code != 0 || !strings.HasPrefix(head, "probity audit head v2\nseq: 12\n") || !strings.Contains(head, "\nat: ") {
		t.Fatalf("head: exit %d, %q, %q", code, head, stderr)
	}
	witness := filepath.Join(dir, "witness.txt")
	if err := os.WriteFile(witness, []byte("# kept by the force auditor\n"+head), 0o600); err != nil {
		t.Fatal(err)
	}
	other, _ := audit.ParseSigningKey(audit.GenerateSigningKey())
	foreign := filepath.Join(dir, "foreign.txt")
	h, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(foreign, []byte(audit.FormatHead(other.SignHead(h.Seq, h.Hash, h.At))), 0o600); err != nil {
		t.Fatal(err)
	}
	garbled := filepath.Join(dir, "garbled.txt")
	if err := os.WriteFile(garbled, []byte(strings.Replace(head, "seq: 12", "seq: twelve", 1)), 0o600); err != nil {
		t.Fatal(err)
	}

	verify := func(args ...string) (int, string, string) {
		return auditCmd(t, nil, append([]string{"verify", "--db", dbFlag, "--public-key", pub}, args...)...)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no witness", nil, 0, "no witness given: a rollback of the whole log to an earlier copy would not show", ""},
		{"witnessed", []string{"--witness", witness}, 0, "agrees with 1 witnessed heads", ""},
		{"witness signed by another key", []string{"--witness", foreign}, 1, "FAILED",
			"witnessed head at entry 12: signed by a key that is not trusted"},
		{"witness garbled", []string{"--witness", garbled}, 2, "", "--witness: " + garbled + ": line 2: seq: not a whole number"},
		{"witness missing", []string{"--witness", witness + ".missing"}, 2, "", "--witness: open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := verify(tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}

	// Rolled back to the copy: later entries and checkpoint deleted, the
	// head put back as it was.
	for _, q := range []string{`DROP TRIGGER audit_entries_no_delete`, `DROP TRIGGER audit_checkpoints_no_delete`,
		`DELETE FROM audit_entries WHERE seq > 7`, `DELETE FROM audit_checkpoints WHERE seq > 7`} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.ExecContext(ctx, `UPDATE audit_head SET seq = CAST($1 AS INTEGER), hash = $2, at = $3, key_id = $4, signature = $5`,
		copied[:]...); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := verify(); code != 0 || !strings.Contains(stdout, "audit log verified: 7 entries, 1 checkpoints") {
		t.Fatalf("rolled back, no witness: exit %d, %q, %q", code, stdout, stderr)
	}
	code, _, stderr = verify("--witness", witness)
	want := "first bad entry 8: log ends at entry 7, but a witnessed head signed at " + audit.FormatTime(h.At) +
		" by key " + signer.KeyID() + " has 12 entries (log rolled back or cut short since)\n"
	if code != 1 || stderr != want {
		t.Fatalf("rolled back, witnessed: exit %d, stderr %q; want %q", code, stderr, want)
	}
}

// TestAuditKeyChangesBetweenServeRuns runs serve under key A, then under
// key B, with audited requests in each run; verify then needs both public
// keys. On each engine.
func TestAuditKeyChangesBetweenServeRuns(t *testing.T) {
	locs := map[string]store.Location{"sqlite": {Dialect: store.SQLite, Path: filepath.Join(t.TempDir(), "probity.db")}}
	if storetest.PostgresURL() != "" {
		locs["postgres"] = storetest.NewPostgresLocation(t)
	} else if os.Getenv("PROBITY_REQUIRE_POSTGRES") == "1" {
		t.Fatal("PROBITY_TEST_POSTGRES not set")
	}
	for name, loc := range locs {
		t.Run(name, func(t *testing.T) {
			dbFlag := loc.URL
			if loc.Dialect == store.SQLite {
				dbFlag = "sqlite:" + loc.Path
			}
			dataKey, _ := keyring.Generate()
			keyA, keyB := audit.GenerateSigningKey(), audit.GenerateSigningKey()
			a, _ := audit.ParseSigningKey(keyA)
			b, _ := audit.ParseSigningKey(keyB)
			pubA, pubB := audit.EncodePublicKey(a.Public()), audit.EncodePublicKey(b.Public())
			args := []string{"serve", "--addr", "127.0.0.1:0", "--db", dbFlag}
			// A refused sign-in is an audited write that needs no account.
			signIns := func(url string, n int) {
				t.Helper()
				for range n {
					resp, err := http.Post(url+"/api/v1/session", "application/json",
						strings.NewReader(`{"username":"nobody","password":"not this one"}`))
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusUnauthorized {
						t.Fatalf("sign-in answered %d", resp.StatusCode)
					}
				}
			}

			url, _, stop := start(t, args, map[string]string{"PROBITY_DATA_KEY": dataKey, "PROBITY_AUDIT_KEY": keyA})
			signIns(url, 3)
			if code := stop(); code != 0 {
				t.Fatalf("serve under A exited %d", code)
			}

			// Key B alone: refused before serving, naming what to set.
			code, stderr := refusedToServe(t, args, map[string]string{"PROBITY_DATA_KEY": dataKey, "PROBITY_AUDIT_KEY": keyB})
			if code != 2 || !strings.Contains(stderr, "PROBITY_AUDIT_PREVIOUS_KEYS: the audit log's head (entry 3) is signed by key "+a.KeyID()) {
				t.Fatalf("serve under B without A: exit %d, %q", code, stderr)
			}

			url, _, stop = start(t, args, map[string]string{"PROBITY_DATA_KEY": dataKey, "PROBITY_AUDIT_KEY": keyB,
				"PROBITY_AUDIT_PREVIOUS_KEYS": pubA})
			signIns(url, 3)
			if code := stop(); code != 0 {
				t.Fatalf("serve under B exited %d", code)
			}

			for _, tc := range []struct {
				name   string
				env    map[string]string
				args   []string
				code   int
				stdout string
				stderr string
			}{
				{"both public keys", nil, []string{"--public-key", pubA + "," + pubB}, 0,
					"signed under 2 keys in turn: " + a.KeyID() + ", " + b.KeyID() + " (1 handovers)", ""},
				{"the server's key and its retired key", map[string]string{"PROBITY_AUDIT_KEY": keyB, "PROBITY_AUDIT_PREVIOUS_KEYS": pubA}, nil, 0,
					"audit log verified: 6 entries", ""},
				{"B only", nil, []string{"--public-key", pubB}, 1, "FAILED",
					"first bad entry 1: head left at 3 by retired key " + a.KeyID() + ": signed by a key that is not trusted"},
				{"A only", nil, []string{"--public-key", pubA}, 1, "FAILED", "chain head: signed by a key that is not trusted"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					code, stdout, stderr := auditCmd(t, tc.env, append([]string{"verify", "--db", dbFlag}, tc.args...)...)
					if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
						t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
					}
				})
			}
		})
	}
}

// refusedToServe runs a serving command that should stop before serving,
// and returns its exit status and stderr; it fails the test (stopping the
// command) if it serves instead.
func refusedToServe(t *testing.T, args []string, environ map[string]string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, out, errOut, env(environ)) }()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case code := <-done:
			return code, errOut.String()
		default:
		}
		if strings.Contains(out.String(), "Probity is running at") || time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("%v served instead of refusing; stderr: %s", args, errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
