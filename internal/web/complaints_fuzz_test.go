package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/intake"
)

// The complaint doors take input from anyone on the internet; these fuzz
// the two parsers behind them. Seeds live in testdata/fuzz/<FuzzName>/ and
// run with every go test; go test -fuzz=FuzzComplaintJSON explores more.

var fuzzNow = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// refused checks a refusal is one the caller can act on: a 4xx with a
// message, never an internal error.
func refused(t *testing.T, err error) {
	t.Helper()
	if s := statusOf(fault.KindOf(err)); s < 400 || s > 499 {
		t.Fatalf("refused with status %d: %v", s, err)
	}
}

// acceptedFiles checks what checkComplaint would store: within the cap,
// of a kept type, and no more of them than allowed.
func acceptedFiles(t *testing.T, files []attachmentFile) {
	t.Helper()
	if len(files) > intake.MaxAttachments {
		t.Fatalf("%d files accepted", len(files))
	}
	for _, f := range files {
		if len(f.Content) == 0 || len(f.Content) > MaxDocument {
			t.Fatalf("file %q of %d bytes accepted", f.Filename, len(f.Content))
		}
		if _, ok := documentTypes[sniff(f.Content)]; !ok || f.MediaType != sniff(f.Content) {
			t.Fatalf("file %q of type %s (sniffed %s) accepted", f.Filename, f.MediaType, sniff(f.Content))
		}
	}
}

// FuzzComplaintJSON feeds bodies through what POST /api/v1/complaints
// does before the database: the strict decoder and the validation. It must
// never panic; anything refused is refused with a 4xx; anything accepted
// makes a case that validates, and hashes the same way every time and
// however it is reached.
func FuzzComplaintJSON(f *testing.F) {
	f.Add([]byte(`{"what_happened":"He swore at me.","happened_on":"2026-05-20","where":"Market Square","handling_preference":"formal","email":"a@example.org"}`))
	ref, err := cases.LoadReference()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/api/v1/complaints", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var form intake.ComplaintForm
		if err := decodeJSON(httptest.NewRecorder(), r, &form, maxComplaintJSON); err != nil {
			refused(t, err)
			return
		}
		h := intake.RequestHash(body)
		if h != form.Hash() || h != intake.RequestHash(bytes.Clone(body)) {
			t.Fatalf("hashes disagree: RequestHash %s, form %s", h, form.Hash())
		}
		files, err := checkComplaint(form, fuzzNow)
		if err != nil {
			refused(t, err)
			return
		}
		acceptedFiles(t, files)
		// Re-encoding the decoded form must reach the same request.
		canonical, err := json.Marshal(form)
		if err != nil {
			t.Fatal(err)
		}
		if intake.RequestHash(canonical) != h {
			t.Fatal("the canonical form of an accepted request hashes differently")
		}
		c, _ := form.ToCase(fuzzNow)
		c.ForceID = "force"
		if err := c.Validate(ref, fuzzNow); err != nil {
			t.Fatalf("an accepted complaint makes an invalid case: %v", err)
		}
	})
}

// fuzzBoundary is the boundary of every fuzzed multipart body; the seeds
// use it, and the fuzzer varies everything else.
const fuzzBoundary = "XyZ"

// FuzzComplaintMultipart feeds multipart bodies through the complaint
// form's parser and then its validation. It must never panic, never keep
// a file over the cap or more files than allowed, and never accept a file
// of a type Probity does not keep.
func FuzzComplaintMultipart(f *testing.F) {
	f.Add([]byte("--XyZ\r\nContent-Disposition: form-data; name=\"what_happened\"\r\n\r\nPushed.\r\n--XyZ--\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/complain", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		p, err := parseComplaintPost(httptest.NewRecorder(), r)
		if len(p.Form.Attachments) > intake.MaxAttachments {
			t.Fatalf("%d attachments kept", len(p.Form.Attachments))
		}
		for _, a := range p.Form.Attachments {
			b, derr := base64.StdEncoding.DecodeString(a.ContentBase64)
			if derr != nil || len(b) > MaxDocument {
				t.Fatalf("attachment %q kept: %d bytes, %v", a.Filename, len(b), derr)
			}
		}
		if err != nil {
			refused(t, err)
			return
		}
		files, err := checkComplaint(p.Form, fuzzNow)
		if err != nil {
			refused(t, err)
			return
		}
		if p.Problems.Len() == 0 {
			acceptedFiles(t, files)
		}
	})
}
