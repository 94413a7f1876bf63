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
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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
	// LogFormat is text for people, json for a log collector.
	LogFormat string
	// Session timeouts.
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	// Tuning sizes Probity for its load (serve and demo).
	Tuning Tuning
	// SecureCookies marks cookies Secure behind a TLS-terminating proxy.
	SecureCookies bool
	// OpenID Connect single sign-on for staff, off when OIDCIssuer is
	// empty. When on, all four are set and the secret is already read from
	// its file if it came from one.
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCRedirectURL  string
	// TrustedProxies are the networks of the proxies whose
	// X-Forwarded-For names the client (--trusted-proxy).
	TrustedProxies []netip.Prefix
	// Public keys of retired audit signing keys, trusted beside the current
	// one (PROBITY_AUDIT_PREVIOUS_KEYS or its _FILE).
	AuditPreviousKeys     string
	AuditPreviousKeysFile string
}

// OIDC reports whether single sign-on is configured.
func (c Config) OIDC() bool { return c.OIDCIssuer != "" }

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
	fs.StringVar(&f.LogFormat, "log-format", envOr(env, "PROBITY_LOG_FORMAT", "text"), "text, or json for a log collector (env PROBITY_LOG_FORMAT)")
	f.env = env
	return f
}

// RegisterServe adds the flags of commands that serve HTTP.
func (f *Flags) RegisterServe(fs *flag.FlagSet, defaultAddr string) {
	fs.StringVar(&f.Addr, "addr", envOr(f.env, "PROBITY_ADDR", defaultAddr), "address to listen on, HOST:PORT (env PROBITY_ADDR)")
	fs.DurationVar(&f.IdleTimeout, "session-idle-timeout", 15*time.Minute, "end a session after this long unused")
	fs.DurationVar(&f.AbsoluteTimeout, "session-max-age", 12*time.Hour, "end a session this long after login, however used")
	fs.BoolVar(&f.SecureCookies, "secure-cookies", envOr(f.env, "PROBITY_SECURE_COOKIES", "") == "true",
		"mark cookies Secure even on plain HTTP, when TLS ends at a proxy in front of Probity (env PROBITY_SECURE_COOKIES=true)")
	f.tuning = RegisterTuning(fs, f.env)
	// The client secret has no flag: command lines show in process lists.
	fs.StringVar(&f.OIDCIssuer, "oidc-issuer", envOr(f.env, "PROBITY_OIDC_ISSUER", ""), "OpenID Connect issuer URL for staff single sign-on; empty for none (env PROBITY_OIDC_ISSUER)")
	fs.StringVar(&f.OIDCClientID, "oidc-client-id", envOr(f.env, "PROBITY_OIDC_CLIENT_ID", ""), "client ID registered with the issuer (env PROBITY_OIDC_CLIENT_ID); the secret comes from PROBITY_OIDC_CLIENT_SECRET or PROBITY_OIDC_CLIENT_SECRET_FILE")
	RegisterTrustedProxy(fs, f.env, &f.TrustedProxies)
	fs.StringVar(&f.OIDCRedirectURL, "oidc-redirect-url", envOr(f.env, "PROBITY_OIDC_REDIRECT_URL", ""), "this server's callback as the issuer knows it, e.g. https://probity.example/auth/oidc/callback (env PROBITY_OIDC_REDIRECT_URL)")
	f.serve = true
}

// Flags holds raw flag values until Config validates them.
type Flags struct {
	DB              string
	Addr            string
	LogLevel        string
	LogFormat       string
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	SecureCookies   bool
	OIDCIssuer      string
	OIDCClientID    string
	OIDCRedirectURL string
	TrustedProxies  string
	// serve is set by RegisterServe: only serving commands read the OIDC
	// settings, so a PROBITY_OIDC_* environment does not trouble migrate.
	serve  bool
	tuning *TuningFlags
	env    Env
}

// Config validates the flags, naming the first one that is wrong.
func (f *Flags) Config() (Config, error) {
	c := Config{Addr: f.Addr, LogLevel: f.LogLevel, LogFormat: f.LogFormat, IdleTimeout: f.IdleTimeout, AbsoluteTimeout: f.AbsoluteTimeout,
		SecureCookies: f.SecureCookies}
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
	if f.LogFormat != "text" && f.LogFormat != "json" {
		return c, &UsageError{Flag: "--log-format", Reason: fmt.Sprintf("%q is not one of text, json", f.LogFormat)}
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
		c.AuditPreviousKeys, c.AuditPreviousKeysFile = f.env.secret("PROBITY_AUDIT_PREVIOUS_KEYS")
	}
	if f.tuning != nil {
		if c.Tuning, err = f.tuning.Tuning(loc); err != nil {
			return c, err
		}
	}
	if f.serve {
		if err := f.oidc(&c); err != nil {
			return c, err
		}
		if c.TrustedProxies, err = ParseTrustedProxies(f.TrustedProxies); err != nil {
			return c, err
		}
	}
	return c, nil
}

// RegisterTrustedProxy declares --trusted-proxy, for serve and demo.
func RegisterTrustedProxy(fs *flag.FlagSet, env Env, value *string) {
	fs.StringVar(value, "trusted-proxy", envOr(env, "PROBITY_TRUSTED_PROXIES", ""),
		"networks of the proxies in front of Probity, CIDR,... (e.g. 10.0.0.5/32,fd00::/64): X-Forwarded-For is believed only from these (env PROBITY_TRUSTED_PROXIES)")
}

// ParseTrustedProxies reads a --trusted-proxy value: networks in CIDR
// notation, or single addresses, separated by commas. A network with bits
// set past its prefix is refused rather than widened or narrowed by
// guesswork, and so is a network holding every address: trusting it would
// let anyone choose the address Probity limits and audits.
func ParseTrustedProxies(value string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(value, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		bad := func(format string, args ...any) error {
			return &UsageError{Flag: "--trusted-proxy", Reason: fmt.Sprintf("%q ", item) + fmt.Sprintf(format, args...)}
		}
		var p netip.Prefix
		if strings.Contains(item, "/") {
			var err error
			if p, err = netip.ParsePrefix(item); err != nil {
				return nil, bad("is not a network in CIDR notation, such as 10.0.0.0/24 or fd00::/64")
			}
			if p.Addr().Zone() != "" {
				return nil, bad("must not name an interface zone")
			}
			if p != p.Masked() {
				return nil, bad("has address bits set past its /%d; did you mean %s?", p.Bits(), p.Masked())
			}
		} else {
			a, err := netip.ParseAddr(item)
			if err != nil || a.Zone() != "" {
				return nil, bad("is neither an IP address nor a network in CIDR notation, such as 10.0.0.0/24")
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		// Connections from IPv4 clients on a dual-stack socket are matched
		// as IPv4, so a mapped network is written as the IPv4 one.
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		if p.Bits() == 0 {
			return nil, bad("trusts every address, so any client could choose the address Probity limits and audits; name the proxies' own networks")
		}
		out = append(out, p)
	}
	return out, nil
}

// oidc validates the single sign-on settings: none at all, or every one.
func (f *Flags) oidc(c *Config) error {
	secret, err := f.oidcSecret()
	if err != nil {
		return err
	}
	issuer, clientID, redirect := strings.TrimSpace(f.OIDCIssuer), strings.TrimSpace(f.OIDCClientID), strings.TrimSpace(f.OIDCRedirectURL)
	if issuer == "" && clientID == "" && secret == "" && redirect == "" {
		return nil
	}
	for _, s := range []struct{ name, value, or string }{
		{"--oidc-issuer", issuer, ""}, {"--oidc-client-id", clientID, ""},
		{"PROBITY_OIDC_CLIENT_SECRET", secret, " (or PROBITY_OIDC_CLIENT_SECRET_FILE)"}, {"--oidc-redirect-url", redirect, ""},
	} {
		if s.value == "" {
			return &UsageError{Flag: s.name, Reason: "is required" + s.or + " when any single sign-on (OIDC) setting is given"}
		}
	}
	if err := checkOIDCURL("--oidc-issuer", issuer); err != nil {
		return err
	}
	if u, _ := url.Parse(issuer); u.RawQuery != "" {
		// OpenID Connect Discovery: an issuer identifier has no query.
		return &UsageError{Flag: "--oidc-issuer", Reason: "must not have a query"}
	}
	if err := checkOIDCURL("--oidc-redirect-url", redirect); err != nil {
		return err
	}
	c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret, c.OIDCRedirectURL = issuer, clientID, secret, redirect
	return nil
}

// oidcSecret reads the client secret from the environment or its file.
func (f *Flags) oidcSecret() (string, error) {
	if f.env == nil {
		return "", nil
	}
	value, file := f.env.secret("PROBITY_OIDC_CLIENT_SECRET")
	switch {
	case value != "" && file != "":
		return "", &UsageError{Flag: "PROBITY_OIDC_CLIENT_SECRET", Reason: "set it or PROBITY_OIDC_CLIENT_SECRET_FILE, not both"}
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", &UsageError{Flag: "PROBITY_OIDC_CLIENT_SECRET_FILE", Reason: err.Error()}
		}
		// Files written by editors and `echo` end with a newline that is
		// no part of the secret.
		if value = strings.TrimSpace(string(b)); value == "" {
			return "", &UsageError{Flag: "PROBITY_OIDC_CLIENT_SECRET_FILE", Reason: file + " is empty"}
		}
	}
	return value, nil
}

// checkOIDCURL requires an absolute https URL: the sign-in codes and
// tokens that pass through it must not travel in clear. Plain http is
// allowed only to this machine, for a local identity provider in testing.
func checkOIDCURL(flagName, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return &UsageError{Flag: flagName, Reason: fmt.Sprintf("%q is not an absolute URL", raw)}
	}
	if u.Fragment != "" {
		return &UsageError{Flag: flagName, Reason: "must not have a #fragment"}
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return &UsageError{Flag: flagName, Reason: fmt.Sprintf("%q must use https (plain http only to a loopback address)", raw)}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

// envInt reads a whole number from the environment; an unreadable value
// falls back, and the flag's own parsing then reports any mistake given
// on the command line.
func envInt(env Env, name string, fallback int) int {
	if env == nil {
		return fallback
	}
	n, err := strconv.Atoi(env(name))
	if err != nil {
		return fallback
	}
	return n
}

// Tuning holds the settings that size Probity for its load. serve and
// demo both register them with RegisterTuning, so that a load test run
// against the demo is tuned exactly as a server would be.
type Tuning struct {
	// ComplaintRate overrides the per-address limit on public complaints
	// (0 keeps the default).
	ComplaintRate int
	// PoolSize bounds each database connection pool (0 for a default from
	// the number of CPUs).
	PoolSize int
	// Replicas are PostgreSQL streaming replicas for read-only work.
	Replicas []string
	// ReplicaMaxLag is how far behind a replica may fall before reads
	// skip it.
	ReplicaMaxLag time.Duration
}

// TuningFlags holds the raw tuning flags until Tuning validates them.
type TuningFlags struct {
	complaintRate int
	poolSize      int
	replicas      replicaList
	maxLag        time.Duration
}

// replicaList is the repeatable --db-replica flag. The first flag given
// replaces the list PROBITY_DB_REPLICAS set, as a flag beats its variable.
type replicaList struct {
	urls    []string
	fromEnv bool
}

func (l *replicaList) String() string {
	if l == nil {
		return ""
	}
	return fmt.Sprintf("%d replicas", len(l.urls))
}

func (l *replicaList) Set(v string) error {
	if l.fromEnv {
		l.urls, l.fromEnv = nil, false
	}
	l.urls = append(l.urls, v)
	return nil
}

// RegisterTuning declares the tuning flags on fs, with defaults from env.
func RegisterTuning(fs *flag.FlagSet, env Env) *TuningFlags {
	t := &TuningFlags{}
	fs.IntVar(&t.complaintRate, "complaint-rate", envInt(env, "PROBITY_COMPLAINT_RATE", 0),
		"public complaints accepted per minute from one address; 0 for the default (env PROBITY_COMPLAINT_RATE)")
	fs.IntVar(&t.poolSize, "db-max-conns", envInt(env, "PROBITY_DB_MAX_CONNS", 0),
		"most connections each database pool opens (PostgreSQL's, each replica's, SQLite's readers); 0 for a default from the number of CPUs (env PROBITY_DB_MAX_CONNS)")
	for r := range strings.SplitSeq(envOr(env, "PROBITY_DB_REPLICAS", ""), " ") {
		if r = strings.TrimSpace(r); r != "" {
			t.replicas.urls, t.replicas.fromEnv = append(t.replicas.urls, r), true
		}
	}
	fs.Var(&t.replicas, "db-replica",
		"a PostgreSQL streaming replica for read-only work (lists, search, measures, the public portal); repeat for more (env PROBITY_DB_REPLICAS, separated by spaces)")
	fs.DurationVar(&t.maxLag, "db-replica-max-lag", store.DefaultMaxLag, "skip a replica that has been behind the primary this long")
	return t
}

// Tuning validates the tuning flags for a database at db.
func (t *TuningFlags) Tuning(db store.Location) (Tuning, error) {
	out := Tuning{ComplaintRate: t.complaintRate, PoolSize: t.poolSize, ReplicaMaxLag: t.maxLag}
	if t.complaintRate < 0 {
		return out, &UsageError{Flag: "--complaint-rate", Reason: "must not be negative"}
	}
	if t.poolSize < 0 {
		return out, &UsageError{Flag: "--db-max-conns", Reason: "must not be negative"}
	}
	if t.maxLag <= 0 {
		return out, &UsageError{Flag: "--db-replica-max-lag", Reason: "must be positive"}
	}
	for i, r := range t.replicas.urls {
		loc, err := store.ParseLocation(r)
		if err != nil {
			return out, &UsageError{Flag: "--db-replica", Reason: fmt.Sprintf("replica %d: %v", i+1, err)}
		}
		if loc.Dialect != store.Postgres {
			return out, &UsageError{Flag: "--db-replica", Reason: fmt.Sprintf("replica %d: must be a postgres:// URL", i+1)}
		}
		if db.Dialect != store.Postgres {
			return out, &UsageError{Flag: "--db-replica", Reason: "replicas need a PostgreSQL --db: SQLite already reads beside its one writer"}
		}
		out.Replicas = append(out.Replicas, r)
	}
	return out, nil
}
