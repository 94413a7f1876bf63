package web

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/probity/probity/internal/figures"
)

// flightServer is a server whose public figures are worked out by
// compute, on a fixed clock.
func flightServer(compute func(ctx context.Context, y int) ([]figures.Figure, error)) *Server {
	now := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	s := &Server{clock: func() time.Time { return now }, log: slog.New(slog.DiscardHandler)}
	s.portal.compute = compute
	return s
}

func TestPublicFiguresOneComputationPerYear(t *testing.T) {
	var calls atomic.Int32
	entered, release := make(chan struct{}), make(chan struct{})
	s := flightServer(func(ctx context.Context, y int) ([]figures.Figure, error) {
		if calls.Add(1) == 1 {
			close(entered)
		}
		<-release
		return nil, nil
	})
	const visitors = 4
	got := make([]*publicYear, visitors)
	errs := make([]error, visitors)
	var wg sync.WaitGroup
	wg.Go(func() { got[0], errs[0] = s.publicFigures(t.Context(), 2025) })
	<-entered
	for i := 1; i < visitors; i++ {
		wg.Go(func() { got[i], errs[i] = s.publicFigures(t.Context(), 2025) })
	}
	// Let the later visitors reach the computation under way.
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("the year was worked out %d times for %d concurrent visitors, want once", n, visitors)
	}
	for i := range visitors {
		if errs[i] != nil || got[i] != got[0] || got[i] == nil {
			t.Fatalf("visitor %d: %p, %v; want the first visitor's figures %p", i, got[i], errs[i], got[0])
		}
	}
	// Kept for the day: a later visit computes nothing.
	if _, err := s.publicFigures(t.Context(), 2025); err != nil || calls.Load() != 1 {
		t.Fatalf("a later visit: %v, %d computations", err, calls.Load())
	}
}

func TestPublicFiguresOtherYearsDoNotWait(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	var calls sync.Map
	s := flightServer(func(ctx context.Context, y int) ([]figures.Figure, error) {
		n, _ := calls.LoadOrStore(y, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		if y == 2025 {
			close(entered)
			<-release
		}
		return nil, nil
	})
	kept, err := s.publicFigures(t.Context(), 2024)
	if err != nil {
		t.Fatal(err)
	}
	go s.publicFigures(context.Background(), 2025)
	<-entered

	for _, c := range []struct {
		name string
		year int
	}{
		{"a year already kept", 2024},
		{"a year not yet worked out", 2023},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			py, err := s.publicFigures(ctx, c.year)
			if err != nil {
				t.Fatalf("waited on another year's computation: %v", err)
			}
			if py.year != c.year {
				t.Fatalf("got year %d's figures, want %d", py.year, c.year)
			}
			if c.year == 2024 && py != kept {
				t.Fatal("a kept year was worked out again")
			}
		})
	}

	// A visitor waiting for the year under way may give up.
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.publicFigures(ctx, 2025); err == nil {
		t.Fatal("a visitor who gave up was answered")
	}
	if n, _ := calls.Load(2025); n.(*atomic.Int32).Load() != 1 {
		t.Fatalf("the year under way was worked out %d times", n.(*atomic.Int32).Load())
	}
}
