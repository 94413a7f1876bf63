package cases

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// dlMove is a workflow action moving a case between states, with extra
// detail given as key, value pairs.
func dlMove(at string, from, to State, kv ...string) Event {
	e := dlEvent(at, "action", kv...)
	e.Detail["from"], e.Detail["to"] = string(from), string(to)
	return e
}

func dlEvent(at, typ string, kv ...string) Event {
	e := Event{At: dlAt(at), Actor: "user-1", Type: typ, Detail: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Detail[kv[i]] = kv[i+1]
	}
	return e
}

// dlHistory numbers events in the order given, as the store would.
func dlHistory(evs ...Event) []Event {
	out := slices.Clone(evs)
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

// dlByClock indexes deadlines by clock, failing on a repeated clock.
func dlByClock(t *testing.T, ds []Deadline) map[Clock]Deadline {
	t.Helper()
	m := map[Clock]Deadline{}
	for _, d := range ds {
		if _, dup := m[d.Clock]; dup {
			t.Errorf("clock %s listed twice", d.Clock)
		}
		m[d.Clock] = d
	}
	return m
}

type dlWant struct {
	due     string // London day of Due
	overdue bool
	paused  bool // no clock pauses any more (C&M 13, 34; CR 19): a want of true fails
}

// dlCheck compares the deadlines at now with want, exactly: a clock that
// should not run must not be listed.
func dlCheck(t *testing.T, label string, ds []Deadline, want map[Clock]dlWant) {
	t.Helper()
	got := dlByClock(t, ds)
	for clock, w := range want {
		d, ok := got[clock]
		if !ok {
			t.Errorf("%s: no %s deadline; got %v", label, clock, dlClocks(ds))
			continue
		}
		if dlDay(d.Due) != w.due || d.Overdue != w.overdue || w.paused {
			t.Errorf("%s: %s due %s overdue %v; want %s, %v, paused %v (note %q, problem %q)", label, clock,
				dlDay(d.Due), d.Overdue, w.due, w.overdue, w.paused, d.Note, d.Problem)
		}
	}
	for clock := range got {
		if _, ok := want[clock]; !ok {
			t.Errorf("%s: unexpected %s deadline due %s", label, clock, dlDay(got[clock].Due))
		}
	}
}

func dlClocks(ds []Deadline) []Clock {
	out := make([]Clock, len(ds))
	for i, d := range ds {
		out[i] = d.Clock
	}
	return out
}

func dlDeadlines(t *testing.T, c Case, h []Event, now time.Time) []Deadline {
	t.Helper()
	ds, err := Deadlines(c, h, dlCal(t), now)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestEveryClockHasOneSourcedLimit(t *testing.T) {
	clocks := []Clock{ClockReviewApplication, ClockProgressUpdate, ClockOutcomeNotice, ClockOverdueInvestigationReport,
		ClockOfficerReply, ClockWitnessLists, ClockPreHearing, ClockMeetingAppeal, ClockPATPapers, ClockRPRPAccount,
		ClockOfficerRepresentations, ClockAlternativeInterview, ClockAlternativePreHearing, ClockOutcomeReport,
		ClockPATAppeal, ClockResumptionReply,
		ClockIOPCReferral}
	limits := ClockLimits()
	if len(limits) != len(clocks) {
		t.Errorf("%d limits for %d clocks", len(limits), len(clocks))
	}
	for _, c := range clocks {
		l, ok := c.Limit()
		if !ok || l.Source == "" || l.Title == "" || l.Amount <= 0 || l.From == "" || l.StartsOn == "" {
			t.Errorf("clock %s: limit %+v", c, l)
		}
	}
	want := map[Clock]struct {
		amount int
		unit   LimitUnit
		source string
	}{
		ClockReviewApplication:          {28, UnitDays, "C&M 29"},
		ClockProgressUpdate:             {28, UnitDays, "C&M 34"},
		ClockOutcomeNotice:              {5, UnitWorkingDays, "C&M 34"},
		ClockOverdueInvestigationReport: {12, UnitMonths, "C&M 13; CR 19"},
		ClockOfficerReply:               {15, UnitWorkingDays, "CR 31"},
		ClockWitnessLists:               {3, UnitWorkingDays, "CR 31"},
		ClockPreHearing:                 {15, UnitWorkingDays, "CR 33"},
		ClockMeetingAppeal:              {7, UnitWorkingDays, "CR 45"},
		ClockPATPapers:                  {15, UnitWorkingDays, "PAT 13"},
		ClockRPRPAccount:                {5, UnitWorkingDays, "CR Part 6"},
		ClockIOPCReferral:               {1, UnitDays, "C&M 4; Sch3 4(4)"},
		ClockOfficerRepresentations:     {10, UnitWorkingDays, "CR 18"},
		ClockAlternativeInterview:       {5, UnitWorkingDays, "CR 20(5)"},
		ClockAlternativePreHearing:      {5, UnitWorkingDays, "CR 33(3)"},
		ClockOutcomeReport:              {5, UnitWorkingDays, "CR 43"},
		ClockPATAppeal:                  {10, UnitWorkingDays, "PAT 6"},
		ClockResumptionReply:            {28, UnitDays, "C&M 41"},
	}
	for c, w := range want {
		l, _ := c.Limit()
		if l.Amount != w.amount || l.Unit != w.unit || l.Source != w.source {
			t.Errorf("%s: %d %s [%s], want %d %s [%s]", c, l.Amount, l.Unit, l.Source, w.amount, w.unit, w.source)
		}
	}
	if l, _ := ClockOverdueInvestigationReport.Limit(); l.ThenEvery != 6 {
		t.Errorf("overdue report: then every %d, want 6", l.ThenEvery)
	}
}

// A complaint received on Monday 6 January 2025, recorded under Schedule 3,
// investigated locally, decided, notified, and left to close.
func dlComplaintHistory() (Case, []Event) {
	c := Case{ID: "c-1", Kind: Complaint, State: Closed, ReceivedAt: dlAt("2025-01-06 09:00")}
	h := dlHistory(
		dlEvent("2025-01-06 10:00", "recorded", "state", string(Received)),
		dlMove("2025-01-08 10:00", Received, InitialContact),
		dlMove("2025-01-10 11:00", InitialContact, RecordedSch3),
		dlMove("2025-01-20 09:00", RecordedSch3, LocalInvestigation),
		dlEvent("2025-02-03 14:00", "progress_update"),
		dlEvent("2026-01-08 12:00", "overdue_investigation_report"),
		dlEvent("2026-02-05 10:00", "outcome_decided"),
		dlMove("2026-02-10 10:00", LocalInvestigation, OutcomeNotified),
		dlMove("2026-03-12 09:00", OutcomeNotified, Closed),
	)
	return c, h
}

func TestDeadlinesOfAComplaintThroughItsLife(t *testing.T) {
	c, h := dlComplaintHistory()
	for _, tc := range []struct {
		now  string
		want map[Clock]dlWant
	}{
		{"2025-01-06 12:00", nil}, // received: no statutory clock yet
		{"2025-01-09 12:00", nil}, // initial contact
		// Recorded Friday 10 January: the first update is due 4 weeks on.
		{"2025-01-15 12:00", map[Clock]dlWant{ClockProgressUpdate: {"2025-02-07", false, false}}},
		{"2025-02-07 23:00", map[Clock]dlWant{
			ClockProgressUpdate:             {"2025-03-03", false, false}, // from the update of 3 February
			ClockOverdueInvestigationReport: {"2026-01-06", false, false},
		}},
		{"2025-03-04 09:00", map[Clock]dlWant{
			ClockProgressUpdate:             {"2025-03-03", true, false},
			ClockOverdueInvestigationReport: {"2026-01-06", false, false},
		}},
		// The 12-month report was made on 8 January 2026; the next is due at
		// 18 months. The outcome was decided on Thursday 5 February: the
		// notice is due 5 working days later, Thursday 12 February.
		{"2026-02-06 12:00", map[Clock]dlWant{
			ClockProgressUpdate:             {"2025-03-03", true, false},
			ClockOverdueInvestigationReport: {"2026-07-06", false, false},
			ClockOutcomeNotice:              {"2026-02-12", false, false},
		}},
		// Notified Tuesday 10 February: 28 days from the day after.
		{"2026-02-11 12:00", map[Clock]dlWant{ClockReviewApplication: {"2026-03-10", false, false}}},
		{"2026-03-10 23:59", map[Clock]dlWant{ClockReviewApplication: {"2026-03-10", false, false}}},
		{"2026-03-11 00:01", map[Clock]dlWant{ClockReviewApplication: {"2026-03-10", true, false}}},
		{"2026-03-13 12:00", nil}, // closed
	} {
		dlCheck(t, tc.now, dlDeadlines(t, c, h, dlAt(tc.now)), tc.want)
	}
}

func TestDeadlineFieldsSayWhatTheyCountFrom(t *testing.T) {
	c, h := dlComplaintHistory()
	now := dlAt("2025-02-07 09:00")
	got := dlByClock(t, dlDeadlines(t, c, h, now))
	pu := got[ClockProgressUpdate]
	if !pu.StartedAt.Equal(dlAt("2025-02-03 14:00")) || pu.Source != "C&M 34" ||
		pu.Title != "Progress update to the complainant" || pu.DaysLeft != 24 || !pu.AsOf.Equal(now) {
		t.Errorf("progress update: %+v", pu)
	}
	if want := dlAt("2025-03-04 00:00").Add(-time.Nanosecond); !pu.Due.Equal(want) {
		t.Errorf("progress update due %v, want the end of 3 March %v", pu.Due, want)
	}
	rep := got[ClockOverdueInvestigationReport]
	if !rep.StartedAt.Equal(c.ReceivedAt) || !strings.Contains(rep.Note, "appropriate authority reports to the local policing body and the IOPC") {
		t.Errorf("12-month report: %+v", rep)
	}
	// Overdue deadlines count their days left below zero.
	later := dlByClock(t, dlDeadlines(t, c, h, dlAt("2025-03-10 09:00")))[ClockProgressUpdate]
	if !later.Overdue || later.DaysLeft != -7 {
		t.Errorf("a week late: overdue %v, days left %d; want true, -7", later.Overdue, later.DaysLeft)
	}
}

func TestReviewWindowCountsLondonDays(t *testing.T) {
	// Notified at 00:30 on 1 July in London, 23:30 on 30 June in UTC: the
	// day after the notice is 2 July, so the 28th day is 29 July.
	c := Case{Kind: Complaint, ReceivedAt: dlAt("2026-01-05 09:00")}
	n := Event{At: time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), Type: "action",
		Detail: map[string]string{"from": string(HandledOtherwise), "to": string(OutcomeNotified)}}
	h := dlHistory(dlMove("2026-01-06 09:00", Received, RecordedSch3), dlMove("2026-01-07 09:00", RecordedSch3, HandledOtherwise), n)
	dlCheck(t, "July", dlDeadlines(t, c, h, dlAt("2026-07-02 12:00")),
		map[Clock]dlWant{ClockReviewApplication: {"2026-07-29", false, false}})
}

func TestProgressUpdatesOnlyWhileHandledUnderSchedule3(t *testing.T) {
	base := func(evs ...Event) []Event {
		return dlHistory(append([]Event{dlEvent("2026-01-05 09:00", "recorded", "state", string(Received))}, evs...)...)
	}
	for _, tc := range []struct {
		name string
		kind Kind
		h    []Event
		want map[Clock]dlWant
	}{
		{"logged outside Schedule 3", Complaint, base(dlMove("2026-01-06 09:00", Received, InitialContact),
			dlMove("2026-01-07 09:00", InitialContact, LoggedOutsideSch3)), nil},
		{"handled otherwise", Complaint, base(dlMove("2026-01-06 09:00", Received, RecordedSch3),
			dlMove("2026-01-07 09:00", RecordedSch3, HandledOtherwise)),
			map[Clock]dlWant{ClockProgressUpdate: {"2026-02-03", false, false}}},
		{"referred to the IOPC", Complaint, base(dlMove("2026-01-06 09:00", Received, RecordedSch3),
			dlMove("2026-01-07 09:00", RecordedSch3, ReferredIOPC)),
			map[Clock]dlWant{ClockProgressUpdate: {"2026-02-03", false, false}}},
		{"withdrawn", Complaint, base(dlMove("2026-01-06 09:00", Received, RecordedSch3),
			dlMove("2026-01-07 09:00", RecordedSch3, Withdrawn)), nil},
		{"under review", Complaint, base(dlMove("2026-01-06 09:00", Received, RecordedSch3),
			dlMove("2026-01-07 09:00", RecordedSch3, HandledOtherwise),
			dlMove("2026-01-08 09:00", HandledOtherwise, OutcomeNotified),
			dlMove("2026-01-09 09:00", OutcomeNotified, ReviewRequested)), nil},
		// A review upheld sends the complaint back for more work: updates
		// are owed again, counted from its return.
		{"back after a review", Complaint, base(dlMove("2026-01-06 09:00", Received, RecordedSch3),
			dlMove("2026-01-07 09:00", RecordedSch3, HandledOtherwise),
			dlMove("2026-01-08 09:00", HandledOtherwise, OutcomeNotified),
			dlMove("2026-01-09 09:00", OutcomeNotified, ReviewRequested),
			dlMove("2026-01-12 09:00", ReviewRequested, ReviewUpheld),
			dlMove("2026-01-13 09:00", ReviewUpheld, LocalInvestigation)),
			map[Clock]dlWant{ClockProgressUpdate: {"2026-02-10", false, false},
				ClockOverdueInvestigationReport: {"2027-01-05", false, false}}},
		// No complainant on a conduct matter: no updates; the 12-month rule
		// still applies to its investigation.
		{"conduct matter", ConductMatter, dlHistory(dlMove("2026-01-06 09:00", AllegationReceived, SeverityAssessed),
			dlMove("2026-01-07 09:00", SeverityAssessed, Investigation)),
			map[Clock]dlWant{ClockOverdueInvestigationReport: {"2027-01-05", false, false}}},
	} {
		c := Case{Kind: tc.kind, ReceivedAt: dlAt("2026-01-05 09:00")}
		dlCheck(t, tc.name, dlDeadlines(t, c, tc.h, dlAt("2026-01-20 12:00")), tc.want)
	}
}

// A conduct matter referred to a misconduct hearing and appealed.
func TestDeadlinesOfAHearing(t *testing.T) {
	c := Case{Kind: ConductMatter, ReceivedAt: dlAt("2026-01-05 09:00")}
	h := dlHistory(
		dlMove("2026-01-06 09:00", AllegationReceived, SeverityAssessed),
		dlMove("2026-01-07 09:00", SeverityAssessed, Investigation),
		dlMove("2026-01-20 09:00", Investigation, Reg17Served),
		dlEvent("2026-01-30 09:00", "officer_representations"),
		dlMove("2026-02-20 09:00", Reg17Served, Interviewed),
		dlMove("2026-04-20 09:00", Interviewed, Reported),
		dlMove("2026-05-11 09:00", Reported, CaseToAnswer),
		dlMove("2026-06-01 09:00", CaseToAnswer, HearingReferred),
		dlMove("2026-06-08 09:00", HearingReferred, NoticeServed),
		dlMove("2026-07-03 09:00", NoticeServed, OfficerResponse),
		dlMove("2026-07-08 09:00", OfficerResponse, Witnesses),
		// The chair directs a pre-hearing for Monday 20 July [CR 33].
		dlEvent("2026-07-08 10:00", "pre_hearing_date_set", "on", "2026-07-20"),
		dlMove("2026-07-20 09:00", Witnesses, PreHearing),
		dlMove("2026-08-17 09:00", PreHearing, Held),
		dlMove("2026-08-19 09:00", Held, Outcome),
		dlMove("2026-09-01 09:00", Outcome, Appeal),
	)
	for _, tc := range []struct {
		now  string
		want map[Clock]dlWant
	}{
		{"2026-03-01 12:00", map[Clock]dlWant{ClockOverdueInvestigationReport: {"2027-01-05", false, false}}},
		{"2026-04-21 12:00", nil}, // reported: the investigation is over
		// Served Monday 8 June: 15 working days is Monday 29 June.
		{"2026-06-10 12:00", map[Clock]dlWant{ClockOfficerReply: {"2026-06-29", false, false}}},
		{"2026-06-30 12:00", map[Clock]dlWant{ClockOfficerReply: {"2026-06-29", true, false}}},
		// Reply Friday 3 July: witness lists by Wednesday 8 July.
		{"2026-07-06 12:00", map[Clock]dlWant{ClockWitnessLists: {"2026-07-08", false, false}}},
		// Witnesses settled Wednesday 8 July: pre-hearing within 15 working
		// days, by Wednesday 29 July.
		// The officer may ask to move it to within 5 working days of
		// Monday 20 July: Monday 27 July.
		{"2026-07-09 12:00", map[Clock]dlWant{ClockPreHearing: {"2026-07-29", false, false},
			ClockAlternativePreHearing: {"2026-07-27", false, false}}},
		{"2026-07-21 12:00", nil}, // pre-hearing held
		// No appeal window for the officer after a hearing: the appeal goes
		// to the tribunal, and the force's papers are due 15 working days
		// from Tuesday 1 September: Tuesday 22 September.
		{"2026-08-20 12:00", nil},
		{"2026-09-02 12:00", map[Clock]dlWant{ClockPATPapers: {"2026-09-22", false, false}}},
	} {
		dlCheck(t, tc.now, dlDeadlines(t, c, h, dlAt(tc.now)), tc.want)
	}
	// The pre-hearing counted from the Witnesses state says so.
	ph := dlByClock(t, dlDeadlines(t, c, h, dlAt("2026-07-09 12:00")))[ClockPreHearing]
	if !strings.Contains(ph.Note, "no record of papers going to the chair") {
		t.Errorf("pre-hearing note %q", ph.Note)
	}
}

func TestEventsRefineTheHearingClocks(t *testing.T) {
	c := Case{Kind: ConductMatter, ReceivedAt: dlAt("2026-01-05 09:00")}
	h := dlHistory(
		dlMove("2026-06-01 09:00", CaseToAnswer, HearingReferred),
		dlMove("2026-06-08 09:00", HearingReferred, NoticeServed),
		// The officer asks for more time; it is granted to 10 July.
		dlEvent("2026-06-20 09:00", "deadline_extended", "clock", "officer_reply", "until", "2026-07-10"),
		// The reply is received on Thursday 2 July, recorded as a state the
		// next day; the papers go to the chair on Monday 6 July.
		dlEvent("2026-07-02 15:00", "officer_reply"),
		dlMove("2026-07-03 09:00", NoticeServed, OfficerResponse),
		dlEvent("2026-07-06 11:00", "papers_to_chair"),
		// The chair directs a pre-hearing for Wednesday 22 July [CR 33].
		dlEvent("2026-07-06 11:30", "pre_hearing_date_set", "on", "2026-07-22"),
		dlEvent("2026-07-07 11:00", "witness_lists"),
	)
	for _, tc := range []struct {
		now  string
		want map[Clock]dlWant
	}{
		{"2026-06-30 12:00", map[Clock]dlWant{ClockOfficerReply: {"2026-07-10", false, false}}},
		// Lists due 3 working days from the reply of Thursday 2 July.
		{"2026-07-03 12:00", map[Clock]dlWant{ClockWitnessLists: {"2026-07-07", false, false}}},
		// Papers to the chair Monday 6 July: 15 working days is Monday 27 July.
		{"2026-07-06 12:00", map[Clock]dlWant{
			ClockWitnessLists:          {"2026-07-07", false, false},
			ClockPreHearing:            {"2026-07-27", false, false},
			ClockAlternativePreHearing: {"2026-07-29", false, false},
		}},
		{"2026-07-08 12:00", map[Clock]dlWant{ClockPreHearing: {"2026-07-27", false, false}, // lists done
			ClockAlternativePreHearing: {"2026-07-29", false, false}}},
	} {
		dlCheck(t, tc.now, dlDeadlines(t, c, h, dlAt(tc.now)), tc.want)
	}
	reply := dlByClock(t, dlDeadlines(t, c, h, dlAt("2026-06-30 12:00")))[ClockOfficerReply]
	if reply.Note != "extended to 2026-07-10" {
		t.Errorf("officer reply note %q", reply.Note)
	}
}

func TestMeetingOutcomeStartsTheAppealWindow(t *testing.T) {
	c := Case{Kind: ConductMatter, ReceivedAt: dlAt("2026-01-05 09:00")}
	viaReferral := dlHistory(
		dlMove("2026-06-01 09:00", CaseToAnswer, MeetingReferred),
		dlMove("2026-06-08 09:00", MeetingReferred, NoticeServed),
		dlMove("2026-07-03 09:00", NoticeServed, OfficerResponse),
		dlMove("2026-08-20 09:00", OfficerResponse, Held),
		dlMove("2026-08-27 15:00", Held, Outcome),
		dlEvent("2026-08-27 16:00", "decision_supplied"),
	)
	// Report given Thursday 27 August; Monday 31 August is a bank holiday,
	// so 7 working days end on Tuesday 8 September.
	want := map[Clock]dlWant{ClockMeetingAppeal: {"2026-09-08", false, false}}
	dlCheck(t, "meeting", dlDeadlines(t, c, viaReferral, dlAt("2026-08-28 12:00")), want)
	// The forum on the outcome event decides, whatever the path recorded.
	viaDetail := dlHistory(dlMove("2026-08-20 09:00", Witnesses, Held),
		dlMove("2026-08-27 15:00", Held, Outcome, "forum", "meeting"), dlEvent("2026-08-27 16:00", "decision_supplied"))
	dlCheck(t, "forum on the event", dlDeadlines(t, c, viaDetail, dlAt("2026-08-28 12:00")), want)
	// An appeal from a meeting is not to the tribunal.
	appealed := dlHistory(append(slices.Clone(viaReferral), dlMove("2026-09-01 09:00", Outcome, Appeal))...)
	dlCheck(t, "meeting appeal", dlDeadlines(t, c, appealed, dlAt("2026-09-02 12:00")), nil)
	// A hearing outcome has no meeting-appeal window.
	hearing := dlHistory(dlMove("2026-08-20 09:00", PreHearing, Held),
		dlMove("2026-08-27 15:00", Held, Outcome, "forum", "hearing"))
	dlCheck(t, "hearing", dlDeadlines(t, c, hearing, dlAt("2026-08-28 12:00")), nil)
	// An accelerated hearing's appeal goes to the tribunal; the appeal
	// notice, given before the state was recorded, starts the clock.
	accel := dlHistory(dlMove("2026-08-01 09:00", SpecialConditions, AcceleratedHearing),
		dlMove("2026-08-20 09:00", AcceleratedHearing, Held),
		dlMove("2026-08-21 09:00", Held, Outcome),
		dlEvent("2026-08-27 10:00", "appeal_notice"),
		dlMove("2026-09-01 09:00", Outcome, Appeal))
	dlCheck(t, "accelerated", dlDeadlines(t, c, accel, dlAt("2026-09-02 12:00")),
		map[Clock]dlWant{ClockPATPapers: {"2026-09-18", false, false}})
}

func TestRPRPAccount(t *testing.T) {
	c := Case{Kind: ConductMatter, ReceivedAt: dlAt("2026-11-02 09:00")}
	// RPRP notice Friday 18 December 2026: 21-24, then 29 December (25 and
	// 28 December are bank holidays).
	h := dlHistory(dlMove("2026-12-10 09:00", AllegationReceived, SeverityAssessed),
		dlMove("2026-12-18 09:00", SeverityAssessed, RPRP))
	dlCheck(t, "notice", dlDeadlines(t, c, h, dlAt("2026-12-21 12:00")),
		map[Clock]dlWant{ClockRPRPAccount: {"2026-12-29", false, false}})
	dlCheck(t, "late", dlDeadlines(t, c, h, dlAt("2027-01-04 12:00")),
		map[Clock]dlWant{ClockRPRPAccount: {"2026-12-29", true, false}})
	given := dlHistory(append(slices.Clone(h), dlEvent("2026-12-23 16:00", "rprp_account"))...)
	dlCheck(t, "account given", dlDeadlines(t, c, given, dlAt("2027-01-04 12:00")), nil)
}

func TestOutcomeNoticeNeedsARecordedDecision(t *testing.T) {
	c := Case{Kind: Complaint, ReceivedAt: dlAt("2026-11-02 09:00")}
	h := dlHistory(dlMove("2026-11-03 09:00", Received, RecordedSch3),
		dlMove("2026-11-04 09:00", RecordedSch3, HandledOtherwise))
	if ds := dlByClock(t, dlDeadlines(t, c, h, dlAt("2026-12-24 18:00"))); ds[ClockOutcomeNotice].Clock != "" {
		t.Errorf("outcome notice without a decision: %+v", ds[ClockOutcomeNotice])
	}
	// Decided Thursday 24 December 2026: the notice is due by Tuesday 5
	// January 2027.
	decided := dlHistory(append(slices.Clone(h), dlEvent("2026-12-24 16:00", "outcome_decided"))...)
	dlCheck(t, "decided", dlDeadlines(t, c, decided, dlAt("2026-12-24 18:00")), map[Clock]dlWant{
		ClockOutcomeNotice:  {"2027-01-05", false, false},
		ClockProgressUpdate: {"2026-12-01", true, false},
	})
	sent := dlHistory(append(slices.Clone(decided), dlEvent("2026-12-30 10:00", "outcome_notice"))...)
	if ds := dlByClock(t, dlDeadlines(t, c, sent, dlAt("2026-12-31 09:00"))); ds[ClockOutcomeNotice].Clock != "" {
		t.Errorf("outcome notice after it was sent: %+v", ds[ClockOutcomeNotice])
	}
}

// A complaint under local investigation is suspended for criminal
// proceedings from 10 March to 10 May 2025 (clocks change on 30 March, so
// the suspension is an hour short of 61 days).
func dlSuspended() (Case, []Event, []Event, time.Duration) {
	c := Case{Kind: Complaint, ReceivedAt: dlAt("2025-01-06 09:00")}
	common := []Event{
		dlMove("2025-01-10 11:00", Received, RecordedSch3),
		dlMove("2025-01-20 09:00", RecordedSch3, LocalInvestigation),
		dlEvent("2025-03-03 10:00", "progress_update"),
	}
	plain := dlHistory(common...)
	suspended := dlHistory(append(slices.Clone(common),
		dlMove("2025-03-10 10:00", LocalInvestigation, Suspended),
		dlMove("2025-05-10 10:00", Suspended, LocalInvestigation))...)
	return c, plain, suspended, dlAt("2025-05-10 10:00").Sub(dlAt("2025-03-10 10:00"))
}

// Nothing in C&M 13 or 34 pauses the 12-month or progress reports while a
// complaint is suspended (docs/statutory-process.md, section 5): a
// suspension leaves every date where it was.
func TestSuspensionDoesNotMoveTheClocks(t *testing.T) {
	c, plain, suspended, _ := dlSuspended()
	now := dlAt("2025-05-12 12:00")
	without := dlByClock(t, dlDeadlines(t, c, plain, now))
	with := dlByClock(t, dlDeadlines(t, c, suspended, now))
	for _, clock := range []Clock{ClockProgressUpdate, ClockOverdueInvestigationReport} {
		if w, s := without[clock], with[clock]; !s.Due.Equal(w.Due) || s.Overdue != w.Overdue {
			t.Errorf("%s: suspended due %v (overdue %v), unsuspended %v (%v)", clock, s.Due, s.Overdue, w.Due, w.Overdue)
		}
	}
	// The update of 3 March was due on 31 March and is late by 12 May,
	// suspension or not.
	if !with[ClockProgressUpdate].Overdue || dlDay(with[ClockProgressUpdate].Due) != "2025-03-31" {
		t.Errorf("progress update after the suspension: %+v", with[ClockProgressUpdate])
	}
}

func TestWhileSuspendedTheClocksRun(t *testing.T) {
	c, _, suspended, _ := dlSuspended()
	for _, tc := range []struct {
		now     string
		overdue bool
	}{{"2025-03-20 12:00", false}, {"2025-04-01 12:00", true}, {"2025-05-01 12:00", true}} {
		ds := dlDeadlines(t, c, suspended, dlAt(tc.now))
		got := dlByClock(t, ds)
		pu, ok := got[ClockProgressUpdate]
		if !ok || dlDay(pu.Due) != "2025-03-31" || pu.Overdue != tc.overdue {
			t.Errorf("%s: progress update %+v, want due 2025-03-31, overdue %v", tc.now, pu, tc.overdue)
		}
		if _, ok := got[ClockOverdueInvestigationReport]; !ok {
			t.Errorf("%s: the 12-month report is hidden while suspended", tc.now)
		}
		if d, ok := NextDue(ds); !ok || d.Clock != ClockProgressUpdate {
			t.Errorf("%s: next due %v %v, want the progress update", tc.now, d.Clock, ok)
		}
	}
}

func TestASuspensionAfterTheDueDateLeavesTheStepLate(t *testing.T) {
	c := Case{Kind: Complaint, ReceivedAt: dlAt("2025-01-06 09:00")}
	h := dlHistory(dlMove("2025-01-10 11:00", Received, RecordedSch3),
		dlMove("2025-01-20 09:00", RecordedSch3, LocalInvestigation),
		dlMove("2025-03-10 10:00", LocalInvestigation, Suspended))
	d := dlByClock(t, dlDeadlines(t, c, h, dlAt("2025-04-01 12:00")))[ClockProgressUpdate]
	if dlDay(d.Due) != "2025-02-07" || !d.Overdue {
		t.Errorf("late update, then suspended: %+v", d)
	}
	if len(Overdue([]Deadline{d})) != 1 {
		t.Error("a late step is not listed as overdue while suspended")
	}
}

func TestWorkingDayClocksOutsideTheCalendarAreRefused(t *testing.T) {
	c := Case{Kind: ConductMatter, ReceivedAt: dlAt("2011-01-05 09:00")}
	for _, tc := range []struct{ name, served string }{
		{"served before 2012", "2011-06-01 09:00"},
		{"due after 2030", "2030-12-20 09:00"},
	} {
		h := dlHistory(dlMove(tc.served, HearingReferred, NoticeServed))
		ds := dlDeadlines(t, c, h, dlAt(tc.served).Add(time.Hour))
		d := dlByClock(t, ds)[ClockOfficerReply]
		if !d.Due.IsZero() || !strings.Contains(d.Problem, "outside the bank-holiday calendar") || d.Overdue {
			t.Errorf("%s: %+v", tc.name, d)
		}
		if len(DueSoon(ds, 1<<62)) != 0 || len(Overdue(ds)) != 0 {
			t.Errorf("%s: an unknown due date listed as due or overdue", tc.name)
		}
		if _, ok := NextDue(ds); ok {
			t.Errorf("%s: an unknown due date chosen as next due", tc.name)
		}
	}
	if _, err := Deadlines(c, nil, nil, dlAt("2026-01-01 09:00")); err == nil {
		t.Error("no calendar, no error")
	}
}

func TestDueSoonOverdueAndNextDue(t *testing.T) {
	now := dlAt("2026-03-02 12:00")
	mk := func(clock Clock, due string, _ bool) Deadline {
		d := Deadline{Clock: clock, Due: dlDate(due).AddDate(0, 0, 1).Add(-time.Nanosecond), AsOf: now}
		d.Overdue = now.After(d.Due)
		return d
	}
	ds := []Deadline{
		mk(ClockReviewApplication, "2026-03-20", false),
		mk(ClockProgressUpdate, "2026-03-03", false),
		mk(ClockOfficerReply, "2026-02-20", false),
		mk(ClockWitnessLists, "2026-04-05", false),
		mk(ClockRPRPAccount, "2026-02-27", false),
		{Clock: ClockPreHearing, AsOf: now, Problem: "no calendar"},
	}
	names := func(ds []Deadline) []Clock { return dlClocks(ds) }
	if got, want := names(DueSoon(ds, 7*24*time.Hour)), []Clock{ClockProgressUpdate}; !slices.Equal(got, want) {
		t.Errorf("due within a week: %v, want %v", got, want)
	}
	if got, want := names(DueSoon(ds, 30*24*time.Hour)), []Clock{ClockProgressUpdate, ClockReviewApplication}; !slices.Equal(got, want) {
		t.Errorf("due within 30 days: %v, want %v", got, want)
	}
	if got, want := names(Overdue(ds)), []Clock{ClockOfficerReply, ClockRPRPAccount}; !slices.Equal(got, want) {
		t.Errorf("overdue: %v, want %v (most overdue first)", got, want)
	}
	if d, ok := NextDue(ds); !ok || d.Clock != ClockOfficerReply {
		t.Errorf("next due: %v %v, want the most overdue", d.Clock, ok)
	}
	if _, ok := NextDue(nil); ok {
		t.Error("next due of nothing")
	}
}

func TestDeadlinesAreSortedSoonestFirst(t *testing.T) {
	c, h := dlComplaintHistory()
	ds := dlDeadlines(t, c, h, dlAt("2026-02-06 12:00"))
	if len(ds) != 3 {
		t.Fatalf("deadlines %v, want three", dlClocks(ds))
	}
	if !slices.IsSortedFunc(ds, compareDue) {
		t.Errorf("deadlines %v not sorted by due date", dlClocks(ds))
	}
	if ds[0].Clock != ClockProgressUpdate {
		t.Errorf("first %s, want the overdue progress update", ds[0].Clock)
	}
}
