package cases_test

import (
	"testing"

	"github.com/probity/probity/internal/cases"
)

// Every field an action takes is asked in words, and every value a
// choice offers has a name that is not its code: a form built from the
// table never shows a code.
func TestActionFormsAreWorded(t *testing.T) {
	for _, a := range cases.AllActions() {
		for _, f := range append(append([]cases.Field{}, a.Requires...), a.Optional...) {
			if l := cases.FieldLabel(f); l.Name == string(f) || l.Name == "" {
				t.Errorf("%s: field %s has no label", a.Name, f)
			}
			for _, ch := range cases.FieldChoices(f) {
				if ch.Name == ch.Code || ch.Name == "" {
					t.Errorf("%s: %s value %s has no label", a.Name, f, ch.Code)
				}
			}
		}
	}
	for _, ch := range cases.ReviewFactChoices {
		var r cases.ReviewFacts
		r.SetReviewFact(ch.Code)
		if r == (cases.ReviewFacts{}) {
			t.Errorf("review fact %s sets nothing", ch.Code)
		}
	}
}

// Findings name the subjects each action covers, with the parts it takes
// worded.
func TestActionFindingsForm(t *testing.T) {
	c := cases.Case{Allegations: []cases.Allegation{
		{ID: "a1", Seq: 1, Subjects: []cases.Subject{{OfficerID: "o1", Finding: cases.FindingCaseToAnswer}, {OfficerID: "o2"}}},
	}}
	tests := []struct {
		action                      cases.ActionName
		takes                       bool
		subjects                    int
		every                       bool
		severity, finding, sanction bool
	}{
		{cases.ActMakeInitialContact, false, 0, false, false, false, false},
		{cases.ActNotifyOutcome, true, 2, true, true, true, false},
		{cases.ActAssessSeverity, true, 2, true, true, false, false},
		{cases.ActRecordOutcome, true, 1, true, false, true, true},
		{cases.ActFindNoMisconduct, true, 2, false, false, true, false},
	}
	for _, tt := range tests {
		a, ok := cases.ActionByName(tt.action)
		if !ok {
			t.Fatalf("no action %s", tt.action)
		}
		ff, takes := a.Findings(c)
		if takes != tt.takes || len(ff.Subjects) != tt.subjects || (takes && ff.Every != tt.every) ||
			(ff.Severity != nil) != tt.severity || (ff.Finding != nil) != tt.finding || (ff.Sanction != nil) != tt.sanction {
			t.Errorf("%s: takes %v, %d subjects, every %v, parts %v/%v/%v", tt.action, takes, len(ff.Subjects), ff.Every,
				ff.Severity != nil, ff.Finding != nil, ff.Sanction != nil)
		}
		for _, ch := range append(append(ff.Severity, ff.Finding...), ff.Sanction...) {
			if ch.Name == ch.Code {
				t.Errorf("%s: finding value %s has no label", tt.action, ch.Code)
			}
		}
	}
}
