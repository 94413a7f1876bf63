package speakup

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	textcases "golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Before a guardian's text leaves the speak-up service as a conduct
// matter, it is searched for the named reporter's identity. A plain
// substring search is beaten by anything that changes the bytes but not
// what a reader sees or understands: two spaces between forename and
// surname, the surname on its own, a zero-width space inside the name,
// full-width or accented letters, a line break. So both the identity and
// the text are brought to one spelling first, and compared as words:
//
//   - NFKC, so that compatibility forms (full-width letters and digits,
//     ligatures) read as their plain letters;
//   - full Unicode case folding, not ToLower, so that ß, ſ and the like
//     compare as a reader would;
//   - accents and other combining marks removed, so that "Zoe" finds
//     "Zoë";
//   - format characters (Unicode category Cf: zero-width spaces and
//     joiners, soft hyphens, bidirectional controls) removed, since they
//     are invisible and can be put inside a name;
//   - everything that is not a letter or a digit taken as a word break, so
//     that spacing and punctuation do not matter.
//
// What is refused: the whole name as consecutive words, any one word of
// the surname (the last part of the name; "Smith-Jones" gives two) of at
// least three letters, the email address, and the phone number's last nine
// digits. A forename alone is not refused: forenames such as Will, Mark or
// Grace are common words, and refusing them would stop conduct matters
// that do not mention the reporter at all. Look-alike letters from other
// scripts (a Cyrillic "а" in a Latin name) are not mapped.

// foldForMatch brings s to the spelling identity checks compare.
func foldForMatch(s string) string {
	s = textcases.Fold().String(norm.NFKC.String(s))
	s = norm.NFKD.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(s)
}

// matchWords splits s, folded, into its words: runs of letters and digits.
func matchWords(s string) []string {
	return strings.FieldsFunc(foldForMatch(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mc, r)
	})
}

// containsWords reports whether want appears in words as consecutive words.
func containsWords(words, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for i := 0; i+len(want) <= len(words); i++ {
		if slices.Equal(words[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

// phoneDigits keeps the digits of s, after NFKC so that full-width digits
// count.
func phoneDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, norm.NFKC.String(s))
}

// MentionedIn says which part of a named reporter's identity the text
// gives away ("name", "email" or "phone"), or "" when it gives none.
func (id Identity) MentionedIn(text string) string {
	words := matchWords(text)
	name := matchWords(id.Name)
	if n := len([]rune(strings.Join(name, ""))); n >= 4 && containsWords(words, name) {
		return "name"
	}
	if parts := strings.Fields(id.Name); len(parts) > 0 {
		for _, w := range matchWords(parts[len(parts)-1]) {
			if len([]rune(w)) >= 3 && slices.Contains(words, w) {
				return "name"
			}
		}
	}
	if email := foldForMatch(strings.TrimSpace(id.Email)); email != "" {
		// The address as written (spaces ignored), and as words, which
		// finds it with its dots and @ written as spaces.
		if strings.Contains(strings.Join(strings.Fields(foldForMatch(text)), ""), strings.Join(strings.Fields(email), "")) ||
			containsWords(words, matchWords(email)) {
			return "email"
		}
	}
	// The last nine digits: the number without its trunk prefix or country
	// code, so that +44 7700 900417 is found as 07700 900417.
	if phone := phoneDigits(id.Phone); len(phone) >= 7 {
		phone = phone[max(0, len(phone)-9):]
		if strings.Contains(phoneDigits(text), phone) {
			return "phone"
		}
	}
	return ""
}

// CheckCase refuses a conduct matter raised from the report whose free
// text gives away the reporter's name, email or phone, however spaced,
// cased or disguised (see MentionedIn): a slip must not carry the identity
// across. Each field that does is named.
func (id Identity) CheckCase(c *cases.Case) error {
	var f fault.Fields
	check := func(field, text string) {
		if part := id.MentionedIn(text); part != "" {
			f.Add(field, "holds the reporter's "+part+" (or part of it); a conduct matter must not identify the reporter")
		}
	}
	check("summary", c.Summary)
	for i, a := range c.Allegations {
		check(fmt.Sprintf("allegations[%d].description", i), a.Description)
	}
	return f.Err("the conduct matter would identify the reporter")
}
