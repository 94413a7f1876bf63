package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

// addIntakeUnit gives the fixture's force the unit public complaints are
// recorded in; the demo must create one too.
func addIntakeUnit(t *testing.T, f *fixture) officers.Unit {
	t.Helper()
	u := officers.Unit{ForceID: f.unitA.ForceID, Code: intake.IntakeUnitCode, Name: "Complaints intake"}
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUnit(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

// Every request of these tests comes from an address of its own unless a
// test means to share one: the complaint doors limit each address.
var nextAddr atomic.Int64

func freshAddr() string {
	n := nextAddr.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
}

type req struct {
	method, path, contentType, body, addr string
	headers                               map[string]string
}

func (f *fixture) send(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	hr := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	if r.contentType != "" {
		hr.Header.Set("Content-Type", r.contentType)
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	if r.addr == "" {
		r.addr = freshAddr()
	}
	hr.RemoteAddr = r.addr + ":40000"
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, hr)
	return rec
}

func (f *fixture) postComplaint(t *testing.T, key, body string) *httptest.ResponseRecorder {
	t.Helper()
	h := map[string]string{}
	if key != "" {
		h["Idempotency-Key"] = key
	}
	return f.send(t, req{method: "POST", path: "/api/v1/complaints", contentType: "application/json", body: body, headers: h})
}

func complaintJSON(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	m := map[string]any{
		"what_happened":       "The officer swore at me when I asked for directions.",
		"happened_on":         "2026-05-20",
		"happened_at_time":    "14:30",
		"where":               "Market Square",
		"officers_described":  "Tall, collar number 4021",
		"handling_preference": "formal",
		"name":                "Sam Taylor",
		"email":               "sam.taylor@example.org",
		"phone":               "07700 900123",
		"consent_to_contact":  true,
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func caseCount(t *testing.T, f *fixture) int {
	t.Helper()
	n, err := f.db.CaseCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type problem struct {
	Status int                `json:"status"`
	Detail string             `json:"detail"`
	Errors []fault.FieldError `json:"errors"`
}

func problemOf(t *testing.T, rec *httptest.ResponseRecorder) problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want problem+json; body %s", ct, rec.Body)
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p problem) names(field string) bool {
	return slices.ContainsFunc(p.Errors, func(e fault.FieldError) bool { return e.Field == field })
}

var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	base64Of = base64.StdEncoding.EncodeToString
)

func TestComplaintAPIRecordsACase(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		unit := addIntakeUnit(t, f)
		before := caseCount(t, f)
		body := complaintJSON(t, func(m map[string]any) {
			m["harm"] = "serious_injury"
			m["attachments"] = []map[string]string{{"filename": "bruise.png", "content_base64": base64Of(pngBytes)},
				{"filename": "../../etc/letter.txt", "content_base64": base64Of([]byte("Dear Sir, I write to complain."))}}
		})
		rec := f.postComplaint(t, "key-happy-0001", body)
		if rec.Code != 201 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["reference"] == "" || !receipt.Complaint.Valid(got["receipt"]) {
			t.Fatalf("answer %v: want exactly reference and receipt", got)
		}
		if caseCount(t, f) != before+1 {
			t.Fatal("no case recorded")
		}
		c, err := f.db.CaseByReference(ctx, got["reference"])
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind != cases.Complaint || c.State != cases.Received || c.UnitID != unit.ID || c.ForceID != unit.ForceID {
			t.Fatalf("case %s: kind %s state %s unit %s, want a Received complaint in the intake unit", c.Reference, c.Kind, c.State, c.UnitID)
		}
		if !strings.Contains(c.Summary, "Reported harm: serious injury") || !strings.Contains(c.Summary, "collar number 4021") {
			t.Errorf("summary:\n%s", c.Summary)
		}
		if len(c.Allegations) != 0 {
			t.Errorf("the public's complaint was given allegations: %+v", c.Allegations)
		}
		if len(c.Parties) != 1 || c.Parties[0].Role != cases.RoleComplainant || c.Parties[0].PersonID == "" {
			t.Fatalf("parties %+v, want one complainant", c.Parties)
		}
		p, err := f.db.Person(ctx, c.Parties[0].PersonID)
		if err != nil || p.Email != "sam.taylor@example.org" || p.Name != "Sam Taylor" {
			t.Fatalf("complainant %+v %v", p, err)
		}
		h, err := f.db.ReceiptHash(ctx, c.ID)
		if err != nil || !receipt.Complaint.Check(h, got["receipt"]) {
			t.Fatalf("receipt not stored as its hash: %v", err)
		}
		docs, err := f.db.Documents(ctx, c.ID)
		if err != nil || len(docs) != 2 {
			t.Fatalf("documents %+v %v", docs, err)
		}
		types := []string{docs[0].MediaType, docs[1].MediaType}
		slices.Sort(types)
		if !slices.Equal(types, []string{"image/png", "text/plain"}) {
			t.Errorf("document types %v", types)
		}
		for _, d := range docs {
			if strings.Contains(d.Filename, "/") || d.UploadedBy != "public" {
				t.Errorf("document %+v", d)
			}
		}
		page, err := f.db.AuditEntries(ctx, store.AuditFilter{RecordID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) != 1 || page.Entries[0].Action != "collect" || page.Entries[0].ActorName != "public" {
			t.Fatalf("audit entries %+v, want one collect by the public", page.Entries)
		}
		if strings.Contains(f.logs.String(), "sam.taylor@example.org") || strings.Contains(f.logs.String(), got["receipt"]) {
			t.Error("the log holds the complainant's email or receipt")
		}

		// The same key and the same request, laid out differently: the
		// same answer, byte for byte, and no second case.
		var m map[string]any
		_ = json.Unmarshal([]byte(body), &m)
		relaid, _ := json.MarshalIndent(m, "", "  ")
		again := f.postComplaint(t, "key-happy-0001", string(relaid))
		if again.Code != 201 || again.Body.String() != rec.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s", again.Code, again.Body)
		}
		if caseCount(t, f) != before+1 {
			t.Fatal("a replay recorded a second case")
		}
		// The same key, another request: refused, naming the key.
		other := f.postComplaint(t, "key-happy-0001", complaintJSON(t, func(m map[string]any) { m["where"] = "Elsewhere" }))
		if other.Code != 422 || !problemOf(t, other).names("Idempotency-Key") {
			t.Fatalf("reused key: %d %s", other.Code, other.Body)
		}
		if caseCount(t, f) != before+1 {
			t.Fatal("a reused key recorded a case")
		}
	})
}

func TestComplaintAPIIdempotencyKeyRequired(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		before := caseCount(t, f)
		for _, key := range []string{"", strings.Repeat("k", 201), "tab\there"} {
			rec := f.postComplaint(t, key, complaintJSON(t, nil))
			if rec.Code != 400 || !problemOf(t, rec).names("Idempotency-Key") {
				t.Errorf("key %q: %d %s", key, rec.Code, rec.Body)
			}
		}
		if caseCount(t, f) != before {
			t.Fatal("a request without a proper key recorded a case")
		}
	})
}

func TestComplaintAPIConcurrentSameKey(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		before := caseCount(t, f)
		body := complaintJSON(t, nil)
		var wg sync.WaitGroup
		answers := make([]*httptest.ResponseRecorder, 16)
		start := make(chan struct{})
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				answers[i] = f.postComplaint(t, "the-one-key", body)
			}()
		}
		close(start)
		wg.Wait()
		for i, a := range answers {
			if a.Code != 201 || a.Body.String() != answers[0].Body.String() {
				t.Errorf("request %d: %d %s (first: %s)", i, a.Code, a.Body, answers[0].Body)
			}
		}
		if n := caseCount(t, f) - before; n != 1 {
			t.Fatalf("%d cases recorded for one key, want 1", n)
		}
	})
}

func TestComplaintAPIRefusesBadInput(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		before := caseCount(t, f)
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 100)...)
		set := func(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }
		for _, tc := range []struct {
			name   string
			body   string
			status int
			field  string
		}{
			{"missing what", complaintJSON(t, func(m map[string]any) { delete(m, "what_happened") }), 422, "what_happened"},
			{"what too long", complaintJSON(t, set("what_happened", strings.Repeat("a", intake.MaxWhatHappened+1))), 422, "what_happened"},
			{"what control characters", complaintJSON(t, set("what_happened", "ring\u0007ring")), 422, "what_happened"},
			{"where too long", complaintJSON(t, set("where", strings.Repeat("a", intake.MaxWhere+1))), 422, "where"},
			{"wrong type", complaintJSON(t, set("anonymous", "yes")), 422, "anonymous"},
			{"text as number", complaintJSON(t, set("where", 12)), 422, "where"},
			{"impossible date", complaintJSON(t, set("happened_on", "2026-02-30")), 422, "happened_on"},
			{"future date", complaintJSON(t, set("happened_on", "2027-01-01")), 422, "happened_on"},
			{"ancient date", complaintJSON(t, set("happened_on", "1900-01-01")), 422, "happened_on"},
			{"bad time", complaintJSON(t, set("happened_at_time", "7pm")), 422, "happened_at_time"},
			{"bad preference", complaintJSON(t, set("handling_preference", "loudly")), 422, "handling_preference"},
			{"bad harm", complaintJSON(t, set("harm", "some")), 422, "harm"},
			{"bad email", complaintJSON(t, set("email", "sam@")), 422, "email"},
			{"bad phone", complaintJSON(t, set("phone", "0800 CALL NOW")), 422, "phone"},
			{"name control characters", complaintJSON(t, set("name", "Sam\x1b[2J")), 422, "name"},
			{"no contact", complaintJSON(t, func(m map[string]any) { delete(m, "email"); delete(m, "phone") }), 422, "contact"},
			{"anonymous with email", complaintJSON(t, set("anonymous", true)), 422, "email"},
			{"unknown field", complaintJSON(t, set("severity", "gross")), 422, "severity"},
			{"refused file type", complaintJSON(t, set("attachments", []map[string]string{{"filename": "a.exe", "content_base64": base64Of(exe)}})),
				422, "attachments[0].content_base64"},
			{"HTML file", complaintJSON(t, set("attachments", []map[string]string{{"filename": "a.txt",
				"content_base64": base64Of([]byte("<html><script>alert(1)</script></html>"))}})), 422, "attachments[0].content_base64"},
			{"oversized file", complaintJSON(t, set("attachments", []map[string]string{{"filename": "big.txt",
				"content_base64": base64Of(bytes.Repeat([]byte("a"), web.MaxDocument+1))}})), 422, "attachments[0].content_base64"},
			{"too many files", complaintJSON(t, set("attachments", slices.Repeat([]map[string]string{{"filename": "a.txt",
				"content_base64": base64Of([]byte("text"))}}, 4))), 422, "attachments"},
			{"not base64", complaintJSON(t, set("attachments", []map[string]string{{"filename": "a.txt", "content_base64": "@@@"}})),
				422, "attachments[0].content_base64"},
			{"malformed JSON", `{"what_happened": "x",`, 422, "body"},
			{"two objects", complaintJSON(t, nil) + complaintJSON(t, nil), 422, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := f.postComplaint(t, "key-"+tc.name, tc.body)
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
				}
				if p := problemOf(t, rec); tc.field != "" && !p.names(tc.field) {
					t.Fatalf("errors %+v do not name %s", p.Errors, tc.field)
				}
			})
		}
		rec := f.send(t, req{method: "POST", path: "/api/v1/complaints", contentType: "text/plain", body: complaintJSON(t, nil),
			headers: map[string]string{"Idempotency-Key": "k-text"}})
		if rec.Code != 415 {
			t.Errorf("text/plain body: %d", rec.Code)
		}
		if caseCount(t, f) != before {
			t.Fatal("refused complaints left cases behind")
		}
	})
}

func TestComplaintWithoutIntakeUnitIsRefusedLoudly(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		before := caseCount(t, f)
		rec := f.postComplaint(t, "k-no-unit", complaintJSON(t, nil))
		if rec.Code != 503 || !strings.Contains(problemOf(t, rec).Detail, "no intake unit is configured") {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		if !strings.Contains(f.logs.String(), intake.IntakeUnitCode) {
			t.Error("the refusal was not logged with the code to create")
		}
		form := f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded",
			body: formBody(goodFormFields("k-no-unit-form"))})
		if form.Code != 503 || !strings.Contains(form.Body.String(), "has not been sent") {
			t.Fatalf("form: %d", form.Code)
		}
		if caseCount(t, f) != before {
			t.Fatal("a case was recorded")
		}
		// Once the unit exists, the same key goes through.
		addIntakeUnit(t, f)
		if rec := f.postComplaint(t, "k-no-unit", complaintJSON(t, nil)); rec.Code != 201 {
			t.Fatalf("after adding the unit: %d %s", rec.Code, rec.Body)
		}
	})
}

func formBody(fields map[string]string) string {
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	return v.Encode()
}

func goodFormFields(key string) map[string]string {
	return map[string]string{"idempotency_key": key, "what_happened": "The officer pushed me.\r\nThen he laughed.",
		"happened_on": "2026-05-30", "where": "Station Road", "handling_preference": "not_sure", "harm": "injury",
		"email": " sam@example.org ", "consent_to_contact": "yes", "website": ""}
}

var keyField = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)

func TestComplaintForm(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		get := f.send(t, req{method: "GET", path: "/complain"})
		html := get.Body.String()
		if get.Code != 200 || strings.Contains(html, "<script") {
			t.Fatalf("GET /complain: %d", get.Code)
		}
		m := keyField.FindStringSubmatch(html)
		if m == nil {
			t.Fatal("the form carries no idempotency key")
		}
		for _, want := range []string{`<label class="govuk-label" for="what_happened">`, `How would you like your complaint handled? (required)</legend>`,
			`name="website"`, `tabindex="-1"`, `aria-hidden="true"`, `enctype="multipart/form-data"`} {
			if !strings.Contains(html, want) {
				t.Errorf("form lacks %s", want)
			}
		}
		if again := keyField.FindStringSubmatch(f.send(t, req{method: "GET", path: "/complain"}).Body.String()); again[1] == m[1] {
			t.Error("two renderings share an idempotency key")
		}

		before := caseCount(t, f)
		fields := goodFormFields(m[1])
		done := f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded", body: formBody(fields)})
		if done.Code != 200 {
			t.Fatalf("POST /complain: %d %s", done.Code, done.Body)
		}
		if caseCount(t, f) != before+1 {
			t.Fatal("no case recorded")
		}
		refRe := regexp.MustCompile(`id="reference">(CO/\d{4}/\d{6})<`)
		rm := refRe.FindStringSubmatch(done.Body.String())
		if rm == nil || !regexp.MustCompile(`id="receipt">[0-9A-Z-]{34}<`).MatchString(done.Body.String()) {
			t.Fatalf("confirmation shows no reference and receipt:\n%s", done.Body)
		}
		c, err := f.db.CaseByReference(ctx, rm[1])
		if err != nil || c.State != cases.Received || !strings.Contains(c.Summary, "pushed me.\nThen") {
			t.Fatalf("case %+v %v", c, err)
		}
		p, err := f.db.Person(ctx, c.Parties[0].PersonID)
		if err != nil || p.Email != "sam@example.org" {
			t.Fatalf("person %+v %v (the form trims spaces around an email)", p, err)
		}
		// Sent twice (a double click, a refresh): the same page, one case.
		twice := f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded", body: formBody(fields)})
		if twice.Code != 200 || twice.Body.String() != done.Body.String() || caseCount(t, f) != before+1 {
			t.Fatalf("resent form: %d, cases %d", twice.Code, caseCount(t, f)-before)
		}
		// Changed and sent again with the old key: asked to confirm, with a
		// new key, and nothing recorded yet.
		fields["where"] = "Another road"
		changed := f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded", body: formBody(fields)})
		if changed.Code != 422 || !strings.Contains(changed.Body.String(), "already sent a complaint") ||
			keyField.FindStringSubmatch(changed.Body.String())[1] == m[1] || caseCount(t, f) != before+1 {
			t.Fatalf("changed form: %d", changed.Code)
		}
	})
}

func TestComplaintFormShowsErrorsAndKeepsInput(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		before := caseCount(t, f)
		fields := goodFormFields("form-errors-key")
		fields["what_happened"] = "<script>alert(1)</script> and \"quotes\""
		fields["where"] = ""
		fields["email"] = "not an email"
		fields["happened_on"] = "2026-02-30"
		rec := f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded", body: formBody(fields)})
		html := rec.Body.String()
		if rec.Code != 422 {
			t.Fatalf("status %d", rec.Code)
		}
		if strings.Contains(html, "<script>alert") || !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatal("the text was not kept, escaped")
		}
		for _, want := range []string{
			`href="#where"`, `href="#email"`, `href="#happened_on"`, // the summary links to each field
			`id="where-error"`, `aria-describedby="where-hint where-error"`, `aria-invalid="true"`,
			`value="not an email"`, `value="2026-02-30"`, `value="form-errors-key"`, // input and key kept
			`id="handling_preference-not_sure" name="handling_preference" value="not_sure" checked`,
			`id="consent_to_contact" name="consent_to_contact" value="yes" checked`,
		} {
			if !strings.Contains(html, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		if caseCount(t, f) != before {
			t.Fatal("a refused form recorded a case")
		}
	})
}

// multipartForm builds a multipart complaint form with files.
func multipartForm(t *testing.T, fields map[string]string, files map[string][]byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="attachment"; filename=%q`, n))
		h.Set("Content-Type", "application/octet-stream")
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(files[n])
	}
	_ = mw.Close()
	return mw.FormDataContentType(), buf.String()
}

func TestComplaintFormWithFiles(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		before := caseCount(t, f)
		ct, body := multipartForm(t, goodFormFields("files-key"), map[string][]byte{"photo.png": pngBytes, "notes.txt": []byte("What I saw.")})
		rec := f.send(t, req{method: "POST", path: "/complain", contentType: ct, body: body})
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		ref := regexp.MustCompile(`id="reference">(CO/\d{4}/\d{6})<`).FindStringSubmatch(rec.Body.String())
		c, err := f.db.CaseByReference(ctx, ref[1])
		if err != nil {
			t.Fatal(err)
		}
		if docs, err := f.db.Documents(ctx, c.ID); err != nil || len(docs) != 2 {
			t.Fatalf("documents %+v %v", docs, err)
		}
		// A refused file: the form comes back, saying the files were not kept.
		ct, body = multipartForm(t, goodFormFields("files-key-2"), map[string][]byte{"run.exe": append([]byte("MZ\x90\x00"), make([]byte, 50)...)})
		bad := f.send(t, req{method: "POST", path: "/complain", contentType: ct, body: body})
		if bad.Code != 422 || !strings.Contains(bad.Body.String(), `href="#attachment"`) || !strings.Contains(bad.Body.String(), "choose them again") {
			t.Fatalf("refused file: %d", bad.Code)
		}
		// Too many files.
		four := map[string][]byte{}
		for i := range 4 {
			four[fmt.Sprintf("n%d.txt", i)] = []byte("note")
		}
		ct, body = multipartForm(t, goodFormFields("files-key-3"), four)
		if r := f.send(t, req{method: "POST", path: "/complain", contentType: ct, body: body}); r.Code != 422 {
			t.Fatalf("four files: %d", r.Code)
		}
		// Too large.
		ct, body = multipartForm(t, goodFormFields("files-key-4"), map[string][]byte{"big.txt": bytes.Repeat([]byte("a"), web.MaxDocument+1)})
		if r := f.send(t, req{method: "POST", path: "/complain", contentType: ct, body: body}); r.Code != 422 ||
			!strings.Contains(r.Body.String(), "at most 10 MiB") {
			t.Fatalf("oversized file: %d", r.Code)
		}
		if caseCount(t, f) != before+1 {
			t.Fatal("refused forms recorded cases")
		}
	})
}

func TestComplaintFormHoneypot(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addIntakeUnit(t, f)
		before := caseCount(t, f)
		fields := goodFormFields("honey-key")
		fields["website"] = "http://spam.example"
		rec := f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded", body: formBody(fields)})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "received your form") {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		if caseCount(t, f) != before {
			t.Fatal("a bot's form recorded a case")
		}
		if strings.Contains(f.logs.String(), "spam.example") || strings.Contains(f.logs.String(), "pushed me") {
			t.Error("the log holds what the bot sent")
		}
	})
}

func TestComplaintRateLimit(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		addr := freshAddr()
		// Empty forms are refused, but still count against the address.
		var last *httptest.ResponseRecorder
		for i := range 20 {
			last = f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded", body: "", addr: addr})
			if last.Code == 429 {
				t.Fatalf("limited after %d forms, want 20", i)
			}
		}
		api := f.send(t, req{method: "POST", path: "/api/v1/complaints", contentType: "application/json", body: "{}", addr: addr,
			headers: map[string]string{"Idempotency-Key": "k"}})
		if api.Code != 429 || api.Header().Get("Retry-After") == "" {
			t.Fatalf("21st request: %d, Retry-After %q", api.Code, api.Header().Get("Retry-After"))
		}
		problemOf(t, api)
		form := f.send(t, req{method: "POST", path: "/complain", contentType: "application/x-www-form-urlencoded", body: "", addr: addr})
		if form.Code != 429 || !strings.Contains(form.Body.String(), "has not been sent") {
			t.Fatalf("form over the limit: %d", form.Code)
		}
		if other := f.send(t, req{method: "POST", path: "/api/v1/complaints", contentType: "application/json", body: "{}",
			headers: map[string]string{"Idempotency-Key": "k"}}); other.Code == 429 {
			t.Fatal("another address was limited too")
		}
		// Status checks have their own limit.
		for range 10 {
			f.send(t, req{method: "POST", path: "/api/v1/complaints/status", contentType: "application/json", body: "{}", addr: addr})
		}
		if st := f.send(t, req{method: "POST", path: "/api/v1/complaints/status", contentType: "application/json", body: "{}", addr: addr}); st.Code != 429 {
			t.Fatalf("11th status check: %d", st.Code)
		}
	})
}
