package access

import "testing"

func TestCanSeeFlag(t *testing.T) {
	sup := principal("s", []Role{Supervisor}, []string{"unit-a"}, "off-s")
	psd := principal("p", []Role{PSDHead}, nil, "off-p")
	handler := principal("h", []Role{Handler}, []string{"unit-a"}, "")
	disabled := psd
	disabled.User.Disabled = true
	for _, tc := range []struct {
		name string
		who  Principal
		unit string
		want bool
	}{
		{"supervisor, own unit", sup, "unit-a", true},
		{"supervisor, other unit", sup, "unit-b", false},
		{"supervisor, no unit", sup, "", false},
		{"head of standards, any unit", psd, "unit-b", true},
		{"head of standards, no unit", psd, "", true},
		{"handler of the unit", handler, "unit-a", false},
		{"disabled", disabled, "unit-a", false},
	} {
		if got := CanSeeFlag(tc.who, tc.unit); got != tc.want {
			t.Errorf("%s: CanSeeFlag = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !FlagConflict(sup, "off-s") || FlagConflict(sup, "off-x") || FlagConflict(handler, "") {
		t.Error("FlagConflict: a flag is a conflict only for the officer it is about")
	}
	// A token carrying fewer roles than the user holds narrows what it sees.
	tok := sup
	tok.User.Roles = []Role{Supervisor, PSDHead}
	if CanSeeFlag(tok, "unit-b") {
		t.Error("a supervisor-only token of a user who is also head of standards saw another unit's flag")
	}
	for _, tc := range []struct {
		who  Principal
		perm Permission
		want bool
	}{
		{sup, EISRead, true}, {sup, EISReview, true}, {sup, FairnessRead, false},
		{psd, EISRead, true}, {psd, EISReview, true}, {psd, FairnessRead, true},
		{handler, EISRead, false}, {handler, FairnessRead, false},
	} {
		if got := Allowed(&tc.who, tc.perm); got != tc.want {
			t.Errorf("%v %s: %v, want %v", tc.who.Roles, tc.perm, got, tc.want)
		}
	}
}
