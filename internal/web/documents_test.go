package web

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/intake"
)

func TestCleanFilename(t *testing.T) {
	for _, tc := range []struct {
		name, in, mediaType, want string
	}{
		{"plain", "statement.pdf", "application/pdf", "statement.pdf"},
		{"right-to-left override disguising an extension", "report\u202Etxt.exe", "text/plain", "reporttxt.exe.txt"},
		{"zero-width space", "state\u200Bment.pdf", "application/pdf", "statement.pdf"},
		{"isolates", "\u2066a\u2067b\u2068c\u2069.png", "image/png", "abc.png"},
		{"embeddings and marks", "\u202Aa\u202Bb\u202C\u202D\u200E\u200F.txt", "text/plain", "ab.txt"},
		{"byte order mark", "\uFEFFnotes.txt", "text/plain", "notes.txt"},
		{"word joiner and zero-width joiners", "a\u2060b\u200Cc\u200Dd.txt", "text/plain", "abcd.txt"},
		{"tag characters", "flag\U000E0067\U000E0062.png", "image/png", "flag.png"},
		{"nothing but invisible characters", "\u200B\u202E", "application/pdf", "document.pdf"},
		{"path parts", `C:\Users\x\..\photo.jpeg`, "image/jpeg", "photo.jpeg"},
		{"control characters and quotes", "a\"b\x00c\nd.txt", "text/plain", "abcd.txt"},
		{"accents and scripts kept", "Zoë – 証言.pdf", "application/pdf", "Zoë – 証言.pdf"},
		{"invalid UTF-8", "a\xffb.txt", "text/plain", "a\uFFFDb.txt"},
	} {
		if got := cleanFilename(tc.in, tc.mediaType); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// FuzzCleanFilename: a file name is whatever the sender's browser or
// client put in the upload. Whatever it is, what is kept is valid UTF-8,
// one path element, has no control or invisible character, and ends in
// the extension of the content's type.
func FuzzCleanFilename(f *testing.F) {
	for _, s := range []string{"statement.pdf", "report\u202Etxt.exe", "../../etc/passwd", "\u200B", "a\\b/c.png", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for mt, ext := range documentTypes {
			got := cleanFilename(in, mt)
			if !utf8.ValidString(got) || strings.ContainsAny(got, `/\"`) || got == "" {
				t.Fatalf("%q kept as %q", in, got)
			}
			if strings.ContainsFunc(got, func(r rune) bool { return unicode.IsControl(r) || fault.Invisible(r) }) {
				t.Fatalf("%q kept as %q, with a control or invisible character", in, got)
			}
			lower := strings.ToLower(got)
			if !strings.HasSuffix(lower, ext) && !(ext == ".jpg" && strings.HasSuffix(lower, ".jpeg")) {
				t.Fatalf("%q kept as %q for %s", in, got, mt)
			}
			if n := utf8.RuneCountInString(got); n > 120+len(ext) {
				t.Fatalf("%q kept as %d characters", in, n)
			}
		}
	})
}

// A public complaint's attachment named to disguise its type is accepted,
// with the name made plain, not refused: the sender cannot see the
// characters either.
func TestComplaintAttachmentNamesLoseInvisibleCharacters(t *testing.T) {
	body, err := json.Marshal(map[string]any{
		"what_happened": "He swore at me.", "happened_on": "2026-05-20", "where": "Market Square",
		"handling_preference": "formal", "email": "a@example.org",
		"attachments": []map[string]string{{"filename": "report\u202Etxt.exe", "content_base64": base64.StdEncoding.EncodeToString([]byte("plain words"))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var form intake.ComplaintForm
	if err := json.Unmarshal(body, &form); err != nil {
		t.Fatal(err)
	}
	files, err := checkComplaint(form, fuzzNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Filename != "reporttxt.exe.txt" {
		t.Fatalf("files %+v", files)
	}
}
