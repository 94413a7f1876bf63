package figures

import (
	"context"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/measures"
)

// monthly is a measures.Source whose counts are made month by month from
// a seed, so that they keep the relations real data keeps: events in a
// year are the sum of its months, a stock at a moment is what came in
// before it less what went out, and officers are counted once however
// often they appear. Scale multiplies every count; at 1 many are small.
type monthly struct {
	seed, scale int
}

var monthlyFirst = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// months lists the month numbers (from January 2020) in [start, end).
func months(start, end time.Time) []int {
	var ms []int
	for t := start; t.Before(end); t = t.AddDate(0, 1, 0) {
		ms = append(ms, (t.Year()-2020)*12+int(t.Month())-1)
	}
	return ms
}

// n is a count for month m and stream k: small, varied and repeatable.
func (s monthly) n(m, k, mod int) int { return s.scale * ((m*7 + k*13 + s.seed*5 + m*k) % mod) }

func (s monthly) sum(sc measures.Scope, k, mod int) int {
	t := 0
	for _, m := range months(sc.Start, sc.End) {
		t += s.n(m, k, mod)
	}
	return t
}

func (s monthly) open(at time.Time) int {
	o := 20 * s.scale
	for _, m := range months(monthlyFirst, at) {
		o += s.n(m, 1, 9) - s.n(m, 2, 8)
		if o < 0 {
			o = 0
		}
	}
	return o
}

func (s monthly) CheckFilter(context.Context, string, string) error { return nil }

func (s monthly) FirstRecord(context.Context, measures.Family, measures.Scope) (time.Time, bool, error) {
	return monthlyFirst, true, nil
}

func (s monthly) CaseDurations(_ context.Context, sc measures.Scope, ms measures.Milestone) ([]measures.Distribution, error) {
	dist := func(g string, n int) measures.Distribution {
		return measures.Distribution{Group: g, N: n, Median: 3 + n%7, P90: 10 + n%13}
	}
	switch ms {
	case measures.Logged:
		return []measures.Distribution{dist("", s.sum(sc, 3, 5))}, nil
	case measures.FirstContact:
		return []measures.Distribution{dist("", s.sum(sc, 4, 3))}, nil
	}
	var out []measures.Distribution
	for i, r := range measures.Routes {
		if n := s.sum(sc, 10+i, 2+i); n > 0 {
			out = append(out, dist(r, n))
		}
	}
	return out, nil
}

func (s monthly) OpenCases(_ context.Context, _ measures.Scope, at time.Time, _ []time.Time) ([]int, error) {
	t := s.open(at)
	b4, b3 := t/9, t/4
	b2 := (t - b3 - b4) / 3
	return []int{t - b2 - b3 - b4, b2, b3, b4}, nil
}

func (s monthly) Backlog(_ context.Context, sc measures.Scope) (measures.Backlog, error) {
	b := measures.Backlog{OpenAtStart: s.open(sc.Start), OpenAtEnd: s.open(sc.End)}
	b.Received, b.Finalised = s.sum(sc, 1, 9), s.sum(sc, 2, 8)
	// open clamps at zero; the flows it used are what was received and
	// finalised.
	b.Finalised = b.OpenAtStart + b.Received - b.OpenAtEnd
	return b, nil
}

var monthlyCategories = []string{"Use of force", "Discriminatory behaviour", "Handling of or damage to property/premises"}

func (s monthly) AllegationOutcomes(_ context.Context, sc measures.Scope) ([]measures.OutcomeCounts, error) {
	var out []measures.OutcomeCounts
	for i, name := range monthlyCategories {
		a := s.sum(sc, 20+i, 6)
		if a == 0 {
			continue
		}
		o := measures.OutcomeCounts{Category: name, Name: name, Allegations: a}
		for _, m := range months(sc.Start, sc.End) {
			n := s.n(m, 20+i, 6)
			o.CaseToAnswer += n / 2
			o.Upheld += n / 3
		}
		out = append(out, o)
	}
	return out, nil
}

func (s monthly) RepeatSubjects(_ context.Context, sc measures.Scope) ([]measures.RepeatCounts, error) {
	m := months(monthlyFirst, sc.End)
	k := len(m)
	return []measures.RepeatCounts{
		{Cases: 1, Officers: s.scale * (30 + k%7)},
		{Cases: 2, Officers: s.scale * (k % 5)},
		{Cases: 2, Worst: string(cases.SanctionWrittenWarning), Officers: s.scale * (k % 3)},
		{Cases: 3, Worst: string(cases.SanctionDismissal), Officers: s.scale * (k % 2)},
	}, nil
}

func (s monthly) OfficerGroups(_ context.Context, sc measures.Scope) ([]measures.GroupCounts, error) {
	type g struct {
		eth, sex string
		n        int
	}
	var out []measures.GroupCounts
	for i, x := range []g{{"white", "male", 300}, {"white", "female", 120}, {"black", "male", 20}, {"asian", "female", 9}, {"", "", 4}} {
		c := measures.GroupCounts{Ethnicity: x.eth, Sex: x.sex, Officers: s.scale * x.n}
		// Officers named in several months count once: the year's is
		// below the sum of its quarters.
		ms := months(sc.Start, sc.End)
		for _, m := range ms {
			c.Entered += s.n(m, 30+i, 3)
			c.Dismissed += s.n(m, 40+i, 2) * (m % 3 / 2)
		}
		c.Entered = max(0, min(c.Entered-len(ms)/6, c.Officers))
		out = append(out, c)
	}
	return out, nil
}

func (s monthly) SpeakUp(_ context.Context, sc measures.Scope) ([]measures.SpeakUpCounts, measures.Distribution, error) {
	var out []measures.SpeakUpCounts
	replied := 0
	for i, c := range []string{"bullying_harassment", "discrimination", "other"} {
		n := s.sum(sc, 50+i, 4)
		r := 0
		for _, m := range months(sc.Start, sc.End) {
			r += s.n(m, 50+i, 4) - s.n(m, 50+i, 4)%2
		}
		out = append(out, measures.SpeakUpCounts{Category: c, Received: n, Replied: r})
		replied += r
	}
	return out, measures.Distribution{N: replied, Median: 2, P90: 9}, nil
}

func (s monthly) EISFlags(_ context.Context, sc measures.Scope) (measures.EISCounts, error) {
	return measures.EISCounts{
		Raised:        map[string]int{"rule": s.sum(sc, 60, 4), "model": s.sum(sc, 61, 3)},
		FirstReviewed: s.sum(sc, 62, 5),
		Decisions:     map[string]int{"review": s.sum(sc, 63, 3), "intervene": s.sum(sc, 64, 2), "close": s.sum(sc, 65, 3)},
		Interventions: map[string]int{"advice": s.sum(sc, 64, 2)},
	}, nil
}
