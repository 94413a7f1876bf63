// Package speakup holds the rules of speak-up reports: how officers and
// staff raise wrongdoing inside their own force, named or anonymously. What
// sets them apart from complaints is that the reporter may be harmed if they
// are identified, so this package holds the rules that keep identity out of
// everything but one sealed column: anonymous reports carry no name or
// contact at all, an anonymous reporter's doings are dated only by their day,
// references are random, the receipt that lets a reporter come back is a
// secret only they hold (receipt.SpeakUp), a conduct matter raised from a
// report may not name its reporter, and an identity is revealed outside the
// guardians only with the approval of others. It is plain Go: the store
// keeps reports sealed, and the web adapter serves the reporter's door and
// the guardians' inbox.
package speakup

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/people"
)

// Limits on what a speak-up report may hold.
const (
	MaxWhat    = 10000
	MaxMessage = 10000
	MaxUnit    = 200
	MaxName    = 200
	// Attachments are images (or plain text): a photograph of a notice, a
	// screenshot of a message. Three of 5 MiB is plenty for that and keeps
	// a report's request body bounded.
	MaxAttachments    = 3
	MaxAttachmentSize = 5 << 20
)

// Categories are what a report may be about. They are deliberately
// broad: a reporter choosing among fine categories may pick one that only
// a few people could have witnessed.
var Categories = []string{"discrimination", "sexual_misconduct", "bullying_harassment", "corruption", "dishonesty", "other"}

// Roles are what a named reporter may say they are.
var Roles = []string{"officer", "staff", "special_constable", "volunteer", "contractor", "other"}

// Form is a speak-up report as the reporter makes it, through the
// web form or the API. The JSON names are the field names of both, so a
// refusal names the field the reporter filled in.
type Form struct {
	What      string `json:"what"`
	Category  string `json:"category"`
	Anonymous bool   `json:"anonymous"`
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Role      string `json:"role,omitempty"`
	Unit      string `json:"unit,omitempty"`
}

// Identity is who a named reporter is. It is stored only sealed and
// shown only to guardians.
type Identity struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role,omitempty"`
	Unit  string `json:"unit,omitempty"`
}

// Empty reports whether the identity holds nothing.
func (id Identity) Empty() bool { return id == Identity{} }

// Identity is the reporter's identity: empty for an anonymous report.
func (f Form) Identity() Identity {
	if f.Anonymous {
		return Identity{}
	}
	return Identity{Name: strings.TrimSpace(f.Name), Email: strings.TrimSpace(f.Email),
		Phone: strings.TrimSpace(f.Phone), Role: f.Role, Unit: strings.TrimSpace(f.Unit)}
}

// anonymousRefusal explains why an anonymous report may not carry a
// field, rather than silently dropping what the reporter typed: they
// should know that what they give would identify them.
const anonymousRefusal = "must be left empty for an anonymous report: it would help identify you. " +
	"Choose a named report to give it, or leave it out"

// Validate checks every field and names each one refused, so the reporter
// fixes them all at once.
func (f Form) Validate() error {
	var fs fault.Fields
	fs.Text("what", f.What, MaxWhat, true, true)
	if f.Category == "" {
		fs.Add("category", "is required")
	} else if !slices.Contains(Categories, f.Category) {
		fs.Add("category", "must be one of "+strings.Join(Categories, ", "))
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
	if f.Role != "" && !slices.Contains(Roles, f.Role) {
		fs.Add("role", "must be one of "+strings.Join(Roles, ", "))
	}
	fs.Text("unit", f.Unit, MaxUnit, false, false)
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

// ValidateMessage checks the text of a message in a thread.
func ValidateMessage(text string) error {
	var fs fault.Fields
	fs.Text("text", text, MaxMessage, true, true)
	return fs.Err("the message cannot be added")
}

// Day is the day t falls on, in UTC: all that is kept of when an
// anonymous reporter did something.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// referencePattern is the shape of a report's reference,
// SU/2026/483920175: a year and nine random digits (references given
// before they were random have six).
var referencePattern = regexp.MustCompile(`^SU/[0-9]{4}/[0-9]{6,9}$`)

// ValidReference reports whether s has the shape of a reference.
func ValidReference(s string) bool { return referencePattern.MatchString(s) }

// NewReference draws a reference: the year and nine random digits. A
// number from a series shared with named reports, whose times are kept,
// would date an anonymous report to the minute.
func NewReference(year int) string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("SU/%04d/%09d", year, n.Int64())
}
