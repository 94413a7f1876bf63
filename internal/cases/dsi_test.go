package cases

import (
	"slices"
	"testing"
)

// Item 4: DSI matters as their own kind [Sch3 Part 2A, believed: paras
// 14A-14J read from secondary sources; Sch3 14C and C&M 9, believed: the
// duty to refer; Sch3 21A, believed: recording as a conduct matter].
func TestDutiesDSIMatters(t *testing.T) {
	referred := []ActionInput{{Action: ActReferToIOPC, ReferralGround: "death_or_serious_injury"}}
	investigated := append(slices.Clone(referred), ActionInput{Action: ActIOPCDecidesDSIInvestigation, Mode: ModeIndependent})
	notConduct := []ActionName{ActAssessSeverity, ActReferToRPRP, ActNoFurtherAction, ActStartInvestigation}

	t.Run("must refuse everything but the referral when a DSI matter is recorded", func(t *testing.T) {
		c := wfNewCase(DeathOrSeriousInjury, "2025")
		got := wfActionNames(Allowed(c, wfEveryRole()))
		if want := []ActionName{ActReferToIOPC, ActIOPCTreatsAsReferred}; !slices.Equal(got, want) {
			t.Errorf("a new DSI matter allows %v, want only %v", got, want)
		}
		_, err := dutyScenario(t, DeathOrSeriousInjury, "2025", nil, ActionInput{Action: ActCloseDSI})
		dutyRefused(t, err, "")
	})
	t.Run("must refuse a severity assessment, reflective practice or no further action when the matter is a DSI matter, before referral or after", func(t *testing.T) {
		for _, steps := range [][]ActionInput{nil, referred, investigated} {
			for _, n := range notConduct {
				_, err := dutyScenario(t, DeathOrSeriousInjury, "2025", steps, ActionInput{Action: n, Mode: ModeLocal})
				dutyRefused(t, err, "not an action for a death or serious injury matter")
			}
		}
	})
	t.Run("must refuse closing a DSI matter when no referral is recorded", func(t *testing.T) {
		c := wfFixture(DeathOrSeriousInjury, ReferredBack)
		c.ReferralGround = "" // an imported matter whose referral was never recorded
		_, err := Apply(&c, ActionInput{Action: ActCloseDSI, Reasons: wfReasons}, wfEveryRole(), wfReference(t), wfNow)
		dutyRefused(t, err, "DSI matter must be referred")
	})
	t.Run("must allow the investigation in the form the IOPC decides", func(t *testing.T) {
		for _, mode := range Modes {
			c, err := dutyScenario(t, DeathOrSeriousInjury, "2025", referred, ActionInput{Action: ActIOPCDecidesDSIInvestigation, Mode: mode})
			if err != nil || c.State != Investigation {
				t.Errorf("%s: state %s, err %v", mode, c.State, err)
			}
		}
	})
	t.Run("must allow closing a DSI matter when the IOPC decides it needs no investigation", func(t *testing.T) {
		steps := append(slices.Clone(referred), ActionInput{Action: ActIOPCReturnsDSI})
		c, err := dutyScenario(t, DeathOrSeriousInjury, "2025", steps, ActionInput{Action: ActCloseDSI})
		if err != nil || c.State != Closed {
			t.Fatalf("state %s, err %v", c.State, err)
		}
	})
	t.Run("must allow recording a recordable conduct matter, linked to the DSI matter, when the investigation indicates misconduct", func(t *testing.T) {
		for _, steps := range [][]ActionInput{investigated, append(slices.Clone(investigated), ActionInput{Action: ActSubmitDSIReport})} {
			dsi, err := dutyScenario(t, DeathOrSeriousInjury, "2025", steps, ActionInput{Action: ActRecordAsConduct})
			if err != nil || dsi.State != RecordedAsConduct || !IsTerminal(dsi) {
				t.Fatalf("state %s, err %v", dsi.State, err)
			}
			dsi.ForceID, dsi.Summary = "f1", "Death in custody"
			rc := ConductMatterFrom(dsi, wfReference(t), wfNow)
			if rc.Kind != RecordableConduct || rc.RelatedCaseID != dsi.ID || rc.State != ReferredIOPC ||
				rc.ReferralGround != "death_or_serious_injury" || rc.ForceID != "f1" || rc.Summary != dsi.Summary {
				t.Errorf("conduct matter %+v", rc)
			}
			if len(rc.Allegations) != len(dsi.Allegations) || rc.Allegations[0].Subjects[0].Severity != "" {
				t.Errorf("allegations %+v", rc.Allegations)
			}
			// The conduct matter goes on from the referral: the IOPC decides
			// its investigation, and its severity is assessed as a conduct
			// matter's is.
			got := wfActionNames(Allowed(rc, wfEveryRole()))
			if !slices.Contains(got, ActAssessSeverity) || !slices.Contains(got, ActStartInvestigation) {
				t.Errorf("the conduct matter allows %v", got)
			}
		}
	})
}
