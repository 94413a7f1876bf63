package web_test

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// noSpaceDetail is what every refusal for want of space says.
const noSpaceDetail = "no space left"

// A full disk under the database refuses every way a request writes,
// not only a transaction: signing in, the session's last use, the audit
// entry of a read, a complaint, a speak-up report and a change to a case.
// Each answers 507 saying why (problem+json for the API, the page with
// the message for a browser), none is acknowledged or stored, and once
// space returns the same requests succeed within 5 seconds. The database
// lives on a small tmpfs, filled for real (root is needed to mount it;
// without it the test is skipped).
func TestFullDiskRefusesEveryWrite(t *testing.T) {
	dir := storetest.MountTmpfs(t, "32m")
	loc := store.Location{Dialect: store.SQLite, Path: filepath.Join(dir, "probity.db")}
	db := storetest.Open(t, loc)
	f := newFixture(t, db, false)
	addIntakeUnit(t, f)
	handler, toucher := f.login(t, access.Handler), f.login(t, access.Investigator)
	own := f.cases[relOwn]
	casesBefore := caseCount(t, f)
	notesBefore := noteCount(t, f, own)

	// Every later write must need new space: with the WAL checkpointed
	// and truncated, even one page of it needs a block the disk has not
	// got.
	checkpointTruncate(t, loc)
	filler := filepath.Join(dir, "filler")
	storetest.Fill(t, filler)

	complaintKey := "diskfull-complaint-0001"
	paths := writePaths(t, f, handler, toucher, complaintKey)
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			checkRefused(t, p, p.send(), http.StatusInsufficientStorage, noSpaceDetail, "storage is full", dir)
		})
	}
	if rec := f.anonymous().do(t, "GET", "/healthz", "", ""); rec.Code != 200 {
		t.Errorf("healthz on a full disk: %d", rec.Code)
	}

	// Space returns: the refused requests succeed, within 5 seconds.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	recovers(t, f, handler, toucher, complaintKey, http.StatusInsufficientStorage, casesBefore, notesBefore)
	if res, err := db.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Errorf("integrity check after a full disk: %q %v", res, err)
	}
}

// A PostgreSQL database that goes away (a restart, a crash, its
// connections dropped) answers 503 with Retry-After on every path, reads
// as well as writes, saying why, and stores nothing; once it is back, the
// same requests succeed within 5 seconds, and the complaint sent again
// with its key is stored once.
func TestDatabaseAwayAnswers503(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("PostgreSQL is not configured")
	}
	loc := storetest.NewPostgresLocation(t)
	db := storetest.Open(t, loc)
	f := newFixture(t, db, false)
	addIntakeUnit(t, f)
	handler, toucher := f.login(t, access.Handler), f.login(t, access.Investigator)
	casesBefore := caseCount(t, f)
	notesBefore := noteCount(t, f, f.cases[relOwn])
	u, err := url.Parse(loc.URL)
	if err != nil {
		t.Fatal(err)
	}

	back := storetest.Away(t, loc)
	complaintKey := "dbaway-complaint-00001"
	paths := append([]writePath{
		{"case list", false, func() *httptest.ResponseRecorder { return handler.do(t, "GET", "/api/v1/cases", "", "") }},
		{"case list page", true, func() *httptest.ResponseRecorder { return handler.do(t, "GET", "/cases", "", "") }},
	}, writePaths(t, f, handler, toucher, complaintKey)...)
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			rec := p.send()
			checkRefused(t, p, rec, http.StatusServiceUnavailable, "cannot be reached", "at the moment", u.Host)
			if got := rec.Header().Get("Retry-After"); got != "5" {
				t.Errorf("Retry-After %q, want 5", got)
			}
		})
	}
	if rec := f.anonymous().do(t, "GET", "/healthz", "", ""); rec.Code != 200 {
		t.Errorf("healthz while the database is away: %d", rec.Code)
	}

	back()
	recovers(t, f, handler, toucher, complaintKey, http.StatusServiceUnavailable, casesBefore, notesBefore)
}

// writePath is one way a request writes to the database.
type writePath struct {
	name string
	page bool // a browser's page, not the API
	send func() *httptest.ResponseRecorder
}

// writePaths are the ways a request writes: signing in, the audit entry
// of a read, a complaint, a speak-up report and a change to a case, each
// through the API and a page, and last the session's last use. own is
// the case handler works on; toucher is signed in for the last path,
// which moves the fixture's clock on.
func writePaths(t *testing.T, f *fixture, handler, toucher *client, complaintKey string) []writePath {
	own := f.cases[relOwn]
	form := func(v url.Values) string { return v.Encode() }
	const formType = "application/x-www-form-urlencoded"
	return []writePath{
		{"sign-in", false, func() *httptest.ResponseRecorder { return signIn(t, f, f.anonymous()) }},
		{"sign-in page", true, func() *httptest.ResponseRecorder {
			code, _ := totp.GenerateCode(f.secrets[access.Supervisor], f.now)
			return f.anonymous().do(t, "POST", "/login", formType,
				form(url.Values{"username": {"supervisor"}, "password": {testPassword}, "totp": {code}}))
		}},
		{"audited read", false, func() *httptest.ResponseRecorder { return handler.do(t, "GET", "/api/v1/cases/"+own, "", "") }},
		{"audited read page", true, func() *httptest.ResponseRecorder { return handler.do(t, "GET", "/cases/"+own, "", "") }},
		{"complaint", false, func() *httptest.ResponseRecorder { return f.postComplaint(t, complaintKey, complaintJSON(t, nil)) }},
		{"complaint form", true, func() *httptest.ResponseRecorder {
			return f.send(t, req{method: "POST", path: "/complain", contentType: formType, body: form(url.Values{
				"what_happened": {"The officer swore at me."}, "happened_on": {"2026-05-20"}, "where": {"Market Square"},
				"handling_preference": {"formal"}, "name": {"Sam Taylor"}, "email": {"sam@example.org"},
				"consent_to_contact": {"yes"}, "idempotency_key": {"diskfull-form-00000001"}})})
		}},
		{"speak-up", false, func() *httptest.ResponseRecorder {
			return reporterDo(t, f, "POST", "/api/v1/speakup", "application/json", jsonBody(t, namedReport("Cash went missing.")))
		}},
		{"speak-up form", true, func() *httptest.ResponseRecorder {
			return reporterDo(t, f, "POST", "/speak-up", formType, form(url.Values{"what": {"Cash went missing."},
				"category": {"corruption"}, "anonymous": {"yes"}}))
		}},
		{"case change", false, func() *httptest.ResponseRecorder {
			return handler.do(t, "POST", "/api/v1/cases/"+own+"/notes", "application/json", `{"text":"Rang the complainant."}`)
		}},
		{"case change page", true, func() *httptest.ResponseRecorder {
			return handler.do(t, "POST", "/cases/"+own+"/notes", formType, "text=Rang+the+complainant.")
		}},
		// Last: moving the clock on makes every signed-in request record
		// its session's use first.
		{"session touch", false, func() *httptest.ResponseRecorder {
			f.now = f.now.Add(2 * time.Minute)
			return toucher.do(t, "GET", "/api/v1/session", "", "")
		}},
	}
}

// recovers checks that, once the fault has ended, the refused requests
// succeed within 5 seconds (the complaint, refused with refusal until
// then, is sent again with its key), and that nothing refused was stored.
func recovers(t *testing.T, f *fixture, handler, toucher *client, complaintKey string, refusal, casesBefore, notesBefore int) {
	t.Helper()
	own := f.cases[relOwn]
	back := time.Now()
	for {
		rec := f.postComplaint(t, complaintKey, complaintJSON(t, nil))
		if rec.Code == http.StatusCreated {
			break
		}
		if rec.Code != refusal || time.Since(back) > 5*time.Second {
			t.Fatalf("%v after the fault ended: %d %s", time.Since(back), rec.Code, rec.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("taking writes again %v after the fault ended", time.Since(back).Round(time.Millisecond))
	// Nothing refused was stored: the complaint sent again with its key is
	// the only new case, and no note was added.
	if got := caseCount(t, f); got != casesBefore+1 {
		t.Errorf("%d cases after the refused complaints and one accepted, want %d", got, casesBefore+1)
	}
	if got := noteCount(t, f, own); got != notesBefore {
		t.Errorf("%d notes after refused notes, want %d", got, notesBefore)
	}
	if reports, err := f.db.SpeakUpReports(ctx, "", 100); err != nil || len(reports) != 0 {
		t.Errorf("%d speak-up reports after refused ones (%v)", len(reports), err)
	}
	for _, p := range []struct {
		name string
		rec  *httptest.ResponseRecorder
		want int
	}{
		{"sign-in", signIn(t, f, f.anonymous()), 200},
		{"session touch", toucher.do(t, "GET", "/api/v1/session", "", ""), 200},
		{"audited read", handler.do(t, "GET", "/api/v1/cases/"+own, "", ""), 200},
		{"case change", handler.do(t, "POST", "/api/v1/cases/"+own+"/notes", "application/json", `{"text":"Rang back."}`), 201},
		{"speak-up", reporterDo(t, f, "POST", "/api/v1/speakup", "application/json", jsonBody(t, namedReport("Cash went missing."))), 201},
	} {
		if p.rec.Code != p.want {
			t.Errorf("%s after the fault ended: %d %s", p.name, p.rec.Code, p.rec.Body)
		}
	}
}

func signIn(t *testing.T, f *fixture, c *client) *httptest.ResponseRecorder {
	t.Helper()
	code, err := totp.GenerateCode(f.secrets[access.Supervisor], f.now)
	if err != nil {
		t.Fatal(err)
	}
	return c.do(t, "POST", "/api/v1/session", "application/json",
		`{"username":"supervisor","password":"`+testPassword+`","totp":"`+code+`"}`)
}

// checkRefused checks a refusal: its status, the reason in words (one of
// words, in problem+json for the API, in the page for a browser), and
// nothing of the record, the engine or the path of the database (hidden)
// shown, and no session cookie set.
func checkRefused(t *testing.T, p writePath, rec *httptest.ResponseRecorder, status int, detail, pageDetail, hidden string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%d, want %d: %.400s", rec.Code, status, rec.Body)
	}
	body := rec.Body.String()
	if p.page {
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("a page's refusal as %q", ct)
		}
		if !strings.Contains(body, detail) && !strings.Contains(body, pageDetail) {
			t.Errorf("the page does not say why: %s", body)
		}
	} else {
		var prob struct {
			Status int
			Detail string
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("an API refusal as %q", ct)
		}
		if err := json.Unmarshal([]byte(strings.TrimSpace(body)), &prob); err != nil || prob.Status != status ||
			!strings.Contains(prob.Detail, detail) {
			t.Errorf("the problem does not say why: %s", body)
		}
	}
	if strings.Contains(body, "Case standing") || strings.Contains(body, "sqlite") || strings.Contains(body, "SQLSTATE") ||
		strings.Contains(body, hidden) {
		t.Errorf("the refusal shows what it should not: %s", body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "probity_session" && c.MaxAge >= 0 {
			t.Errorf("a refused request set a session cookie")
		}
	}
}

func noteCount(t *testing.T, f *fixture, caseID string) int {
	t.Helper()
	notes, err := f.db.Notes(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	return len(notes)
}

// checkpointTruncate copies SQLite's WAL into the database and truncates
// it to nothing, through a connection of its own.
func checkpointTruncate(t *testing.T, loc store.Location) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+loc.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var busy, logged, moved int
	if err := raw.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &moved); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy %d, %v", busy, err)
	}
}
