package web_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// eisWorld holds the flags the matrix's and these tests' routes act on: one
// on the subject in unit A (the supervisor's unit), one on an officer of
// unit B, and one on the supervisor's own officer record.
type eisWorld struct{ unitA, unitB, own string }

var eisWorlds sync.Map // *fixture -> *eisWorld

func eisWorldOf(f *fixture) *eisWorld {
	if w, ok := eisWorlds.Load(f); ok {
		return w.(*eisWorld)
	}
	w := &eisWorld{}
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		run := &store.EISRun{At: f.now, Kind: "run", Model: "logistic"}
		if err := tx.SaveEISRun(ctx, run); err != nil {
			return err
		}
		other := officers.Officer{ForceID: f.unitB.ForceID, CollarNumber: "B1", FamilyName: "Elsewhere", Rank: "constable",
			UnitID: f.unitB.ID, JoinedOn: f.now.AddDate(-5, 0, 0)}
		if err := tx.CreateOfficer(ctx, &other, f.now); err != nil {
			return err
		}
		for _, fl := range []struct {
			officer, unit string
			to            *string
		}{{f.subject, f.unitA.ID, &w.unitA}, {other.ID, f.unitB.ID, &w.unitB}, {f.users[access.Supervisor].OfficerID, f.unitA.ID, &w.own}} {
			flag := &eis.Flag{OfficerID: fl.officer, RunID: run.ID, RaisedAt: f.now, Source: eis.SourceRule,
				RuleName: ">= 3 allegations in 12 months", Score: 4, UnitID: fl.unit,
				Explanation: eis.Explanation{Summary: "Threshold rule met.", Items: []eis.ExplanationItem{{Indicator: "rule",
					Words: "4 allegations in the last 12 months (threshold 3)", Value: 4}}}}
			if _, err := tx.RaiseFlag(ctx, flag); err != nil {
				return err
			}
			*fl.to = flag.ID
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	eisWorlds.Store(f, w)
	return w
}

// eisMatrixPath fills in an early-intervention route's flag id, or
// reports false.
func eisMatrixPath(f *fixture, pattern string) (string, bool) {
	if strings.HasPrefix(pattern, "/api/v1/eis/flags/{id}") || strings.HasPrefix(pattern, "/eis/flags/{id}") {
		return strings.Replace(pattern, "{id}", eisWorldOf(f).unitA, 1), true
	}
	return "", false
}

func flagIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var out struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Next string `json:"next_cursor"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	var ids []string
	for _, it := range out.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestFlagQueueScope(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		w := eisWorldOf(f)
		sup := f.login(t, access.Supervisor)
		rec := sup.do(t, "GET", "/api/v1/eis/flags?state=open", "", "")
		if ids := flagIDs(t, rec.Body.Bytes()); rec.Code != 200 || len(ids) != 1 || ids[0] != w.unitA {
			t.Fatalf("supervisor's queue: %d %v, want only the unit A flag (not unit B's, not their own)", rec.Code, ids)
		}
		for _, id := range []string{w.unitB, w.own, "aaaaaaaaaaaaaaaaaaaaaaaaaa"} {
			if rec := sup.do(t, "GET", "/api/v1/eis/flags/"+id, "", ""); rec.Code != 404 {
				t.Errorf("supervisor reading flag %s: %d, want 404", id, rec.Code)
			}
		}
		psd := f.login(t, access.PSDHead)
		rec = psd.do(t, "GET", "/api/v1/eis/flags", "", "")
		if ids := flagIDs(t, rec.Body.Bytes()); len(ids) != 3 {
			t.Fatalf("head of standards' queue: %v, want all three", ids)
		}
		// Paging: one at a time, every flag once.
		seen := map[string]bool{}
		cursor := ""
		for range 5 {
			rec := psd.do(t, "GET", "/api/v1/eis/flags?limit=1&cursor="+cursor, "", "")
			var page struct {
				Items []struct {
					ID      string `json:"id"`
					Officer struct {
						FamilyName string `json:"family_name"`
					} `json:"officer"`
					Explanation eis.Explanation `json:"explanation"`
				} `json:"items"`
				Next string `json:"next_cursor"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != 200 {
				t.Fatalf("page: %d %s", rec.Code, rec.Body)
			}
			for _, it := range page.Items {
				if seen[it.ID] || it.Officer.FamilyName == "" || it.Explanation.Items[0].Words == "" {
					t.Errorf("paged item %+v", it)
				}
				seen[it.ID] = true
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if len(seen) != 3 {
			t.Errorf("paging saw %d flags, want 3", len(seen))
		}
		for _, q := range []string{"state=pending", "limit=0", "officer=x"} {
			if rec := psd.do(t, "GET", "/api/v1/eis/flags?"+q, "", ""); rec.Code != 422 {
				t.Errorf("?%s: %d, want 422", q, rec.Code)
			}
		}
		if rec := psd.do(t, "GET", "/api/v1/eis/flags?cursor=zzz", "", ""); rec.Code != 400 {
			t.Errorf("?cursor=zzz: %d, want 400", rec.Code)
		}
		// The officer API shows flags to those who work with them.
		var view struct {
			Flags []eis.Flag `json:"flags"`
		}
		rec = sup.do(t, "GET", "/api/v1/officers/"+f.subject, "", "")
		if err := json.Unmarshal(rec.Body.Bytes(), &view); err != nil || len(view.Flags) != 1 || view.Flags[0].ID != w.unitA {
			t.Errorf("officer view for the supervisor: %d %s", rec.Code, rec.Body)
		}
		rec = f.login(t, access.Handler).do(t, "GET", "/api/v1/officers/"+f.subject, "", "")
		view.Flags = nil
		if err := json.Unmarshal(rec.Body.Bytes(), &view); err != nil || view.Flags == nil || len(view.Flags) != 0 {
			t.Errorf("officer view for a handler: %d %s, want flags: []", rec.Code, rec.Body)
		}
	})
}

func TestFlagReviewWorkflow(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		w := eisWorldOf(f)
		sup := f.login(t, access.Supervisor)
		path := "/api/v1/eis/flags/" + w.unitA + "/review"
		post := func(body string, want int) map[string]any {
			t.Helper()
			rec := sup.do(t, "POST", path, "application/json", body)
			if rec.Code != want {
				t.Fatalf("%s: %d, want %d: %s", body, rec.Code, want, rec.Body)
			}
			var out map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &out)
			return out
		}
		post(`{"action":"close","note":"nothing"}`, 409)
		post(`{"action":"review"}`, 422)
		post(`{"action":"review","note":"x","extra":1}`, 422)
		post(`{"action":"review","note":"Read the three complaints; two are about one arrest."}`, 200)
		post(`{"action":"intervene","intervention":"sanction","note":"x"}`, 422)
		out := post(`{"action":"intervene","intervention":"training","note":"Booked on de-escalation training."}`, 200)
		if out["state"] != "intervention" || out["intervention"] != "training" {
			t.Errorf("after intervening: %v", out)
		}
		out = post(`{"action":"close","note":"Training done; no complaints since."}`, 200)
		notes, _ := out["notes"].([]any)
		if out["state"] != "closed" || len(notes) != 3 {
			t.Fatalf("closed flag: %v", out)
		}
		if n := notes[2].(map[string]any); n["action"] != "close" || n["author_id"] != f.users[access.Supervisor].ID {
			t.Errorf("last note %v", n)
		}
		// Out of scope: another unit's flag, and one's own.
		for _, id := range []string{w.unitB, w.own} {
			if rec := sup.do(t, "POST", "/api/v1/eis/flags/"+id+"/review", "application/json", `{"action":"review","note":"x"}`); rec.Code != 404 {
				t.Errorf("reviewing flag %s: %d, want 404", id, rec.Code)
			}
		}
		// Every step is in the audit log.
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: w.unitA})
		if err != nil {
			t.Fatal(err)
		}
		var alters int
		for _, e := range page.Entries {
			if e.Action == "alter" && e.RecordType == "eis-flag" && strings.Contains(e.Reason, "->") {
				alters++
			}
		}
		if alters != 3 {
			t.Errorf("%d audited reviews of the flag, want 3", alters)
		}
		page, err = f.db.AuditEntries(ctx, store.AuditFilter{RecordID: w.own})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) == 0 || page.Entries[0].Action != "access_denied" || !strings.Contains(page.Entries[0].Reason, "own record") {
			t.Errorf("refusal on the supervisor's own flag not audited: %+v", page.Entries)
		}
	})
}

// TestFlagPages reviews a flag in the browser's pages: the queue, the flag
// with its reasons, a refused form that keeps what was typed, and an
// accepted one.
func TestFlagPages(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		w := eisWorldOf(f)
		sup := f.login(t, access.Supervisor)
		rec := sup.do(t, "GET", "/eis/flags", "", "")
		if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, "/eis/flags/"+w.unitA) ||
			strings.Contains(body, w.unitB) || strings.Contains(body, w.own) {
			t.Fatalf("queue page: %d, want the unit A flag only:\n%s", rec.Code, body)
		}
		if rec := sup.do(t, "GET", "/eis/flags?state=pending", "", ""); rec.Code != 422 || !strings.Contains(rec.Body.String(), "state: must be one of") {
			t.Errorf("queue page with a bad state: %d", rec.Code)
		}
		page := "/eis/flags/" + w.unitA
		rec = sup.do(t, "GET", page, "", "")
		body := rec.Body.String()
		for _, want := range []string{"4 allegations in the last 12 months (threshold 3)", `value="review"`, "No one has reviewed this flag yet"} {
			if !strings.Contains(body, want) {
				t.Errorf("flag page lacks %q", want)
			}
		}
		if strings.Contains(body, `value="close"`) {
			t.Error("an open flag offers closing before review")
		}
		form := "application/x-www-form-urlencoded"
		// No note: refused, naming the field, and the choice is kept.
		rec = sup.do(t, "POST", page+"/review", form, "action=review&note=")
		if body := rec.Body.String(); rec.Code != 422 || !strings.Contains(body, "is required") ||
			!strings.Contains(body, `value="review" id="review-action" checked`) {
			t.Errorf("review without a note: %d\n%s", rec.Code, body)
		}
		// An action the state does not allow: refused, the note kept.
		typed := "Spoke to the sergeant &amp; read the file"
		rec = sup.do(t, "POST", page+"/review", form, "action=close&note=Spoke+to+the+sergeant+%26+read+the+file")
		if body := rec.Body.String(); rec.Code != 409 || !strings.Contains(body, "review it first") || !strings.Contains(body, typed) {
			t.Errorf("closing an open flag: %d\n%s", rec.Code, body)
		}
		rec = sup.do(t, "POST", page+"/review", form, "action=review&note=Read+the+three+complaints.&intervention=training")
		if rec.Code != 303 || rec.Header().Get("Location") != page {
			t.Fatalf("review: %d %s, want 303 to %s", rec.Code, rec.Header().Get("Location"), page)
		}
		body = sup.do(t, "GET", page, "", "").Body.String()
		for _, want := range []string{`id="flag-state">reviewed`, "Read the three complaints.", f.users[access.Supervisor].DisplayName,
			`value="intervene"`, `value="close"`, `<option value="training"`} {
			if !strings.Contains(body, want) {
				t.Errorf("reviewed flag's page lacks %q", want)
			}
		}
		rec = sup.do(t, "POST", page+"/review", form, "action=intervene&intervention=&note=Course+booked.")
		if body := rec.Body.String(); rec.Code != 422 || !strings.Contains(body, "must be one of advice") || !strings.Contains(body, "Course booked.") {
			t.Errorf("intervention not chosen: %d\n%s", rec.Code, body)
		}
		for _, id := range []string{w.unitB, w.own} {
			if rec := sup.do(t, "GET", "/eis/flags/"+id, "", ""); rec.Code != 404 {
				t.Errorf("flag page %s: %d, want 404", id, rec.Code)
			}
			if rec := sup.do(t, "POST", "/eis/flags/"+id+"/review", form, "action=review&note=x"); rec.Code != 404 {
				t.Errorf("reviewing flag %s from the form: %d, want 404", id, rec.Code)
			}
		}
		// The officer's page shows the flag to the supervisor, not to a
		// handler, and nobody their own record.
		if body := sup.do(t, "GET", "/officers/"+f.subject, "", "").Body.String(); !strings.Contains(body, `href="/eis/flags/`+w.unitA) {
			t.Errorf("officer page for the supervisor lacks the flag:\n%s", body)
		}
		rec = f.login(t, access.Handler).do(t, "GET", "/officers/"+f.subject, "", "")
		if body := rec.Body.String(); rec.Code != 200 || strings.Contains(body, "/eis/flags/") || !strings.Contains(body, "officer-allegations") {
			t.Errorf("officer page for a handler: %d\n%s", rec.Code, body)
		}
		if rec := sup.do(t, "GET", "/officers/"+f.users[access.Supervisor].OfficerID, "", ""); rec.Code != 404 {
			t.Errorf("supervisor's own officer page: %d, want 404", rec.Code)
		}
	})
}

func TestFairnessReport(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		psd := f.login(t, access.PSDHead)
		rec := psd.do(t, "GET", "/api/v1/eis/fairness", "", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "no evaluation has been run yet") {
			t.Fatalf("fairness before any evaluation: %d %s", rec.Code, rec.Body)
		}
		ev := eis.Evaluation{Setup: eis.EvalSetup{From: 2008, To: 2019, BudgetRule: ">= 3 allegations in 12 months"},
			Fairness: eis.Fairness{EthnicityGroups: "force", Labels: map[string][]eis.FairnessGroup{"upheld": {
				{Attribute: "all", Group: "all officers scored", Scored: 1000, BaseRate: 0.02,
					Rule: eis.FairnessRate{FlagRate: 0.1, Precision: 0.05, Recall: 0.25, FlagToBase: 5}},
				{Attribute: "sex", Group: "female", Scored: 300, BaseRate: 0.01,
					Rule: eis.FairnessRate{FlagRate: 0.05, Precision: 0.04, Recall: 0.2, FlagToBase: 5}},
			}}}}
		report, _ := json.Marshal(ev)
		if err := f.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveEISRun(ctx, &store.EISRun{At: f.now, Kind: "evaluation", Model: "logistic", Report: report})
		}); err != nil {
			t.Fatal(err)
		}
		rec = psd.do(t, "GET", "/api/v1/eis/fairness", "", "")
		var got struct {
			From            int                            `json:"from"`
			EthnicityGroups string                         `json:"ethnicity_groups"`
			Labels          map[string][]eis.FairnessGroup `json:"labels"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.From != 2008 || len(got.Labels["upheld"]) != 2 || got.EthnicityGroups != "force" {
			t.Fatalf("fairness: %d %s", rec.Code, rec.Body)
		}
		rec = psd.do(t, "GET", "/eis/fairness", "", "")
		for _, want := range []string{"Outcome: an allegation, later upheld", "sex: female", "1.0%", "5.00",
			"Ethnicity groups are the force&#39;s own, as declared in the import mapping"} {
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("fairness page lacks %q (%d)", want, rec.Code)
			}
		}
		if rec := f.login(t, access.Supervisor).do(t, "GET", "/eis/fairness", "", ""); rec.Code != 403 {
			t.Errorf("fairness page for a supervisor: %d, want 403", rec.Code)
		}
	})
}
