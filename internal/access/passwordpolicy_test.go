package access

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		context []string
		reason  string // "" means accepted
	}{
		{"empty", "", nil, ReasonTooShort},
		{"11 characters", "abcdefghijk", nil, ReasonTooShort},
		{"12 characters", "kestrelharbo", nil, ""},
		{"12 spaces are allowed", strings.Repeat(" ", 12), nil, ""},
		// 12 code points but 24 to 48 bytes: a byte count would wrongly
		// accept shorter ones and this checks the count is not bytes.
		{"11 two-byte characters", strings.Repeat("é", 11), nil, ReasonTooShort},
		{"12 two-byte characters", strings.Repeat("é", 12), nil, ""},
		{"12 Cyrillic", "пароль123456", nil, ""},
		{"12 CJK", "密码密码密码密码密码密码", nil, ""},
		{"12 emoji", strings.Repeat("🔑", 12), nil, ""},
		{"11 emoji", strings.Repeat("🔑", 11), nil, ReasonTooShort},
		// Not normalised: "e" + combining acute is two code points.
		{"combining marks count separately", strings.Repeat("e\u0301", 6), nil, ""},
		{"64 characters", strings.Repeat("a", 64), nil, ""},
		{"128 characters", strings.Repeat("b", 128), nil, ""},
		{"129 characters", strings.Repeat("b", 129), nil, ReasonTooLong},
		{"128 four-byte characters", strings.Repeat("🔑", 128), nil, ""},
		{"129 four-byte characters", strings.Repeat("🔑", 129), nil, ReasonTooLong},
		{"invalid UTF-8", "abcdefghijk\xff", nil, ReasonInvalidText},
		{"no composition rules: all lower-case", "thisisallonecase", nil, ""},
		{"no composition rules: all digits", "839201746529", nil, ""},
		{"common", "qwerty123456", nil, ReasonCommon},
		{"common 2", "1qaz2wsx3edc", nil, ReasonCommon},
		{"common 3", "123qweasdzxc", nil, ReasonCommon},
		{"common, longest entry", "mailcreated5240", nil, ReasonCommon},
		{"common, upper case", "QWERTY123456", nil, ReasonCommon},
		{"common, mixed case", "1QaZ2wSx3EdC", nil, ReasonCommon},
		{"common entry plus a character", "mailcreated52401", nil, ""},
		{"equals username", "inspector.morse", []string{"inspector.morse"}, ReasonContext},
		{"equals username, other case", "Inspector.Morse", []string{"inspector.MORSE"}, ReasonContext},
		{"equals second context word", "morse@thames.police.uk", []string{"imorse", "morse@thames.police.uk"}, ReasonContext},
		{"contains username is allowed", "inspector.morse.2024", []string{"inspector.morse"}, ""},
		{"empty context ignored", "a fine long passphrase", []string{""}, ""},
		{"short and equals username reports length", "morse", []string{"morse"}, ReasonTooShort},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword(tc.pw, tc.context...)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q) = %v, want accepted", tc.pw, err)
				}
				return
			}
			var pe *PasswordError
			if !errors.As(err, &pe) {
				t.Fatalf("CheckPassword(%q) = %v, want *PasswordError", tc.pw, err)
			}
			if pe.Reason != tc.reason {
				t.Fatalf("CheckPassword(%q) reason = %q, want %q", tc.pw, pe.Reason, tc.reason)
			}
			if tc.pw != "" && strings.Contains(err.Error(), tc.pw) {
				t.Fatalf("error %q contains the password", err)
			}
			if !strings.HasPrefix(err.Error(), "password ") {
				t.Fatalf("error %q does not read as a sentence about the password", err)
			}
		})
	}
}

// The reasons spell the limits out in words, so they must follow the
// constants if those ever change.
func TestReasonsMatchLimits(t *testing.T) {
	if !strings.Contains(ReasonTooShort, " "+strconv.Itoa(MinPasswordLength)+" ") {
		t.Errorf("ReasonTooShort %q does not mention %d", ReasonTooShort, MinPasswordLength)
	}
	if !strings.Contains(ReasonTooLong, " "+strconv.Itoa(MaxPasswordLength)+" ") {
		t.Errorf("ReasonTooLong %q does not mention %d", ReasonTooLong, MaxPasswordLength)
	}
}

func TestCommonPasswordList(t *testing.T) {
	m := commonPasswords()
	if len(m) != 3000 {
		t.Fatalf("list has %d distinct entries, want 3000", len(m))
	}
	lines := strings.Split(strings.TrimSuffix(commonPasswordsText, "\n"), "\n")
	if len(lines) != 3000 {
		t.Fatalf("file has %d lines, want 3000 with no header or blanks", len(lines))
	}
	for i, w := range lines {
		if w == "" || w != strings.TrimSpace(w) || w != strings.ToLower(w) || !utf8.ValidString(w) {
			t.Fatalf("line %d %q is not a trimmed, lower-case entry", i+1, w)
		}
	}
	// The head of the list (the most common passwords of 12 or more
	// characters); if these are missing the file is not the
	// frequency-ordered list it claims.
	for i, w := range []string{"123qweasdzxc", "1qaz2wsx3edc", "q1w2e3r4t5y6", "1q2w3e4r5t6y"} {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
		}
	}
}

// Every common password long enough to pass the length rule must be
// refused, whatever its case; this is the part of the list that matters.
func TestEveryLongCommonPasswordRefused(t *testing.T) {
	n := 0
	for w := range commonPasswords() {
		if utf8.RuneCountInString(w) < MinPasswordLength {
			continue
		}
		n++
		for _, v := range []string{w, strings.ToUpper(w)} {
			var pe *PasswordError
			if err := CheckPassword(v); !errors.As(err, &pe) || pe.Reason != ReasonCommon {
				t.Errorf("CheckPassword(%q) = %v, want the common-password reason", v, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no list entry is long enough to test; the list is wrong")
	}
}

func TestPasswordErrorNeverLeaks(t *testing.T) {
	// Whatever the reason, the message is built only from fixed text.
	for _, pw := range []string{"short", strings.Repeat("z", 200), "qwerty123456", "same-as-username"} {
		err := CheckPassword(pw, "same-as-username")
		if err == nil {
			t.Fatalf("CheckPassword(%q) accepted", pw)
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(pw)) {
			t.Fatalf("error %q contains the password", err)
		}
	}
}
