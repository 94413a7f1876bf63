package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

// FuzzCommitments: whatever a client sends as a plan's commitments is
// either read into commitments or refused with every field named by its
// place; it never panics, and a number is never taken from a refused one.
func FuzzCommitments(f *testing.F) {
	f.Add(`[{"text":"Fewer old cases","measure":"open-by-age","group":["Share open over 12 months"],"stat":"share","baseline":0.3,"target":0.1,"target_on":"2027-03-31"}]`)
	f.Add(`[{"measure":"disproportionality","group":["Black"],"stat":"ratio","baseline":-1,"target":1e309,"target_on":"31/03/2027"}]`)
	f.Add(`[{},{"target_on":"2027-02-30"}]`)
	f.Add(`[{"text":"\u202e","measure":"backlog","group":["Open at the end"],"stat":"count","baseline":40,"target":40,"target_on":"2020-01-01"}]`)
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		var reqs []commitmentRequest
		if json.Unmarshal([]byte(body), &reqs) != nil {
			return
		}
		cs, err := commitmentsOf(reqs, now)
		if len(cs) != len(reqs) {
			t.Fatalf("%d commitments read from %d", len(cs), len(reqs))
		}
		for _, fe := range fault.FieldsOf(err) {
			if !strings.HasPrefix(fe.Field, "commitments[") || fe.Reason == "" {
				t.Fatalf("a refusal not naming its place: %+v", fe)
			}
		}
		if err != nil && !fault.Is(err, fault.Invalid) {
			t.Fatalf("refused as %s: %v", fault.KindOf(err), err)
		}
	})
}

// FuzzBaselineAndTarget: a baseline or target typed on the page is a
// number or refused, never a panic.
func FuzzBaselineAndTarget(f *testing.F) {
	for _, s := range []string{"30", "30%", "0.5", "", "%", "1e400", "NaN", "-3", " 4 %"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, v string, share bool) {
		stat := commitmentRequest{}.Stat
		if share {
			stat = "share"
		}
		x, err := parsePercentOrNumber(v, stat)
		if err != nil && x != 0 {
			t.Fatalf("%q refused but read as %v", v, x)
		}
	})
}
