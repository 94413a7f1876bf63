package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/store"
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

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDB opens and migrates the database. Failing to reach it is a usage
// error: the --db value or the server it names is wrong.
func openDB(ctx context.Context, loc store.Location, keys *keyring.Keyring, log *slog.Logger, flagName string) (*store.DB, error) {
	return openTunedDB(ctx, loc, keys, log, flagName, config.Tuning{})
}

// openTunedDB is openDB with its pools sized, and its read replicas
// added, by the tuning flags that serve and demo share.
func openTunedDB(ctx context.Context, loc store.Location, keys *keyring.Keyring, log *slog.Logger, flagName string, t config.Tuning) (*store.DB, error) {
	db, err := store.Open(ctx, loc, store.Options{Keys: keys, Logger: log, MaxConns: t.PoolSize})
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
	// A replica that does not answer yet is no reason to stop: reads go
	// to the primary until it does.
	if err := db.AddReplicas(ctx, t.Replicas, store.ReplicaOptions{MaxConns: t.PoolSize, MaxLag: t.ReplicaMaxLag}); err != nil {
		db.Close()
		return nil, usageErr("--db-replica: %v", err)
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

// openAudited opens the database for a command that changes records: with
// the data keyring when it touches sealed personal data, and always with
// the audit log its changes are recorded in (Tx.Audit, DB.Audit).
func openAudited(ctx context.Context, c config.Config, log *slog.Logger, sealed bool) (*store.DB, error) {
	var keys *keyring.Keyring
	if sealed {
		var err error
		if keys, err = loadKeys(c); err != nil {
			return nil, err
		}
	}
	signer, err := loadAuditSigner(c)
	if err != nil {
		return nil, err
	}
	db, err := openTunedDB(ctx, c.DB, keys, log, "--db", c.Tuning)
	if err != nil {
		return nil, err
	}
	if err := useAuditLog(ctx, c, db, signer); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// useAuditLog gives db its audit log, signed by signer and trusting the
// retired keys in PROBITY_AUDIT_PREVIOUS_KEYS(_FILE). The keys are checked before
// anything is served: after a change of key without the old one listed,
// every audited action would fail, looking like tampering.
func useAuditLog(ctx context.Context, c config.Config, db *store.DB, signer *audit.Signer) error {
	previous, err := audit.LoadPreviousKeys(c.AuditPreviousKeys, c.AuditPreviousKeysFile)
	if err != nil {
		return usageErr("%v", err)
	}
	l := store.NewAuditLog(db, signer, audit.CheckpointEvery).TrustPreviousKeys(previous...)
	if err := l.CheckKeys(ctx); err != nil {
		var untrusted *store.UntrustedKeyError
		if errors.As(err, &untrusted) {
			return usageErr("PROBITY_AUDIT_PREVIOUS_KEYS: %v; if the signing key was changed, list the old key's public half there "+
				"(probity audit public-key, given the old key)", err)
		}
		return err
	}
	db.UseAuditLog(l)
	return nil
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
