package intake

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/people"
)

// Speak-up reports are how officers and staff raise wrongdoing inside their
// own force, named or anonymously. What sets them apart from complaints is
// that the reporter may be harmed if they are identified, so this file
// holds the rules that keep identity out of everything but one sealed
// column: anonymous reports carry no name or contact at all, and the
// receipt that lets a reporter come back is a secret only they hold.

// Limits on what a speak-up report may hold.
const (
	MaxSpeakUpWhat    = 10000
	MaxSpeakUpMessage = 10000
	MaxSpeakUpUnit    = 200
	MaxSpeakUpName    = 200
	// Attachments are images (or plain text): a photograph of a notice, a
	// screenshot of a message. Three of 5 MiB is plenty for that and keeps
	// a report's request body bounded.
	MaxSpeakUpAttachments    = 3
	MaxSpeakUpAttachmentSize = 5 << 20
)

// SpeakUpCategories are what a report may be about. They are deliberately
// broad: a reporter choosing among fine categories may pick one that only
// a few people could have witnessed.
var SpeakUpCategories = []string{"discrimination", "sexual_misconduct", "bullying_harassment", "corruption", "dishonesty", "other"}

// SpeakUpRoles are what a named reporter may say they are.
var SpeakUpRoles = []string{"officer", "staff", "special_constable", "volunteer", "contractor", "other"}

// SpeakUpForm is a speak-up report as the reporter makes it, through the
// web form or the API. The JSON names are the field names of both, so a
// refusal names the field the reporter filled in.
type SpeakUpForm struct {
	What      string `json:"what"`
	Category  string `json:"category"`
	Anonymous bool   `json:"anonymous"`
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Role      string `json:"role,omitempty"`
	Unit      string `json:"unit,omitempty"`
}

// SpeakUpIdentity is who a named reporter is. It is stored only sealed and
// shown only to guardians.
type SpeakUpIdentity struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role,omitempty"`
	Unit  string `json:"unit,omitempty"`
}

// Empty reports whether the identity holds nothing.
func (id SpeakUpIdentity) Empty() bool { return id == SpeakUpIdentity{} }

// Identity is the reporter's identity: empty for an anonymous report.
func (f SpeakUpForm) Identity() SpeakUpIdentity {
	if f.Anonymous {
		return SpeakUpIdentity{}
	}
	return SpeakUpIdentity{Name: strings.TrimSpace(f.Name), Email: strings.TrimSpace(f.Email),
		Phone: strings.TrimSpace(f.Phone), Role: f.Role, Unit: strings.TrimSpace(f.Unit)}
}

// anonymousRefusal explains why an anonymous report may not carry a
// field, rather than silently dropping what the reporter typed: they
// should know that what they give would identify them.
const anonymousRefusal = "must be left empty for an anonymous report: it would help identify you. " +
	"Choose a named report to give it, or leave it out"

// Validate checks every field and names each one refused, so the reporter
// fixes them all at once.
func (f SpeakUpForm) Validate() error {
	var fs fault.Fields
	fs.Text("what", f.What, MaxSpeakUpWhat, true, true)
	if f.Category == "" {
		fs.Add("category", "is required")
	} else if !slices.Contains(SpeakUpCategories, f.Category) {
		fs.Add("category", "must be one of "+strings.Join(SpeakUpCategories, ", "))
	}
	if f.Anonymous {
		for _, v := range []struct{ field, value string }{{"name", f.Name}, {"email", f.Email}, {"phone", f.Phone},
			{"role", f.Role}, {"unit", f.Unit}} {
			if strings.TrimSpace(v.value) != "" {
				fs.Add(v.field, anonymousRefusal)
			}
		}
		return fs.Err("the report cannot be sent")
	}
	id := f.Identity()
	if id.Name == "" {
		fs.Add("name", "is required for a named report (or choose to report anonymously)")
	}
	if id.Email == "" && id.Phone == "" {
		fs.Add("email", "give an email address or a phone number so that a guardian can reach you")
	}
	// people.Person validates names and contact details the same way for
	// everyone Probity holds; reuse it rather than grow a second opinion.
	for _, fe := range fault.FieldsOf(people.Person{Name: id.Name, Email: id.Email, Phone: id.Phone}.Validate()) {
		fs.Add(fe.Field, fe.Reason)
	}
	if f.Role != "" && !slices.Contains(SpeakUpRoles, f.Role) {
		fs.Add("role", "must be one of "+strings.Join(SpeakUpRoles, ", "))
	}
	fs.Text("unit", f.Unit, MaxSpeakUpUnit, false, false)
	return fs.Err("the report cannot be sent")
}

// Who wrote a message in a report's thread.
const (
	FromReporter = "reporter"
	FromGuardian = "guardian"
)

// Message is one message in the conversation between a reporter and the
// guardians. DateOnly marks a reporter's message on an anonymous report,
// whose time of day is not kept: a time can identify who was on shift.
type Message struct {
	From     string    `json:"from"`
	At       time.Time `json:"at"`
	DateOnly bool      `json:"date_only,omitempty"`
	Text     string    `json:"text"`
}

// ValidateSpeakUpMessage checks the text of a message in a thread.
func ValidateSpeakUpMessage(text string) error {
	var fs fault.Fields
	fs.Text("text", text, MaxSpeakUpMessage, true, true)
	return fs.Err("the message cannot be added")
}

// SpeakUpDay is the day t falls on, in UTC: all that is kept of when an
// anonymous reporter did something.
func SpeakUpDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// speakUpReferencePattern is the shape of a report's reference,
// SU/2026/483920175: a year and nine random digits (references given
// before they were random have six).
var speakUpReferencePattern = regexp.MustCompile(`^SU/[0-9]{4}/[0-9]{6,9}$`)

// ValidSpeakUpReference reports whether s has the shape of a reference.
func ValidSpeakUpReference(s string) bool { return speakUpReferencePattern.MatchString(s) }

// Receipts. A receipt is 160 random bits, shown to the reporter once and
// kept only as a hash. Because it is random and long, a plain SHA-256 is
// enough: there is no dictionary to try, so a slow password hash would add
// cost and nothing else, and a fast one lets a lookup for an unknown
// reference do exactly the same work as one for a known reference.

// receiptEncoding is lower-case base32: the digits 2-7 cannot be mistaken
// for the letters o, l or i, and the reporter may type it back in any case,
// with or without dashes.
var receiptEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

const (
	receiptBytes = 20                   // 160 bits
	receiptChars = receiptBytes * 8 / 5 // 32 base32 characters
)

// newSpeakUpReceipt makes a receipt, grouped in fours for reading aloud
// and copying by hand: abcd-efgh-... (39 characters).
func newSpeakUpReceipt() string {
	var b [receiptBytes]byte
	// crypto/rand.Read never fails on supported platforms.
	_, _ = rand.Read(b[:])
	plain := receiptEncoding.EncodeToString(b[:])
	var sb strings.Builder
	for i := 0; i < len(plain); i += 4 {
		if i > 0 {
			sb.WriteByte('-')
		}
		sb.WriteString(plain[i : i+4])
	}
	return sb.String()
}

// IssueSpeakUpReceipt makes a new receipt and the hash to store for it.
func IssueSpeakUpReceipt() (receipt, hash string) {
	receipt = newSpeakUpReceipt()
	hash, _ = SpeakUpReceiptHash(receipt)
	return receipt, hash
}

// normaliseReceipt accepts a receipt as people type it back: any case,
// with or without dashes and spaces. It reports false for anything that
// cannot be a receipt.
func normaliseReceipt(s string) (string, bool) {
	if len(s) > 2*receiptChars {
		return "", false
	}
	s = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
	if len(s) != receiptChars || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return "", false
	}
	return s, true
}

// SpeakUpReceiptHash is the stored form of a receipt: the hex SHA-256 of
// its normalised spelling. It reports false for text that is not shaped
// like a receipt, so that a typing slip gets a helpful answer instead of
// "not found".
func SpeakUpReceiptHash(receipt string) (string, bool) {
	plain, ok := normaliseReceipt(receipt)
	if !ok {
		return "", false
	}
	sum := sha256.Sum256([]byte("probity speak-up receipt\n" + plain))
	return hex.EncodeToString(sum[:]), true
}

// DummySpeakUpReceiptHash stands in for the stored hash when a reference
// is unknown, so that the comparison still runs and the answer takes the
// same time. It is the hash of no receipt anyone holds: a fresh random
// value per process, of the same length as a real one.
var DummySpeakUpReceiptHash = func() string {
	var b [sha256.Size]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

// SpeakUpReceiptMatches compares a receipt's hash with a stored one in
// constant time.
func SpeakUpReceiptMatches(hash, stored string) bool {
	return len(hash) == 2*sha256.Size && len(stored) == 2*sha256.Size &&
		subtle.ConstantTimeCompare([]byte(hash), []byte(stored)) == 1
}
