// Package storetest runs store tests on every engine Probity supports, so
// that SQLite and PostgreSQL are held to the same behaviour. Each test gets
// a fresh, migrated database of its own.
//
// SQLite always runs. PostgreSQL runs when PROBITY_TEST_POSTGRES holds the
// URL of a server where the test may create databases (./scripts/test
// starts one); when it is unset the PostgreSQL half is skipped, unless
// PROBITY_REQUIRE_POSTGRES=1, which turns the skip into a failure so that
// CI cannot pass with one engine silently missing.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/store"
)

// Keys is a fixed keyring for tests; never use it outside them.
func Keys(t testing.TB) *keyring.Keyring {
	t.Helper()
	k, err := keyring.New([]byte("probity-test-key-0123456789abcde"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Engine opens fresh databases of one kind.
type Engine struct {
	Name string
	// Open returns the location of a new, empty database that is removed
	// when the test ends.
	New func(t testing.TB) store.Location
}

// Engines lists the engines to test against in this run.
func Engines(t testing.TB) []Engine {
	t.Helper()
	engines := []Engine{{Name: "sqlite", New: newSQLite}}
	if PostgresURL() != "" {
		engines = append(engines, Engine{Name: "postgres", New: newPostgres})
	} else if os.Getenv("PROBITY_REQUIRE_POSTGRES") == "1" {
		t.Fatal("PROBITY_REQUIRE_POSTGRES=1 but PROBITY_TEST_POSTGRES is not set")
	}
	return engines
}

// PostgresURL is the server tests may create databases on, or "".
func PostgresURL() string { return os.Getenv("PROBITY_TEST_POSTGRES") }

// Each runs fn once per engine, as a subtest, on a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, Open(t, e.New(t)))
		})
	}
}

// Open opens and migrates the database at loc, closing it at the end of the
// test.
func Open(t testing.TB, loc store.Location) *store.DB {
	t.Helper()
	return OpenWith(t, loc, store.Options{})
}

// OpenWith is Open with options, such as a pool's size; the test's keys
// are used when opt names none.
func OpenWith(t testing.TB, loc store.Location, opt store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	fromTemplate(loc)
	if opt.Keys == nil {
		opt.Keys = Keys(t)
	}
	db, err := store.Open(ctx, loc, opt)
	if err != nil {
		t.Fatalf("opening %s: %v", loc, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating %s: %v", loc, err)
	}
	return db
}

func newSQLite(t testing.TB) store.Location {
	return store.Location{Dialect: store.SQLite, Path: filepath.Join(t.TempDir(), "probity.db")}
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// adminDB connects, once, to the server named by PROBITY_TEST_POSTGRES.
func adminDB() (*sql.DB, error) {
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", PostgresURL())
		if admin.err == nil {
			admin.err = admin.db.Ping()
		}
	})
	return admin.db, admin.err
}

func newPostgres(t testing.TB) store.Location {
	t.Helper()
	if _, err := adminDB(); err != nil {
		t.Fatalf("connecting to PROBITY_TEST_POSTGRES: %v", err)
	}
	name := "probity_test_" + randomHex(8)
	if _, err := admin.db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	templates.fresh.Store(name, true)
	t.Cleanup(func() {
		if _, err := admin.db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	return store.Location{Dialect: store.Postgres, URL: withDatabase(t, PostgresURL(), name)}
}

func withDatabase(t testing.TB, base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("PROBITY_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Location of a new PostgreSQL database, for tests outside the store that
// start a server process against it. It fails the test when PostgreSQL is
// not configured.
func NewPostgresLocation(t testing.TB) store.Location {
	t.Helper()
	if PostgresURL() == "" {
		t.Fatal(fmt.Errorf("PROBITY_TEST_POSTGRES is not set"))
	}
	return newPostgres(t)
}

// ReplicaURL is a streaming replica of the PROBITY_TEST_POSTGRES server
// (PROBITY_TEST_POSTGRES_REPLICA, which ./scripts/test starts), or "".
func ReplicaURL() string { return os.Getenv("PROBITY_TEST_POSTGRES_REPLICA") }

// OnReplica is the URL of loc's database, a PostgreSQL one made by this
// package, as the replica serves it. It skips the test when no replica is
// configured, and fails it when PROBITY_REQUIRE_POSTGRES=1 asks for every
// PostgreSQL test to run.
func OnReplica(t testing.TB, loc store.Location) string {
	t.Helper()
	if ReplicaURL() == "" {
		if os.Getenv("PROBITY_REQUIRE_POSTGRES") == "1" {
			t.Fatal("PROBITY_REQUIRE_POSTGRES=1 but PROBITY_TEST_POSTGRES_REPLICA is not set")
		}
		t.Skip("PROBITY_TEST_POSTGRES_REPLICA is not set")
	}
	u, err := url.Parse(loc.URL)
	if err != nil {
		t.Fatalf("database URL: %v", err)
	}
	return withDatabase(t, ReplicaURL(), strings.TrimPrefix(u.Path, "/"))
}

// Away makes loc's database, a PostgreSQL one made by this package,
// unreachable as a server that has gone down is: it refuses new
// connections and ends every open one (each client then sees 57P01, a
// dropped connection or a refused one). back lets connections in again;
// it also runs when the test ends.
func Away(t testing.TB, loc store.Location) (back func()) {
	t.Helper()
	db, err := adminDB()
	if err != nil {
		t.Fatalf("connecting to PROBITY_TEST_POSTGRES: %v", err)
	}
	u, err := url.Parse(loc.URL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if _, err := db.Exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false"); err != nil {
		t.Fatalf("closing %s to connections: %v", name, err)
	}
	var once sync.Once
	back = func() {
		once.Do(func() {
			if _, err := db.Exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true"); err != nil {
				t.Errorf("opening %s to connections again: %v", name, err)
			}
		})
	}
	t.Cleanup(back)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ended int
		err := db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid()`, name).Scan(&ended)
		if err != nil {
			t.Fatalf("ending the connections to %s: %v", name, err)
		}
		var open int
		if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, name).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			return back
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections to %s still open", open, name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitReplayed polls db's replicas until the first one is up and has
// replayed the primary's WAL up to at, failing the test after 15 seconds.
func WaitReplayed(t testing.TB, db *store.DB, at store.LSN) {
	t.Helper()
	// Generous: it returns as soon as the replica has replayed, and on a
	// loaded machine replaying a newly created database can take a while.
	deadline := time.Now().Add(time.Minute)
	for {
		db.PollReplicas(context.Background())
		s := db.ReplicaStats()[0]
		if s.Up && s.Replayed >= at {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica has not replayed %v: %+v", at, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// CaughtUp waits until db's first replica has replayed everything
// committed on the primary so far.
func CaughtUp(t testing.TB, db *store.DB) {
	t.Helper()
	at, err := db.WALPosition(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	WaitReplayed(t, db, at)
}
