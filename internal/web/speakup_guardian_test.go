package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

// TestSpeakUpConvert: a guardian raises a named report as a conduct
// matter; the case holds only what the guardian wrote.
func TestSpeakUpConvert(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		guardian := f.login(t, access.Guardian)
		const what = "Sergeant bullies probationers during refs. report-text-canary-7a21"
		ref, _ := submit(t, f, namedReport(what))
		id := reportID(t, guardian, ref)
		convert := func(body map[string]any) *httptest.ResponseRecorder {
			return guardian.do(t, "POST", "/api/v1/speakup/reports/"+id+"/convert", "application/json", jsonBody(t, body))
		}
		good := map[string]any{"unit_id": f.unitA.ID, "summary": "Reported bullying of probationers by a sergeant during refreshment breaks.",
			"category": "individual-behaviours", "subcategory": "impolite-language", "subjects": []string{f.subject},
			"standards": []string{"authority-respect-courtesy"}}

		rec := convert(map[string]any{})
		if rec.Code != 422 {
			t.Fatalf("empty: %d %s", rec.Code, rec.Body)
		}
		// A conduct matter is classified by a standard; its category is
		// optional.
		for _, want := range []string{`"unit_id"`, `"summary"`, `"standards"`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("refusal does not name %s: %s", want, rec.Body)
			}
		}
		slip := map[string]any{}
		for k, v := range good {
			slip[k] = v
		}
		slip["summary"] = "Raised by " + strings.ToUpper(nameCanary) + " of custody."
		if rec := convert(slip); rec.Code != 422 || !strings.Contains(rec.Body.String(), `"summary"`) {
			t.Fatalf("a summary naming the reporter: %d %s", rec.Code, rec.Body)
		}
		// The check is not beaten by spacing, a surname alone or an
		// invisible character.
		for _, disguised := range []string{"Raised by Whistle  Canary Oduya.", "Oduya says the sergeant shouts.",
			"Raised by Whistle Canary Od\u200buya.", "Raised by \uff2f\uff44\uff55\uff59\uff41."} {
			slip["summary"] = disguised
			if rec := convert(slip); rec.Code != 422 || !strings.Contains(rec.Body.String(), `"summary"`) {
				t.Errorf("a summary naming the reporter as %q: %d %s", disguised, rec.Code, rec.Body)
			}
		}
		slip["summary"], slip["description"] = good["summary"], "Call them on "+phoneCanary
		if rec := convert(slip); rec.Code != 422 || !strings.Contains(rec.Body.String(), `"description"`) {
			t.Fatalf("a description with the reporter's phone: %d %s", rec.Code, rec.Body)
		}
		if n, _ := f.db.CaseCount(ctx); n != len(relations)-1 {
			t.Fatalf("refused conversions left %d cases", n)
		}

		rec = convert(good)
		if rec.Code != 201 {
			t.Fatalf("convert: %d %s", rec.Code, rec.Body)
		}
		out := decode(t, rec)
		caseID := out["case_id"].(string)
		if !strings.HasPrefix(out["reference"].(string), "CM/2026/") {
			t.Fatalf("reference %v", out["reference"])
		}
		if rec := convert(good); rec.Code != 409 {
			t.Fatalf("converting twice: %d", rec.Code)
		}
		rep := decode(t, guardian.do(t, "GET", "/api/v1/speakup/reports/"+id, "", ""))
		if rep["status"] != "converted" || rep["converted_case_id"] != caseID {
			t.Fatalf("report after conversion: %v", rep)
		}

		// The case as stored and as case workers see it.
		c, err := f.db.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		timeline, _ := f.db.Timeline(ctx, caseID)
		stored, _ := json.Marshal([]any{c, timeline})
		psd := f.login(t, access.PSDHead)
		rec = psd.do(t, "GET", "/api/v1/cases/"+caseID, "", "")
		if rec.Code != 200 {
			t.Fatalf("the head of PSD opens the conduct matter: %d", rec.Code)
		}
		for _, s := range []string{nameCanary, emailCanary, phoneCanary, "Northtown", "report-text-canary", ref, id} {
			if strings.Contains(string(stored), s) || strings.Contains(rec.Body.String(), s) {
				t.Errorf("the conduct matter carries %q across", s)
			}
		}
		if c.Kind != "conduct_matter" || len(c.Allegations) != 1 || len(c.Parties) != 0 || !c.ReceivedAt.Equal(f.now) {
			t.Errorf("case %+v", c)
		}
		if strings.Contains(f.logs.String()+auditText(t, f), nameCanary) {
			t.Error("the identity reached the logs or the audit")
		}
	})
}

func reportIDOf(t *testing.T, f *fixture, ref string) string {
	t.Helper()
	k, err := f.db.SpeakUpKeyByReference(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	return k.ReportID
}

// TestGuardianStartPageListsReportsWithoutIdentities checks the guardian's
// start page lists open reports and shows neither the reporter's identity
// nor the report's text, and that no other role sees the list.
func TestGuardianStartPageListsReportsWithoutIdentities(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		const what = "Sergeant shares racist memes in the team chat"
		ref, _ := submit(t, f, namedReport(what))
		page := f.login(t, access.Guardian).do(t, "GET", "/", "", "").Body.String()
		if !strings.Contains(page, ref) || !strings.Contains(page, "named") {
			t.Fatalf("the guardian's start page does not list %s", ref)
		}
		for _, secret := range []string{nameCanary, emailCanary, phoneCanary, what} {
			if strings.Contains(page, secret) {
				t.Errorf("the start page shows %q", secret)
			}
		}
		for _, r := range []access.Role{access.PSDHead, access.Handler, access.Admin, access.Auditor} {
			if body := f.login(t, r).do(t, "GET", "/", "", "").Body.String(); strings.Contains(body, ref) {
				t.Errorf("%s's start page lists the speak-up report", r)
			}
		}
	})
}
