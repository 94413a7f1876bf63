package config

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := Register(fs, func(k string) string { return env[k] })
	f.RegisterServe(fs, "127.0.0.1:8080")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f.Config()
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		flagErr string
		check   func(Config) bool
	}{
		{"defaults", nil, nil, "", func(c Config) bool {
			return c.DB.String() == DefaultDB && c.Addr == "127.0.0.1:8080" && c.IdleTimeout == 15*time.Minute && c.AbsoluteTimeout == 12*time.Hour && !c.SecureCookies
		}},
		{"secure cookies behind a proxy", map[string]string{"PROBITY_SECURE_COOKIES": "true"}, nil, "", func(c Config) bool { return c.SecureCookies }},
		{"env sets the database", map[string]string{"PROBITY_DB": "sqlite:/tmp/x.db"}, nil, "", func(c Config) bool { return c.DB.Path == "/tmp/x.db" }},
		{"flag beats env", map[string]string{"PROBITY_DB": "sqlite:/tmp/x.db"}, []string{"--db", "sqlite:/tmp/y.db"}, "", func(c Config) bool { return c.DB.Path == "/tmp/y.db" }},
		{"secrets from env", map[string]string{"PROBITY_DATA_KEY_FILE": "/run/k", "PROBITY_AUDIT_KEY": "abc"}, nil, "", func(c Config) bool {
			return c.DataKeyFile == "/run/k" && c.AuditKey == "abc"
		}},
		{"single sign-on", map[string]string{"PROBITY_OIDC_CLIENT_SECRET": "s3"}, []string{"--oidc-issuer", "https://idp.example",
			"--oidc-client-id", "probity", "--oidc-redirect-url", "https://probity.example/auth/oidc/callback"}, "", func(c Config) bool {
			return c.OIDC() && c.OIDCClientSecret == "s3"
		}},
		{"single sign-on half configured", nil, []string{"--oidc-issuer", "https://idp.example"}, "--oidc-client-id", nil},
		{"single sign-on over plain http", map[string]string{"PROBITY_OIDC_CLIENT_SECRET": "s3"}, []string{"--oidc-issuer", "http://idp.example",
			"--oidc-client-id", "probity", "--oidc-redirect-url", "https://probity.example/cb"}, "--oidc-issuer", nil},
		{"bad scheme", nil, []string{"--db", "mongodb://x"}, "--db", nil},
		{"bad level", nil, []string{"--log-level", "chatty"}, "--log-level", nil},
		{"bad addr", nil, []string{"--addr", "8080"}, "--addr", nil},
		{"idle longer than max age", nil, []string{"--session-idle-timeout", "13h"}, "--session-idle-timeout", nil},
		{"no proxy trusted by default", nil, nil, "", func(c Config) bool { return len(c.TrustedProxies) == 0 }},
		{"trusted proxies from env", map[string]string{"PROBITY_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7,fd00::/8,"}, nil, "", func(c Config) bool {
			return fmt.Sprint(c.TrustedProxies) == "[10.0.0.0/8 192.0.2.7/32 fd00::/8]"
		}},
		{"trusted proxy flag beats env", map[string]string{"PROBITY_TRUSTED_PROXIES": "10.0.0.0/8"}, []string{"--trusted-proxy", "2001:db8::5"}, "", func(c Config) bool {
			return fmt.Sprint(c.TrustedProxies) == "[2001:db8::5/128]"
		}},
		{"IPv4-mapped proxy is its IPv4 network", nil, []string{"--trusted-proxy", "::ffff:10.1.0.0/112"}, "", func(c Config) bool {
			return fmt.Sprint(c.TrustedProxies) == "[10.1.0.0/16]"
		}},
		{"trusted proxy prefix too long", nil, []string{"--trusted-proxy", "10.0.0.0/33"}, "--trusted-proxy", nil},
		{"trusted proxy by name", map[string]string{"PROBITY_TRUSTED_PROXIES": "proxy.internal"}, nil, "--trusted-proxy", nil},
		{"trusted proxy with host bits", nil, []string{"--trusted-proxy", "10.0.0.0/8,10.0.0.1/8"}, "--trusted-proxy", nil},
		{"trusted proxy with a zone", nil, []string{"--trusted-proxy", "fe80::1%eth0"}, "--trusted-proxy", nil},
		{"trusting every IPv4 address", nil, []string{"--trusted-proxy", "0.0.0.0/0"}, "--trusted-proxy", nil},
		{"trusting every IPv6 address", nil, []string{"--trusted-proxy", "::/0"}, "--trusted-proxy", nil},
		{"tuning from env", map[string]string{"PROBITY_COMPLAINT_RATE": "600", "PROBITY_DB_MAX_CONNS": "20",
			"PROBITY_DB_REPLICAS": " postgres://r1/p  postgres://r2/p "}, []string{"--db", "postgres://h/p"}, "", func(c Config) bool {
			return c.Tuning.ComplaintRate == 600 && c.Tuning.PoolSize == 20 && fmt.Sprint(c.Tuning.Replicas) == "[postgres://r1/p postgres://r2/p]" &&
				c.Tuning.ReplicaMaxLag > 0
		}},
		{"replica flags repeat", nil, []string{"--db", "postgres://h/p", "--db-replica", "postgres://r1/p", "--db-replica", "postgres://r2/p"}, "", func(c Config) bool {
			return len(c.Tuning.Replicas) == 2
		}},
		{"replica flag beats env", map[string]string{"PROBITY_DB_REPLICAS": "postgres://r1/p postgres://r2/p"}, []string{"--db", "postgres://h/p", "--db-replica", "postgres://r3/p"}, "", func(c Config) bool {
			return fmt.Sprint(c.Tuning.Replicas) == "[postgres://r3/p]"
		}},
		{"no replicas by default", nil, nil, "", func(c Config) bool { return c.Tuning.Replicas == nil && c.Tuning.PoolSize == 0 }},
		{"replica of SQLite", nil, []string{"--db-replica", "postgres://r1/p"}, "--db-replica", nil},
		{"replica not on PostgreSQL", nil, []string{"--db", "postgres://h/p", "--db-replica", "sqlite:/tmp/r.db"}, "--db-replica", nil},
		{"replica unparseable", nil, []string{"--db", "postgres://h/p", "--db-replica", "r1"}, "--db-replica", nil},
		{"negative pool", nil, []string{"--db-max-conns", "-1"}, "--db-max-conns", nil},
		{"negative complaint rate", nil, []string{"--complaint-rate", "-5"}, "--complaint-rate", nil},
		{"replica lag not positive", nil, []string{"--db-replica-max-lag", "0s"}, "--db-replica-max-lag", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.env, tc.args...)
			if tc.flagErr != "" {
				if !IsUsage(err) || !strings.HasPrefix(err.Error(), tc.flagErr+": ") {
					t.Fatalf("err = %v, want a usage error naming %s", err, tc.flagErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("config = %+v", c)
			}
		})
	}
}

func TestTrustedProxyErrorSaysWhatIsWrong(t *testing.T) {
	for value, want := range map[string]string{
		"10.0.0.1/8":    `--trusted-proxy: "10.0.0.1/8" has address bits set past its /8; did you mean 10.0.0.0/8?`,
		"10.0.0.0/33":   `--trusted-proxy: "10.0.0.0/33" is not a network in CIDR notation, such as 10.0.0.0/24 or fd00::/64`,
		"a.example":     `--trusted-proxy: "a.example" is neither an IP address nor a network in CIDR notation, such as 10.0.0.0/24`,
		"0.0.0.0/0, 10": `--trusted-proxy: "0.0.0.0/0" trusts every address, so any client could choose the address Probity limits and audits; name the proxies' own networks`,
	} {
		_, err := ParseTrustedProxies(value)
		if err == nil || err.Error() != want {
			t.Errorf("ParseTrustedProxies(%q) = %v, want %s", value, err, want)
		}
	}
}
