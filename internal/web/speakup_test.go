package web_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
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
				"category":"individual-behaviours","subcategory":"impolite-language","subjects":["` + f.subject + `"],
				"standards":["authority-respect-courtesy"]}`}
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
	case strings.HasPrefix(pattern, "/speak-up/inbox/{id}"):
		w := speakUpWorldOf(f)
		return strings.NewReplacer("{id}", w.report, "{req}", w.request).Replace(pattern), true
	case strings.HasPrefix(pattern, "/api/v1/speakup/reveal-requests/{id}"):
		return strings.Replace(pattern, "{id}", speakUpWorldOf(f).request, 1), true
	}
	return "", false
}
