package store

import (
	"testing"
	"time"
)

// TestLagBehind: a replica's lag counts from when the primary stood at
// the first position the replica has not replayed, whatever the number
// of polls since.
func TestLagBehind(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	samples := []walSample{{t0, 100}, {t0.Add(time.Second), 200}, {t0.Add(2 * time.Second), 300}}
	now := t0.Add(5 * time.Second)
	for _, tc := range []struct {
		name     string
		samples  []walSample
		replayed LSN
		want     time.Duration
	}{
		{"no positions yet", nil, 0, 0},
		{"replayed all", samples, 300, 0},
		{"beyond all", samples, 350, 0},
		{"missing the last", samples, 250, 3 * time.Second},
		{"missing from the second", samples, 100, 4 * time.Second},
		{"missing all", samples, 99, 5 * time.Second},
	} {
		if got := lagBehind(tc.samples, tc.replayed, now); got != tc.want {
			t.Errorf("%s: lag %v, want %v", tc.name, got, tc.want)
		}
	}
}
