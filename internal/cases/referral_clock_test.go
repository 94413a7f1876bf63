package cases

import "testing"

// The referral deadline [Sch3 4(4), verified; C&M 4, believed: the end of
// the day after the day it becomes clear the matter must be referred].
func TestDutiesReferralDeadline(t *testing.T) {
	recorded := func(ground string) (Case, []Event) {
		c := Case{ID: "c-1", Kind: Complaint, State: RecordedSch3, ReceivedAt: dlAt("2025-01-06 09:00"), HandlingGround: ground}
		kv := []string{"action", string(ActRecordSch3)}
		if ground != "" {
			kv = append(kv, "mandatory_ground", ground)
		}
		return c, dlHistory(
			dlMove("2025-01-08 10:00", Received, InitialContact),
			dlMove("2025-01-10 11:00", InitialContact, RecordedSch3, kv...),
		)
	}
	t.Run("must run a referral deadline to the end of the next day when a complaint is recorded on a ground that must be referred", func(t *testing.T) {
		c, h := recorded("must_be_referred")
		// Recorded on Friday 10 January: due by the end of Saturday 11
		// January, a calendar day, not a working one.
		dlCheck(t, "recorded", dlDeadlines(t, c, h, dlAt("2025-01-10 12:00")), map[Clock]dlWant{
			ClockIOPCReferral:   {"2025-01-11", false, false},
			ClockProgressUpdate: {"2025-02-07", false, false},
		})
		dlCheck(t, "a day late", dlDeadlines(t, c, h, dlAt("2025-01-12 09:00")), map[Clock]dlWant{
			ClockIOPCReferral:   {"2025-01-11", true, false},
			ClockProgressUpdate: {"2025-02-07", false, false},
		})
		c.NextDueAt = nil
		if err := c.SetNextDue(h, dlCal(t), dlAt("2025-01-10 12:00")); err != nil || c.NextDueClock != string(ClockIOPCReferral) {
			t.Errorf("next due %q (%v), want the referral shown on the case lists", c.NextDueClock, err)
		}
	})
	t.Run("must stop the referral deadline when the referral is made", func(t *testing.T) {
		c, h := recorded("death_or_serious_injury")
		c.State = ReferredIOPC
		h = dlHistory(append(h, dlMove("2025-01-13 10:00", RecordedSch3, ReferredIOPC, "action", string(ActReferToIOPC)))...)
		dlCheck(t, "referred", dlDeadlines(t, c, h, dlAt("2025-01-14 12:00")), map[Clock]dlWant{
			ClockProgressUpdate: {"2025-02-07", false, false},
		})
	})
	t.Run("must run no referral deadline when the complaint was recorded on a ground that need not be referred", func(t *testing.T) {
		c, h := recorded("crime_or_disciplinary")
		dlCheck(t, "not owed", dlDeadlines(t, c, h, dlAt("2025-01-10 12:00")), map[Clock]dlWant{
			ClockProgressUpdate: {"2025-02-07", false, false},
		})
	})
	t.Run("must read the ground kept on the case when the history does not say it", func(t *testing.T) {
		c, h := recorded("")
		c.HandlingGround = "must_be_referred"
		h[1].Detail = map[string]string{"from": string(InitialContact), "to": string(RecordedSch3)}
		dlCheck(t, "imported", dlDeadlines(t, c, h, dlAt("2025-01-10 12:00")), map[Clock]dlWant{
			ClockIOPCReferral:   {"2025-01-11", false, false},
			ClockProgressUpdate: {"2025-02-07", false, false},
		})
	})
	t.Run("must run a referral deadline from the day a DSI matter is received", func(t *testing.T) {
		c := Case{ID: "d-1", Kind: DeathOrSeriousInjury, State: AllegationReceived, ReceivedAt: dlAt("2025-01-07 22:30")}
		dlCheck(t, "received", dlDeadlines(t, c, nil, dlAt("2025-01-08 09:00")), map[Clock]dlWant{
			ClockIOPCReferral: {"2025-01-08", false, false},
		})
		c.State = ReferredIOPC
		h := dlHistory(dlMove("2025-01-08 11:00", AllegationReceived, ReferredIOPC, "action", string(ActReferToIOPC)))
		dlCheck(t, "referred", dlDeadlines(t, c, h, dlAt("2025-01-09 09:00")), nil)
	})
}
