package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/hearings"
	"github.com/probity/probity/internal/store"
)

// toHearing moves a fixture case's timeline to a referral to a misconduct
// hearing, as the workflow would.
func toHearing(t *testing.T, f *fixture, caseID string) {
	t.Helper()
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.AppendEvent(ctx, caseID, &cases.Event{At: f.now, Actor: "fixture", Type: cases.EventStateChanged,
			Detail: map[string]string{"to": string(cases.HearingReferred)}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

const outcomeBody = `{"case_id":"%s","kind":"outcome","officer_id":"%s","hearing_on":"2026-05-29",
	"text":"The panel found gross misconduct proved. The officer was dismissed without notice."}`

func draftOutcome(t *testing.T, f *fixture, c *client, caseID string) map[string]any {
	t.Helper()
	rec := c.do(t, "POST", "/api/v1/hearing-notices", "application/json",
		strings.Replace(strings.Replace(outcomeBody, "%s", caseID, 1), "%s", f.subject, 1))
	if rec.Code != 201 {
		t.Fatalf("draft: %d %s", rec.Code, rec.Body)
	}
	return decode(t, rec)
}

// TestHearingNoticeRefusals: every way a notice could reach the public
// without its rules is refused, naming what can be done instead.
func TestHearingNoticeRefusals(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		caseID := f.cases[relSameUnit]
		aa, head := f.login(t, access.Authority), f.login(t, access.PSDHead)

		// A case never referred to a hearing has no notice.
		rec := aa.do(t, "POST", "/api/v1/hearing-notices", "application/json",
			strings.Replace(strings.Replace(outcomeBody, "%s", caseID, 1), "%s", f.subject, 1))
		if rec.Code != 409 || !strings.Contains(rec.Body.String(), "has not been referred to a misconduct hearing") {
			t.Fatalf("no hearing: %d %s", rec.Code, rec.Body)
		}
		toHearing(t, f, caseID)

		// Bad dates and text are named field by field.
		rec = aa.do(t, "POST", "/api/v1/hearing-notices", "application/json", `{"case_id":"`+caseID+`","kind":"outcome","officer_id":"`+f.subject+`",
			"hearing_on":"2026-13-01","text":"x","publish_until":"1 June"}`)
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `{"field":"hearing_on","reason":"must be a date as YYYY-MM-DD"}`) ||
			!strings.Contains(rec.Body.String(), `"field":"publish_until"`) {
			t.Fatalf("bad dates: %d %s", rec.Code, rec.Body)
		}
		rec = aa.do(t, "POST", "/api/v1/hearing-notices", "application/json", `{"case_id":"`+caseID+`","kind":"outcome","officer_id":"`+f.subject+`",
			"hearing_on":"2026-05-29","text":" ","publish_from":"2026-06-01","publish_until":"2026-06-20"}`)
		body := rec.Body.String()
		if rec.Code != 422 || !strings.Contains(body, `"field":"text","reason":"is required"`) ||
			!strings.Contains(body, `"field":"publish_until","reason":"must be at least 27 days after the first day of publication`) {
			t.Fatalf("short period: %d %s", rec.Code, body)
		}

		n := draftOutcome(t, f, aa, caseID)
		noticeID := n["id"].(string)
		if n["standing"] != "draft" || n["publish_from"] != "2026-06-01" || n["publish_until"] != "2026-06-28" || n["public"] != false {
			t.Fatalf("draft: %v", n)
		}
		act := func(c *client, action, body string) (int, string) {
			t.Helper()
			ct := ""
			if body != "" {
				ct = "application/json"
			}
			rec := c.do(t, "POST", "/api/v1/hearing-notices/"+noticeID+"/"+action, ct, body)
			return rec.Code, rec.Body.String()
		}
		public := func() string {
			t.Helper()
			rec := f.anonymous().do(t, "GET", "/public/hearings", "", "")
			if rec.Code != 200 {
				t.Fatalf("public page: %d", rec.Code)
			}
			return rec.Body.String()
		}
		for _, tc := range []struct {
			name   string
			c      *client
			action string
			body   string
			status int
			want   string
		}{
			{"approve a draft", head, "approve", "", 409, "a draft cannot be approved: its author must first submit it for approval; what can be done now: submit for approval, withdraw"},
			{"submit another's draft", head, "submit", "", 409, "only the notice's author submits it"},
			{"submit", aa, "submit", "", 200, `"standing":"awaiting_approval"`},
			{"approve own notice", aa, "approve", "", 409, "you drafted this notice, so someone else must approve it; what can be done now: withdraw"},
			{"approve a stale version", head, "approve", `{"version":1}`, 409, "changed since you opened it"},
			{"withdraw without reasons", head, "withdraw", `{"reasons":""}`, 422, `"field":"reasons","reason":"is required"`},
		} {
			code, body := act(tc.c, tc.action, tc.body)
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d %s, want %d %q", tc.name, code, body, tc.status, tc.want)
			}
		}
		// Nothing unapproved is public.
		if strings.Contains(public(), "gross misconduct proved") {
			t.Fatal("a notice waiting for approval is public")
		}
		if code, body := act(head, "approve", `{"version":2}`); code != 200 || !strings.Contains(body, `"public":true`) {
			t.Fatalf("approve: %d %s", code, body)
		}
		page := public()
		if !strings.Contains(page, "Constable Subject") || !strings.Contains(page, "gross misconduct proved") ||
			!strings.Contains(page, "from 1 June 2026 until 28 June 2026") {
			t.Fatalf("public page after approval:\n%s", page)
		}
		if strings.Contains(page, noticeID) || strings.Contains(page, "psd-head") || strings.Contains(page, "CO/") {
			t.Error("the public page shows who approved the notice, its id or the case reference")
		}

		// A notice on a case the caller may not open answers as no notice
		// at all: the same status and words.
		other := f.cases[relOtherUnit]
		toHearing(t, f, other)
		hn := hearings.Notice{CaseID: other, Kind: hearings.Outcome, OfficerID: f.subject, OfficerName: "Subject", HearingOn: f.now,
			Text: "Another unit's notice", PublishFrom: f.now, PublishUntil: f.now.AddDate(0, 0, 27), Status: hearings.Draft,
			DraftedBy: "someone", DraftedAt: f.now, Version: 1}
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateHearingNotice(ctx, &hn) }); err != nil {
			t.Fatal(err)
		}
		hidden := hn.ID
		a := aa.do(t, "GET", "/api/v1/hearing-notices/"+hidden, "", "")
		b := aa.do(t, "GET", "/api/v1/hearing-notices/aaaaaaaaaaaaaaaaaaaaaaaaaa", "", "")
		if a.Code != 404 || b.Code != 404 || a.Body.String() != b.Body.String() {
			t.Errorf("hidden notice %d %s; no notice %d %s", a.Code, a.Body, b.Code, b.Body)
		}
		list := aa.do(t, "GET", "/api/v1/hearing-notices", "", "").Body.String()
		if strings.Contains(list, hidden) || !strings.Contains(list, noticeID) {
			t.Errorf("list: %s", list)
		}
		// A handler holds no permission here.
		if rec := f.login(t, access.Handler).do(t, "GET", "/hearing-notices", "", ""); rec.Code != 403 {
			t.Errorf("handler: %d", rec.Code)
		}

		// Withdrawn early, it goes at once; with reasons kept.
		if code, body := act(head, "withdraw", `{"reasons":"The chair directed that the notice be taken down."}`); code != 200 || !strings.Contains(body, `"standing":"withdrawn"`) {
			t.Fatalf("withdraw: %d %s", code, body)
		}
		if strings.Contains(public(), "gross misconduct proved") {
			t.Fatal("a withdrawn notice is public")
		}
		if code, body := act(head, "withdraw", `{"reasons":"again"}`); code != 409 || !strings.Contains(body, "was withdrawn; nothing more can be done") {
			t.Errorf("withdraw twice: %d %s", code, body)
		}

		// Every change is in the audit log, by whom, newest first; so are
		// the refused reads of the hidden notice.
		auditor := f.login(t, access.Auditor)
		var got []string
		for _, e := range decode(t, auditor.do(t, "GET", "/api/v1/audit?record="+noticeID, "", ""))["items"].([]any) {
			m := e.(map[string]any)
			got = append(got, m["actor_name"].(string)+" "+m["action"].(string)+" "+m["outcome"].(string))
		}
		want := []string{"psd-head alter success", "psd-head alter success", "authority alter success", "authority collect success"}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("audit of the notice: %q, want %q", got, want)
		}
		denied := decode(t, auditor.do(t, "GET", "/api/v1/audit?record="+hidden, "", ""))["items"].([]any)
		if len(denied) != 1 || denied[0].(map[string]any)["action"] != "access_denied" {
			t.Errorf("audit of the hidden notice: %v", denied)
		}
	})
}

// TestHearingNoticeTakenDownWhenItsPeriodEnds: nothing runs; the day after
// the last day, the public page no longer shows the notice.
func TestHearingNoticeTakenDownWhenItsPeriodEnds(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		caseID := f.cases[relSameUnit]
		toHearing(t, f, caseID)
		aa, head := f.login(t, access.Authority), f.login(t, access.PSDHead)
		id := draftOutcome(t, f, aa, caseID)["id"].(string)
		for _, step := range []struct {
			c      *client
			action string
		}{{aa, "submit"}, {head, "approve"}} {
			if rec := step.c.do(t, "POST", "/api/v1/hearing-notices/"+id+"/"+step.action, "", ""); rec.Code != 200 {
				t.Fatalf("%s: %d %s", step.action, rec.Code, rec.Body)
			}
		}
		start := f.now
		for _, tc := range []struct {
			days  int
			shown bool
		}{{0, true}, {27, true}, {28, false}, {400, false}} {
			f.now = start.AddDate(0, 0, tc.days)
			page := f.anonymous().do(t, "GET", "/public/hearings", "", "").Body.String()
			if strings.Contains(page, "gross misconduct proved") != tc.shown {
				t.Errorf("day %d: shown %v, want %v", tc.days, !tc.shown, tc.shown)
			}
		}
		f.now = start.AddDate(0, 0, 30)
		rec := f.login(t, access.PSDHead).do(t, "GET", "/hearing-notices/"+id, "", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Taken down") || strings.Contains(rec.Body.String(), `id="notice-withdraw"`) {
			t.Errorf("after its period: %d %s", rec.Code, rec.Body)
		}
	})
}

var noticeLink = regexp.MustCompile(`/hearing-notices/([a-z0-9]{26})`)

// TestHearingNoticePages: the forms draft, submit and approve as the API
// does, and a refused form names each field in an error summary.
func TestHearingNoticePages(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		caseID := f.cases[relSameUnit]
		aa, head := f.login(t, access.Authority), f.login(t, access.PSDHead)
		var ref string
		if err := f.db.InTx(ctx, func(tx *store.Tx) error {
			facts, err := tx.HearingCaseFacts(ctx, caseID)
			ref = facts.Reference
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if cp := aa.do(t, "GET", "/cases/"+caseID, "", "").Body.String(); strings.Contains(cp, "hearing-notice-link") {
			t.Error("the case page offers a hearing notice before any hearing")
		}
		// The form by reference; the case has not reached a hearing yet.
		rec := aa.do(t, "GET", "/hearing-notices/new?case="+url.QueryEscape(ref), "", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "has not been referred to a misconduct hearing") ||
			strings.Contains(rec.Body.String(), `id="notice-form"`) {
			t.Fatalf("form before a hearing: %d %s", rec.Code, rec.Body)
		}
		post := func(c *client, path string, v url.Values) *strings.Builder {
			t.Helper()
			rec := c.do(t, "POST", path, form, v.Encode())
			var b strings.Builder
			b.WriteString(rec.Result().Status + "\n" + rec.Header().Get("Location") + "\n" + rec.Body.String())
			return &b
		}
		fields := url.Values{"case": {caseID}, "kind": {"hearing"}, "officer_id": {f.subject}, "hearing_on": {"31/2/2026"},
			"hearing_time": {"9am"}, "venue": {""}, "text": {"It is alleged the officer lied in a statement."}}
		got := post(aa, "/hearing-notices/new", fields).String()
		if !strings.HasPrefix(got, "409") || !strings.Contains(got, "has not been referred to a misconduct hearing") {
			t.Fatalf("no hearing: %s", got)
		}
		toHearing(t, f, caseID)
		if cp := aa.do(t, "GET", "/cases/"+caseID, "", "").Body.String(); !strings.Contains(cp, `href="/hearing-notices/new?case=`+caseID+`"`) {
			t.Error("the case page offers no hearing notice once the case was referred to a hearing")
		}
		rec = aa.do(t, "GET", "/hearing-notices/new?case="+url.QueryEscape(ref), "", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "PC S1 Subject") || !strings.Contains(rec.Body.String(), `id="notice-form"`) {
			t.Fatalf("form: %d %s", rec.Code, rec.Body)
		}
		got = post(aa, "/hearing-notices/new", fields).String()
		for _, want := range []string{"422", "The notice has not been drafted yet", `href="#notice-hearing_on"`,
			"Day of the hearing must be a real date, for example 27/3/2026"} {
			if !strings.Contains(got, want) {
				t.Errorf("bad date: no %q in\n%s", want, got)
			}
		}
		fields.Set("hearing_on", "10/6/2026")
		got = post(aa, "/hearing-notices/new", fields).String()
		for _, want := range []string{"422", "Time of the hearing must be a time on the 24-hour clock", "Place of the hearing is required", "It is alleged the officer lied"} {
			if !strings.Contains(got, want) {
				t.Errorf("bad time and venue: no %q in\n%s", want, got)
			}
		}
		fields.Set("hearing_time", "10:00")
		fields.Set("venue", "Force headquarters, Hearing Room 1")
		got = post(aa, "/hearing-notices/new", fields).String()
		m := noticeLink.FindStringSubmatch(got)
		if !strings.HasPrefix(got, "303") || m == nil {
			t.Fatalf("draft: %s", got)
		}
		path := "/hearing-notices/" + m[1]
		page := aa.do(t, "GET", path+"?done=drafted", "", "").Body.String()
		if !strings.Contains(page, "The notice has been drafted") || !strings.Contains(page, "1 June 2026 to 10 June 2026") || !strings.Contains(page, `id="notice-submit"`) {
			t.Fatalf("draft page:\n%s", page)
		}
		if got := post(aa, path+"/submit", url.Values{"version": {"1"}}).String(); !strings.HasPrefix(got, "303") {
			t.Fatalf("submit: %s", got)
		}
		own := aa.do(t, "GET", path, "", "").Body.String()
		if strings.Contains(own, `id="notice-approve"`) || !strings.Contains(own, "You drafted this notice, so someone else must approve it") {
			t.Errorf("the author is offered approval:\n%s", own)
		}
		got = post(head, path+"/withdraw", url.Values{"version": {"2"}, "reasons": {""}}).String()
		if !strings.HasPrefix(got, "422") || !strings.Contains(got, `href="#withdraw-reasons"`) || !strings.Contains(got, "Reasons is required") {
			t.Errorf("withdraw without reasons: %s", got)
		}
		if got := post(head, path+"/approve", url.Values{"version": {"2"}}).String(); !strings.HasPrefix(got, "303") {
			t.Fatalf("approve: %s", got)
		}
		pub := f.anonymous().do(t, "GET", "/public/hearings", "", "").Body.String()
		if !strings.Contains(pub, "10 June 2026 at 10:00, Force headquarters, Hearing Room 1") || !strings.Contains(pub, "Notice of hearing") {
			t.Errorf("public page:\n%s", pub)
		}
		list := head.do(t, "GET", "/hearing-notices", "", "").Body.String()
		if !strings.Contains(list, "Published") || !strings.Contains(list, ref) {
			t.Errorf("list:\n%s", list)
		}
	})
}
