package cases

import (
	"slices"
	"strings"
	"testing"
)

// Item 7: the review body derived, not supplied [C&M 32, verified; Sch3
// 6A and 25, believed].
func TestDutiesReviewBody(t *testing.T) {
	// A complaint handled otherwise and its outcome notified, recorded on
	// ground, with facts given when the review is applied for.
	review := func(ground string, in ActionInput) (Case, error) {
		t.Helper()
		steps := append(recordedOn(ground), ActionInput{Action: ActHandleOtherwise, InvestigationException: exceptionFor(ground)})
		steps = append(steps, notifyAll())
		in.Action = ActRequestReview
		return dutyScenario(t, Complaint, "2025", steps, in)
	}
	for _, tc := range []struct {
		name, ground string
		facts        ReviewFacts
		why          string
	}{
		{"the complaint concerns a senior officer", "", ReviewFacts{SeniorOfficer: true}, "senior officer"},
		{"the complaint was recorded as one that could justify proceedings", "crime_or_disciplinary", ReviewFacts{}, "could justify"},
		{"the complaint was recorded as involving Article 2 or 3", "article_2_or_3", ReviewFacts{}, "Article 2 or 3"},
		{"the authority cannot satisfy itself from the complaint alone", "", ReviewFacts{CriminalOrDisciplinary: true}, "cannot be satisfied"},
		{"it arises from the same incident", "", ReviewFacts{SameIncident: true}, "same incident"},
	} {
		t.Run("must refuse the local policing body as review body when "+tc.name, func(t *testing.T) {
			_, err := review(tc.ground, ActionInput{ReviewBody: ReviewBodyLPB, ReviewFacts: tc.facts})
			if err == nil || !strings.Contains(err.Error(), "review_body") || !strings.Contains(err.Error(), tc.why) ||
				!strings.Contains(err.Error(), "C&M 32") {
				t.Errorf("err = %v, want review_body refused saying %q", err, tc.why)
			}
		})
	}
	t.Run("must refuse the local policing body when the complaint was referred, whatever the caller says", func(t *testing.T) {
		steps := append(recordedOn(""), ActionInput{Action: ActReferToIOPC, ReferralGround: "voluntary"},
			ActionInput{Action: ActIOPCReferBack}, ActionInput{Action: ActHandleOtherwise}, notifyAll())
		c, err := dutyScenario(t, Complaint, "2025", steps, ActionInput{Action: ActRequestReview, ReviewBody: ReviewBodyLPB})
		if c.State == ReviewRequested || err == nil || !strings.Contains(err.Error(), "was referred to the IOPC") {
			t.Errorf("state %s, err = %v", c.State, err)
		}
	})
	t.Run("must refuse the IOPC as review body when none of the C&M 32 grounds applies", func(t *testing.T) {
		_, err := review("", ActionInput{ReviewBody: ReviewBodyIOPC})
		if err == nil || !strings.Contains(err.Error(), "the review body is the local policing body") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("must allow a review application that names no body, and record the body the law gives", func(t *testing.T) {
		for ground, want := range map[string]string{"": ReviewBodyLPB, "must_be_referred": ReviewBodyIOPC} {
			c := wfFixture(Complaint, OutcomeNotified)
			c.HandlingGround = ground
			ev, err := Apply(&c, ActionInput{Action: ActRequestReview}, wfEveryRole(), wfReference(t), wfNow)
			if err != nil || ev.Detail["review_body"] != want {
				t.Errorf("ground %q: review body %q (%v), want %s", ground, ev.Detail["review_body"], err, want)
			}
			ev, err = Apply(&c, ActionInput{Action: ActUpholdReview, Reasons: wfReasons}, wfEveryRole(), wfReference(t), wfNow)
			if err != nil || ev.Detail["review_body"] != want {
				t.Errorf("ground %q: upheld by %q (%v), want %s", ground, ev.Detail["review_body"], err, want)
			}
		}
	})
}

// exceptionFor is the C&M 6 exception a scenario records so that a
// complaint recorded on ground may be handled otherwise.
func exceptionFor(ground string) string {
	if slices.Contains(InvestigationDutyGrounds, ground) {
		return "repeat_complaint"
	}
	return ""
}

// notifyAll notifies an outcome for every subject of a scenario's case.
func notifyAll() ActionInput {
	notify := ActionInput{Action: ActNotifyOutcome}
	for _, al := range wfNewCase(Complaint, "2025").Allegations {
		for _, s := range al.Subjects {
			notify.Findings = append(notify.Findings, FindingInput{AllegationID: al.ID, OfficerID: s.OfficerID, Finding: "service_acceptable"})
		}
	}
	return notify
}
