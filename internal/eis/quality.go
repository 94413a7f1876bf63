package eis

import (
	"fmt"
	"slices"
	"strings"
)

// DataQuality lists what in the data looks wrong before anything is
// modelled: officers whose yearly volume is implausible against the rest,
// ids that look like placeholders, and years with far fewer allegations
// than their neighbours. Exports often file every unidentified officer
// under one id; such an id holds thousands of allegations and, modelled as
// an officer, dominates every fit.
func DataQuality(ds *Dataset) []string {
	var out []string
	// Allegations per officer and year.
	type oy struct {
		o int32
		y int
	}
	per := map[oy]int{}
	for _, a := range ds.Allegations {
		per[oy{a.Officer, a.On.Time().Year()}]++
	}
	if len(per) > 0 {
		counts := make([]int, 0, len(per))
		for _, n := range per {
			counts = append(counts, n)
		}
		slices.Sort(counts)
		p999 := counts[min(len(counts)-1, len(counts)*999/1000)]
		limit := 10 * max(p999, 1)
		worst := map[int32]oy{}
		for k, n := range per {
			if n > limit {
				if w, ok := worst[k.o]; !ok || n > per[w] {
					worst[k.o] = k
				}
			}
		}
		ids := make([]int32, 0, len(worst))
		for o := range worst {
			ids = append(ids, o)
		}
		slices.Sort(ids)
		for _, o := range ids {
			k := worst[o]
			out = append(out, fmt.Sprintf("officer %s has %d allegations in %d, more than ten times the 99.9th percentile of officer-years (%d): is it a placeholder for unidentified officers?",
				ds.Officers[o].Key, per[k], k.y, p999))
		}
	}
	for _, o := range ds.Officers {
		if placeholderID(o.Key) {
			out = append(out, fmt.Sprintf("officer id %s looks like a placeholder.", o.Key))
		}
	}
	yearN := map[int]int{}
	for _, a := range ds.Allegations {
		yearN[a.On.Time().Year()]++
	}
	years := make([]int, 0, len(yearN))
	for y := range yearN {
		years = append(years, y)
	}
	slices.Sort(years)
	for i, y := range years {
		var nb []int
		for _, j := range []int{i - 1, i + 1} {
			if j >= 0 && j < len(years) && years[j]-y <= 1 && y-years[j] <= 1 {
				nb = append(nb, yearN[years[j]])
			}
		}
		if len(nb) == 0 {
			continue
		}
		least := slices.Min(nb)
		if 4*yearN[y] < least {
			out = append(out, fmt.Sprintf("%d has %d allegations against at least %d in each neighbouring year.", y, yearN[y], least))
		}
	}
	return out
}

// placeholderID reports whether an officer key's own id (after the force
// code) reads as a stand-in: a word for unknown, or one digit repeated.
func placeholderID(key string) bool {
	id := key
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		id = key[i+1:]
	}
	switch strings.ToLower(strings.TrimSpace(id)) {
	case "", "unknown", "unk", "n/a", "na", "none", "null", "tbd", "not known", "unidentified", "-":
		return true
	}
	if len(id) >= 1 && strings.Count(id, id[:1]) == len(id) && strings.ContainsAny(id[:1], "09") {
		return true
	}
	return false
}
