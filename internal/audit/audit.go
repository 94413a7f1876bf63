// Package audit is Probity's tamper-evident record of who did what to which
// record, and who was refused.
//
// The log answers two questions that matter after the fact: "who saw or
// changed this complaint?" and "can we trust this answer?". The first needs
// an entry for every access to personal data or case content, every refusal
// and every security event; the second needs the log to show any later
// change to it. So entries are chained (each carries the SHA-256 of the one
// before), the end of the chain is signed with Ed25519 after every append,
// and every CheckpointEvery entries a signed checkpoint is kept. Someone who
// can write to the database but does not hold the signing key can still
// damage the log, but not unnoticed by `probity audit verify`, with the
// exceptions listed at Verify.
//
// This package is plain Go: it seals, signs and verifies. Storing entries
// in the same transaction as the change they record is the store's job.
//
// What must never reach an entry: passwords (even wrong ones), TOTP codes,
// session or API tokens, and the identity of a whistleblower. Entries are
// read by auditors, exported and kept for years, so anything secret written
// here leaks to everyone who may read the log. Callers pass identifiers and
// plain-words reasons only. A speak-up (whistleblowing) report is recorded
// with no actor and no source address, since either would name the
// reporter to everyone who reads the log.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/probity/probity/internal/fault"
)

// Action says what was done. The personal-data actions follow the logging
// duty of the Data Protection Act 2018, s.62 (law-enforcement processing),
// which requires logs of:
//
//	s.62(1)(a) collection   -> Collect
//	s.62(1)(b) alteration   -> Alter
//	s.62(1)(c) consultation -> Consult
//	s.62(1)(d) disclosure, including transfers, with the recipients
//	                        -> Disclose, Export (bulk; Recipients say to whom)
//	s.62(1)(e) combination  -> Combine
//	s.62(1)(f) erasure      -> Erase
//
// s.62(2)-(3) require the consultation and disclosure logs to show the
// justification, date and time, who did it and, for disclosures, to whom:
// Reason, At, the actor and Recipients. s.62(4) limits what the logs may
// be used for (checking lawfulness, self-monitoring, integrity and
// security, criminal proceedings), which is why reading them is confined
// to auditors and is itself logged. The remaining actions are security
// events (s.66, security of processing) that an investigation of misuse
// needs beside the data accesses.
type Action string

const (
	Login           Action = "login" // Outcome tells success from failure
	Logout          Action = "logout"
	AccessDenied    Action = "access_denied" // a policy decision that refused
	Collect         Action = "collect"       // created
	Consult         Action = "consult"       // read
	Alter           Action = "alter"         // updated
	Erase           Action = "erase"
	Disclose        Action = "disclose" // given to someone outside the system; Recipients required
	Combine         Action = "combine"  // records linked or merged
	RoleChange      Action = "role_change"
	BreakGlass      Action = "break_glass" // emergency access outside the usual policy; Reason required
	MFAEnrol        Action = "mfa_enrol"
	MFAReset        Action = "mfa_reset"
	AccountDisabled Action = "account_disabled"
	TokenIssued     Action = "token_issued" // never the token itself
	TokenRevoked    Action = "token_revoked"
	Export          Action = "export"
)

var actions = map[Action]bool{
	Login: true, Logout: true, AccessDenied: true, Collect: true, Consult: true, Alter: true,
	Erase: true, Disclose: true, Combine: true, RoleChange: true, BreakGlass: true, MFAEnrol: true,
	MFAReset: true, AccountDisabled: true, TokenIssued: true, TokenRevoked: true, Export: true,
}

// Known reports whether a is one of the actions above.
func (a Action) Known() bool { return actions[a] }

// Outcome says how the attempt ended.
type Outcome string

const (
	Success Outcome = "success"
	Denied  Outcome = "denied"  // refused by policy or by credentials
	Failure Outcome = "failure" // attempted and failed for another reason
)

// Known reports whether o is one of the outcomes above.
func (o Outcome) Known() bool { return o == Success || o == Denied || o == Failure }

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one line of the log.
type Entry struct {
	Seq        int64 // 1, 2, 3, ... with no gaps; given by the store
	At         time.Time
	ActorID    string // user id; "" when no account is known (a failed login, an anonymous report)
	ActorName  string // username or "system"; never what was typed at a failed login
	Action     Action
	RecordType string // "case", "person", "user", ...
	RecordID   string
	Outcome    Outcome
	Source     string // client address, "" when deliberately not recorded (anonymous reports)
	Reason     string // the justification or refusal reason, in plain words
	Recipients []string
	PrevHash   string // hex SHA-256 of the previous entry; Genesis for the first
	Hash       string // hex SHA-256 of this entry's canonical encoding
}

// Limits on field sizes, in characters. They keep one caller from filling
// the log, and an auditor's screen, with a single entry.
const (
	MaxReason     = 2000
	MaxField      = 256
	MaxRecipients = 100
)

// TimeLayout is how times are written into the canonical encoding and the
// database: UTC, always six fractional digits. A fixed width keeps the text
// sortable; one spelling per instant means the stored text can be checked
// byte for byte, not just by the instant it parses to.
const TimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// FormatTime writes t in TimeLayout. Sub-microsecond precision is dropped,
// since PostgreSQL could not keep it.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a time written by FormatTime and refuses any other
// spelling, even of the same instant.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(TimeLayout, s)
	if err != nil || FormatTime(t) != s {
		return time.Time{}, errors.New("not a canonical audit time")
	}
	return t.UTC(), nil
}

// Validate refuses an entry that could not be understood later, and makes
// the rest safe to keep: text is made valid UTF-8, control characters and
// the invisible ones fault.Invisible names (which could forge line breaks,
// reorder text in a viewer, or make two names that look alike differ) are
// replaced with U+FFFD, so that a reader sees something was there, and
// long fields are cut to the limits above. It never rejects an entry for its text alone, because a
// refused entry fails the request it records: a failed login with a strange
// username must still be logged.
func (e *Entry) Validate() error {
	var f fault.Fields
	if e.Action == "" {
		f.Add("action", "is required")
	} else if !e.Action.Known() {
		f.Addf("action", "%q is not an audit action", clean(string(e.Action), 40, false))
	}
	if e.Outcome == "" {
		f.Add("outcome", "is required")
	} else if !e.Outcome.Known() {
		f.Addf("outcome", "%q is not success, denied or failure", clean(string(e.Outcome), 40, false))
	}
	if e.At.IsZero() {
		f.Add("at", "is required")
	}
	// No actor is required: a failed login under an unknown username has
	// none, and the name typed is not recorded (it is often a password).
	e.ActorID = clean(e.ActorID, MaxField, false)
	e.ActorName = clean(e.ActorName, MaxField, false)
	e.RecordType = clean(e.RecordType, MaxField, false)
	e.RecordID = clean(e.RecordID, MaxField, false)
	e.Source = clean(e.Source, MaxField, false)
	e.Reason = clean(e.Reason, MaxReason, true)
	if len(e.Recipients) > MaxRecipients {
		f.Addf("recipients", "at most %d", MaxRecipients)
	}
	var rs []string
	for _, r := range e.Recipients {
		if r = clean(r, MaxField, false); r != "" {
			rs = append(rs, r)
		}
	}
	e.Recipients = rs
	if e.Action == Disclose && len(e.Recipients) == 0 {
		f.Add("recipients", "a disclosure must name its recipients (DPA 2018 s.62(3)(b)(ii))")
	}
	if e.Action == BreakGlass && e.Outcome == Success && strings.TrimSpace(e.Reason) == "" {
		f.Add("reason", "break-glass access must give a reason")
	}
	if err := f.Err("invalid audit entry"); err != nil {
		return err
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	return nil
}

// clean makes s safe to store and display. Newlines and tabs survive only
// in multi-line text (reasons).
func clean(s string, limit int, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	cut := utf8.RuneCountInString(s) > limit
	var b strings.Builder
	n := 0
	for _, r := range s {
		if cut && n == limit-1 {
			b.WriteRune('…') // says the text went on
			break
		}
		switch {
		case multiline && (r == '\n' || r == '\t'):
		case unicode.IsControl(r), fault.Invisible(r):
			r = '\uFFFD'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// entryTag starts every canonical encoding, so that an entry's bytes can
// never be mistaken for a checkpoint's or a head's, nor for a later format.
const entryTag = "probity audit entry v1\n"

// Canonical is the byte string an entry's hash covers: every stored field,
// in a fixed order, each prefixed by its length in bytes, so that no two
// different entries share an encoding (moving text from one field into the
// next changes the lengths).
func (e *Entry) Canonical() []byte {
	b := make([]byte, 0, 256+len(e.Reason))
	b = append(b, entryTag...)
	field := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, '\n')
	}
	field(strconv.FormatInt(e.Seq, 10))
	field(e.PrevHash)
	field(FormatTime(e.At))
	field(e.ActorID)
	field(e.ActorName)
	field(string(e.Action))
	field(e.RecordType)
	field(e.RecordID)
	field(string(e.Outcome))
	field(e.Source)
	field(e.Reason)
	field(strconv.Itoa(len(e.Recipients)))
	for _, r := range e.Recipients {
		field(r)
	}
	return b
}

// ComputeHash is the hex SHA-256 of the canonical encoding.
func (e *Entry) ComputeHash() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// Seal links the entry to its predecessor's hash and computes its own.
// Seq must already be set: the hash covers it, so that an entry cannot be
// renumbered to hide a deletion.
func (e *Entry) Seal(prev string) {
	e.PrevHash = prev
	e.Hash = e.ComputeHash()
}

// MalformedError is what a storage iterator yields for an entry whose
// stored form cannot be read back exactly (a time or a list that does not
// parse, or parses from a spelling Probity never writes). Verify reports
// it against the entry, as tampering, rather than as a read failure.
type MalformedError struct {
	Seq   int64
	Field string
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("entry %d: stored %s is malformed", e.Seq, e.Field)
}
