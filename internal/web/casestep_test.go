package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// twoOfficerOutcome records a conduct matter about the fixture's subject
// and a second officer and takes it through the API to the outcome of a
// misconduct meeting. It returns the case, the second officer's id and the
// head of standards' session.
func twoOfficerOutcome(t *testing.T, f *fixture) (caseID, second string, psd *client) {
	t.Helper()
	ctx := context.Background()
	o := officers.Officer{ForceID: f.unitA.ForceID, CollarNumber: "S2", FamilyName: "Second", Rank: "constable",
		UnitID: f.unitA.ID, JoinedOn: f.now.AddDate(-4, 0, 0)}
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &o, f.now) }); err != nil {
		t.Fatal(err)
	}
	psd = f.login(t, access.PSDHead)
	inv := f.login(t, access.Investigator)
	rec := psd.do(t, "POST", "/api/v1/cases", "application/json", `{"kind":"conduct_matter","unit_id":"`+f.unitA.ID+`",
		"summary":"Two officers left a prisoner unchecked","arose_on":"2026-04-01",
		"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","standards":["discreditable-conduct"],"subjects":["`+f.subject+`","`+o.ID+`"]}]}`)
	if rec.Code != 201 {
		t.Fatalf("record: %d %s", rec.Code, rec.Body)
	}
	id := decode(t, rec)["id"].(string)
	aid, _ := firstAllegation(t, psd.getCase(t, id))
	both := func(extra string) string {
		return fmt.Sprintf(`[{"allegation_id":%q,"officer_id":%q%s},{"allegation_id":%q,"officer_id":%q%s}]`, aid, f.subject, extra, aid, o.ID, extra)
	}
	psd.act(t, id, 200, `{"action":"assess_severity","reasons":"a misconduct matter","findings":`+both(`,"severity":"misconduct"`)+`}`)
	psd.act(t, id, 200, `{"action":"start_investigation","reasons":"to be investigated","mode":"local"}`)
	inv.act(t, id, 200, fmt.Sprintf(`{"action":"serve_reg17_notice","recipient":%q}`, f.subject))
	inv.act(t, id, 200, `{"action":"interview_officer"}`)
	inv.act(t, id, 200, `{"action":"submit_report"}`)
	psd.act(t, id, 200, `{"action":"case_to_answer","reasons":"the custody record shows it","findings":`+both(`,"severity":"misconduct"`)+`}`)
	psd.act(t, id, 200, `{"action":"refer_to_meeting"}`)
	psd.act(t, id, 200, fmt.Sprintf(`{"action":"serve_referral_notice","recipient":%q}`, f.subject))
	psd.act(t, id, 200, `{"action":"record_officer_response"}`)
	psd.act(t, id, 200, `{"action":"agree_witnesses"}`)
	psd.act(t, id, 200, `{"action":"hold_proceedings","forum":"meeting"}`)
	psd.act(t, id, 200, `{"action":"record_outcome","reasons":"proved","forum":"meeting","findings":`+both(`,"finding":"misconduct","sanction":"written_warning"`)+`}`)
	return id, o.ID, psd
}

// stepForm opens a step's form as c, checking it renders, and returns
// its body and version.
func (c *client) stepForm(t *testing.T, caseID, step string) (body, version string) {
	t.Helper()
	form := c.do(t, "GET", "/cases/"+caseID+"/steps/"+step, "", "")
	if form.Code != 200 {
		t.Fatalf("GET the %s form: %d\n%s", step, form.Code, form.Body.String())
	}
	return form.Body.String(), formVersion(t, form.Body.String())
}

// TestCaseStepForms: the case page offers the steps the case calls for,
// each a form that asks which officer when there are several, refuses bad
// input beside its field and in the summary, refuses a stale form, records
// through the API's path (audited alike), and lets the outcome be
// finalised in the browser once every officer has had the decision and
// the appeal windows have closed.
func TestCaseStepForms(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		id, second, psd := twoOfficerOutcome(t, f)

		page := psd.do(t, "GET", "/cases/"+id, "", "").Body.String()
		for _, want := range []string{`id="record-steps"`, `/steps/decision_supplied?version=`, "Decision supplied to the officer",
			"Report of the meeting&#39;s outcome to the officer: <span class=\"probity-officer\">PC S1 Subject</span>",
			"Report of the meeting&#39;s outcome to the officer: <span class=\"probity-officer\">PC S2 Second</span>"} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %q\n%s", want, page)
			}
		}

		timeline := func() int { return len(psd.getCase(t, id)["timeline"].([]any)) }
		before := timeline()
		tests := []struct {
			name, step string
			values     url.Values
			href, text string
		}{
			{"must ask which officer when the case has two", "decision_supplied", url.Values{"note": {"Sent by post"}},
				"#subject-0", "Officer: is required"},
			{"must refuse an officer who is not a subject of the case", "decision_supplied", url.Values{"subject": {"bbbbbbbbbbbbbbbbbbbbbbbbbb"}},
				"#subject-0", "Officer: is not a subject officer of this case"},
			{"must refuse a day that is not a day", "interview_date_set", url.Values{"subject": {second}, "on-day": {"31"}, "on-month": {"2"}, "on-year": {"2026"}},
				"#on-day", "Day given to the officer: must be a real day"},
			{"must ask for the day a dated step names", "pre_hearing_date_set", url.Values{"subject": {second}},
				"#on-day", "Day given to the officer: must be the day given to the officer"},
			{"must refuse a note that is too long", "decision_supplied", url.Values{"subject": {second}, "note": {strings.Repeat("x", 2001)}},
				"#note", "Note: must be at most 2000 characters"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, version := psd.stepForm(t, id, tc.step)
				tc.values.Set("version", version)
				resp := psd.do(t, "POST", "/cases/"+id+"/steps/"+tc.step, "application/x-www-form-urlencoded", tc.values.Encode())
				body := resp.Body.String()
				if resp.Code != 422 || !strings.Contains(body, `href="`+tc.href+`"`) || !strings.Contains(body, tc.text) {
					t.Fatalf("%d; want 422 linking %s saying %q:\n%s", resp.Code, tc.href, tc.text, body)
				}
				if strings.Contains(visibleText(body), second) || strings.Contains(visibleText(body), "YYYY") {
					t.Errorf("the refusal shows an id or the API's date format:\n%s", visibleText(body))
				}
			})
		}
		if got := timeline(); got != before {
			t.Fatalf("refused steps recorded %d events", got-before)
		}

		form, version := psd.stepForm(t, id, "decision_supplied")
		if !strings.Contains(form, "PC S1 Subject") || !strings.Contains(form, "PC S2 Second") || strings.Contains(visibleText(form), second) {
			t.Errorf("the officer question does not name both officers in words:\n%s", form)
		}
		v := url.Values{"version": {version}, "subject": {f.subject}, "note": {"Handed over in person"}}
		resp := psd.do(t, "POST", "/cases/"+id+"/steps/decision_supplied", "application/x-www-form-urlencoded", v.Encode())
		if resp.Code != 303 || resp.Header().Get("Location") != "/cases/"+id+"?done=step-decision_supplied" {
			t.Fatalf("recording the step: %d %s\n%s", resp.Code, resp.Header().Get("Location"), resp.Body.String())
		}
		page = psd.do(t, "GET", "/cases/"+id+"?done=step-decision_supplied", "", "").Body.String()
		for _, want := range []string{"Recorded: decision supplied to the officer.", "Decision supplied to the officer: PC S1 Subject",
			"Officer&#39;s time to appeal the meeting outcome: <span class=\"probity-officer\">PC S1 Subject</span>",
			"Report of the meeting&#39;s outcome to the officer: <span class=\"probity-officer\">PC S2 Second</span>"} {
			if !strings.Contains(page, want) {
				t.Errorf("after the step the case page lacks %q", want)
			}
		}
		if strings.Contains(page, "Report of the meeting&#39;s outcome to the officer: <span class=\"probity-officer\">PC S1 Subject</span>") {
			t.Errorf("officer A's outcome report clock still runs after A's decision was supplied")
		}
		entries, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.PSDHead].ID, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		audited := false
		for _, e := range entries.Entries {
			audited = audited || e.Action == audit.Alter && e.RecordID == id && e.Reason == "step: decision_supplied for officer "+f.subject
		}
		if !audited {
			t.Errorf("the step left no audit entry naming it and its officer")
		}

		t.Run("must refuse a form drawn from an earlier version", func(t *testing.T) {
			v := url.Values{"version": {version}, "subject": {second}}
			resp := psd.do(t, "POST", "/cases/"+id+"/steps/decision_supplied", "application/x-www-form-urlencoded", v.Encode())
			if resp.Code != 409 || !strings.Contains(resp.Body.String(), "the case moved on since you opened it") {
				t.Fatalf("stale form: %d\n%s", resp.Code, resp.Body.String())
			}
		})
		t.Run("must refuse a caller who may not work cases", func(t *testing.T) {
			for _, role := range []access.Role{access.Supervisor, access.Auditor, access.Oversight} {
				c := f.login(t, role)
				if rec := c.do(t, "GET", "/cases/"+id+"/steps/decision_supplied", "", ""); rec.Code != 403 {
					t.Errorf("%s GET: %d", role, rec.Code)
				}
				if rec := c.do(t, "POST", "/cases/"+id+"/steps/decision_supplied", "application/x-www-form-urlencoded", "version=1&subject="+second); rec.Code != 403 {
					t.Errorf("%s POST: %d", role, rec.Code)
				}
			}
			if rec := psd.do(t, "GET", "/cases/"+id+"/steps/no_such_step", "", ""); rec.Code != 404 {
				t.Errorf("unknown step: %d", rec.Code)
			}
		})

		// Officer B has not had the decision: the outcome is not final.
		body := psd.act(t, id, 409, `{"action":"finalise"}`)
		if d := body["detail"].(string); !strings.Contains(d, "not been supplied to officer "+second) || strings.Contains(d, f.subject) {
			t.Errorf("finalise with B's decision not supplied: %q", d)
		}
		// The page does not offer finalising; a form sent anyway says, in
		// words, which officer the outcome waits for.
		if page := psd.do(t, "GET", "/cases/"+id, "", "").Body.String(); strings.Contains(page, `data-action="finalise"`) {
			t.Errorf("finalising is offered while officer B's decision is outstanding")
		}
		status, _, refusal := psd.actForm(t, id, "finalise", url.Values{})
		if status != 409 || !strings.Contains(refusal, "not been supplied to officer PC S2 Second") || strings.Contains(visibleText(refusal), second) {
			t.Errorf("finalise form before B's decision: %d\n%s", status, visibleText(refusal))
		}
		_, version = psd.stepForm(t, id, "decision_supplied")
		v = url.Values{"version": {version}, "subject": {second}}
		if resp := psd.do(t, "POST", "/cases/"+id+"/steps/decision_supplied", "application/x-www-form-urlencoded", v.Encode()); resp.Code != 303 {
			t.Fatalf("B's decision: %d\n%s", resp.Code, resp.Body.String())
		}
		body = psd.act(t, id, 409, `{"action":"finalise"}`)
		if d := body["detail"].(string); !strings.Contains(d, "7 working days") {
			t.Errorf("finalise inside the appeal windows: %q", d)
		}
		f.now = f.now.Add(20 * 24 * time.Hour)
		psd = f.login(t, access.PSDHead)
		if status, loc, body := psd.actForm(t, id, "finalise", url.Values{}); status != 303 || !strings.Contains(loc, "done=finalise") {
			t.Fatalf("finalise in the browser: %d %s\n%s", status, loc, body)
		}
		if s := caseState(t, psd, id); s != "Final" {
			t.Errorf("state %s after finalising", s)
		}
	})
}
