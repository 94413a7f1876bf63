package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// dbFlag is a location as --db takes it.
func dbFlag(loc store.Location) string {
	if loc.Dialect == store.SQLite {
		return "sqlite:" + loc.Path
	}
	return loc.URL
}

func probity(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut, env(nil))
	return code, out.String(), errOut.String()
}

// TestBackupAndRestoreRoundTrip: a backup taken while the database is
// open, restored into an empty database of the same engine, holds every
// table with every row as it was; restoring over an existing SQLite
// database needs --replace and leaves no trace of the old one.
func TestBackupAndRestoreRoundTrip(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			src := e.New(t)
			db := storetest.Open(t, src)
			now := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)
			if _, err := demo.Seed(ctx, db, demo.GenerateWith(3, now, demo.Scaled(60)), now); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "probity.backup")
			if code, out, errOut := probity(t, "backup", "--db", dbFlag(src), "--to", file); code != 0 || !strings.Contains(out, "backup written to "+file) {
				t.Fatalf("backup: %d %s %s", code, out, errOut)
			}
			// The same file again: refused, the backup kept.
			if code, _, errOut := probity(t, "backup", "--db", dbFlag(src), "--to", file); code != 2 || !strings.Contains(errOut, "exists") {
				t.Errorf("backup over a backup: %d %s", code, errOut)
			}
			want, err := db.Digests(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var rows int64
			for _, d := range want {
				rows += d.Rows
			}
			if len(want) < 20 || rows < 1000 {
				t.Fatalf("the seeded database is too small to prove much: %d tables, %d rows", len(want), rows)
			}

			dest := e.New(t)
			if code, out, errOut := probity(t, "restore", "--from", file, "--db", dbFlag(dest)); code != 0 || !strings.Contains(out, "restored") {
				t.Fatalf("restore: %d %s %s", code, out, errOut)
			}
			compareDigests(t, want, storetest.Open(t, dest))

			if e.Name != "sqlite" {
				return
			}
			// Over an existing database: refused without --replace; with
			// it, the old database and its write-ahead log are gone.
			other := e.New(t)
			odb := storetest.Open(t, other)
			if _, err := demo.Seed(ctx, odb, demo.GenerateWith(9, now, demo.Scaled(30)), now); err != nil {
				t.Fatal(err)
			}
			odb.Close()
			if err := os.WriteFile(other.Path+"-wal", []byte("left over from the old database"), 0o600); err != nil {
				t.Fatal(err)
			}
			if code, _, errOut := probity(t, "restore", "--from", file, "--db", dbFlag(other)); code != 2 || !strings.Contains(errOut, "--replace") {
				t.Errorf("restore over a database without --replace: %d %s", code, errOut)
			}
			if code, out, errOut := probity(t, "restore", "--replace", "--from", file, "--db", dbFlag(other)); code != 0 {
				t.Fatalf("restore --replace: %d %s %s", code, out, errOut)
			}
			compareDigests(t, want, storetest.Open(t, other))
		})
	}
}

func compareDigests(t *testing.T, want []store.TableDigest, db *store.DB) {
	t.Helper()
	got, err := db.Digests(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]store.TableDigest{}
	for _, d := range got {
		have[d.Table] = d
	}
	for _, w := range want {
		if g := have[w.Table]; g != w {
			t.Errorf("table %s: restored %d rows (%.8s), backed up %d (%.8s)", w.Table, g.Rows, g.Hash, w.Rows, w.Hash)
		}
		delete(have, w.Table)
	}
	for name := range have {
		t.Errorf("table %s is in the restored database only", name)
	}
}

// TestRestoreRefusesTheWrongFile: a file that is not a backup, or a
// backup of the other engine, is refused with the reason, and nothing is
// touched.
func TestRestoreRefusesTheWrongFile(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "notes.txt")
	pg := filepath.Join(dir, "pg.backup")
	os.WriteFile(junk, []byte("not a backup at all"), 0o600)
	os.WriteFile(pg, append([]byte("PGDMP"), make([]byte, 64)...), 0o600)
	target := filepath.Join(dir, "probity.db")
	cases := []struct {
		name, from, want string
	}{
		{"not a backup", junk, "is not a SQLite backup"},
		{"a PostgreSQL backup into SQLite", pg, "a PostgreSQL backup restores only into PostgreSQL"},
		{"no file", filepath.Join(dir, "missing"), "--from:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := probity(t, "restore", "--from", tc.from, "--db", "sqlite:"+target)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("%d %s", code, errOut)
			}
			if _, err := os.Stat(target); err == nil {
				t.Error("a refused restore created the database")
			}
		})
	}
	if code, _, errOut := probity(t, "backup", "--db", "sqlite:"+target); code != 2 || !strings.Contains(errOut, "--to") {
		t.Errorf("backup without --to: %d %s", code, errOut)
	}
}

func TestPgEnvKeepsTheURLOffTheCommandLine(t *testing.T) {
	env, err := pgEnv("postgres://probity:s3cret@db.internal:5433/probity?sslmode=verify-full")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(env, " ")
	for _, want := range []string{"PGDATABASE=probity", "PGHOST=db.internal", "PGPORT=5433", "PGUSER=probity", "PGPASSWORD=s3cret", "PGSSLMODE=verify-full"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
	if _, err := pgEnv("postgres://db/probity?options=-c%20x"); err == nil || !strings.Contains(err.Error(), `"options"`) {
		t.Errorf("an unknown parameter: %v", err)
	}
}
