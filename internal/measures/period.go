package measures

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/probity/probity/internal/fault"
)

// PeriodKind says how a period was asked for.
type PeriodKind string

const (
	Month   PeriodKind = "month"
	Quarter PeriodKind = "quarter"
	Year    PeriodKind = "year"
	Custom  PeriodKind = "custom"
)

// Period is a stretch of days, [Start, End), in UTC. Every measure counts
// by the UTC day: an event at 23:30 on 31 March belongs to March.
type Period struct {
	Kind  PeriodKind `json:"kind"`
	Start time.Time  `json:"start"` // midnight UTC of the first day
	End   time.Time  `json:"end"`   // midnight UTC of the day after the last
	Label string     `json:"label"` // in words: "January to March 2026"
}

// The forms a period may be written in.
var (
	yearForm    = regexp.MustCompile(`^(\d{4})$`)
	quarterForm = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	monthForm   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	customForm  = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:/|\.\.)(\d{4}-\d{2}-\d{2})$`)
)

// MaxCustomDays bounds a custom period, so that one request cannot ask for
// centuries.
const MaxCustomDays = 20 * 366

// ParsePeriod reads a period: "2026" (a year), "2026-Q1" (a quarter),
// "2026-03" (a month) or "2026-01-15/2026-02-20" (a custom range, both
// days included; ".." may stand for "/"). A refusal names the field
// "period".
func ParsePeriod(s string) (Period, error) {
	bad := func(reason string) (Period, error) {
		var f fault.Fields
		f.Add("period", reason)
		return Period{}, f.Err("invalid period")
	}
	if m := yearForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return YearOf(y), nil
	}
	if m := quarterForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		return QuarterOf(y, q), nil
	}
	if m := monthForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return bad(fmt.Sprintf("%q has no month %d", s, mo))
		}
		return MonthOf(y, time.Month(mo)), nil
	}
	if m := customForm.FindStringSubmatch(s); m != nil {
		from, err1 := time.Parse(time.DateOnly, m[1])
		to, err2 := time.Parse(time.DateOnly, m[2])
		switch {
		case err1 != nil:
			return bad(fmt.Sprintf("%q is not a date", m[1]))
		case err2 != nil:
			return bad(fmt.Sprintf("%q is not a date", m[2]))
		case to.Before(from):
			return bad("the last day is before the first")
		case to.Sub(from) > MaxCustomDays*24*time.Hour:
			return bad(fmt.Sprintf("a custom period may be at most %d days", MaxCustomDays))
		}
		return Range(from, to), nil
	}
	return bad(fmt.Sprintf("%q is not a period: write a year (2026), a quarter (2026-Q1), a month (2026-03) or two days (2026-01-15/2026-02-20)", s))
}

// YearOf is the calendar year y.
func YearOf(y int) Period {
	start := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	return Period{Kind: Year, Start: start, End: start.AddDate(1, 0, 0), Label: strconv.Itoa(y)}
}

// QuarterOf is quarter q (1 to 4) of year y.
func QuarterOf(y, q int) Period {
	start := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 3, 0)
	return Period{Kind: Quarter, Start: start, End: end,
		Label: fmt.Sprintf("%s to %s %d", start.Month(), end.AddDate(0, 0, -1).Month(), y)}
}

// MonthOf is month m of year y.
func MonthOf(y int, m time.Month) Period {
	start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return Period{Kind: Month, Start: start, End: start.AddDate(0, 1, 0), Label: fmt.Sprintf("%s %d", m, y)}
}

// Range is the days from first to last, both included.
func Range(first, last time.Time) Period {
	s := midnight(first)
	e := midnight(last).AddDate(0, 0, 1)
	return Period{Kind: Custom, Start: s, End: e,
		Label: fmt.Sprintf("%s to %s", s.Format("2 January 2006"), e.AddDate(0, 0, -1).Format("2 January 2006"))}
}

// String is the period in the form ParsePeriod reads.
func (p Period) String() string {
	switch p.Kind {
	case Year:
		return strconv.Itoa(p.Start.Year())
	case Quarter:
		return fmt.Sprintf("%d-Q%d", p.Start.Year(), (int(p.Start.Month())-1)/3+1)
	case Month:
		return p.Start.Format("2006-01")
	}
	return p.Start.Format(time.DateOnly) + "/" + p.End.AddDate(0, 0, -1).Format(time.DateOnly)
}

func midnight(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
