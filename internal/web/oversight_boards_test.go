package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

var (
	meetingLink = regexp.MustCompile(`href="/oversight/meetings/([a-z2-7]{26})"`)
	postLink    = regexp.MustCompile(`href="/oversight/posts/([a-z2-7]{26})"`)
	actionID    = regexp.MustCompile(`id="action-([a-z2-7]{26})"`)
)

const formType = "application/x-www-form-urlencoded"

// TestAccountabilityBoardFromMeetingToClosedAction: the oversight body
// records a meeting in the browser (told which fields are wrong first),
// adds an agenda item on a published measure, records minutes and sets an
// action; the head of standards reads it but may not answer or close it;
// the answer is given and the action closed, each step refused out of
// turn with what is allowed; every change is audited.
func TestAccountabilityBoardFromMeetingToClosedAction(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		ob := f.login(t, access.Oversight)
		bad := ob.do(t, "POST", "/oversight/meetings", formType, url.Values{"title": {" "}, "held_on-day": {"31"}, "held_on-month": {"2"},
			"held_on-year": {"2026"}}.Encode())
		page := bad.Body.String()
		if bad.Code != 422 || !strings.Contains(page, `href="#f-title"`) || !strings.Contains(page, `href="#f-held-on-day"`) ||
			!strings.Contains(page, "There is a problem") || !strings.Contains(page, "Attendee 1: name") {
			t.Fatalf("a faulty meeting: %d\n%s", bad.Code, page)
		}
		good := url.Values{"title": {"Accountability board: complaints"}, "held_on-day": {"20"}, "held_on-month": {"5"}, "held_on-year": {"2026"},
			"attendees[0].name": {"Jo Commissioner"}, "attendees[0].role": {"Police and Crime Commissioner"},
			"attendees[1].name": {"Sam Chief"}, "attendees[1].role": {"Chief Constable"}}
		rec := ob.do(t, "POST", "/oversight/meetings", formType, good.Encode())
		if rec.Code != 303 {
			t.Fatalf("record meeting: %d %s", rec.Code, rec.Body)
		}
		path := strings.Split(rec.Header().Get("Location"), "?")[0]
		for _, step := range []struct {
			to   string
			form url.Values
		}{
			{"/agenda", url.Values{"title": {"Time to finalise complaints"}, "measure_id": {"days-to-finalise"}}},
			{"/minutes", url.Values{"minutes": {"The board asked why complaints take longer to finalise."}}},
			{"/actions", url.Values{"text": {"Report on the causes of delay"}, "owner": {"Chief Constable"}, "due_on-day": {"30"},
				"due_on-month": {"6"}, "due_on-year": {"2026"}}},
		} {
			if rec := ob.do(t, "POST", path+step.to, formType, step.form.Encode()); rec.Code != 303 {
				t.Fatalf("%s: %d %s", step.to, rec.Code, rec.Body)
			}
		}
		// The minutes are the record: a second attempt is refused with
		// what may still be done.
		again := ob.do(t, "POST", path+"/minutes", formType, "minutes=Rewritten")
		if again.Code != 409 || !strings.Contains(again.Body.String(), "allowed now: set an action") {
			t.Fatalf("minutes twice: %d\n%s", again.Code, again.Body)
		}
		view := ob.do(t, "GET", path, "", "").Body.String()
		if !strings.Contains(view, "Days to finalise a complaint, by handling route") || !strings.Contains(view, "Report on the causes of delay") {
			t.Fatalf("meeting page:\n%s", view)
		}
		m := actionID.FindStringSubmatch(view)
		if m == nil {
			t.Fatalf("no action on the page:\n%s", view)
		}
		actionPath := path + "/actions/" + m[1]
		apiPath := "/api/v1" + actionPath

		head := f.login(t, access.PSDHead)
		if page := head.do(t, "GET", path, "", "").Body.String(); strings.Contains(page, `action="`+actionPath) || !strings.Contains(page, "Sam Chief") {
			t.Errorf("the head of standards is offered the action's forms, or cannot read the meeting:\n%s", page)
		}
		if rec := head.do(t, "POST", apiPath+"/answer", "application/json", `{"answer":"Done."}`); rec.Code != 403 {
			t.Errorf("the head of standards answered an action: %d %s", rec.Code, rec.Body)
		}
		handler := f.login(t, access.Handler)
		if rec := handler.do(t, "GET", path, "", ""); rec.Code != 403 {
			t.Errorf("a handler read a meeting: %d", rec.Code)
		}

		// Closing before an answer: refused, naming what is allowed.
		early := ob.do(t, "POST", apiPath+"/decide", "application/json", `{"decision":"close"}`)
		if p := problemOf(t, early); early.Code != 409 || !strings.Contains(p.Detail, "cannot close while the action is open; allowed now: answer (by the chief officer's office)") {
			t.Fatalf("close an open action: %d %+v", early.Code, p)
		}
		// Nothing is the oversight body's to do until the answer comes.
		if ext := decode(t, early); ext["state"] != "open" || len(ext["allowed"].([]any)) != 0 {
			t.Errorf("the refusal's state and allowed steps: %v", ext)
		}
		co := f.login(t, access.ChiefOffice)
		// Each side's start page says whose turn it is, until the close.
		startPage := func(c *client, want string) {
			t.Helper()
			page := c.do(t, "GET", "/", "", "").Body.String()
			if want == "" {
				if strings.Contains(page, "Report on the causes of delay") {
					t.Errorf("a closed action is still on the start page:\n%s", page)
				}
				return
			}
			if !strings.Contains(page, `id="pending-actions"`) || !strings.Contains(page, "Report on the causes of delay") || !strings.Contains(page, want) {
				t.Errorf("the start page does not show the action waiting on %q:\n%s", want, page)
			}
		}
		startPage(co, "You (to answer)")
		startPage(ob, "The force (to answer)")
		empty := co.do(t, "POST", actionPath+"/answer", formType, "answer=+")
		if empty.Code != 422 || !strings.Contains(empty.Body.String(), `href="#f-`+m[1]+`-answer"`) {
			t.Fatalf("an empty answer: %d\n%s", empty.Code, empty.Body)
		}
		if rec := co.do(t, "POST", apiPath+"/answer", "application/json", `{"answer":"Delays come from a backlog of investigations; a plan follows."}`); rec.Code != 200 {
			t.Fatalf("answer: %d %s", rec.Code, rec.Body)
		}
		startPage(co, "The oversight body (to close or return the answer)")
		noNote := ob.do(t, "POST", actionPath+"/decide", formType, "decision=return")
		if noNote.Code != 422 || !strings.Contains(noNote.Body.String(), "Note is required") {
			t.Fatalf("return without a note: %d\n%s", noNote.Code, noNote.Body)
		}
		if rec := ob.do(t, "POST", actionPath+"/decide", formType, "decision=close&note=Accepted"); rec.Code != 303 {
			t.Fatalf("close: %d %s", rec.Code, rec.Body)
		}
		startPage(ob, "")
		got := decode(t, ob.do(t, "GET", "/api/v1"+path, "", ""))
		acts := got["actions"].([]any)
		if a := acts[0].(map[string]any); a["state"] != "closed" || a["note"] != "Accepted" {
			t.Fatalf("after close: %+v", a)
		}
		list := ob.do(t, "GET", "/oversight/meetings", "", "").Body.String()
		if !meetingLink.MatchString(list) || !strings.Contains(list, "0 of 1") {
			t.Errorf("list:\n%s", list)
		}
		audit := f.login(t, access.Auditor)
		entries := decode(t, audit.do(t, "GET", "/api/v1/audit?record="+m[1], "", ""))
		if n := len(entries["items"].([]any)); n != 2 {
			t.Errorf("the action's audit trail has %d entries, want the answer and the close", n)
		}
	})
}

// TestAppointmentRefusedWithoutTheRequiredConsultation: a post whose
// rules require the police and crime panel's response refuses an
// appointment without it, naming the reason, in the API and the page;
// with it the appointment is made; the post page shows the timeline and
// the public page the holder and the appointment's record, never notes or
// proposals.
func TestAppointmentRefusedWithoutTheRequiredConsultation(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		ob := f.login(t, access.Oversight)
		rec := ob.do(t, "POST", "/api/v1/oversight/posts", "application/json", `{"kind":"chief-officer","title":"Chief Constable",
			"appointing_authority":"Police and Crime Commissioner","required_consultees":["Police and Crime Panel"]}`)
		if rec.Code != 201 {
			t.Fatalf("post: %d %s", rec.Code, rec.Body)
		}
		postID := decode(t, rec)["id"].(string)
		api := "/api/v1/oversight/posts/" + postID
		body := `{"holder":"Alex Morgan","starts_on":"2026-04-01","term_ends":"2031-03-31","appointing_authority":"Police and Crime Commissioner",
			"decision":"Appointed after open competition","decided_on":"2026-03-01","notes":"Panel worried about vetting"%s}`
		refused := ob.do(t, "POST", api+"/appointments", "application/json", strings.Replace(body, "%s", "", 1))
		p := problemOf(t, refused)
		if refused.Code != 422 || !p.names("consultations") || !strings.Contains(refused.Body.String(), "require consultation of Police and Crime Panel") {
			t.Fatalf("appointment without consultation: %d %s", refused.Code, refused.Body)
		}
		// The page says the same, on the consultation's field.
		form := url.Values{"holder": {"Alex Morgan"}, "stage": {"made"}, "appointing_authority": {"Police and Crime Commissioner"},
			"on-day": {"1"}, "on-month": {"4"}, "on-year": {"2026"}, "term_ends-day": {"31"}, "term_ends-month": {"3"}, "term_ends-year": {"2031"},
			"decision": {"Appointed"}, "decided_on-day": {"1"}, "decided_on-month": {"3"}, "decided_on-year": {"2026"}}
		pg := ob.do(t, "POST", "/oversight/posts/"+postID+"/appoint", formType, form.Encode())
		if pg.Code != 422 || !strings.Contains(pg.Body.String(), `href="#f-consultations-0--consultee"`) ||
			!strings.Contains(pg.Body.String(), "require consultation of Police and Crime Panel") {
			t.Fatalf("page appointment without consultation: %d\n%s", pg.Code, pg.Body)
		}
		consulted := `,"consultations":[{"consultee":"Police and Crime Panel","asked_on":"2026-02-01","responded_on":"2026-02-20","response":"The panel endorsed the appointment"}]`
		if rec := ob.do(t, "POST", api+"/appointments", "application/json", strings.Replace(body, "%s", consulted, 1)); rec.Code != 201 {
			t.Fatalf("appointment: %d %s", rec.Code, rec.Body)
		}
		// Appointing over a holder is refused, naming what is allowed.
		over := ob.do(t, "POST", api+"/appointments", "application/json", strings.Replace(body, "%s", consulted, 1))
		if over.Code != 409 || !strings.Contains(problemOf(t, over).Detail, "allowed now: extension, suspension, resignation, retirement") {
			t.Fatalf("appoint over a holder: %d %s", over.Code, over.Body)
		}
		for _, c := range []string{
			`{"kind":"suspension","on":"2026-09-01","reason":"Under investigation for gross misconduct"}`,
			`{"kind":"acting","on":"2026-09-02","holder":"Sam Patel"}`,
		} {
			if rec := ob.do(t, "POST", api+"/changes", "application/json", c); rec.Code != 201 {
				t.Fatalf("%s: %d %s", c, rec.Code, rec.Body)
			}
		}
		resign := url.Values{"kind": {"resignation"}, "on-day": {"1"}, "on-month": {"11"}, "on-year": {"2026"}, "reason": {"Resigned before the hearing"}}
		if rec := ob.do(t, "POST", "/oversight/posts/"+postID+"/change", formType, resign.Encode()); rec.Code != 303 {
			t.Fatalf("resignation: %d %s", rec.Code, rec.Body)
		}
		page := ob.do(t, "GET", "/oversight/posts/"+postID, "", "").Body.String()
		for _, want := range []string{"Appointment, Alex Morgan", "Suspension, Alex Morgan", "Acting appointment, Sam Patel", "Resignation, Alex Morgan",
			"Panel worried about vetting", "Police and Crime Panel, asked 1 February 2026; responded 20 February 2026"} {
			if !strings.Contains(page, want) {
				t.Errorf("post page lacks %q", want)
			}
		}
		if !postLink.MatchString(ob.do(t, "GET", "/oversight/posts", "", "").Body.String()) {
			t.Error("the posts list does not link the post")
		}
		// A successor is proposed: it is not published.
		proposal := `{"stage":"proposed","holder":"Chris Jones","starts_on":"2027-01-01","term_ends":"2032-01-01","appointing_authority":"Police and Crime Commissioner","consultations":[{"consultee":"Police and Crime Panel","asked_on":"2026-11-15"}]}`
		if rec := ob.do(t, "POST", api+"/appointments", "application/json", proposal); rec.Code != 201 {
			t.Fatalf("proposal: %d %s", rec.Code, rec.Body)
		}
		pub := f.anonymous().do(t, "GET", "/public/leadership", "", "")
		text := pub.Body.String()
		if pub.Code != 200 || !strings.Contains(text, "Sam Patel") || !strings.Contains(text, "Resigned before the hearing") {
			t.Fatalf("public page: %d\n%s", pub.Code, text)
		}
		if strings.Contains(text, "Panel worried") || strings.Contains(text, "Chris Jones") {
			t.Errorf("the public page shows notes or a proposal:\n%s", text)
		}
	})
}

// TestProposalConfirmedFromThePostPage: a successor proposed in the
// browser is listed on the post's page, not published; confirming it is
// refused until the panel has responded, then made; the head of
// standards reads the post without any form; a change the post's state
// does not allow is refused naming what is.
func TestProposalConfirmedFromThePostPage(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		ob := f.login(t, access.Oversight)
		rec := ob.do(t, "POST", "/oversight/posts", formType, url.Values{"kind": {"deputy"}, "title": {"Deputy Chief Constable"},
			"appointing_authority": {"Chief Constable"}, "required_consultees": {"Police and Crime Commissioner\n"}}.Encode())
		if rec.Code != 303 {
			t.Fatalf("post: %d %s", rec.Code, rec.Body)
		}
		path := strings.Split(rec.Header().Get("Location"), "?")[0]
		form := url.Values{"holder": {"Helen Achebe"}, "stage": {"proposed"}, "appointing_authority": {"Chief Constable"},
			"on-day": {"1"}, "on-month": {"9"}, "on-year": {"2026"}, "term_ends-day": {"31"}, "term_ends-month": {"8"}, "term_ends-year": {"2030"},
			"consultations[0].consultee": {"Police and Crime Commissioner"}, "consultations[0].asked_on-day": {"1"},
			"consultations[0].asked_on-month": {"6"}, "consultations[0].asked_on-year": {"2026"}}
		if rec := ob.do(t, "POST", path+"/appoint", formType, form.Encode()); rec.Code != 303 {
			t.Fatalf("proposal: %d %s", rec.Code, rec.Body)
		}
		page := ob.do(t, "GET", path, "", "").Body.String()
		link := regexp.MustCompile(`href="(` + path + `/appoint\?proposal=[a-z2-7]{26})"`).FindStringSubmatch(page)
		if link == nil || !strings.Contains(page, "Helen Achebe, from 1 September 2026") {
			t.Fatalf("the proposal is not on the post's page:\n%s", page)
		}
		if strings.Contains(f.anonymous().do(t, "GET", "/public/leadership", "", "").Body.String(), "Helen Achebe") {
			t.Error("a proposal is published")
		}
		confirm := ob.do(t, "GET", strings.ReplaceAll(link[1], "&amp;", "&"), "", "").Body.String()
		proposalID := regexp.MustCompile(`name="proposal_id" value="([a-z2-7]{26})"`).FindStringSubmatch(confirm)
		if proposalID == nil || !strings.Contains(confirm, `value="Helen Achebe"`) {
			t.Fatalf("the confirmation form is not filled from the proposal:\n%s", confirm)
		}
		form.Set("proposal_id", proposalID[1])
		form.Set("stage", "made")
		form.Set("decision", "Appointed after open competition")
		form.Set("decided_on-day", "20")
		form.Set("decided_on-month", "7")
		form.Set("decided_on-year", "2026")
		refused := ob.do(t, "POST", path+"/appoint", formType, form.Encode())
		if refused.Code != 422 || !strings.Contains(refused.Body.String(), "require the response of Police and Crime Commissioner") {
			t.Fatalf("confirmed without the response: %d\n%s", refused.Code, refused.Body)
		}
		form.Set("consultations[0].responded_on-day", "10")
		form.Set("consultations[0].responded_on-month", "7")
		form.Set("consultations[0].responded_on-year", "2026")
		form.Set("consultations[0].response", "Agreed")
		if rec := ob.do(t, "POST", path+"/appoint", formType, form.Encode()); rec.Code != 303 {
			t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
		}
		if pub := f.anonymous().do(t, "GET", "/public/leadership", "", "").Body.String(); !strings.Contains(pub, "Helen Achebe") {
			t.Errorf("the appointment made is not published:\n%s", pub)
		}
		head := f.login(t, access.PSDHead)
		view := head.do(t, "GET", path, "", "")
		if view.Code != 200 || strings.Contains(view.Body.String(), `id="post-changes"`) || strings.Contains(view.Body.String(), "<form method=\"post\" action=\"/oversight") {
			t.Errorf("the head of standards: %d, or is offered forms", view.Code)
		}
		stale := ob.do(t, "GET", path+"/change?kind=reinstatement", "", "")
		if stale.Code != 409 || !strings.Contains(stale.Body.String(), "allowed now: extension, suspension, resignation, retirement") {
			t.Errorf("a change the post does not allow: %d\n%s", stale.Code, stale.Body)
		}
	})
}
