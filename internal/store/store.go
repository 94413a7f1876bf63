// Package store keeps Probity's records in SQLite (the embedded default) or
// PostgreSQL (to scale out). Queries are hand-written and shared where the
// two dialects agree; where they differ, each dialect's SQL is written out.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/vetting"
)

// Dialect names a database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Location says where the database is: an engine and its address.
type Location struct {
	Dialect Dialect
	Path    string // SQLite file path
	URL     string // PostgreSQL connection URL
}

// ParseLocation reads a --db value: "sqlite:PATH" or a postgres:// or
// postgresql:// URL. The error names what is wrong without echoing any
// password the URL may carry.
func ParseLocation(s string) (Location, error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		p := strings.TrimPrefix(s, "sqlite:")
		p = strings.TrimPrefix(p, "//") // accept sqlite://PATH too
		if p == "" {
			return Location{}, errors.New("sqlite: needs a file path, e.g. sqlite:./probity-data/probity.db")
		}
		if strings.ContainsAny(p, "?#\x00") {
			return Location{}, errors.New("sqlite path must not contain '?', '#' or NUL")
		}
		return Location{Dialect: SQLite, Path: p}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil {
			return Location{}, errors.New("not a valid postgres URL")
		}
		if u.Host == "" {
			return Location{}, errors.New("postgres URL has no host")
		}
		if _, err := pgconn.ParseConfig(s); err != nil {
			return Location{}, fmt.Errorf("postgres URL: %s", redactParseError(err))
		}
		return Location{Dialect: Postgres, URL: s}, nil
	case s == "":
		return Location{}, errors.New("is empty")
	}
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return Location{}, errors.New(`must start with "sqlite:" or "postgres://"`)
	}
	return Location{}, fmt.Errorf("unknown scheme %q: use sqlite:PATH or postgres://USER@HOST/DB", scheme)
}

// pgconn's parse errors can quote the connection string; keep only the
// reason so that a password never reaches a terminal or a log.
func redactParseError(err error) string {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return pe.Unwrap().Error()
	}
	return "cannot be parsed"
}

// String describes the location without secrets.
func (l Location) String() string {
	if l.Dialect == SQLite {
		return "sqlite:" + l.Path
	}
	u, err := url.Parse(l.URL)
	if err != nil {
		return "postgres://(unparseable)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}

// busyTimeoutMS is how long a SQLite connection waits for a lock.
const busyTimeoutMS = 10000

// DB is an open database. For SQLite it holds one writer connection, so
// that writers queue in Go rather than fail on a locked file, beside a pool
// of readers that WAL lets run while the writer works.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *cachedDB
	// refs is PostgreSQL's pool for case references, taken outside the
	// transactions that use them (nextReference); nil on SQLite.
	refs *sql.DB
	// groupPool is PostgreSQL's connection for the group committer
	// (committer.go), apart from the pool the reads share; nil on SQLite,
	// where the committer takes the one writer.
	groupPool *sql.DB
	// writeStmts keeps the writer's statements prepared (stmtcache.go).
	writeStmts *stmtCache
	keys       *keyring.Keyring
	log        *slog.Logger
	// audit is the log every transaction's changes are recorded in
	// (UseAuditLog); nil until set, and then every audited write fails.
	audit atomic.Pointer[AuditLog]
	// vetting holds the rules that open vetting reviews (UseVettingRules);
	// nil for vetting.DefaultRules.
	vetting atomic.Pointer[vetting.Rules]
	// group is the group committer (committer.go), started on first use.
	groupOnce sync.Once
	group     *committer
	closed    atomic.Bool
	// replicas are PostgreSQL streaming replicas for read-only work
	// (AddReplicas, replicas.go); nil for none.
	replicas *replicaSet
	// writeWaiting counts the transactions waiting to begin: the write
	// queue's depth, for monitoring.
	writeWaiting atomic.Int64
	// groupWaiting counts the units handed to the group committer that
	// it has yet to take: its queue's depth, for monitoring.
	groupWaiting atomic.Int64
}

// Options configure Open.
type Options struct {
	Keys   *keyring.Keyring // seals personal data; required to write or read it
	Logger *slog.Logger
	// sqliteParams are more SQLite DSN parameters, after Probity's own: a
	// test opens through a crash-simulating VFS with them, or weakens the
	// durability to prove that test can fail (export_powerloss_test.go).
	sqliteParams string
	// MaxConns bounds the PostgreSQL pool, or SQLite's readers (its writer
	// is always one connection); 0 for a default from the number of CPUs.
	MaxConns int
	// OnStatement, when set, is told of each statement SQLite's writer
	// ("write") or readers ("read") run, with its arguments, before it
	// runs: for benchmarks that replay what one request ran, to measure
	// what the statements alone cost (internal/web's floor benchmarks).
	// The arguments hold personal data, sealed or not: nothing may log
	// them. PostgreSQL's pools do not call it.
	OnStatement func(pool, query string, args []driver.NamedValue)
}

// Open connects to the database at loc and checks that it answers. It does
// not migrate: see Migrate.
func Open(ctx context.Context, loc Location, opt Options) (*DB, error) {
	db := &DB{dialect: loc.Dialect, keys: opt.Keys, log: opt.Logger}
	if opt.MaxConns < 0 {
		return nil, errors.New("the connection pool's size must not be negative")
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	var err error
	switch loc.Dialect {
	case SQLite:
		err = db.openSQLite(ctx, loc.Path, opt.sqliteParams, opt.MaxConns, opt.OnStatement)
	case Postgres:
		err = db.openPostgres(ctx, loc.URL, opt.MaxConns)
	default:
		err = fmt.Errorf("unknown dialect %q", loc.Dialect)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// observer is onStatement for one pool, or nil when there is none.
func observer(onStatement func(pool, query string, args []driver.NamedValue), pool string) func(string, []driver.NamedValue) {
	if onStatement == nil {
		return nil
	}
	return func(query string, args []driver.NamedValue) { onStatement(pool, query, args) }
}

// SQLiteDSN is the DSN Probity opens the SQLite database at path with:
// its one writer's, or its readers' (openSQLite says why each pragma).
// Exported for benchmarks that open the same file beside the store.
func SQLiteDSN(path string, writer bool) string {
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := fmt.Sprintf("_pragma=foreign_keys(1)&_pragma=busy_timeout(%d)&_time_format=sqlite", busyTimeoutMS)
	if writer {
		return base + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(4000)&_txlock=immediate&" + common
	}
	return base + "?_pragma=query_only(1)&" + common
}

// sqliteHeader opens every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

func (db *DB) openSQLite(ctx context.Context, path, params string, maxConns int, onStatement func(pool, query string, args []driver.NamedValue)) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	if err := checkWritableDir(dir); err != nil {
		return err
	}
	if err := checkSQLiteFile(path); err != nil {
		return err
	}
	if err := db.ownerOnly(path); err != nil {
		return err
	}
	// The pragmas live in the DSN so that every connection the pool opens
	// gets them, not just the first:
	//   journal_mode=WAL     readers do not block the writer, nor it them;
	//   synchronous=FULL     a commit is on disk before we acknowledge it
	//                        (an acknowledged complaint must survive a crash);
	//   foreign_keys=ON      SQLite leaves them off by default;
	//   busy_timeout         wait for a lock instead of failing at once;
	//   _txlock=immediate    take the write lock at BEGIN, so a transaction
	//                        never fails midway upgrading a read lock;
	//   _time_format=sqlite  store times as text that sorts chronologically;
	//   temp_store=MEMORY    (writer) keep the statement journal of each
	//                        savepoint in memory: group commit runs every
	//                        unit under a savepoint, and a unit's journal
	//                        (the pages it changed, as they were) is larger
	//                        than SQLite's 64 KiB in-memory default, so it
	//                        went to a temporary file, two writes a page.
	//                        Nothing in it is needed after a crash: the WAL
	//                        holds only committed transactions;
	//   wal_autocheckpoint   (writer) copy the WAL into the database every
	//                        4,000 pages (16 MiB), not SQLite's 1,000: the
	//                        checkpoint runs inside the commit that passes
	//                        the mark, on the one writer, and copies each
	//                        page once however often it was written since, so
	//                        the pages every complaint touches (index roots,
	//                        the audit head, the reference counter) are
	//                        copied a quarter as often. Intake at 32 clients
	//                        rose about a seventh (docs/performance.md).
	w, err := openPool("sqlite", SQLiteDSN(path, true)+params, observer(onStatement, "write"))
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.write, db.writeStmts = w, newStmtCache(w, true)
	if err := w.PingContext(ctx); err != nil {
		return fmt.Errorf("opening %s: %w", path, sqliteError(err))
	}
	// journal_mode is persistent in the file; reading it back checks the
	// file really is a database we can write.
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("opening %s: %w", path, sqliteError(err))
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("opening %s: journal mode is %q, want wal", path, mode)
	}
	r, err := openPool("sqlite", SQLiteDSN(path, false)+params, observer(onStatement, "read"))
	if err != nil {
		return fmt.Errorf("opening %s for reading: %w", path, err)
	}
	if maxConns <= 0 {
		maxConns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	r.SetMaxOpenConns(maxConns)
	// Readers stay open, and with them the statements prepared on them.
	r.SetMaxIdleConns(maxConns)
	db.read = &cachedDB{DB: r, cache: newStmtCache(r, true)}
	return nil
}

// ownerOnly makes a new database file readable and writable by Probity's
// own user alone, before the driver creates it 0644: it holds sealed
// personal data, the audit log and the hashes of live session tokens.
// SQLite gives the -wal and -shm files it makes beside the database the
// database file's own mode, so they follow. A database that already
// exists keeps the mode its operator gave it, with a warning when others
// can read it.
func (db *DB) ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("creating database file %s: %w", path, errors.Unwrap(err))
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("database file %s: %w", path, err)
	}
	if mode := info.Mode().Perm(); mode&0o077 != 0 {
		db.log.Warn("the database file can be read by other users; make it private with chmod 600 (and its -wal and -shm files)",
			"path", path, "mode", fmt.Sprintf("%#o", mode))
	}
	return nil
}

func sqliteError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == 26 { // SQLITE_NOTADB
		return errors.New("file is not a SQLite database")
	}
	return err
}

// checkSQLiteFile refuses a file that exists and is not a SQLite database
// before the driver touches it: opening it would add WAL files beside it,
// and we promise to leave a wrong file untouched.
func checkSQLiteFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("database file %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("database file %s: %w", path, err)
	}
	if info.IsDir() {
		return fmt.Errorf("database file %s is a directory", path)
	}
	if info.Size() == 0 {
		return nil // an empty file is an empty database to SQLite
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := f.ReadAt(head, 0); (err != nil || string(head) != sqliteHeader) && !hasWAL(path) {
		return fmt.Errorf("database file %s is not a SQLite database; refusing to touch it", path)
	}
	return nil
}

// hasWAL says whether a SQLite write-ahead log lies beside path. A power
// cut during a checkpoint can leave the database file's first page not
// yet written (the pages after it were): the log, synced before the
// checkpoint began, still holds that page, and SQLite restores it when
// it opens the database. Such a file must be opened, not refused.
func hasWAL(path string) bool {
	f, err := os.Open(path + "-wal")
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := f.ReadAt(magic, 0); err != nil {
		return false
	}
	m := binary.BigEndian.Uint32(magic)
	return m == 0x377f0682 || m == 0x377f0683
}

// checkWritableDir proves the directory takes new files: SQLite needs to
// create its WAL and shared-memory files beside the database, and would
// otherwise fail later with a less helpful message.
func checkWritableDir(dir string) error {
	f, err := os.CreateTemp(dir, ".probity-write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, errors.Unwrap(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func (db *DB) openPostgres(ctx context.Context, dsn string, maxConns int) error {
	p, err := openPG(dsn)
	if err != nil {
		return fmt.Errorf("connecting to postgres: %s", redactParseError(err))
	}
	if maxConns <= 0 {
		maxConns = max(8, 4*runtime.GOMAXPROCS(0))
	}
	p.SetMaxOpenConns(maxConns)
	p.SetMaxIdleConns(maxConns)
	p.SetConnMaxIdleTime(5 * time.Minute)
	// pgx keeps each connection's statements prepared itself.
	db.write, db.read = p, &cachedDB{DB: p}
	// A pool of its own, so that a transaction waiting for a reference
	// never waits for a connection other transactions hold.
	refs, err := openPG(dsn)
	if err != nil {
		return fmt.Errorf("connecting to postgres: %s", redactParseError(err))
	}
	refs.SetMaxOpenConns(2)
	refs.SetConnMaxIdleTime(5 * time.Minute)
	db.refs = refs
	// The group committer's one connection, also of its own: every
	// audited read waits for the committer, so the committer must never
	// queue for a connection behind the reads themselves.
	group, err := openPG(dsn)
	if err != nil {
		return fmt.Errorf("connecting to postgres: %s", redactParseError(err))
	}
	group.SetMaxOpenConns(1)
	group.SetMaxIdleConns(1)
	group.SetConnMaxIdleTime(5 * time.Minute)
	db.groupPool = group
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pingCtx); err != nil {
		return fmt.Errorf("connecting to postgres: %s", pgReason(err))
	}
	return nil
}

// pgReason gives the reason a connection failed without the connection
// string, which pgx errors can carry.
func pgReason(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message + " (SQLSTATE " + pe.Code + ")"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		// pgx tries each address a host resolves to and joins the
		// failures with newlines; the first says enough, on one line.
		first, _, _ := strings.Cut(ce.Unwrap().Error(), "\n")
		return first
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

// Dialect reports the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close releases the connections.
func (db *DB) Close() error {
	// Work already handed to the group committer commits first.
	db.closed.Store(true)
	db.groupOnce.Do(func() {})
	if db.group != nil {
		db.group.close()
	}
	var errs []error
	db.writeStmts.close()
	if db.read != nil {
		db.read.cache.close()
	}
	if db.refs != nil {
		errs = append(errs, db.refs.Close())
	}
	if db.groupPool != nil {
		errs = append(errs, db.groupPool.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if db.read != nil && db.read.DB != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.replicas != nil {
		for _, r := range db.replicas.list {
			errs = append(errs, r.db.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fault.Wrap(fault.Unavailable, err, "database unreachable")
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer, so that a read can run
// inside or outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction. Every change and the audit entry that records
// it go through one Tx, so that both commit or neither does.
type Tx struct {
	tx   *cachedTx
	db   *DB
	hook []func()
	// load says the transaction is an ImportLoad's, which indexes the
	// imported cases for search itself, at its end.
	load bool
	// pending are audit entries to write just before COMMIT (Tx.Audit).
	pending []pendingEntry
	// grouped is set while the transaction runs a group commit's units
	// (SQLite); search then holds the cases whose search text a unit
	// changed, indexed once for the whole group before COMMIT
	// (refreshSearch).
	grouped bool
	search  []string
	// heads are the chain heads (number to hash) a group's units moved
	// the audit log to, unsigned until signGroupHead; headLog is the log
	// that will sign the last.
	heads   map[int64]string
	headLog *AuditLog
}

// OnCommit runs f after the transaction commits (never if it rolls back).
func (tx *Tx) OnCommit(f func()) { tx.hook = append(tx.hook, f) }

// maxAttempts bounds retries of transactions PostgreSQL aborted to keep
// them serialisable; the same code then runs on CockroachDB too.
const maxAttempts = 5

// InTx runs fn in a write transaction and commits it if fn returns nil.
// fn may run more than once when PostgreSQL reports a serialisation
// failure, so it must not have effects outside the transaction.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.inTxOnce(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
		db.log.Debug("retrying transaction", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
	return err
}

func (db *DB) inTxOnce(ctx context.Context, fn func(*Tx) error) error {
	// Statements the transaction ran unprepared are prepared once it has
	// ended and no longer holds the writer.
	ended := func() { db.writeStmts.prepareWanted(context.WithoutCancel(ctx)) }
	return db.runTx(ctx, db.write.BeginTx, false, ended, fn)
}

// runTx is one write transaction from begin to end, for InTx and
// ImportLoad: it begins the transaction with begin (a pool's or a held
// connection's BeginTx), counted as a writer waiting while it waits to;
// runs fn in it, load marking the Tx as an import load's; writes the audit
// entries fn queued; commits; records the write for the context's mark
// (noteWrite); and runs the OnCommit hooks. Any failure, and a panic in fn,
// rolls the transaction back before it reaches the caller. ended, if not
// nil, runs once the transaction has ended, committed or rolled back; not
// when it could not begin, nor after a panic, which goes on up.
func (db *DB) runTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error),
	load bool, ended func(), fn func(*Tx) error) (err error) {
	db.writeWaiting.Add(1)
	sqlTx, err := begin(ctx, nil)
	db.writeWaiting.Add(-1)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	tx := &Tx{tx: &cachedTx{Tx: sqlTx, cache: db.writeStmts}, db: db, load: load}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
		if ended != nil {
			ended()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.flushAudit(ctx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	db.noteWrite(ctx)
	for _, h := range tx.hook {
		h()
	}
	return nil
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// constraintError turns a unique or foreign-key violation into a
// classified error; other errors pass through unchanged.
func constraintError(err error, conflict, missing string) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return fault.Wrap(fault.Conflict, err, "%s", conflict)
		case "23503":
			return fault.Wrap(fault.Invalid, err, "%s", missing)
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case 2067, 1555: // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
			return fault.Wrap(fault.Conflict, err, "%s", conflict)
		case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
			return fault.Wrap(fault.Invalid, err, "%s", missing)
		}
	}
	return err
}

// IntegrityCheck runs SQLite's full integrity check ("ok" when sound); on
// PostgreSQL it only checks the server answers.
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	if db.dialect != SQLite {
		return "ok", db.Ping(ctx)
	}
	var res string
	err := db.write.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	return res, err
}
