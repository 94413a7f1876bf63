package web

import "testing"

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/cases/01ABC", "/cases/01ABC"},
		{"/eis/flags?state=open", "/eis/flags?state=open"},
		{"/", "/"},
		{"", ""},
		{"https://evil.example/", ""},
		{"http:/evil.example", ""},
		{"//evil.example/cases", ""},
		{"/\\evil.example", ""},
		{"\\\\evil.example", ""},
		{"javascript:alert(1)", ""},
		{"cases/01ABC", ""},
		{"/cases/\n01ABC", ""},
		{"/cases/\t01ABC", ""},
		{"/login", ""},
		{"/login?next=/cases/1", ""},
		{"/mfa", ""},
		{"/logout", ""},
		{"/" + string(make([]byte, maxNext)), ""},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
