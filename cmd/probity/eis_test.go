package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/audit"
)

func TestEISCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "eis.db")
	keyed := map[string]string{"PROBITY_AUDIT_KEY": audit.GenerateSigningKey(), "PROBITY_DB": db}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string // in stdout, or in stderr when the command fails
	}{
		{"no subcommand", []string{"eis"}, nil, 2, "needs a command"},
		{"unknown subcommand", []string{"eis", "predict"}, nil, 2, `unknown eis command "predict"`},
		{"help", []string{"eis", "help"}, nil, 0, "probity eis COMMAND"},
		{"unknown model", []string{"eis", "evaluate", "--model", "forest"}, keyed, 2, "--model: must be logistic or boosted"},
		{"bad year", []string{"eis", "evaluate", "--from", "20"}, keyed, 2, "--from and --to take a year"},
		{"bad top", []string{"eis", "run", "--top", "-1"}, keyed, 2, "--top: must be from 0"},
		{"bad date", []string{"eis", "run", "--as-of", "yesterday"}, keyed, 2, "--as-of: must be a date"},
		{"missing rules file", []string{"eis", "run", "--rules", "/nonexistent/rules.json"}, keyed, 2, "--rules"},
		{"no audit key", []string{"eis", "run"}, map[string]string{"PROBITY_DB": db}, 2, "PROBITY_AUDIT_KEY: required"},
		{"unknown force", []string{"eis", "run", "--force", "NOPE"}, keyed, 2, `no officers of a force with code "NOPE"`},
		{"empty database: nothing to evaluate", []string{"eis", "evaluate"}, keyed, 1, "no allegations"},
		{"empty database: a run scores nobody", []string{"eis", "run"}, keyed, 0, "scored 0 officers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr, env(tc.env))
			out := stdout.String()
			if code != 0 {
				out = stderr.String()
			}
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d; output %q should contain %q (stderr %q)", code, tc.code, out, tc.want, stderr.String())
			}
		})
	}
}
