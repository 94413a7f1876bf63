package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

var reviewLink = regexp.MustCompile(`href="/vetting/reviews/([a-z0-9]+)"`)

// TestVettingReviewFromAllegationToDecision: an allegation of sexual
// misconduct recorded by a handler puts a review in front of the vetting
// unit in the same request; the vetting unit reads it without the case's
// content, is told what is wrong with a faulty decision, is refused a
// stale one, and decides it; the head of standards reads it but cannot
// decide; a handler cannot open the queue.
func TestVettingReviewFromAllegationToDecision(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler := f.login(t, access.Handler)
		rec := handler.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"complaint","unit_id":"`+f.unitA.ID+`",
			"summary":"Exposed himself to a woman at the bus stop","arose_on":"2026-05-28",
			"allegations":[{"category":"sexual-conduct","subcategory":"other-sexual-conduct","description":"Indecent exposure","subjects":["`+f.subject+`"]}]}`)
		if rec.Code != 201 {
			t.Fatalf("record: %d %s", rec.Code, rec.Body)
		}
		ref := decode(t, rec)["reference"].(string)

		v := f.login(t, access.Vetting)
		queue := v.do(t, "GET", "/vetting", "", "")
		body := queue.Body.String()
		if queue.Code != 200 || !strings.Contains(body, "PC S1 Subject") || !strings.Contains(body, "An allegation of Sexual conduct (Other sexual conduct)") {
			t.Fatalf("queue: %d\n%s", queue.Code, body)
		}
		if strings.Contains(body, "bus stop") || strings.Contains(body, "Indecent exposure") {
			t.Error("the queue shows the case's content")
		}
		// The fixture's six cases against the same officer opened a review
		// by volume too; find the one by category.
		var reviewID string
		for _, m := range reviewLink.FindAllStringSubmatch(body, -1) {
			resp := v.do(t, "GET", "/vetting/reviews/"+m[1], "", "")
			page := resp.Body.String()
			if resp.Code != 200 {
				t.Fatalf("review page: %d\n%s\n%s", resp.Code, page, f.logs.String())
			}
			if strings.Contains(page, ref) && strings.Contains(page, "Sexual conduct") {
				reviewID = m[1]
			}
		}
		if reviewID == "" {
			t.Fatalf("no review by category in the queue (case %s):\n%s", ref, body)
		}
		path := "/vetting/reviews/" + reviewID
		// The officer holds management vetting, granted in 2024.
		due := time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
		cl := vetting.Clearance{OfficerID: f.subject, Level: vetting.Management, Status: vetting.Granted,
			GrantedOn: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), ReviewDue: &due, Reasons: "Checks clear", DecidedBy: "vetting", DecidedAt: f.now}
		if err := f.db.InTx(t.Context(), func(tx *store.Tx) error { return tx.RecordClearance(t.Context(), &cl) }); err != nil {
			t.Fatal(err)
		}
		page := v.do(t, "GET", path, "", "").Body.String()
		if !strings.Contains(page, "ask the appropriate authority for access") || strings.Contains(page, `href="/cases/`) {
			t.Errorf("the vetting unit is offered the case:\n%s", page)
		}
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
		if version == nil {
			t.Fatalf("no decision form:\n%s", page)
		}

		// No reasons: refused, the field named, the choice kept.
		form := url.Values{"decision": {string(vetting.Suspend)}, "reasons": {" "}, "version": {version[1]}}
		bad := v.do(t, "POST", path, "application/x-www-form-urlencoded", form.Encode())
		// The error summary takes the focus as the page loads, without a
		// script: tabindex and autofocus.
		if bad.Code != 422 || !strings.Contains(bad.Body.String(), `href="#decision-reasons"`) ||
			!strings.Contains(bad.Body.String(), `id="error-summary" tabindex="-1" autofocus`) ||
			!strings.Contains(bad.Body.String(), `value="suspend" aria-describedby="decision-suspend-hint" checked`) {
			t.Errorf("no reasons: %d\n%s", bad.Code, bad.Body)
		}
		// A stale form: refused, nothing applied.
		form.Set("reasons", "Suspended while the allegation is investigated")
		form.Set("version", "99")
		stale := v.do(t, "POST", path, "application/x-www-form-urlencoded", form.Encode())
		if stale.Code != 409 || !strings.Contains(stale.Body.String(), "changed since you opened it") {
			t.Errorf("stale: %d\n%s", stale.Code, stale.Body)
		}
		// The head of standards may read it but not decide it.
		psd := f.login(t, access.PSDHead)
		if p := psd.do(t, "GET", path, "", ""); p.Code != 200 || strings.Contains(p.Body.String(), `name="version"`) {
			t.Errorf("head of standards: %d, form offered: %v", p.Code, strings.Contains(p.Body.String(), `name="version"`))
		}
		if p := psd.do(t, "POST", path, "application/x-www-form-urlencoded", form.Encode()); p.Code != 403 {
			t.Errorf("head of standards deciding: %d", p.Code)
		}
		// Decided.
		form.Set("version", version[1])
		ok := v.do(t, "POST", path, "application/x-www-form-urlencoded", form.Encode())
		if ok.Code != 303 || ok.Header().Get("Location") != path+"?decided=1" {
			t.Fatalf("decide: %d %s", ok.Code, ok.Header().Get("Location"))
		}
		done := v.do(t, "GET", path+"?decided=1", "", "").Body.String()
		if !strings.Contains(done, "Decision saved: Suspend the clearance.") || strings.Contains(done, `name="version"`) ||
			!strings.Contains(done, "<td class=\"govuk-table__cell\">Management vetting</td><td class=\"govuk-table__cell\">Suspended</td>") ||
			!strings.Contains(done, "1 January 2029") {
			t.Errorf("after deciding:\n%s", done)
		}
		// The head of standards sees the new standing on the officer's page.
		op := psd.do(t, "GET", "/officers/"+f.subject, "", "").Body.String()
		if !strings.Contains(op, `id="officer-vetting"`) || !strings.Contains(op, "Suspended") || !strings.Contains(op, "1 vetting review awaits a decision") {
			t.Errorf("officer page for the head of standards:\n%s", op)
		}
		if op := handler.do(t, "GET", "/officers/"+f.subject, "", "").Body.String(); strings.Contains(op, "Vetting") {
			t.Error("a handler is shown the officer's vetting")
		}
		if c := handler.do(t, "GET", "/vetting", "", ""); c.Code != 403 {
			t.Errorf("handler opening the vetting queue: %d", c.Code)
		}
		if c := v.do(t, "GET", "/api/v1/cases/"+f.cases[relSameUnit], "", ""); c.Code != 403 {
			t.Errorf("vetting opening a case: %d", c.Code)
		}
		// Every read and the decision are in the audit log.
		pg, err := f.db.AuditEntries(t.Context(), store.AuditFilter{RecordID: reviewID})
		if err != nil {
			t.Fatal(err)
		}
		entries := pg.Entries
		var alter int
		for _, e := range entries {
			if e.Action == "alter" {
				alter++
			}
		}
		if len(entries) < 4 || alter != 1 {
			t.Errorf("audit of the review: %d entries, %d changes", len(entries), alter)
		}
	})
}

// TestVettingUnitRecordsDecisions: the vetting unit records a clearance on
// an officer's vetting page, is told in words what is wrong with a faulty
// one, and records an appeal against an earlier decision; the API takes
// the same decisions with the same checks; a clearance whose review falls
// due within 90 days joins the queue; the head of standards reads but
// records nothing; every read and decision is audited.
func TestVettingUnitRecordsDecisions(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		v := f.login(t, access.Vetting)
		path := "/vetting/officers/" + f.subject
		page := v.do(t, "GET", path, "", "")
		if page.Code != 200 || !strings.Contains(page.Body.String(), "PC S1 Subject") || !strings.Contains(page.Body.String(), `id="clearance-form"`) {
			t.Fatalf("officer's vetting page: %d\n%s", page.Code, page.Body)
		}
		form := func(kv ...string) string {
			vals := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				vals.Set(kv[i], kv[i+1])
			}
			return vals.Encode()
		}
		// Nothing chosen, a date that is not one, no reasons: each named in
		// words, in the form's order.
		bad := v.do(t, "POST", path+"/clearances", "application/x-www-form-urlencoded",
			form("level", "", "status", "granted", "granted_on", "31/2/2026", "reasons", " "))
		body := bad.Body.String()
		for _, want := range []string{`href="#clearance-level">Choose the level of vetting the decision is about`,
			`href="#clearance-granted-on">Enter the date of the decision, for example 27/3/2026`, `value="granted" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("faulty form: %d, missing %q\n%s", bad.Code, want, body)
			}
		}
		if bad.Code != 422 {
			t.Errorf("faulty form: %d", bad.Code)
		}
		// A granted clearance needs a review date after the decision, and
		// reasons.
		bad = v.do(t, "POST", path+"/clearances", "application/x-www-form-urlencoded",
			form("level", "management", "status", "granted", "granted_on", "1/6/2026", "review_due", "1/5/2026"))
		if body := bad.Body.String(); bad.Code != 422 || !strings.Contains(body, "Review due must be after the date of the decision") ||
			!strings.Contains(body, "Reasons are required") {
			t.Errorf("review before the decision: %d\n%s", bad.Code, body)
		}
		ok := v.do(t, "POST", path+"/clearances", "application/x-www-form-urlencoded",
			form("level", "management", "status", "granted", "granted_on", "1/6/2026", "review_due", "15/8/2026", "reasons", "Renewal checks clear"))
		if ok.Code != 303 || ok.Header().Get("Location") != path+"?recorded=1" {
			t.Fatalf("record: %d %s\n%s", ok.Code, ok.Header().Get("Location"), ok.Body)
		}
		done := v.do(t, "GET", path+"?recorded=1", "", "").Body.String()
		if !strings.Contains(done, "The vetting decision has been recorded.") || !strings.Contains(done, "15 August 2026") {
			t.Errorf("after recording:\n%s", done)
		}

		// The API: the same checks, named by field; then an appeal.
		bad = v.do(t, "POST", "/api/v1"+path+"/clearances", "application/json", `{"level":"top-secret","status":"granted","granted_on":"2026-06-01","reasons":"x"}`)
		if bad.Code != 422 || !strings.Contains(bad.Body.String(), `"level"`) || !strings.Contains(bad.Body.String(), `"review_due"`) {
			t.Errorf("API faulty: %d %s", bad.Code, bad.Body)
		}
		var first string
		hist := decode(t, v.do(t, "GET", "/api/v1"+path, "", ""))
		if cur := hist["current"].([]any); len(cur) != 1 {
			t.Fatalf("current: %v", cur)
		} else {
			first = cur[0].(map[string]any)["id"].(string)
		}
		refused := v.do(t, "POST", "/api/v1"+path+"/clearances", "application/json",
			`{"level":"sc","status":"refused","granted_on":"2026-06-01","reasons":"Undisclosed debts"}`)
		if refused.Code != 201 {
			t.Fatalf("API record: %d %s", refused.Code, refused.Body)
		}
		appeal := v.do(t, "POST", "/api/v1"+path+"/clearances", "application/json",
			`{"level":"sc","status":"granted","granted_on":"2026-06-01","review_due":"2031-06-01","reasons":"Debts explained on appeal","appeal_of":"`+
				decode(t, refused)["id"].(string)+`"}`)
		if appeal.Code != 201 || decode(t, appeal)["appeal_of"] == "" {
			t.Fatalf("API appeal: %d %s", appeal.Code, appeal.Body)
		}
		if c := v.do(t, "POST", "/api/v1"+path+"/clearances", "application/json",
			`{"level":"sc","status":"granted","granted_on":"2026-06-01","review_due":"2031-06-01","reasons":"x","appeal_of":"nosuch"}`); c.Code != 422 ||
			!strings.Contains(c.Body.String(), `"appeal_of"`) {
			t.Errorf("appeal of nothing: %d %s", c.Code, c.Body)
		}

		// The management clearance falls due on 15 August, within 90 days
		// of 1 June: it joins the queue, on the page and in the API.
		q := decode(t, v.do(t, "GET", "/api/v1/vetting/reviews", "", ""))
		due := q["clearances_due"].([]any)
		if len(due) != 1 || due[0].(map[string]any)["id"] != first || due[0].(map[string]any)["officer"].(map[string]any)["name"] != "PC S1 Subject" {
			t.Errorf("clearances due: %v", due)
		}
		if qp := v.do(t, "GET", "/vetting", "", "").Body.String(); !strings.Contains(qp, `id="clearances-due"`) || !strings.Contains(qp, "15 August 2026") {
			t.Errorf("queue page:\n%s", qp)
		}

		// The head of standards reads the record but records nothing.
		psd := f.login(t, access.PSDHead)
		if p := psd.do(t, "GET", path, "", ""); p.Code != 200 || strings.Contains(p.Body.String(), `id="clearance-form"`) {
			t.Errorf("head of standards: %d, form offered: %v", p.Code, strings.Contains(p.Body.String(), `id="clearance-form"`))
		}
		if p := psd.do(t, "POST", "/api/v1"+path+"/clearances", "application/json", `{}`); p.Code != 403 {
			t.Errorf("head of standards recording: %d", p.Code)
		}
		pg, err := f.db.AuditEntries(t.Context(), store.AuditFilter{RecordID: f.subject})
		if err != nil {
			t.Fatal(err)
		}
		var reads, alters int
		for _, e := range pg.Entries {
			if e.RecordType != "officer-vetting" {
				continue
			}
			switch e.Action {
			case "consult":
				reads++
			case "alter":
				alters++
			}
		}
		if alters != 3 || reads < 3 {
			t.Errorf("audit of the officer's vetting: %d reads, %d decisions", reads, alters)
		}
	})
}
