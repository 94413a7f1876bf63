package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

func TestUserCommands(t *testing.T) {
	dataKey, _ := keyring.Generate()
	auditKey := audit.GenerateSigningKey()
	dbPath := filepath.Join(t.TempDir(), "p.db")
	environ := map[string]string{"PROBITY_DATA_KEY": dataKey, "PROBITY_AUDIT_KEY": auditKey, "PROBITY_DB": "sqlite:" + dbPath}
	userCmd := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		err := runUserWithInput(context.Background(), args, strings.NewReader(stdin), &out, &errb, env(environ))
		code := 0
		if err != nil {
			errb.WriteString(err.Error())
			code = 1
			if ee, ok := err.(*exitError); ok {
				code = ee.code
			}
		}
		return code, out.String(), errb.String()
	}
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"add with stdin password", "a perfectly fine passphrase\n", []string{"add", "--username", "jbloggs", "--roles", "handler,investigator", "--password-stdin"}, 0, "created jbloggs"},
		{"add with generated password", "", []string{"add", "--username", "asmith", "--roles", "auditor"}, 0, "password (shown once"},
		{"duplicate", "another fine passphrase\n", []string{"add", "--username", "jbloggs", "--roles", "handler", "--password-stdin"}, 1, "taken"},
		{"unknown role", "", []string{"add", "--username", "x1", "--roles", "sheriff"}, 2, `"sheriff" is not a role`},
		{"weak password", "password\n", []string{"add", "--username", "x2", "--roles", "handler", "--password-stdin"}, 2, "at least 12 characters"},
		{"unknown unit", "", []string{"add", "--username", "x3", "--roles", "handler", "--units", "NOPE"}, 2, `no unit with code "NOPE"`},
		{"token", "", []string{"token", "jbloggs", "--name", "nightly export", "--roles", "handler"}, 0, "prt_"},
		{"token with a role the user lacks", "", []string{"token", "jbloggs", "--name", "x", "--roles", "admin"}, 2, "does not hold the role admin"},
		{"reset MFA", "", []string{"reset-mfa", "jbloggs"}, 0, "reset MFA of jbloggs"},
		{"disable", "", []string{"disable", "jbloggs"}, 0, "disabled jbloggs"},
		{"disable unknown", "", []string{"disable", "nobody"}, 2, `no user "nobody"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := userCmd(tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", code, tc.code, out, errs, tc.want)
			}
			if strings.Contains(out+errs, "perfectly fine passphrase") {
				t.Error("the password was echoed")
			}
		})
	}

	// Only users and the audit log are read here: the test keyring suffices.
	db := storetest.Open(t, store.Location{Dialect: store.SQLite, Path: dbPath})
	u, _, err := db.UserByUsername(context.Background(), "jbloggs")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Disabled || !u.Has(access.Handler) || !u.Has(access.Investigator) {
		t.Errorf("jbloggs = %+v", u)
	}
	page, err := db.AuditEntries(context.Background(), store.AuditFilter{RecordID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range page.Entries {
		actions = append(actions, string(e.Action))
	}
	if got := strings.Join(actions, ","); got != "account_disabled,mfa_reset,token_issued,role_change" {
		t.Errorf("audit entries for jbloggs, newest first = %s", got)
	}
}

func TestKeysRotate(t *testing.T) {
	oldKey, _ := keyring.Generate()
	newKey, _ := keyring.Generate()
	auditKey := audit.GenerateSigningKey()
	dbPath := filepath.Join(t.TempDir(), "p.db")
	run := func(dataKey string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runWith(args, &out, &errb, map[string]string{"PROBITY_DATA_KEY": dataKey, "PROBITY_AUDIT_KEY": auditKey, "PROBITY_DB": "sqlite:" + dbPath})
		return code, out.String() + errb.String()
	}
	// A user with MFA enrolled has a sealed secret to rotate.
	if code, out := run(oldKey, "user", "add", "--username", "rot", "--roles", "handler"); code != 0 {
		t.Fatal(out)
	}
	keys, _ := keyring.Parse(oldKey)
	db, err := store.Open(context.Background(), store.Location{Dialect: store.SQLite, Path: dbPath}, store.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	u, _, _ := db.UserByUsername(context.Background(), "rot")
	if err := db.InTx(context.Background(), func(tx *store.Tx) error { return tx.SetTOTP(context.Background(), u.ID, "JBSWY3DPEHPK3PXP", true, 0) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out := run(newKey+","+oldKey, "keys", "rotate")
	if code != 0 || !strings.Contains(out, "resealed 1 values") {
		t.Fatalf("rotate: %d %s", code, out)
	}
	newOnly, _ := keyring.Parse(newKey)
	db, err = store.Open(context.Background(), store.Location{Dialect: store.SQLite, Path: dbPath}, store.Options{Keys: newOnly})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec, err := db.LoginRecord(context.Background(), "rot")
	if err != nil || rec.TOTPSecret != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("after rotation with the new key only: %+v %v", rec.TOTPSecret, err)
	}
}

func runWith(args []string, stdout, stderr *bytes.Buffer, environ map[string]string) int {
	return run(context.Background(), args, stdout, stderr, env(environ))
}
