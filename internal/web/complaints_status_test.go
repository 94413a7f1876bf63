package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/store"
)

// moveCase takes workflow actions on a case as staff would.
func moveCase(t *testing.T, f *fixture, reference string, actions ...cases.ActionInput) {
	t.Helper()
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.db.CaseByReference(ctx, reference)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range actions {
		read := c.Version
		ev, err := cases.Apply(&c, in, []string{cases.RoleHandler}, ref, f.now)
		if err != nil {
			t.Fatal(err)
		}
		ev.Actor = "test"
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.SaveTransition(ctx, &c, read, &ev, f.now) }); err != nil {
			t.Fatal(err)
		}
	}
}

func TestComplaintStatus(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		rec := f.postComplaint(t, "k-status", complaintJSON(t, nil))
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 201 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		status := func(reference, receipt string) *httptest.ResponseRecorder {
			b, _ := json.Marshal(map[string]string{"reference": reference, "receipt": receipt})
			return f.send(t, req{method: "POST", path: "/api/v1/complaints/status", contentType: "application/json", body: string(b)})
		}
		// Typed in lower case without dashes: still the receipt.
		typed := strings.ToLower(strings.ReplaceAll(got["receipt"], "-", " "))
		ok := status(strings.ToLower(got["reference"]), typed)
		if ok.Code != 200 {
			t.Fatalf("%d %s", ok.Code, ok.Body)
		}
		var st map[string]any
		_ = json.Unmarshal(ok.Body.Bytes(), &st)
		if st["reference"] != got["reference"] || st["status"] != intake.PlainState(cases.Received) || len(st) != 2 {
			t.Fatalf("status answer %v: want the reference and the plain state only", st)
		}

		other, _ := receipt.Complaint.Issue()
		wrongReceipt := status(got["reference"], other)
		unknownRef := status("CO/2026/999999", got["receipt"])
		if wrongReceipt.Code != 404 || unknownRef.Code != 404 || wrongReceipt.Body.String() != unknownRef.Body.String() {
			t.Fatalf("wrong receipt %d %s; unknown reference %d %s: want identical 404s", wrongReceipt.Code, wrongReceipt.Body,
				unknownRef.Code, unknownRef.Body)
		}
		if !strings.Contains(wrongReceipt.Body.String(), "no complaint matches that reference and receipt") {
			t.Errorf("404 body %s", wrongReceipt.Body)
		}
		// A staff-made case has no receipt and cannot be checked.
		staffCase, _ := f.db.Case(ctx, f.cases[relSameUnit])
		if r := status(staffCase.Reference, got["receipt"]); r.Code != 404 || r.Body.String() != unknownRef.Body.String() {
			t.Errorf("a case without a receipt: %d %s", r.Code, r.Body)
		}
		if bad := status("nonsense", "short"); bad.Code != 422 || !problemOf(t, bad).names("reference") || !problemOf(t, bad).names("receipt") {
			t.Errorf("malformed: %d %s", bad.Code, bad.Body)
		}

		// Recorded under Schedule 3, the complainant is owed updates.
		moveCase(t, f, got["reference"], cases.ActionInput{Action: cases.ActMakeInitialContact},
			cases.ActionInput{Action: cases.ActRecordSch3, Reasons: "The complainant asked for it to be recorded."})
		later := status(got["reference"], got["receipt"])
		var st2 struct {
			Status       string                      `json:"status"`
			NextDeadline struct{ Title, Due string } `json:"next_deadline"`
		}
		if err := json.Unmarshal(later.Body.Bytes(), &st2); err != nil || later.Code != 200 {
			t.Fatalf("%d %s", later.Code, later.Body)
		}
		wantTitle, _ := intake.PlainDeadline(cases.ClockProgressUpdate)
		if st2.Status != intake.PlainState(cases.RecordedSch3) || st2.NextDeadline.Title != wantTitle || st2.NextDeadline.Due != "2026-06-29" {
			t.Fatalf("status after recording: %s", later.Body)
		}

		// The HTML form: the receipt travels in the body.
		page := f.send(t, req{method: "POST", path: "/complaint-status", contentType: "application/x-www-form-urlencoded",
			body: url.Values{"reference": {got["reference"]}, "receipt": {got["receipt"]}}.Encode()})
		if page.Code != 200 || !strings.Contains(page.Body.String(), "formally recorded") ||
			!strings.Contains(page.Body.String(), "Your next progress update is due by Monday 29 June 2026.") {
			t.Fatalf("status page: %d %s", page.Code, page.Body)
		}
		wrong := f.send(t, req{method: "POST", path: "/complaint-status", contentType: "application/x-www-form-urlencoded",
			body: url.Values{"reference": {got["reference"]}, "receipt": {other}}.Encode()})
		if wrong.Code != 404 || strings.Contains(wrong.Body.String(), other) {
			t.Fatalf("wrong receipt page: %d (the receipt must not be echoed)", wrong.Code)
		}
		if get := f.send(t, req{method: "GET", path: "/complaint-status"}); get.Code != 200 ||
			!strings.Contains(get.Body.String(), `method="post" action="/complaint-status"`) {
			t.Fatalf("status form: %d", get.Code)
		}
	})
}
