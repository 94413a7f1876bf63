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
		{"too long", strings.Repeat("é", 21), true, false, "must be at most 20 characters"},
		{"twenty multi-byte characters fit", strings.Repeat("é", 20), true, false, ""},
		{"invalid UTF-8", "a\xffb", true, false, "is not valid UTF-8"},
		{"newline in a one-line field", "a\nb", true, false, "contains control characters"},
		{"newline in a paragraph", "a\nb\tc", true, true, ""},
		{"NUL in a paragraph", "a\x00b", true, true, "contains control characters"},
		{"HTML is text", "<b>hi</b>", true, false, ""},
		{"right-to-left override", "inv\u202Efdp", true, false, "contains an invisible character (U+202E) at character 4, which can hide or reorder the text around it; remove it"},
		{"zero-width space in a paragraph", "a\n\u200Bb", true, true, "contains an invisible character (U+200B) at character 3, which can hide or reorder the text around it; remove it"},
		{"byte order mark", "\uFEFFhi", true, false, "contains an invisible character (U+FEFF) at character 1, which can hide or reorder the text around it; remove it"},
		{"line separator in a paragraph", "a\u2028b", true, true, "contains an invisible character (U+2028) at character 2, which can hide or reorder the text around it; remove it"},
		{"accents, scripts and emoji", "Zoë 中文 עברית ❤️", false, false, ""},
		{"Persian spelt with a non-joiner", "می\u200Cخواهم", false, false, ""},
		{"emoji family joined", "👩\u200D👧", false, false, ""},
		{"joiner at the start", "\u200Dabc", false, false, "contains an invisible character (U+200D) at character 1, which can hide or reorder the text around it; remove it"},
		{"non-joiner before a space", "ab\u200C c", false, false, "contains an invisible character (U+200C) at character 3, which can hide or reorder the text around it; remove it"},
		{"joiner at the end", "abc\u200D", false, false, "contains an invisible character (U+200D) at character 4, which can hide or reorder the text around it; remove it"},
		{"two joiners in a row", "a\u200D\u200Db", false, false, "contains an invisible character (U+200D) at character 2, which can hide or reorder the text around it; remove it"},
	} {
		var f Fields
		f.Text("field", tc.s, 20, tc.required, tc.multiline)
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

func TestInvisible(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    rune
		want bool
	}{
		{"left-to-right embedding", '\u202A', true},
		{"right-to-left embedding", '\u202B', true},
		{"pop directional formatting", '\u202C', true},
		{"left-to-right override", '\u202D', true},
		{"right-to-left override", '\u202E', true},
		{"left-to-right isolate", '\u2066', true},
		{"right-to-left isolate", '\u2067', true},
		{"first strong isolate", '\u2068', true},
		{"pop directional isolate", '\u2069', true},
		{"left-to-right mark", '\u200E', true},
		{"right-to-left mark", '\u200F', true},
		{"Arabic letter mark", '\u061C', true},
		{"zero-width space", '\u200B', true},
		{"zero-width non-joiner", '\u200C', true},
		{"zero-width joiner", '\u200D', true},
		{"word joiner", '\u2060', true},
		{"invisible times", '\u2062', true},
		{"byte order mark", '\uFEFF', true},
		{"soft hyphen", '\u00AD', true},
		{"Mongolian vowel separator", '\u180E', true},
		{"tag letter A", '\U000E0041', true},
		{"line separator", '\u2028', true},
		{"paragraph separator", '\u2029', true},
		{"combining grapheme joiner", '\u034F', true},
		{"Hangul filler", '\u3164', true},
		{"halfwidth Hangul filler", '\uFFA0', true},
		{"letter", 'a', false},
		{"space", ' ', false},
		{"no-break space", '\u00A0', false},
		{"newline (a control character, judged apart)", '\n', false},
		{"accented letter", 'é', false},
		{"Hebrew letter", 'א', false},
		{"emoji", '❤', false},
		{"emoji variation selector", '\uFE0F', false},
		{"replacement character", '\uFFFD', false},
	} {
		if got := Invisible(tc.r); got != tc.want {
			t.Errorf("%s (U+%04X): %v, want %v", tc.name, tc.r, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"":                                   "",
		"plain":                              "plain",
		"evil\u202Efdp.exe":                  "evilfdp.exe",
		"\uFEFFJohn\u200B Sm\u2066ith\u2069": "John Smith",
		"\u200B\u200C\u200D":                 "",
	} {
		if got := WithoutInvisible(in); got != want {
			t.Errorf("WithoutInvisible(%q) = %q, want %q", in, got, want)
		}
	}
}
