package web_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
)

func TestWhoSawThisAndBreakGlassReport(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		handler := f.login(t, access.Handler)
		if rec := handler.do(t, "GET", "/api/v1/cases/"+f.cases[relSameUnit], "", ""); rec.Code != 200 {
			t.Fatalf("handler reading own-unit case: %d", rec.Code)
		}
		other := f.cases[relOtherUnit]
		rec := handler.do(t, "GET", "/api/v1/cases/"+other, "", "")
		if rec.Code != 403 || decode(t, rec)["break_glass_available"] != true {
			t.Fatalf("out of scope: %d %s", rec.Code, rec.Body)
		}
		if rec := handler.do(t, "POST", "/api/v1/cases/"+other+"/break-glass", "application/json", `{"reason":"short"}`); rec.Code != 422 {
			t.Fatalf("break-glass without a real reason: %d", rec.Code)
		}
		if rec := handler.do(t, "POST", "/api/v1/cases/"+other+"/break-glass", "application/json",
			`{"reason":"complainant at the front desk, duty officer unavailable"}`); rec.Code != 201 {
			t.Fatalf("break-glass: %d %s", rec.Code, rec.Body)
		}
		if rec := handler.do(t, "GET", "/api/v1/cases/"+other, "", ""); rec.Code != 200 {
			t.Fatalf("after break-glass: %d", rec.Code)
		}
		f.now = f.now.Add(61 * time.Minute)
		handler = f.login(t, access.Handler)
		if rec := handler.do(t, "GET", "/api/v1/cases/"+other, "", ""); rec.Code != 403 {
			t.Fatalf("break-glass after it lapsed: %d, want 403", rec.Code)
		}

		psd := f.login(t, access.PSDHead)
		rec = psd.do(t, "GET", "/api/v1/break-glass", "", "")
		items, _ := decode(t, rec)["items"].([]any)
		if rec.Code != 200 || len(items) != 1 {
			t.Fatalf("break-glass report: %d %s", rec.Code, rec.Body)
		}
		item := items[0].(map[string]any)
		if item["username"] != "handler" || item["case_id"] != other || item["reason"] != "complainant at the front desk, duty officer unavailable" {
			t.Errorf("report item %v", item)
		}

		auditor := f.login(t, access.Auditor)
		rec = auditor.do(t, "GET", "/api/v1/audit?record="+other, "", "")
		entries, _ := decode(t, rec)["items"].([]any)
		if rec.Code != 200 {
			t.Fatalf("who saw this: %d %s", rec.Code, rec.Body)
		}
		var actions []string
		for _, e := range entries {
			m := e.(map[string]any)
			if m["actor_name"] == "handler" {
				actions = append(actions, m["action"].(string)+"/"+m["outcome"].(string))
			}
		}
		// Newest first: refused after the lapse, read, broke glass, refused.
		want := []string{"access_denied/denied", "consult/success", "break_glass/success", "access_denied/denied"}
		if len(actions) != len(want) {
			t.Fatalf("handler's entries on the case = %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Errorf("entry %d = %s, want %s", i, actions[i], want[i])
			}
		}
		if rec := auditor.do(t, "GET", "/api/v1/audit", "", ""); rec.Code != 422 {
			t.Errorf("audit query without record or actor: %d, want 422", rec.Code)
		}
	})
}
