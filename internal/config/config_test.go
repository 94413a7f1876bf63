package config

import (
	"flag"
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
