package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// step performs one workflow action and fails the test unless it gives
// the wanted status.
func (c *client) act(t *testing.T, caseID string, want int, body string) map[string]any {
	t.Helper()
	rec := c.do(t, "POST", "/api/v1/cases/"+caseID+"/actions", "application/json", body)
	if rec.Code != want {
		t.Fatalf("action %s: %d, want %d: %s", body, rec.Code, want, rec.Body)
	}
	return decode(t, rec)
}

func (c *client) getCase(t *testing.T, caseID string) map[string]any {
	t.Helper()
	rec := c.do(t, "GET", "/api/v1/cases/"+caseID, "", "")
	if rec.Code != 200 {
		t.Fatalf("get case: %d %s", rec.Code, rec.Body)
	}
	return decode(t, rec)
}

func firstAllegation(t *testing.T, v map[string]any) (allegationID, officerID string) {
	t.Helper()
	a := v["allegations"].([]any)[0].(map[string]any)
	return a["id"].(string), a["subjects"].([]any)[0].(map[string]any)["officer_id"].(string)
}

func allowedNames(v map[string]any) []string {
	var out []string
	for _, a := range v["allowed_actions"].([]any) {
		out = append(out, a.(map[string]any)["name"].(string))
	}
	return out
}

// TestComplaintFromReceiptToReview takes a complaint through recording,
// investigation, an outcome and a review using only the API.
func TestComplaintFromReceiptToReview(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler := f.login(t, access.Handler)
		authority := f.login(t, access.Authority)
		rec := handler.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"complaint","unit_id":"`+f.unitA.ID+`",
			"summary":"Officer swore at me during a traffic stop","arose_on":"2026-05-28",
			"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","description":"Swore repeatedly","subjects":["`+f.subject+`"]}],
			"complainants":[{"name":"Jo Public","email":"jo@example.org","phone":"07700 900123"}]}`)
		if rec.Code != 201 {
			t.Fatalf("record: %d %s", rec.Code, rec.Body)
		}
		id := decode(t, rec)["id"].(string)
		v := handler.getCase(t, id)
		if v["state"] != "Received" || !strings.HasPrefix(v["reference"].(string), "CO/2026/") {
			t.Fatalf("new case: %v %v", v["state"], v["reference"])
		}
		if got := allowedNames(v); len(got) == 0 || got[0] != "make_initial_contact" {
			t.Errorf("allowed for handler: %v", got)
		}
		if cs := v["complainants"].([]any); len(cs) != 1 || cs[0].(map[string]any)["email"] != "jo@example.org" {
			t.Errorf("complainants: %v", cs)
		}
		if p := v["pattern"].([]any); len(p) != 1 {
			t.Errorf("pattern panel: %v", p)
		}

		handler.act(t, id, 200, `{"action":"make_initial_contact"}`)
		// A step out of order is refused with the state and what is allowed.
		body := handler.act(t, id, 409, `{"action":"notify_outcome","reasons":"x"}`)
		if body["state"] != "InitialContact" || len(body["allowed"].([]any)) == 0 {
			t.Errorf("refusal: %v", body)
		}
		// Missing reasons name the field.
		body = handler.act(t, id, 422, `{"action":"record_under_schedule3"}`)
		if errs := body["errors"].([]any); errs[0].(map[string]any)["field"] != "reasons" {
			t.Errorf("missing reasons: %v", errs)
		}
		handler.act(t, id, 200, `{"action":"record_under_schedule3","reasons":"complainant asked for it to be recorded"}`)
		authority.act(t, id, 200, `{"action":"investigate_locally","reasons":"behaviour allegation, local investigation proportionate"}`)

		v = authority.getCase(t, id)
		var clocks []string
		for _, d := range v["deadlines"].([]any) {
			clocks = append(clocks, d.(map[string]any)["clock"].(string))
		}
		if !strings.Contains(strings.Join(clocks, ","), "progress_update") || !strings.Contains(strings.Join(clocks, ","), "overdue_investigation_report") {
			t.Errorf("deadlines during investigation: %v", clocks)
		}
		f.now = f.now.Add(20 * 24 * time.Hour)
		handler = f.login(t, access.Handler)
		authority = f.login(t, access.Authority)
		rec = handler.do(t, "POST", "/api/v1/cases/"+id+"/steps", "application/json", `{"step":"progress_update","note":"letter sent"}`)
		if rec.Code != 201 {
			t.Fatalf("progress update: %d %s", rec.Code, rec.Body)
		}
		aid, oid := firstAllegation(t, v)
		authority.act(t, id, 200, fmt.Sprintf(`{"action":"notify_outcome","reasons":"CCTV shows the language used",
			"findings":[{"allegation_id":%q,"officer_id":%q,"finding":"service_not_acceptable"}]}`, aid, oid))
		handler.act(t, id, 200, `{"action":"request_review"}`)
		authority.act(t, id, 200, `{"action":"not_uphold_review","reasons":"the outcome was reasonable","review_body":"lpb"}`)
		handler.act(t, id, 200, `{"action":"close"}`)
		v = handler.getCase(t, id)
		if v["state"] != "Closed" || len(allowedNames(v)) != 0 {
			t.Errorf("closed case: state %v, allowed %v", v["state"], allowedNames(v))
		}
		tl := v["timeline"].([]any)
		if len(tl) < 9 {
			t.Errorf("timeline has %d entries", len(tl))
		}
		// Anything now is refused: the case is closed.
		body = authority.act(t, id, 409, `{"action":"reinvestigate"}`)
		if body["state"] != "Closed" {
			t.Errorf("closed refusal: %v", body)
		}
	})
}

// TestConductMatterToHearingAndOutcome takes a conduct matter through
// investigation, a misconduct hearing and an outcome, and checks that a
// sanction the forum cannot impose is refused.
func TestConductMatterToHearingAndOutcome(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		psd := f.login(t, access.PSDHead)
		investigator := f.login(t, access.Investigator)
		rec := psd.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"conduct_matter","unit_id":"`+f.unitA.ID+`",
			"summary":"Racist messages in a group chat","arose_on":"2026-04-01",
			"allegations":[{"category":"discriminatory-behaviour","subcategory":"race","standards":["equality-diversity","discreditable-conduct"],"subjects":["`+f.subject+`"]}]}`)
		if rec.Code != 201 {
			t.Fatalf("record: %d %s", rec.Code, rec.Body)
		}
		id := decode(t, rec)["id"].(string)
		v := psd.getCase(t, id)
		aid, oid := firstAllegation(t, v)
		finding := func(extra string) string {
			return fmt.Sprintf(`[{"allegation_id":%q,"officer_id":%q%s}]`, aid, oid, extra)
		}
		psd.act(t, id, 200, `{"action":"assess_severity","reasons":"messages were shared widely","findings":`+finding(`,"severity":"gross_misconduct"`)+`}`)
		psd.act(t, id, 200, `{"action":"start_investigation","reasons":"gross misconduct","mode":"local"}`)
		investigator.act(t, id, 200, fmt.Sprintf(`{"action":"serve_reg17_notice","recipient":%q}`, oid))
		investigator.act(t, id, 200, `{"action":"interview_officer"}`)
		investigator.act(t, id, 200, `{"action":"submit_report"}`)
		psd.act(t, id, 200, `{"action":"case_to_answer","reasons":"evidence supports the allegation","findings":`+finding(`,"severity":"gross_misconduct"`)+`}`)
		psd.act(t, id, 200, `{"action":"refer_to_hearing"}`)
		psd.act(t, id, 200, fmt.Sprintf(`{"action":"serve_referral_notice","recipient":%q}`, oid))
		psd.act(t, id, 200, `{"action":"record_officer_response"}`)
		psd.act(t, id, 200, `{"action":"agree_witnesses"}`)
		psd.act(t, id, 200, `{"action":"hold_pre_hearing","forum":"hearing"}`)
		psd.act(t, id, 200, `{"action":"hold_proceedings","forum":"hearing"}`)
		// A written warning is below what a hearing may give for gross misconduct.
		body := psd.act(t, id, 422, `{"action":"record_outcome","reasons":"proved","findings":`+finding(`,"finding":"gross_misconduct","sanction":"written_warning"`)+`}`)
		if errs := body["errors"].([]any); !strings.Contains(errs[0].(map[string]any)["field"].(string), "sanction") {
			t.Errorf("sanction refusal: %v", errs)
		}
		psd.act(t, id, 200, `{"action":"record_outcome","reasons":"proved","findings":`+finding(`,"finding":"gross_misconduct","sanction":"dismissal_without_notice"`)+`}`)
		// The outcome is not final until the decision is supplied and the
		// officer's time to appeal has run out (PAT 6).
		body = psd.act(t, id, 409, `{"action":"finalise"}`)
		if !strings.Contains(body["detail"].(string), "not been supplied") {
			t.Errorf("finalise before the decision was supplied: %v", body["detail"])
		}
		if rec := psd.do(t, "POST", "/api/v1/cases/"+id+"/steps", "application/json", `{"step":"decision_supplied"}`); rec.Code != 201 {
			t.Fatalf("decision supplied: %d %s", rec.Code, rec.Body)
		}
		psd.act(t, id, 409, `{"action":"finalise"}`)
		f.now = f.now.Add(20 * 24 * time.Hour)
		psd = f.login(t, access.PSDHead)
		psd.act(t, id, 200, `{"action":"finalise"}`)
		v = psd.getCase(t, id)
		if got := allowedNames(v); len(got) != 1 || got[0] != "report_to_barred_list" {
			t.Errorf("after dismissal, allowed = %v; the College's barred list must be told", got)
		}
		if s := v["allegations"].([]any)[0].(map[string]any)["subjects"].([]any)[0].(map[string]any); s["outcome"] != "dismissal_without_notice" {
			t.Errorf("subject = %v", s)
		}
	})
}

func TestRecordingBadCasesWritesNothing(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler := f.login(t, access.Handler)
		before := handler.do(t, "GET", "/api/v1/cases?limit=200", "", "")
		count := len(decode(t, before)["items"].([]any))
		for _, tc := range []struct {
			name, body, field string
		}{
			{"unknown category", `"allegations":[{"category":"rudeness","subjects":["` + f.subject + `"]}]`, "allegations[0].category"},
			{"future incident", `"allegations":[{"category":"individual-behaviours","occurred_on":"2030-01-01"}]`, "allegations[0].occurred_on"},
			{"subject not an officer", `"allegations":[{"category":"individual-behaviours","subjects":["bbbbbbbbbbbbbbbbbbbbbbbbbb"]}]`, "allegations[0].subjects[0].officer_id"},
			{"bad email", `"complainants":[{"email":"not-an-email"}]`, "complainants[0].email"},
		} {
			rec := handler.do(t, "POST", "/api/v1/cases", "application/json",
				`{"kind":"complaint","unit_id":"`+f.unitA.ID+`","summary":"s","arose_on":"2026-05-01",`+tc.body+`}`)
			if rec.Code != 422 {
				t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body)
				continue
			}
			var fields []string
			for _, e := range decode(t, rec)["errors"].([]any) {
				fields = append(fields, e.(map[string]any)["field"].(string))
			}
			if !strings.Contains(strings.Join(fields, ","), tc.field) {
				t.Errorf("%s: fields %v, want %s", tc.name, fields, tc.field)
			}
		}
		after := handler.do(t, "GET", "/api/v1/cases?limit=200", "", "")
		if n := len(decode(t, after)["items"].([]any)); n != count {
			t.Errorf("%d cases before, %d after refused requests", count, n)
		}
	})
}

func TestConcurrentActionsOneWins(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		id := f.cases[relSameUnit]
		var clients []*client
		for _, r := range []access.Role{access.Handler, access.Authority, access.PSDHead} {
			clients = append(clients, f.login(t, r))
		}
		v := clients[0].getCase(t, id)
		version := int(v["version"].(float64))
		codes := make([]int, len(clients))
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = c.do(t, "POST", "/api/v1/cases/"+id+"/actions", "application/json",
					fmt.Sprintf(`{"action":"make_initial_contact","version":%d}`, version)).Code
			}()
		}
		wg.Wait()
		wins := 0
		for _, c := range codes {
			switch c {
			case 200:
				wins++
			case 409:
			default:
				t.Errorf("unexpected status %d", c)
			}
		}
		if wins != 1 {
			t.Errorf("statuses %v: want exactly one 200, the rest 409", codes)
		}
	})
}

func TestDocumentsAreSniffedAndServedAsAttachments(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		id := f.cases[relSameUnit]
		upload := func(filename, declared, content string) (int, map[string]any) {
			body := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\nContent-Type: " + declared +
				"\r\n\r\n" + content + "\r\n--B--\r\n"
			rec := c.do(t, "POST", "/api/v1/cases/"+id+"/documents", "multipart/form-data; boundary=B", body)
			var m map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &m)
			return rec.Code, m
		}
		pdf := "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
		if code, m := upload("statement.pdf", "application/pdf", pdf); code != 201 || m["media_type"] != "application/pdf" {
			t.Fatalf("pdf: %d %v", code, m)
		}
		if code, m := upload("photo.png", "image/png", "<html><script>alert(1)</script></html>"); code != 422 {
			t.Errorf("HTML declared as PNG: %d %v", code, m)
		}
		if code, m := upload("evil.pdf", "application/pdf", "plain words, not a PDF"); code != 422 ||
			!strings.Contains(fmt.Sprint(m["errors"]), "declared as application/pdf") {
			t.Errorf("text declared as PDF: %d %v", code, m)
		}
		if code, _ := upload("big.txt", "text/plain", strings.Repeat("a", 10<<20+10)); code != 413 {
			t.Errorf("oversized: %d", code)
		}
		v := c.getCase(t, id)
		var docID string
		for _, d := range v["documents"].([]any) {
			if d.(map[string]any)["filename"] == "statement.pdf" {
				docID = d.(map[string]any)["id"].(string)
			}
		}
		rec := c.do(t, "GET", "/api/v1/cases/"+id+"/documents/"+docID, "", "")
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") || rec.Body.String() != pdf {
			t.Errorf("download: %d %v", rec.Code, rec.Header())
		}
	})
}

func TestSharingOpensACaseToTheOversightBodyReadOnly(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		id := f.cases[relSameUnit]
		oversight := f.login(t, access.Oversight)
		// Before sharing the case is, to the body, no case at all.
		if rec := oversight.do(t, "GET", "/api/v1/cases/"+id, "", ""); rec.Code != 404 {
			t.Fatalf("before sharing: %d", rec.Code)
		}
		authority := f.login(t, access.Authority)
		if rec := authority.do(t, "POST", "/api/v1/cases/"+id+"/share", "", ""); rec.Code != 204 {
			t.Fatalf("share: %d %s", rec.Code, rec.Body)
		}
		v := oversight.getCase(t, id)
		if len(v["allowed_actions"].([]any)) != 0 || len(v["complainants"].([]any)) != 0 {
			t.Errorf("oversight sees actions %v or complainants %v", v["allowed_actions"], v["complainants"])
		}
		if rec := oversight.do(t, "POST", "/api/v1/cases/"+id+"/notes", "application/json", `{"text":"x"}`); rec.Code != 403 {
			t.Errorf("oversight adding a note: %d", rec.Code)
		}
		// Assignment opens an out-of-scope case to an investigator.
		inv := f.login(t, access.Investigator)
		other := f.cases[relOtherUnit]
		if rec := inv.do(t, "GET", "/api/v1/cases/"+other, "", ""); rec.Code != 403 {
			t.Fatalf("investigator before assignment: %d", rec.Code)
		}
		psd := f.login(t, access.PSDHead)
		// The head of standards must be able to open the case to assign it.
		if rec := psd.do(t, "POST", "/api/v1/cases/"+other+"/assignments", "application/json",
			`{"user_id":"`+f.users[access.Investigator].ID+`"}`); rec.Code != 403 {
			t.Fatalf("assigning a case outside one's own scope: %d", rec.Code)
		}
		if rec := psd.do(t, "POST", "/api/v1/cases/"+id+"/assignments", "application/json",
			`{"user_id":"`+f.users[access.Investigator].ID+`"}`); rec.Code != 204 {
			t.Fatalf("assign: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestHandlersRecordIntoTheirOwnUnits: a handler records cases into their
// own units or the intake unit, not another unit; the appropriate
// authority records anywhere.
func TestHandlersRecordIntoTheirOwnUnits(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		in := officers.Unit{ForceID: f.unitA.ForceID, Code: intake.IntakeUnitCode, Name: "Complaints intake"}
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUnit(ctx, &in) }); err != nil {
			t.Fatal(err)
		}
		body := func(unit string) string {
			return `{"kind":"complaint","unit_id":"` + unit + `","summary":"Rude on the phone","arose_on":"2026-05-20",
				"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["` + f.subject + `"]}]}`
		}
		h, auth := f.login(t, access.Handler), f.login(t, access.Authority)
		for _, tc := range []struct {
			who  string
			c    *client
			unit string
			want int
		}{
			{"handler, own unit", h, f.unitA.ID, 201},
			{"handler, intake unit", h, in.ID, 201},
			{"handler, another unit", h, f.unitB.ID, 403},
			{"authority, another unit", auth, f.unitB.ID, 201},
		} {
			before, _ := f.db.CaseCount(ctx)
			audits := auditCount(t, f)
			rec := tc.c.do(t, "POST", "/api/v1/cases", "application/json", body(tc.unit))
			after, _ := f.db.CaseCount(ctx)
			if rec.Code != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.who, rec.Code, rec.Body, tc.want)
			}
			if tc.want != 403 {
				continue
			}
			var p struct {
				Errors []struct{ Field string } `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || len(p.Errors) != 1 || p.Errors[0].Field != "unit_id" {
				t.Errorf("%s: the refusal does not name unit_id: %s", tc.who, rec.Body)
			}
			if after != before || auditCount(t, f)-audits != 1 {
				t.Errorf("%s: refused, yet %d cases recorded and %d audit entries (want 0 and 1)", tc.who, after-before, auditCount(t, f)-audits)
			}
		}
	})
}

// TestNoOneIsGivenACaseThatNamesThem: a case is not assigned to anyone it
// names, nor to someone who does not work on cases; the assign form does
// not offer them, and the API's refusal names the field and the reason.
func TestNoOneIsGivenACaseThatNamesThem(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		auth := f.login(t, access.Authority)
		inv, handler := f.users[access.Investigator], f.users[access.Handler]
		resp := auth.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"complaint","unit_id":"`+f.unitA.ID+`","summary":"Pushed at a cordon","arose_on":"2026-05-20",
			"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["`+inv.OfficerID+`"]}]}`)
		var c struct{ ID string }
		if err := json.Unmarshal(resp.Body.Bytes(), &c); err != nil || resp.Code != 201 {
			t.Fatalf("recording: %d %s", resp.Code, resp.Body.String())
		}
		for _, tc := range []struct {
			who  access.User
			want string
		}{
			{inv, "is named in this case, so may not work on it"},
			{f.users[access.Admin], "does not work on cases"},
		} {
			rec := auth.do(t, "POST", "/api/v1/cases/"+c.ID+"/assignments", "application/json", `{"user_id":"`+tc.who.ID+`"}`)
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"user_id"`) || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("assigning to %s: %d %s", tc.who.Username, rec.Code, rec.Body.String())
			}
		}
		form := auth.do(t, "GET", "/cases/"+c.ID+"/assign", "", "").Body.String()
		if strings.Contains(form, inv.ID) || !strings.Contains(form, handler.ID) {
			t.Errorf("the assign form offers the officer the case names, or not the handler:\n%s", form)
		}
		if rec := auth.do(t, "POST", "/cases/"+c.ID+"/assign", "application/x-www-form-urlencoded", "user_id="+inv.ID); rec.Code != 422 {
			t.Errorf("the assign form gave the case to the officer it names: %d", rec.Code)
		}
		if rec := auth.do(t, "POST", "/api/v1/cases/"+c.ID+"/assignments", "application/json", `{"user_id":"`+handler.ID+`"}`); rec.Code != 204 {
			t.Errorf("assigning to the handler: %d %s", rec.Code, rec.Body.String())
		}
	})
}
