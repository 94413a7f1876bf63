package cases

import (
	"slices"
	"testing"
	"time"
)

func dlSum(spells []StateSpell) time.Duration {
	var d time.Duration
	for _, s := range spells {
		d += s.Duration
	}
	return d
}

func TestTimeInStatesSumsToTheCaseAge(t *testing.T) {
	c, h := dlComplaintHistory()
	for _, now := range []string{"2025-01-06 09:00", "2025-01-06 11:00", "2025-01-09 00:00", "2025-03-30 01:30",
		"2025-10-26 12:00", "2026-02-10 10:00", "2026-06-01 12:00"} {
		at := dlAt(now)
		st := TimeInStates(c, h, at)
		if got, want := dlSum(st.Spells), at.Sub(c.ReceivedAt); got != want {
			t.Errorf("%s: spells sum to %v, want %v", now, got, want)
		}
		var total time.Duration
		for _, d := range st.Total {
			total += d
		}
		if total != at.Sub(c.ReceivedAt) {
			t.Errorf("%s: totals sum to %v, want %v", now, total, at.Sub(c.ReceivedAt))
		}
		for i, s := range st.Spells {
			last := i == len(st.Spells)-1
			if last != s.To.IsZero() {
				t.Errorf("%s: spell %d (%s) To %v; only the last is ongoing", now, i, s.State, s.To)
			}
			if !last && (s.Duration != s.To.Sub(s.From) || !s.To.Equal(st.Spells[i+1].From)) {
				t.Errorf("%s: spell %d (%s) %v to %v lasts %v, next from %v", now, i, s.State, s.From, s.To, s.Duration, st.Spells[i+1].From)
			}
		}
	}
}

func TestTimeInStatesFollowsTheHistory(t *testing.T) {
	c, h := dlComplaintHistory()
	st := TimeInStates(c, h, dlAt("2026-03-12 12:00"))
	var got []State
	for _, s := range st.Spells {
		got = append(got, s.State)
	}
	want := []State{Received, InitialContact, RecordedSch3, LocalInvestigation, OutcomeNotified, Closed}
	if !slices.Equal(got, want) {
		t.Fatalf("states %v, want %v", got, want)
	}
	day := 24 * time.Hour
	for state, d := range map[State]time.Duration{
		Received:        2*day + time.Hour,    // 6 Jan 09:00 to 8 Jan 10:00
		InitialContact:  2*day + time.Hour,    // to 10 Jan 11:00
		RecordedSch3:    10*day - 2*time.Hour, // to 20 Jan 09:00
		OutcomeNotified: 30*day - time.Hour,   // 10 Feb 10:00 GMT to 12 Mar 09:00 GMT
		Closed:          3 * time.Hour,        // to now
		Withdrawn:       0,
	} {
		if st.Total[state] != d {
			t.Errorf("time in %s: %v, want %v", state, st.Total[state], d)
		}
	}
	// A state entered twice is totalled across both spells.
	c2 := Case{Kind: Complaint, ReceivedAt: dlAt("2026-01-05 09:00")}
	h2 := dlHistory(dlMove("2026-01-06 09:00", Received, RecordedSch3),
		dlMove("2026-01-07 09:00", RecordedSch3, LocalInvestigation),
		dlMove("2026-01-10 09:00", LocalInvestigation, Suspended),
		dlMove("2026-01-20 09:00", Suspended, LocalInvestigation))
	st2 := TimeInStates(c2, h2, dlAt("2026-01-25 09:00"))
	if st2.Total[LocalInvestigation] != 8*day || st2.Total[Suspended] != 10*day || len(st2.Spells) != 5 {
		t.Errorf("repeated state: %v over %d spells", st2.Total, len(st2.Spells))
	}
}

func TestTimeInStatesReadsEveryKindOfHistory(t *testing.T) {
	day := 24 * time.Hour
	recv := dlAt("2026-01-05 09:00")
	for _, tc := range []struct {
		name  string
		c     Case
		h     []Event
		now   string
		want  []State
		total map[State]time.Duration
	}{
		{
			// The demo generator writes "state_changed" events, then one
			// "recorded" event naming the state the case reached.
			name: "demo history",
			c:    Case{Kind: Complaint, State: LocalInvestigation, ReceivedAt: recv},
			h: dlHistory(
				Event{At: dlAt("2026-01-07 09:00"), Type: "state_changed", Detail: map[string]string{"from": "Received", "to": "InitialContact"}},
				Event{At: dlAt("2026-01-09 09:00"), Type: "state_changed", Detail: map[string]string{"from": "InitialContact", "to": "RecordedSch3"}},
				Event{At: dlAt("2026-01-19 09:00"), Type: "state_changed", Detail: map[string]string{"from": "RecordedSch3", "to": "LocalInvestigation"}},
				Event{At: dlAt("2026-02-01 09:00"), Type: "recorded", Detail: map[string]string{"state": "LocalInvestigation"}}),
			now:   "2026-02-05 09:00",
			want:  []State{Received, InitialContact, RecordedSch3, LocalInvestigation},
			total: map[State]time.Duration{Received: 2 * day, LocalInvestigation: 17 * day},
		},
		{
			name:  "no history: the case's state since receipt",
			c:     Case{Kind: ConductMatter, State: AllegationReceived, ReceivedAt: recv},
			now:   "2026-01-06 09:00",
			want:  []State{AllegationReceived},
			total: map[State]time.Duration{AllegationReceived: day},
		},
		{
			// An import that kept only some steps: the case is taken to have
			// reached its present state at the last event.
			name: "history short of the present state",
			c:    Case{Kind: ConductMatter, State: Reported, ReceivedAt: recv},
			h: dlHistory(dlMove("2026-01-06 09:00", AllegationReceived, SeverityAssessed),
				dlEvent("2026-01-08 09:00", "note")),
			now:   "2026-01-10 09:00",
			want:  []State{AllegationReceived, SeverityAssessed, Reported},
			total: map[State]time.Duration{SeverityAssessed: 2 * day, Reported: 2 * day},
		},
		{
			// Asked about an earlier moment, later events (and the case's
			// present state) do not count.
			name: "as at an earlier moment",
			c:    Case{Kind: Complaint, State: Closed, ReceivedAt: recv},
			h: dlHistory(dlMove("2026-01-06 09:00", Received, RecordedSch3),
				dlMove("2026-01-20 09:00", RecordedSch3, HandledOtherwise),
				dlMove("2026-02-20 09:00", HandledOtherwise, OutcomeNotified)),
			now:   "2026-01-10 09:00",
			want:  []State{Received, RecordedSch3},
			total: map[State]time.Duration{Received: day, RecordedSch3: 4 * day},
		},
		{
			// Events out of order in the slice are read in time order.
			name: "unordered events",
			c:    Case{Kind: Complaint, ReceivedAt: recv},
			h: []Event{
				{Seq: 2, At: dlAt("2026-01-07 09:00"), Type: "action", Detail: map[string]string{"from": "RecordedSch3", "to": "HandledOtherwise"}},
				{Seq: 1, At: dlAt("2026-01-06 09:00"), Type: "action", Detail: map[string]string{"from": "Received", "to": "RecordedSch3"}},
			},
			now:   "2026-01-08 09:00",
			want:  []State{Received, RecordedSch3, HandledOtherwise},
			total: map[State]time.Duration{RecordedSch3: day, HandledOtherwise: day},
		},
		{
			name: "not yet received",
			c:    Case{Kind: Complaint, ReceivedAt: recv},
			now:  "2026-01-01 09:00",
		},
	} {
		at := dlAt(tc.now)
		st := TimeInStates(tc.c, tc.h, at)
		var got []State
		for _, s := range st.Spells {
			got = append(got, s.State)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: states %v, want %v", tc.name, got, tc.want)
			continue
		}
		for s, d := range tc.total {
			if st.Total[s] != d {
				t.Errorf("%s: time in %s %v, want %v", tc.name, s, st.Total[s], d)
			}
		}
		if len(st.Spells) > 0 && dlSum(st.Spells) != at.Sub(recv) {
			t.Errorf("%s: spells sum to %v, want %v", tc.name, dlSum(st.Spells), at.Sub(recv))
		}
	}
}

// A complaint received on Monday 15 January 2024 and investigated locally
// from 1 February 2024.
func dlLongInvestigation(extra ...Event) (Case, []Event) {
	c := Case{Kind: Complaint, ReceivedAt: dlAt("2024-01-15 09:00")}
	h := append([]Event{
		dlMove("2024-01-16 09:00", Received, RecordedSch3),
		dlMove("2024-02-01 09:00", RecordedSch3, LocalInvestigation),
	}, extra...)
	slices.SortStableFunc(h, func(a, b Event) int { return a.At.Compare(b.At) })
	return c, dlHistory(h...)
}

type dlReport struct {
	number, months int
	due, mode, by  string
	made           bool
}

func dlReports(reps []Report) []dlReport {
	out := make([]dlReport, len(reps))
	for i, r := range reps {
		out[i] = dlReport{r.Number, r.Months, dlDay(r.Due), r.Mode, r.By, !r.MadeAt.IsZero()}
	}
	return out
}

func TestTwelveMonthReportThenEverySixMonths(t *testing.T) {
	c, h := dlLongInvestigation(dlEvent("2025-01-20 10:00", "overdue_investigation_report"))
	for _, tc := range []struct {
		now  string
		want []dlReport
	}{
		{"2025-01-15 12:00", nil}, // the 12th month is not yet over
		{"2025-01-16 00:01", []dlReport{{1, 12, "2025-01-15", "local", "appropriate authority", false}}},
		{"2025-08-01 12:00", []dlReport{
			{1, 12, "2025-01-15", "local", "appropriate authority", true},
			{2, 18, "2025-07-15", "local", "appropriate authority", false},
		}},
		{"2026-07-16 12:00", []dlReport{
			{1, 12, "2025-01-15", "local", "appropriate authority", true},
			{2, 18, "2025-07-15", "local", "appropriate authority", false},
			{3, 24, "2026-01-15", "local", "appropriate authority", false},
			{4, 30, "2026-07-15", "local", "appropriate authority", false},
		}},
	} {
		got := dlReports(OverdueInvestigationReports(c, h, dlAt(tc.now)))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.now, got, tc.want)
		}
	}
	reps := OverdueInvestigationReports(c, h, dlAt("2025-08-01 12:00"))
	if !slices.Equal(reps[0].To, []string{"local policing body", "IOPC"}) || reps[0].Source != "C&M 13; CR 19" {
		t.Errorf("local report goes to %v [%s]", reps[0].To, reps[0].Source)
	}
	// The deadline shows the first report not made: the 18-month one, late.
	dlCheck(t, "deadline", dlDeadlines(t, c, h, dlAt("2025-08-01 12:00")), map[Clock]dlWant{
		ClockOverdueInvestigationReport: {"2025-07-15", true, false},
		ClockProgressUpdate:             {"2024-02-13", true, false},
	})
	d := dlByClock(t, dlDeadlines(t, c, h, dlAt("2025-08-01 12:00")))[ClockOverdueInvestigationReport]
	if d.Title != "Further report on the unfinished investigation (18 months)" {
		t.Errorf("title %q", d.Title)
	}
}

func TestReportsMadeEarlyCountAgainstTheNext(t *testing.T) {
	c, h := dlLongInvestigation(dlEvent("2025-01-10 10:00", "overdue_investigation_report"))
	// Made five days before the 12-month mark: the next due is at 18 months.
	dlCheck(t, "early", dlDeadlines(t, c, h, dlAt("2025-01-12 12:00")), map[Clock]dlWant{
		ClockOverdueInvestigationReport: {"2025-07-15", false, false},
		ClockProgressUpdate:             {"2024-02-13", true, false},
	})
	reps := OverdueInvestigationReports(c, h, dlAt("2025-02-01 12:00"))
	if len(reps) != 1 || reps[0].MadeAt.IsZero() {
		t.Errorf("reports %v", dlReports(reps))
	}
}

func TestWhoReportsFollowsTheInvestigationMode(t *testing.T) {
	// Local at 12 months, independent at 18.
	c, h := dlLongInvestigation(
		dlMove("2025-03-01 09:00", LocalInvestigation, ReferredIOPC),
		dlMove("2025-03-15 09:00", ReferredIOPC, IndependentInvestigation))
	reps := OverdueInvestigationReports(c, h, dlAt("2025-08-01 12:00"))
	want := []dlReport{
		{1, 12, "2025-01-15", "local", "appropriate authority", false},
		{2, 18, "2025-07-15", "independent", "IOPC", false},
	}
	if got := dlReports(reps); !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if !slices.Equal(reps[1].To, []string{"local policing body", "chief officer"}) {
		t.Errorf("IOPC report goes to %v", reps[1].To)
	}
	// A directed investigation: the IOPC reports too.
	cd := Case{Kind: Complaint, ReceivedAt: dlAt("2024-01-15 09:00")}
	hd := dlHistory(dlMove("2024-01-16 09:00", Received, ReferredIOPC), dlMove("2024-02-16 09:00", ReferredIOPC, DirectedInvestigation))
	if got := dlReports(OverdueInvestigationReports(cd, hd, dlAt("2025-02-01 09:00"))); len(got) != 1 || got[0].mode != "directed" || got[0].by != "IOPC" {
		t.Errorf("directed: %v", got)
	}
	// Conduct matters: local unless referred; the mode on the event decides.
	for _, tc := range []struct {
		name string
		h    []Event
		mode string
	}{
		{"never referred", dlHistory(dlMove("2024-01-20 09:00", SeverityAssessed, Investigation),
			dlMove("2024-03-01 09:00", Investigation, Reg17Served)), "local"},
		{"referred, mode not recorded", dlHistory(dlMove("2024-01-16 09:00", AllegationReceived, ReferredIOPC),
			dlMove("2024-01-20 09:00", ReferredIOPC, SeverityAssessed),
			dlMove("2024-02-01 09:00", SeverityAssessed, Investigation)), ""},
		{"referred, directed", dlHistory(dlMove("2024-01-16 09:00", AllegationReceived, ReferredIOPC),
			dlMove("2024-01-20 09:00", ReferredIOPC, SeverityAssessed),
			dlMove("2024-02-01 09:00", SeverityAssessed, Investigation, "mode", "directed"),
			dlMove("2024-06-01 09:00", Investigation, Interviewed)), "directed"},
	} {
		cc := Case{Kind: ConductMatter, ReceivedAt: dlAt("2024-01-15 09:00")}
		reps := OverdueInvestigationReports(cc, tc.h, dlAt("2025-02-01 09:00"))
		if len(reps) != 1 || reps[0].Mode != tc.mode || (tc.mode == "") != (reps[0].By == "") {
			t.Errorf("%s: %v, want mode %q", tc.name, dlReports(reps), tc.mode)
		}
	}
	cc := Case{Kind: ConductMatter, ReceivedAt: dlAt("2024-01-15 09:00")}
	hu := dlHistory(dlMove("2024-01-16 09:00", AllegationReceived, ReferredIOPC), dlMove("2024-02-01 09:00", ReferredIOPC, Investigation))
	d := dlByClock(t, dlDeadlines(t, cc, hu, dlAt("2025-02-01 09:00")))[ClockOverdueInvestigationReport]
	if d.Note != "investigation mode not recorded: who reports to whom is unknown" {
		t.Errorf("unknown mode note %q", d.Note)
	}
}

func TestReportsOnlyWhileTheInvestigationIsOpen(t *testing.T) {
	recv := dlAt("2024-01-15 09:00")
	for _, tc := range []struct {
		name string
		h    []Event
		want []dlReport
	}{
		{"finished within 12 months", dlHistory(dlMove("2024-01-16 09:00", Received, RecordedSch3),
			dlMove("2024-02-01 09:00", RecordedSch3, LocalInvestigation),
			dlMove("2024-12-01 09:00", LocalInvestigation, OutcomeNotified)), nil},
		// Finished on the anniversary itself: within the 12 months.
		{"finished on the last day", dlHistory(dlMove("2024-02-01 09:00", RecordedSch3, LocalInvestigation),
			dlMove("2025-01-15 17:00", LocalInvestigation, OutcomeNotified)), nil},
		{"finished at 14 months", dlHistory(dlMove("2024-02-01 09:00", RecordedSch3, LocalInvestigation),
			dlMove("2025-03-15 09:00", LocalInvestigation, OutcomeNotified)),
			[]dlReport{{1, 12, "2025-01-15", "local", "appropriate authority", false}}},
		// Still awaiting a decision on handling at 12 months; investigated
		// from month 14: the first report owed is the 18-month one.
		{"investigation begun late", dlHistory(dlMove("2024-01-16 09:00", Received, RecordedSch3),
			dlMove("2025-03-15 09:00", RecordedSch3, LocalInvestigation)),
			[]dlReport{{2, 18, "2025-07-15", "local", "appropriate authority", false}}},
		{"never investigated", dlHistory(dlMove("2024-01-16 09:00", Received, RecordedSch3),
			dlMove("2024-02-01 09:00", RecordedSch3, HandledOtherwise)), nil},
	} {
		c := Case{Kind: Complaint, ReceivedAt: recv}
		if got := dlReports(OverdueInvestigationReports(c, tc.h, dlAt("2025-08-01 12:00"))); !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.want)
		}
	}
}

// A suspension moves no report date: nothing in C&M 13 or CR 19 pauses
// the reports, and an investigation suspended is still unfinished.
func TestSuspensionMovesNoReportDate(t *testing.T) {
	c, plain := dlLongInvestigation()
	_, suspended := dlLongInvestigation(
		dlMove("2024-10-10 10:00", LocalInvestigation, Suspended),
		dlMove("2024-11-09 10:00", Suspended, LocalInvestigation))
	now := dlAt("2026-03-01 12:00")
	a, b := OverdueInvestigationReports(c, plain, now), OverdueInvestigationReports(c, suspended, now)
	if len(a) != 3 || !slices.Equal(dlReports(a), dlReports(b)) {
		t.Fatalf("reports: %v and %v", dlReports(a), dlReports(b))
	}
	// While suspended from an investigation, the report clock runs on.
	_, ongoing := dlLongInvestigation(dlMove("2025-01-01 10:00", LocalInvestigation, Suspended))
	d := dlByClock(t, dlDeadlines(t, c, ongoing, dlAt("2025-03-01 12:00")))[ClockOverdueInvestigationReport]
	if !d.Overdue || dlDay(d.Due) != "2025-01-15" {
		t.Errorf("suspended investigation: %+v", d)
	}
}
