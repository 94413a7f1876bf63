package fault

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, s             string
		required, multiline bool
		want                string
	}{
		{"given", "a report", true, false, ""},
		{"missing and required", "", true, false, "is required"},
		{"missing, optional", "", false, false, ""},
		{"only spaces, optional", "   ", false, false, "must not be only spaces"},
		{"too long", strings.Repeat("é", 11), true, false, "must be at most 10 characters"},
		{"ten multi-byte characters fit", strings.Repeat("é", 10), true, false, ""},
		{"invalid UTF-8", "a\xffb", true, false, "is not valid UTF-8"},
		{"newline in a one-line field", "a\nb", true, false, "contains control characters"},
		{"newline in a paragraph", "a\nb\tc", true, true, ""},
		{"NUL in a paragraph", "a\x00b", true, true, "contains control characters"},
		{"HTML is text", "<b>hi</b>", true, false, ""},
	} {
		var f Fields
		f.Text("field", tc.s, 10, tc.required, tc.multiline)
		got := ""
		if fs := FieldsOf(f.Err("bad")); len(fs) > 0 {
			got = fs[0].Reason
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestKinds(t *testing.T) {
	base := Errorf(NotFound, "case %s not found", "x")
	wrapped := fmt.Errorf("reading: %w", base)
	if KindOf(wrapped) != NotFound || !Is(wrapped, NotFound) || Message(wrapped) != "case x not found" {
		t.Errorf("kind %v, message %q", KindOf(wrapped), Message(wrapped))
	}
	if KindOf(errors.New("plain")) != Internal || Message(errors.New("plain")) != "" {
		t.Error("an unclassified error is not internal")
	}
	var f Fields
	if f.Err("x") != nil {
		t.Error("no fields, yet an error")
	}
	f.Add("a", "is wrong")
	f.Addf("b", "must be %d", 3)
	err := f.Err("invalid")
	if !Is(err, Invalid) || len(FieldsOf(err)) != 2 || err.Error() != "invalid: a is wrong; b must be 3" {
		t.Errorf("%v", err)
	}
}
