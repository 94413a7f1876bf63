// Package fault gives Probity's errors a kind, so that every adapter can
// decide what to tell its caller (an HTTP status, an exit code) in one place
// instead of guessing from error strings.
package fault

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind classifies an error by what the caller can do about it.
type Kind string

const (
	Internal        Kind = "internal"  // our fault; the caller can only retry later
	Invalid         Kind = "invalid"   // the input is wrong; FieldErrors say where
	NotFound        Kind = "not_found" // no such record, or the caller may not know it exists
	Forbidden       Kind = "forbidden" // the caller is known but not allowed
	Conflict        Kind = "conflict"  // the record changed or is in the wrong state
	Unauthenticated Kind = "unauthenticated"
	Unavailable     Kind = "unavailable" // a dependency (the database) is not ready
	TooLarge        Kind = "too_large"   // the body exceeds its cap
	Unsupported     Kind = "unsupported" // the body is not of a type we accept
	// NoSpace: the database could not store the change because its disk
	// (or file-size limit) is full; nothing was saved, and a retry once
	// space returns can succeed.
	NoSpace Kind = "no_space"
)

// FieldError names one field of the input and why it was refused.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is a classified error with a message safe to show the caller.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error // the cause, for logs; never shown to callers
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(" ")
		b.WriteString(f.Reason)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an error of the given kind with a caller-safe message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap classifies a cause; the cause is kept for logs only.
func Wrap(kind Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: err}
}

// KindOf reports the kind of the outermost classified error in err's chain,
// or Internal when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err's chain carries an error of the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// Fields collects field errors while validating input, so that a caller sees
// every problem at once rather than one per attempt.
type Fields struct {
	list []FieldError
}

// Add records that field was refused for reason.
func (f *Fields) Add(field, reason string) { f.list = append(f.list, FieldError{field, reason}) }

// Addf records a formatted reason.
func (f *Fields) Addf(field, format string, args ...any) {
	f.Add(field, fmt.Sprintf(format, args...))
}

// Len is the number of refused fields so far.
func (f *Fields) Len() int { return len(f.list) }

// Err returns nil when nothing was refused, else an Invalid error listing
// every refused field under the given message.
func (f *Fields) Err(message string) error {
	if len(f.list) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: message, Fields: append([]FieldError(nil), f.list...)}
}

// FieldsOf returns the field errors carried by err, if any.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Message returns the caller-safe message of the outermost classified
// error in err's chain, or "" when there is none.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// Text checks free text a person typed: present when required (and not
// only spaces when given), valid UTF-8, at most max characters, free of
// control characters, save newlines and tabs in multi-line text, because
// people write paragraphs, and free of the invisible characters Invisible
// names, because the text is shown to others, who must read what was
// written. Those are refused, not removed: the writer is told which one
// and where, and what is kept is what they sent.
func (f *Fields) Text(field, s string, max int, required, multiline bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			f.Add(field, "is required")
		} else if s != "" {
			f.Add(field, "must not be only spaces")
		}
	case !utf8.ValidString(s):
		f.Add(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		f.Addf(field, "must be at most %d characters", max)
	case strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}):
		f.Add(field, "contains control characters")
	default:
		if i := hiddenCharacter(s); i >= 0 {
			r, _ := utf8.DecodeRuneInString(s[i:])
			f.Addf(field, "contains an invisible character (U+%04X) at character %d, which can hide or reorder the text around it; remove it",
				r, utf8.RuneCountInString(s[:i])+1)
		}
	}
}

// hiddenCharacter is the byte offset of the first character in s that
// Invisible names and that free text may not keep, or -1. The zero-width
// non-joiner and joiner are kept between two visible characters: that is
// how Persian and several Indic scripts are spelt and how emoji sequences
// are built, and a member of the public cannot remove a character they
// cannot see. Anywhere else (at an edge, beside a space, beside another
// invisible character) they only hide something, and are refused.
func hiddenCharacter(s string) int {
	prev := rune(-1)
	for i, r := range s {
		if Invisible(r) {
			if (r == '\u200C' || r == '\u200D') && visible(prev) {
				next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
				if visible(next) && next != utf8.RuneError {
					prev = r
					continue
				}
			}
			return i
		}
		prev = r
	}
	return -1
}

// visible reports whether r shows something of its own.
func visible(r rune) bool {
	return r >= 0 && !Invisible(r) && !unicode.IsSpace(r) && !unicode.IsControl(r)
}

// Invisible reports whether r is a character that shows nothing of its own
// but can change how the text around it reads: the bidirectional controls
// (U+202A-202E, U+2066-2069, U+200E-200F, U+061C), which can show text in
// another order than it is stored ("invoice\u202Efdp.exe" reads as
// "invoiceexe.pdf"); zero-width and other invisible format characters
// (U+200B-200D, U+2060-2064, U+FEFF, the soft hyphen, the tag
// characters), which make two names that look the same compare different;
// the line and paragraph separators U+2028-2029, which break lines where
// the surrounding markup does not; and the fillers and joiners that render
// as nothing (Hangul fillers, the combining grapheme joiner).
//
// It is the one definition used wherever outside text is kept: free text
// (Fields.Text refuses it), file names (removed), and the audit log
// (replaced with U+FFFD, so that a reader sees something was there).
//
// The zero-width non-joiner and joiner are part of correct spelling in
// Persian and some Indic scripts and of emoji sequences: free text keeps
// them between two visible characters (see hiddenCharacter); file names
// and the audit log treat them like the rest. Variation selectors, which
// most emoji carry, are not format characters and are allowed.
func Invisible(r rune) bool {
	switch {
	case unicode.Is(unicode.Cf, r), r == '\u2028', r == '\u2029',
		r == '\u034F', r == '\u115F', r == '\u1160', r == '\u3164', r == '\uFFA0':
		return true
	}
	return false
}

// WithoutInvisible returns s with every character Invisible names removed.
func WithoutInvisible(s string) string {
	if !strings.ContainsFunc(s, Invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s)
}
