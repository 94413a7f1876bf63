package web_test

import (
	"database/sql"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// TestSpeakUpAnonymousReportIsDatedOnlyByItsDay: nothing places an
// anonymous report more finely than its day. A named report (exact time)
// is sent before it and another after; then each channel that could
// date it between them is looked at: the audit sequence, the reference,
// the stored rows' physical order and row versions, and the conduct
// matter raised from it.
func TestSpeakUpAnonymousReportIsDatedOnlyByItsDay(t *testing.T) {
	eachRawFixture(t, func(t *testing.T, f *fixture, raw *sql.DB) {
		postgres := raw.QueryRow(`SELECT sqlite_version()`).Scan(new(string)) != nil
		day := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		f.now = day.Add(10 * time.Hour)
		refA, _ := submit(t, f, namedReport("Overtime claims for shifts not worked."))
		f.now = f.now.Add(7 * time.Minute)
		refX, receiptX := submit(t, f, map[string]any{"what": "The sergeant takes cash from detainees' property.", "category": "corruption",
			"anonymous": true, "attachments": []map[string]string{{"filename": "a.png", "content_base64": base64.StdEncoding.EncodeToString(smallPNG(t))}}})
		f.now = f.now.Add(7 * time.Minute)
		refB, _ := submit(t, f, namedReport("Racist remarks at the briefing."))
		a, x, b := reportIDOf(t, f, refA), reportIDOf(t, f, refX), reportIDOf(t, f, refB)

		// The audit sequence: A's and B's entries are neighbours, and X
		// has none yet.
		entryOf := func(reportID string) []audit.Entry {
			t.Helper()
			page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: reportID})
			if err != nil {
				t.Fatal(err)
			}
			return page.Entries
		}
		ea, eb := entryOf(a), entryOf(b)
		if len(ea) != 1 || len(eb) != 1 || eb[0].Seq != ea[0].Seq+1 {
			t.Fatalf("named reports' entries %+v %+v: want neighbours", ea, eb)
		}
		if ex := entryOf(x); len(ex) != 0 {
			t.Fatalf("the anonymous report is in the chain at once: %+v", ex)
		}

		// The stored rows' order: a probe that sees the order of writing
		// (shown here before the batch, to prove that it can).
		order := func(table, idCol string, ids ...string) []string {
			t.Helper()
			q := `SELECT ` + idCol + ` FROM ` + table + ` ORDER BY rowid`
			if postgres {
				q = `SELECT ` + idCol + ` FROM ` + table + ` ORDER BY ctid`
			}
			rows, err := raw.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				if slices.Contains(ids, s) {
					got = append(got, s)
				}
			}
			return got
		}
		versions := func() []string { // PostgreSQL: by the transaction that wrote each row
			t.Helper()
			if !postgres {
				return nil
			}
			rows, err := raw.Query(`SELECT id FROM speakup_reports ORDER BY xmin::text::bigint`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				got = append(got, s)
			}
			return got
		}
		if got := order("speakup_reports", "id", a, x, b); !slices.Equal(got, []string{a, x, b}) {
			t.Fatalf("before the batch the rows are in the order %v; the probe proves nothing", got)
		}

		if n, oldest, err := f.db.PendingSpeakUpAudit(ctx); err != nil || n != 1 || !oldest.Equal(day) {
			t.Fatalf("before the batch: %d entries waiting, oldest %v (%v); want 1 from %v", n, oldest, err, day)
		}

		// The batch waits until the day is over, and an hour more.
		f.now = day.Add(24*time.Hour + 30*time.Minute)
		if n, err := f.srv.SettleSpeakUp(ctx); err != nil || n != 0 {
			t.Fatalf("settled %d (%v) at half past midnight", n, err)
		}
		f.now = day.Add(25 * time.Hour)
		refC, _ := submit(t, f, namedReport("A third report, the next day.")) // the chain has moved on
		if n, err := f.srv.SettleSpeakUp(ctx); err != nil || n != 1 {
			t.Fatalf("settled %d (%v), want 1", n, err)
		}
		if n, err := f.srv.SettleSpeakUp(ctx); err != nil || n != 0 {
			t.Fatalf("settled again: %d (%v)", n, err)
		}
		if n, _, err := f.db.PendingSpeakUpAudit(ctx); err != nil || n != 0 {
			t.Fatalf("after the batch: %d entries waiting (%v)", n, err)
		}
		ex := entryOf(x)
		ec := entryOf(reportIDOf(t, f, refC))
		if len(ex) != 1 || !ex[0].At.Equal(day) || ex[0].Seq <= ec[0].Seq || ex[0].ActorID != "" || ex[0].Source != "" ||
			ex[0].ActorName != "anonymous reporter" || ex[0].Action != audit.Collect {
			t.Fatalf("the anonymous report's entry %+v, want dated %v and after the next day's %d", ex, day, ec[0].Seq)
		}
		report, err := f.db.VerifyAudit(ctx, audit.NewVerifier(testSigner(t).Public()))
		if err != nil || !report.OK {
			t.Fatalf("audit verify after the batch: %+v %v", report, err)
		}

		// After the batch the rows lie in the batch's place.
		if got := order("speakup_reports", "id", a, x, b); !slices.Equal(got, []string{a, b, x}) {
			t.Errorf("after the batch the rows are in the order %v, want the anonymous report last", got)
		}
		if postgres {
			if got := versions(); slices.Index(got, x) < slices.Index(got, b) {
				t.Errorf("after the batch the row versions say %v", got)
			}
			var vx, va string
			if err := raw.QueryRow(`SELECT xmin::text FROM speakup_reports WHERE id = $1`, x).Scan(&vx); err != nil {
				t.Fatal(err)
			}
			if err := raw.QueryRow(`SELECT xmin::text FROM speakup_attachments WHERE report_id = $1`, x).Scan(&va); err != nil || va != vx {
				t.Errorf("the attachment's row version %s, the report's %s (%v)", va, vx, err)
			}
		}

		// A follow-up message waits for its own day's batch likewise.
		more := "It happens on Tuesdays."
		if rec := thread(t, f, refX, receiptX, &more); rec.Code != 200 {
			t.Fatalf("follow-up: %d %s", rec.Code, rec.Body)
		}
		if got := entryOf(x); len(got) != 1 {
			t.Fatalf("the follow-up is in the chain at once: %+v", got)
		}
		f.now = day.Add(49 * time.Hour)
		if n, err := f.srv.SettleSpeakUp(ctx); err != nil || n != 1 {
			t.Fatalf("settled the follow-up: %d (%v)", n, err)
		}
		if got := entryOf(x); len(got) != 2 || !got[0].At.Equal(day.Add(24*time.Hour)) {
			t.Fatalf("the follow-up's entry %+v", got)
		}

		// References are drawn at random, not numbered in one series.
		refs := []string{refA, refX, refB, refC}
		for i := range 8 {
			r := map[string]any{"what": "Report " + strconv.Itoa(i), "category": "other", "anonymous": true}
			if i%2 == 0 {
				r = namedReport("Report " + strconv.Itoa(i))
			}
			ref, _ := submit(t, f, r)
			refs = append(refs, ref)
		}
		var nums []int
		for _, ref := range refs {
			if !speakup.ValidReference(ref) || len(ref) != len("SU/2026/000000000") {
				t.Fatalf("reference %q", ref)
			}
			n, _ := strconv.Atoi(ref[len("SU/2026/"):])
			nums = append(nums, n)
		}
		for i := 1; i < len(nums); i++ {
			if d := nums[i] - nums[i-1]; d == 1 || d == -1 {
				t.Errorf("references %v: two in a row are consecutive", refs)
			}
		}
		if slices.IsSorted(nums) {
			t.Errorf("references %v are in the order they were given", refs)
		}

		// The guardians' list is audited without its length.
		guardian := f.login(t, access.Guardian)
		if rec := guardian.do(t, "GET", "/api/v1/speakup/reports", "", ""); rec.Code != 200 {
			t.Fatal(rec.Code)
		}
		page, _ := f.db.AuditEntries(ctx, store.AuditFilter{ActorID: f.users[access.Guardian].ID, Limit: 1})
		if len(page.Entries) != 1 || page.Entries[0].RecordType != "speakup-list" || strings.ContainsAny(page.Entries[0].Reason, "0123456789") {
			t.Errorf("list entry %+v", page.Entries)
		}

		// A conduct matter raised from the report is received and
		// recorded when it is raised, by Probity, not at midnight by the
		// guardian.
		f.now = time.Date(2026, 6, 3, 14, 5, 9, 0, time.UTC)
		guardian = f.login(t, access.Guardian)
		rec := guardian.do(t, "POST", "/api/v1/speakup/reports/"+x+"/convert", "application/json", jsonBody(t, map[string]any{
			"unit_id": f.unitA.ID, "summary": "Cash taken from detainees' property in custody.", "category": "individual-behaviours",
			"subcategory": "impolite-language", "subjects": []string{f.subject}, "standards": []string{"authority-respect-courtesy"}}))
		if rec.Code != 201 {
			t.Fatalf("convert: %d %s", rec.Code, rec.Body)
		}
		caseID := decode(t, rec)["case_id"].(string)
		c, err := f.db.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if !c.ReceivedAt.Equal(f.now) || !c.CreatedAt.Equal(f.now) || !c.AroseOn.Equal(day) {
			t.Errorf("the conduct matter was received %v, recorded %v, arose %v", c.ReceivedAt, c.CreatedAt, c.AroseOn)
		}
		timeline, err := f.db.Timeline(ctx, caseID)
		if err != nil || len(timeline) == 0 {
			t.Fatalf("timeline %v %v", timeline, err)
		}
		for _, ev := range timeline {
			if !ev.At.Equal(f.now) || ev.Actor != "system" {
				t.Errorf("timeline event %+v: want at %v by system", ev, f.now)
			}
		}
		// (arose_on is a date on every case; the guardian may set it.)
		rec = f.login(t, access.PSDHead).do(t, "GET", "/api/v1/cases/"+caseID, "", "")
		seen := strings.Replace(rec.Body.String(), `"arose_on":"2026-06-01T00:00:00Z"`, "", 1)
		if rec.Code != 200 || strings.Contains(seen, f.users[access.Guardian].ID) || strings.Contains(seen, "2026-06-01") {
			t.Errorf("the case as case workers see it: %d %s", rec.Code, rec.Body)
		}
	})
}
