package cases

import (
	"slices"
	"testing"
)

// Item 8: clocks never hide a duty. Each scenario names its provision and
// how sure the reading is (see duties_test.go): verified or believed.
// Dates are in 2025 and 2026, whose bank holidays the calendar holds.

// dutyClock is the deadline of the clock running on the case at now, or
// fails the test if none runs.
func dutyClock(t *testing.T, c Case, h []Event, now string, clock Clock) Deadline {
	t.Helper()
	d, ok := dlByClock(t, dlDeadlines(t, c, h, dlAt(now)))[clock]
	if !ok {
		t.Fatalf("at %s no %s clock runs; got %v", now, clock, dlClocks(dlDeadlines(t, c, h, dlAt(now))))
	}
	return d
}

func dutyNoClock(t *testing.T, c Case, h []Event, now string, clock Clock) {
	t.Helper()
	if d, ok := dlByClock(t, dlDeadlines(t, c, h, dlAt(now)))[clock]; ok {
		t.Errorf("at %s a %s clock runs, due %s", now, clock, dlDay(d.Due))
	}
}

// TestDutiesClocksRunThroughSuspension: C&M 13 [verified] and C&M 34
// [believed] set no pause while a complaint is suspended (C&M 40, 41).
func TestDutiesClocksRunThroughSuspension(t *testing.T) {
	c := Case{Kind: Complaint, ReceivedAt: dlAt("2025-01-06 09:00")}
	h := dlHistory(dlMove("2025-01-10 11:00", Received, RecordedSch3),
		dlMove("2025-01-20 09:00", RecordedSch3, LocalInvestigation),
		dlEvent("2025-03-03 10:00", "progress_update"),
		dlMove("2025-03-10 10:00", LocalInvestigation, Suspended))
	t.Run("must refuse to pause the progress update when the complaint is suspended", func(t *testing.T) {
		d := dutyClock(t, c, h, "2025-04-02 12:00", ClockProgressUpdate)
		if dlDay(d.Due) != "2025-03-31" || !d.Overdue {
			t.Errorf("progress update while suspended: due %s, overdue %v; want 2025-03-31, overdue", dlDay(d.Due), d.Overdue)
		}
	})
	t.Run("must refuse to pause the 12-month report when the investigation is suspended", func(t *testing.T) {
		d := dutyClock(t, c, h, "2026-01-07 12:00", ClockOverdueInvestigationReport)
		if dlDay(d.Due) != "2026-01-06" || !d.Overdue {
			t.Errorf("12-month report while suspended: due %s, overdue %v; want 2026-01-06, overdue", dlDay(d.Due), d.Overdue)
		}
		if n, ok := NextDue(dlDeadlines(t, c, h, dlAt("2026-01-07 12:00"))); !ok || !n.Overdue {
			t.Errorf("next due while suspended: %+v", n)
		}
	})
}

// TestDutiesClocksReportTheRightBodies: who the 12-month report goes to
// [CR 19, verified; C&M 13, verified].
func TestDutiesClocksReportTheRightBodies(t *testing.T) {
	h := dlHistory(dlMove("2025-01-07 09:00", AllegationReceived, SeverityAssessed),
		dlMove("2025-01-10 09:00", SeverityAssessed, Investigation, "mode", "local"))
	t.Run("must report an internal conduct matter to the local policing body only, with a copy to the officer", func(t *testing.T) {
		reps := OverdueInvestigationReports(Case{Kind: ConductMatter, ReceivedAt: dlAt("2025-01-06 09:00")}, h, dlAt("2026-01-10 12:00"))
		if len(reps) != 1 {
			t.Fatalf("reports %v", dlReports(reps))
		}
		r := reps[0]
		if !slices.Equal(r.To, []string{"local policing body"}) || !slices.Equal(r.CopyTo, []string{"officer concerned"}) ||
			r.By != "appropriate authority" || r.Source != "CR 19" {
			t.Errorf("internal report: by %q to %v copy %v source %q", r.By, r.To, r.CopyTo, r.Source)
		}
	})
	t.Run("must report a Schedule 3 investigation to the local policing body and the IOPC", func(t *testing.T) {
		reps := OverdueInvestigationReports(Case{Kind: RecordableConduct, ReceivedAt: dlAt("2025-01-06 09:00")}, h, dlAt("2026-01-10 12:00"))
		if len(reps) != 1 || !slices.Equal(reps[0].To, []string{"local policing body", "IOPC"}) || len(reps[0].CopyTo) != 0 {
			t.Fatalf("Schedule 3 report %+v", reps)
		}
	})
}

// TestDutiesClocksTheMissingOnes: the steps the law times that the first
// table lacked.
func TestDutiesClocksTheMissingOnes(t *testing.T) {
	conduct := Case{Kind: ConductMatter, ReceivedAt: dlAt("2026-01-05 09:00")}
	served := []Event{dlMove("2026-01-06 09:00", AllegationReceived, SeverityAssessed),
		dlMove("2026-01-07 09:00", SeverityAssessed, Investigation),
		dlMove("2026-01-19 09:00", Investigation, Reg17Served)}
	t.Run("must allow the officer 10 working days for representations when the notice is served", func(t *testing.T) {
		// CR 18 [believed]. Served Monday 19 January 2026.
		h := dlHistory(served...)
		if d := dutyClock(t, conduct, h, "2026-01-20 12:00", ClockOfficerRepresentations); dlDay(d.Due) != "2026-02-02" {
			t.Errorf("representations due %s, want 2026-02-02", dlDay(d.Due))
		}
		dutyNoClock(t, conduct, dlHistory(append(slices.Clone(served), dlEvent("2026-01-27 10:00", "officer_representations"))...),
			"2026-01-28 12:00", ClockOfficerRepresentations)
	})
	t.Run("must allow an interview the officer asks to move only within 5 working days of the day set", func(t *testing.T) {
		// CR 20(5) [believed]: the day set is Wednesday 28 January.
		h := dlHistory(append(slices.Clone(served), dlEvent("2026-01-21 10:00", "interview_date_set", "on", "2026-01-28"))...)
		if d := dutyClock(t, conduct, h, "2026-01-22 12:00", ClockAlternativeInterview); dlDay(d.Due) != "2026-02-04" {
			t.Errorf("alternative interview by %s, want 2026-02-04", dlDay(d.Due))
		}
		interviewed := dlHistory(append(slices.Clone(h), dlMove("2026-02-02 10:00", Reg17Served, Interviewed))...)
		dutyNoClock(t, conduct, interviewed, "2026-02-03 12:00", ClockAlternativeInterview)
	})
	t.Run("must allow a pre-hearing the officer asks to move only within 5 working days of the day set", func(t *testing.T) {
		// CR 33(3) [believed]: the day set is Wednesday 1 July.
		h := dlHistory(dlMove("2026-06-01 09:00", CaseToAnswer, HearingReferred),
			dlEvent("2026-06-10 10:00", "pre_hearing_date_set", "on", "2026-07-01"))
		if d := dutyClock(t, conduct, h, "2026-06-11 12:00", ClockAlternativePreHearing); dlDay(d.Due) != "2026-07-08" {
			t.Errorf("alternative pre-hearing by %s, want 2026-07-08", dlDay(d.Due))
		}
	})
	t.Run("must refuse to leave the officer without the meeting's outcome for more than 5 working days", func(t *testing.T) {
		// CR 43 [believed]. Held Thursday 20 August 2026.
		h := dlHistory(dlMove("2026-08-20 09:00", Witnesses, Held, "forum", "meeting"),
			dlMove("2026-08-21 09:00", Held, Outcome, "forum", "meeting"))
		d := dutyClock(t, conduct, h, "2026-08-28 12:00", ClockOutcomeReport)
		if dlDay(d.Due) != "2026-08-27" || !d.Overdue {
			t.Errorf("outcome report due %s overdue %v, want 2026-08-27, overdue", dlDay(d.Due), d.Overdue)
		}
		dutyNoClock(t, conduct, h, "2026-08-28 12:00", ClockMeetingAppeal)
	})
	t.Run("must start the appeal to the tribunal when the decision is supplied, not when it is made", func(t *testing.T) {
		// PAT 6 [believed]: 10 working days from being supplied with the
		// decision; Monday 31 August 2026 is a bank holiday.
		h := []Event{dlMove("2026-08-17 09:00", PreHearing, Held), dlMove("2026-08-19 09:00", Held, Outcome, "forum", "hearing")}
		dutyNoClock(t, conduct, dlHistory(h...), "2026-08-20 12:00", ClockPATAppeal)
		supplied := dlHistory(append(slices.Clone(h), dlEvent("2026-08-21 10:00", "decision_supplied"))...)
		if d := dutyClock(t, conduct, supplied, "2026-08-24 12:00", ClockPATAppeal); dlDay(d.Due) != "2026-09-07" {
			t.Errorf("notice of appeal due %s, want 2026-09-07", dlDay(d.Due))
		}
		noticed := dlHistory(append(slices.Clone(supplied), dlEvent("2026-08-28 10:00", "appeal_notice"))...)
		dutyNoClock(t, conduct, noticed, "2026-08-31 12:00", ClockPATAppeal)
	})
	t.Run("must allow the complainant 28 days to reply when the complaint is resumed", func(t *testing.T) {
		// C&M 41 [verified as to the notice; the 28 days believed].
		c := Case{Kind: Complaint, ReceivedAt: dlAt("2025-01-06 09:00")}
		h := []Event{dlMove("2025-01-10 11:00", Received, RecordedSch3),
			dlMove("2025-01-20 09:00", RecordedSch3, LocalInvestigation),
			dlMove("2025-03-10 10:00", LocalInvestigation, Suspended),
			dlMove("2025-05-10 10:00", Suspended, LocalInvestigation)}
		if d := dutyClock(t, c, dlHistory(h...), "2025-05-12 12:00", ClockResumptionReply); dlDay(d.Due) != "2025-06-07" {
			t.Errorf("reply on resumption due %s, want 2025-06-07", dlDay(d.Due))
		}
		replied := dlHistory(append(slices.Clone(h), dlEvent("2025-05-20 10:00", "resumption_reply"))...)
		dutyNoClock(t, c, replied, "2025-05-21 12:00", ClockResumptionReply)
	})
}

// dutyWindows puts the case's open windows at now on it, as the web does,
// and tries the action.
func dutyWindows(t *testing.T, c Case, h []Event, now string, in ActionInput) (Case, error) {
	t.Helper()
	w, err := OpenWindows(c, h, dlCal(t), dlAt(now))
	if err != nil {
		t.Fatal(err)
	}
	c.Derived.OpenWindows = w
	if in.Reasons == "" {
		in.Reasons = wfReasons
	}
	_, err = Apply(&c, in, wfEveryRole(), wfReference(t), dlAt(now))
	return c, err
}

// TestDutiesClocksHoldTheFinalStep: a case is not closed or finalised
// inside a window the law keeps open [C&M 29(2), verified; CR 45(3),
// verified; PAT 6, believed].
func TestDutiesClocksHoldTheFinalStep(t *testing.T) {
	complaint := wfFixture(Complaint, OutcomeNotified)
	complaint.ReceivedAt = dlAt("2026-01-05 09:00")
	notified := dlHistory(dlMove("2026-01-06 09:00", Received, RecordedSch3),
		dlMove("2026-01-07 09:00", RecordedSch3, LocalInvestigation),
		dlMove("2026-02-02 09:00", LocalInvestigation, OutcomeNotified))
	t.Run("must refuse to close a complaint when the review window is open", func(t *testing.T) {
		_, err := dutyWindows(t, complaint, notified, "2026-02-10 12:00", ActionInput{Action: ActCloseComplaint})
		dutyRefused(t, err, "28 days to apply for a review")
	})
	t.Run("must allow closing a complaint when the review window has passed", func(t *testing.T) {
		if c, err := dutyWindows(t, complaint, notified, "2026-03-05 12:00", ActionInput{Action: ActCloseComplaint}); err != nil || c.State != Closed {
			t.Fatalf("state %s: %v", c.State, err)
		}
	})

	meeting := wfFixture(ConductMatter, Outcome)
	meeting.ReceivedAt = dlAt("2026-01-05 09:00")
	held := []Event{dlMove("2026-08-20 09:00", Witnesses, Held, "forum", "meeting"),
		dlMove("2026-08-27 15:00", Held, Outcome, "forum", "meeting")}
	supplied := dlHistory(append(slices.Clone(held), dlEvent("2026-08-27 16:00", "decision_supplied"))...)
	t.Run("must refuse to finalise when the decision has not been supplied to the officer", func(t *testing.T) {
		_, err := dutyWindows(t, meeting, dlHistory(held...), "2026-10-01 12:00", ActionInput{Action: ActFinalise})
		dutyRefused(t, err, "not been supplied")
	})
	t.Run("must refuse to finalise when the officer's time to appeal a meeting has not run out", func(t *testing.T) {
		_, err := dutyWindows(t, meeting, supplied, "2026-09-02 12:00", ActionInput{Action: ActFinalise})
		dutyRefused(t, err, "7 working days")
	})
	t.Run("must allow finalising when the appeal window has closed", func(t *testing.T) {
		if c, err := dutyWindows(t, meeting, supplied, "2026-09-09 12:00", ActionInput{Action: ActFinalise}); err != nil || c.State != Final {
			t.Fatalf("state %s: %v", c.State, err)
		}
	})
	t.Run("must refuse to finalise when the officer's time to appeal to the tribunal has not run out", func(t *testing.T) {
		h := dlHistory(dlMove("2026-08-17 09:00", PreHearing, Held), dlMove("2026-08-19 09:00", Held, Outcome, "forum", "hearing"),
			dlEvent("2026-08-21 10:00", "decision_supplied"))
		_, err := dutyWindows(t, meeting, h, "2026-09-04 12:00", ActionInput{Action: ActFinalise})
		dutyRefused(t, err, "Police Appeals Tribunal")
		if _, err := dutyWindows(t, meeting, h, "2026-09-08 12:00", ActionInput{Action: ActFinalise}); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

// The steps that start and stop the clocks read as words on the timeline.
func TestStepsReadAsWords(t *testing.T) {
	for s := range Steps {
		l := EventLabel(string(s))
		if l.Name == string(s) || l.Name == "" {
			t.Errorf("step %s has no words on the timeline: %+v", s, l)
		}
	}
}
