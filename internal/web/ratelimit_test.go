package web

import (
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newRateLimiter(6, 3, func() time.Time { return now }) // one token every 10 s, burst 3
	for i := range 3 {
		if !l.allow("203.0.113.7") {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	if l.allow("203.0.113.7") {
		t.Fatal("fourth request in the same instant allowed")
	}
	if !l.allow("198.51.100.1") {
		t.Fatal("another address was limited too")
	}
	now = now.Add(9 * time.Second)
	if l.allow("203.0.113.7") {
		t.Fatal("a token came back early")
	}
	now = now.Add(time.Second)
	if !l.allow("203.0.113.7") {
		t.Fatal("a token did not come back after 10 s")
	}
	// After the key's lifetime every bucket is forgotten with the key.
	now = now.Add(keyLifetime)
	for range 3 {
		if !l.allow("203.0.113.7") {
			t.Fatal("bucket survived the key change")
		}
	}
	if len(l.buckets) != 1 {
		t.Fatalf("%d buckets after the key change, want only the one used since", len(l.buckets))
	}
}
