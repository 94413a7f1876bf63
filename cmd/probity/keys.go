package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/keyring"
)

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) >= 1 && args[0] == "rotate" {
		return runKeysRotate(ctx, args[1:], stdout, stderr, getenv)
	}
	if len(args) == 1 && args[0] == "generate-audit" {
		fmt.Fprintln(stdout, audit.GenerateSigningKey())
		return nil
	}
	if len(args) != 1 || args[0] != "generate" {
		return usageErr("usage: probity keys generate | generate-audit | rotate")
	}
	k, err := keyring.Generate()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, k)
	return nil
}

// runKeysRotate reseals all personal data under the first key of
// PROBITY_DATA_KEY. The procedure, without downtime: put a new key first
// and keep the old ones after it, restart the servers with that keyring
// (they read both), run this, then drop the old key.
func runKeysRotate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("keys rotate", stderr)
	f := config.Register(fs, getenv)
	batch := fs.Int("batch", 500, "rows resealed per transaction")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	db, err := openAudited(ctx, c, newLogger(stderr, c.LogLevel, c.LogFormat), true)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.RotateKeys(ctx, *batch)
	if err != nil {
		return err
	}
	e := &audit.Entry{At: time.Now().UTC(), ActorName: "cli", Action: audit.Alter, RecordType: "keyring",
		RecordID: rep.Current, Outcome: audit.Success, Reason: fmt.Sprintf("resealed %d values under key %s", rep.Resealed, rep.Current)}
	if err := db.Audit(ctx, e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "resealed %d values under key %s; the older keys can now be removed\n", rep.Resealed, rep.Current)
	return nil
}
