package audit

import "testing"

// TestActionLabels: every action, outcome and kind of record an entry
// may carry reads as words on the auditors' pages.
func TestActionLabels(t *testing.T) {
	for a := range actions {
		if l := a.Label(); l == string(a) || l == "" {
			t.Errorf("action %q has no label", a)
		}
	}
	for _, o := range []Outcome{Success, Denied, Failure} {
		if l := o.Label(); l == string(o) || l == "" {
			t.Errorf("outcome %q has no label", o)
		}
	}
	for _, kind := range []string{"case", "speakup", "user", "officer", "unit", "audit-log", "audit-chain", "route"} {
		if RecordTypeLabel(kind) == kind {
			t.Errorf("record type %q has no label", kind)
		}
	}
	if got := Action("something_new").Label(); got != "something_new" {
		t.Errorf("an unknown action shows as %q, want itself", got)
	}
}
