package cases

import (
	"testing"
	"time"
)

// The recorded entry carries the state and rule set the case was entered
// with, and the deadlines read it as the start of the case's first spell.
func TestRecordedEventOpensTheTimeline(t *testing.T) {
	c := Case{ID: "c-1", Kind: Complaint, State: RecordedSch3, RuleSet: "2020", ReceivedAt: dlAt("2025-01-06 09:00")}
	at := dlAt("2025-01-10 11:00")
	e := RecordedEvent(c, at, "user-1")
	if e.Type != "recorded" || !e.At.Equal(at) || e.Actor != "user-1" ||
		e.Detail["state"] != string(RecordedSch3) || e.Detail["rule_set"] != "2020" || len(e.Detail) != 2 {
		t.Fatalf("recorded entry %+v", e)
	}
	// The deadlines take the case to be in the state its entry names: under
	// Schedule 3 the four-weekly update runs (from receipt, 6 January);
	// merely received, no statutory clock runs yet.
	now := dlAt("2025-01-15 12:00")
	dlCheck(t, "recorded under Schedule 3", dlDeadlines(t, c, dlHistory(e), now),
		map[Clock]dlWant{ClockProgressUpdate: {"2025-02-03", false, false}})
	c.State = Received
	dlCheck(t, "recorded as received", dlDeadlines(t, c, dlHistory(RecordedEvent(c, at, "user-1")), now), nil)
}

func TestSetNextDue(t *testing.T) {
	stale := dlAt("2024-01-01 00:00")
	complaint, history := dlComplaintHistory()
	for _, tc := range []struct {
		name      string
		now       string
		cal       *Calendar
		wantDue   time.Time // zero: nothing kept
		wantClock Clock
		wantErr   bool
	}{
		// Two clocks run on 7 February 2025: the update of 3 March comes
		// before the 12-month report.
		{"soonest of two", "2025-02-07 23:00", dlCal(t), dlAt("2025-03-04 00:00").Add(-time.Nanosecond), ClockProgressUpdate, false},
		{"overdue still shown", "2025-03-04 09:00", dlCal(t), dlAt("2025-03-04 00:00").Add(-time.Nanosecond), ClockProgressUpdate, false},
		{"nothing due yet", "2025-01-09 12:00", dlCal(t), time.Time{}, "", false},
		{"closed", "2026-03-13 12:00", dlCal(t), time.Time{}, "", false},
		{"no calendar", "2025-02-07 23:00", nil, time.Time{}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := complaint
			c.NextDueAt, c.NextDueClock = &stale, "stale"
			err := c.SetNextDue(history, tc.cal, dlAt(tc.now))
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want one: %v", err, tc.wantErr)
			}
			if tc.wantDue.IsZero() {
				if c.NextDueAt != nil || c.NextDueClock != "" {
					t.Errorf("kept %v %q, want nothing", c.NextDueAt, c.NextDueClock)
				}
				return
			}
			if c.NextDueAt == nil || !c.NextDueAt.Equal(tc.wantDue) || c.NextDueAt.Location() != time.UTC ||
				c.NextDueClock != string(tc.wantClock) {
				t.Errorf("kept %v %q, want %v (UTC) %q", c.NextDueAt, c.NextDueClock, tc.wantDue, tc.wantClock)
			}
		})
	}
}
