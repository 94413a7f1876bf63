package web

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/speakup"
)

// --- The inbox's forms ----------------------------------------------------

// readForm parses a form post without files.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "the form could not be read")
	}
	return nil
}

// speakUpFormFailed shows the report's page again after a form was
// refused: the input kept (keep fills it in), each faulty field named by
// its id (fieldID maps the domain's field names), and the error summary
// at the top. A refusal that is not the guardian's to put right (the
// report is gone, the database failed) is an error page.
func (s *Server) speakUpFormFailed(w http.ResponseWriter, r *http.Request, err error, order []string,
	fieldID func(string) string, keep func(*speakUpReportPage)) {
	kind := fault.KindOf(err)
	if kind != fault.Invalid && kind != fault.Conflict && kind != fault.Forbidden {
		s.failPage(w, r, err)
		return
	}
	data, rerr := s.speakUpReportData(r)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	keep(&data)
	var fe *fault.Error
	if errors.As(err, &fe) {
		for _, f := range fe.Fields {
			key := fieldID(f.Field)
			if _, dup := data.Errors[key]; dup {
				data.Errors[key] += "; " + f.Reason
				continue
			}
			data.Errors[key] = fieldLabel(key) + " " + f.Reason
		}
	}
	for _, key := range order {
		if msg, ok := data.Errors[key]; ok {
			data.Summary = append(data.Summary, formError{Href: "#" + key, Text: msg})
		}
	}
	for key, msg := range data.Errors {
		if !slices.Contains(order, key) {
			data.Summary = append(data.Summary, formError{Href: "#" + key, Text: msg})
		}
	}
	if len(data.Summary) == 0 {
		data.Problem = fault.Message(err)
		if data.Problem != "" {
			data.Problem = strings.ToUpper(data.Problem[:1]) + data.Problem[1:] + "."
		}
	}
	s.render(w, r, statusOf(kind), "speak-up-report", data)
}

// fieldLabels name the inbox's fields in an error message.
var fieldLabels = map[string]string{
	"reply-text": "Your reply", "raise-unit": "The unit", "raise-summary": "The summary", "raise-allegation": "The allegation", "raise-standard": "The standard",
	"raise-description": "The description", "raise-arose-day": "The date it happened", "raise-subjects": "The officers",
	"reveal-recipient": "Who would learn the identity", "reveal-reason": "The reason", "identity-reason": "The reason",
}

func fieldLabel(key string) string {
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	return "This"
}

// speakUpReplyForm answers POST /speak-up/inbox/{id}/reply.
func (s *Server) speakUpReplyForm(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	if err == nil {
		err = readForm(w, r)
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	text := r.PostForm.Get("text")
	if _, err := s.guardianReply(r, reportID, text); err != nil {
		s.speakUpFormFailed(w, r, err, []string{"reply-text"}, func(string) string { return "reply-text" },
			func(d *speakUpReportPage) { d.Reply = text })
		return
	}
	http.Redirect(w, r, speakUpInboxLink(reportID, "replied"), http.StatusSeeOther)
}

// collarList splits the officers a guardian names into collar numbers.
var collarList = regexp.MustCompile(`[\s,;]+`)

// speakUpRaiseForm answers POST /speak-up/inbox/{id}/raise: the conduct
// matter goes through raiseConductMatter, as the API's does, so the same
// check refuses a case that would identify a named reporter.
func (s *Server) speakUpRaiseForm(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	if err == nil {
		err = readForm(w, r)
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	pf := r.PostForm
	form := raiseForm{UnitID: pf.Get("unit_id"), Summary: pf.Get("summary"), Allegation: pf.Get("allegation"),
		Description: pf.Get("description"), Subjects: pf.Get("subjects"), AroseDay: strings.TrimSpace(pf.Get("arose_day")),
		AroseMonth: strings.TrimSpace(pf.Get("arose_month")), AroseYear: strings.TrimSpace(pf.Get("arose_year")),
		Standard: pf.Get("standard")}
	req := speakUpConvertRequest{UnitID: form.UnitID, Summary: form.Summary, Description: form.Description}
	if form.Standard != "" {
		req.Standards = []string{form.Standard}
	}
	req.Category, req.Subcategory, _ = strings.Cut(form.Allegation, "/")
	var fs fault.Fields
	if form.AroseDay+form.AroseMonth+form.AroseYear != "" {
		req.AroseOn = dayFromParts(&fs, form.AroseDay, form.AroseMonth, form.AroseYear)
	}
	if err := s.resolveCollars(r, &req, form.Subjects, &fs); err != nil {
		s.failPage(w, r, err)
		return
	}
	order := []string{"raise-unit", "raise-summary", "raise-allegation", "raise-standard", "raise-description", "raise-arose-day", "raise-subjects"}
	keep := func(d *speakUpReportPage) {
		d.Raise = form
		for i := range d.Units {
			d.Units[i].Selected = d.Units[i].Value == form.UnitID
		}
		for i := range d.Standards {
			d.Standards[i].Selected = d.Standards[i].Value == form.Standard
		}
		for _, g := range d.Allegations {
			for i := range g.Options {
				g.Options[i].Selected = g.Options[i].Value == form.Allegation
			}
		}
	}
	c, err := s.raiseConductMatter(r, reportID, req, fault.FieldsOf(fs.Err("the conduct matter cannot be recorded"))...)
	if err != nil {
		s.speakUpFormFailed(w, r, err, order, raiseFieldID, keep)
		return
	}
	http.Redirect(w, r, speakUpInboxLink(reportID, "raised", "case", c.Reference), http.StatusSeeOther)
}

// raiseFieldID names the form field a conduct matter's refusal is about.
func raiseFieldID(field string) string {
	switch {
	case field == "unit_id":
		return "raise-unit"
	case field == "summary":
		return "raise-summary"
	case field == "category" || field == "subcategory":
		return "raise-allegation"
	case strings.HasPrefix(field, "standards"):
		return "raise-standard"
	case field == "description":
		return "raise-description"
	case field == "arose_on":
		return "raise-arose-day"
	case strings.HasPrefix(field, "subjects"):
		return "raise-subjects"
	}
	return "raise-summary"
}

// dayFromParts reads a GOV.UK date input (day, month, year) as the API's
// YYYY-MM-DD; a date that is not one is refused on the arose_on field.
func dayFromParts(fs *fault.Fields, d, m, y string) string {
	digits := func(s string, n int) bool {
		if s == "" || utf8.RuneCountInString(s) > n {
			return false
		}
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if !digits(d, 2) || !digits(m, 2) || !digits(y, 4) || len(y) != 4 {
		fs.Add("arose_on", "must be a real date, like 27 3 2026")
		return ""
	}
	pad := func(s string) string {
		if len(s) == 1 {
			return "0" + s
		}
		return s
	}
	day := y + "-" + pad(m) + "-" + pad(d)
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		fs.Add("arose_on", "must be a real date, like 27 3 2026")
		return ""
	}
	return day
}

// resolveCollars turns the collar numbers a guardian typed into the
// officers the API takes, looking in every force (Probity usually holds
// one). An unknown collar number is refused on the subjects field.
func (s *Server) resolveCollars(r *http.Request, req *speakUpConvertRequest, typed string, fs *fault.Fields) error {
	ctx := r.Context()
	var collars []string
	for _, c := range collarList.Split(strings.TrimSpace(typed), -1) {
		if c != "" {
			collars = append(collars, c)
		}
	}
	if len(collars) == 0 {
		return nil
	}
	if len(collars) > 20 {
		fs.Add("subjects", "name at most 20 officers")
		return nil
	}
	forces, err := s.db.Forces(ctx)
	if err != nil {
		return err
	}
	for _, collar := range collars {
		found := ""
		for _, f := range forces {
			o, err := s.db.OfficerByCollar(ctx, f.ID, collar)
			if fault.Is(err, fault.NotFound) {
				continue
			}
			if err != nil {
				return err
			}
			found = o.ID
			break
		}
		if found == "" || !id.Valid(found) {
			fs.Add("subjects", "include "+collar+", which is no officer's collar number")
			continue
		}
		req.Subjects = append(req.Subjects, found)
	}
	return nil
}

// speakUpRevealForm answers POST /speak-up/inbox/{id}/reveal-requests.
func (s *Server) speakUpRevealForm(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	if err == nil {
		err = readForm(w, r)
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	in := speakUpRevealInput{Reason: r.PostForm.Get("reason"), Recipient: r.PostForm.Get("recipient")}
	if _, err := s.askReveal(r, reportID, in); err != nil {
		s.speakUpFormFailed(w, r, err, []string{"reveal-recipient", "reveal-reason"},
			func(f string) string {
				if f == "recipient" {
					return "reveal-recipient"
				}
				return "reveal-reason"
			},
			func(d *speakUpReportPage) { d.RevealReason, d.Recipient = in.Reason, in.Recipient })
		return
	}
	http.Redirect(w, r, speakUpInboxLink(reportID, "asked"), http.StatusSeeOther)
}

// speakUpApproveForm answers POST
// /speak-up/inbox/{id}/reveal-requests/{req}/approve. Approving one's own
// request is refused and audited (approveRevealRequest).
func (s *Server) speakUpApproveForm(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	requestID := r.PathValue("req")
	if err == nil && !id.Valid(requestID) {
		err = fault.Errorf(fault.NotFound, "reveal request not found")
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if _, _, err := s.approveRevealRequest(r, requestID, reportID); err != nil {
		s.speakUpFormFailed(w, r, err, nil, func(string) string { return "reveal-requests" }, func(*speakUpReportPage) {})
		return
	}
	http.Redirect(w, r, speakUpInboxLink(reportID, "approved"), http.StatusSeeOther)
}

// speakUpIdentityForm answers POST /speak-up/inbox/{id}/identity: the
// requester of an approved reveal reads the named reporter's identity,
// giving a reason. It is the API's read (revealedIdentity): refused and
// audited without an approval of the last speakup.RevealValidity, and
// audited as a disclosure to the request's recipient before the page is
// written. The reason travels in the body, not the address, so that no
// log or history keeps it.
func (s *Server) speakUpIdentityForm(w http.ResponseWriter, r *http.Request) {
	_, err := speakUpID(r)
	if err == nil {
		err = readForm(w, r)
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	keep := func(d *speakUpReportPage) { d.IdentityReason = reason }
	var fs fault.Fields
	checkSpeakUpReason(&fs, "reason", reason, "say why you are reading the identity now")
	if err := fs.Err("the identity cannot be read"); err != nil {
		s.speakUpFormFailed(w, r, err, []string{"identity-reason"}, func(string) string { return "identity-reason" }, keep)
		return
	}
	data, err := s.speakUpReportData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	e := s.auditEntry(r, audit.Consult, "speakup", data.Report.ID, audit.Success)
	e.Reason = "read speak-up report " + data.Report.Reference
	ident, err := s.revealedIdentity(r, data.Report, e, reason)
	if fault.Is(err, fault.Forbidden) {
		err = fault.Errorf(fault.Forbidden, "you may read the identity only on your own request to reveal it, approved by %d other guardians in the last %d hours",
			speakup.RevealApprovals, int(speakup.RevealValidity/time.Hour))
	}
	if err == nil {
		// Recorded before the page is written: no identity leaves
		// without its audit entry.
		err = s.db.Audit(r.Context(), e)
	}
	if err != nil {
		s.speakUpFormFailed(w, r, err, nil, func(string) string { return "identity-reason" }, keep)
		return
	}
	data.Identity = &identityView{Name: ident.Name, Email: ident.Email, Phone: ident.Phone, Role: speakUpRoleLabels[ident.Role],
		Unit: ident.Unit, For: strings.Join(e.Recipients, ", ")}
	s.render(w, r, http.StatusOK, "speak-up-report", data)
}
