package store_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/store"
)

// FuzzParseLocation feeds arbitrary --db values: the parser must never
// panic, and a password in the value must never appear in an error or in
// the location's printed form.
func FuzzParseLocation(f *testing.F) {
	for _, s := range []string{"sqlite:./probity-data/probity.db", "postgres://u:pw@h:5432/db?sslmode=disable",
		"postgresql://h/db", "mysql://x", "", "sqlite:", "postgres://u:pw@h:notaport/x", "postgres:///x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// A password planted where URLs carry one must not come back in
		// an error, whatever follows it.
		const secret = "Zs3cr3tZ"
		if _, err := store.ParseLocation("postgres://u:" + secret + "@" + s); err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("error %q reveals the password", err)
		}
		loc, err := store.ParseLocation(s)
		if err != nil {
			return
		}
		if loc.Dialect != store.Postgres {
			return
		}
		printed, err := url.Parse(loc.String())
		if err != nil {
			t.Fatalf("String() %q is not a URL: %v", loc.String(), err)
		}
		if _, has := printed.User.Password(); has {
			t.Fatalf("String() %q carries a password", loc.String())
		}
	})
}
