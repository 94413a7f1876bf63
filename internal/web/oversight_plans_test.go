package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
)

// TestHoldingTheChiefOfficerToAccount walks the API and pages: the body
// sets a requirement; the chief officer's office drafts a plan, is told
// which field of a bad commitment is wrong, submits two commitments; an
// assessment of a draft is refused naming the state and what is allowed;
// the body rejects one commitment and accepts the other; the public page
// shows the plan and assessment, never a draft or a name; every change is
// audited.
func TestHoldingTheChiefOfficerToAccount(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		body, chief, psd := f.login(t, access.Oversight), f.login(t, access.ChiefOffice), f.login(t, access.PSDHead)
		const js = "application/json"
		check := func(name string, code int, want int, text string, mentions ...string) {
			t.Helper()
			if code != want {
				t.Fatalf("%s: %d, want %d\n%s", name, code, want, text)
			}
			for _, m := range mentions {
				if !strings.Contains(text, m) {
					t.Fatalf("%s: no %q in\n%s", name, m, text)
				}
			}
		}
		rec := body.do(t, "POST", "/api/v1/oversight/requirements", js, `{"title":"Misconduct timeliness","text":"Fewer old cases","reason":"Too slow","due_on":"2027-03-31","measures":["open-by-age","wellbeing"]}`)
		check("unknown measure", rec.Code, 422, rec.Body.String(), `"field":"measures"`, `\"wellbeing\" is not a measure`)
		rec = chief.do(t, "POST", "/api/v1/oversight/requirements", js, `{"title":"x"}`)
		check("the chief office sets a requirement", rec.Code, 403, rec.Body.String())
		rec = body.do(t, "POST", "/api/v1/oversight/requirements", js, `{"title":"Misconduct timeliness","text":"Fewer old cases","reason":"Too slow","due_on":"2027-03-31","measures":["open-by-age","disproportionality"]}`)
		check("set", rec.Code, 201, rec.Body.String())
		reqID := decode(t, rec)["id"].(string)

		rec = chief.do(t, "POST", "/api/v1/oversight/plans", js, `{"requirement_id":"`+reqID+`","title":"Timeliness plan"}`)
		check("begin a plan", rec.Code, 201, rec.Body.String())
		planID := decode(t, rec)["id"].(string)
		path := "/api/v1/oversight/plans/" + planID

		rec = chief.do(t, "PUT", path+"/commitments", js, `{"version":1,"commitments":[{"text":"x","measure":"happiness","group":["a"],"stat":"share","baseline":0.2,"target":0.1,"target_on":"2027-03-31"},{"text":"y","measure":"open-by-age","group":["Share open over 12 months"],"stat":"share","baseline":0.2}]}`)
		check("bad commitments", rec.Code, 422, rec.Body.String(), `"field":"commitments[0].measure"`, `"field":"commitments[1].target"`, `"field":"commitments[1].target_on"`)

		rec = chief.do(t, "PUT", path+"/commitments", js, `{"version":1,"commitments":[{"text":"x","measure":"backlog","group":["Open at end"],"stat":"count","baseline":40,"target":20,"target_on":"2027-03-31"}]}`)
		check("a figure the measure does not publish", rec.Code, 422, rec.Body.String(), `"field":"commitments[0].group"`, `no figure labelled \"Open at end\"`, `\"Open at the end\" (count)`)

		rec = body.do(t, "POST", path+"/assessment", js, `{"version":1,"outcome":"accepted","reasons":"fine","commitments":[]}`)
		check("assess a draft", rec.Code, 409, rec.Body.String(), `"state":"draft"`, `"allowed":["comment"]`, "a draft cannot be assessed")

		two := `{"version":1,"commitments":[{"text":"Fewer cases open over a year","measure":"open-by-age","group":["Share open over 12 months"],"stat":"share","baseline":0.3,"target":0.1,"target_on":"2027-03-31"},` +
			`{"text":"Fewer cases in the backlog","measure":"backlog","group":["Open at the end"],"stat":"count","baseline":40,"target":20,"target_on":"2027-03-31"}]}`
		rec = chief.do(t, "PUT", path+"/commitments", js, two)
		check("two commitments", rec.Code, 200, rec.Body.String())
		rec = psd.do(t, "POST", path+"/submit", js, `{"version":2}`)
		check("psd-head submits", rec.Code, 403, rec.Body.String())
		rec = chief.do(t, "POST", path+"/submit", js, `{"version":1}`)
		check("stale submit", rec.Code, 409, rec.Body.String(), "changed since you opened it")
		rec = chief.do(t, "POST", path+"/submit", js, `{"version":2}`)
		check("submit", rec.Code, 200, rec.Body.String(), `"state":"submitted"`)

		rec = body.do(t, "POST", path+"/assessment", js, `{"version":3,"outcome":"rejected","reasons":"One commitment is too slow","resubmit_by":"2026-07-01","commitments":[{"verdict":"accepted","reasons":""},{"verdict":"rejected","reasons":""}]}`)
		check("a rejection without reasons", rec.Code, 422, rec.Body.String(), `"field":"commitments[1].reasons"`)
		rec = body.do(t, "POST", path+"/assessment", js, `{"version":3,"outcome":"rejected","reasons":"One commitment is too slow","resubmit_by":"2026-07-01","commitments":[{"verdict":"accepted","reasons":"Clear and measurable"},{"verdict":"rejected","reasons":"Halving the backlog by 2027 is not enough"}]}`)
		check("assess", rec.Code, 200, rec.Body.String(), `"state":"assessed"`)

		rec = chief.do(t, "GET", path, "", "")
		check("read the plan", rec.Code, 200, rec.Body.String(), `"figures":[{`, `"status":`)

		page := chief.do(t, "GET", "/oversight/plans/"+planID, "", "")
		check("plan page", page.Code, 200, page.Body.String(), "Rejected", "Halving the backlog by 2027 is not enough", "Revise the plan", "Fewer cases open over a year")
		// Whoever writes the plan reads the figures a commitment may name;
		// the body, which does not write it, is not given the list.
		check("the figures to name", page.Code, 200, page.Body.String(), `id="published-figures"`,
			"<li>Share open over 12 months (share)</li>", "<li>Open at the end (count)</li>")
		if p := body.do(t, "GET", "/oversight/plans/"+planID, "", "").Body.String(); strings.Contains(p, `id="published-figures"`) {
			t.Error("the oversight body's plan page lists the figures to name")
		}

		// The start page tells each side what the requirement waits for:
		// the chief officer's office, its revised plan, due on the date the
		// body set; nobody without the oversight pages sees the panel.
		home := chief.do(t, "GET", "/", "", "")
		check("the chief office's start page", home.Code, 200, home.Body.String(), `id="accountability"`, "Misconduct timeliness",
			"The plan was rejected: a revised plan is due", "<td class=\"govuk-table__cell\">You</td>", "1 July 2026")
		home = body.do(t, "GET", "/", "", "")
		check("the body's start page", home.Code, 200, home.Body.String(), "The plan was rejected: a revised plan is due",
			"<td class=\"govuk-table__cell\">The force</td>")
		if home := f.login(t, access.Handler).do(t, "GET", "/", "", ""); strings.Contains(home.Body.String(), `id="accountability"`) {
			t.Error("a handler's start page shows the oversight panel")
		}

		// A revision begun: a draft the public must not see.
		form := url.Values{"version": {"4"}, "text": {"Fewer cases in the backlog, faster"}, "measure": {"backlog"}, "group": {"Open at the end"},
			"stat": {"count"}, "baseline": {"40"}, "target": {"10"}, "target_on": {"2027-03-31"}}
		add := chief.do(t, "POST", "/oversight/plans/"+planID+"/commitments", "application/x-www-form-urlencoded", form.Encode())
		check("add to a revision", add.Code, 303, add.Body.String())
		form.Set("version", "5")
		form.Set("group", "Open at end")
		bad := chief.do(t, "POST", "/oversight/plans/"+planID+"/commitments", "application/x-www-form-urlencoded", form.Encode())
		check("a figure the measure does not publish, on the page", bad.Code, 422, bad.Body.String(), `href="#commitment-group"`, "Open at the end")
		form.Set("group", "Open at the end")
		form.Set("measure", "nothing")
		form.Set("target_on", "")
		bad = chief.do(t, "POST", "/oversight/plans/"+planID+"/commitments", "application/x-www-form-urlencoded", form.Encode())
		check("a bad commitment on the page", bad.Code, 422, bad.Body.String(), `href="#commitment-measure"`, `href="#commitment-target-on"`, `id="error-summary"`)

		pub := f.anonymous().do(t, "GET", "/public/oversight", "", "")
		text := pub.Body.String()
		check("public page", pub.Code, 200, text, "Misconduct timeliness", "Timeliness plan", "Rejected", "Halving the backlog by 2027 is not enough")
		for _, never := range []string{"faster", "chief-office", "oversight</", "psd-head"} {
			if strings.Contains(text, never) {
				t.Errorf("the public page shows %q", never)
			}
		}

		// The requirements form names each refused field.
		bad = body.do(t, "POST", "/oversight/requirements", "application/x-www-form-urlencoded", url.Values{"due_on": {"31/03/2027"}}.Encode())
		check("requirement form", bad.Code, 422, bad.Body.String(), `href="#requirement-title"`, `href="#requirement-due-on"`, `href="#requirement-measures"`)

		pg, err := f.db.AuditEntries(t.Context(), store.AuditFilter{RecordID: planID})
		if err != nil {
			t.Fatal(err)
		}
		var reasons []string
		for _, e := range pg.Entries {
			reasons = append(reasons, e.Reason)
		}
		all := strings.Join(reasons, "|")
		for _, want := range []string{"plan begun", "commitments drafted", "plan submitted", "plan assessed: rejected", "commitment added"} {
			if !strings.Contains(all, want) {
				t.Errorf("no audit entry %q in %s", want, all)
			}
		}
	})
}
