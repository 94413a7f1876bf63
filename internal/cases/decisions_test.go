package cases

import (
	"strings"
	"testing"
)

// Item 6: matters change kind, and decisions say on whose behalf they were
// made [C&M 38(3), (5), verified; C&M 41(4)-(6), verified].
func TestDutiesPublicInterest(t *testing.T) {
	withdraw := ActionInput{Action: ActWithdraw, SignedWithdrawal: true}
	referred := append(recordedOn("must_be_referred"), ActionInput{Action: ActReferToIOPC, ReferralGround: "serious_assault"})
	suspended := append(recordedOn(""), ActionInput{Action: ActSuspend})

	t.Run("must allow treating a withdrawn complaint as a recordable conduct matter when it had been referred, as the IOPC's decision", func(t *testing.T) {
		c, err := dutyScenario(t, Complaint, "2025", append(referred, withdraw), ActionInput{Action: ActTreatAsConduct})
		if err != nil || c.State != RecordedAsConduct {
			t.Fatalf("state %s, err %v", c.State, err)
		}
		rc := ConductMatterFrom(c, wfReference(t), wfNow)
		if rc.Kind != RecordableConduct || rc.RelatedCaseID != c.ID || rc.State != ReferredIOPC {
			t.Errorf("conduct matter %+v", rc)
		}
	})
	t.Run("must refuse the appropriate authority as the decision-maker when the complaint withdrawn had been referred", func(t *testing.T) {
		_, err := dutyScenario(t, Complaint, "2025", append(referred, withdraw),
			ActionInput{Action: ActTreatAsConduct, OnBehalfOf: OnBehalfOfAA})
		if err == nil || !strings.Contains(err.Error(), "on_behalf_of") || !strings.Contains(err.Error(), "C&M 38(5)") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("must refuse a public-interest decision when the complaint withdrawn was never referred", func(t *testing.T) {
		c, err := dutyScenario(t, Complaint, "2025", append(recordedOn(""), withdraw), ActionInput{Action: ActTreatAsConduct})
		dutyRefused(t, err, "final state")
		if !IsTerminal(c) {
			t.Error("a complaint withdrawn without referral is still open")
		}
	})
	t.Run("must allow declining, which ends the withdrawn complaint", func(t *testing.T) {
		c, err := dutyScenario(t, Complaint, "2025", append(referred, withdraw), ActionInput{Action: ActDeclineConduct})
		if err != nil || c.State != Closed || !IsTerminal(c) {
			t.Fatalf("state %s, err %v", c.State, err)
		}
	})
	t.Run("must allow treating a complaint not resumed after criminal proceedings as a recordable conduct matter, by the appropriate authority", func(t *testing.T) {
		c := wfNewCase(Complaint, "2025")
		for _, in := range append(suspended, ActionInput{Action: ActTreatAsConduct}) {
			in.Reasons = wfReasons
			ev, err := Apply(&c, in, wfEveryRole(), wfReference(t), wfNow)
			if err != nil {
				t.Fatalf("%s: %v", in.Action, err)
			}
			if in.Action == ActTreatAsConduct && ev.Detail["on_behalf_of"] != OnBehalfOfAA {
				t.Errorf("decided on behalf of %q, want %s", ev.Detail["on_behalf_of"], OnBehalfOfAA)
			}
		}
		if c.State != RecordedAsConduct {
			t.Errorf("state %s", c.State)
		}
	})
	t.Run("must refuse the panel as the maker of a public-interest decision", func(t *testing.T) {
		_, err := dutyScenario(t, Complaint, "2025", suspended, ActionInput{Action: ActDeclineConduct, OnBehalfOf: OnBehalfOfPanel})
		if err == nil || !strings.Contains(err.Error(), "C&M 41(4)") {
			t.Errorf("err = %v", err)
		}
	})
}

// Decisions record on whose behalf they were made: the appropriate
// authority's, the IOPC's, the review body's, the panel's; steps that
// record someone else's act say no decision-maker.
func TestDutiesDecisionsSayOnWhoseBehalf(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  Kind
		state State
		in    ActionInput
		want  string
	}{
		{"the appropriate authority's recording", Complaint, InitialContact, ActionInput{Action: ActRecordSch3}, OnBehalfOfAA},
		{"the IOPC's decision on the form of investigation", Complaint, ReferredIOPC, ActionInput{Action: ActIOPCIndependent}, OnBehalfOfIOPC},
		{"the IOPC's decision on a DSI matter", DeathOrSeriousInjury, ReferredIOPC, ActionInput{Action: ActIOPCReturnsDSI}, OnBehalfOfIOPC},
		{"the local policing body's review", Complaint, ReviewRequested, ActionInput{Action: ActNotUpholdReview}, OnBehalfOfLPB},
		{"the IOPC's review", Complaint, ReviewRequested, ActionInput{Action: ActUpholdReview, ReviewFacts: ReviewFacts{SeniorOfficer: true}}, OnBehalfOfIOPC},
		{"the panel's outcome", ConductMatter, Held, ActionInput{Action: ActFindNoMisconduct, Forum: ForumHearing}, OnBehalfOfPanel},
		{"no one's: the complainant's withdrawal", Complaint, RecordedSch3, ActionInput{Action: ActWithdraw, SignedWithdrawal: true}, ""},
	} {
		t.Run("must record "+tc.name, func(t *testing.T) {
			c := wfFixture(tc.kind, tc.state)
			if tc.in.Reasons == "" {
				tc.in.Reasons = wfReasons
			}
			ev, err := Apply(&c, tc.in, wfEveryRole(), wfReference(t), wfNow)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := ev.Detail["on_behalf_of"]; got != tc.want || ok != (tc.want != "") {
				t.Errorf("on behalf of %q, want %q", got, tc.want)
			}
		})
	}
}
