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
// only spaces when given), valid UTF-8, at most max characters, and free
// of control characters, save newlines and tabs in multi-line text,
// because people write paragraphs.
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
	}
}
