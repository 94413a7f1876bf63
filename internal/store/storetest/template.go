package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/probity/probity/internal/store"
)

// Migrating a new database costs more than most tests that use one (on
// SQLite, with synchronous=FULL and the race detector, over a second), and
// the suite opens hundreds. So each test process migrates one database per
// engine once, a template, and every fresh database Open is given starts
// as a copy of it: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on
// PostgreSQL. Open still runs Migrate on the copy, which finds nothing to
// apply, so a test sees exactly what a migrated database holds. Databases
// that a test migrates itself (e.New without Open) stay empty.
var templates struct {
	sqliteOnce sync.Once
	sqlitePath string // "" when the template could not be made
	pgOnce     sync.Once
	pgName     string
	pgMu       sync.Mutex // one copy at a time from the template
	fresh      sync.Map   // PostgreSQL databases newPostgres made and nobody has opened
}

// fromTemplate fills the new, unopened database at loc from the engine's
// template. It reports false when it did nothing, and Open migrates from
// nothing as before.
func fromTemplate(loc store.Location) bool {
	switch loc.Dialect {
	case store.SQLite:
		if st, err := os.Stat(loc.Path); err == nil && st.Size() > 0 || err != nil && !errors.Is(err, os.ErrNotExist) {
			return false
		}
		templates.sqliteOnce.Do(makeSQLiteTemplate)
		return templates.sqlitePath != "" && copyFile(templates.sqlitePath, loc.Path) == nil
	case store.Postgres:
		name := dbName(loc.URL)
		if _, ok := templates.fresh.LoadAndDelete(name); !ok {
			return false
		}
		if !emptyPostgres(loc.URL) {
			return false // a test opened it itself before Open
		}
		templates.pgOnce.Do(makePostgresTemplate)
		if templates.pgName == "" {
			return false
		}
		templates.pgMu.Lock()
		defer templates.pgMu.Unlock()
		if _, err := admin.db.Exec("DROP DATABASE " + name); err != nil {
			return false
		}
		if _, err := admin.db.Exec("CREATE DATABASE " + name + " TEMPLATE " + templates.pgName); err != nil {
			// The name must exist for the test's cleanup and its Open.
			_, _ = admin.db.Exec("CREATE DATABASE " + name)
			return false
		}
		return true
	}
	return false
}

func makeSQLiteTemplate() {
	dir, err := os.MkdirTemp("", "probity-template-")
	if err != nil {
		return
	}
	p := filepath.Join(dir, "probity.db")
	if migrated(store.Location{Dialect: store.SQLite, Path: p}) {
		templates.sqlitePath = p
	}
}

func makePostgresTemplate() {
	name := "probity_template_" + randomHex(8)
	if _, err := admin.db.Exec("CREATE DATABASE " + name); err != nil {
		return
	}
	u, err := url.Parse(PostgresURL())
	if err != nil {
		return
	}
	u.Path = "/" + name
	if migrated(store.Location{Dialect: store.Postgres, URL: u.String()}) {
		templates.pgName = name
	}
}

// migrated opens, migrates and closes a database, so that nothing is
// connected to it or left in a write-ahead log when it is copied.
func migrated(loc store.Location) bool {
	ctx := context.Background()
	db, err := store.Open(ctx, loc, store.Options{})
	if err != nil {
		return false
	}
	_, err = db.Migrate(ctx)
	return db.Close() == nil && err == nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	return out.Close()
}

func dbName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(path.Clean(u.Path), "/")
}

// emptyPostgres reports whether the database holds no table yet.
func emptyPostgres(raw string) bool {
	db, err := sql.Open("pgx", raw)
	if err != nil {
		return false
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n)
	return err == nil && n == 0
}

// Kept returns the location of a new database of e's engine, migrated,
// that lives as long as the test process: for data that many tests start
// from, filled once, closed, and then given to each test as a copy by
// CopyOf. Like the migrated templates, it is left for the throwaway
// server or temporary directory to take away.
func Kept(e Engine) (store.Location, error) {
	switch e.Name {
	case "sqlite":
		dir, err := os.MkdirTemp("", "probity-kept-")
		if err != nil {
			return store.Location{}, err
		}
		loc := store.Location{Dialect: store.SQLite, Path: filepath.Join(dir, "probity.db")}
		fromTemplate(loc)
		return loc, nil
	case "postgres":
		if _, err := adminDB(); err != nil {
			return store.Location{}, fmt.Errorf("connecting to PROBITY_TEST_POSTGRES: %w", err)
		}
		name := "probity_kept_" + randomHex(8)
		if _, err := admin.db.Exec("CREATE DATABASE " + name); err != nil {
			return store.Location{}, fmt.Errorf("creating database %s: %w", name, err)
		}
		u, err := url.Parse(PostgresURL())
		if err != nil {
			return store.Location{}, err
		}
		u.Path = "/" + name
		loc := store.Location{Dialect: store.Postgres, URL: u.String()}
		templates.fresh.Store(name, true)
		fromTemplate(loc)
		return loc, nil
	}
	return store.Location{}, fmt.Errorf("no engine %q", e.Name)
}

// CopyOf returns the location of a new database that starts as a copy of
// the one at from, which nothing may hold open, removed when the test
// ends. Open it with Open.
func CopyOf(t testing.TB, from store.Location) store.Location {
	t.Helper()
	switch from.Dialect {
	case store.SQLite:
		to := store.Location{Dialect: store.SQLite, Path: filepath.Join(t.TempDir(), "probity.db")}
		if err := copyFile(from.Path, to.Path); err != nil {
			t.Fatalf("copying %s: %v", from.Path, err)
		}
		return to
	case store.Postgres:
		if _, err := adminDB(); err != nil {
			t.Fatalf("connecting to PROBITY_TEST_POSTGRES: %v", err)
		}
		name := "probity_test_" + randomHex(8)
		templates.pgMu.Lock()
		_, err := admin.db.Exec("CREATE DATABASE " + name + " TEMPLATE " + dbName(from.URL))
		templates.pgMu.Unlock()
		if err != nil {
			t.Fatalf("copying database %s: %v", dbName(from.URL), err)
		}
		t.Cleanup(func() {
			if _, err := admin.db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
				t.Errorf("dropping database %s: %v", name, err)
			}
		})
		return store.Location{Dialect: store.Postgres, URL: withDatabase(t, PostgresURL(), name)}
	}
	t.Fatalf("cannot copy a %v database", from.Dialect)
	return store.Location{}
}
