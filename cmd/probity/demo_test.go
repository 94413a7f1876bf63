package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/store"
)

func TestDemoSeedIsValidated(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"not a number", []string{"--seed", "forty"}, nil, `--seed: "forty" is not a whole number from 0 to 9223372036854775807`},
		{"negative", []string{"--seed", "-1"}, nil, `--seed: "-1" is not a whole number`},
		{"too large", []string{"--seed", "9223372036854775808"}, nil, `--seed: "9223372036854775808" is not a whole number`},
		{"fraction", []string{"--seed=1.5"}, nil, `--seed: "1.5" is not a whole number`},
		{"empty", []string{"--seed="}, nil, `--seed: "" is not a whole number`},
		{"from the environment", nil, map[string]string{"PROBITY_DEMO_SEED": "seven"}, `--seed (from PROBITY_DEMO_SEED): "seven" is not a whole number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tc.args...)
			if code := run(context.Background(), args, &stdout, &stderr, env(tc.env)); code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr.String())
			}
			if got := strings.TrimSpace(stderr.String()); !strings.Contains(got, tc.want) || strings.Contains(got, "\n") {
				t.Errorf("stderr %q, want one line containing %q", got, tc.want)
			}
		})
	}
}

// TestDemoIsSeededAsOfItsFixedDate starts the demo with a seed from the
// environment, and finds the data that seed generates as of DataAsOf,
// whatever the day, with a banner that says where to go.
func TestDemoIsSeededAsOfItsFixedDate(t *testing.T) {
	dir := t.TempDir()
	url, out, stop := start(t, []string{"demo", "--addr", "127.0.0.1:0", "--data", dir, "--officers", "50"},
		map[string]string{"PROBITY_DEMO_SEED": "5"})
	if code := stop(); code != 0 {
		t.Fatalf("demo exited %d", code)
	}
	text := out.String()
	for _, a := range demo.Accounts() {
		if a.Does == "" || !strings.Contains(text, "  "+a.Username+strings.Repeat(" ", 14-len(a.Username))+a.Does+"\n") {
			t.Errorf("banner lacks the line for %s:\n%s", a.Username, text)
		}
	}
	for _, p := range demo.PublicPages() {
		if !strings.Contains(text, url+p.Path+" ") || !strings.Contains(text, p.Does) {
			t.Errorf("banner lacks the public page %s:\n%s", p.Path, text)
		}
	}
	if !strings.Contains(text, "seed 5:") || !strings.Contains(text, "as of 17:00 UTC on 30 November 2026") {
		t.Errorf("banner does not name the seed and the date of the data:\n%s", text)
	}

	ds := demo.GenerateWith(5, demo.DataAsOf(), demo.Scaled(50))
	loc, err := config.DemoDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := demoKeys(dir, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDB(context.Background(), loc, keys, newLogger(io.Discard, "error", "text"), "--data")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	page, err := db.ListCases(context.Background(), store.CaseFilter{Limit: 1})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("newest case: %+v, %v", page, err)
	}
	newest, want := page.Items[0], ds.Cases[len(ds.Cases)-1]
	if !newest.ReceivedAt.Equal(want.ReceivedAt) || newest.Kind != string(want.Kind) || newest.State != string(want.State) {
		t.Errorf("newest case %s %s %s received %v; seed 5 as of %v generates %s %s received %v",
			newest.Reference, newest.Kind, newest.State, newest.ReceivedAt, demo.DataAsOf(), want.Kind, want.State, want.ReceivedAt)
	}
	if n, err := db.CaseCount(context.Background()); err != nil || n != len(ds.Cases) {
		t.Errorf("%d cases stored, seed 5 generates %d (%v)", n, len(ds.Cases), err)
	}
}
