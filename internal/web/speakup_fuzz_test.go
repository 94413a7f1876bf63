package web

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/speakup"
)

// FuzzSpeakUpJSON feeds arbitrary bodies to the speak-up API's decoding
// and validation (testdata/fuzz/FuzzSpeakUpJSON holds the seeds). It must
// never panic, must refuse only with a client error naming what is wrong,
// and whatever it accepts must be a report the store can keep: valid, no
// identity on an anonymous report, and only allowed, bounded files.
func FuzzSpeakUpJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/api/v1/speakup", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		form, files, err := decodeSpeakUp(httptest.NewRecorder(), r)
		if err != nil {
			switch k := fault.KindOf(err); k {
			case fault.Invalid, fault.TooLarge:
			default:
				t.Fatalf("refused with kind %s (%v): a bad body is the client's error", k, err)
			}
			if len(fault.FieldsOf(err)) == 0 {
				t.Fatalf("refusal %q names no field", err)
			}
			if strings.Contains(err.Error(), "\x00") {
				t.Fatalf("refusal %q echoes raw bytes", err)
			}
			return
		}
		if err := form.Validate(); err != nil {
			t.Fatalf("accepted a form that does not validate: %v", err)
		}
		if form.Anonymous && !form.Identity().Empty() {
			t.Fatalf("accepted an anonymous report with an identity: %+v", form.Identity())
		}
		if len(files) > speakup.MaxAttachments {
			t.Fatalf("accepted %d files", len(files))
		}
		for _, a := range files {
			if _, ok := speakUpTypes[a.MediaType]; !ok || len(a.Content) == 0 {
				t.Fatalf("accepted a file of type %q, %d bytes", a.MediaType, len(a.Content))
			}
			if sniff(a.Content) != a.MediaType {
				t.Fatalf("stored type %s but the stripped content sniffs as %s", a.MediaType, sniff(a.Content))
			}
		}
	})
}
