package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/store"
)

// The auditor's pages are asked in words and answer in words.

var nextPageLink = regexp.MustCompile(`href="(/audit/[a-z]+\?[^"]+)" id="next-page"`)

func caseReference(t *testing.T, f *fixture, rel string) string {
	t.Helper()
	c, err := f.db.Case(ctx, f.cases[rel])
	if err != nil {
		t.Fatal(err)
	}
	return c.Reference
}

// TestAuditorFindsWhoOpenedACase: a handler opens a case; the auditor asks
// by its reference and sees the handler's name and "Looked at", never the
// codes; and the question itself is recorded.
func TestAuditorFindsWhoOpenedACase(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		if resp := f.login(t, access.Handler).do(t, "GET", "/cases/"+f.cases[relSameUnit], "", ""); resp.Code != 200 {
			t.Fatalf("handler opening the case: %d", resp.Code)
		}
		ref := caseReference(t, f, relSameUnit)
		auditor := f.login(t, access.Auditor)
		resp := auditor.do(t, "GET", "/audit/record?kind=case&ref="+url.QueryEscape(ref), "", "")
		if resp.Code != 200 {
			t.Fatalf("who saw %s: %d %s", ref, resp.Code, resp.Body.String())
		}
		body := resp.Body.String()
		for _, want := range []string{"Who saw or changed Case " + ref, "Test handler", "Looked at", "Case " + ref} {
			if !strings.Contains(body, want) {
				t.Errorf("the answer lacks %q", want)
			}
		}
		for _, code := range []string{">consult<", f.cases[relSameUnit] + "<", ">success<"} {
			if strings.Contains(body, code) {
				t.Errorf("the answer shows the code %q", code)
			}
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.Auditor].ID, RecordID: f.cases[relSameUnit]})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) == 0 || page.Entries[0].RecordType != "audit-log" {
			t.Errorf("the auditor's question was not recorded: %+v", page.Entries)
		}
	})
}

// TestAuditQueriesRefuseBadInput: each fault is named beside its field and
// in the summary, and what was typed is shown again.
func TestAuditQueriesRefuseBadInput(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		auditor := f.login(t, access.Auditor)
		for _, tc := range []struct{ path, want, typed string }{
			{"/audit/record?kind=case&ref=CO%2F1999%2F999999", "No case is known by that", "CO/1999/999999"},
			{"/audit/record?kind=vehicle&ref=x", "Choose what kind of record to look for", ""},
			{"/audit/record?kind=case&ref=", "Enter the reference or collar number", ""},
			{"/audit/user?ref=nobody.here", "No account has that username", "nobody.here"},
			{"/audit/user?ref=handler&from=2026-02-31", "Enter a real date", "2026-02-31"},
			{"/audit/user?ref=handler&from=2026-05-02&to=2026-05-01", "The end date must be on or after the start date", "2026-05-02"},
		} {
			resp := auditor.do(t, "GET", tc.path, "", "")
			body := resp.Body.String()
			if resp.Code != 422 || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="error-summary"`) {
				t.Errorf("%s: %d, want 422 saying %q with an error summary", tc.path, resp.Code, tc.want)
			}
			if tc.typed != "" && !strings.Contains(body, `value="`+tc.typed+`"`) {
				t.Errorf("%s: what was typed (%q) is not shown again", tc.path, tc.typed)
			}
		}
	})
}

// TestAuditPagesPageExportAndRefuseForgedCursors: a long answer comes in
// pages through sealed cursors; an altered cursor is refused; the export
// holds every entry, defuses formulas, and is itself recorded.
func TestAuditPagesPageExportAndRefuseForgedCursors(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		caseID := f.cases[relOwn]
		for i := 0; i < 60; i++ {
			e := &audit.Entry{At: f.now, ActorID: f.users[access.Handler].ID, ActorName: "handler", Action: audit.Consult,
				RecordType: "case", RecordID: caseID, Outcome: audit.Success, Reason: "=HYPERLINK(\"http://evil.example\")"}
			if err := f.db.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		auditor := f.login(t, access.Auditor)
		ref := caseReference(t, f, relOwn)
		first := auditor.do(t, "GET", "/audit/record?kind=case&ref="+url.QueryEscape(ref), "", "")
		m := nextPageLink.FindStringSubmatch(first.Body.String())
		if first.Code != 200 || m == nil {
			t.Fatalf("first page: %d, next link %v", first.Code, m)
		}
		if n := strings.Count(first.Body.String(), `<tr class="govuk-table__row">`) - 1; n != 50 {
			t.Errorf("first page holds %d entries, want 50", n)
		}
		next := strings.ReplaceAll(m[1], "&amp;", "&")
		second := auditor.do(t, "GET", next, "", "")
		if second.Code != 200 || nextPageLink.MatchString(second.Body.String()) {
			t.Errorf("second page: %d, and it should be the last", second.Code)
		}
		u, _ := url.Parse(next)
		q := u.Query()
		cur := q.Get("cursor")
		q.Set("cursor", cur[:len(cur)-2]+"AA")
		if resp := auditor.do(t, "GET", "/audit/record?"+q.Encode(), "", ""); resp.Code != 400 {
			t.Errorf("an altered cursor: %d, want 400", resp.Code)
		}
		q.Set("cursor", cur)
		q.Set("ref", caseReference(t, f, relSameUnit))
		if resp := auditor.do(t, "GET", "/audit/record?"+q.Encode(), "", ""); resp.Code != 400 {
			t.Errorf("a cursor carried to another record: %d, want 400", resp.Code)
		}

		exp := auditor.do(t, "GET", "/audit/record/export?kind=case&ref="+url.QueryEscape(ref), "", "")
		if exp.Code != 200 || !strings.HasPrefix(exp.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", exp.Code, exp.Header().Get("Content-Type"))
		}
		csv := exp.Body.String()
		if n := strings.Count(csv, "'=HYPERLINK"); n != 60 {
			t.Errorf("export holds %d defused formulas, want 60", n)
		}
		if strings.Contains(csv, ",=HYPERLINK") || strings.Contains(csv, "\"=HYPERLINK") {
			t.Errorf("the export holds a live formula")
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.Auditor].ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) != 1 || page.Entries[0].Action != audit.Export || !strings.Contains(page.Entries[0].Reason, "entries") {
			t.Errorf("the export was not recorded: %+v", page.Entries)
		}
	})
}

// TestAuditorChecksTheChain: the check is run from the page, recorded in
// the log, and shown as the last check.
func TestAuditorChecksTheChain(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		auditor := f.login(t, access.Auditor)
		before := auditor.do(t, "GET", "/audit", "", "")
		if before.Code != 200 || !strings.Contains(before.Body.String(), "Not yet checked") {
			t.Fatalf("before a check: %d", before.Code)
		}
		resp := auditor.do(t, "POST", "/audit/verify", "", "")
		if resp.Code != 303 || resp.Header().Get("Location") != "/audit?checked=ok#chain" {
			t.Fatalf("check: %d to %q", resp.Code, resp.Header().Get("Location"))
		}
		after := auditor.do(t, "GET", "/audit?checked=ok", "", "").Body.String()
		for _, want := range []string{"The chain was checked and is sound", "Chain checked: sound", "Test auditor", "Latest checkpoint"} {
			if !strings.Contains(after, want) {
				t.Errorf("after the check the page lacks %q", want)
			}
		}
	})
}

// TestAuditShowsAnonymousReportersByDayOnly: an anonymous reporter's entry,
// once its batch has joined the chain, is found by the report's reference
// and shown with its day alone, never a time of day.
func TestAuditShowsAnonymousReportersByDayOnly(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		w := speakUpWorldOf(f)
		rep, err := f.db.SpeakUpReport(ctx, w.report)
		if err != nil {
			t.Fatal(err)
		}
		// As the day's batch appends it (speakup_audit.go): no actor id, no
		// source, the day alone.
		e := &audit.Entry{At: f.now.Truncate(24 * time.Hour), ActorName: "anonymous reporter", Action: audit.Alter,
			RecordType: "speakup", RecordID: w.report, Outcome: audit.Success, Reason: "reply added (time of day withheld: anonymous report)"}
		if err := f.db.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
		resp := f.login(t, access.Auditor).do(t, "GET", "/audit/record?kind=speakup&ref="+url.QueryEscape(rep.Reference), "", "")
		body := resp.Body.String()
		if resp.Code != 200 || !strings.Contains(body, "anonymous reporter") {
			t.Fatalf("who saw the report: %d", resp.Code)
		}
		if !strings.Contains(body, "<td class=\"govuk-table__cell\">1 June 2026</td>") || strings.Contains(body, "1 June 2026, 01:00") {
			t.Errorf("the reporter's entry is not shown by its day alone")
		}
	})
}
