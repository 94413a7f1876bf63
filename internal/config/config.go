// Package config turns flags and environment variables into a validated
// Config. Every setting has a flag and a PROBITY_* variable; secrets may
// also come from a file named by PROBITY_*_FILE, so that they need not sit
// in the environment of every process.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/probity/probity/internal/store"
)

// DefaultDB is where Probity keeps its data when told nothing else.
const DefaultDB = "sqlite:./probity-data/probity.db"

// Config is everything a Probity command needs to start.
type Config struct {
	DB          store.Location
	Addr        string // HOST:PORT to listen on
	DataDir     string // demo only: where the database and generated key live
	DataKey     string // the data-encryption keyring text (PROBITY_DATA_KEY)
	DataKeyFile string
	// The Ed25519 key that signs audit checkpoints (PROBITY_AUDIT_KEY).
	AuditKey     string
	AuditKeyFile string
	LogLevel     string
	// Session timeouts; the access issue uses them.
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
}

// UsageError is a mistake in the command line or environment. Commands exit
// with status 2 and print it as one line: it names the flag and the reason.
type UsageError struct {
	Flag   string
	Reason string
}

func (e *UsageError) Error() string { return e.Flag + ": " + e.Reason }

// Env reads environment variables; tests pass a map instead of os.Getenv.
type Env func(string) string

// secret reads NAME or, failing that, the file named by NAME_FILE.
func (env Env) secret(name string) (value, file string) {
	return env(name), env(name + "_FILE")
}

// Register declares the flags shared by the commands that open the
// database, with defaults taken from the environment.
func Register(fs *flag.FlagSet, env Env) *Flags {
	f := &Flags{}
	fs.StringVar(&f.DB, "db", envOr(env, "PROBITY_DB", DefaultDB), "database: sqlite:PATH or postgres://... (env PROBITY_DB)")
	fs.StringVar(&f.LogLevel, "log-level", envOr(env, "PROBITY_LOG_LEVEL", "info"), "debug, info, warn or error (env PROBITY_LOG_LEVEL)")
	f.env = env
	return f
}

// RegisterServe adds the flags of commands that serve HTTP.
func (f *Flags) RegisterServe(fs *flag.FlagSet, defaultAddr string) {
	fs.StringVar(&f.Addr, "addr", envOr(f.env, "PROBITY_ADDR", defaultAddr), "address to listen on, HOST:PORT (env PROBITY_ADDR)")
	fs.DurationVar(&f.IdleTimeout, "session-idle-timeout", 15*time.Minute, "end a session after this long unused")
	fs.DurationVar(&f.AbsoluteTimeout, "session-max-age", 12*time.Hour, "end a session this long after login, however used")
}

// Flags holds raw flag values until Config validates them.
type Flags struct {
	DB              string
	Addr            string
	LogLevel        string
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	env             Env
}

// Config validates the flags, naming the first one that is wrong.
func (f *Flags) Config() (Config, error) {
	c := Config{Addr: f.Addr, LogLevel: f.LogLevel, IdleTimeout: f.IdleTimeout, AbsoluteTimeout: f.AbsoluteTimeout}
	loc, err := store.ParseLocation(f.DB)
	if err != nil {
		return c, &UsageError{Flag: "--db", Reason: err.Error()}
	}
	c.DB = loc
	switch f.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, &UsageError{Flag: "--log-level", Reason: fmt.Sprintf("%q is not one of debug, info, warn, error", f.LogLevel)}
	}
	if f.Addr != "" {
		if _, _, err := net.SplitHostPort(f.Addr); err != nil {
			return c, &UsageError{Flag: "--addr", Reason: fmt.Sprintf("%q is not HOST:PORT", f.Addr)}
		}
	}
	if f.IdleTimeout < 0 || f.AbsoluteTimeout < 0 || (f.AbsoluteTimeout > 0 && f.IdleTimeout > f.AbsoluteTimeout) {
		return c, &UsageError{Flag: "--session-idle-timeout", Reason: "must be positive and no longer than --session-max-age"}
	}
	if f.env != nil {
		c.DataKey, c.DataKeyFile = f.env.secret("PROBITY_DATA_KEY")
		c.AuditKey, c.AuditKeyFile = f.env.secret("PROBITY_AUDIT_KEY")
	}
	return c, nil
}

// DemoDB is the database location demo uses inside its data directory.
func DemoDB(dataDir string) (store.Location, error) {
	if strings.TrimSpace(dataDir) == "" {
		return store.Location{}, &UsageError{Flag: "--data", Reason: "is empty"}
	}
	return store.Location{Dialect: store.SQLite, Path: filepath.Join(dataDir, "probity.db")}, nil
}

func envOr(env Env, name, fallback string) string {
	if env == nil {
		return fallback
	}
	if v := env(name); v != "" {
		return v
	}
	return fallback
}

// IsUsage reports whether err is a usage mistake (exit status 2).
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// OSEnv is the process environment.
var OSEnv Env = os.Getenv
