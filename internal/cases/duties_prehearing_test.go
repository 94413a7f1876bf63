package cases

import "testing"

// The pre-hearing of a misconduct hearing is at the chair's discretion
// [CR 33, verified]: its 15-working-day clock runs once the chair sets
// one, and never for a hearing that has none.
func TestDutiesPreHearingIsTheChairs(t *testing.T) {
	c := Case{Kind: ConductMatter, ReceivedAt: dlAt("2026-01-05 09:00")}
	referred := []Event{
		dlMove("2026-06-01 09:00", CaseToAnswer, HearingReferred),
		dlMove("2026-06-08 09:00", HearingReferred, NoticeServed),
		dlMove("2026-07-03 09:00", NoticeServed, OfficerResponse),
		dlEvent("2026-07-06 11:00", "papers_to_chair"),
		dlMove("2026-07-08 09:00", OfficerResponse, Witnesses),
	}
	t.Run("must refuse to start the pre-hearing clock when no pre-hearing is set", func(t *testing.T) {
		// CR 33: the chair may hold the hearing with no pre-hearing.
		h := dlHistory(referred...)
		for _, now := range []string{"2026-07-06 12:00", "2026-07-09 12:00", "2026-08-10 12:00"} {
			dutyNoClock(t, c, h, now, ClockPreHearing)
		}
	})
	t.Run("must allow the pre-hearing clock when the chair sets a pre-hearing", func(t *testing.T) {
		// Papers to the chair Monday 6 July: 15 working days is Monday 27 July.
		h := dlHistory(append(append([]Event{}, referred...),
			dlEvent("2026-07-09 10:00", "pre_hearing_date_set", "on", "2026-07-21"))...)
		dutyNoClock(t, c, h, "2026-07-08 12:00", ClockPreHearing)
		if d := dutyClock(t, c, h, "2026-07-10 12:00", ClockPreHearing); dlDay(d.Due) != "2026-07-27" {
			t.Errorf("pre-hearing due %s, want 2026-07-27", dlDay(d.Due))
		}
	})
	t.Run("must refuse to carry a pre-hearing set before an earlier referral into a new one", func(t *testing.T) {
		// A pre-hearing belongs to the hearing it was set for.
		h := dlHistory(dlMove("2026-05-01 09:00", CaseToAnswer, HearingReferred),
			dlEvent("2026-05-05 10:00", "pre_hearing_date_set", "on", "2026-05-20"),
			dlMove("2026-05-10 09:00", HearingReferred, CaseToAnswer),
			dlMove("2026-06-01 09:00", CaseToAnswer, HearingReferred),
			dlMove("2026-06-08 09:00", HearingReferred, NoticeServed),
			dlMove("2026-07-03 09:00", NoticeServed, OfficerResponse),
			dlMove("2026-07-08 09:00", OfficerResponse, Witnesses))
		dutyNoClock(t, c, h, "2026-07-09 12:00", ClockPreHearing)
	})
}
