package cases

import (
	"errors"
	"strings"
	"testing"
)

// Item 9: the forum is chosen by the law [CR 23(1)], and the steps on the
// way to it are the investigator's, the chair's or the AA's choice where
// the law makes them so. The facts that choose the forum (a final written
// warning in force, a senior officer) are derived from Probity's records
// and set on Case.Derived, as the web does; the client cannot send them.

// dutyForum puts a case at CaseToAnswer with every officer at sev, then
// applies derive and tries the action.
func dutyForum(t *testing.T, sev string, derive func(*DerivedFacts), in ActionInput) (Case, error) {
	t.Helper()
	c := wfFixture(ConductMatter, CaseToAnswer)
	wfEachSubject(&c, func(s *Subject) { s.Severity = sev })
	if derive != nil {
		derive(&c.Derived)
	}
	if in.Reasons == "" {
		in.Reasons = wfReasons
	}
	_, err := Apply(&c, in, wfEveryRole(), wfReference(t), wfNow)
	return c, err
}

// TestDutiesForum: CR 23(1) [verified as to case to answer and whether
// proceedings are brought; the forum rule believed].
func TestDutiesForum(t *testing.T) {
	warned := func(d *DerivedFacts) { d.FinalWarningInForce = []string{"o2"} }
	senior := func(d *DerivedFacts) { d.SeniorOfficers = []string{"o1"} }
	t.Run("must refuse a hearing when every officer is at misconduct with no final written warning in force and no senior officer", func(t *testing.T) {
		_, err := dutyForum(t, SeverityMisconduct, nil, ActionInput{Action: ActReferToHearing})
		dutyRefused(t, err, "goes to a misconduct meeting")
	})
	t.Run("must allow a meeting when every officer is at misconduct with no final written warning in force", func(t *testing.T) {
		if c, err := dutyForum(t, SeverityMisconduct, nil, ActionInput{Action: ActReferToMeeting}); err != nil || c.State != MeetingReferred {
			t.Fatalf("state %s: %v", c.State, err)
		}
	})
	t.Run("must refuse a meeting when an officer's record holds a final written warning in force", func(t *testing.T) {
		_, err := dutyForum(t, SeverityMisconduct, warned, ActionInput{Action: ActReferToMeeting})
		dutyRefused(t, err, "officer o2 has a final written warning in force")
	})
	t.Run("must allow a hearing for misconduct when an officer's record holds a final written warning in force", func(t *testing.T) {
		if c, err := dutyForum(t, SeverityMisconduct, warned, ActionInput{Action: ActReferToHearing}); err != nil || c.State != HearingReferred {
			t.Fatalf("state %s: %v", c.State, err)
		}
	})
	t.Run("must refuse a meeting when an officer is a senior officer", func(t *testing.T) {
		_, err := dutyForum(t, SeverityMisconduct, senior, ActionInput{Action: ActReferToMeeting})
		dutyRefused(t, err, "senior officer")
		if _, err := dutyForum(t, SeverityMisconduct, senior, ActionInput{Action: ActReferToHearing}); err != nil {
			t.Errorf("hearing for a senior officer: %v", err)
		}
	})
	t.Run("must refuse a meeting when an officer has a case to answer for gross misconduct", func(t *testing.T) {
		_, err := dutyForum(t, SeverityGrossMisconduct, nil, ActionInput{Action: ActReferToMeeting})
		dutyRefused(t, err, "gross misconduct")
	})
	t.Run("must refuse to take a warning in force from the client when the record holds none", func(t *testing.T) {
		// The flag on the input opens heavier outcomes only in callers
		// that have no record (the demo); it never chooses the forum.
		_, err := dutyForum(t, SeverityMisconduct, nil, ActionInput{Action: ActReferToHearing, FinalWarningInForce: true})
		dutyRefused(t, err, "goes to a misconduct meeting")
	})
	t.Run("must allow no proceedings when there is a case to answer", func(t *testing.T) {
		if c, err := dutyForum(t, SeverityMisconduct, nil, ActionInput{Action: ActNoProceedings}); err != nil || c.State != NoFurtherAction {
			t.Fatalf("state %s: %v", c.State, err)
		}
	})
}

// TestDutiesForumSteps: the steps that are someone's choice, not the law's
// [CR 20, verified; CR 33, verified; CR 49, believed; CR 42(5), verified].
func TestDutiesForumSteps(t *testing.T) {
	t.Run("must allow the investigation report when the investigator chose not to interview", func(t *testing.T) {
		c := wfFixture(ConductMatter, Reg17Served)
		if _, err := Apply(&c, ActionInput{Action: ActSubmitReport}, wfEveryRole(), wfReference(t), wfNow); err != nil || c.State != Reported {
			t.Fatalf("state %s: %v", c.State, err)
		}
	})
	t.Run("must allow a hearing without a pre-hearing when the chair directs none", func(t *testing.T) {
		c := wfFixture(ConductMatter, Witnesses)
		in := ActionInput{Action: ActHoldProceedings, Forum: ForumHearing}
		if _, err := Apply(&c, in, wfEveryRole(), wfReference(t), wfNow); err != nil || c.State != Held {
			t.Fatalf("state %s: %v", c.State, err)
		}
	})
	for _, s := range []State{Investigation, Reg17Served, Interviewed} {
		t.Run("must allow certification of the special conditions before the final report, from "+string(s), func(t *testing.T) {
			c := wfFixture(ConductMatter, s)
			in := ActionInput{Action: ActSpecialConditions, Reasons: wfReasons}
			wfEachSubjectOf(&c, func(al, officer string) {
				in.Findings = append(in.Findings, FindingInput{AllegationID: al, OfficerID: officer, Severity: SeverityGrossMisconduct})
			})
			if _, err := Apply(&c, in, wfEveryRole(), wfReference(t), wfNow); err != nil || c.State != SpecialConditions {
				t.Fatalf("state %s: %v", c.State, err)
			}
		})
	}
	t.Run("must allow dismissal at a hearing for misconduct when the officer's record holds a final written warning", func(t *testing.T) {
		outcome := func(derive bool) error {
			c := wfFixture(ConductMatter, Held)
			if derive {
				c.Derived.FinalWarningInForce = []string{"o1", "o2"}
			}
			in := ActionInput{Action: ActRecordOutcome, Reasons: wfReasons, Forum: ForumHearing}
			wfEachSubjectOf(&c, func(al, officer string) {
				in.Findings = append(in.Findings, FindingInput{AllegationID: al, OfficerID: officer,
					Finding: SeverityMisconduct, Sanction: string(SanctionDismissal)})
			})
			_, err := Apply(&c, in, wfEveryRole(), wfReference(t), wfNow)
			return err
		}
		if err := outcome(false); err == nil {
			t.Error("dismissal for misconduct with no warning on the record was allowed")
		}
		if err := outcome(true); err != nil {
			t.Errorf("with the warning on the record: %v", err)
		}
	})
}

// wfEachSubjectOf calls fn with each subject's allegation and officer.
func wfEachSubjectOf(c *Case, fn func(allegation, officer string)) {
	for _, al := range c.Allegations {
		for _, s := range al.Subjects {
			fn(al.ID, s.OfficerID)
		}
	}
}

// TestRefusalForWantOfRoleTellsNothingOfTheRecord: a caller who may not
// take an action is refused for the role alone, before any guard can name
// a fact from an officer's record (here a final written warning in force
// on another case). The brief's rule: a refusal leaks nothing.
func TestRefusalForWantOfRoleTellsNothingOfTheRecord(t *testing.T) {
	c := wfFixture(ConductMatter, CaseToAnswer)
	wfEachSubject(&c, func(s *Subject) { s.Severity = SeverityMisconduct })
	c.Derived.FinalWarningInForce = []string{"o2"}
	_, err := Apply(&c, ActionInput{Action: ActReferToMeeting, Reasons: wfReasons}, []string{"investigator"}, wfReference(t), wfNow)
	var na *NotAllowedError
	if !errors.As(err, &na) || !na.ByRole || strings.Contains(err.Error(), "warning") || strings.Contains(err.Error(), "o2") {
		t.Fatalf("refusal for want of the role: %v", err)
	}
}
