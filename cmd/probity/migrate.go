package main

import (
	"context"
	"fmt"
	"io"

	"github.com/probity/probity/internal/config"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("migrate", stderr)
	f := config.Register(fs, getenv)
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c.LogLevel, c.LogFormat)
	db, err := openDB(ctx, c.DB, nil, log, "--db")
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Schema(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d\n", c.DB, st.Current)
	return nil
}
