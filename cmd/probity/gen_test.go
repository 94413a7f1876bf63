package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/keyring"
)

// TestGen generates the demo force with gen, then is refused a second
// time with a clear error and the exit status of a usage mistake; flag
// mistakes are refused before anything is opened.
func TestGen(t *testing.T) {
	key, _ := keyring.Generate()
	e := env(map[string]string{"PROBITY_DATA_KEY": key})
	db := "sqlite:" + filepath.Join(t.TempDir(), "gen.db")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stdout for 0, stderr otherwise
	}{
		{"bad scale", []string{"gen", "--scale", "county", "--db", db}, 2, `--scale: "county" is neither demo nor national`},
		{"years with demo", []string{"gen", "--scale", "demo", "--years", "3", "--db", db}, 2, "--years"},
		{"bad seed", []string{"gen", "--seed", "x", "--db", db}, 2, `--seed: "x"`},
		{"demo", []string{"gen", "--scale", "demo", "--officers", "60", "--db", db}, 0, "generated demo data (seed 1)"},
		{"again", []string{"gen", "--scale", "national", "--officers", "2200", "--db", db}, 2, "already holds forces or cases; gen writes only into an empty database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr, e)
			out := stderr.String()
			if tc.code == 0 {
				out = stdout.String()
			}
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d; output %q, want %q in it (stderr %q)", code, tc.code, out, tc.want, stderr.String())
			}
		})
	}
}
