package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

// TestBoardFormDay: a date asked for in three boxes becomes YYYY-MM-DD,
// or stays as typed so that parsing names the field; nothing typed is no
// date.
func TestBoardFormDay(t *testing.T) {
	for _, tc := range []struct {
		d, m, y string
		want    string
		valid   bool
	}{
		{"", "", "", "", true},
		{"2", "12", "2026", "2026-12-02", true},
		{" 02 ", "3", "2026", "2026-03-02", true},
		{"31", "2", "2026", "2026-02-31", false},
		{"x", "2", "2026", "x/2/2026", false},
		{"1", "1", "26", "1/1/26", false},
		{"1", "", "2026", "1//2026", false},
	} {
		pf := url.Values{"on-day": {tc.d}, "on-month": {tc.m}, "on-year": {tc.y}}
		got := boardFormDay(pf, "on")
		if got != tc.want {
			t.Errorf("%q %q %q: %q, want %q", tc.d, tc.m, tc.y, got, tc.want)
		}
		var f fault.Fields
		boardDay(&f, "on", got, false)
		if (f.Len() == 0) != tc.valid {
			t.Errorf("%q: valid %v, want %v", got, f.Len() == 0, tc.valid)
		}
	}
}

func TestBoardFieldWords(t *testing.T) {
	for in, want := range map[string]string{
		"attendees[0].name":              "Attendee 1: name",
		"consultations[2].responded_on":  "Consultation 3: the day of the response",
		"held_on":                        "The day of the meeting",
		"minutes":                        "Minutes",
		"attendees[x].name":              "Attendees[x].name",
		"consultations[0].consultee[1]]": "Consultation 1: consultee 2: ]",
	} {
		if got := boardFieldWords(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// FuzzBoardFormDay: whatever is typed in the three boxes, reading it
// neither panics nor accepts something that is not a real date.
func FuzzBoardFormDay(f *testing.F) {
	f.Add("2", "12", "2026")
	f.Add("31", "2", "2026")
	f.Add("", "", "")
	f.Add("-1", "99", "1900")
	f.Fuzz(func(t *testing.T, d, m, y string) {
		s := boardFormDay(url.Values{"on-day": {d}, "on-month": {m}, "on-year": {y}}, "on")
		var fs fault.Fields
		got := boardDay(&fs, "on", s, false)
		if got != nil && got.Format(time.DateOnly) != s {
			t.Fatalf("%q read as %s", s, got)
		}
		if got == nil && s != "" && fs.Len() == 0 {
			t.Fatalf("%q neither read nor refused", s)
		}
		_ = boardFieldWords(strings.Repeat("[", len(d)) + m + "]" + y)
	})
}
