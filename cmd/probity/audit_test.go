package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
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
