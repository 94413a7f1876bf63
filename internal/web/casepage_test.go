package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/store"
)

// formVersion reads the case version an action form was drawn at.
func formVersion(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the form carries no case version:\n%s", body)
	}
	return m[1]
}

// act opens an action's form as c and sends it with values, returning
// the answer to the post.
func (c *client) actForm(t *testing.T, caseID, action string, values url.Values) (status int, location, body string) {
	t.Helper()
	form := c.do(t, "GET", "/cases/"+caseID+"/act/"+action, "", "")
	if form.Code != 200 {
		t.Fatalf("GET the %s form: %d\n%s", action, form.Code, form.Body.String())
	}
	values.Set("version", formVersion(t, form.Body.String()))
	resp := c.do(t, "POST", "/cases/"+caseID+"/act/"+action, "application/x-www-form-urlencoded", values.Encode())
	return resp.Code, resp.Header().Get("Location"), resp.Body.String()
}

func caseState(t *testing.T, c *client, caseID string) string {
	t.Helper()
	resp := c.do(t, "GET", "/api/v1/cases/"+caseID, "", "")
	var v struct {
		State   string `json:"state"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(resp.Body.Bytes(), &v); err != nil {
		t.Fatalf("reading the case: %v (%d %s)", err, resp.Code, resp.Body.String())
	}
	return v.State
}

// Each kind of question an action asks renders, is refused beside its
// field when wrong, and applies when right: a confirmation with no
// fields, reasons in a text area, radios, per-officer findings, and a
// checkbox.
func TestCasePageActionForms(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler, authority := f.login(t, access.Handler), f.login(t, access.Authority)
		caseID := f.cases[relSameUnit]

		page := handler.do(t, "GET", "/cases/"+caseID, "", "")
		if page.Code != 200 || !strings.Contains(page.Body.String(), `/act/make_initial_contact?version=1"`) {
			t.Fatalf("the case page offers no button for the next step: %d\n%s", page.Code, page.Body.String())
		}
		status, loc, body := handler.actForm(t, caseID, "make_initial_contact", url.Values{})
		if status != 303 || !strings.Contains(loc, "done=make_initial_contact") {
			t.Fatalf("confirming initial contact: %d %s\n%s", status, loc, body)
		}
		done := handler.do(t, "GET", loc, "", "")
		if !strings.Contains(done.Body.String(), `id="done-banner"`) || !strings.Contains(done.Body.String(), "Complainant contacted") {
			t.Errorf("no banner saying what changed:\n%s", done.Body.String())
		}

		// Reasons are required to record the complaint: refused beside
		// the field, with the summary linking to it, and the choice kept.
		form := handler.do(t, "GET", "/cases/"+caseID+"/act/record_under_schedule3", "", "")
		fb := form.Body.String()
		for _, want := range []string{`<textarea`, `name="reasons"`, `type="radio"`, `name="mandatory_ground"`, "Death or serious injury", "None of these"} {
			if !strings.Contains(fb, want) {
				t.Errorf("the record form lacks %q", want)
			}
		}
		v := url.Values{"version": {formVersion(t, fb)}, "mandatory_ground": {"crime_or_disciplinary"}}
		resp := handler.do(t, "POST", "/cases/"+caseID+"/act/record_under_schedule3", "application/x-www-form-urlencoded", v.Encode())
		rb := resp.Body.String()
		if resp.Code != 422 || !strings.Contains(rb, `id="error-summary"`) || !strings.Contains(rb, `href="#reasons"`) ||
			!strings.Contains(rb, `id="reasons-error"`) || !regexp.MustCompile(`value="crime_or_disciplinary" checked`).MatchString(rb) {
			t.Fatalf("a record without reasons: %d\n%s", resp.Code, rb)
		}
		if got := caseState(t, handler, caseID); got != "InitialContact" {
			t.Fatalf("a refused form changed the case to %s", got)
		}
		v.Set("reasons", "The complainant wants it recorded.")
		resp = handler.do(t, "POST", "/cases/"+caseID+"/act/record_under_schedule3", "application/x-www-form-urlencoded", v.Encode())
		if resp.Code != 303 {
			t.Fatalf("recording with reasons: %d\n%s", resp.Code, resp.Body.String())
		}

		// The authority investigates, then records a finding for the
		// officer: one row per subject, refused while empty.
		if status, _, body := authority.actForm(t, caseID, "investigate_locally", url.Values{"reasons": {"Needs investigating."}}); status != 303 {
			t.Fatalf("investigating: %d\n%s", status, body)
		}
		form = authority.do(t, "GET", "/cases/"+caseID+"/act/notify_outcome", "", "")
		fb = form.Body.String()
		if !strings.Contains(fb, "PC S1 Subject, Allegation 1") || !strings.Contains(fb, `name="f0.finding"`) ||
			!strings.Contains(fb, "Service acceptable") || strings.Contains(fb, "service_acceptable<") {
			t.Fatalf("the outcome form does not ask for the officer's finding in words:\n%s", fb)
		}
		v = url.Values{"version": {formVersion(t, fb)}, "reasons": {"Investigated."}}
		resp = authority.do(t, "POST", "/cases/"+caseID+"/act/notify_outcome", "application/x-www-form-urlencoded", v.Encode())
		if rb := resp.Body.String(); resp.Code != 422 || !strings.Contains(rb, `id="f0.finding-error"`) || strings.Contains(rb, f.subject) {
			t.Fatalf("an outcome without the officer's finding: %d\n%s", resp.Code, rb)
		}
		v.Set("f0.finding", "service_acceptable")
		resp = authority.do(t, "POST", "/cases/"+caseID+"/act/notify_outcome", "application/x-www-form-urlencoded", v.Encode())
		if resp.Code != 303 {
			t.Fatalf("notifying the outcome: %d\n%s", resp.Code, resp.Body.String())
		}

		// A checkbox: a withdrawal not signed needs reasons saying how the
		// complainant's wish was confirmed (C&M 39).
		form = handler.do(t, "GET", "/cases/"+caseID+"/act/withdraw", "", "")
		if !strings.Contains(form.Body.String(), `name="signed_withdrawal" type="checkbox" value="true"`) {
			t.Fatalf("the withdrawal form has no checkbox:\n%s", form.Body.String())
		}
		v = url.Values{"version": {formVersion(t, form.Body.String())}}
		if resp := handler.do(t, "POST", "/cases/"+caseID+"/act/withdraw", "application/x-www-form-urlencoded", v.Encode()); resp.Code != 422 ||
			!strings.Contains(resp.Body.String(), `id="reasons-error"`) {
			t.Fatalf("an unsigned withdrawal: %d\n%s", resp.Code, resp.Body.String())
		}
		v.Set("signed_withdrawal", "true")
		if resp := handler.do(t, "POST", "/cases/"+caseID+"/act/withdraw", "application/x-www-form-urlencoded", v.Encode()); resp.Code != 303 {
			t.Fatalf("a signed withdrawal: %d\n%s", resp.Code, resp.Body.String())
		}
		if got := caseState(t, handler, caseID); got != "Withdrawn" {
			t.Errorf("after the forms the case is %s, want Withdrawn", got)
		}
	})
}

// A form drawn from a case that has since moved on applies nothing and
// shows the case as it now stands.
func TestCasePageStaleForm(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		// Two tabs of one browser: one session.
		first := f.login(t, access.Handler)
		second := first
		caseID := f.cases[relSameUnit]
		old := first.do(t, "GET", "/cases/"+caseID+"/act/make_initial_contact", "", "")
		version := formVersion(t, old.Body.String())
		if status, _, body := second.actForm(t, caseID, "make_initial_contact", url.Values{}); status != 303 {
			t.Fatalf("the other tab: %d\n%s", status, body)
		}
		if status, _, body := second.actForm(t, caseID, "log_outside_schedule3", url.Values{}); status != 303 {
			t.Fatalf("the other tab, second step: %d\n%s", status, body)
		}
		resp := first.do(t, "POST", "/cases/"+caseID+"/act/make_initial_contact", "application/x-www-form-urlencoded", "version="+version)
		body := resp.Body.String()
		if resp.Code != 409 || !strings.Contains(body, "moved on since you opened it") || !strings.Contains(body, "Being resolved informally") {
			t.Fatalf("a stale form: %d\n%s", resp.Code, body)
		}
		// Same action, open again after the case moved: a stale version
		// alone is refused too.
		stale := url.Values{"version": {version}, "reasons": {"Resolved."}}
		resp = first.do(t, "POST", "/cases/"+caseID+"/act/resolve_outside_schedule3", "application/x-www-form-urlencoded", stale.Encode())
		if resp.Code != 409 {
			t.Fatalf("a stale version on an open action: %d\n%s", resp.Code, resp.Body.String())
		}
		// A button from a case page shown before the case moved on opens
		// no form.
		if resp := first.do(t, "GET", "/cases/"+caseID+"/act/resolve_outside_schedule3?version="+version, "", ""); resp.Code != 409 ||
			strings.Contains(resp.Body.String(), `id="action-form"`) {
			t.Fatalf("a button from a stale page: %d", resp.Code)
		}
		if got := caseState(t, first, caseID); got != "LoggedOutsideSch3" {
			t.Errorf("stale forms moved the case to %s", got)
		}
	})
}

// Whoever may not act sees no action buttons and no work forms, and is
// refused in plain words.
func TestCasePageNoActionsWithoutPermission(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		oversight := f.login(t, access.Oversight)
		caseID := f.cases[relShared]
		page := oversight.do(t, "GET", "/cases/"+caseID, "", "")
		body := page.Body.String()
		if page.Code != 200 {
			t.Fatalf("oversight reading a shared case: %d", page.Code)
		}
		for _, no := range []string{`id="allowed-actions"`, `/act/`, `id="note-form"`, `id="document-form"`, `/assign"`, `show-contacts`} {
			if strings.Contains(body, no) {
				t.Errorf("the oversight body's page offers %q", no)
			}
		}
		for role, c := range map[access.Role]*client{access.Oversight: oversight, access.Auditor: f.login(t, access.Auditor),
			access.Guardian: f.login(t, access.Guardian)} {
			resp := c.do(t, "GET", "/cases/"+caseID+"/act/make_initial_contact", "", "")
			if resp.Code != 403 || !strings.Contains(resp.Body.String(), "govuk-heading-l") || strings.Contains(resp.Body.String(), "/api/v1") {
				t.Errorf("%s opening an action form: %d\n%s", role, resp.Code, resp.Body.String())
			}
		}
		// An investigator may work on the case but not make contact: no
		// button, and the form says it cannot be used now.
		inv := f.login(t, access.Investigator)
		same := f.cases[relSameUnit]
		if body := inv.do(t, "GET", "/cases/"+same, "", "").Body.String(); strings.Contains(body, "/act/make_initial_contact") {
			t.Errorf("the investigator is offered initial contact")
		}
		if resp := inv.do(t, "GET", "/cases/"+same+"/act/make_initial_contact", "", ""); resp.Code != 409 {
			t.Errorf("the investigator opening initial contact: %d", resp.Code)
		}
	})
}

// Complainants' contact details show only when asked for, and the read
// of each person's details is in the audit log.
func TestCasePageContactDetailsAudited(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler := f.login(t, access.Handler)
		resp := handler.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"complaint","unit_id":"`+f.unitA.ID+`","summary":"Rude on the phone","arose_on":"2026-05-20",
			"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["`+f.subject+`"]}],
			"complainants":[{"name":"A Person","email":"a.person@example.org"}]}`)
		var rec struct{ ID string }
		if err := json.Unmarshal(resp.Body.Bytes(), &rec); err != nil || resp.Code != 201 {
			t.Fatalf("recording: %d %s", resp.Code, resp.Body.String())
		}
		page := handler.do(t, "GET", "/cases/"+rec.ID, "", "").Body.String()
		if strings.Contains(page, "a.person@example.org") || !strings.Contains(page, `id="show-contacts"`) {
			t.Fatalf("contact details shown unasked, or no way to ask:\n%s", page)
		}
		page = handler.do(t, "GET", "/cases/"+rec.ID+"?contact=show", "", "").Body.String()
		if !strings.Contains(page, "a.person@example.org") {
			t.Fatalf("contact details not shown when asked:\n%s", page)
		}
		entries, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.Handler].ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries.Entries {
			if e.Action == audit.Consult && e.RecordType == "person" {
				found = true
			}
		}
		if !found {
			t.Errorf("showing contact details left no audit entry of the person read")
		}
		// The oversight body is never shown them, even when it asks.
		share := f.login(t, access.Authority).do(t, "POST", "/api/v1/cases/"+rec.ID+"/share", "application/json", `{}`)
		if share.Code != 204 {
			t.Fatalf("sharing: %d", share.Code)
		}
		if page := f.login(t, access.Oversight).do(t, "GET", "/cases/"+rec.ID+"?contact=show", "", "").Body.String(); strings.Contains(page, "a.person@example.org") {
			t.Errorf("the oversight body was shown contact details")
		}
	})
}

// A note and a document added from the case page appear on it and in its
// timeline; the document downloads as it was sent.
func TestCasePageNoteAndDocument(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler := f.login(t, access.Handler)
		caseID := f.cases[relSameUnit]
		if resp := handler.do(t, "POST", "/cases/"+caseID+"/notes", "application/x-www-form-urlencoded", "text="); resp.Code != 422 ||
			!strings.Contains(resp.Body.String(), `id="note-text-error"`) {
			t.Fatalf("an empty note: %d\n%s", resp.Code, resp.Body.String())
		}
		if resp := handler.do(t, "POST", "/cases/"+caseID+"/notes", "application/x-www-form-urlencoded", "text=Rang+the+complainant."); resp.Code != 303 {
			t.Fatalf("a note: %d\n%s", resp.Code, resp.Body.String())
		}
		upload := "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"call-log.txt\"\r\nContent-Type: text/plain\r\n\r\nCalled at 10:02.\r\n--XyZ--\r\n"
		resp := handler.do(t, "POST", "/cases/"+caseID+"/documents", "multipart/form-data; boundary=XyZ", upload)
		if resp.Code != 303 || !strings.Contains(resp.Header().Get("Location"), "done=document") {
			t.Fatalf("an upload: %d\n%s", resp.Code, resp.Body.String())
		}
		bad := strings.Replace(upload, "Called at 10:02.", "\x00\x01\x02binary", 1)
		if resp := handler.do(t, "POST", "/cases/"+caseID+"/documents", "multipart/form-data; boundary=XyZ", bad); resp.Code != 422 ||
			!strings.Contains(resp.Body.String(), `id="document-file-error"`) {
			t.Fatalf("a refused upload: %d\n%s", resp.Code, resp.Body.String())
		}
		page := handler.do(t, "GET", "/cases/"+caseID, "", "").Body.String()
		timeline := page[strings.Index(page, `id="timeline"`):]
		for _, want := range []string{"Rang the complainant.", "call-log.txt"} {
			if !strings.Contains(page, want) {
				t.Errorf("the case page lacks %q", want)
			}
		}
		for _, want := range []string{"Note added", "Document added: call-log.txt"} {
			if !strings.Contains(timeline, want) {
				t.Errorf("the timeline lacks %q", want)
			}
		}
		m := regexp.MustCompile(`href="(/cases/` + caseID + `/documents/\w+)" download>call-log.txt`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no download link for the upload")
		}
		dl := handler.do(t, "GET", m[1], "", "")
		if dl.Code != 200 || dl.Body.String() != "Called at 10:02." || !strings.HasPrefix(dl.Header().Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %d %q %q", dl.Code, dl.Header().Get("Content-Disposition"), dl.Body.String())
		}
	})
}

// Assigning from the page opens the case to the person chosen; breaking
// glass from the refusal page opens it to the caller.
func TestCasePageGrantsAndBreakGlass(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		authority := f.login(t, access.Authority)
		other := f.cases[relOtherUnit]
		inv := f.users[access.Investigator]
		refused := authority.do(t, "GET", "/cases/"+other, "", "")
		rb := refused.Body.String()
		if refused.Code != 403 || !strings.Contains(rb, `action="/cases/`+other+`/break-glass"`) || strings.Contains(rb, "/api/v1") {
			t.Fatalf("the refusal page: %d\n%s", refused.Code, rb)
		}
		if resp := authority.do(t, "POST", "/cases/"+other+"/break-glass", "application/x-www-form-urlencoded", "reason=short"); resp.Code != 422 ||
			!strings.Contains(resp.Body.String(), `id="reason-error"`) {
			t.Fatalf("a short reason: %d\n%s", resp.Code, resp.Body.String())
		}
		resp := authority.do(t, "POST", "/cases/"+other+"/break-glass", "application/x-www-form-urlencoded", "reason=Urgent+safeguarding+call+out+of+hours")
		if resp.Code != 303 {
			t.Fatalf("breaking glass: %d\n%s", resp.Code, resp.Body.String())
		}
		if page := authority.do(t, "GET", resp.Header().Get("Location"), "", ""); page.Code != 200 || !strings.Contains(page.Body.String(), "for one hour") {
			t.Fatalf("after breaking glass: %d\n%s", page.Code, page.Body.String())
		}
		// Someone who may not break glass learns nothing from the page.
		for _, role := range []access.Role{access.Oversight, access.Auditor} {
			if body := f.login(t, role).do(t, "GET", "/cases/"+other, "", "").Body.String(); strings.Contains(body, "break-glass") {
				t.Errorf("%s is offered break-glass", role)
			}
		}

		same := f.cases[relSameUnit]
		form := authority.do(t, "GET", "/cases/"+same+"/assign", "", "")
		if form.Code != 200 || !strings.Contains(form.Body.String(), inv.DisplayName) {
			t.Fatalf("the assign form: %d\n%s", form.Code, form.Body.String())
		}
		if resp := authority.do(t, "POST", "/cases/"+same+"/assign", "application/x-www-form-urlencoded", ""); resp.Code != 422 {
			t.Fatalf("assigning to nobody: %d", resp.Code)
		}
		if resp := authority.do(t, "POST", "/cases/"+same+"/assign", "application/x-www-form-urlencoded", "user_id="+inv.ID); resp.Code != 303 {
			t.Fatalf("assigning: %d\n%s", resp.Code, resp.Body.String())
		}
		if page := authority.do(t, "GET", "/cases/"+same, "", "").Body.String(); !strings.Contains(page, inv.DisplayName) {
			t.Errorf("the case page does not name the assignee")
		}
		if resp := f.login(t, access.Handler).do(t, "GET", "/cases/"+same+"/assign", "", ""); resp.Code != 403 {
			t.Errorf("a handler opening the assign form: %d", resp.Code)
		}
	})
}
