package oversight

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
)

// Published holds, per measure, the figures it publishes: each row's
// group labels and statistic, as the measure gave them for the twelve
// months to today. A commitment names one of them.
type Published map[string][]measures.Row

// PublishedFigures works out the figures of each measure named, once
// each. A measure that is not in the catalogue, cannot be computed or has
// nothing for those months is left out: Check then has nothing to hold a
// commitment to, and the live figure says what is wrong instead.
func PublishedFigures(ctx context.Context, comp Computer, ids []string, now time.Time) Published {
	out := Published{}
	year := measures.Range(now.UTC().AddDate(-1, 0, 0), now.UTC())
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		if _, ok := measures.Lookup(id); !ok {
			continue
		}
		res, err := comp.Compute(ctx, id, year, measures.Filter{})
		if err != nil || res.Empty || len(res.Rows) == 0 {
			continue
		}
		out[id] = res.Rows
	}
	return out
}

// maxListed bounds how many of a measure's figures a refusal lists.
const maxListed = 12

// Check refuses, as field index's group, a commitment whose measure has
// no figure with its labels and statistic, and lists the figures it has:
// a plan is assessed on figures the public can see, so one that would
// never be computed is caught when it is written, not months later.
func (p Published) Check(f *fault.Fields, index int, c Commitment) {
	rows, ok := p[c.Measure]
	if !ok || len(c.Group) == 0 {
		return
	}
	if slices.ContainsFunc(rows, func(r measures.Row) bool { return r.Stat == c.Stat && slices.Equal(r.Group, c.Group) }) {
		return
	}
	var have []string
	for _, r := range rows {
		if len(have) == maxListed {
			have = append(have, fmt.Sprintf("and %d more", len(rows)-maxListed))
			break
		}
		have = append(have, fmt.Sprintf("%q (%s)", strings.Join(r.Group, " / "), StatName(r.Stat)))
	}
	f.Add(fmt.Sprintf("commitments[%d].group", index), fmt.Sprintf("the measure has no figure labelled %q with the statistic %s; its figures are %s",
		strings.Join(c.Group, " / "), StatName(c.Stat), strings.Join(have, ", ")))
}
