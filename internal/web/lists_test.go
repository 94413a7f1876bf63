package web_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/store"
)

// hiddenMarks are the ids and references of the cases every fixture user
// must never learn of through a list: the one naming their own officer
// record, and the restricted one they are not named on.
func hiddenMarks(t *testing.T, f *fixture) []string {
	t.Helper()
	var out []string
	for _, rel := range []string{relConflicted, relRestricted} {
		c, err := f.db.Case(ctx, f.cases[rel])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c.ID, c.Reference)
	}
	return out
}

type listPage struct {
	Items []struct {
		ID        string `json:"id"`
		Reference string `json:"reference"`
	} `json:"items"`
	Next string `json:"next_cursor"`
}

// walk reads a list from its first page to its last, following
// next_cursor, and returns every body and cursor it saw and the ids of the
// items listed.
func walk(t *testing.T, c *client, path string) (seen []string, ids []string) {
	t.Helper()
	cursor := ""
	for range 50 {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		rec := c.do(t, "GET", p, "", "")
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body)
		}
		var page listPage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		seen = append(seen, rec.Body.String())
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.Next == "" {
			return seen, ids
		}
		if len(page.Items) == 0 {
			t.Errorf("GET %s: an empty page with a cursor", p)
		}
		raw, err := base64.RawURLEncoding.DecodeString(page.Next)
		if err != nil {
			t.Fatalf("cursor %q is not base64url: %v", page.Next, err)
		}
		seen = append(seen, page.Next, string(raw))
		cursor = page.Next
	}
	t.Fatalf("GET %s: more than 50 pages", path)
	return nil, nil
}

// TestListsNeverShowHiddenCases walks every page of the case list, with
// pages of one and larger, with the filters an attacker would use, as each
// role that reads cases: every fixture user is a subject of the conflicted
// case and not named on the restricted one. Neither case may show in any
// body or cursor, decoded or not.
func TestListsNeverShowHiddenCases(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		hidden := hiddenMarks(t, f)
		for _, role := range []access.Role{access.Handler, access.Investigator, access.Authority, access.PSDHead, access.Oversight} {
			c := f.login(t, role)
			own := f.users[role].OfficerID
			want := map[string]bool{}
			for _, rel := range relations {
				if rec := c.do(t, "GET", "/api/v1/cases/"+f.cases[rel], "", ""); rec.Code == 200 {
					want[f.cases[rel]] = true
				}
			}
			for _, q := range []string{"", "officer=" + own, "officer=" + f.subject, "q=standing", "q=conflicted", "q=restricted",
				"unit=" + f.unitA.ID, "kind=complaint"} {
				for _, limit := range []string{"1", "2", "3", "200"} {
					path := "/api/v1/cases?limit=" + limit + "&" + q
					seen, ids := walk(t, c, path)
					for _, body := range seen {
						for _, h := range hidden {
							if strings.Contains(body, h) {
								t.Errorf("%s: %s shows hidden %s in %q", role, path, h, body)
							}
						}
					}
					got := map[string]bool{}
					for _, id := range ids {
						if got[id] {
							t.Errorf("%s: %s lists %s twice", role, path, id)
						}
						got[id] = true
						if !want[id] {
							t.Errorf("%s: %s lists %s, which they cannot open", role, path, id)
						}
					}
					if q == "" && len(got) != len(want) {
						t.Errorf("%s: %s lists %d cases, want the %d they can open", role, path, len(got), len(want))
					}
				}
			}
			if role != access.Oversight {
				if body := c.do(t, "GET", "/", "", "").Body.String(); containsAny(body, hidden) {
					t.Errorf("%s: the start page shows a hidden case", role)
				}
			}
		}
	})
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// TestFlagListsNeverShowOwnFlags walks the flag queue (API and page) as
// the supervisor, whose own record holds the newest flags in their unit:
// none of them may show, nor name itself through a cursor.
func TestFlagListsNeverShowOwnFlags(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		w := eisWorldOf(f)
		hidden := []string{w.own}
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			run := &store.EISRun{At: f.now, Kind: "run", Model: "logistic"}
			if err := tx.SaveEISRun(ctx, run); err != nil {
				return err
			}
			for _, rule := range []string{"r2", "r3", "r4"} {
				fl := &eis.Flag{OfficerID: f.users[access.Supervisor].OfficerID, RunID: run.ID, RaisedAt: f.now.Add(time.Hour),
					Source: eis.SourceRule, RuleName: rule, Score: 4, UnitID: f.unitA.ID, Explanation: eis.Explanation{Summary: "Own."}}
				if _, err := tx.RaiseFlag(ctx, fl); err != nil {
					return err
				}
				hidden = append(hidden, fl.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sup := f.login(t, access.Supervisor)
		for _, limit := range []string{"1", "2", "50"} {
			for _, q := range []string{"", "state=open", "officer=" + f.users[access.Supervisor].OfficerID} {
				path := "/api/v1/eis/flags?limit=" + limit + "&" + q
				seen, ids := walk(t, sup, path)
				for _, body := range seen {
					if containsAny(body, hidden) {
						t.Errorf("%s shows the supervisor's own flag: %q", path, body)
					}
				}
				if q != "officer="+f.users[access.Supervisor].OfficerID && (len(ids) != 1 || ids[0] != w.unitA) {
					t.Errorf("%s lists %v, want only the unit A flag", path, ids)
				}
			}
		}
		// The page, following its own next links.
		next := "/eis/flags?state=open&limit=1"
		link := regexp.MustCompile(`href="(/eis/flags\?[^"]+)"`)
		for range 10 {
			rec := sup.do(t, "GET", next, "", "")
			if rec.Code != 200 {
				t.Fatalf("GET %s: %d", next, rec.Code)
			}
			body := rec.Body.String()
			if containsAny(body, hidden) {
				t.Errorf("GET %s shows the supervisor's own flag", next)
			}
			m := link.FindStringSubmatch(strings.ReplaceAll(body, "&amp;", "&"))
			if m == nil || !strings.Contains(m[1], "cursor=") {
				break
			}
			next = m[1]
			cur, _ := url.ParseQuery(strings.SplitN(next, "?", 2)[1])
			raw, _ := base64.RawURLEncoding.DecodeString(cur.Get("cursor"))
			if containsAny(string(raw), hidden) {
				t.Errorf("the page's cursor names the supervisor's own flag")
			}
		}
		if body := sup.do(t, "GET", "/", "", "").Body.String(); containsAny(body, hidden) {
			t.Errorf("the start page shows the supervisor's own flag")
		}
	})
}

// TestForgedCursorsAreRefused: a cursor the list did not give, altered,
// in the old unauthenticated format, or carried to another query or
// caller, is refused with 400 naming the cursor, and the refusal audited.
func TestForgedCursorsAreRefused(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		h := f.login(t, access.Handler)
		var page listPage
		rec := h.do(t, "GET", "/api/v1/cases?limit=1&q=standing", "", "")
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || page.Next == "" {
			t.Fatalf("first page: %d %s", rec.Code, rec.Body)
		}
		good := page.Next
		altered := []byte(good)
		altered[3] ^= 2
		restricted, _ := f.db.Case(ctx, f.cases[relRestricted])
		// The old cursor: base64 of the receipt time and the id, placed
		// just above the restricted case.
		old := base64.RawURLEncoding.EncodeToString([]byte(restricted.ReceivedAt.Format(time.RFC3339Nano) + "|" + "0"))
		inv := f.login(t, access.Investigator)
		for _, tc := range []struct {
			name string
			c    *client
			path string
		}{
			{"made up", h, "/api/v1/cases?cursor=zzz"},
			{"altered", h, "/api/v1/cases?limit=1&q=standing&cursor=" + url.QueryEscape(string(altered))},
			{"old format", h, "/api/v1/cases?limit=1&q=restricted&cursor=" + old},
			{"another query", h, "/api/v1/cases?limit=1&q=restricted&cursor=" + good},
			{"no query", h, "/api/v1/cases?limit=1&cursor=" + good},
			{"another caller", inv, "/api/v1/cases?limit=1&q=standing&cursor=" + good},
			{"flags, made up", f.login(t, access.PSDHead), "/api/v1/eis/flags?cursor=zzz"},
		} {
			before := auditCount(t, f)
			rec := tc.c.do(t, "GET", tc.path, "", "")
			var p struct {
				Status int `json:"status"`
				Errors []struct {
					Field string `json:"field"`
				} `json:"errors"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" || p.Status != 400 ||
				len(p.Errors) != 1 || p.Errors[0].Field != "cursor" {
				t.Errorf("%s: %d %s %s, want 400 problem+json naming cursor", tc.name, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if n := auditCount(t, f) - before; n != 1 {
				t.Errorf("%s: %d audit entries, want the refusal's", tc.name, n)
			}
		}
		// The page answers a bad cursor with a page saying so.
		sup := f.login(t, access.Supervisor)
		if rec := sup.do(t, "GET", "/eis/flags?state=open&cursor=zzz", "", ""); rec.Code != 400 || !strings.Contains(rec.Body.String(), "cursor") {
			t.Errorf("flag page with a bad cursor: %d", rec.Code)
		}
		// A good cursor still works for its own query and caller.
		if rec := h.do(t, "GET", "/api/v1/cases?limit=1&q=standing&cursor="+good, "", ""); rec.Code != 200 {
			t.Errorf("the cursor given: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestSearchOracleIsGone: whether a hidden case holds a word changes
// nothing in the answer to a search for it. A visible case's note holds
// the words of the hidden cases' summaries and one word of its own; the
// three searches must answer alike, at every page size.
func TestSearchOracleIsGone(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.AddNote(ctx, &store.Note{CaseID: f.cases[relSameUnit], AuthorID: "fixture", At: f.now,
				Text: "Restricted, conflicted: the complainant crossed at the zebracrossing."})
		})
		if err != nil {
			t.Fatal(err)
		}
		h := f.login(t, access.Handler)
		for _, limit := range []string{"1", "50"} {
			none := h.do(t, "GET", "/api/v1/cases?limit="+limit+"&q=zebracrossing", "", "")
			for _, word := range []string{"restricted", "conflicted"} {
				rec := h.do(t, "GET", "/api/v1/cases?limit="+limit+"&q="+word, "", "")
				if rec.Code != none.Code || rec.Body.String() != none.Body.String() {
					t.Errorf("q=%s (a hidden case holds it too): %d %s; q=zebracrossing (no hidden case does): %d %s", word, rec.Code, rec.Body,
						none.Code, none.Body)
				}
			}
		}
	})
}

func auditCount(t *testing.T, f *fixture) int {
	t.Helper()
	n := 0
	for _, u := range f.users {
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: u.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Entries)
	}
	return n
}

// TestEveryListReadIsAudited: each read of a list writes one entry with
// its filters, an empty page too, and never the words searched for.
func TestEveryListReadIsAudited(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		latest := func(role access.Role) audit.Entry {
			t.Helper()
			page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[role].ID, Limit: 1})
			if err != nil || len(page.Entries) != 1 {
				t.Fatalf("audit of %s: %v %d", role, err, len(page.Entries))
			}
			return page.Entries[0]
		}
		h := f.login(t, access.Handler)
		for _, tc := range []struct {
			path  string
			shown string
		}{
			{"/api/v1/cases?q=Zanzibar+ferry&state=Received", "0 shown"},
			{"/api/v1/cases?q=standing", "2 shown"},
			{"/api/v1/cases?officer=" + f.users[access.Handler].OfficerID, "0 shown"},
		} {
			before := auditCount(t, f)
			if rec := h.do(t, "GET", tc.path, "", ""); rec.Code != 200 {
				t.Fatalf("%s: %d", tc.path, rec.Code)
			}
			if n := auditCount(t, f) - before; n != 1 {
				t.Errorf("%s: %d audit entries, want 1", tc.path, n)
			}
			e := latest(access.Handler)
			if e.Action != audit.Consult || e.RecordType != "case-list" || !strings.Contains(e.Reason, tc.shown) {
				t.Errorf("%s: audited as %s %s %q", tc.path, e.Action, e.RecordType, e.Reason)
			}
		}
		e := latest(access.Handler)
		if !strings.Contains(e.Reason, "officer="+f.users[access.Handler].OfficerID) {
			t.Errorf("the officer filter is not in the entry: %q", e.Reason)
		}
		// The words searched for never reach the log; their digest and
		// length do.
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.Handler].ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		digests := 0
		for _, e := range page.Entries {
			if strings.Contains(strings.ToLower(e.Reason), "zanzibar") || strings.Contains(e.Reason, "ferry") || strings.Contains(e.Reason, "standing") {
				t.Errorf("search text in the audit log: %q", e.Reason)
			}
			if regexp.MustCompile(`q=#[0-9a-f]{16} \(14 characters\)`).MatchString(e.Reason) {
				digests++
			}
		}
		if digests != 1 {
			t.Errorf("%d entries carry the digest of the 14-character search, want 1", digests)
		}
		// An empty flag queue, and the start page's lists.
		sup := f.login(t, access.Supervisor)
		if rec := sup.do(t, "GET", "/api/v1/eis/flags?state=closed", "", ""); rec.Code != 200 {
			t.Fatal(rec.Code)
		}
		if e := latest(access.Supervisor); e.RecordType != "eis-flag-list" || !strings.Contains(e.Reason, "0 shown") ||
			!strings.Contains(e.Reason, "state=closed") {
			t.Errorf("empty flag queue audited as %s %q", e.RecordType, e.Reason)
		}
		psd := f.login(t, access.PSDHead)
		before := auditCount(t, f)
		if rec := psd.do(t, "GET", "/", "", ""); rec.Code != 200 {
			t.Fatal(rec.Code)
		}
		if n := auditCount(t, f) - before; n != 4 {
			t.Errorf("the head of standards' start page wrote %d audit entries, want 4 (nearest deadlines, recent cases, break glass, flags)", n)
		}
	})
}
