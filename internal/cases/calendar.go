package cases

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	// Deadlines are days in England. A static binary on a bare host may have
	// no zoneinfo, so the time zone database is compiled in rather than
	// left to chance: counting in UTC would put a deadline a day out for
	// anything done between midnight and one in the morning in summer.
	_ "time/tzdata"
)

// The bank holidays are data, not code: they change by royal proclamation
// (jubilees, a coronation, a state funeral) at a few months' notice, and a
// correction must be a change to one file. The file lives outside
// reference/ because every file there must be one of the kinds
// parseReference knows.
//
//go:embed calendar/bank-holidays-england-wales.json
var bankHolidayFile []byte

// ErrOutsideCalendar is returned when a working-day count would need a day
// the bank-holiday data does not cover. Deadlines are refused rather than
// computed as if no holiday fell in an unknown year.
var ErrOutsideCalendar = errors.New("date outside the bank-holiday calendar")

// BankHoliday is one bank holiday in England and Wales.
type BankHoliday struct {
	Date  Date   `json:"date"`
	Title string `json:"title"`
	// Projected marks a date computed by the usual rules before GOV.UK
	// published it: a proclamation may still move it.
	Projected bool `json:"projected"`
}

// Calendar says which days are working days in England and Wales: not
// Saturdays, Sundays or bank holidays. It knows only the years its data
// covers, and says so (Covers) rather than guess beyond them.
type Calendar struct {
	region   string
	source   string
	holidays []BankHoliday
	byDay    map[calDay]int // index into holidays
	first    calDay         // 1 January of the first year covered
	last     calDay         // 31 December of the last year covered
	loc      *time.Location
}

var loadCalendar = sync.OnceValues(func() (*Calendar, error) {
	return ParseCalendar(bankHolidayFile)
})

// LoadCalendar returns the embedded England and Wales bank-holiday
// calendar, parsed and checked once.
func LoadCalendar() (*Calendar, error) { return loadCalendar() }

// ParseCalendar reads and checks a bank-holiday file. The checks catch the
// mistakes a hand edit makes: a typed date on a weekend (every bank holiday
// in England and Wales is a weekday, substitute days see to that), a year
// left out or half entered, dates out of order or repeated.
func ParseCalendar(b []byte) (*Calendar, error) {
	var f struct {
		Name     string        `json:"name"`
		Region   string        `json:"region"`
		Source   string        `json:"source"`
		Holidays []BankHoliday `json:"holidays"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("bank-holiday calendar: %w", err)
	}
	switch {
	case f.Name != "bank-holidays":
		return nil, fmt.Errorf("bank-holiday calendar: name %q, want \"bank-holidays\"", f.Name)
	case f.Region != "england-and-wales":
		return nil, fmt.Errorf("bank-holiday calendar: region %q, want \"england-and-wales\"", f.Region)
	case strings.TrimSpace(f.Source) == "":
		return nil, errors.New("bank-holiday calendar: source is required")
	case len(f.Holidays) == 0:
		return nil, errors.New("bank-holiday calendar: no holidays")
	}
	c := &Calendar{region: f.Region, source: f.Source, holidays: f.Holidays,
		byDay: make(map[calDay]int, len(f.Holidays)), loc: englandLocation()}
	perYear := map[int]int{}
	seenProjected := false
	for i, h := range f.Holidays {
		d := civilDay(h.Date.Year(), h.Date.Month(), h.Date.Day())
		switch {
		case h.Date.IsZero():
			return nil, fmt.Errorf("bank-holiday calendar: holiday %d has no date", i)
		case strings.TrimSpace(h.Title) == "":
			return nil, fmt.Errorf("bank-holiday calendar: %s has no title", h.Date.Format(time.DateOnly))
		case d.weekend():
			return nil, fmt.Errorf("bank-holiday calendar: %s is a %s", h.Date.Format(time.DateOnly), d.weekday())
		case i > 0 && d <= civilDay(f.Holidays[i-1].Date.Date()):
			return nil, fmt.Errorf("bank-holiday calendar: %s is repeated or out of order", h.Date.Format(time.DateOnly))
		case seenProjected && !h.Projected:
			return nil, fmt.Errorf("bank-holiday calendar: %s is published but follows a projected date", h.Date.Format(time.DateOnly))
		}
		seenProjected = seenProjected || h.Projected
		c.byDay[d] = i
		perYear[h.Date.Year()]++
	}
	y0, y1 := f.Holidays[0].Date.Year(), f.Holidays[len(f.Holidays)-1].Date.Year()
	for y := y0; y <= y1; y++ {
		// England and Wales have had at least eight bank holidays every
		// year since 1978; fewer means a year was left unfinished.
		if perYear[y] < 8 {
			return nil, fmt.Errorf("bank-holiday calendar: %d has %d holidays, want at least 8", y, perYear[y])
		}
	}
	c.first = civilDay(y0, time.January, 1)
	c.last = civilDay(y1, time.December, 31)
	return c, nil
}

// Region is the part of the United Kingdom the calendar is for.
func (c *Calendar) Region() string { return c.region }

// Source says where the dates come from.
func (c *Calendar) Source() string { return c.source }

// Location is the time zone whose days the calendar counts: a step taken
// at 00:30 on a summer morning in London was taken that day, although it
// is still the day before in UTC.
func (c *Calendar) Location() *time.Location { return c.loc }

// Holidays lists every bank holiday the calendar knows, in date order.
func (c *Calendar) Holidays() []BankHoliday { return slices.Clone(c.holidays) }

// Range returns the first and last days the calendar covers, as the start
// of each day in London.
func (c *Calendar) Range() (first, last time.Time) {
	return c.first.start(c.loc), c.last.start(c.loc)
}

// Covers reports whether the calendar knows the bank holidays of the day
// (in London) that t falls on.
func (c *Calendar) Covers(t time.Time) bool {
	d := dayIn(t, c.loc)
	return d >= c.first && d <= c.last
}

// Holiday returns the bank holiday falling on t's day, if any.
func (c *Calendar) Holiday(t time.Time) (BankHoliday, bool) {
	i, ok := c.byDay[dayIn(t, c.loc)]
	if !ok {
		return BankHoliday{}, false
	}
	return c.holidays[i], true
}

// IsWorkingDay reports whether t's day (in London) is a working day: a
// weekday that is not a bank holiday. Outside the calendar's range it can
// only judge weekends; AddWorkingDays and WorkingDaysBetween refuse such
// days, and so should any caller for whom the answer matters (Covers).
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(dayIn(t, c.loc)) }

func (c *Calendar) working(d calDay) bool {
	if d.weekend() {
		return false
	}
	_, holiday := c.byDay[d]
	return !holiday
}

// AddWorkingDays returns the nth working day after t's day, as the start
// of that day in London. Counting starts on the day after t, whatever t
// is, so "within 5 working days of X" ends at the end of
// AddWorkingDays(X, 5): an outcome decided on Thursday 24 December 2026
// must be sent by the end of Tuesday 5 January 2027 (25 and 28 December
// and 1 January are bank holidays). AddWorkingDays(t, 0) is t's own day.
// It fails with ErrOutsideCalendar if any day counted lies outside the
// calendar, and refuses negative n.
func (c *Calendar) AddWorkingDays(t time.Time, n int) (time.Time, error) {
	if n < 0 {
		return time.Time{}, fmt.Errorf("adding %d working days: the count must not be negative", n)
	}
	d := dayIn(t, c.loc)
	if err := c.check(d); err != nil {
		return time.Time{}, err
	}
	for n > 0 {
		d++
		if err := c.check(d); err != nil {
			return time.Time{}, err
		}
		if c.working(d) {
			n--
		}
	}
	return d.start(c.loc), nil
}

// WorkingDaysBetween counts the working days after a's day up to and
// including b's day, so that WorkingDaysBetween(a, AddWorkingDays(a, n))
// is n. It is negative when b's day is before a's and 0 when they are the
// same day. Both days must lie within the calendar.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) (int, error) {
	da, db := dayIn(a, c.loc), dayIn(b, c.loc)
	if err := c.check(da); err != nil {
		return 0, err
	}
	if err := c.check(db); err != nil {
		return 0, err
	}
	sign := 1
	if db < da {
		da, db, sign = db, da, -1
	}
	n := 0
	for d := da + 1; d <= db; d++ {
		if c.working(d) {
			n++
		}
	}
	return sign * n, nil
}

func (c *Calendar) check(d calDay) error {
	if d < c.first || d > c.last {
		return fmt.Errorf("%w: %s is outside %s to %s", ErrOutsideCalendar,
			d.String(), c.first.String(), c.last.String())
	}
	return nil
}

// calDay is a calendar day counted from 1 January 1970. Counting whole
// days keeps working-day arithmetic clear of clock changes: a day in
// London is 23 or 25 hours twice a year.
type calDay int

func civilDay(y int, m time.Month, d int) calDay {
	return calDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayIn is the day t falls on in loc.
func dayIn(t time.Time, loc *time.Location) calDay { return civilDay(t.In(loc).Date()) }

func (d calDay) date() (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// start is midnight at the beginning of the day in loc.
func (d calDay) start(loc *time.Location) time.Time {
	y, m, dd := d.date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// end is the last instant of the day in loc: a step done at any time on
// its due day is in time.
func (d calDay) end(loc *time.Location) time.Time { return (d + 1).start(loc).Add(-time.Nanosecond) }

func (d calDay) weekday() time.Weekday {
	// 1 January 1970 was a Thursday; the double modulo keeps days before
	// 1970 right.
	return time.Weekday(((int(d) % 7) + 7 + int(time.Thursday)) % 7)
}

func (d calDay) weekend() bool {
	w := d.weekday()
	return w == time.Saturday || w == time.Sunday
}

func (d calDay) String() string {
	y, m, dd := d.date()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
}

// addMonths moves d on by n calendar months, keeping the day of the month
// or, where the month is shorter, taking its last day: 12 months after 29
// February 2024 is 28 February 2025, 6 months after 31 August is the end
// of February. (time.AddDate would roll over into March instead.)
func (d calDay) addMonths(n int) calDay {
	y, m, dd := d.date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	lastDay := first.AddDate(0, 1, -1).Day()
	return civilDay(first.Year(), first.Month(), min(dd, lastDay))
}
