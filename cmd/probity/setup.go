package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

var errHelp = flag.ErrHelp

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("probity "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse turns a flag mistake into a usage error (exit 2).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2, err: err}
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openDB opens and migrates the database. Failing to reach it is a usage
// error: the --db value or the server it names is wrong.
func openDB(ctx context.Context, loc store.Location, keys *keyring.Keyring, log *slog.Logger, flagName string) (*store.DB, error) {
	db, err := store.Open(ctx, loc, store.Options{Keys: keys, Logger: log})
	if err != nil {
		return nil, usageErr("%s: %v", flagName, err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		if errors.Is(err, store.ErrSchemaNewer) {
			return nil, usageErr("%s: %v", flagName, err)
		}
		return nil, fmt.Errorf("migrating %s: %w", loc, err)
	}
	return db, nil
}

func configFrom(fs *flag.FlagSet, f *config.Flags, args []string) (config.Config, error) {
	if err := parse(fs, args); err != nil {
		return config.Config{}, err
	}
	c, err := f.Config()
	if err != nil {
		return c, &exitError{code: 2, err: err}
	}
	return c, nil
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("migrate", stderr)
	f := config.Register(fs, getenv)
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c.LogLevel)
	db, err := openDB(ctx, c.DB, nil, log, "--db")
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Schema(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d\n", c.DB, st.Current)
	return nil
}

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) >= 1 && args[0] == "rotate" {
		return runKeysRotate(ctx, args[1:], stdout, stderr, getenv)
	}
	if len(args) == 1 && args[0] == "generate-audit" {
		fmt.Fprintln(stdout, audit.GenerateSigningKey())
		return nil
	}
	if len(args) != 1 || args[0] != "generate" {
		return usageErr("usage: probity keys generate | generate-audit | rotate")
	}
	k, err := keyring.Generate()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, k)
	return nil
}

// runKeysRotate reseals all personal data under the first key of
// PROBITY_DATA_KEY. The procedure, without downtime: put a new key first
// and keep the old ones after it, restart the servers with that keyring
// (they read both), run this, then drop the old key.
func runKeysRotate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("keys rotate", stderr)
	f := config.Register(fs, getenv)
	batch := fs.Int("batch", 500, "rows resealed per transaction")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	db, auditLog, err := openAudited(ctx, c, newLogger(stderr, c.LogLevel), true)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.RotateKeys(ctx, *batch)
	if err != nil {
		return err
	}
	e := &audit.Entry{At: time.Now().UTC(), ActorName: "cli", Action: audit.Alter, RecordType: "keyring",
		RecordID: rep.Current, Outcome: audit.Success, Reason: fmt.Sprintf("resealed %d values under key %s", rep.Resealed, rep.Current)}
	if err := auditLog.Record(ctx, e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "resealed %d values under key %s; the older keys can now be removed\n", rep.Resealed, rep.Current)
	return nil
}

// openAudited opens the database for a command that changes records: with
// the data keyring when it touches sealed personal data, and always with
// the audit log its changes are recorded in.
func openAudited(ctx context.Context, c config.Config, log *slog.Logger, sealed bool) (*store.DB, *store.AuditLog, error) {
	var keys *keyring.Keyring
	if sealed {
		var err error
		if keys, err = loadKeys(c); err != nil {
			return nil, nil, err
		}
	}
	signer, err := loadAuditSigner(c)
	if err != nil {
		return nil, nil, err
	}
	db, err := openDB(ctx, c.DB, keys, log, "--db")
	if err != nil {
		return nil, nil, err
	}
	auditLog, err := newAuditLog(ctx, c, db, signer)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, auditLog, nil
}

// newAuditLog is db's audit log, signed by signer and trusting the retired
// keys in PROBITY_AUDIT_PREVIOUS_KEYS(_FILE). The keys are checked before
// anything is served: after a change of key without the old one listed,
// every audited action would fail, looking like tampering.
func newAuditLog(ctx context.Context, c config.Config, db *store.DB, signer *audit.Signer) (*store.AuditLog, error) {
	previous, err := audit.LoadPreviousKeys(c.AuditPreviousKeys, c.AuditPreviousKeysFile)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	l := store.NewAuditLog(db, signer, audit.CheckpointEvery).TrustPreviousKeys(previous...)
	if err := l.CheckKeys(ctx); err != nil {
		var untrusted *store.UntrustedKeyError
		if errors.As(err, &untrusted) {
			return nil, usageErr("PROBITY_AUDIT_PREVIOUS_KEYS: %v; if the signing key was changed, list the old key's public half there "+
				"(probity audit public-key, given the old key)", err)
		}
		return nil, err
	}
	return l, nil
}

func loadAuditSigner(c config.Config) (*audit.Signer, error) {
	if c.AuditKey == "" && c.AuditKeyFile == "" {
		return nil, usageErr("PROBITY_AUDIT_KEY: required to sign the audit log; set it or PROBITY_AUDIT_KEY_FILE (make one with: probity keys generate-audit)")
	}
	s, err := audit.LoadSigningKey(c.AuditKey, c.AuditKeyFile)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return s, nil
}

func loadKeys(c config.Config) (*keyring.Keyring, error) {
	if c.DataKey == "" && c.DataKeyFile == "" {
		return nil, usageErr("PROBITY_DATA_KEY: required to protect personal data; set it or PROBITY_DATA_KEY_FILE (make one with: probity keys generate)")
	}
	k, err := keyring.Load(c.DataKey, c.DataKeyFile)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return k, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("serve", stderr)
	f := config.Register(fs, getenv)
	f.RegisterServe(fs, "127.0.0.1:8080")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c.LogLevel)
	db, auditLog, err := openAudited(ctx, c, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	deps := web.Deps{DB: db, Audit: auditLog, Logger: log, Clock: time.Now,
		Sessions: access.SessionPolicy{Idle: c.IdleTimeout, Absolute: c.AbsoluteTimeout}, RequireMFA: true,
		ComplaintsPerMinute: c.ComplaintRate, SecureCookies: c.SecureCookies, TrustedProxies: c.TrustedProxies}
	if c.OIDC() {
		// Discovery at start: a wrong issuer stops serve here, naming the
		// setting, rather than failing every single sign-on later.
		if deps.OIDC, err = web.NewOIDC(ctx, c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret, c.OIDCRedirectURL); err != nil {
			return usageErr("--oidc-issuer: %v", err)
		}
	}
	return serve(ctx, c.Addr, deps, func(url string) {
		fmt.Fprintf(stdout, "Probity is running at %s\n", url)
	})
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("demo", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	dataDir := fs.String("data", "./probity-data", "directory for the demo database and its data key")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	size := fs.Int("officers", demo.DefaultOptions().Officers, "size of the demo force; cases scale with it (used only when seeding)")
	var proxyList string
	config.RegisterTrustedProxy(fs, getenv, &proxyList)
	if err := parse(fs, args); err != nil {
		return err
	}
	proxies, err := config.ParseTrustedProxies(proxyList)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageErr("--addr: %q is not HOST:PORT", *addr)
	}
	if *size < 50 || *size > 200000 {
		return usageErr("--officers: must be from 50 to 200000")
	}
	password := getenv("PROBITY_DEMO_PASSWORD")
	generated := password == ""
	if generated {
		password = access.GeneratePassword()
	} else if err := access.CheckPassword(password); err != nil {
		return usageErr("PROBITY_DEMO_PASSWORD: %v", err)
	}
	loc, err := config.DemoDB(*dataDir)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	log := newLogger(stderr, *level)
	keys, err := demoKeys(*dataDir, getenv)
	if err != nil {
		return err
	}
	signer, err := demoAuditSigner(*dataDir, getenv)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, loc, keys, log, "--data")
	if err != nil {
		return err
	}
	defer db.Close()

	now := time.Now().UTC()
	start := time.Now()
	sum, err := demo.Seed(ctx, db, demo.GenerateWith(1, now, demo.Scaled(*size)), now)
	if err != nil {
		return fmt.Errorf("seeding demo data: %w", err)
	}
	if !sum.AlreadySeeded {
		log.Info("seeded demo force", "officers", sum.Officers, "cases", sum.Cases, "took", time.Since(start).Round(time.Millisecond))
	}
	if err := demo.EnsureAccounts(ctx, db, password, access.DefaultHasher, now); err != nil {
		return fmt.Errorf("creating demo accounts: %w", err)
	}
	auditLog := store.NewAuditLog(db, signer, audit.CheckpointEvery)
	flagged, err := demo.RaiseFlags(ctx, db, auditLog, now)
	if err != nil {
		return fmt.Errorf("raising early-intervention flags on the demo data: %w", err)
	}
	if flagged.Run.ID != "" {
		log.Info("ran early intervention on the demo force", "scored", flagged.Scored, "flags", flagged.Raised)
	}
	deps := web.Deps{DB: db, Audit: auditLog, Logger: log, Clock: time.Now,
		Sessions: access.DefaultSessionPolicy, RequireMFA: false, TrustedProxies: proxies}
	return serve(ctx, *addr, deps, func(url string) {
		fmt.Fprintf(stdout, "Probity is running at %s\n\n", url)
		fmt.Fprintf(stdout, "Demo data: %s (delete the directory to start afresh)\n", loc.Path)
		fmt.Fprintln(stdout, "Demo logins (MFA is not required in demo mode; under serve every staff account must enrol):")
		for _, a := range demo.Accounts() {
			fmt.Fprintf(stdout, "  %-13s %s\n", a.Username, a.Roles[0])
		}
		if generated {
			fmt.Fprintf(stdout, "Password for every demo login: %s\n", password)
			fmt.Fprintln(stdout, "(set PROBITY_DEMO_PASSWORD to choose it)")
		} else {
			fmt.Fprintln(stdout, "Password for every demo login: the value of PROBITY_DEMO_PASSWORD")
		}
	})
}

// demoKeys uses PROBITY_DATA_KEY(_FILE) when set; otherwise a key kept in
// the data directory, made on first run, so that the demo needs no set-up
// and its sealed data stays readable across restarts.
func demoKeys(dataDir string, getenv func(string) string) (*keyring.Keyring, error) {
	value, file := getenv("PROBITY_DATA_KEY"), getenv("PROBITY_DATA_KEY_FILE")
	if value == "" && file == "" {
		var err error
		if file, err = keyFile(dataDir, "data.key", keyring.Generate); err != nil {
			return nil, err
		}
	}
	k, err := keyring.Load(value, file)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return k, nil
}

// demoAuditSigner does the same for the audit signing key.
func demoAuditSigner(dataDir string, getenv func(string) string) (*audit.Signer, error) {
	value, file := getenv("PROBITY_AUDIT_KEY"), getenv("PROBITY_AUDIT_KEY_FILE")
	if value == "" && file == "" {
		var err error
		if file, err = keyFile(dataDir, "audit.key", func() (string, error) { return audit.GenerateSigningKey(), nil }); err != nil {
			return nil, err
		}
	}
	s, err := audit.LoadSigningKey(value, file)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return s, nil
}

// keyFile returns the path of a key file in dir, creating it with a new
// key on first use.
func keyFile(dir, name string, generate func() (string, error)) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", usageErr("--data: %v", err)
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return path, nil
	}
	text, err := generate()
	if err != nil {
		return "", err
	}
	// O_EXCL: never overwrite a key that appeared meanwhile, or data
	// sealed or signed under it could no longer be read or checked.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return path, nil
	}
	if err != nil {
		return "", usageErr("--data: cannot write %s: %v", name, err)
	}
	_, werr := f.WriteString(text + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return "", fmt.Errorf("writing %s: %w", name, werr)
	}
	return path, nil
}

// serve listens on addr and serves until ctx ends, then drains requests.
func serve(ctx context.Context, addr string, deps web.Deps, announce func(url string)) error {
	log := deps.Logger
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usageErr("--addr: %v", err)
	}
	handler := web.New(deps)
	// Anonymous speak-up reporters' audit entries join the log in daily
	// batches (internal/store/speakup.go); ten minutes is often enough
	// that a day's batch lands early in the next day.
	go handler.RunSpeakUpBatches(ctx, 10*time.Minute)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	announce("http://" + ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
