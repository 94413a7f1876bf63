package id

import "testing"

func TestNewIsValidAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s := New()
		if !Valid(s) {
			t.Fatalf("New() = %q is not Valid", s)
		}
		if seen[s] {
			t.Fatalf("New() repeated %q", s)
		}
		seen[s] = true
	}
}

func TestValid(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"abc", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaa", true},
		{"AAAAAAAAAAAAAAAAAAAAAAAAAA", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaa1", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaa/", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	} {
		if got := Valid(tc.in); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestSequenceSortsInOrderAndIsValid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start int // where the counter starts
		n     int
	}{
		{"from the start", 0, 2000},
		{"across a carry of every counting letter", 26*26*26*26*26 - 1000, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSequence()
			s.n = tc.start
			prev := ""
			seen := map[string]bool{}
			for range tc.n {
				v := s.New()
				if !Valid(v) {
					t.Fatalf("New() = %q is not Valid", v)
				}
				if v <= prev {
					t.Fatalf("%q after %q: not in order", v, prev)
				}
				if seen[v] {
					t.Fatalf("repeated %q", v)
				}
				seen[v], prev = true, v
			}
		})
	}
}

func TestSequencesDoNotShareAPrefixOrRestartInOrder(t *testing.T) {
	a, b := NewSequence(), NewSequence()
	if a.New()[:seqPrefix] == b.New()[:seqPrefix] {
		t.Fatalf("two sequences drew one prefix (1 in 2^30: run again if it ever happens)")
	}
	a.n = seqSpan - 1
	last := a.New()
	next := a.New()
	if last[:seqPrefix] == next[:seqPrefix] || !Valid(next) || next[seqPrefix:seqPrefix+seqCount] != "aaaaaa" {
		t.Fatalf("after %q the sequence made %q, want a new prefix and the count from aaaaaa", last, next)
	}
}
