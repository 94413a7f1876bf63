package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/web"
)

// What a reporter's requests carry that must never be kept.
const (
	reporterAddr = "203.0.113.99"
	uaCanary     = "Mozilla/5.0 (X11; canary-ua-5f2e9b71)"
	exifCanary   = "EXIF-CANARY-GPS-51.50N-owner-j.bloggs-44d0"
)

// Named-reporter canaries: they may exist only sealed.
const (
	nameCanary  = "Whistle Canary Oduya"
	emailCanary = "canary.oduya.9e1f@example.org"
	phoneCanary = "07700 900 417"
)

// reporterDo sends a request as a reporter would, from a known address
// and browser, optionally with a session cookie of a staff member signed
// in on the same browser.
func reporterDo(t *testing.T, f *fixture, method, path, contentType, body string, cookie ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = reporterAddr + ":51234"
	req.Header.Set("User-Agent", uaCanary)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, c := range cookie {
		req.AddCookie(&http.Cookie{Name: "probity_session", Value: c})
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jpegWithExif is a small valid JPEG with an APP1 Exif segment holding a
// canary, put in by hand after the start-of-image marker.
func jpegWithExif(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for y := range 16 {
		for x := range 24 {
			img.Set(x, y, color.RGBA{uint8(x * 10), uint8(y * 15), 90, 255})
		}
	}
	var base bytes.Buffer
	if err := jpeg.Encode(&base, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00"), exifCanary...)
	app1 := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	b := base.Bytes()
	out := append(append(append([]byte{}, b[:2]...), app1...), payload...)
	return append(out, b[2:]...)
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// submit sends a report through the API and returns its reference and
// receipt.
func submit(t *testing.T, f *fixture, report map[string]any, cookie ...string) (ref, receipt string) {
	t.Helper()
	rec := reporterDo(t, f, "POST", "/api/v1/speakup", "application/json", jsonBody(t, report), cookie...)
	if rec.Code != 201 {
		t.Fatalf("report: %d %s", rec.Code, rec.Body)
	}
	var out map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out["reference"], out["receipt"]
}

func namedReport(what string) map[string]any {
	return map[string]any{"what": what, "category": "corruption", "anonymous": false, "name": nameCanary,
		"email": emailCanary, "phone": phoneCanary, "role": "staff", "unit": "Custody, Northtown"}
}

// reportID finds a report's id through the guardians' list.
func reportID(t *testing.T, g *client, ref string) string {
	t.Helper()
	rec := g.do(t, "GET", "/api/v1/speakup/reports", "", "")
	if rec.Code != 200 {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	for _, it := range decode(t, rec)["items"].([]any) {
		m := it.(map[string]any)
		if m["reference"] == ref {
			return m["id"].(string)
		}
	}
	t.Fatalf("report %s is not in the guardians' list", ref)
	return ""
}

func thread(t *testing.T, f *fixture, ref, receipt string, text *string) *httptest.ResponseRecorder {
	t.Helper()
	req := map[string]any{"reference": ref, "receipt": receipt}
	if text != nil {
		req["text"] = *text
	}
	return reporterDo(t, f, "POST", "/api/v1/speakup/messages", "application/json", jsonBody(t, req))
}

// eachRawFixture is eachFixture with a second, plain connection to the
// same database, for looking at what is stored as it is stored.
func eachRawFixture(t *testing.T, fn func(t *testing.T, f *fixture, raw *sql.DB)) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			loc := e.New(t)
			f := newFixture(t, storetest.Open(t, loc), true)
			var raw *sql.DB
			var err error
			if loc.Dialect == store.SQLite {
				raw, err = sql.Open("sqlite", "file:"+loc.Path+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
			} else {
				raw, err = sql.Open("pgx", loc.URL)
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			fn(t, f, raw)
		})
	}
}

// dump writes every row of every table whose name starts with prefix
// ("" for all) as text, to search.
func dump(t *testing.T, raw *sql.DB, prefix string) string {
	t.Helper()
	var tables []string
	for _, q := range []string{`SELECT name FROM sqlite_master WHERE type = 'table'`,
		`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`} {
		rows, err := raw.Query(q)
		if err != nil {
			continue // the other engine's catalogue
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(n, prefix) {
				tables = append(tables, n)
			}
		}
		rows.Close()
		break
	}
	if len(tables) == 0 {
		t.Fatalf("no tables named %s*", prefix)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := raw.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatalf("dumping %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table)
			for i, v := range vals {
				switch x := v.(type) {
				case []byte:
					v = string(x)
				case time.Time:
					v = x.UTC().Format(time.RFC3339Nano)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return b.String()
}

// auditText is every audit entry as JSON: the audit export.
func auditText(t *testing.T, f *fixture) string {
	t.Helper()
	page, err := f.db.AuditEntries(ctx, store.AuditFilter{Limit: store.MaxAuditPage})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range page.Entries {
		j, _ := json.Marshal(e)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// addGuardian makes a second guardian and signs them in.
func addGuardian(t *testing.T, f *fixture, username string) *client {
	t.Helper()
	hash, err := access.Hasher{Params: access.TestParams}.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := access.User{Username: username, DisplayName: "Guardian " + username, Roles: []access.Role{access.Guardian}}
	secret, _, err := access.NewTOTPSecret(username)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u, hash, f.now); err != nil {
			return err
		}
		return tx.SetTOTP(ctx, u.ID, secret, true, 0)
	}); err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(secret, f.now)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{f: f}
	rec := c.do(t, "POST", "/api/v1/session", "application/json",
		`{"username":"`+username+`","password":"`+testPassword+`","totp":"`+code+`"}`)
	if rec.Code != 200 {
		t.Fatalf("login as %s: %d %s", username, rec.Code, rec.Body)
	}
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "probity_session" {
			c.cookie = ck.Value
		}
	}
	return c
}

// TestSpeakUpAnonymousRoundTrip: an anonymous report with a photograph,
// read and answered by a guardian, followed up by the reporter with the
// receipt; then everything stored is searched for what identifies them.
func TestSpeakUpAnonymousRoundTrip(t *testing.T) {
	eachRawFixture(t, func(t *testing.T, f *fixture, raw *sql.DB) {
		f.now = time.Date(2026, 6, 1, 9, 17, 23, 0, time.UTC)
		guardian := f.login(t, access.Guardian)
		signedInAt := f.now
		// The reporter is a member of staff whose browser is also signed
		// in to Probity: the report must not touch that session.
		f.now = f.now.Add(5 * time.Minute)
		const what = "In the custody suite the sergeant on nights takes cash from detainees' property. what-canary-31c7"
		photo := jpegWithExif(t)
		if !bytes.Contains(photo, []byte(exifCanary)) {
			t.Fatal("the photograph carries no metadata; the test proves nothing")
		}
		ref, receipt := submit(t, f, map[string]any{"what": what, "category": "corruption", "anonymous": true,
			"attachments": []map[string]string{{"filename": "IMG_20260601_0914.jpg", "content_base64": base64.StdEncoding.EncodeToString(photo)}}},
			guardian.cookie)
		if !speakup.ValidReference(ref) || !strings.HasPrefix(ref, "SU/2026/") {
			t.Fatalf("reference %q", ref)
		}
		if len(strings.ReplaceAll(receipt, "-", ""))*5 < 128 {
			t.Fatalf("receipt %q holds fewer than 128 bits", receipt)
		}
		sess, err := f.db.SessionByHash(ctx, access.HashToken(guardian.cookie))
		if err != nil || !sess.LastSeen.Equal(signedInAt) {
			t.Fatalf("the report touched the browser's session: last seen %v (%v), want %v", sess.LastSeen, err, signedInAt)
		}

		// The guardian reads it.
		id := reportID(t, guardian, ref)
		rec := guardian.do(t, "GET", "/api/v1/speakup/reports/"+id, "", "")
		if rec.Code != 200 {
			t.Fatalf("read: %d %s", rec.Code, rec.Body)
		}
		rep := decode(t, rec)
		if rep["what"] != what || rep["anonymous"] != true || rep["received_on"] != "2026-06-01" || rep["received_at"] != nil || rep["identity"] != nil {
			t.Fatalf("report as read: %v", rep)
		}
		atts := rep["attachments"].([]any)
		if len(atts) != 1 {
			t.Fatalf("attachments %v", atts)
		}
		att := atts[0].(map[string]any)
		rec = guardian.do(t, "GET", "/api/v1/speakup/reports/"+id+"/attachments/"+att["id"].(string), "", "")
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/jpeg" {
			t.Fatalf("download: %d %s", rec.Code, rec.Header())
		}
		if bytes.Contains(rec.Body.Bytes(), []byte(exifCanary)) || bytes.Contains(rec.Body.Bytes(), []byte("Exif")) {
			t.Fatal("the downloaded photograph still has its EXIF data")
		}
		// Read back from the database, not just from the handler.
		stored, err := f.db.SpeakUpAttachment(ctx, id, att["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(stored.Content, []byte(exifCanary)) || bytes.Contains(stored.Content, []byte("Exif")) {
			t.Fatal("the stored photograph still has its EXIF data")
		}
		if img, err := jpeg.Decode(bytes.NewReader(stored.Content)); err != nil || img.Bounds().Dx() != 24 || img.Bounds().Dy() != 16 {
			t.Fatalf("the stored photograph: %v", err)
		}

		// The guardian replies; the reporter reads the reply and adds more.
		rec = guardian.do(t, "POST", "/api/v1/speakup/reports/"+id+"/messages", "application/json",
			`{"text":"Thank you. Can you tell us which nights?"}`)
		if rec.Code != 201 {
			t.Fatalf("reply: %d %s", rec.Code, rec.Body)
		}
		f.now = f.now.Add(26 * time.Hour)
		guardian = f.login(t, access.Guardian) // the session timed out overnight
		rec = thread(t, f, ref, strings.ToUpper(receipt), nil)
		if rec.Code != 200 || rec.Body.Len()%4096 != 0 {
			t.Fatalf("thread: %d, %d bytes", rec.Code, rec.Body.Len())
		}
		v := decode(t, rec)
		msgs := v["messages"].([]any)
		if v["what"] != what || len(msgs) != 1 || msgs[0].(map[string]any)["from"] != "guardian" || msgs[0].(map[string]any)["guardian_id"] != nil {
			t.Fatalf("thread as the reporter sees it: %v", v)
		}
		more := "Tuesdays and Thursdays, after 02:00."
		rec = thread(t, f, ref, receipt, &more)
		if rec.Code != 200 {
			t.Fatalf("adding information: %d %s", rec.Code, rec.Body)
		}
		msgs = decode(t, rec)["messages"].([]any)
		last := msgs[len(msgs)-1].(map[string]any)
		if len(msgs) != 2 || last["from"] != "reporter" || last["text"] != more || last["date_only"] != true || last["at"] != "2026-06-02T00:00:00Z" {
			t.Fatalf("after adding information: %v", msgs)
		}
		rec = guardian.do(t, "GET", "/api/v1/speakup/reports/"+id, "", "")
		if got := decode(t, rec)["messages"].([]any); len(got) != 2 {
			t.Fatalf("the guardian sees %d messages", len(got))
		}

		// Nothing stored anywhere holds the address or the browser, and
		// nothing of the report holds a time of day.
		everything := dump(t, raw, "") + auditText(t, f) + f.logs.String()
		for _, s := range []string{reporterAddr, uaCanary, "canary-ua", receipt, strings.ReplaceAll(receipt, "-", ""),
			"what-canary-31c7", exifCanary, "IMG_20260601"} {
			if strings.Contains(everything, s) {
				t.Errorf("%q is stored, logged or audited", s)
			}
		}
		if !strings.Contains(everything, ref) {
			t.Fatal("the dump does not hold even the reference; it proves nothing")
		}
		// (The guardian's reply keeps its time: the guardian is staff
		// acting in their role, and the time says nothing of the reporter.)
		for _, line := range strings.Split(dump(t, raw, "speakup_"), "\n") {
			for _, tod := range []string{"09:17", "09:22", "11:22", ":23"} {
				if strings.Contains(line, tod) && !strings.Contains(line, "sender=guardian") {
					t.Errorf("a speak-up row holds a time of day (%s): %s", tod, line)
				}
			}
		}
		var created time.Time
		var identity string
		if err := raw.QueryRow(`SELECT created_at, identity_sealed FROM speakup_reports WHERE id = $1`, id).Scan(&created, &identity); err != nil {
			t.Fatal(err)
		}
		if !created.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) || identity != "" {
			t.Errorf("stored created_at %v, identity %q", created, identity)
		}
		// The reporter's entries join the log in their days' batches.
		f.now = f.now.Add(48 * time.Hour)
		if n, err := f.srv.SettleSpeakUp(ctx); err != nil || n != 2 {
			t.Fatalf("the batches appended %d entries (%v), want 2", n, err)
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: id})
		if err != nil {
			t.Fatal(err)
		}
		reporterEntries := 0
		for _, e := range page.Entries {
			if e.ActorID != "" {
				continue // a guardian's
			}
			reporterEntries++
			if e.ActorName != "anonymous reporter" || e.Source != "" || !e.At.Equal(speakup.Day(e.At)) {
				t.Errorf("reporter's audit entry %+v", e)
			}
		}
		if reporterEntries != 2 {
			t.Errorf("%d audit entries for the reporter's report and follow-up, want 2", reporterEntries)
		}
	})
}

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
			"category": "individual-behaviours", "subcategory": "impolite-language", "subjects": []string{f.subject}}

		rec := convert(map[string]any{})
		if rec.Code != 422 {
			t.Fatalf("empty: %d %s", rec.Code, rec.Body)
		}
		for _, want := range []string{`"unit_id"`, `"summary"`, `"category"`} {
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

// TestSpeakUpThreadAnswersAlike: an unknown reference and a wrong receipt
// get the same status and the same bytes, so the answer cannot be used to
// find out which references exist.
func TestSpeakUpThreadAnswersAlike(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		other, _ := receipt.SpeakUp.Issue()
		ref, receipt := submit(t, f, map[string]any{"what": "Something to report.", "category": "dishonesty", "anonymous": true})
		unknown := thread(t, f, "SU/2026/999999", receipt, nil)
		wrong := thread(t, f, ref, other, nil)
		if unknown.Code != 404 || wrong.Code != 404 {
			t.Fatalf("statuses %d and %d, want 404", unknown.Code, wrong.Code)
		}
		if !bytes.Equal(unknown.Body.Bytes(), wrong.Body.Bytes()) {
			t.Fatalf("bodies differ:\n%q\n%q", unknown.Body, wrong.Body)
		}
		if unknown.Body.Len() != wrong.Body.Len() || unknown.Header().Get("Content-Length") != wrong.Header().Get("Content-Length") ||
			unknown.Body.Len()%4096 != 0 {
			t.Fatalf("sizes %d and %d", unknown.Body.Len(), wrong.Body.Len())
		}
		if unknown.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("content type %q", unknown.Header().Get("Content-Type"))
		}
		if right := thread(t, f, ref, receipt, nil); right.Code != 200 || right.Body.Len()%4096 != 0 {
			t.Fatalf("right receipt: %d, %d bytes", right.Code, right.Body.Len())
		}
		// Adding to an unknown thread writes nothing and says the same.
		text := "more"
		if rec := thread(t, f, ref, other, &text); !bytes.Equal(rec.Body.Bytes(), wrong.Body.Bytes()) {
			t.Fatal("adding with a wrong receipt answers differently")
		}
		msgs, _ := f.db.SpeakUpMessages(ctx, reportIDOf(t, f, ref))
		if len(msgs) != 0 {
			t.Fatal("a wrong receipt added a message")
		}
		// Malformed requests are refused before anything is looked up.
		for _, body := range []string{`{"reference":"SU/2026/1","receipt":"` + receipt + `"}`, `{"reference":"` + ref + `","receipt":"short"}`,
			`{"reference":"` + ref + `","receipt":"` + receipt + `","text":""}`} {
			if rec := reporterDo(t, f, "POST", "/api/v1/speakup/messages", "application/json", body); rec.Code != 422 {
				t.Errorf("%s: %d", body, rec.Code)
			}
		}

		// The page answers alike too (apart from echoing the reference).
		page := func(r, rc string) *httptest.ResponseRecorder {
			return reporterDo(t, f, "POST", "/speak-up/thread", "application/x-www-form-urlencoded",
				url.Values{"reference": {r}, "receipt": {rc}}.Encode())
		}
		a, b := page("SU/2026/999999", receipt), page(ref, other)
		if a.Code != 404 || b.Code != 404 ||
			strings.ReplaceAll(a.Body.String(), "SU/2026/999999", "REF") != strings.ReplaceAll(b.Body.String(), ref, "REF") {
			t.Fatalf("pages differ: %d %d", a.Code, b.Code)
		}
		if strings.Contains(b.Body.String(), other) {
			t.Error("the refused page shows the receipt back")
		}
		rec := page(ref, receipt)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Something to report.") {
			t.Fatalf("thread page: %d", rec.Code)
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

// TestSpeakUpRefusals: bad input is refused field by field with a 4xx
// problem, and nothing is stored.
func TestSpeakUpRefusals(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		b64 := base64.StdEncoding.EncodeToString
		pdf := []byte("%PDF-1.7\n1 0 obj << /Author (J Bloggs) >> endobj\n")
		huge := make([]byte, speakup.MaxAttachmentSize+1)
		copy(huge, smallPNG(t))
		file := func(b []byte) map[string]string { return map[string]string{"filename": "x", "content_base64": b64(b)} }
		tests := []struct {
			name, contentType string
			body              any
			status            int
			fields            []string
		}{
			{"not JSON", "text/plain", "what=x", 415, []string{"Content-Type"}},
			{"broken JSON", "application/json", `{"what":`, 422, []string{"body"}},
			{"unknown field", "application/json", `{"what":"x","category":"other","anonymous":true,"ip":"1.2.3.4"}`, 422, []string{"ip"}},
			{"wrong type", "application/json", `{"what":"x","category":"other","anonymous":"yes"}`, 422, []string{"anonymous"}},
			{"anonymous missing", "application/json", map[string]any{"what": "x", "category": "other", "name": "Sam"}, 422, []string{"anonymous"}},
			{"anonymous with a name", "application/json", map[string]any{"what": "x", "category": "other", "anonymous": true, "name": "Sam"}, 422, []string{"name"}},
			{"named without contact", "application/json", map[string]any{"what": "x", "category": "other", "anonymous": false, "name": "Sam"}, 422, []string{"email"}},
			{"everything missing", "application/json", map[string]any{"anonymous": true}, 422, []string{"what", "category"}},
			{"a PDF", "application/json", map[string]any{"what": "x", "category": "other", "anonymous": true,
				"attachments": []any{file(pdf)}}, 422, []string{"attachments[0].content_base64"}},
			{"not base64", "application/json", map[string]any{"what": "x", "category": "other", "anonymous": true,
				"attachments": []any{map[string]string{"content_base64": "!!"}}}, 422, []string{"attachments[0].content_base64"}},
			{"empty file", "application/json", map[string]any{"what": "x", "category": "other", "anonymous": true,
				"attachments": []any{file(nil)}}, 422, []string{"attachments[0].content_base64"}},
			{"four files", "application/json", map[string]any{"what": "x", "category": "other", "anonymous": true,
				"attachments": []any{file(smallPNG(t)), file(smallPNG(t)), file(smallPNG(t)), file(smallPNG(t))}}, 422, []string{"attachments"}},
			{"a file too large", "application/json", map[string]any{"what": "x", "category": "other", "anonymous": true,
				"attachments": []any{file(huge)}}, 413, []string{"attachments[0].content_base64"}},
		}
		for _, tc := range tests {
			body, ok := tc.body.(string)
			if !ok {
				body = jsonBody(t, tc.body)
			}
			rec := reporterDo(t, f, "POST", "/api/v1/speakup", tc.contentType, body)
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s, want %d problem+json", tc.name, rec.Code, rec.Body, tc.status)
				continue
			}
			for _, fld := range tc.fields {
				if !strings.Contains(rec.Body.String(), `"field":"`+fld+`"`) {
					t.Errorf("%s: refusal does not name %s: %s", tc.name, fld, rec.Body)
				}
			}
		}

		// The form shows itself again, the reason beside the field and
		// what was typed kept.
		form := url.Values{"what": {"They <b>laughed</b> at me"}, "category": {"bullying_harassment"}, "anonymous": {"yes"},
			"email": {"me@example.org"}}
		rec := reporterDo(t, f, "POST", "/speak-up", "application/x-www-form-urlencoded", form.Encode())
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `id="email-error"`) ||
			!strings.Contains(rec.Body.String(), "They &lt;b&gt;laughed&lt;/b&gt; at me") ||
			!strings.Contains(rec.Body.String(), `value="me@example.org"`) || !strings.Contains(rec.Body.String(), `value="yes" checked`) {
			t.Errorf("form refusal: %d\n%s", rec.Code, rec.Body)
		}
		form.Del("email")
		form.Set("website", "http://spam.example")
		rec = reporterDo(t, f, "POST", "/speak-up", "application/x-www-form-urlencoded", form.Encode())
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `id="website-error"`) {
			t.Errorf("honeypot: %d", rec.Code)
		}
		form.Del("website")
		form.Del("anonymous")
		rec = reporterDo(t, f, "POST", "/speak-up", "application/x-www-form-urlencoded", form.Encode())
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `id="anonymous-error"`) {
			t.Errorf("no choice made: %d", rec.Code)
		}
		if rec := reporterDo(t, f, "POST", "/speak-up", "text/plain", "what=x"); rec.Code != 415 {
			t.Errorf("form as text: %d", rec.Code)
		}
		list, err := f.db.SpeakUpReports(ctx, "", 0)
		if err != nil || len(list) != 0 {
			t.Fatalf("refusals stored %d reports (%v)", len(list), err)
		}
	})
}

// TestSpeakUpForm sends a report through the page with a photograph, as a
// browser does, and reads the thread through the page.
func TestSpeakUpForm(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		if rec := reporterDo(t, f, "GET", "/speak-up", "", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="website"`) {
			t.Fatalf("form page: %d", rec.Code)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"what": "The inspector alters crime figures.", "category": "dishonesty", "anonymous": "no",
			"name": nameCanary, "phone": phoneCanary, "role": "officer", "unit": "", "website": ""} {
			_ = mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("attachment", "IMG_0001.jpg")
		_, _ = fw.Write(jpegWithExif(t))
		mw.Close()
		rec := reporterDo(t, f, "POST", "/speak-up", mw.FormDataContentType(), body.String())
		if rec.Code != 201 {
			t.Fatalf("form post: %d %s", rec.Code, rec.Body)
		}
		page := rec.Body.String()
		i := strings.Index(page, "SU/2026/")
		if i < 0 {
			t.Fatalf("no reference on the page:\n%s", page)
		}
		ref := page[i : i+len("SU/2026/000000000")]
		j := strings.Index(page, `<dd id="receipt"><code class="secret">`)
		if j < 0 {
			t.Fatalf("no receipt on the page:\n%s", page)
		}
		code := page[j+len(`<dd id="receipt"><code class="secret">`):][:39]
		if !receipt.SpeakUp.Valid(code) {
			t.Fatalf("receipt %q on the page", code)
		}
		rec = reporterDo(t, f, "POST", "/speak-up/thread", "application/x-www-form-urlencoded",
			url.Values{"reference": {ref}, "receipt": {code}, "text": {"I have the dates now."}}.Encode())
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "I have the dates now.") || strings.Contains(rec.Body.String(), nameCanary) {
			t.Fatalf("thread page: %d", rec.Code)
		}
		atts, _ := f.db.SpeakUpAttachments(ctx, reportIDOf(t, f, ref))
		if len(atts) != 1 || atts[0].MediaType != "image/jpeg" {
			t.Fatalf("attachments %+v", atts)
		}
		a, _ := f.db.SpeakUpAttachment(ctx, atts[0].ReportID, atts[0].ID)
		if bytes.Contains(a.Content, []byte(exifCanary)) {
			t.Fatal("the form's photograph kept its EXIF data")
		}
	})
}

// TestSpeakUpRateLimit: one address is throttled, another is not, and
// the throttle keeps no address.
func TestSpeakUpRateLimit(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		var last *httptest.ResponseRecorder
		for i := range 21 {
			last = reporterDo(t, f, "POST", "/api/v1/speakup", "application/json", `{}`)
			if i < 20 && last.Code == 429 {
				t.Fatalf("request %d throttled within the burst", i+1)
			}
		}
		if last.Code != 429 || last.Header().Get("Retry-After") == "" || last.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("21st request: %d %v", last.Code, last.Header())
		}
		c := f.anonymous()
		if rec := c.do(t, "POST", "/api/v1/speakup", "application/json", `{}`); rec.Code != 422 {
			t.Fatalf("another address: %d", rec.Code)
		}
		if strings.Contains(f.logs.String()+auditText(t, f), reporterAddr) {
			t.Fatal("the throttled address was logged or audited")
		}
	})
}

// The speak-up routes' rows in the authorisation matrix. The public ones
// answer everyone alike, signed in or not (they never look at the
// session); the guardians' answer guardians alone.
func init() {
	guardianOnly := func(status int) expect {
		return expect{all: byRole(403, map[access.Role]int{anon: 401, access.Guardian: status})}
	}
	for k, v := range map[string]expect{
		"GET /speak-up":                                      {all: byRole(200, nil)},
		"POST /speak-up":                                     {all: byRole(422, nil)},
		"GET /speak-up/thread":                               {all: byRole(200, nil)},
		"POST /speak-up/thread":                              {all: byRole(404, nil)},
		"POST /api/v1/speakup":                               {all: byRole(201, nil)},
		"POST /api/v1/speakup/messages":                      {all: byRole(404, nil)},
		"GET /api/v1/speakup/reports":                        guardianOnly(200),
		"GET /api/v1/speakup/reports/{id}":                   guardianOnly(200),
		"GET /api/v1/speakup/reports/{id}/attachments/{att}": guardianOnly(200),
		"POST /api/v1/speakup/reports/{id}/messages":         guardianOnly(201),
		"POST /api/v1/speakup/reports/{id}/convert":          guardianOnly(201),
		"POST /api/v1/speakup/reports/{id}/reveal-requests":  guardianOnly(201),
		"POST /api/v1/speakup/reveal-requests/{id}/approve":  guardianOnly(200),
	} {
		theMatrix[k] = v
	}
	const noReceipt = "aaaa-bbbb-cccc-dddd-eeee-ffff-gggg-hhhh"
	for k, v := range map[string]func(*fixture) body{
		"POST /speak-up": fixed("application/x-www-form-urlencoded", "what=&category=other"),
		"POST /speak-up/thread": fixed("application/x-www-form-urlencoded",
			url.Values{"reference": {"SU/2026/999999"}, "receipt": {noReceipt}}.Encode()),
		"POST /api/v1/speakup": fixed("application/json", `{"what":"Seen at the station.","category":"other","anonymous":true}`),
		"POST /api/v1/speakup/messages": fixed("application/json",
			`{"reference":"SU/2026/999999","receipt":"`+noReceipt+`"}`),
		"POST /api/v1/speakup/reports/{id}/messages": fixed("application/json", `{"text":"Thank you for telling us."}`),
		"POST /api/v1/speakup/reports/{id}/reveal-requests": fixed("application/json",
			`{"reason":"a witness statement is needed","recipient":"DI Marsh"}`),
		"POST /api/v1/speakup/reports/{id}/convert": func(f *fixture) body {
			return body{"application/json", `{"unit_id":"` + f.unitA.ID + `","summary":"Bullying reported by a colleague.",
				"category":"individual-behaviours","subcategory":"impolite-language","subjects":["` + f.subject + `"]}`}
		},
	} {
		matrixBodies[k] = v
	}
}

// speakUpWorld is the speak-up record the matrix's guardian routes act
// on: a named report with a photograph and a pending reveal request. It
// is made the first time a fixture needs it.
type speakUpWorld struct{ report, attachment, request string }

var speakUpWorlds sync.Map // *fixture -> *speakUpWorld

func speakUpWorldOf(f *fixture) *speakUpWorld {
	if w, ok := speakUpWorlds.Load(f); ok {
		return w.(*speakUpWorld)
	}
	w := &speakUpWorld{}
	_, hash := receipt.SpeakUp.Issue()
	pw, err := access.Hasher{Params: access.TestParams}.Hash(testPassword)
	if err != nil {
		panic(err)
	}
	err = f.db.InTx(ctx, func(tx *store.Tx) error {
		rep := speakup.Report{Category: "bullying_harassment", What: "A sergeant shouts at probationers."}
		files := []speakup.Attachment{{MediaType: "text/plain", Content: []byte("dates and times")}}
		if err := tx.CreateSpeakUpReport(ctx, &rep, speakup.Identity{Name: "Sam Fixture", Email: "sam@example.org"},
			hash, files, f.now); err != nil {
			return err
		}
		// Asked by another guardian, so that the matrix's guardian may
		// approve it.
		requester := access.User{Username: "matrix-guardian", DisplayName: "Another guardian", Roles: []access.Role{access.Guardian}}
		if err := tx.CreateUser(ctx, &requester, pw, f.now); err != nil {
			return err
		}
		rr := speakup.RevealRequest{ReportID: rep.ID, RequestedBy: requester.ID, Reason: "witness statement",
			Recipient: "DI Marsh"}
		if err := tx.CreateRevealRequest(ctx, &rr, f.now); err != nil {
			return err
		}
		w.report, w.attachment, w.request = rep.ID, files[0].ID, rr.ID
		return nil
	})
	if err != nil {
		panic(err)
	}
	speakUpWorlds.Store(f, w)
	return w
}

// speakUpMatrixPath fills in a speak-up route's ids, or reports false.
func speakUpMatrixPath(f *fixture, pattern string) (string, bool) {
	switch {
	case strings.HasPrefix(pattern, "/api/v1/speakup/reports/{id}"):
		w := speakUpWorldOf(f)
		return strings.NewReplacer("{id}", w.report, "{att}", w.attachment).Replace(pattern), true
	case strings.HasPrefix(pattern, "/api/v1/speakup/reveal-requests/{id}"):
		return strings.Replace(pattern, "{id}", speakUpWorldOf(f).request, 1), true
	}
	return "", false
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

// pngBomb is a valid 5000×5000 PNG at 16 bits a channel, all zeros: about
// 1.3 MB that would take 200 MB to decode.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	chunk := func(out []byte, typ string, data []byte) []byte {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		out = append(out, typ...)
		out = append(out, data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	const w, h = 5000, 5000
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 16, 6, 0, 0, 0) // 16 bits, RGBA
	out := chunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	return chunk(chunk(out, "IDAT", zeroZlib(h*(1+w*8))), "IEND", nil)
}

// TestSpeakUpImageBomb: a small PNG that would take 200 MB to decode is
// refused, through the API and the form, with the file's field named, and
// nothing is stored.
func TestSpeakUpImageBomb(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		bomb := pngBomb(t)
		rec := reporterDo(t, f, "POST", "/api/v1/speakup", "application/json", jsonBody(t, map[string]any{
			"what": "Photograph of the notice.", "category": "other", "anonymous": true,
			"attachments": []map[string]string{{"filename": "notice.png", "content_base64": base64.StdEncoding.EncodeToString(bomb)}}}))
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"field":"attachments[0].content_base64"`) ||
			!strings.Contains(rec.Body.String(), "too large to read") {
			t.Errorf("the bomb through the API: %d %s", rec.Code, rec.Body)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"what": "Photograph of the notice.", "category": "other", "anonymous": "yes"} {
			_ = mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("attachment", "notice.png")
		_, _ = fw.Write(bomb)
		mw.Close()
		rec = reporterDo(t, f, "POST", "/speak-up", mw.FormDataContentType(), body.String())
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `id="attachment-error"`) || !strings.Contains(rec.Body.String(), "too large to read") {
			t.Errorf("the bomb through the form: %d %s", rec.Code, rec.Body)
		}
		if list, err := f.db.SpeakUpReports(ctx, "", 0); err != nil || len(list) != 0 {
			t.Fatalf("refused bombs stored %d reports (%v)", len(list), err)
		}
	})
}

// TestSpeakUpAbandonedRequestStoresNothing: a report whose request runs
// out of time, or whose sender goes away, while it waits to have its
// image decoded is not kept: its receipt would never reach the reporter.
func TestSpeakUpAbandonedRequestStoresNothing(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		report := jsonBody(t, map[string]any{"what": "Photograph of the rota.", "category": "other", "anonymous": true,
			"attachments": []map[string]string{{"filename": "rota.png", "content_base64": base64.StdEncoding.EncodeToString(smallPNG(t))}}})
		release := web.HoldSpeakUpImageSlots()
		restore := web.SetSpeakUpDeadline(50 * time.Millisecond)
		rec := reporterDo(t, f, "POST", "/api/v1/speakup", "application/json", report)
		restore()
		if rec.Code != 503 || !strings.Contains(rec.Body.String(), "not kept") {
			t.Errorf("out of time: %d %s", rec.Code, rec.Body)
		}

		// The sender goes away.
		reqCtx, cancel := context.WithCancel(ctx)
		req := httptest.NewRequest("POST", "/api/v1/speakup", strings.NewReader(report)).WithContext(reqCtx)
		req.Header.Set("Content-Type", "application/json")
		rec = httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.srv.ServeHTTP(rec, req)
		}()
		cancel()
		<-done
		release()
		if rec.Code != 503 {
			t.Errorf("sender gone: %d %s", rec.Code, rec.Body)
		}
		if list, err := f.db.SpeakUpReports(ctx, "", 0); err != nil || len(list) != 0 {
			t.Fatalf("abandoned requests stored %d reports (%v)", len(list), err)
		}
		// With a slot free, the same report is kept.
		if rec := reporterDo(t, f, "POST", "/api/v1/speakup", "application/json", report); rec.Code != 201 {
			t.Fatalf("with a free slot: %d %s", rec.Code, rec.Body)
		}
	})
}

// zeroZlib is a zlib stream of n zero bytes, written by hand as one
// deflate block with the fixed codes: a literal zero, then matches of 258
// bytes at distance 1, 13 bits each. Compressing the zeros with
// compress/flate would take seconds under the race detector.
func zeroZlib(n int) []byte {
	out := []byte{0x78, 0x01}
	var acc uint64
	var nbits uint
	put := func(v uint64, bits uint) { // LSB first
		acc |= v << nbits
		nbits += bits
		for nbits >= 8 {
			out = append(out, byte(acc))
			acc >>= 8
			nbits -= 8
		}
	}
	code := func(c uint64, bits uint) { // Huffman codes go most significant bit first
		var r uint64
		for i := range bits {
			r |= (c >> i & 1) << (bits - 1 - i)
		}
		put(r, bits)
	}
	put(1, 1) // the final block
	put(1, 2) // fixed Huffman codes
	left := n
	if left > 0 {
		code(0x30, 8) // literal 0
		left--
	}
	for ; left >= 258; left -= 258 {
		code(0xC5, 8) // length 258
		code(0, 5)    // distance 1
	}
	for ; left > 0; left-- {
		code(0x30, 8)
	}
	code(0, 7) // end of block
	if nbits > 0 {
		out = append(out, byte(acc))
	}
	return binary.BigEndian.AppendUint32(out, uint32(n%65521)<<16|1) // Adler-32 of zeros
}

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
			"subcategory": "impolite-language", "subjects": []string{f.subject}}))
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
