package secret

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	file := filepath.Join(t.TempDir(), "k")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, value, path, want, errPart string
	}{
		{"inline", "inline-value", "", "inline-value", ""},
		{"file, newline dropped", "", file, "from-file", ""},
		{"neither", "", "", "", "not set"},
		{"both", "x", file, "", "use only one"},
		{"missing file", "", file + "-missing", "", "PROBITY_X_FILE"},
	} {
		got, err := Read("PROBITY_X", tc.value, tc.path)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.errPart)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
	}
	if _, err := Read("P", "", ""); !errors.Is(err, ErrMissing) {
		t.Errorf("missing: %v", err)
	}
}
