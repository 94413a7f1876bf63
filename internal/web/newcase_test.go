package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

// TestRecordACaseFromThePage records a complaint taken by phone through
// the form, lands on its page with a confirmation, and finds the case
// assigned to the recorder with the subject chosen by collar number.
func TestRecordACaseFromThePage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		find := c.do(t, "GET", "/cases/new?find=S1", "", "")
		if find.Code != 200 || !strings.Contains(find.Body.String(), "PC S1 Subject") ||
			!strings.Contains(find.Body.String(), "picked="+f.subject) {
			t.Fatalf("officer search: %d, subject not offered", find.Code)
		}
		form := url.Values{"kind": {"complaint"}, "channel": {"phone"}, "unit_id": {f.unitA.ID}, "summary": {"Shouted at a caller"},
			"arose_on": {"20/5/2026"}, "received_on": {"1/6/2026"}, "picked": {f.subject},
			"allegations[0].category": {"individual-behaviours/impolite-language"}, "allegations[0].subjects": {f.subject},
			"complainants[0].name": {"A Caller"}, "complainants[0].phone": {"01632 960001"}}
		rec := c.do(t, "POST", "/cases/new", "application/x-www-form-urlencoded", form.Encode())
		if rec.Code != 303 {
			t.Fatalf("recording: %d %s", rec.Code, rec.Body)
		}
		loc := rec.Header().Get("Location")
		if !strings.HasPrefix(loc, "/cases/") || !strings.HasSuffix(loc, "?recorded=1") {
			t.Fatalf("redirected to %q", loc)
		}
		page := c.do(t, "GET", loc, "", "")
		if page.Code != 200 || !strings.Contains(page.Body.String(), "The case has been recorded") {
			t.Errorf("case page after recording: %d, no confirmation", page.Code)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/cases/"), "?recorded=1")
		cs, err := f.db.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if cs.Summary != "Shouted at a caller" || len(cs.Allegations) != 1 || len(cs.Allegations[0].Subjects) != 1 ||
			cs.Allegations[0].Subjects[0].OfficerID != f.subject {
			t.Errorf("recorded %+v", cs)
		}
		notes, err := f.db.Notes(ctx, id)
		if err != nil || len(notes) != 1 || !strings.Contains(notes[0].Text, "telephone") {
			t.Errorf("notes %v %v", notes, err)
		}
		mine := c.do(t, "GET", "/cases?assignee=me", "", "").Body.String()
		if !strings.Contains(mine, cs.Reference) {
			t.Errorf("the recorded case is not assigned to its recorder")
		}
	})
}

// TestRecordACaseShowsEveryAnswerAgainWithMessages: a refused form keeps
// what was typed and says beside each field what to put right.
func TestRecordACaseShowsEveryAnswerAgainWithMessages(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		form := url.Values{"kind": {"complaint"}, "unit_id": {f.unitA.ID}, "summary": {"Kept summary text"},
			"arose_on": {"31/2/2026"}, "picked": {f.subject}, "allegations[0].description": {"Kept allegation text"},
			"complainants[0].email": {"not an address"}}
		rec := c.do(t, "POST", "/cases/new", "application/x-www-form-urlencoded", form.Encode())
		body := rec.Body.String()
		if rec.Code != 422 {
			t.Fatalf("%d", rec.Code)
		}
		for _, want := range []string{"Kept summary text", "Kept allegation text", `value="31/2/2026"`, `value="not an address"`,
			"PC S1 Subject", "govuk-error-summary", `href="#channel-phone"`, `href="#arose_on"`, "Choose whether the complaint was made",
			`href="#allegations-0-category"`, `href="#complainant-email"`} {
			if !strings.Contains(body, want) {
				t.Errorf("refused form lacks %q", want)
			}
		}
		if n, err := f.db.CaseCount(ctx); err != nil || n != 6 {
			t.Errorf("cases after a refused form: %d %v", n, err)
		}
		// The domain's own checks reach the fields too.
		form = url.Values{"kind": {"conduct_matter"}, "unit_id": {f.unitA.ID}, "arose_on": {"20/5/2026"}}
		body = c.do(t, "POST", "/cases/new", "application/x-www-form-urlencoded", form.Encode()).Body.String()
		if !strings.Contains(body, `href="#summary"`) || !strings.Contains(body, "Summary is required") {
			t.Errorf("a missing summary is not shown beside its field")
		}
	})
}

// TestRecordACaseClassifiesByKind: a complaint's allegation needs a
// national category; a conduct matter's needs a Standard of Professional
// Behaviour and may have no category; domestic abuse is a flag beside
// either. Each refusal names its field, on the page and in the API.
func TestRecordACaseClassifiesByKind(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		base := func(kind string) url.Values {
			v := url.Values{"kind": {kind}, "unit_id": {f.unitA.ID}, "summary": {"Seen drunk on duty"}, "arose_on": {"20/5/2026"},
				"picked": {f.subject}, "allegations[0].subjects": {f.subject}}
			if kind == "complaint" {
				v.Set("channel", "phone")
			}
			return v
		}
		for _, tc := range []struct {
			name  string
			form  url.Values
			href  string
			words string
		}{
			{"a conduct matter with a category and no standard", func() url.Values {
				v := base("conduct_matter")
				v.Set("allegations[0].category", "individual-behaviours/impolite-language")
				return v
			}(), "#allegations-0-standards", "Standards of Professional Behaviour (allegation 1) must name at least one"},
			{"a complaint with a standard and no category", func() url.Values {
				v := base("complaint")
				v.Set("allegations[0].standards", "fitness-for-work")
				return v
			}(), "#allegations-0-category", "Category (allegation 1) is required"},
			{"a conduct matter naming a standard that is none", func() url.Values {
				v := base("conduct_matter")
				v.Set("allegations[0].standards", "no-such-standard")
				return v
			}(), "#allegations-0-standards", "is not a standard of professional behaviour"},
		} {
			rec := c.do(t, "POST", "/cases/new", "application/x-www-form-urlencoded", tc.form.Encode())
			body := rec.Body.String()
			if rec.Code != 422 || !strings.Contains(body, `href="`+tc.href+`"`) || !strings.Contains(body, tc.words) {
				t.Errorf("%s: %d, want 422 naming %s with %q", tc.name, rec.Code, tc.href, tc.words)
			}
		}
		// A conduct matter with a standard, no category and the flag.
		v := base("conduct_matter")
		v["allegations[0].standards"] = []string{"fitness-for-work", "discreditable-conduct"}
		v.Set("allegations[0].domestic_abuse", "yes")
		rec := c.do(t, "POST", "/cases/new", "application/x-www-form-urlencoded", v.Encode())
		if rec.Code != 303 {
			t.Fatalf("conduct matter classified by standards: %d", rec.Code)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/cases/"), "?recorded=1")
		cs, err := f.db.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a := cs.Allegations[0]; a.Category != "" || !a.DomesticAbuse || len(a.Standards) != 2 {
			t.Errorf("recorded allegation %+v", a)
		}
		page := c.do(t, "GET", "/cases/"+id, "", "").Body.String()
		for _, want := range []string{"Domestic abuse", "Fitness for work", "Discreditable conduct"} {
			if !strings.Contains(page, want) {
				t.Errorf("the case page does not show %q", want)
			}
		}
		// The API names the field the same way.
		api := c.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"conduct_matter","unit_id":"`+f.unitA.ID+`",
			"summary":"s","arose_on":"2026-05-20","allegations":[{"category":"individual-behaviours","subjects":["`+f.subject+`"]}]}`)
		if api.Code != 422 || !strings.Contains(api.Body.String(), `"field":"allegations[0].standards"`) {
			t.Errorf("API without a standard: %d %s", api.Code, api.Body)
		}
	})
}
