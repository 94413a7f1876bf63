package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"image/jpeg"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/imagemeta/imagemetatest"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

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

		// The form shows itself again, an error summary linking to the
		// field first, the reason beside the field and what was typed kept.
		form := url.Values{"what": {"They <b>laughed</b> at me"}, "category": {"bullying_harassment"}, "anonymous": {"yes"},
			"email": {"me@example.org"}}
		rec := reporterDo(t, f, "POST", "/speak-up", "application/x-www-form-urlencoded", form.Encode())
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `id="email-error"`) ||
			!strings.Contains(rec.Body.String(), `id="error-summary" tabindex="-1" autofocus`) ||
			!strings.Contains(rec.Body.String(), `<li><a href="#email">`) ||
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
		j := strings.Index(page, `id="receipt"><code class="probity-secret">`)
		if j < 0 {
			t.Fatalf("no receipt on the page:\n%s", page)
		}
		code := page[j+len(`id="receipt"><code class="probity-secret">`):][:39]
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

// pngBomb is a valid 5000×5000 PNG at 16 bits a channel, all zeros: about
// 1.3 MB that would take 200 MB to decode.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	return imagemetatest.PNG(5000, 5000, 16, 6, true) // 16 bits, RGBA
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
