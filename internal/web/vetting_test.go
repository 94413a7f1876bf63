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
