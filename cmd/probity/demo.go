package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("demo", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	dataDir := fs.String("data", "./probity-data", "directory for the demo database and its data key")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	size := fs.Int("officers", demo.DefaultOptions().Officers, "size of the demo force; cases scale with it (used only when seeding)")
	seedText := fs.String("seed", strconv.Itoa(demo.DefaultSeed),
		"whole number the demo data is generated from: the same seed gives the same cases, officers and texts (used only when seeding; env PROBITY_DEMO_SEED)")
	dbFlag := fs.String("db", "", "database: postgres://... to run the demo on PostgreSQL; empty for SQLite in --data (the keys stay in --data either way)")
	var proxyList string
	config.RegisterTrustedProxy(fs, getenv, &proxyList)
	tuningFlags := config.RegisterTuning(fs, getenv)
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
	seed, err := demoSeed(fs, *seedText, getenv)
	if err != nil {
		return err
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
	if *dbFlag != "" {
		if loc, err = store.ParseLocation(*dbFlag); err != nil {
			return usageErr("--db: %v", err)
		}
	}
	tuning, err := tuningFlags.Tuning(loc)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	log := newLogger(stderr, *level, "text")
	keys, err := demoKeys(*dataDir, getenv)
	if err != nil {
		return err
	}
	signer, err := demoAuditSigner(*dataDir, getenv)
	if err != nil {
		return err
	}
	db, err := openTunedDB(ctx, loc, keys, log, "--data", tuning)
	if err != nil {
		return err
	}
	defer db.Close()

	// The data is generated, seeded and scored as of a fixed moment, not
	// now, so that a seed gives the same data whatever day it runs; see
	// demo.DataAsOf. The accounts are not demo data: they are made now.
	asOf := demo.DataAsOf()
	start := time.Now()
	sum, err := demo.Populate(ctx, db, demo.PopulateOptions{Scale: demo.ScaleDemo, Seed: seed, Officers: *size})
	if err != nil {
		return fmt.Errorf("seeding demo data: %w", err)
	}
	if !sum.AlreadySeeded {
		log.Info("seeded demo force", "seed", seed, "officers", sum.Officers, "cases", sum.Cases, "took", time.Since(start).Round(time.Millisecond))
	}
	if err := demo.EnsureAccounts(ctx, db, password, access.DefaultHasher, time.Now().UTC()); err != nil {
		return fmt.Errorf("creating demo accounts: %w", err)
	}
	db.UseAuditLog(store.NewAuditLog(db, signer, audit.CheckpointEvery))
	flagged, err := demo.RaiseFlags(ctx, db, asOf)
	if err != nil {
		return fmt.Errorf("raising early-intervention flags on the demo data: %w", err)
	}
	if flagged.Run.ID != "" {
		log.Info("ran early intervention on the demo force", "scored", flagged.Scored, "flags", flagged.Raised)
	}
	deps := web.Deps{DB: db, Logger: log, Clock: time.Now,
		Sessions: access.DefaultSessionPolicy, RequireMFA: false, TrustedProxies: proxies, ComplaintsPerMinute: tuning.ComplaintRate}
	where := loc.Path
	if loc.Dialect != store.SQLite {
		where = loc.String()
	}
	return serve(ctx, *addr, deps, func(url string) {
		demoBanner(stdout, url, where, seed, sum.AlreadySeeded, generated, password)
	})
}

// demoBanner tells a newcomer where to go: which login does what, the
// public pages, and what the data is, so that it can be named again.
func demoBanner(w io.Writer, url, path string, seed int64, kept, generated bool, password string) {
	fmt.Fprintf(w, "Probity is running at %s\n\n", url)
	fmt.Fprintf(w, "Demo data: %s (delete the directory to start afresh)\n", path)
	if kept {
		fmt.Fprintln(w, "  kept as first seeded: --seed and --officers take effect only in a new directory")
	} else {
		fmt.Fprintf(w, "  seed %d: the same seed and --officers give the same cases, officers, texts, states and dates on every run,\n", seed)
		fmt.Fprintf(w, "  all as of %s, so a case can be named by its reference\n", demo.DataAsOf().Format("15:04 MST on 2 January 2006"))
	}
	fmt.Fprintf(w, "\nSign in at %s/login as (MFA is not required in demo mode; under serve every staff account must enrol):\n", url)
	for _, a := range demo.Accounts() {
		fmt.Fprintf(w, "  %-13s %s\n", a.Username, a.Does)
	}
	if generated {
		fmt.Fprintf(w, "Password for every demo login: %s\n", password)
		fmt.Fprintln(w, "(set PROBITY_DEMO_PASSWORD to choose it)")
	} else {
		fmt.Fprintln(w, "Password for every demo login: the value of PROBITY_DEMO_PASSWORD")
	}
	fmt.Fprintln(w, "\nPublic pages, no sign-in:")
	for _, p := range demo.PublicPages() {
		fmt.Fprintf(w, "  %-40s %s\n", url+p.Path, p.Does)
	}
}

// demoSeed reads --seed, or PROBITY_DEMO_SEED when the flag is not given,
// and names whichever it came from when it is not a seed.
func demoSeed(fs *flag.FlagSet, flagValue string, getenv func(string) string) (int64, error) {
	value, from := flagValue, "--seed"
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "seed" })
	if env := getenv("PROBITY_DEMO_SEED"); !given && env != "" {
		value, from = env, "--seed (from PROBITY_DEMO_SEED)"
	}
	seed, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	if err != nil || seed < 0 {
		return 0, usageErr("%s: %q is not a whole number from 0 to %d", from, value, int64(math.MaxInt64))
	}
	return seed, nil
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
