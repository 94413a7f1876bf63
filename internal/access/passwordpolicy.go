package access

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password length limits, counted in Unicode code points so that a
// passphrase in Welsh, Polish or Urdu is measured the way its owner counts
// it, not by how many bytes UTF-8 happens to need.
//
// 12 is above ASVS 5.0's floor of 8 (6.2.1): the accounts here guard
// complaint files and officers' personal data. 128 is the cap: ASVS 6.2.9
// requires that at least 64 be allowed, and 128 leaves room for long
// passphrases and password-manager output while keeping a single request
// from feeding megabytes into argon2.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

// PasswordError says why a new password was refused. Reason is written to be
// shown to the person choosing the password; it never contains the password,
// so the error is also safe to log.
type PasswordError struct {
	Reason string
}

func (e *PasswordError) Error() string { return "password " + e.Reason }

// Reasons, exported so handlers can compare errors without matching on text.
const (
	ReasonInvalidText = "must be valid UTF-8 text"
	ReasonTooShort    = "must be at least 12 characters"
	ReasonTooLong     = "must be at most 128 characters"
	ReasonCommon      = "is one of the most commonly used passwords"
	ReasonContext     = "must not be the same as the username"
)

// CheckPassword applies Probity's password policy (OWASP ASVS 5.0 V6.2) to
// a password being set, not one being used to log in. context holds words
// the password must not equal, such as the username and email address;
// empty strings in it are ignored.
//
// The password is judged exactly as given: ASVS 6.2.8 requires passwords to
// be verified without modification, so anything normalised here would have
// to be normalised identically at every login, and silently accepting two
// spellings is worse than measuring one. There are deliberately no
// composition rules (6.2.5); length and the common-password list do the
// work those rules only pretend to.
func CheckPassword(pw string, context ...string) error {
	// Browsers always send UTF-8, so invalid bytes mean a broken client, and
	// counting "characters" in them would be guesswork.
	if !utf8.ValidString(pw) {
		return &PasswordError{Reason: ReasonInvalidText}
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength {
		return &PasswordError{Reason: ReasonTooShort}
	}
	if n > MaxPasswordLength {
		return &PasswordError{Reason: ReasonTooLong}
	}
	// The list is lower-case ASCII, so lower-casing pw makes the check
	// case-insensitive: "Qwerty123456" is no harder to guess than the
	// lower-case entry, since cracking tools try capitalised variants first.
	if _, ok := commonPasswords()[strings.ToLower(pw)]; ok {
		return &PasswordError{Reason: ReasonCommon}
	}
	for _, c := range context {
		if c != "" && strings.EqualFold(pw, c) {
			return &PasswordError{Reason: ReasonContext}
		}
	}
	return nil
}

// commonpasswords.txt holds the 3,000 most common passwords of a public
// breach corpus; commonpasswords.SOURCE.md says where they came from. ASVS
// 6.2.4 asks for at least the top 3,000.
//
//go:embed commonpasswords.txt
var commonPasswordsText string

// commonPasswords is built on first use rather than at init so that programs
// importing this package but never setting a password don't pay for the
// map.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 3000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[strings.ToLower(w)] = struct{}{}
		}
	}
	return m
})
