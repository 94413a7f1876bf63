package web_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// addCase records one more case against officers, for a test.
func (f *fixture) addCase(t *testing.T, unit string, restricted bool, category, sub string, subjects ...string) cases.Case {
	t.Helper()
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	var subs []cases.Subject
	for _, s := range subjects {
		subs = append(subs, cases.Subject{OfficerID: s})
	}
	c := cases.Case{Kind: cases.Complaint, ForceID: f.unitA.ForceID, UnitID: unit, Summary: "Added for a test", Restricted: restricted,
		AroseOn: f.now.AddDate(0, -3, 0), ReceivedAt: f.now.AddDate(0, -2, -3),
		Allegations: []cases.Allegation{{Category: category, Subcategory: sub, Subjects: subs}}}
	if err := c.Validate(ref, f.now); err != nil {
		t.Fatal(err)
	}
	c.Prepare(ref, f.now)
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCase(ctx, &c, "test", f.now) }); err != nil {
		t.Fatal(err)
	}
	return c
}

type historyJSON []map[string]any

// checkHistory checks one list of allegations as a viewer sees it: the
// cases they may open whole, the others as category and month only, and
// nothing of the cases left out.
func checkHistory(t *testing.T, who string, items historyJSON, visible, masked int) {
	t.Helper()
	var v, m int
	for _, it := range items {
		if it["case_visible"] == true {
			v++
			if it["case_id"] == "" || it["reference"] == "" || it["received_at"] == nil {
				t.Errorf("%s: an open case shown without its id, reference or time: %v", who, it)
			}
			continue
		}
		m++
		keys := slices.Sorted(maps.Keys(it))
		if !slices.Equal(keys, []string{"case_visible", "category", "month", "note"}) || it["note"] != "a case you cannot open" ||
			len(it["month"].(string)) != 7 {
			t.Errorf("%s: a case they cannot open shows %v", who, it)
		}
	}
	if v != visible || m != masked {
		t.Errorf("%s: %d cases shown whole and %d by category and month, want %d and %d: %v", who, v, m, visible, masked, items)
	}
}

// TestOfficerHistoryShowsOnlyWhatTheViewerMayKnow: restricted cases and
// cases the viewer is in are left out of officer histories entirely; the
// other cases the viewer cannot open show category group and month only;
// the pattern panel keeps its warning without saying where it comes from.
func TestOfficerHistoryShowsOnlyWhatTheViewerMayKnow(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		sexual := f.addCase(t, f.unitA.ID, true, "sexual-conduct", "sexual-assault", f.subject)
		hidden := append(hiddenMarks(t, f), sexual.ID, sexual.Reference, "sexual", "sexual-conduct")
		var masked []string
		for _, rel := range []string{relOtherUnit, relShared} {
			c, _ := f.db.Case(ctx, f.cases[rel])
			masked = append(masked, c.ID, c.Reference)
		}
		h := f.login(t, access.Handler)
		var view struct {
			Allegations historyJSON `json:"allegations"`
			Warnings    []string    `json:"warnings"`
		}
		rec := h.do(t, "GET", "/api/v1/officers/"+f.subject, "", "")
		if err := json.Unmarshal(rec.Body.Bytes(), &view); err != nil || rec.Code != 200 {
			t.Fatalf("officer: %d %s", rec.Code, rec.Body)
		}
		if body := rec.Body.String(); containsAny(body, hidden) || containsAny(body, masked) {
			t.Errorf("the handler's view of the officer names a case left out or masked:\n%s", body)
		}
		checkHistory(t, "handler", view.Allegations, 2, 2) // own and same unit; other unit and shared
		if len(view.Warnings) != 0 {
			t.Errorf("officer page warnings %v come from a case the handler may not open", view.Warnings)
		}
		// The pattern panel of a case the handler has open warns of the
		// restricted allegation without showing it.
		rec = h.do(t, "GET", "/api/v1/cases/"+f.cases[relSameUnit], "", "")
		var cv struct {
			Pattern []struct {
				OfficerID string      `json:"officer_id"`
				Others    historyJSON `json:"other_allegations"`
				Warnings  []string    `json:"warnings"`
			} `json:"pattern"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &cv); err != nil || len(cv.Pattern) != 1 {
			t.Fatalf("case: %d %s", rec.Code, rec.Body)
		}
		if !slices.Equal(cv.Pattern[0].Warnings, []string{"sexual misconduct"}) {
			t.Errorf("pattern warnings %v, want the restricted case's concern", cv.Pattern[0].Warnings)
		}
		checkHistory(t, "pattern panel", cv.Pattern[0].Others, 1, 2)
		others, _ := json.Marshal(cv.Pattern[0].Others)
		if containsAny(string(others), hidden[:len(hidden)-2]) || containsAny(string(others), masked) {
			t.Errorf("the pattern panel names a case left out or masked: %s", others)
		}
		// A co-subject's page does not show the case against the viewer.
		rec = h.do(t, "GET", "/api/v1/officers/"+f.users[access.Investigator].OfficerID, "", "")
		view.Allegations = nil
		if err := json.Unmarshal(rec.Body.Bytes(), &view); err != nil || rec.Code != 200 || len(view.Allegations) != 0 {
			t.Errorf("a co-subject's record shows the case against the handler: %d %s", rec.Code, rec.Body)
		}
		// The page, likewise.
		body := h.do(t, "GET", "/officers/"+f.subject, "", "").Body.String()
		if !strings.Contains(body, "a case you cannot open") || containsAny(body, hidden) || containsAny(body, masked) {
			t.Errorf("the officer page:\n%s", body)
		}

		// A supervisor opens no case: every allegation they may know of
		// is masked, and those in restricted cases or against themselves
		// are left out.
		sup := f.login(t, access.Supervisor)
		rec = sup.do(t, "GET", "/api/v1/officers/"+f.subject, "", "")
		view.Allegations = nil
		if err := json.Unmarshal(rec.Body.Bytes(), &view); err != nil || rec.Code != 200 {
			t.Fatalf("supervisor: %d %s", rec.Code, rec.Body)
		}
		checkHistory(t, "supervisor", view.Allegations, 0, 4)
		if containsAny(rec.Body.String(), hidden) {
			t.Errorf("the supervisor's view names a case left out:\n%s", rec.Body)
		}
	})
}

// TestSupervisorsReadOnlyTheirOfficers: a supervisor reads the officers
// posted in their units and those whose flags they review, no others.
func TestSupervisorsReadOnlyTheirOfficers(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		var elsewhere, reviewed officers.Officer
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			run := &store.EISRun{At: f.now, Kind: "run", Model: "logistic"}
			if err := tx.SaveEISRun(ctx, run); err != nil {
				return err
			}
			for i, o := range []*officers.Officer{&elsewhere, &reviewed} {
				*o = officers.Officer{ForceID: f.unitB.ForceID, CollarNumber: "T" + string(rune('1'+i)), FamilyName: "Transferred",
					Rank: "constable", UnitID: f.unitB.ID, JoinedOn: f.now.AddDate(-5, 0, 0)}
				if err := tx.CreateOfficer(ctx, o, f.now); err != nil {
					return err
				}
			}
			// Flagged while in unit A, since moved to unit B.
			_, err := tx.RaiseFlag(ctx, &eis.Flag{OfficerID: reviewed.ID, RunID: run.ID, RaisedAt: f.now, Source: eis.SourceRule,
				RuleName: "r1", Score: 3, UnitID: f.unitA.ID, Explanation: eis.Explanation{Summary: "Rule met."}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sup := f.login(t, access.Supervisor)
		for _, tc := range []struct {
			officer string
			want    int
		}{{f.subject, 200}, {reviewed.ID, 200}, {elsewhere.ID, 404}} {
			for _, path := range []string{"/api/v1/officers/", "/officers/"} {
				if rec := sup.do(t, "GET", path+tc.officer, "", ""); rec.Code != tc.want {
					t.Errorf("supervisor GET %s%s: %d, want %d", path, tc.officer, rec.Code, tc.want)
				}
			}
		}
		if rec := f.login(t, access.Handler).do(t, "GET", "/api/v1/officers/"+elsewhere.ID, "", ""); rec.Code != 200 {
			t.Errorf("a handler reads any officer: %d", rec.Code)
		}
	})
}
