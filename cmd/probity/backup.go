package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/store"
)

// A backup file says what it is in its first bytes: SQLite's header, or
// pg_dump's custom format.
var (
	sqliteMagic = []byte("SQLite format 3\x00")
	pgDumpMagic = []byte("PGDMP")
)

// runBackup answers "probity backup --db URL --to FILE": an online,
// consistent copy of the database. SQLite is copied with VACUUM INTO
// from one snapshot; PostgreSQL with pg_dump, which reads one snapshot
// too. The backup holds personal data sealed under the data key: keep
// the key's backup apart from the data's.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("backup", stderr)
	f := config.Register(fs, getenv)
	to := fs.String("to", "", "the backup file to write; it must not exist")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	if *to == "" {
		return usageErr("--to: the backup file is required")
	}
	if _, err := os.Stat(*to); err == nil {
		return usageErr("--to: %s exists; Probity does not overwrite a backup", *to)
	}
	switch c.DB.Dialect {
	case store.SQLite:
		if _, err := os.Stat(c.DB.Path); err != nil {
			return usageErr("--db: %s: no database there", c.DB.Path)
		}
		db, err := store.Open(ctx, c.DB, store.Options{})
		if err != nil {
			return usageErr("--db: %v", err)
		}
		defer db.Close()
		if err := db.BackupSQLite(ctx, *to); err != nil {
			return err
		}
	case store.Postgres:
		pgDump, err := postgresTool("pg_dump")
		if err != nil {
			return err
		}
		if err := runTool(ctx, pgDump, c.DB.URL, "--format=custom", "--no-owner", "--file="+*to); err != nil {
			os.Remove(*to)
			return err
		}
	}
	st, err := os.Stat(*to)
	if err != nil {
		return fmt.Errorf("backing up: %w", err)
	}
	fmt.Fprintf(stdout, "backup written to %s (%d bytes)\n", *to, st.Size())
	return nil
}

// runRestore answers "probity restore --from FILE --db URL": the backup
// put in place of the database. A SQLite database is replaced whole, and
// only with --replace when it exists (stop Probity first); a PostgreSQL
// database has Probity's tables dropped and restored in one transaction.
// The restored database is migrated to this version of Probity.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("restore", stderr)
	f := config.Register(fs, getenv)
	from := fs.String("from", "", "the backup file to restore")
	replace := fs.Bool("replace", false, "replace an existing SQLite database (stop Probity first)")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	if *from == "" {
		return usageErr("--from: the backup file is required")
	}
	head, err := readHead(*from, len(sqliteMagic))
	if err != nil {
		return usageErr("--from: %v", err)
	}
	switch c.DB.Dialect {
	case store.SQLite:
		if !bytes.HasPrefix(head, sqliteMagic) {
			return usageErr("--from: %s is not a SQLite backup; a PostgreSQL backup restores only into PostgreSQL", *from)
		}
		if err := restoreSQLite(ctx, *from, c.DB.Path, *replace); err != nil {
			return err
		}
	case store.Postgres:
		if !bytes.HasPrefix(head, pgDumpMagic) {
			return usageErr("--from: %s is not a PostgreSQL backup (pg_dump's custom format); a SQLite backup restores only into SQLite", *from)
		}
		pgRestore, err := postgresTool("pg_restore")
		if err != nil {
			return err
		}
		if err := runTool(ctx, pgRestore, c.DB.URL, "--clean", "--if-exists", "--no-owner",
			"--single-transaction", "--exit-on-error", "--dbname="+pgDatabase(c.DB.URL), *from); err != nil {
			return err
		}
	}
	log := newLogger(stderr, c.LogLevel, c.LogFormat)
	db, err := openDB(ctx, c.DB, nil, log, "--db")
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Schema(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s, now at schema version %d\n", *from, c.DB, st.Current)
	return nil
}

// restoreSQLite copies the backup beside the database, checks the copy,
// and renames it into place, so that a crash or a damaged backup leaves
// the old database as it was.
func restoreSQLite(ctx context.Context, from, dest string, replace bool) error {
	if _, err := os.Stat(dest); err == nil && !replace {
		return usageErr("--db: %s exists; pass --replace to put the backup in its place (stop Probity first)", dest)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return fmt.Errorf("restoring: %w", err)
	}
	tmp := dest + ".restoring"
	removeSQLite(tmp)
	if err := copyFile(from, tmp); err != nil {
		removeSQLite(tmp)
		return fmt.Errorf("restoring: %w", err)
	}
	if err := store.CheckSQLiteFile(ctx, tmp); err != nil {
		removeSQLite(tmp)
		return fmt.Errorf("restoring: the backup is not usable: %w", err)
	}
	// A write-ahead log left by the old database would be replayed into
	// the new one: it goes first.
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(dest + side); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restoring: %w", err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("restoring: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

func removeSQLite(path string) {
	for _, side := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + side)
	}
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
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func readHead(path string, n int) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b := make([]byte, n)
	k, err := io.ReadFull(fh, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:k], nil
}

// postgresTool finds one of PostgreSQL's client programs: on the PATH,
// or where Debian's packages put them, the newest version first (a newer
// pg_dump reads an older server; not the other way round).
func postgresTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Slice(found, func(i, j int) bool { return pgVersion(found[i]) > pgVersion(found[j]) })
	if len(found) == 0 {
		return "", fmt.Errorf("%s is needed to back up or restore PostgreSQL and was not found: install it (Debian: apt-get install postgresql-client)", name)
	}
	return found[0], nil
}

// pgVersion is the major version in a Debian path
// /usr/lib/postgresql/VERSION/bin/...
func pgVersion(path string) int {
	var v int
	fmt.Sscanf(filepath.Base(filepath.Dir(filepath.Dir(path))), "%d", &v)
	return v
}

// pgEnv turns a connection URL into libpq's environment variables, so
// that the URL, and the password it may carry, stays out of the process
// list where other users of the machine could read it.
func pgEnv(raw string) ([]string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, usageErr("--db: not a PostgreSQL URL")
	}
	env := []string{"PGDATABASE=" + strings.TrimPrefix(u.Path, "/")}
	if h := u.Hostname(); h != "" {
		env = append(env, "PGHOST="+h)
	}
	if p := u.Port(); p != "" {
		env = append(env, "PGPORT="+p)
	}
	if u.User != nil {
		env = append(env, "PGUSER="+u.User.Username())
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
		}
	}
	names := map[string]string{"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
		"connect_timeout": "PGCONNECT_TIMEOUT", "host": "PGHOST", "port": "PGPORT", "application_name": "PGAPPNAME",
		"target_session_attrs": "PGTARGETSESSIONATTRS", "user": "PGUSER", "dbname": "PGDATABASE"}
	for k, vs := range u.Query() {
		name, ok := names[k]
		if !ok {
			return nil, usageErr("--db: the URL's parameter %q cannot be passed to pg_dump and pg_restore", k)
		}
		env = append(env, name+"="+vs[len(vs)-1])
	}
	return env, nil
}

// runTool runs a PostgreSQL client program against the database at the
// URL; its error output is kept for the message.
func runTool(ctx context.Context, path, dbURL string, args ...string) error {
	env, err := pgEnv(dbURL)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), env...)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s failed: %v: %s", filepath.Base(path), err, bytes.TrimSpace(errOut.Bytes()))
	}
	return nil
}

// pgDatabase is the database name a URL names: pg_restore must be told
// one to restore into rather than print the script.
func pgDatabase(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if d := u.Query().Get("dbname"); d != "" {
		return d
	}
	return strings.TrimPrefix(u.Path, "/")
}
