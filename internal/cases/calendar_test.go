package cases

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Helpers shared by the calendar, deadline and timeliness tests; named
// with a "dl" prefix to stay clear of other test files in the package.

var dlLondon = englandLocation()

// dlAt reads "2006-01-02 15:04" as a time in London.
func dlAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, dlLondon)
	if err != nil {
		panic(err)
	}
	return t
}

// dlDate reads "2006-01-02" as midnight in London.
func dlDate(s string) time.Time { return dlAt(s + " 00:00") }

// dlDay is the London day of t.
func dlDay(t time.Time) string { return t.In(dlLondon).Format(time.DateOnly) }

func dlCal(t testing.TB) *Calendar {
	t.Helper()
	c, err := LoadCalendar()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// easterSunday is the anonymous Gregorian (Meeus/Jones/Butcher) algorithm,
// independent of the data file, to check its Easter dates.
func easterSunday(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func TestEasterAlgorithmItself(t *testing.T) {
	// Known Easter Sundays, including the earliest and latest possible.
	for _, want := range []string{"2008-03-23", "2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20",
		"2038-04-25", "2285-03-22"} {
		d, _ := time.Parse(time.DateOnly, want)
		if got := easterSunday(d.Year()).Format(time.DateOnly); got != want {
			t.Errorf("Easter %d: %s, want %s", d.Year(), got, want)
		}
	}
}

func TestCalendarCoversTwentyTwelveToTwentyThirty(t *testing.T) {
	cal := dlCal(t)
	first, last := cal.Range()
	if dlDay(first) != "2012-01-01" || dlDay(last) != "2030-12-31" {
		t.Errorf("range %s to %s, want 2012-01-01 to 2030-12-31", dlDay(first), dlDay(last))
	}
	if cal.Region() != "england-and-wales" || !strings.Contains(cal.Source(), "GOV.UK") {
		t.Errorf("region %q, source %q", cal.Region(), cal.Source())
	}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{dlAt("2011-12-31 23:59"), false},
		{dlAt("2012-01-01 00:00"), true},
		{dlAt("2030-12-31 23:59"), true},
		{dlAt("2031-01-01 00:00"), false},
		// 23:30 UTC on 31 December 2030 is still 2030 in London (GMT).
		{time.Date(2030, 12, 31, 23, 30, 0, 0, time.UTC), true},
	} {
		if got := cal.Covers(tc.at); got != tc.want {
			t.Errorf("Covers(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestBankHolidayCountPerYear(t *testing.T) {
	want := map[int]int{2012: 9, 2020: 8, 2022: 10, 2023: 9} // every other year: 8
	got := map[int]int{}
	for _, h := range dlCal(t).Holidays() {
		got[h.Date.Year()]++
	}
	for y := 2012; y <= 2030; y++ {
		w, ok := want[y]
		if !ok {
			w = 8
		}
		if got[y] != w {
			t.Errorf("%d: %d bank holidays, want %d", y, got[y], w)
		}
	}
	if len(got) != 19 {
		t.Errorf("%d years of holidays, want 19 (2012-2030)", len(got))
	}
}

// ruleHolidays is what the standing rules give for a year, with the
// changes made by proclamation in the years that had them.
func ruleHolidays(y int) []string {
	d := func(m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	monday := func(from time.Time, step int) time.Time {
		for from.Weekday() != time.Monday {
			from = from.AddDate(0, 0, step)
		}
		return from
	}
	var out []time.Time
	switch d(1, 1).Weekday() {
	case time.Saturday:
		out = append(out, d(1, 3))
	case time.Sunday:
		out = append(out, d(1, 2))
	default:
		out = append(out, d(1, 1))
	}
	e := easterSunday(y)
	out = append(out, e.AddDate(0, 0, -2), e.AddDate(0, 0, 1))
	earlyMay, spring := monday(d(5, 1), 1), monday(d(5, 31), -1)
	switch y {
	case 2012: // Diamond Jubilee: spring holiday moved, extra day
		spring = d(6, 4)
		out = append(out, d(6, 5))
	case 2020: // VE day 75th anniversary: early May holiday moved to Friday
		earlyMay = d(5, 8)
	case 2022: // Platinum Jubilee; the Queen's state funeral
		spring = d(6, 2)
		out = append(out, d(6, 3), d(9, 19))
	case 2023: // coronation of King Charles III
		out = append(out, d(5, 8))
	}
	out = append(out, earlyMay, spring, monday(d(8, 31), -1))
	switch d(12, 25).Weekday() {
	case time.Friday:
		out = append(out, d(12, 25), d(12, 28))
	case time.Saturday:
		out = append(out, d(12, 27), d(12, 28))
	case time.Sunday:
		out = append(out, d(12, 26), d(12, 27))
	default:
		out = append(out, d(12, 25), d(12, 26))
	}
	s := make([]string, len(out))
	for i, t := range out {
		s[i] = t.Format(time.DateOnly)
	}
	slices.Sort(s)
	return s
}

func TestBankHolidaysFollowTheRulesEveryYear(t *testing.T) {
	byYear := map[int][]string{}
	for _, h := range dlCal(t).Holidays() {
		byYear[h.Date.Year()] = append(byYear[h.Date.Year()], h.Date.Format(time.DateOnly))
	}
	for y := 2012; y <= 2030; y++ {
		if want := ruleHolidays(y); !slices.Equal(byYear[y], want) {
			t.Errorf("%d:\n got %v\nwant %v", y, byYear[y], want)
		}
	}
}

func TestGoodFridayAndEasterMondayMatchTheAlgorithm(t *testing.T) {
	cal := dlCal(t)
	for y := 2012; y <= 2030; y++ {
		e := easterSunday(y)
		for _, tc := range []struct {
			day   time.Time
			title string
		}{{e.AddDate(0, 0, -2), "Good Friday"}, {e.AddDate(0, 0, 1), "Easter Monday"}} {
			d := dlDate(tc.day.Format(time.DateOnly))
			h, ok := cal.Holiday(d)
			if !ok || h.Title != tc.title {
				t.Errorf("%d: %s should be %s, got %+v (holiday %v)", y, dlDay(d), tc.title, h, ok)
			}
		}
	}
}

func TestSpecialYears(t *testing.T) {
	cal := dlCal(t)
	for _, tc := range []struct {
		day     string
		holiday bool
		title   string // a word the title must contain
	}{
		{"2012-05-28", false, ""}, // spring holiday moved to 4 June
		{"2012-06-04", true, "Spring"},
		{"2012-06-05", true, "Diamond Jubilee"},
		{"2020-05-04", false, ""}, // early May holiday moved to VE day
		{"2020-05-08", true, "VE day"},
		{"2022-05-30", false, ""}, // spring holiday moved to 2 June
		{"2022-06-02", true, "Spring"},
		{"2022-06-03", true, "Platinum Jubilee"},
		{"2022-09-19", true, "State Funeral"},
		{"2023-05-01", true, "Early May"},
		{"2023-05-08", true, "coronation"},
		{"2021-12-27", true, "Christmas"}, // 25th a Saturday
		{"2021-12-28", true, "Boxing"},
		{"2022-12-26", true, "Boxing"}, // 25th a Sunday
		{"2022-12-27", true, "Christmas"},
		{"2022-01-03", true, "New Year"}, // 1st a Saturday
		{"2023-01-02", true, "New Year"}, // 1st a Sunday
		{"2026-12-25", true, "Christmas"},
		{"2026-12-28", true, "Boxing"}, // 26th a Saturday
		{"2027-12-27", true, "Christmas"},
		{"2027-12-28", true, "Boxing"},
		{"2026-08-31", true, "Summer"},
		{"2026-12-24", false, ""},
	} {
		h, ok := cal.Holiday(dlDate(tc.day))
		if ok != tc.holiday || !strings.Contains(h.Title, tc.title) {
			t.Errorf("%s: holiday %v %q, want %v containing %q", tc.day, ok, h.Title, tc.holiday, tc.title)
		}
	}
}

func TestProjectedDatesComeAfterThePublishedOnes(t *testing.T) {
	for _, h := range dlCal(t).Holidays() {
		if want := h.Date.Year() >= 2027; h.Projected != want {
			t.Errorf("%s: projected %v, want %v", h.Date.Format(time.DateOnly), h.Projected, want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	cal := dlCal(t)
	for _, tc := range []struct {
		day  string
		want bool
	}{
		{"2026-03-13", true},  // Friday
		{"2026-03-14", false}, // Saturday
		{"2026-03-15", false}, // Sunday
		{"2026-04-03", false}, // Good Friday
		{"2026-04-06", false}, // Easter Monday
		{"2026-04-07", true},
		{"2026-12-28", false}, // Boxing Day substitute
		{"2026-12-29", true},
	} {
		if got := cal.IsWorkingDay(dlDate(tc.day)); got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := dlCal(t)
	for _, tc := range []struct {
		name  string
		start time.Time
		n     int
		want  string
	}{
		{"same day", dlAt("2026-03-11 15:00"), 0, "2026-03-11"},
		{"next day", dlAt("2026-03-11 15:00"), 1, "2026-03-12"},
		{"over a weekend", dlAt("2026-01-09 10:00"), 1, "2026-01-12"},
		{"from a Saturday counts from Monday", dlAt("2026-01-10 10:00"), 1, "2026-01-12"},
		{"15 working days in January", dlAt("2026-01-07 10:00"), 15, "2026-01-28"},
		{"over Easter", dlAt("2026-04-02 10:00"), 1, "2026-04-07"},
		{"5 over Easter", dlAt("2026-04-01 10:00"), 5, "2026-04-10"},
		// 25 Dec (Fri), 28 Dec (Boxing Day substitute), 1 Jan are holidays:
		// 29, 30, 31 Dec, 4, 5 Jan.
		{"outcome notice over Christmas", dlAt("2026-12-24 16:00"), 5, "2027-01-05"},
		{"over the late-August holiday", dlAt("2026-08-27 10:00"), 7, "2026-09-08"},
		{"over the state funeral", dlAt("2022-09-16 10:00"), 1, "2022-09-20"},
		{"over the coronation", dlAt("2023-05-05 10:00"), 1, "2023-05-09"},
		// 00:30 on 1 July in London is still 30 June in UTC: the count
		// starts from the London day.
		{"London day, not UTC", time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), 1, "2026-07-02"},
		{"to the last day covered", dlAt("2030-12-20 10:00"), 5, "2030-12-31"},
	} {
		got, err := cal.AddWorkingDays(tc.start, tc.n)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if dlDay(got) != tc.want {
			t.Errorf("%s: %s + %d working days = %s, want %s", tc.name, dlDay(tc.start), tc.n, dlDay(got), tc.want)
		}
		if got.Location().String() != "Europe/London" || got.Hour() != 0 || got.Minute() != 0 {
			t.Errorf("%s: %v is not the start of a day in London", tc.name, got)
		}
		back, err := cal.WorkingDaysBetween(tc.start, got)
		if err != nil || back != tc.n {
			t.Errorf("%s: WorkingDaysBetween = %d, %v; want %d", tc.name, back, err, tc.n)
		}
		if rev, _ := cal.WorkingDaysBetween(got, tc.start); rev != -tc.n {
			t.Errorf("%s: WorkingDaysBetween reversed = %d, want %d", tc.name, rev, -tc.n)
		}
	}
}

func TestAddWorkingDaysLandsOnWorkingDaysAndInverts(t *testing.T) {
	cal := dlCal(t)
	for d := dlDate("2025-12-01"); d.Year() < 2027; d = d.AddDate(0, 0, 1) {
		for _, n := range []int{1, 3, 5, 7, 15} {
			got, err := cal.AddWorkingDays(d, n)
			if err != nil {
				t.Fatal(err)
			}
			if !cal.IsWorkingDay(got) {
				t.Fatalf("%s + %d = %s, not a working day", dlDay(d), n, dlDay(got))
			}
			if prev, _ := cal.AddWorkingDays(d, n-1); !got.After(prev) {
				t.Fatalf("%s + %d = %s is not after + %d = %s", dlDay(d), n, dlDay(got), n-1, dlDay(prev))
			}
			if back, _ := cal.WorkingDaysBetween(d, got); back != n {
				t.Fatalf("%s + %d = %s, but %d working days between", dlDay(d), n, dlDay(got), back)
			}
		}
	}
}

func TestDatesOutsideTheCalendarAreRefused(t *testing.T) {
	cal := dlCal(t)
	for _, tc := range []struct {
		name  string
		start time.Time
		n     int
	}{
		{"starts before 2012", dlAt("2011-12-30 10:00"), 1},
		{"runs past 2030", dlAt("2030-12-20 10:00"), 6},
		{"starts after 2030", dlAt("2031-03-02 10:00"), 0},
	} {
		if _, err := cal.AddWorkingDays(tc.start, tc.n); !errors.Is(err, ErrOutsideCalendar) {
			t.Errorf("%s: err %v, want ErrOutsideCalendar", tc.name, err)
		}
	}
	if _, err := cal.WorkingDaysBetween(dlAt("2026-01-01 10:00"), dlAt("2031-01-02 10:00")); !errors.Is(err, ErrOutsideCalendar) {
		t.Errorf("WorkingDaysBetween into 2031: err %v, want ErrOutsideCalendar", err)
	}
	if _, err := cal.AddWorkingDays(dlAt("2026-01-01 10:00"), -1); err == nil {
		t.Error("a negative count was accepted")
	}
}

func TestParseCalendarRefusesBadData(t *testing.T) {
	year := func(y int, extra string) string {
		// Eight holidays, all weekdays, for any year: the first eight
		// Mondays to Fridays of June are enough for the shape checks.
		var hs []string
		for d := time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC); len(hs) < 8; d = d.AddDate(0, 0, 1) {
			if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				hs = append(hs, fmt.Sprintf(`{"date": %q, "title": "x", "projected": false}`, d.Format(time.DateOnly)))
			}
		}
		if extra != "" {
			hs = append(hs, extra)
		}
		return strings.Join(hs, ",")
	}
	file := func(name, region, holidays string) string {
		return fmt.Sprintf(`{"name": %q, "region": %q, "source": "test", "holidays": [%s]}`, name, region, holidays)
	}
	good := file("bank-holidays", "england-and-wales", year(2026, "")+","+year(2027, ""))
	if _, err := ParseCalendar([]byte(good)); err != nil {
		t.Fatalf("a good file was refused: %v", err)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"wrong name", file("complaint-categories", "england-and-wales", year(2026, "")), "name"},
		{"wrong region", file("bank-holidays", "scotland", year(2026, "")), "region"},
		{"unknown field", strings.Replace(good, `"source"`, `"notes": "x", "source"`, 1), "unknown field"},
		{"a weekend", file("bank-holidays", "england-and-wales",
			year(2026, `{"date": "2026-12-26", "title": "Boxing Day", "projected": false}`)), "Saturday"},
		{"out of order", file("bank-holidays", "england-and-wales",
			year(2026, `{"date": "2026-01-01", "title": "New Year", "projected": false}`)), "out of order"},
		{"a year missing", file("bank-holidays", "england-and-wales", year(2026, "")+","+year(2028, "")), "2027 has 0"},
		{"a year unfinished", file("bank-holidays", "england-and-wales",
			year(2026, "")+`,{"date": "2027-01-01", "title": "New Year", "projected": false}`), "2027 has 1"},
		{"published after projected", file("bank-holidays", "england-and-wales",
			strings.Replace(year(2026, ""), `"projected": false`, `"projected": true`, 1)), "projected"},
		{"bad date", file("bank-holidays", "england-and-wales",
			year(2026, `{"date": "2026-13-01", "title": "x", "projected": false}`)), "YYYY-MM-DD"},
	} {
		_, err := ParseCalendar([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestAddMonthsKeepsToTheMonth(t *testing.T) {
	for _, tc := range []struct {
		from   string
		months int
		want   string
	}{
		{"2025-01-06", 12, "2026-01-06"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2023-08-31", 18, "2025-02-28"},
		{"2023-08-31", 24, "2025-08-31"},
		{"2025-10-31", 6, "2026-04-30"},
		{"2025-12-15", 1, "2026-01-15"},
	} {
		d, _ := time.Parse(time.DateOnly, tc.from)
		if got := civilDay(d.Date()).addMonths(tc.months).String(); got != tc.want {
			t.Errorf("%s + %d months = %s, want %s", tc.from, tc.months, got, tc.want)
		}
	}
}

func TestWeekdayOfDaysBeforeNineteenSeventy(t *testing.T) {
	for _, s := range []string{"1969-12-31", "1969-12-28", "1900-01-01", "1970-01-01", "2026-03-14"} {
		d, _ := time.Parse(time.DateOnly, s)
		if got := civilDay(d.Date()).weekday(); got != d.Weekday() {
			t.Errorf("%s: %s, want %s", s, got, d.Weekday())
		}
	}
}
