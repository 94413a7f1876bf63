package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
)

// The case page's own forms: a note, a document, opening the case to
// others, and breaking glass. Each calls the code its API twin calls and
// goes back to the case page with what changed, or shows the case page
// again with the input and a message beside the field.

// noteForm adds a note from the case page: POST /cases/{id}/notes.
func (s *Server) noteForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	var f fault.Fields
	f.Text("text", text, 20000, true, true)
	if err = f.Err("the note cannot be added"); err == nil {
		_, err = s.saveNote(r, caseID, text)
	}
	if err != nil {
		s.reshowCase(w, r, err, func(p *casePage) { p.NoteText = r.PostForm.Get("text") })
		return
	}
	http.Redirect(w, r, casePath(caseID, "note"), http.StatusSeeOther)
}

// documentForm uploads a document from the case page:
// POST /cases/{id}/documents, multipart with a part named file.
func (s *Server) documentForm(w http.ResponseWriter, r *http.Request) {
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	filename, mediaType, content, err := readUpload(w, r)
	if err == nil {
		_, err = s.saveDocument(r, caseID, filename, mediaType, content)
	}
	if err != nil {
		s.reshowCase(w, r, err, nil)
		return
	}
	http.Redirect(w, r, casePath(caseID, "document"), http.StatusSeeOther)
}

// documentPage downloads a document from the case page:
// GET /cases/{id}/documents/{doc}.
func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) {
	caseID, _, err := s.readableCase(r)
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	if err := s.serveDocument(w, r, caseID); err != nil {
		s.failPage(w, r, err)
	}
}

// reshowCase shows the case page again after a refused form: the fields'
// messages beside them and in the error summary, the input given back by
// keep. Errors other than refused input fail the page.
func (s *Server) reshowCase(w http.ResponseWriter, r *http.Request, err error, keep func(*casePage)) {
	kind := fault.KindOf(err)
	if kind != fault.Invalid && kind != fault.TooLarge && kind != fault.Unsupported {
		s.failPage(w, r, err)
		return
	}
	c, basis, facts, rerr := s.readCaseFacts(r)
	if rerr != nil {
		s.failCasePage(w, r, rerr)
		return
	}
	page, rerr := s.buildCasePage(r, c, basis, facts)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	page.Errors, page.Problem = pageFieldErrors(err)
	if _, ok := page.Errors["Content-Type"]; ok {
		page.Errors["file"] = "must be sent from the upload form"
	}
	if keep != nil {
		keep(&page)
	}
	s.render(w, r, statusOf(kind), "case", page)
}

// grantPage asks whom to open a case to, or confirms sharing it.
type grantPage struct {
	pageData
	Kind      string
	CaseID    string
	Reference string
	State     cases.State
	Users     []access.User
	Chosen    string
	Errors    map[string]string
	Problem   string
}

// grantKindOf reads which grant a route makes from its path.
func grantKindOf(r *http.Request) string {
	switch {
	case strings.HasSuffix(r.URL.Path, "/assign"):
		return grantAssign
	case strings.HasSuffix(r.URL.Path, "/named-users"):
		return grantName
	}
	return grantShare
}

// grantFormPage shows the form: GET /cases/{id}/assign, /named-users,
// /share.
func (s *Server) grantFormPage(w http.ResponseWriter, r *http.Request) {
	page, err := s.buildGrantPage(r, grantKindOf(r))
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "case-grant", page)
}

func (s *Server) buildGrantPage(r *http.Request, kind string) (grantPage, error) {
	caseID, err := s.openForWork(r)
	if err != nil {
		return grantPage{}, err
	}
	c, err := s.db.Case(r.Context(), caseID)
	if err != nil {
		return grantPage{}, err
	}
	page := grantPage{pageData: s.pageData(r), Kind: kind, CaseID: caseID, Reference: c.Reference, State: c.State, Errors: map[string]string{}}
	if kind != grantShare {
		if page.Users, err = s.mayBeGiven(r, caseID); err != nil {
			return page, err
		}
	}
	return page, nil
}

// mayBeGiven are the users who may be given the case: those who work on
// cases, less anyone the case names.
func (s *Server) mayBeGiven(r *http.Request, caseID string) ([]access.User, error) {
	users, err := s.db.Users(r.Context())
	if err != nil {
		return nil, err
	}
	facts, err := s.db.CasesFacts(r.Context(), []string{caseID}, s.clock())
	if err != nil {
		return nil, err
	}
	var out []access.User
	for _, u := range users {
		if ok, _ := access.MayBeGivenCase(u, facts[caseID]); ok {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b access.User) int { return strings.Compare(a.DisplayName, b.DisplayName) })
	return out, nil
}

// grantForm makes the grant: POST /cases/{id}/assign, /named-users,
// /share.
func (s *Server) grantForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	kind := grantKindOf(r)
	page, err := s.buildGrantPage(r, kind)
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	var target access.User
	if kind != grantShare {
		page.Chosen = r.PostForm.Get("user_id")
		i := slices.IndexFunc(page.Users, func(u access.User) bool { return u.ID == page.Chosen })
		if !id.Valid(page.Chosen) || i < 0 {
			page.Errors["user_id"] = "Choose the person to give the case to"
			s.render(w, r, http.StatusUnprocessableEntity, "case-grant", page)
			return
		}
		target = page.Users[i]
	}
	if err := s.grant(r, kind, page.CaseID, target); err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, casePath(page.CaseID, kind), http.StatusSeeOther)
}

// breakGlassPage is the refusal of a case the caller may open only by
// breaking glass, with the form to do so.
type breakGlassPage struct {
	pageData
	CaseID, Reason string
	Errors         map[string]string
}

// breakGlassForm opens a case by breaking glass: POST /cases/{id}/break-glass.
func (s *Server) breakGlassForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	caseID, d, err := s.decideCase(r)
	switch {
	case err != nil:
		s.failPage(w, r, err)
		return
	case d.Allow:
		http.Redirect(w, r, casePath(caseID, ""), http.StatusSeeOther)
		return
	case !d.BreakGlass:
		s.failPage(w, r, s.refuse(r, caseID, d))
		return
	}
	raw := r.PostForm.Get("reason")
	reason, err := breakGlassReason(raw)
	if err != nil {
		errs, _ := pageFieldErrors(err)
		errs["reason"] = "Say why you need to open this case, in 10 to 1000 characters"
		s.render(w, r, http.StatusUnprocessableEntity, "case-refused", breakGlassPage{pageData: s.pageData(r), CaseID: caseID,
			Reason: raw, Errors: errs})
		return
	}
	if _, err := s.openBreakGlass(r, caseID, reason); err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, casePath(caseID, "break-glass"), http.StatusSeeOther)
}
