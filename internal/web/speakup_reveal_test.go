package web_test

import (
	"database/sql"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// TestSpeakUpNamedIdentity: a named reporter's identity is sealed, shown
// only to a guardian whose request to reveal it two other guardians
// approved (?identity=true included), audited as a disclosure without the
// identity, and refused to everyone else.
func TestSpeakUpNamedIdentity(t *testing.T) {
	eachRawFixture(t, func(t *testing.T, f *fixture, raw *sql.DB) {
		guardian := f.login(t, access.Guardian)
		second := addGuardian(t, f, "guardian2")
		third := addGuardian(t, f, "guardian3")
		ref, _ := submit(t, f, namedReport("Fraudulent overtime claims on the response team."))
		id := reportID(t, guardian, ref)

		rec := guardian.do(t, "GET", "/api/v1/speakup/reports/"+id, "", "")
		if rec.Code != 200 || strings.Contains(rec.Body.String(), nameCanary) || decode(t, rec)["received_at"] == nil {
			t.Fatalf("plain read: %d %s", rec.Code, rec.Body)
		}
		if rec = guardian.do(t, "GET", "/api/v1/speakup/reports/"+id+"?identity=true", "", ""); rec.Code != 422 {
			t.Fatalf("identity without a reason: %d %s", rec.Code, rec.Body)
		}
		// A reason alone is not enough: the query string goes through the
		// same approval as a reveal.
		q := "?identity=true&reason=" + url.QueryEscape("arranging a safe meeting with the reporter")
		for _, g := range []*client{guardian, second} {
			rec = g.do(t, "GET", "/api/v1/speakup/reports/"+id+q, "", "")
			if rec.Code != 403 || strings.Contains(rec.Body.String(), nameCanary) || !strings.Contains(rec.Body.String(), "reveal-requests") {
				t.Fatalf("identity read without an approved request: %d %s", rec.Code, rec.Body)
			}
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: id})
		if err != nil {
			t.Fatal(err)
		}
		refused := 0
		for _, e := range page.Entries {
			if e.Action == "access_denied" && strings.Contains(e.Reason, "without an approved reveal request") {
				refused++
			}
		}
		if refused != 2 {
			t.Errorf("%d refused identity reads audited, want 2", refused)
		}

		// Nobody else, whatever their rank.
		others := map[access.Role]*client{}
		for _, role := range []access.Role{access.PSDHead, access.Handler, access.Admin, access.Auditor, access.Authority} {
			c := f.login(t, role)
			others[role] = c
			for _, path := range []string{"/api/v1/speakup/reports/" + id + q, "/api/v1/speakup/reports"} {
				if rec := c.do(t, "GET", path, "", ""); rec.Code != 403 || strings.Contains(rec.Body.String(), nameCanary) {
					t.Errorf("%s GET %s: %d", role, path, rec.Code)
				}
			}
		}

		// An anonymous report has no identity to show or reveal.
		anonRef, _ := submit(t, f, map[string]any{"what": "x", "category": "other", "anonymous": true})
		anonID := reportID(t, guardian, anonRef)
		if rec := guardian.do(t, "GET", "/api/v1/speakup/reports/"+anonID+q, "", ""); rec.Code != 409 {
			t.Errorf("identity of an anonymous report: %d", rec.Code)
		}
		if rec := guardian.do(t, "POST", "/api/v1/speakup/reports/"+anonID+"/reveal-requests", "application/json",
			`{"reason":"the investigation needs a witness statement","recipient":"DI Marsh"}`); rec.Code != 409 {
			t.Errorf("reveal request on an anonymous report: %d", rec.Code)
		}

		// Revealing takes two guardians besides the one who asks.
		rec = guardian.do(t, "POST", "/api/v1/speakup/reports/"+id+"/reveal-requests", "application/json", `{"reason":"","recipient":""}`)
		if rec.Code != 422 {
			t.Fatalf("empty reveal request: %d", rec.Code)
		}
		rec = guardian.do(t, "POST", "/api/v1/speakup/reports/"+id+"/reveal-requests", "application/json",
			`{"reason":"the misconduct investigation needs a witness statement","recipient":"DI Marsh, PSD investigations"}`)
		if rec.Code != 201 {
			t.Fatalf("reveal request: %d %s", rec.Code, rec.Body)
		}
		reqID := decode(t, rec)["request"].(map[string]any)["id"].(string)
		approve := func(c *client) *httptest.ResponseRecorder {
			return c.do(t, "POST", "/api/v1/speakup/reveal-requests/"+reqID+"/approve", "", "")
		}
		if approve(others[access.PSDHead]).Code != 403 {
			t.Error("the head of PSD may approve a reveal")
		}
		if rec = approve(guardian); rec.Code != 403 || !strings.Contains(rec.Body.String(), "other guardians") {
			t.Fatalf("the requester approving their own request: %d %s", rec.Code, rec.Body)
		}
		rec = approve(second)
		if rec.Code != 200 || decode(t, rec)["revealed"] != false || strings.Contains(rec.Body.String(), nameCanary) {
			t.Fatalf("first approval: %d %s", rec.Code, rec.Body)
		}
		if rec = approve(second); rec.Code != 409 {
			t.Fatalf("the same guardian approving twice: %d %s", rec.Code, rec.Body)
		}
		if rec = guardian.do(t, "GET", "/api/v1/speakup/reports/"+id+q, "", ""); rec.Code != 403 {
			t.Fatalf("identity read with one approval: %d %s", rec.Code, rec.Body)
		}
		rec = approve(third)
		if rec.Code != 200 {
			t.Fatalf("second approval: %d %s", rec.Code, rec.Body)
		}
		if out := decode(t, rec); out["revealed"] != true || strings.Contains(rec.Body.String(), nameCanary) {
			t.Fatalf("second approval: %v", out)
		}
		if rec = approve(third); rec.Code != 409 {
			t.Fatalf("approving a decided request: %d", rec.Code)
		}
		// Now the requester, and only the requester, reads the identity.
		if rec = second.do(t, "GET", "/api/v1/speakup/reports/"+id+q, "", ""); rec.Code != 403 {
			t.Fatalf("an approver reads the identity: %d %s", rec.Code, rec.Body)
		}
		rec = guardian.do(t, "GET", "/api/v1/speakup/reports/"+id+q, "", "")
		if rec.Code != 200 {
			t.Fatalf("identity read after approval: %d %s", rec.Code, rec.Body)
		}
		ident := decode(t, rec)["identity"].(map[string]any)
		if ident["name"] != nameCanary || ident["email"] != emailCanary || ident["phone"] != phoneCanary || ident["role"] != "staff" {
			t.Fatalf("identity %v", ident)
		}
		page, _ = f.db.AuditEntries(ctx, store.AuditFilter{RecordID: id})
		disclosed := false
		for _, e := range page.Entries {
			if e.Action == "disclose" && e.ActorID == f.users[access.Guardian].ID && len(e.Recipients) == 1 &&
				e.Recipients[0] == "DI Marsh, PSD investigations" && strings.Contains(e.Reason, "arranging a safe meeting") {
				disclosed = true
			}
		}
		if !disclosed {
			t.Error("the identity read is not audited as a disclosure to the recipient with its reason")
		}
		// The approval lapses.
		f.now = f.now.Add(speakup.RevealValidity + time.Minute)
		guardian = f.login(t, access.Guardian)
		if rec = guardian.do(t, "GET", "/api/v1/speakup/reports/"+id+q, "", ""); rec.Code != 403 {
			t.Fatalf("identity read after the approval lapsed: %d %s", rec.Code, rec.Body)
		}

		// The identity exists only sealed, and never in a log line or an
		// audit entry, though its reads are audited.
		// (Not the canary's four hex digits alone: hashes hold them by chance.)
		db := dump(t, raw, "")
		logged := f.logs.String() + auditText(t, f)
		for _, s := range []string{nameCanary, emailCanary, phoneCanary, "Oduya", "oduya.9e1f", "Northtown"} {
			if strings.Contains(db, s) {
				t.Errorf("%q is stored in plain text", s)
			}
			if strings.Contains(logged, s) {
				t.Errorf("%q is logged or audited", s)
			}
		}
		if !strings.Contains(logged, id) || !strings.Contains(logged, "guardian") {
			t.Fatal("the logs and audit do not mention the report; the search proves nothing")
		}
	})
}
