package cases

import (
	"slices"
	"testing"
)

// Items 10 and 11: officers who leave are still held to account, and a
// complaint stays open to its complainant. Marks as in duties_test.go.

func dutyApply(t *testing.T, c *Case, in ActionInput) error {
	t.Helper()
	if in.Reasons == "" && in.Action != ActWithdraw {
		in.Reasons = wfReasons
	}
	_, err := Apply(c, in, wfEveryRole(), wfReference(t), wfNow)
	return err
}

func dutyMust(t *testing.T, c *Case, in ActionInput) {
	t.Helper()
	if err := dutyApply(t, c, in); err != nil {
		t.Fatalf("%s from %s: %v", in.Action, c.State, err)
	}
}

// TestDutiesFormerOfficers: CR 4 and Sch 1 [verified: proceedings go on
// after an officer leaves; believed: the finding that the officer would
// have been dismissed]; SI 2017/1135 reg 3 [verified as to the duty to
// report a dismissal; believed as to timing and withdrawal].
func TestDutiesFormerOfficers(t *testing.T) {
	t.Run("must refuse to end the case when the officer leaves", func(t *testing.T) {
		c := wfFixture(ConductMatter, Investigation)
		dutyMust(t, &c, ActionInput{Action: ActOfficerLeft, Recipient: "o1"})
		dutyMust(t, &c, ActionInput{Action: ActReportAdvisoryList, Recipient: "o1"})
		if c.State != Investigation || IsTerminal(c) {
			t.Fatalf("after leaving and the advisory list: %s, terminal %v", c.State, IsTerminal(c))
		}
		if s := c.Allegations[0].Subjects[0]; !s.Left || !s.AdvisoryList {
			t.Errorf("subject %+v: leaving and the report not recorded on the officer", s)
		}
		if !slices.ContainsFunc(Allowed(c, wfEveryRole()), func(a Action) bool { return a.Name == ActServeReg17 }) {
			t.Error("the investigation does not go on after the officer left")
		}
	})
	t.Run("must refuse the advisory-list report when the officer has not left", func(t *testing.T) {
		c := wfFixture(ConductMatter, Investigation)
		err := dutyApply(t, &c, ActionInput{Action: ActReportAdvisoryList, Recipient: "o1"})
		dutyRefused(t, err, "has left the force")
	})
	t.Run("must allow proceedings against a former officer to find that they would have been dismissed", func(t *testing.T) {
		c := wfFixture(ConductMatter, Held)
		wfEachSubject(&c, func(s *Subject) { s.Severity = SeverityGrossMisconduct })
		dutyMust(t, &c, ActionInput{Action: ActOfficerLeft, Recipient: "o1"})
		in := ActionInput{Action: ActRecordOutcome, Forum: ForumHearing}
		wfEachSubjectOf(&c, func(al, officer string) {
			in.Findings = append(in.Findings, FindingInput{AllegationID: al, OfficerID: officer,
				Finding: SeverityGrossMisconduct, Sanction: string(SanctionDismissal)})
		})
		dutyMust(t, &c, in)
		if o := c.Allegations[0].Subjects[0].Outcome; o != string(SanctionWouldHaveBeenDismissed) {
			t.Errorf("former officer's outcome %q, want would have been dismissed", o)
		}
		if o := c.Allegations[0].Subjects[1].Outcome; o != string(SanctionDismissal) {
			t.Errorf("serving officer's outcome %q, want dismissal", o)
		}
		dutyMust(t, &c, ActionInput{Action: ActReportBarredList, Recipient: "o1"})
	})
	t.Run("must allow the barred-list report when the officer has appealed", func(t *testing.T) {
		c := wfFixture(ConductMatter, Outcome)
		dutyMust(t, &c, ActionInput{Action: ActReportBarredList, Recipient: "o1"})
		if c.State != Outcome {
			t.Fatalf("the report moved the case to %s", c.State)
		}
		dutyMust(t, &c, ActionInput{Action: ActAppeal})
		dutyMust(t, &c, ActionInput{Action: ActReportBarredList, Recipient: "o2"})
		if c.State != Appeal {
			t.Fatalf("the report during the appeal moved the case to %s", c.State)
		}
	})
	t.Run("must refuse to let the case end when an appeal overturned a reported dismissal and the report stands", func(t *testing.T) {
		c := wfFixture(ConductMatter, Outcome)
		dutyMust(t, &c, ActionInput{Action: ActReportBarredList, Recipient: "o1"})
		dutyMust(t, &c, ActionInput{Action: ActReportBarredList, Recipient: "o2"})
		dutyMust(t, &c, ActionInput{Action: ActAppeal})
		dutyMust(t, &c, ActionInput{Action: ActDecideAppeal, AppealOutcome: AppealVaried, Forum: ForumHearing,
			Findings: []FindingInput{{AllegationID: "a1", OfficerID: "o1", Finding: SeverityGrossMisconduct, Sanction: string(SanctionFinalWrittenWarning)},
				{AllegationID: "a2", OfficerID: "o1", Finding: SeverityGrossMisconduct, Sanction: string(SanctionFinalWrittenWarning)}}})
		if IsTerminal(c) {
			t.Fatal("the case ended with a barred-list report standing for an officer no longer dismissed")
		}
		err := dutyApply(t, &c, ActionInput{Action: ActWithdrawBarredList, Recipient: "o2"})
		if err == nil {
			t.Error("withdrew the report of an officer whose dismissal stands")
		}
		dutyMust(t, &c, ActionInput{Action: ActWithdrawBarredList, Recipient: "o1"})
		if !IsTerminal(c) || c.Allegations[0].Subjects[0].BarredList != BarredWithdrawn {
			t.Errorf("after the withdrawal: terminal %v, subject %+v", IsTerminal(c), c.Allegations[0].Subjects[0])
		}
	})
}

// TestDutiesComplaintsStayOpen: Sch3 2(6A) [verified]; C&M 38, 39
// [verified as to the notices; believed as to withdrawal without a
// signed notice and of part].
func TestDutiesComplaintsStayOpen(t *testing.T) {
	t.Run("must allow recording under Schedule 3 when the complainant asks after the complaint was resolved", func(t *testing.T) {
		c := wfFixture(Complaint, Resolved)
		dutyMust(t, &c, ActionInput{Action: ActRecordSch3})
		if c.State != RecordedSch3 {
			t.Errorf("state %s", c.State)
		}
	})
	t.Run("must allow a withdrawal without a signed notice when the complainant's wish is confirmed", func(t *testing.T) {
		c := wfFixture(Complaint, LocalInvestigation)
		err := dutyApply(t, &c, ActionInput{Action: ActWithdraw})
		if err == nil {
			t.Fatal("an unsigned, unconfirmed withdrawal was recorded")
		}
		dutyMust(t, &c, ActionInput{Action: ActWithdraw, Reasons: "Confirmed by telephone and letter (C&M 39)"})
		if c.State != Withdrawn {
			t.Errorf("state %s", c.State)
		}
	})
	t.Run("must allow withdrawing part of a complaint when the rest goes on", func(t *testing.T) {
		c := wfFixture(Complaint, LocalInvestigation)
		dutyMust(t, &c, ActionInput{Action: ActWithdrawPart, SignedWithdrawal: true,
			Findings: []FindingInput{{AllegationID: "a2", OfficerID: "o1", Finding: FindingWithdrawn}}})
		if c.State != LocalInvestigation {
			t.Fatalf("state %s", c.State)
		}
		// The outcome covers what is left.
		in := ActionInput{Action: ActNotifyOutcome, Findings: []FindingInput{
			{AllegationID: "a1", OfficerID: "o1", Finding: "service_acceptable"},
			{AllegationID: "a1", OfficerID: "o2", Finding: "service_acceptable"}}}
		dutyMust(t, &c, in)
	})
	t.Run("must refuse a part withdrawal when it names the whole complaint", func(t *testing.T) {
		c := wfFixture(Complaint, LocalInvestigation)
		in := ActionInput{Action: ActWithdrawPart, SignedWithdrawal: true}
		wfEachSubjectOf(&c, func(al, officer string) {
			in.Findings = append(in.Findings, FindingInput{AllegationID: al, OfficerID: officer, Finding: FindingWithdrawn})
		})
		if err := dutyApply(t, &c, in); err == nil {
			t.Error("a part withdrawal of the whole complaint was recorded")
		}
	})
	t.Run("must allow the notices to the IOPC and the review body when a referred complaint under review is withdrawn", func(t *testing.T) {
		c := wfFixture(Complaint, ReviewRequested)
		c.ReferralGround = "serious_assault"
		ev, err := Apply(&c, ActionInput{Action: ActWithdraw, SignedWithdrawal: true}, wfEveryRole(), wfReference(t), wfNow)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Detail["notify_iopc"] != "true" || ev.Detail["notify_review_body"] != "true" {
			t.Errorf("event %v: the IOPC and the review body are not told", ev.Detail)
		}
		c = wfFixture(Complaint, LocalInvestigation)
		ev, _ = Apply(&c, ActionInput{Action: ActWithdraw, SignedWithdrawal: true}, wfEveryRole(), wfReference(t), wfNow)
		if ev.Detail["notify_iopc"] != "" || ev.Detail["notify_review_body"] != "" {
			t.Errorf("event %v: notices where neither holds the complaint", ev.Detail)
		}
	})
}
