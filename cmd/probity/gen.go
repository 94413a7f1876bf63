package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/demo"
)

// runGen is "probity gen": generates synthetic data into an empty
// database, the demo's one force or a national decade of 43 forces.
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("gen", stderr)
	f := config.Register(fs, getenv)
	scale := fs.String("scale", string(demo.ScaleNational), "demo (the force `probity demo` seeds) or national (43 forces, 150,000 officers, ten years)")
	seedText := fs.String("seed", strconv.Itoa(demo.DefaultSeed), "whole number the data is generated from: the same seed gives the same data")
	officers := fs.Int("officers", 0, "officers in all (national: 150000; demo: 2400); cases scale with them")
	years := fs.Int("years", 0, "years of cases (national only; default 10)")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	s := demo.Scale(*scale)
	if s != demo.ScaleDemo && s != demo.ScaleNational {
		return usageErr("--scale: %q is neither demo nor national", *scale)
	}
	if *officers != 0 && (*officers < 50 || *officers > 1_000_000) {
		return usageErr("--officers: must be from 50 to 1000000")
	}
	if *years < 0 || *years > 30 || (*years != 0 && s == demo.ScaleDemo) {
		return usageErr("--years: from 1 to 30, and only with --scale national")
	}
	seed, err := strconv.ParseInt(strings.TrimSpace(*seedText), 10, 64)
	if err != nil || seed < 0 {
		return usageErr("--seed: %q is not a whole number from 0 up", *seedText)
	}
	keys, err := loadKeys(c)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c.LogLevel, c.LogFormat)
	db, err := openDB(ctx, c.DB, keys, log, "--db")
	if err != nil {
		return err
	}
	defer db.Close()
	empty, err := db.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return usageErr("--db: %s already holds forces or cases; gen writes only into an empty database", c.DB)
	}
	bar := newGenProgress(stderr)
	sum, err := demo.Populate(ctx, db, demo.PopulateOptions{Scale: s, Seed: seed, Officers: *officers, Years: *years,
		Progress: bar.show})
	bar.end()
	if err != nil {
		return fmt.Errorf("generating %s data: %w", s, err)
	}
	fmt.Fprintf(stdout, "generated %s data (seed %d) into %s: %s\n", s, seed, c.DB, sum)
	return nil
}

// genProgress draws the load's progress: on a terminal one line redrawn
// in place, otherwise a plain line at most every few seconds and at each
// force's end, for a log.
type genProgress struct {
	w        io.Writer
	terminal bool
	began    time.Time
	last     time.Time
	forces   int
	drawn    bool
}

func newGenProgress(w io.Writer) *genProgress {
	terminal := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			terminal = st.Mode()&os.ModeCharDevice != 0
		}
	}
	return &genProgress{w: w, terminal: terminal, began: time.Now()}
}

func (b *genProgress) show(p demo.Progress) {
	now := time.Now()
	forceDone := p.ForcesDone != b.forces
	b.forces = p.ForcesDone
	if b.terminal {
		if now.Sub(b.last) < 100*time.Millisecond && !forceDone {
			return
		}
	} else if now.Sub(b.last) < 5*time.Second && !forceDone {
		return
	}
	b.last = now
	frac := 0.0
	if p.Cases > 0 {
		frac = float64(p.CasesDone) / float64(p.Cases)
	}
	took := now.Sub(b.began).Round(time.Second)
	if !b.terminal {
		fmt.Fprintf(b.w, "gen: %d/%d forces, %d/%d cases (%.0f%%) in %s\n", p.ForcesDone, p.Forces, p.CasesDone, p.Cases, 100*frac, took)
		return
	}
	const width = 30
	filled := min(width, int(frac*width))
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%%  %d/%d forces  %d/%d cases  %s ", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		100*frac, p.ForcesDone, p.Forces, p.CasesDone, p.Cases, took)
	b.drawn = true
}

func (b *genProgress) end() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
