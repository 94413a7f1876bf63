package cases

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// The statutory duties, one scenario each, written from the provisions
// rather than from the action table. Each names the provision it follows
// and how sure that reading is: verified (its text was read on
// legislation.gov.uk) or believed (from secondary sources or a title).
// docs/statutory-process.md states each duty with the scenario that
// enforces it.

// dutyScenario drives a fresh case of kind k under rule set rs through
// steps, each of which must succeed, then tries last and returns its
// error with the case as it stands.
func dutyScenario(t *testing.T, k Kind, rs string, steps []ActionInput, last ActionInput) (Case, error) {
	t.Helper()
	c := wfNewCase(k, rs)
	c.ReceivedAt = wfNow.AddDate(0, -1, 0)
	for _, in := range steps {
		if in.Reasons == "" {
			in.Reasons = wfReasons
		}
		if _, err := Apply(&c, in, wfEveryRole(), wfReference(t), wfNow); err != nil {
			t.Fatalf("step %s from %s: %v", in.Action, c.State, err)
		}
	}
	if last.Reasons == "" {
		last.Reasons = wfReasons
	}
	before := wfCloneCase(c)
	_, err := Apply(&c, last, wfEveryRole(), wfReference(t), wfNow)
	if err != nil && !wfSameCase(c, before) {
		t.Errorf("%s was refused but changed the case", last.Action)
	}
	return c, err
}

func wfSameCase(a, b Case) bool {
	return a.State == b.State && a.HandlingGround == b.HandlingGround &&
		a.InvestigationException == b.InvestigationException && a.ReferralGround == b.ReferralGround
}

// dutyRefused checks err is a refusal whose reason contains why.
func dutyRefused(t *testing.T, err error, why string) {
	t.Helper()
	var na *NotAllowedError
	if !errors.As(err, &na) {
		t.Fatalf("err = %v, want a refusal saying %q", err, why)
	}
	if !strings.Contains(na.Error(), why) {
		t.Errorf("refusal %q does not say %q", na.Error(), why)
	}
}

func recordedOn(ground string) []ActionInput {
	return []ActionInput{{Action: ActMakeInitialContact}, {Action: ActRecordSch3, MandatoryGround: ground}}
}

// Item 1: the rule set [C&M 2(2), verified; SI 2025/558 reg 66, verified].
func TestDutiesRuleSet(t *testing.T) {
	t.Run("must refuse every action when the case follows the 2012 regulations", func(t *testing.T) {
		// Probity holds 2012-regime cases read-only (docs/statutory-process.md
		// section 1): their outcomes are not the 2020 ones.
		for _, k := range Kinds {
			c := wfNewCase(k, "")
			c.AroseOn, c.ReceivedAt = time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 11, 4, 0, 0, 0, 0, time.UTC)
			if as := Allowed(c, wfEveryRole()); len(as) != 0 {
				t.Errorf("%s under the 2012 rules: %d actions allowed, want none", k, len(as))
			}
			first := ActMakeInitialContact
			if k != Complaint {
				first = ActReferToIOPC
			}
			_, err := Apply(&c, ActionInput{Action: first, ReferralGround: "serious_assault", Reasons: wfReasons}, wfEveryRole(), wfReference(t), wfNow)
			dutyRefused(t, err, "2012 regulations")
		}
	})
	t.Run("must allow the 2020 process when the matter arose before 2020 but was complained of after", func(t *testing.T) {
		c := wfNewCase(Complaint, "")
		c.AroseOn, c.ReceivedAt = time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 2, 3, 0, 0, 0, 0, time.UTC)
		if _, err := Apply(&c, ActionInput{Action: ActMakeInitialContact}, wfEveryRole(), wfReference(t), wfNow); err != nil {
			t.Fatal(err)
		}
	})
}

// Item 2: the duty to investigate [Sch3 6(2A)-(2C), believed: read as
// named in C&M 6; C&M 6, verified].
func TestDutiesToInvestigate(t *testing.T) {
	for _, ground := range InvestigationDutyGrounds {
		t.Run("must refuse handling otherwise than by investigation when the complaint was recorded as "+ground, func(t *testing.T) {
			c, err := dutyScenario(t, Complaint, "2025", recordedOn(ground), ActionInput{Action: ActHandleOtherwise})
			dutyRefused(t, err, "must be investigated")
			if c.State != RecordedSch3 {
				t.Errorf("state %s, want RecordedSch3", c.State)
			}
		})
	}
	t.Run("must refuse handling otherwise when a complaint recorded as indicating misconduct comes back from the IOPC", func(t *testing.T) {
		steps := append(recordedOn("crime_or_disciplinary"),
			ActionInput{Action: ActReferToIOPC, ReferralGround: "voluntary"}, ActionInput{Action: ActIOPCReferBack})
		_, err := dutyScenario(t, Complaint, "2025", steps, ActionInput{Action: ActHandleOtherwise})
		dutyRefused(t, err, "must be investigated")
	})
	t.Run("must refuse the C&M 6 exception when no duty to investigate was recorded", func(t *testing.T) {
		_, err := dutyScenario(t, Complaint, "2025", recordedOn(""),
			ActionInput{Action: ActHandleOtherwise, InvestigationException: "repeat_complaint"})
		if err == nil || !strings.Contains(err.Error(), "investigation_exception") {
			t.Errorf("err = %v, want investigation_exception refused", err)
		}
	})
	t.Run("must refuse an exception C&M 6 does not make", func(t *testing.T) {
		_, err := dutyScenario(t, Complaint, "2025", recordedOn("crime_or_disciplinary"),
			ActionInput{Action: ActHandleOtherwise, InvestigationException: "too_busy"})
		if err == nil || !strings.Contains(err.Error(), "investigation_exception") {
			t.Errorf("err = %v, want investigation_exception refused", err)
		}
	})
	t.Run("must allow handling otherwise when the C&M 6 exception is recorded", func(t *testing.T) {
		c, err := dutyScenario(t, Complaint, "2025", recordedOn("crime_or_disciplinary"),
			ActionInput{Action: ActHandleOtherwise, InvestigationException: "repeat_complaint"})
		if err != nil {
			t.Fatal(err)
		}
		if c.State != HandledOtherwise || c.InvestigationException != "repeat_complaint" {
			t.Errorf("state %s, exception %q", c.State, c.InvestigationException)
		}
	})
	t.Run("must allow handling otherwise when no ground for investigation was recorded", func(t *testing.T) {
		if _, err := dutyScenario(t, Complaint, "2025", recordedOn(""), ActionInput{Action: ActHandleOtherwise}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("must allow a local investigation when the complaint was recorded as indicating misconduct", func(t *testing.T) {
		c, err := dutyScenario(t, Complaint, "2025", recordedOn("crime_or_disciplinary"), ActionInput{Action: ActInvestigateLocally})
		if err != nil {
			t.Fatal(err)
		}
		if c.HandlingGround != "crime_or_disciplinary" {
			t.Errorf("handling ground %q not kept on the case", c.HandlingGround)
		}
	})
}

// Item 3: mandatory referral to the IOPC [Sch3 4(1), verified; Sch3 4A
// and 13A, verified; Sch3 13, believed; Sch3 14C for DSI matters,
// believed; C&M 4, believed: read by title].
func TestDutiesToRefer(t *testing.T) {
	for _, ground := range MandatoryReferralHandlingGrounds {
		for _, local := range []ActionName{ActInvestigateLocally, ActHandleOtherwise} {
			t.Run("must refuse "+string(local)+" when the complaint was recorded as "+ground+" and no referral is made", func(t *testing.T) {
				c, err := dutyScenario(t, Complaint, "2025", recordedOn(ground), ActionInput{Action: local})
				dutyRefused(t, err, "refer it first")
				if slices.ContainsFunc(Allowed(c, wfEveryRole()), func(a Action) bool { return a.Name == local }) {
					t.Errorf("%s is still offered", local)
				}
			})
		}
	}
	t.Run("must allow local handling when the IOPC refers a mandatory referral back", func(t *testing.T) {
		steps := append(recordedOn("must_be_referred"),
			ActionInput{Action: ActReferToIOPC, ReferralGround: "serious_assault"}, ActionInput{Action: ActIOPCReferBack})
		c, err := dutyScenario(t, Complaint, "2025", steps, ActionInput{Action: ActHandleOtherwise})
		if err != nil {
			t.Fatal(err)
		}
		if c.ReferralGround != "serious_assault" {
			t.Errorf("referral ground %q not kept on the case", c.ReferralGround)
		}
	})
	t.Run("must allow local handling when the IOPC treats the matter as referred and sends it back", func(t *testing.T) {
		steps := append(recordedOn("death_or_serious_injury"),
			ActionInput{Action: ActIOPCTreatsAsReferred}, ActionInput{Action: ActIOPCReferBack})
		c, err := dutyScenario(t, Complaint, "2025", steps, ActionInput{Action: ActInvestigateLocally})
		if err != nil {
			t.Fatal(err)
		}
		if c.ReferralGround != ReferralTreatedAsReferred {
			t.Errorf("referral ground %q, want %s", c.ReferralGround, ReferralTreatedAsReferred)
		}
	})
	t.Run("must allow a referral from every open Schedule 3 state", func(t *testing.T) {
		for _, k := range []Kind{Complaint, RecordableConduct, DeathOrSeriousInjury} {
			for _, s := range KindStates(k) {
				if !slices.Contains(wfReferableStates, s) {
					continue
				}
				c := wfFixture(k, s)
				if _, err := Apply(&c, ActionInput{Action: ActReferToIOPC, ReferralGround: "serious_corruption"}, wfEveryRole(), wfReference(t), wfNow); err != nil {
					t.Errorf("%s %s: %v", k, s, err)
				}
			}
		}
		for _, s := range []State{LocalInvestigation, HandledOtherwise, OutcomeNotified, ReviewUpheld} {
			c := wfFixture(Complaint, s)
			if _, err := Apply(&c, ActionInput{Action: ActReferToIOPC, ReferralGround: "serious_corruption"}, wfEveryRole(), wfReference(t), wfNow); err != nil {
				t.Errorf("complaint in %s: %v", s, err)
			}
		}
	})
}
