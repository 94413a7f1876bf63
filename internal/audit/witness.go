package audit

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A witness is a copy of a signed head kept where the database's
// administrators cannot write: an auditor's file, a ticket, an email. The
// log alone cannot show that it was rolled back to an earlier state with
// its own earlier head (restoring an old backup does exactly that); a
// witness can, since the log must still reach the witnessed entry and
// agree with it.
//
// The text form is meant to survive being pasted into a ticket or a mail,
// and to be read by a person:
//
//	probity audit head v2
//	seq: 1234
//	hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//	at: 2026-03-01T09:00:00.000000Z
//	key: 1a2b3c4d
//	signature: (base64)
//
// A head signed before heads carried their time is written with "v1" and
// no "at" line. A file may hold several heads, separated by blank lines,
// and lines starting with # are notes for people (who witnessed it, where).

// MaxWitnessHeads bounds how many heads one witness file may hold, so that
// a file of garbage costs little to refuse.
const MaxWitnessHeads = 10000

// FormatHead writes h in the witness text form, ending with a newline.
func FormatHead(h Head) string {
	var b strings.Builder
	if h.At.IsZero() {
		b.WriteString("probity audit head v1\n")
	} else {
		b.WriteString("probity audit head v2\n")
	}
	b.WriteString("seq: " + strconv.FormatInt(h.Seq, 10) + "\n")
	b.WriteString("hash: " + h.Hash + "\n")
	if !h.At.IsZero() {
		b.WriteString("at: " + FormatTime(h.At) + "\n")
	}
	b.WriteString("key: " + h.KeyID + "\n")
	b.WriteString("signature: " + base64.StdEncoding.EncodeToString(h.Signature) + "\n")
	return b.String()
}

// ParseHeads reads heads written by FormatHead. It checks their form only;
// whether they are genuine is for Verify, which checks their signatures.
// An error names the line and what is wrong with it, quoting none of the
// file beyond a field's name.
func ParseHeads(text string) ([]Head, error) {
	if !utf8.ValidString(text) {
		return nil, errors.New("not UTF-8 text")
	}
	var heads []Head
	var cur *Head
	var want []string // the fields still due in the current head, in order
	n := 0
	fail := func(format string, args ...any) ([]Head, error) {
		return nil, fmt.Errorf("line %d: "+format, append([]any{n}, args...)...)
	}
	for line := range strings.Lines(text) {
		n++
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#"):
			continue
		case line == "":
			if cur != nil && len(want) > 0 {
				return fail("head ends before its %s line", want[0])
			}
			continue
		case line == "probity audit head v1" || line == "probity audit head v2":
			if cur != nil && len(want) > 0 {
				return fail("a new head starts before the %s line of the last one", want[0])
			}
			if len(heads) == MaxWitnessHeads {
				return fail("more than %d heads", MaxWitnessHeads)
			}
			heads = append(heads, Head{})
			cur = &heads[len(heads)-1]
			want = []string{"seq", "hash", "key", "signature"}
			if strings.HasSuffix(line, "v2") {
				want = []string{"seq", "hash", "at", "key", "signature"}
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || cur == nil || len(want) == 0 {
			return fail(`expected "probity audit head v2" to start a head`)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if name != want[0] {
			if !isFieldName(name) {
				return fail("expected the %s line", want[0])
			}
			return fail("expected the %s line, found %s", want[0], name)
		}
		want = want[1:]
		var err error
		switch name {
		case "seq":
			cur.Seq, err = parseSeq(value)
		case "hash":
			cur.Hash, err = value, checkHex(value, 64)
		case "at":
			if cur.At, err = ParseTime(value); err == nil && cur.At.IsZero() {
				err = errors.New("a v2 head needs a time")
			}
		case "key":
			cur.KeyID, err = value, checkHex(value, 8)
		case "signature":
			cur.Signature, err = base64.StdEncoding.Strict().DecodeString(value)
			if err != nil || base64.StdEncoding.EncodeToString(cur.Signature) != value {
				err = errors.New("not standard base64")
			} else if len(cur.Signature) != 64 {
				err = fmt.Errorf("decodes to %d bytes, want 64", len(cur.Signature))
			}
		}
		if err != nil {
			return fail("%s: %v", name, err)
		}
	}
	if cur != nil && len(want) > 0 {
		return fail("head ends before its %s line", want[0])
	}
	if len(heads) == 0 {
		return nil, errors.New(`no head found: expected "probity audit head v2" and its lines (see probity audit head)`)
	}
	return heads, nil
}

func isFieldName(s string) bool {
	switch s {
	case "seq", "hash", "at", "key", "signature":
		return true
	}
	return false
}

func parseSeq(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || strconv.FormatInt(v, 10) != s {
		return 0, errors.New("not a whole number of entries")
	}
	return v, nil
}

// checkHex insists on lower-case hex of the given length: the one spelling
// Probity writes.
func checkHex(s string, n int) error {
	if len(s) != n {
		return fmt.Errorf("want %d hex digits", n)
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return fmt.Errorf("want %d lower-case hex digits", n)
		}
	}
	return nil
}
