package web

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages parses each page (every template but the layout, by its file's
// name) together with the layout, once.
var pages = func() map[string]*template.Template {
	funcs := labelFuncs
	out := map[string]*template.Template{}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", file))
	}
	return out
}()

// pageData is what every page gets; pages add their own fields.
type pageData struct {
	Principal *access.Principal
	Demo      bool
	// Nav is the service navigation: only the pages this caller may open.
	Nav []navItem
	// Recorded confirms, on the page of a case just recorded, that it
	// was (the Record a case form redirects there).
	Recorded bool
}

// render writes a page. Rendering into a buffer first means a template
// error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("rendering page", "page", name, "err", err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	retryUnavailable(w, status)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

type errorPage struct {
	pageData
	Title, Detail string
	// Fields name the inputs refused and why.
	Fields []fault.FieldError
}

// failPage is fail for pages: the same kinds and statuses, as HTML.
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, err error) {
	kind := fault.KindOf(err)
	status := statusOf(kind)
	detail := "Something went wrong on our side; it has been logged."
	var fields []fault.FieldError
	var fe *fault.Error
	if kind != fault.Internal && errors.As(err, &fe) {
		detail, fields = fe.Message, fe.Fields
	}
	if status >= 500 {
		s.log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "error", errorPage{pageData: s.pageData(r), Title: http.StatusText(status), Detail: detail, Fields: fields})
}

func (s *Server) pageData(r *http.Request) pageData {
	return pageData{Principal: caller(r), Demo: !s.requireMFA, Nav: s.nav(r),
		Recorded: r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/cases/") && r.URL.Query().Get("recorded") == "1"}
}

type loginPage struct {
	pageData
	Username, Error string
	// SSO offers single sign-on when OIDC is configured.
	SSO bool
	// Next is the page to return to after signing in, already checked by
	// safeNext; Expired says the browser's session had ended.
	Next    string
	Expired bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "login", loginPage{pageData: s.pageData(r), SSO: s.oidc != nil,
		Next: safeNext(q.Get("next")), Expired: q.Get("expired") != ""})
}

// maxFormBody caps a form post without files.
const maxFormBody = 64 << 10

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	username := r.PostForm.Get("username")
	next := safeNext(r.PostForm.Get("next"))
	token, res, _, err := s.login(r, username, r.PostForm.Get("password"), r.PostForm.Get("totp"))
	var th *throttled
	switch {
	case errors.As(err, &th):
		w.Header().Set("Retry-After", strconv.Itoa(th.retryAfterSeconds()))
		s.render(w, r, th.status, "login", loginPage{pageData: s.pageData(r), Username: username,
			Error: "Not checked: " + th.detail + ".", SSO: s.oidc != nil, Next: next})
		return
	case fault.Is(err, fault.Unauthenticated):
		s.render(w, r, http.StatusUnauthorized, "login", loginPage{pageData: s.pageData(r), Username: username, Error: errBadLogin.Message, SSO: s.oidc != nil, Next: next})
		return
	case err != nil:
		s.failPage(w, r, err)
		return
	}
	s.setSessionCookie(w, r, token)
	if res.MFAPending {
		http.Redirect(w, r, withNext("/mfa", next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, afterSignIn(next), http.StatusSeeOther)
}

func (s *Server) logoutForm(w http.ResponseWriter, r *http.Request) {
	if err := s.logout(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type mfaPage struct {
	pageData
	Secret, Error string
	// GroupedSecret is the secret in groups of four, to read and type.
	GroupedSecret string
	// URL is the otpauth:// link an authenticator app opens. html/template
	// refuses that scheme in an href unless told it is safe: it is, being
	// built by the TOTP library from our own secret and username.
	URL template.URL
	// QR is the same link as an inline SVG QR code (qrSVG).
	QR template.HTML
	// Next is the page to go to once enrolled (safeNext).
	Next string
}

func (s *Server) mfaPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if caller(r).MFAPassed {
		http.Redirect(w, r, afterSignIn(next), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "mfa", mfaPage{pageData: s.pageData(r), Next: next})
}

func (s *Server) mfaEnrolForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	secret, url, err := s.enrol(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	qr, err := qrSVG(url, "QR code to add Probity to your authenticator app")
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mfa", mfaPage{pageData: s.pageData(r), Secret: secret, GroupedSecret: groupSecret(secret),
		URL: template.URL(url), QR: qr, Next: safeNext(r.PostForm.Get("next"))})
}

func (s *Server) mfaConfirmForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	err := s.confirm(r, r.PostForm.Get("totp"))
	if fault.Is(err, fault.Invalid) {
		s.render(w, r, http.StatusUnprocessableEntity, "mfa", mfaPage{pageData: s.pageData(r),
			Error: "That code was not accepted. Start again to get a new key.", Secret: "", Next: next})
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, afterSignIn(next), http.StatusSeeOther)
}

// staticHandler serves the embedded style sheet and scripts.
var staticHandler = func() http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}()

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/") {
		s.fail(w, r, fault.Errorf(fault.NotFound, "no such file"))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	staticHandler.ServeHTTP(w, r)
}
