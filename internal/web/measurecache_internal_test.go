package web

import (
	"context"
	"testing"
	"time"

	"github.com/probity/probity/internal/measures"
)

type countingComputer struct{ calls map[string]int }

func (c *countingComputer) Compute(_ context.Context, id string, p measures.Period, _ measures.Filter) (measures.Result, error) {
	c.calls[id+" "+p.String()]++
	return measures.Result{Measure: id, Period: p}, nil
}

func TestMeasureCacheKeepsFiguresForAMinute(t *testing.T) {
	machine := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	server := machine
	inner := &countingComputer{calls: map[string]int{}}
	cc := cachedComputer{c: &measureCache{now: func() time.Time { return machine }}, svc: inner, clock: func() time.Time { return server }}
	q1, q2 := measures.QuarterOf(2025, 1), measures.QuarterOf(2025, 2)
	compute := func(id string, p measures.Period) {
		t.Helper()
		if _, err := cc.Compute(t.Context(), id, p, measures.Filter{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name    string
		advance time.Duration // the machine's clock
		moveTo  time.Duration // the server's clock, from the start
		id      string
		p       measures.Period
		want    int // computations of id and p so far
	}{
		{"first view", 0, 0, "backlog", q1, 1},
		{"again at once", time.Second, 0, "backlog", q1, 1},
		{"another quarter", 0, 0, "backlog", q2, 1},
		{"another measure", 0, 0, "speakup", q1, 1},
		{"within the minute", 50 * time.Second, 0, "backlog", q1, 1},
		{"after the minute", 20 * time.Second, 0, "backlog", q1, 2},
		{"the server's clock moved on", 0, time.Hour, "backlog", q1, 3},
	} {
		machine = machine.Add(c.advance)
		server = time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC).Add(c.moveTo)
		compute(c.id, c.p)
		if got := inner.calls[c.id+" "+c.p.String()]; got != c.want {
			t.Fatalf("%s: %d computations, want %d", c.name, got, c.want)
		}
	}
}
