package web

import (
	"net/http"
	"net/url"
	"strings"
)

// maxNext bounds the page address carried through sign-in.
const maxNext = 2048

// safeNext returns v if it is a path on this site that sign-in may send
// the browser to afterwards, and "" otherwise. Only a local absolute path
// passes: a full URL, a scheme-relative "//host" (which a browser reads as
// another site) or a backslash (which browsers treat as a slash, so "/\host"
// is "//host") would turn the sign-in page into an open redirect, and the
// sign-in pages themselves would only loop.
func safeNext(v string) string {
	if v == "" || len(v) > maxNext || !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.ContainsAny(v, "\\") {
		return ""
	}
	for _, c := range v {
		if c < 0x20 || c == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	switch u.Path {
	case "/login", "/logout", "/mfa", "/mfa/enrol", "/mfa/confirm":
		return ""
	}
	return v
}

// withNext adds a safe next address to a sign-in path; the start page,
// where sign-in goes anyway, needs none.
func withNext(path, next string) string {
	if next = safeNext(next); next == "" || next == "/" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

// afterSignIn is where a browser goes once signed in: the page it asked
// for, or the start page.
func afterSignIn(next string) string {
	if next = safeNext(next); next != "" {
		return next
	}
	return "/"
}

// signInRedirect sends a browser that is not signed in to the sign-in
// page, remembering the page it asked for when that page can be fetched
// again (a GET); expired says a session cookie was sent but its session
// has ended, so the sign-in page can say so.
func signInRedirect(w http.ResponseWriter, r *http.Request, expired bool) {
	target := "/login"
	if r.Method == http.MethodGet {
		target = withNext(target, r.URL.RequestURI())
	}
	if expired {
		if strings.Contains(target, "?") {
			target += "&expired=1"
		} else {
			target += "?expired=1"
		}
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
