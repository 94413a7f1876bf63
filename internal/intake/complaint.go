// Package intake takes in the complaints the public send Probity about the
// police. It validates what arrives, turns it into the case workflow's
// records, hashes a request so that a retry is recognised, and says where a
// complaint stands in words a complainant can act on. The receipt that lets a
// complainant come back is receipt.Complaint. It is plain Go; the web
// adapter and the store do the rest.
package intake

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/people"
)

// IntakeUnitCode is the code of the unit public complaints are recorded
// in: the professional standards department's intake team, whose handlers
// make the first contact. A force must have such a unit before Probity
// accepts complaints from the public; without it they are refused, loudly,
// rather than recorded where nobody looks.
const IntakeUnitCode = "PSD-INTAKE"

// Limits on what a complaint may hold. The text limits keep one complaint
// within the case summary (cases.MaxSummary) with room for the labels; the
// file limits match what the case documents endpoint accepts.
const (
	MaxWhatHappened      = 10000
	MaxWhere             = 500
	MaxOfficersDescribed = 2000
	MaxAttachments       = 3
	MaxAttachmentSize    = 10 << 20
	MaxFilename          = 255
)

// earliestDay is the first day a complaint may say the matter happened on.
// Older matters exist, but a date before it is far more often a typing
// slip (1926 for 2026) than a real complaint, and the rule sets Probity
// holds do not reach back that far.
var earliestDay = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// Handling preferences: how the complainant would like the complaint dealt
// with [Sch3 2(6)-(6C)]. The appropriate authority must ask, and must
// record the complaint under Schedule 3 if the complainant wants that.
const (
	PreferFormal   = "formal"   // record it under Schedule 3
	PreferInformal = "informal" // try to resolve it outside Schedule 3
	PreferNotSure  = "not_sure"
)

// Harm the complainant reports. Death or serious injury makes Schedule 3
// handling and referral to the IOPC mandatory [Sch3 4(1); C&M 4], so the
// case summary says so for the handler who first opens it.
const (
	HarmNone          = "none"
	HarmInjury        = "injury"
	HarmSeriousInjury = "serious_injury"
	HarmDeath         = "death"
)

var preferenceWords = map[string]string{
	PreferFormal:   "record it as a formal complaint (under Schedule 3)",
	PreferInformal: "try to resolve it without a formal record (outside Schedule 3)",
	PreferNotSure:  "not sure",
}

var harmWords = map[string]string{
	HarmNone:          "none",
	HarmInjury:        "injury",
	HarmSeriousInjury: "serious injury",
	HarmDeath:         "death",
}

// ComplaintForm is a complaint as a member of the public makes it, through
// the web form or the API. The JSON names are the API's and the form's
// field names, so a refusal names the field the sender filled in.
type ComplaintForm struct {
	WhatHappened   string `json:"what_happened"`
	HappenedOn     string `json:"happened_on"`                // YYYY-MM-DD
	HappenedAtTime string `json:"happened_at_time,omitempty"` // HH:MM, if known
	Where          string `json:"where"`
	// OfficersDescribed is what the complainant knows of the officers:
	// names, collar numbers, descriptions. It stays text. Matching it to
	// officer records is a handler's decision, because a wrong automatic
	// match would put an innocent officer's name on a complaint.
	OfficersDescribed  string       `json:"officers_described,omitempty"`
	HandlingPreference string       `json:"handling_preference"`
	Harm               string       `json:"harm,omitempty"`
	Name               string       `json:"name,omitempty"`
	Email              string       `json:"email,omitempty"`
	Phone              string       `json:"phone,omitempty"`
	Address            string       `json:"address,omitempty"`
	Anonymous          bool         `json:"anonymous"`
	ConsentToContact   bool         `json:"consent_to_contact"`
	Attachments        []Attachment `json:"attachments,omitempty"`
}

// Attachment is a file sent with a complaint. The content travels as
// base64 in JSON; the web form's files are encoded the same way so that
// both doors validate and hash one shape.
type Attachment struct {
	Filename      string `json:"filename"`
	ContentBase64 string `json:"content_base64"`
}

// File is an attachment's decoded content.
type File struct {
	Filename string
	Content  []byte
}

var timeOfDay = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Validate checks every field and names each one refused, so the sender
// fixes them all at once. HTML and script in text are allowed: they are
// stored as text and escaped wherever they are shown, and refusing them
// would refuse people who quote what they were sent. Attachments are
// checked for count, name, encoding and size here; their type is for the
// adapter that knows which types Probity keeps.
func (f ComplaintForm) Validate(now time.Time) error {
	var fs fault.Fields
	fs.Text("what_happened", f.WhatHappened, MaxWhatHappened, true, true)
	fs.Text("where", f.Where, MaxWhere, true, true)
	fs.Text("officers_described", f.OfficersDescribed, MaxOfficersDescribed, false, true)
	if _, err := f.day(now); err != "" {
		fs.Add("happened_on", err)
	}
	if f.HappenedAtTime != "" && !timeOfDay.MatchString(f.HappenedAtTime) {
		fs.Add("happened_at_time", "must be a time of day, HH:MM (24-hour clock)")
	}
	if _, ok := preferenceWords[f.HandlingPreference]; !ok {
		if f.HandlingPreference == "" {
			fs.Add("handling_preference", "is required: say how you would like the complaint handled")
		} else {
			fs.Add("handling_preference", "must be formal, informal or not_sure")
		}
	}
	if _, ok := harmWords[f.Harm]; !ok && f.Harm != "" {
		fs.Add("harm", "must be none, injury, serious_injury or death")
	}
	f.validateContact(&fs)
	if len(f.Attachments) > MaxAttachments {
		fs.Addf("attachments", "must be at most %d files", MaxAttachments)
	}
	for i, a := range f.Attachments {
		p := fmt.Sprintf("attachments[%d]", i)
		// Invisible characters are removed from a file name when it is
		// kept, not refused: the sender cannot see them in it either.
		fs.Text(p+".filename", fault.WithoutInvisible(a.Filename), MaxFilename, false, false)
		switch n, err := decodedLen(a.ContentBase64); {
		case err != nil:
			fs.Add(p+".content_base64", "is not valid base64")
		case n == 0:
			fs.Add(p+".content_base64", "is empty")
		case n > MaxAttachmentSize:
			fs.Add(p+".content_base64", "must be at most 10 MiB once decoded")
		}
	}
	return fs.Err("the complaint cannot be accepted")
}

func (f ComplaintForm) validateContact(fs *fault.Fields) {
	if f.Anonymous {
		// Keeping details sent with an anonymous complaint would break the
		// promise the box makes; dropping them silently would lose what
		// the person typed. Ask them to choose.
		for _, v := range []struct{ field, value string }{{"name", f.Name}, {"email", f.Email}, {"phone", f.Phone}, {"address", f.Address}} {
			if v.value != "" {
				fs.Add(v.field, "must be empty for an anonymous complaint: clear it, or untick anonymous")
			}
		}
		return
	}
	for _, fe := range fault.FieldsOf(f.person().Validate()) {
		fs.Add(fe.Field, fe.Reason)
	}
	if f.Email == "" && f.Phone == "" && f.Address == "" {
		fs.Add("contact", "give an email address, a phone number or a postal address, or make the complaint anonymously")
	}
}

func (f ComplaintForm) person() people.Person {
	return people.Person{Name: f.Name, Email: f.Email, Phone: f.Phone, Address: f.Address}
}

// decodedLen checks base64 without keeping the decoded bytes.
func decodedLen(s string) (int, error) {
	if len(s) > base64.StdEncoding.EncodedLen(MaxAttachmentSize)+4 {
		return MaxAttachmentSize + 1, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	return len(b), err
}

// london is where "today" is for the people complaining: a complaint made
// at half past midnight in summer is about a day that is already today in
// London but still yesterday in UTC.
var london = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// The cases package compiles in time/tzdata; without it the dates
		// of every deadline would be wrong too.
		panic("intake: no time zone data for Europe/London: " + err.Error())
	}
	return loc
})

// day parses happened_on and checks it is a real day, not in the future
// and not before earliestDay. It returns the reason when it is not.
func (f ComplaintForm) day(now time.Time) (time.Time, string) {
	if f.HappenedOn == "" {
		return time.Time{}, "is required: give the date, or your best guess at it"
	}
	d, err := time.Parse(time.DateOnly, f.HappenedOn)
	if err != nil {
		return time.Time{}, "must be a real date, YYYY-MM-DD"
	}
	y, m, dd := now.In(london()).Date()
	if d.After(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, "is in the future"
	}
	if d.Before(earliestDay) {
		return time.Time{}, "must be on or after 1 January 1990"
	}
	return d, ""
}

// Files decodes the attachments of a validated form.
func (f ComplaintForm) Files() ([]File, error) {
	out := make([]File, 0, len(f.Attachments))
	for i, a := range f.Attachments {
		b, err := base64.StdEncoding.DecodeString(a.ContentBase64)
		if err != nil {
			return nil, &fault.Error{Kind: fault.Invalid, Message: "the complaint cannot be accepted",
				Fields: []fault.FieldError{{Field: fmt.Sprintf("attachments[%d].content_base64", i), Reason: "is not valid base64"}}}
		}
		out = append(out, File{Filename: a.Filename, Content: b})
	}
	return out, nil
}

// ToCase builds the complaint's case and its complainant from a validated
// form. The case is a complaint in its initial state with no allegations:
// the public do not choose national categories, and the handler records
// allegations once they have spoken to the complainant. Everything the
// complainant said goes into the summary, under labels the handler can
// scan. The force and unit are left for the caller, which knows where
// complaints are handled. The person is zero for an anonymous complaint.
func (f ComplaintForm) ToCase(now time.Time) (cases.Case, people.Person) {
	d, _ := f.day(now)
	arose := d
	// cases.Validate compares the day's UTC midnight with now; for the
	// first hour of a summer day in London that midnight is still ahead.
	// The summary keeps the day as the complainant gave it.
	if arose.After(now) {
		arose = now.UTC()
	}
	c := cases.Case{Kind: cases.Complaint, Summary: f.summary(d), AroseOn: arose, ReceivedAt: now.UTC(),
		State: cases.Complaint.InitialState()}
	if f.Anonymous {
		return c, people.Person{}
	}
	return c, f.person()
}

func (f ComplaintForm) summary(d time.Time) string {
	var b strings.Builder
	b.WriteString("Complaint made by a member of the public through the complaint form.\n\n")
	b.WriteString("What happened:\n")
	b.WriteString(strings.TrimSpace(f.WhatHappened))
	b.WriteString("\n\nWhen: ")
	b.WriteString(d.Format("2 January 2006"))
	if f.HappenedAtTime != "" {
		b.WriteString(", at about " + f.HappenedAtTime)
	}
	b.WriteString("\nWhere: " + strings.TrimSpace(f.Where))
	if o := strings.TrimSpace(f.OfficersDescribed); o != "" {
		b.WriteString("\nOfficers as the complainant describes them: " + o)
	}
	b.WriteString("\nHow the complainant wants it handled: " + preferenceWords[f.HandlingPreference])
	if f.Harm != "" {
		b.WriteString("\nReported harm: " + harmWords[f.Harm])
		if f.SeriousHarm() {
			b.WriteString(" (death or serious injury: the complaint must be recorded under Schedule 3 and referred to the IOPC, Sch3 4(1); C&M 4)")
		}
	}
	switch {
	case f.Anonymous:
		b.WriteString("\nContact: anonymous; the complainant holds a receipt code to check progress")
	case f.ConsentToContact:
		b.WriteString("\nContact: the complainant agrees to be contacted")
	default:
		b.WriteString("\nContact: the complainant has NOT agreed to be contacted; ask how they want to hear from us before using their details")
	}
	if n := len(f.Attachments); n > 0 {
		fmt.Fprintf(&b, "\nFiles sent with the complaint: %d", n)
	}
	return b.String()
}

// SeriousHarm reports whether the complainant says someone died or was
// seriously injured, which makes IOPC referral mandatory.
func (f ComplaintForm) SeriousHarm() bool {
	return f.Harm == HarmSeriousInjury || f.Harm == HarmDeath
}

// Hash is the hex SHA-256 of the form's canonical JSON: two requests that
// say the same thing hash the same however their JSON was laid out.
func (f ComplaintForm) Hash() string {
	// Marshalling a struct of strings, booleans and a slice of such
	// cannot fail.
	b, _ := json.Marshal(f)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// RequestHash is the idempotency hash of a complaint request body: the
// body decoded into a ComplaintForm and re-encoded, so that whitespace and
// field order do not make a retry look like a different request. A body
// that does not decode hashes as its raw bytes; such a body is refused
// before its hash matters.
func RequestHash(body []byte) string {
	var f ComplaintForm
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&f); err != nil {
		sum := sha256.Sum256(body)
		return "raw:" + hex.EncodeToString(sum[:])
	}
	return f.Hash()
}

// plainStates says where a complaint stands in words a complainant can
// act on. It tells them the stage, never what was decided about anyone.
var plainStates = map[cases.State]string{
	cases.Received:                 "We have received your complaint and will contact you soon to talk about it.",
	cases.InitialContact:           "We have been in touch with you and are deciding how your complaint will be handled.",
	cases.LoggedOutsideSch3:        "Your complaint has been logged and we are working with you to put things right without a formal investigation.",
	cases.RecordedSch3:             "Your complaint has been formally recorded and we are deciding how to deal with it.",
	cases.ReferredIOPC:             "Your complaint has been referred to the Independent Office for Police Conduct (IOPC), which will decide who deals with it.",
	cases.HandledOtherwise:         "Your complaint is being dealt with without an investigation. We will tell you the outcome.",
	cases.LocalInvestigation:       "Your complaint is being investigated by the police force's professional standards department.",
	cases.DirectedInvestigation:    "Your complaint is being investigated by the police force, under the direction of the IOPC.",
	cases.IndependentInvestigation: "Your complaint is being investigated independently by the IOPC.",
	cases.ReferredBack:             "The IOPC has passed your complaint back to the police force, which is deciding how to deal with it.",
	cases.Resolved:                 "Your complaint has been resolved.",
	cases.OutcomeNotified:          "We have sent you the outcome of your complaint. If you are not satisfied, you can ask for a review within 28 days.",
	cases.ReviewRequested:          "Your request for a review of the outcome is being considered.",
	cases.ReviewUpheld:             "The review found the outcome should change, and your complaint is being looked at again.",
	cases.ReviewNotUpheld:          "The review of the outcome is finished: the original outcome stands.",
	cases.Closed:                   "Your complaint is closed.",
	cases.Withdrawn:                "Your complaint has been withdrawn.",
	cases.Suspended:                "Work on your complaint is paused until related criminal proceedings have finished.",
	cases.RecordedAsConduct:        "Your complaint is no longer being handled as a complaint: the conduct it describes is being dealt with as a conduct matter.",
}

// PlainState says where a complaint in state s stands, in plain words.
func PlainState(s cases.State) string {
	if w, ok := plainStates[s]; ok {
		return w
	}
	// A state added to the workflow without words here: say something
	// true rather than show the complainant an internal name.
	return "Your complaint is being dealt with."
}

// plainDeadlines are the time limits a complainant is owed something by,
// in their words. The others (an officer's reply, papers to a tribunal)
// are the force's business and are not shown to them.
var plainDeadlines = map[cases.Clock]string{
	cases.ClockProgressUpdate:    "Your next progress update is due by",
	cases.ClockOutcomeNotice:     "We must tell you the outcome by",
	cases.ClockReviewApplication: "The last day to ask for a review of the outcome is",
	cases.ClockResumptionReply:   "The last day to tell us whether you want your complaint to go on is",
}

// PlainDeadline gives the words for a deadline the complainant may be
// told of, and false for one they are not.
func PlainDeadline(c cases.Clock) (string, bool) {
	w, ok := plainDeadlines[c]
	return w, ok
}
