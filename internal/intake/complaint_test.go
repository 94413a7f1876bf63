package intake_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/intake"
)

var now = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func goodForm() intake.ComplaintForm {
	return intake.ComplaintForm{
		WhatHappened:       "An officer shouted at me and would not give his number.\nHe walked off.",
		HappenedOn:         "2026-05-20",
		HappenedAtTime:     "14:30",
		Where:              "Outside the station on High Street",
		OfficersDescribed:  "Tall, collar number 1234 or 1243",
		HandlingPreference: intake.PreferFormal,
		Name:               "Sam Taylor",
		Email:              "sam@example.org",
		ConsentToContact:   true,
	}
}

func fieldsOf(err error) []string {
	var out []string
	for _, f := range fault.FieldsOf(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestValidateAcceptsAGoodComplaint(t *testing.T) {
	if err := goodForm().Validate(now); err != nil {
		t.Fatal(err)
	}
	anon := goodForm()
	anon.Anonymous, anon.Name, anon.Email = true, "", ""
	if err := anon.Validate(now); err != nil {
		t.Fatalf("anonymous complaint refused: %v", err)
	}
	html := goodForm()
	html.WhatHappened = `<script>alert(1)</script> & "quotes"`
	if err := html.Validate(now); err != nil {
		t.Fatalf("HTML in text must be accepted as text: %v", err)
	}
}

func TestValidateNamesEveryBadField(t *testing.T) {
	big := base64.StdEncoding.EncodeToString(make([]byte, intake.MaxAttachmentSize+1))
	small := base64.StdEncoding.EncodeToString([]byte("a statement"))
	for _, tc := range []struct {
		name  string
		edit  func(f *intake.ComplaintForm)
		field string
	}{
		{"what missing", func(f *intake.ComplaintForm) { f.WhatHappened = "" }, "what_happened"},
		{"what blank", func(f *intake.ComplaintForm) { f.WhatHappened = "  \n\t " }, "what_happened"},
		{"what too long", func(f *intake.ComplaintForm) { f.WhatHappened = strings.Repeat("é", intake.MaxWhatHappened+1) }, "what_happened"},
		{"what control", func(f *intake.ComplaintForm) { f.WhatHappened = "bell\x07" }, "what_happened"},
		{"what NUL", func(f *intake.ComplaintForm) { f.WhatHappened = "a\x00b" }, "what_happened"},
		{"what C1 control", func(f *intake.ComplaintForm) { f.WhatHappened = "a\u0085b" }, "what_happened"},
		{"what bad UTF-8", func(f *intake.ComplaintForm) { f.WhatHappened = "a\xffb" }, "what_happened"},
		{"date missing", func(f *intake.ComplaintForm) { f.HappenedOn = "" }, "happened_on"},
		{"date impossible", func(f *intake.ComplaintForm) { f.HappenedOn = "2026-02-30" }, "happened_on"},
		{"date format", func(f *intake.ComplaintForm) { f.HappenedOn = "20/05/2026" }, "happened_on"},
		{"date future", func(f *intake.ComplaintForm) { f.HappenedOn = "2026-06-02" }, "happened_on"},
		{"date too old", func(f *intake.ComplaintForm) { f.HappenedOn = "1989-12-31" }, "happened_on"},
		{"time bad", func(f *intake.ComplaintForm) { f.HappenedAtTime = "25:00" }, "happened_at_time"},
		{"time short", func(f *intake.ComplaintForm) { f.HappenedAtTime = "9:05" }, "happened_at_time"},
		{"where missing", func(f *intake.ComplaintForm) { f.Where = "" }, "where"},
		{"where too long", func(f *intake.ComplaintForm) { f.Where = strings.Repeat("x", intake.MaxWhere+1) }, "where"},
		{"officers too long", func(f *intake.ComplaintForm) {
			f.OfficersDescribed = strings.Repeat("x", intake.MaxOfficersDescribed+1)
		}, "officers_described"},
		{"officers control", func(f *intake.ComplaintForm) { f.OfficersDescribed = "\x1b[31m" }, "officers_described"},
		{"preference missing", func(f *intake.ComplaintForm) { f.HandlingPreference = "" }, "handling_preference"},
		{"preference unknown", func(f *intake.ComplaintForm) { f.HandlingPreference = "urgent" }, "handling_preference"},
		{"harm unknown", func(f *intake.ComplaintForm) { f.Harm = "bruise" }, "harm"},
		{"email invalid", func(f *intake.ComplaintForm) { f.Email = "not-an-email" }, "email"},
		{"email with name", func(f *intake.ComplaintForm) { f.Email = "Sam <sam@example.org>" }, "email"},
		{"phone invalid", func(f *intake.ComplaintForm) { f.Phone = "call me" }, "phone"},
		{"phone short", func(f *intake.ComplaintForm) { f.Phone = "12345" }, "phone"},
		{"name too long", func(f *intake.ComplaintForm) { f.Name = strings.Repeat("n", 201) }, "name"},
		{"name control", func(f *intake.ComplaintForm) { f.Name = "Sam\tTaylor" }, "name"},
		{"no contact", func(f *intake.ComplaintForm) { f.Email = "" }, "contact"},
		{"anonymous with details", func(f *intake.ComplaintForm) { f.Anonymous = true }, "email"},
		{"too many files", func(f *intake.ComplaintForm) {
			f.Attachments = slices.Repeat([]intake.Attachment{{Filename: "a.txt", ContentBase64: small}}, 4)
		}, "attachments"},
		{"file not base64", func(f *intake.ComplaintForm) {
			f.Attachments = []intake.Attachment{{Filename: "a.txt", ContentBase64: "!!!"}}
		}, "attachments[0].content_base64"},
		{"file empty", func(f *intake.ComplaintForm) { f.Attachments = []intake.Attachment{{Filename: "a.txt"}} }, "attachments[0].content_base64"},
		{"file too big", func(f *intake.ComplaintForm) {
			f.Attachments = []intake.Attachment{{Filename: "a.txt", ContentBase64: big}}
		}, "attachments[0].content_base64"},
		{"file name control", func(f *intake.ComplaintForm) {
			f.Attachments = []intake.Attachment{{Filename: "a\n.txt", ContentBase64: small}}
		}, "attachments[0].filename"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := goodForm()
			tc.edit(&f)
			err := f.Validate(now)
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("accepted, or not Invalid: %v", err)
			}
			if got := fieldsOf(err); !slices.Contains(got, tc.field) {
				t.Fatalf("fields %v, want %s named", got, tc.field)
			}
		})
	}
}

func TestValidateNamesAllFieldsAtOnce(t *testing.T) {
	f := intake.ComplaintForm{HappenedOn: "2026-13-01", Email: "x", Phone: "y"}
	got := fieldsOf(f.Validate(now))
	for _, want := range []string{"what_happened", "where", "happened_on", "handling_preference", "email", "phone"} {
		if !slices.Contains(got, want) {
			t.Errorf("%s not named; got %v", want, got)
		}
	}
}

// A complaint made in the first hour of a summer day in London is about a
// day that is already today there, though still tomorrow in UTC.
func TestTodayIsLondonsToday(t *testing.T) {
	late := time.Date(2026, 6, 1, 23, 30, 0, 0, time.UTC) // 00:30 on 2 June in London
	f := goodForm()
	f.HappenedOn = "2026-06-02"
	if err := f.Validate(late); err != nil {
		t.Fatalf("today in London refused: %v", err)
	}
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.ToCase(late)
	c.ForceID = "f"
	if err := c.Validate(ref, late); err != nil {
		t.Fatalf("the case built for today in London does not validate: %v", err)
	}
	if !strings.Contains(c.Summary, "2 June 2026") {
		t.Errorf("summary lost the day the complainant gave:\n%s", c.Summary)
	}
}

func TestToCase(t *testing.T) {
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	f := goodForm()
	f.Harm = intake.HarmSeriousInjury
	c, p := f.ToCase(now)
	if c.Kind != cases.Complaint || c.State != cases.Complaint.InitialState() || len(c.Allegations) != 0 {
		t.Fatalf("case %+v: want a complaint in its initial state with no allegations", c)
	}
	if !c.AroseOn.Equal(time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)) || !c.ReceivedAt.Equal(now) {
		t.Errorf("arose %v received %v", c.AroseOn, c.ReceivedAt)
	}
	for _, want := range []string{f.WhatHappened, "20 May 2026, at about 14:30", f.Where, f.OfficersDescribed,
		"formal complaint", "Reported harm: serious injury", "IOPC", "agrees to be contacted"} {
		if !strings.Contains(c.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, c.Summary)
		}
	}
	c.ForceID = "f"
	if err := c.Validate(ref, now); err != nil {
		t.Fatalf("the case does not validate: %v", err)
	}
	if p.Name != f.Name || p.Email != f.Email {
		t.Errorf("person %+v", p)
	}

	// The longest complaint still fits the case summary.
	long := goodForm()
	long.WhatHappened = strings.Repeat("w", intake.MaxWhatHappened)
	long.Where = strings.Repeat("p", intake.MaxWhere)
	long.OfficersDescribed = strings.Repeat("o", intake.MaxOfficersDescribed)
	lc, _ := long.ToCase(now)
	lc.ForceID = "f"
	if err := lc.Validate(ref, now); err != nil {
		t.Fatalf("the longest complaint does not fit a case: %v", err)
	}

	anon := goodForm()
	anon.Anonymous, anon.Name, anon.Email = true, "", ""
	ac, ap := anon.ToCase(now)
	if ap.Name != "" || ap.Email != "" || !strings.Contains(ac.Summary, "anonymous") {
		t.Errorf("anonymous complaint: person %+v, summary %q", ap, ac.Summary)
	}
	if strings.Contains(ac.Summary, "Reported harm") {
		t.Error("no harm given, yet the summary reports one")
	}
}

func TestRequestHashIgnoresLayout(t *testing.T) {
	a := []byte(`{"what_happened":"x","where":"y","anonymous":true}`)
	b := []byte("{\n  \"anonymous\" : true,\n  \"where\": \"y\",\n\t\"what_happened\": \"x\"\n}")
	c := []byte(`{"what_happened":"x","where":"z","anonymous":true}`)
	if intake.RequestHash(a) != intake.RequestHash(b) {
		t.Error("the same request laid out differently hashes differently")
	}
	if intake.RequestHash(a) == intake.RequestHash(c) {
		t.Error("different requests hash the same")
	}
	if intake.RequestHash([]byte("not json")) == intake.RequestHash([]byte("also not json")) {
		t.Error("undecodable bodies collide")
	}
	f := intake.ComplaintForm{WhatHappened: "x", Where: "y", Anonymous: true}
	if f.Hash() != intake.RequestHash(a) {
		t.Error("Hash and RequestHash disagree")
	}
}

func TestPlainStateCoversEveryComplaintState(t *testing.T) {
	seen := map[string]cases.State{}
	for _, s := range cases.KindStates(cases.Complaint) {
		w := intake.PlainState(s)
		if w == intake.PlainState("NoSuchState") {
			t.Errorf("state %s has no plain words", s)
		}
		if strings.Contains(w, string(s)) {
			t.Errorf("plain words for %s show the internal name: %q", s, w)
		}
		if prev, dup := seen[w]; dup {
			t.Errorf("%s and %s read the same: %q", prev, s, w)
		}
		seen[w] = s
	}
	for _, c := range []cases.Clock{cases.ClockProgressUpdate, cases.ClockOutcomeNotice, cases.ClockReviewApplication} {
		if _, ok := intake.PlainDeadline(c); !ok {
			t.Errorf("clock %s owed to the complainant has no words", c)
		}
	}
	if _, ok := intake.PlainDeadline(cases.ClockOfficerReply); ok {
		t.Error("an officer's deadline is shown to the complainant")
	}
}
