package cases

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestActionInputDecodesFromJSON(t *testing.T) {
	var in ActionInput
	err := json.Unmarshal([]byte(`{"action": "record_outcome", "reasons": "r", "forum": "hearing",
		"findings": [{"allegation_id": "a1", "officer_id": "o1", "finding": "misconduct", "sanction": "reduction_in_rank"}],
		"final_warning_in_force": true, "review_facts": {"referred": true}, "resume_to": "RecordedSch3"}`), &in)
	want := ActionInput{Action: ActRecordOutcome, Reasons: "r", Forum: ForumHearing, FinalWarningInForce: true,
		Findings:    []FindingInput{{AllegationID: "a1", OfficerID: "o1", Finding: "misconduct", Sanction: "reduction_in_rank"}},
		ReviewFacts: ReviewFacts{Referred: true}, ResumeTo: RecordedSch3}
	if err != nil || !reflect.DeepEqual(in, want) {
		t.Errorf("decoded %+v, %v", in, err)
	}
	b, _ := json.Marshal(ActionInput{Action: ActInterview})
	if string(b) != `{"action":"interview_officer"}` {
		t.Errorf("empty fields are written: %s", b)
	}
}
