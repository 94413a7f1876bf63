package cases

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/fault"
)

// Item 13: notices, representations and decisions are per officer, so one
// officer's step never stalls or stops another's. Each scenario names its
// provision and how sure the reading is (see duties_test.go). Officers o1
// ("officer A") and o2 ("officer B") are the subjects of every case here.

// poCase is a conduct matter with two subject officers.
func poCase() Case {
	return Case{ID: "c1", Kind: ConductMatter, RuleSet: "2025", ReceivedAt: dlAt("2026-01-05 09:00"),
		Allegations: []Allegation{{ID: "a1", Subjects: []Subject{{OfficerID: "o1"}, {OfficerID: "o2"}}}}}
}

// poClock is officer subj's clock at now, or "" when none runs; a
// second clock of the same kind for the same officer fails the test.
func poClock(t *testing.T, c Case, h []Event, now string, clock Clock, subj string) Deadline {
	t.Helper()
	var found []Deadline
	for _, d := range dlDeadlines(t, c, h, dlAt(now)) {
		if d.Clock == clock && d.Subject == subj {
			found = append(found, d)
		}
	}
	if len(found) > 1 {
		t.Fatalf("at %s officer %s has %d %s clocks", now, subj, len(found), clock)
	}
	if len(found) == 0 {
		return Deadline{}
	}
	return found[0]
}

// poDue checks each officer's clock: the day it falls due, or "" for no
// clock running.
func poDue(t *testing.T, c Case, h []Event, now string, clock Clock, want map[string]string) {
	t.Helper()
	for subj, day := range want {
		d := poClock(t, c, h, now, clock, subj)
		got := ""
		if d.Clock != "" {
			got = dlDay(d.Due)
		}
		if got != day {
			t.Errorf("at %s officer %s's %s clock: due %q, want %q", now, subj, clock, got, day)
		}
	}
}

func TestDutiesPerOfficerClocks(t *testing.T) {
	c := poCase()
	investigation := []Event{dlMove("2026-01-06 09:00", AllegationReceived, SeverityAssessed),
		dlMove("2026-01-07 09:00", SeverityAssessed, Investigation),
		dlMove("2026-01-19 09:00", Investigation, Reg17Served, "recipient", "o1")}
	notices := append(slices.Clone(investigation), dlEvent("2026-01-21 10:00", "investigation_notice", "subject", "o2"))

	t.Run("must refuse to start officer B's representations clock before B is given notice", func(t *testing.T) {
		// CR 17, 18 [believed]: the 10 working days run from the notice
		// given to the officer; A was served on Monday 19 January.
		poDue(t, c, dlHistory(investigation...), "2026-01-20 12:00", ClockOfficerRepresentations,
			map[string]string{"o1": "2026-02-02", "o2": ""})
	})
	t.Run("must allow officer B's representations clock to run when officer A's has been met", func(t *testing.T) {
		// CR 18 [believed]: B's notice on Wednesday 21 January.
		h := dlHistory(append(slices.Clone(notices), dlEvent("2026-01-27 10:00", "officer_representations", "subject", "o1"))...)
		poDue(t, c, h, "2026-01-28 12:00", ClockOfficerRepresentations, map[string]string{"o1": "", "o2": "2026-02-04"})
	})
	t.Run("must allow each officer 5 working days from the interview day given to that officer", func(t *testing.T) {
		// CR 20(5) [believed].
		h := dlHistory(append(slices.Clone(notices),
			dlEvent("2026-01-22 10:00", "interview_date_set", "on", "2026-01-28", "subject", "o1"),
			dlEvent("2026-01-23 10:00", "interview_date_set", "on", "2026-02-02", "subject", "o2"))...)
		poDue(t, c, h, "2026-01-26 12:00", ClockAlternativeInterview, map[string]string{"o1": "2026-02-04", "o2": "2026-02-09"})
	})

	served := []Event{dlMove("2026-03-02 09:00", HearingReferred, NoticeServed, "recipient", "o1")}
	t.Run("must allow officer B's reply clock to run when officer A has replied", func(t *testing.T) {
		// CR 31 [believed]: 15 working days from Monday 2 March.
		h := dlHistory(append(slices.Clone(served), dlEvent("2026-03-10 10:00", "officer_reply", "subject", "o1"))...)
		poDue(t, c, h, "2026-03-11 12:00", ClockOfficerReply, map[string]string{"o1": "", "o2": "2026-03-23"})
	})
	t.Run("must refuse to extend officer A's reply clock when officer B's is extended", func(t *testing.T) {
		// CR 31 [believed]: an extension is granted to the officer who
		// asks for it.
		h := dlHistory(append(slices.Clone(served),
			dlEvent("2026-03-12 10:00", "deadline_extended", "clock", "officer_reply", "until", "2026-04-01", "subject", "o2"))...)
		poDue(t, c, h, "2026-03-13 12:00", ClockOfficerReply, map[string]string{"o1": "2026-03-23", "o2": "2026-04-01"})
	})

	meeting := []Event{dlMove("2026-08-20 09:00", Witnesses, Held, "forum", "meeting"),
		dlMove("2026-08-21 09:00", Held, Outcome, "forum", "meeting"),
		dlEvent("2026-08-24 10:00", "decision_supplied", "subject", "o1")}
	t.Run("must refuse to stop officer B's outcome report clock when only officer A's decision is supplied", func(t *testing.T) {
		// CR 43 [believed]: B's report was due 5 working days after the
		// meeting ended on Thursday 20 August.
		poDue(t, c, dlHistory(meeting...), "2026-08-25 12:00", ClockOutcomeReport, map[string]string{"o1": "", "o2": "2026-08-27"})
	})
	t.Run("must start each officer's meeting appeal from the outcome report given to that officer", func(t *testing.T) {
		// CR 45(3) [verified]: 7 working days; Monday 31 August 2026 is a
		// bank holiday.
		poDue(t, c, dlHistory(meeting...), "2026-08-25 12:00", ClockMeetingAppeal, map[string]string{"o1": "2026-09-03", "o2": ""})
	})

	hearing := []Event{dlMove("2026-08-17 09:00", PreHearing, Held), dlMove("2026-08-19 09:00", Held, Outcome, "forum", "hearing"),
		dlEvent("2026-08-21 10:00", "decision_supplied", "subject", "o1"),
		dlEvent("2026-08-26 10:00", "decision_supplied", "subject", "o2")}
	t.Run("must start each officer's notice of appeal to the tribunal from the decision supplied to that officer", func(t *testing.T) {
		// PAT 6 [believed]: 10 working days from being supplied with the
		// decision.
		poDue(t, c, dlHistory(hearing...), "2026-08-27 12:00", ClockPATAppeal, map[string]string{"o1": "2026-09-07", "o2": "2026-09-10"})
	})
	t.Run("must allow officer B's tribunal appeal window to run when officer A has given notice of appeal", func(t *testing.T) {
		// PAT 6 [believed].
		h := dlHistory(append(slices.Clone(hearing), dlEvent("2026-08-28 10:00", "appeal_notice", "subject", "o1"))...)
		poDue(t, c, h, "2026-09-01 12:00", ClockPATAppeal, map[string]string{"o1": "", "o2": "2026-09-10"})
	})

	t.Run("must allow officer B's reflective practice account clock to run when officer A's account is in", func(t *testing.T) {
		// CR Part 6 [believed]: 5 working days from the RPRP notice.
		h := dlHistory(dlMove("2026-03-02 09:00", SeverityAssessed, RPRP), dlEvent("2026-03-04 10:00", "rprp_account", "subject", "o1"))
		poDue(t, c, h, "2026-03-05 12:00", ClockRPRPAccount, map[string]string{"o1": "", "o2": "2026-03-09"})
	})

	t.Run("must read a step that names no officer as done for every officer", func(t *testing.T) {
		// Events recorded before steps named an officer (and the demo's)
		// stand for the whole case, as they did when recorded.
		h := dlHistory(dlMove("2026-08-17 09:00", PreHearing, Held), dlMove("2026-08-19 09:00", Held, Outcome, "forum", "hearing"),
			dlEvent("2026-08-21 10:00", "decision_supplied"))
		poDue(t, c, h, "2026-08-24 12:00", ClockPATAppeal, map[string]string{"o1": "2026-09-07", "o2": "2026-09-07"})
		h = dlHistory(append(slices.Clone(investigation[:2]), dlMove("2026-01-19 09:00", Investigation, Reg17Served))...)
		poDue(t, c, h, "2026-01-20 12:00", ClockOfficerRepresentations, map[string]string{"o1": "2026-02-02", "o2": "2026-02-02"})
	})
	t.Run("must run no officer's clock for an officer with no case to answer", func(t *testing.T) {
		// CR 23 [believed]: only officers with a case to answer go to
		// the proceedings, so only they are owed the decision.
		c := poCase()
		c.Allegations[0].Subjects[1].Finding = FindingNoCaseToAnswer
		poDue(t, c, dlHistory(meeting...), "2026-08-25 12:00", ClockOutcomeReport, map[string]string{"o1": "", "o2": ""})
	})
}

// TestDutiesPerOfficerFinalStep: the outcome is final only when every
// officer's appeal window has closed [CR 45(3), verified; PAT 6,
// believed].
func TestDutiesPerOfficerFinalStep(t *testing.T) {
	c := wfFixture(ConductMatter, Outcome)
	c.ReceivedAt = dlAt("2026-01-05 09:00")
	hearing := []Event{dlMove("2026-08-17 09:00", PreHearing, Held), dlMove("2026-08-19 09:00", Held, Outcome, "forum", "hearing"),
		dlEvent("2026-08-21 10:00", "decision_supplied", "subject", "o1")}
	t.Run("must refuse to finalise when the decision has been supplied to officer A but not to officer B", func(t *testing.T) {
		_, err := dutyWindows(t, c, dlHistory(hearing...), "2026-09-08 12:00", ActionInput{Action: ActFinalise})
		dutyRefused(t, err, "not been supplied to officer o2")
	})
	both := dlHistory(append(slices.Clone(hearing), dlEvent("2026-08-26 10:00", "decision_supplied", "subject", "o2"))...)
	t.Run("must refuse to finalise when officer A's appeal window has closed but officer B's is open", func(t *testing.T) {
		_, err := dutyWindows(t, c, both, "2026-09-08 12:00", ActionInput{Action: ActFinalise})
		dutyRefused(t, err, "Police Appeals Tribunal have not run out for officer o2")
		if strings.Contains(err.Error(), "o1") {
			t.Errorf("refusal names officer A, whose window has closed: %v", err)
		}
	})
	t.Run("must allow finalising when every officer's appeal window has closed", func(t *testing.T) {
		if got, err := dutyWindows(t, c, both, "2026-09-11 12:00", ActionInput{Action: ActFinalise}); err != nil || got.State != Final {
			t.Fatalf("state %s: %v", got.State, err)
		}
	})
}

func TestRecordStepOnNamesTheSubject(t *testing.T) {
	two := poCase()
	one := poCase()
	one.Allegations[0].Subjects = one.Allegations[0].Subjects[:1]
	now := dlAt("2026-03-02 12:00")
	for _, tc := range []struct {
		name    string
		c       Case
		in      StepInput
		subject string // the subject recorded, when accepted
		field   string // the field refused, when refused
		why     string
	}{
		{name: "must refuse an officer's step that names no officer when the case has two", c: two,
			in: StepInput{Step: StepDecisionSupplied}, field: "subject", why: "more than one subject officer"},
		{name: "must name the only officer when the case has one", c: one,
			in: StepInput{Step: StepDecisionSupplied}, subject: "o1"},
		{name: "must record the officer named", c: two,
			in: StepInput{Step: StepOfficerRepresentations, Subject: "o2"}, subject: "o2"},
		{name: "must refuse an officer who is not a subject of the case", c: two,
			in: StepInput{Step: StepAppealNotice, Subject: "o9"}, field: "subject", why: "not a subject officer"},
		{name: "must refuse an officer on a step of the whole case", c: two,
			in: StepInput{Step: StepProgressUpdate, Subject: "o1"}, field: "subject", why: "must be left out"},
		{name: "must refuse an extension of an officer's clock that names no officer", c: two,
			in: StepInput{Step: StepDeadlineExtended, Clock: ClockOfficerReply, Until: "2026-04-01"}, field: "subject", why: "more than one"},
		{name: "must record the officer whose clock is extended", c: two,
			in: StepInput{Step: StepDeadlineExtended, Clock: ClockOfficerReply, Until: "2026-04-01", Subject: "o1"}, subject: "o1"},
		{name: "must name every refused field at once", c: two,
			in: StepInput{Step: StepInterviewDateSet, On: "soon"}, field: "on", why: "YYYY-MM-DD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := RecordStepOn(tc.c, tc.in, now)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if ev.Detail["subject"] != tc.subject || ev.Type != string(tc.in.Step) {
					t.Errorf("event %+v, want subject %q", ev, tc.subject)
				}
				return
			}
			var fe *fault.Error
			if !errors.As(err, &fe) {
				t.Fatalf("err %v, want field errors", err)
			}
			i := slices.IndexFunc(fe.Fields, func(f fault.FieldError) bool { return f.Field == tc.field })
			if i < 0 || !strings.Contains(fe.Fields[i].Reason, tc.why) {
				t.Errorf("fields %+v, want %s: %q", fe.Fields, tc.field, tc.why)
			}
			if tc.in.Step == StepInterviewDateSet && !slices.ContainsFunc(fe.Fields, func(f fault.FieldError) bool { return f.Field == "subject" }) {
				t.Errorf("fields %+v: the missing officer is not named beside the bad day", fe.Fields)
			}
		})
	}
}

// TestDutiesTwoOfficersThroughTheWorkflow takes a conduct matter with two
// subject officers from the allegation to a final outcome, recording each
// officer's steps as the case page does, and checks at each point that
// one officer's step neither stalls nor stops the other's clock.
func TestDutiesTwoOfficersThroughTheWorkflow(t *testing.T) {
	ref := wfReference(t)
	c := poCase()
	c.State = AllegationReceived
	var h []Event
	act := func(at string, in ActionInput) {
		t.Helper()
		w, err := OpenWindows(c, h, dlCal(t), dlAt(at))
		if err != nil {
			t.Fatal(err)
		}
		c.Derived.OpenWindows = w
		ev, err := Apply(&c, in, wfEveryRole(), ref, dlAt(at))
		if err != nil {
			t.Fatalf("%s at %s: %v", in.Action, at, err)
		}
		ev.At = dlAt(at)
		h = dlHistory(append(h, ev)...)
	}
	step := func(at string, in StepInput) {
		t.Helper()
		ev, err := RecordStepOn(c, in, dlAt(at))
		if err != nil {
			t.Fatalf("%s at %s: %v", in.Step, at, err)
		}
		h = dlHistory(append(h, ev)...)
	}
	all := func(sev, finding, sanction string) []FindingInput {
		return []FindingInput{{"a1", "o1", sev, finding, sanction}, {"a1", "o2", sev, finding, sanction}}
	}
	act("2026-01-06 09:00", ActionInput{Action: ActAssessSeverity, Reasons: wfReasons, Findings: all(SeverityMisconduct, "", "")})
	act("2026-01-07 09:00", ActionInput{Action: ActStartInvestigation, Reasons: wfReasons, Mode: ModeLocal})
	act("2026-01-19 09:00", ActionInput{Action: ActServeReg17, Recipient: "o1"})
	poDue(t, c, h, "2026-01-20 12:00", ClockOfficerRepresentations, map[string]string{"o1": "2026-02-02", "o2": ""})
	step("2026-01-21 10:00", StepInput{Step: StepInvestigationNotice, Subject: "o2"})
	step("2026-01-27 10:00", StepInput{Step: StepOfficerRepresentations, Subject: "o1"})
	poDue(t, c, h, "2026-01-28 12:00", ClockOfficerRepresentations, map[string]string{"o1": "", "o2": "2026-02-04"})
	act("2026-02-03 09:00", ActionInput{Action: ActInterview})
	poDue(t, c, h, "2026-02-03 12:00", ClockOfficerRepresentations, map[string]string{"o1": "", "o2": "2026-02-04"})
	act("2026-03-02 09:00", ActionInput{Action: ActSubmitReport})
	act("2026-03-03 09:00", ActionInput{Action: ActCaseToAnswer, Reasons: wfReasons, Findings: all(SeverityMisconduct, "", "")})
	act("2026-03-04 09:00", ActionInput{Action: ActReferToMeeting})
	act("2026-03-09 09:00", ActionInput{Action: ActServeReferralNotice, Recipient: "o1"})
	step("2026-03-12 10:00", StepInput{Step: StepOfficerReply, Subject: "o2"})
	poDue(t, c, h, "2026-03-13 12:00", ClockOfficerReply, map[string]string{"o1": "2026-03-30", "o2": ""})
	step("2026-03-16 10:00", StepInput{Step: StepOfficerReply, Subject: "o1"})
	act("2026-03-16 11:00", ActionInput{Action: ActOfficerResponse})
	act("2026-03-19 09:00", ActionInput{Action: ActAgreeWitnesses})
	act("2026-04-20 09:00", ActionInput{Action: ActHoldProceedings, Forum: ForumMeeting})
	act("2026-04-20 16:00", ActionInput{Action: ActRecordOutcome, Reasons: wfReasons, Forum: ForumMeeting,
		Findings: all("", SeverityMisconduct, string(SanctionWrittenWarning))})
	step("2026-04-21 10:00", StepInput{Step: StepDecisionSupplied, Subject: "o1"})
	poDue(t, c, h, "2026-04-22 12:00", ClockOutcomeReport, map[string]string{"o1": "", "o2": "2026-04-27"})
	poDue(t, c, h, "2026-04-22 12:00", ClockMeetingAppeal, map[string]string{"o1": "2026-04-30", "o2": ""})
	// A's window has closed on 30 April; B has still not been given the
	// decision, so the outcome cannot be final.
	w, _ := OpenWindows(c, h, dlCal(t), dlAt("2026-05-05 12:00"))
	c.Derived.OpenWindows = w
	_, err := Apply(&c, ActionInput{Action: ActFinalise}, wfEveryRole(), ref, dlAt("2026-05-05 12:00"))
	dutyRefused(t, err, "not been supplied to officer o2")
	step("2026-05-05 14:00", StepInput{Step: StepDecisionSupplied, Subject: "o2"})
	w, _ = OpenWindows(c, h, dlCal(t), dlAt("2026-05-06 12:00"))
	c.Derived.OpenWindows = w
	_, err = Apply(&c, ActionInput{Action: ActFinalise}, wfEveryRole(), ref, dlAt("2026-05-06 12:00"))
	dutyRefused(t, err, "7 working days to appeal the meeting's outcome have not run out for officer o2")
	act("2026-05-15 12:00", ActionInput{Action: ActFinalise})
	if c.State != Final {
		t.Fatalf("ended at %s", c.State)
	}
}
