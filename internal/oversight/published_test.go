package oversight

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
)

func TestPublishedFiguresHoldCommitmentsToRealFigures(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	last := measures.Range(now.AddDate(-1, 0, 0), now).Label
	share := measures.Row{Group: []string{"Share open over 12 months"}, Stat: measures.Share, Defined: true}
	count := measures.Row{Group: []string{"Open at the end"}, Stat: measures.Count, Defined: true}
	comp := fakeMeasures{values: map[string]measures.Row{last: share}}
	pub := PublishedFigures(t.Context(), comp, []string{"open-by-age", "open-by-age", "no-such-measure"}, now)
	if len(pub) != 1 || len(pub["open-by-age"]) != 1 {
		t.Fatalf("published: %+v", pub)
	}
	pub["backlog"] = []measures.Row{count, share}

	for _, tc := range []struct {
		name  string
		c     Commitment
		field string
		says  []string
	}{
		{"a figure the measure has", Commitment{Measure: "open-by-age", Group: []string{"Share open over 12 months"}, Stat: measures.Share}, "", nil},
		{"the right label, another statistic", Commitment{Measure: "open-by-age", Group: []string{"Share open over 12 months"}, Stat: measures.Count},
			"commitments[2].group", []string{`"Share open over 12 months" (share)`}},
		{"a label it does not have", Commitment{Measure: "backlog", Group: []string{"Open at end"}, Stat: measures.Count},
			"commitments[2].group", []string{`no figure labelled "Open at end"`, `"Open at the end" (count)`, `"Share open over 12 months"`}},
		{"a measure with nothing to hold it to", Commitment{Measure: "disproportionality", Group: []string{"x"}, Stat: measures.Ratio}, "", nil},
		{"no label: the commitment's own check names it", Commitment{Measure: "backlog", Stat: measures.Count}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f fault.Fields
			pub.Check(&f, 2, tc.c)
			fields := fault.FieldsOf(f.Err("x"))
			if tc.field == "" {
				if len(fields) != 0 {
					t.Fatalf("refused: %+v", fields)
				}
				return
			}
			if len(fields) != 1 || fields[0].Field != tc.field {
				t.Fatalf("fields %+v, want one on %s", fields, tc.field)
			}
			for _, s := range tc.says {
				if !strings.Contains(fields[0].Reason, s) {
					t.Errorf("%q does not say %q", fields[0].Reason, s)
				}
			}
		})
	}

	// A measure that cannot be computed holds nothing back.
	if pub := PublishedFigures(t.Context(), fakeMeasures{err: errors.New("down")}, []string{"backlog"}, now); len(pub) != 0 {
		t.Errorf("a failed computation published %+v", pub)
	}
}
