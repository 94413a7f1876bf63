package store_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/probity/probity/internal/store"
)

// The SQLite database holds sealed personal data, the audit log and the
// hashes of session tokens: its file, its write-ahead log and its shared
// memory are readable by Probity's own user alone, whatever umask serve
// was started with. (PostgreSQL's files are the server's to protect.)
func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	// The most permissive umask there is, so that only Probity's own
	// choice of mode can keep the files private. No test in this package
	// runs in parallel with this one.
	old := syscall.Umask(0)
	defer syscall.Umask(old)

	path := filepath.Join(t.TempDir(), "data", "probity.db")
	db, err := store.Open(ctx, store.Location{Dialect: store.SQLite, Path: path}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A read through the reader pool maps the shared memory too.
	if _, err := db.Schema(ctx); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(name), err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %#o, want 0600", filepath.Base(name), mode)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "probity.db") {
			t.Errorf("unexpected file %s beside the database", e.Name())
		}
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %v (%v), want 0700", info.Mode().Perm(), err)
	}
}

// A database that already exists keeps its operator's mode, but one that
// others can read is named in a warning at every start.
func TestReadableSQLiteFileIsWarnedAbout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "probity.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	db, err := store.Open(ctx, store.Location{Dialect: store.SQLite, Path: path},
		store.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "chmod 600") || !strings.Contains(logs.String(), "mode=0644") {
		t.Errorf("no warning about the readable database file:\n%s", logs.String())
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("the operator's mode was changed: %v %v", info.Mode().Perm(), err)
	}
}
