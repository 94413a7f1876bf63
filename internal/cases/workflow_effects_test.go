package cases

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

func TestApplyWritesSubjectsAndTimeline(t *testing.T) {
	ref := wfReference(t)
	c := wfNewCase(ConductMatter, "2025")
	var events []Event
	step := func(roles []string, in ActionInput) {
		t.Helper()
		ev, err := Apply(&c, in, roles, ref, wfNow)
		if err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
		events = append(events, ev)
	}
	aa := []string{RoleAuthority}
	all := func(sev, finding, sanction string) []FindingInput {
		return []FindingInput{{"a1", "o1", sev, finding, sanction}, {"a1", "o2", sev, finding, sanction}, {"a2", "o1", sev, finding, sanction}}
	}
	step(aa, ActionInput{Action: ActReferToIOPC, ReferralGround: "serious_corruption"})
	step(aa, ActionInput{Action: ActStartInvestigation, Reasons: "IOPC: directed", Mode: ModeDirected,
		Findings: all(SeverityGrossMisconduct, "", "")})
	step([]string{RoleInvestigator}, ActionInput{Action: ActServeReg17, Recipient: "o2"})
	step([]string{RoleInvestigator}, ActionInput{Action: ActInterview})
	step([]string{RoleInvestigator}, ActionInput{Action: ActSubmitReport})
	cta := all(SeverityGrossMisconduct, "", "")
	cta[1] = FindingInput{AllegationID: "a1", OfficerID: "o2", Finding: FindingNoCaseToAnswer}
	step([]string{RolePSDHead}, ActionInput{Action: ActCaseToAnswer, Reasons: "Report shows it", Findings: cta})
	if got := wfActionNames(Allowed(c, aa)); !slices.Equal(got, []ActionName{ActNoProceedings, ActReferToHearing, ActOfficerLeft}) {
		t.Errorf("gross misconduct case to answer allows %v", got)
	}
	step(aa, ActionInput{Action: ActReferToHearing})
	step(aa, ActionInput{Action: ActServeReferralNotice, Recipient: "o1"})
	step([]string{RoleHandler}, ActionInput{Action: ActOfficerResponse})
	step(aa, ActionInput{Action: ActAgreeWitnesses})
	tl := ReadTimeline(events)
	if tl.Forum != ForumHearing || !tl.Referred {
		t.Fatalf("timeline facts %+v", tl)
	}
	step(aa, ActionInput{Action: ActHoldPreHearing, Forum: tl.Forum})
	step(aa, ActionInput{Action: ActHoldProceedings, Forum: tl.Forum})
	step(aa, ActionInput{Action: ActRecordOutcome, Reasons: "Panel's reasons", Forum: tl.Forum, Findings: []FindingInput{
		{AllegationID: "a1", OfficerID: "o1", Finding: SeverityGrossMisconduct, Sanction: string(SanctionDismissal)},
		{AllegationID: "a2", OfficerID: "o1", Finding: SeverityMisconduct, Sanction: string(SanctionFinalWrittenWarning)}}})
	want := []Subject{
		{OfficerID: "o1", Severity: SeverityGrossMisconduct, Finding: SeverityGrossMisconduct, Outcome: string(SanctionDismissal)},
		{OfficerID: "o2", Severity: SeverityGrossMisconduct, Finding: FindingNoCaseToAnswer},
		{OfficerID: "o1", Severity: SeverityGrossMisconduct, Finding: SeverityMisconduct, Outcome: string(SanctionFinalWrittenWarning)},
	}
	got := append(slices.Clone(c.Allegations[0].Subjects), c.Allegations[1].Subjects...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subjects\n got %+v\nwant %+v", got, want)
	}
	step([]string{RoleHandler}, ActionInput{Action: ActAppeal})
	step(aa, ActionInput{Action: ActDecideAppeal, Reasons: "PAT: appeal dismissed", AppealOutcome: AppealDismissed})
	if c.State != Final || IsTerminal(c) {
		t.Fatalf("after appeal: %s, terminal %v", c.State, IsTerminal(c))
	}
	if got := wfActionNames(Allowed(c, wfEveryRole())); !slices.Equal(got, []ActionName{ActReportBarredList}) {
		t.Errorf("Final with dismissal allows %v", got)
	}
	step(aa, ActionInput{Action: ActReportBarredList, Recipient: "o1"})
	if !IsTerminal(c) || c.State != Final || c.Allegations[0].Subjects[0].BarredList != BarredReported {
		t.Errorf("ended in %s, subject %+v", c.State, c.Allegations[0].Subjects[0])
	}
	// The timeline runs unbroken from the first state to the last.
	state := AllegationReceived
	for _, e := range events {
		if e.Detail["from"] != string(state) {
			t.Fatalf("event %+v follows state %s", e, state)
		}
		state = State(e.Detail["to"])
	}
	var fs []FindingInput
	if err := json.Unmarshal([]byte(events[len(events)-4].Detail["findings"]), &fs); err != nil || len(fs) != 2 ||
		events[len(events)-4].Detail["forum"] != "hearing" || events[len(events)-4].Detail["reasons"] != "Panel's reasons" {
		t.Errorf("outcome event %+v (%v)", events[len(events)-4], err)
	}
}

func TestSuspendAndResume(t *testing.T) {
	c := wfFixture(Complaint, DirectedInvestigation)
	aa := []string{RoleAuthority}
	var events []Event
	for _, in := range []ActionInput{
		{Action: ActSuspend, Reasons: "Officer charged; trial listed"},
		{Action: ActResume, ResumeTo: ""}, // filled below from the timeline
	} {
		if in.Action == ActResume {
			in.ResumeTo = ReadTimeline(events).SuspendedFrom
		}
		ev, err := Apply(&c, in, aa, nil, wfNow)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	if c.State != DirectedInvestigation || ReadTimeline(events).SuspendedFrom != "" {
		t.Errorf("resumed to %s; timeline %+v", c.State, ReadTimeline(events))
	}
}
