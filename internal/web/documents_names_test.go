package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

func TestDocumentNamesLoseInvisibleCharacters(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		c := f.login(t, access.Handler)
		id := f.cases[relSameUnit]
		body := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"invoice\u202Etxt.exe\"\r\nContent-Type: text/plain" +
			"\r\n\r\nplain words\r\n--B--\r\n"
		rec := c.do(t, "POST", "/api/v1/cases/"+id+"/documents", "multipart/form-data; boundary=B", body)
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code != 201 || m["filename"] != "invoicetxt.exe.txt" {
			t.Fatalf("upload: %d %v", rec.Code, m)
		}
		for _, d := range c.getCase(t, id)["documents"].([]any) {
			if name := d.(map[string]any)["filename"].(string); strings.ContainsFunc(name, fault.Invisible) {
				t.Errorf("kept as %q", name)
			}
		}
	})
}
