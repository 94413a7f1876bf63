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
