package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/imagemeta"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// The reporter's door: sending a report, the thread a receipt opens, and
// the pages of both. These routes are public and must not learn who is
// reporting (see speakup.go).

// --- Sending a report -----------------------------------------------------

type speakUpFileJSON struct {
	Filename      string `json:"filename"`
	ContentBase64 string `json:"content_base64"`
}

type speakUpJSON struct {
	What     string `json:"what"`
	Category string `json:"category"`
	// Anonymous is required: the reporter must choose, not fall into
	// one or the other by leaving a field out.
	Anonymous   *bool             `json:"anonymous"`
	Name        string            `json:"name"`
	Email       string            `json:"email"`
	Phone       string            `json:"phone"`
	Role        string            `json:"role"`
	Unit        string            `json:"unit"`
	Attachments []speakUpFileJSON `json:"attachments"`
}

// decodeSpeakUp reads POST /api/v1/speakup into a validated form and its
// files, stripped of metadata, or an error naming every refused field.
func decodeSpeakUp(w http.ResponseWriter, r *http.Request) (speakup.Form, []speakup.Attachment, error) {
	var req speakUpJSON
	if err := decodeJSON(w, r, &req, maxSpeakUpJSON); err != nil {
		// Every refusal names a field, so a form built on the API can
		// put the reason somewhere; "body" when it is the whole body.
		var fe *fault.Error
		if errors.As(err, &fe) && len(fe.Fields) == 0 {
			named := *fe
			named.Fields = []fault.FieldError{{Field: "body", Reason: fe.Message}}
			err = &named
		}
		return speakup.Form{}, nil, err
	}
	form := speakup.Form{What: req.What, Category: req.Category, Name: req.Name, Email: req.Email,
		Phone: req.Phone, Role: req.Role, Unit: req.Unit}
	var fs fault.Fields
	speakUpFormFields(&fs, form, req.Anonymous != nil && *req.Anonymous, req.Anonymous == nil,
		"is required: true to report anonymously, false to give your name")
	if req.Anonymous != nil {
		form.Anonymous = *req.Anonymous
	}
	if len(req.Attachments) > speakup.MaxAttachments {
		fs.Addf("attachments", "at most %d files", speakup.MaxAttachments)
	}
	var files []speakup.Attachment
	tooLarge := false
	budget := imagemeta.NewBudget()
	for i, a := range req.Attachments[:min(len(req.Attachments), speakup.MaxAttachments)] {
		field := fmt.Sprintf("attachments[%d]", i)
		if utf8.RuneCountInString(a.Filename) > 255 {
			fs.Add(field+".filename", "must be at most 255 characters")
		}
		if base64.StdEncoding.DecodedLen(len(a.ContentBase64)) > speakup.MaxAttachmentSize+3 {
			fs.Add(field+".content_base64", "the file must be at most 5 MiB")
			tooLarge = true
			continue
		}
		content, err := base64.StdEncoding.DecodeString(a.ContentBase64)
		if err != nil {
			fs.Add(field+".content_base64", "is not base64")
			continue
		}
		f, reason, err := speakUpFile(r.Context(), budget, content)
		if err != nil {
			return form, nil, err
		}
		if reason != "" {
			fs.Add(field+".content_base64", reason)
			tooLarge = tooLarge || len(content) > speakup.MaxAttachmentSize
			continue
		}
		files = append(files, f)
	}
	if err := fs.Err("the report cannot be sent"); err != nil {
		if tooLarge {
			err.(*fault.Error).Kind = fault.TooLarge
		}
		return form, nil, err
	}
	return form, files, nil
}

// speakUpFormFields validates a form. When the reporter has not said whether
// they report anonymously, only the fields that do not depend on it are
// judged: "name is required" would push them to give it.
func speakUpFormFields(fs *fault.Fields, form speakup.Form, anonymous, undecided bool, undecidedReason string) {
	form.Anonymous = anonymous
	if undecided {
		fs.Add("anonymous", undecidedReason)
		form.Anonymous = true
		form.Name, form.Email, form.Phone, form.Role, form.Unit = "", "", "", "", ""
	}
	for _, fe := range fault.FieldsOf(form.Validate()) {
		fs.Add(fe.Field, fe.Reason)
	}
}

// speakUpFile checks one file's content, sniffed, and strips its
// metadata, taking its pixels from the request's budget; the reason says
// why it was refused, or is "". The error is for the request as a whole:
// it ran out of time.
func speakUpFile(ctx context.Context, budget *imagemeta.Budget, content []byte) (speakup.Attachment, string, error) {
	if len(content) == 0 {
		return speakup.Attachment{}, "is empty", nil
	}
	if len(content) > speakup.MaxAttachmentSize {
		return speakup.Attachment{}, "the file must be at most 5 MiB", nil
	}
	mt := sniff(content)
	if _, ok := speakUpTypes[mt]; !ok {
		return speakup.Attachment{}, "must be a JPEG or PNG image or a plain-text file; this one looks like " + mt +
			". PDFs and documents are not accepted because their hidden details can name their author: photograph or describe them instead", nil
	}
	if mt == "text/plain" && !utf8.Valid(content) {
		return speakup.Attachment{}, "a text file must be UTF-8", nil
	}
	clean, err := speakUpImages.Strip(ctx, budget, content, mt)
	switch {
	case err == nil:
		return speakup.Attachment{MediaType: mt, Content: clean}, "", nil
	case ctx.Err() != nil:
		return speakup.Attachment{}, "", speakUpTimedOut(ctx, err)
	case errors.Is(err, imagemeta.ErrTooLarge):
		return speakup.Attachment{}, err.Error() + "; send a smaller image, or a screenshot of it", nil
	}
	return speakup.Attachment{}, "the image cannot be read; send it again as a JPEG or PNG", nil
}

// fileSpeakUp stores a validated report with its audit entry, and returns
// the reference and the receipt, which exists nowhere else once this
// returns.
func (s *Server) fileSpeakUp(ctx context.Context, form speakup.Form, files []speakup.Attachment) (ref, code string, err error) {
	code, hash := receipt.SpeakUp.Issue()
	now := s.clock()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		rep := speakup.Report{Category: form.Category, Anonymous: form.Anonymous, What: form.What}
		if err := tx.CreateSpeakUpReport(ctx, &rep, form.Identity(), hash, files, now); err != nil {
			return err
		}
		ref = rep.Reference
		reason := "speak-up report received"
		if len(files) > 0 {
			reason += " with " + strconv.Itoa(len(files)) + " attachment(s)"
		}
		if err := s.recordReporterAction(ctx, tx, s.speakUpReporterAudit(audit.Collect, rep.ID, rep.Anonymous, reason), rep.Anonymous, ""); err != nil {
			return err
		}
		// The last thing before the commit: a request that has run out
		// of time, or whose sender has gone, keeps nothing, since its
		// answer, the only copy of the receipt, will never arrive.
		return ctx.Err()
	})
	return ref, code, speakUpTimedOut(ctx, err)
}

// speakUpCreate takes a report: POST /api/v1/speakup.
func (s *Server) speakUpCreate(w http.ResponseWriter, r *http.Request) {
	form, files, err := decodeSpeakUp(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref, code, err := s.fileSpeakUp(r.Context(), form, files)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"reference": ref, "receipt": code})
}

// --- The reporter's thread ------------------------------------------------

type speakUpThreadRequest struct {
	Reference string  `json:"reference"`
	Receipt   string  `json:"receipt"`
	Text      *string `json:"text"`
}

// speakUpThreadView is what a reporter sees: their report and the conversation,
// without which guardian wrote what.
type speakUpThreadView struct {
	Reference  string            `json:"reference"`
	Category   string            `json:"category"`
	Status     string            `json:"status"`
	ReceivedOn string            `json:"received_on"`
	What       string            `json:"what"`
	Messages   []speakup.Message `json:"messages"`
}

// checkSpeakUpThreadRequest validates a thread request's fields; it looks at
// nothing stored, so its answer cannot depend on what exists.
func checkSpeakUpThreadRequest(req speakUpThreadRequest) error {
	var fs fault.Fields
	if !speakup.ValidReference(strings.TrimSpace(req.Reference)) {
		fs.Add("reference", "must be the reference you were given, like SU/2026/483920175")
	}
	if !receipt.SpeakUp.Valid(req.Receipt) {
		fs.Add("receipt", "must be the receipt you were given: eight groups of four letters and digits")
	}
	if req.Text != nil {
		for _, fe := range fault.FieldsOf(speakup.ValidateMessage(*req.Text)) {
			fs.Add(fe.Field, fe.Reason+" (leave text out to only read the replies)")
		}
	}
	return fs.Err("the request cannot be answered")
}

// errNoSpeakUpThread is the one answer to a reference that does not exist and to
// a receipt that does not match it.
var errNoSpeakUpThread = fault.Errorf(fault.NotFound, "no speak-up report has that reference and receipt")

// openSpeakUpThread finds the report a reference and receipt open. Whether the
// reference exists or not, it runs one query, hashes the receipt and
// compares two hashes of the same length (receipt.Scheme.Check), so neither
// the answer nor its timing tells the two apart.
func (s *Server) openSpeakUpThread(ctx context.Context, reference, given string) (speakup.Key, error) {
	k, err := s.db.SpeakUpKeyByReference(ctx, strings.TrimSpace(reference))
	if err != nil && !fault.Is(err, fault.NotFound) {
		return k, err
	}
	// Runs for an unknown reference too, against no hash.
	if !receipt.SpeakUp.Check(k.ReceiptHash, given) || err != nil {
		return speakup.Key{}, errNoSpeakUpThread
	}
	return k, nil
}

// answerSpeakUpThread appends the reporter's message, if any, and reads the
// thread back.
func (s *Server) answerSpeakUpThread(ctx context.Context, k speakup.Key, text *string) (speakUpThreadView, error) {
	if text != nil {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			m := speakup.ThreadMessage{Message: speakup.Message{From: speakup.FromReporter, At: s.clock(), Text: *text}}
			if err := tx.AddSpeakUpMessage(ctx, k.ReportID, &m); err != nil {
				return err
			}
			e := s.speakUpReporterAudit(audit.Collect, k.ReportID, k.Anonymous, "reporter added information")
			if err := s.recordReporterAction(ctx, tx, e, k.Anonymous, m.ID); err != nil {
				return err
			}
			return ctx.Err() // as in fileSpeakUp
		})
		if err != nil {
			return speakUpThreadView{}, speakUpTimedOut(ctx, err)
		}
	}
	rep, err := s.db.SpeakUpReport(ctx, k.ReportID)
	if err != nil {
		return speakUpThreadView{}, err
	}
	msgs, err := s.db.SpeakUpMessages(ctx, k.ReportID)
	if err != nil {
		return speakUpThreadView{}, err
	}
	v := speakUpThreadView{Reference: rep.Reference, Category: rep.Category, Status: rep.Status,
		ReceivedOn: rep.CreatedAt.Format(time.DateOnly), What: rep.What, Messages: []speakup.Message{}}
	for _, m := range msgs {
		v.Messages = append(v.Messages, m.Message)
	}
	return v, nil
}

// speakUpThread lets a reporter read replies and add information:
// POST /api/v1/speakup/messages. The reference and receipt travel in the
// body, never the URL, which proxies and browsers write down.
func (s *Server) speakUpThread(w http.ResponseWriter, r *http.Request) {
	var req speakUpThreadRequest
	if err := decodeJSON(w, r, &req, maxThreadRequest); err != nil {
		s.fail(w, r, err)
		return
	}
	err := checkSpeakUpThreadRequest(req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	k, err := s.openSpeakUpThread(ctx, req.Reference, req.Receipt)
	if errors.Is(err, errNoSpeakUpThread) {
		writeSpeakUpPadded(w, http.StatusNotFound, "application/problem+json", Problem{Type: "about:blank",
			Title: http.StatusText(http.StatusNotFound), Status: http.StatusNotFound, Detail: errNoSpeakUpThread.Message})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.answerSpeakUpThread(ctx, k, req.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeSpeakUpPadded(w, http.StatusOK, "application/json", v)
}

// writeSpeakUpPadded writes v as JSON padded with trailing whitespace (which JSON
// allows) to the next multiple of speakUpBucket bytes.
func writeSpeakUpPadded(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	size := (len(b)/speakUpBucket + 1) * speakUpBucket
	body := make([]byte, size)
	copy(body, b)
	for i := len(b); i < size-1; i++ {
		body[i] = ' '
	}
	body[size-1] = '\n'
	retryUnavailable(w, status)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(size))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// --- The reporter's pages -------------------------------------------------

type speakUpOption struct {
	Value, Label string
	Selected     bool
}

var speakUpCategoryLabels = map[string]string{
	"discrimination":      "Discrimination",
	"sexual_misconduct":   "Sexual misconduct",
	"bullying_harassment": "Bullying or harassment",
	"corruption":          "Corruption or abuse of position",
	"dishonesty":          "Dishonesty",
	"other":               "Something else",
}

var speakUpRoleLabels = map[string]string{
	"officer": "Police officer", "staff": "Police staff", "special_constable": "Special constable",
	"volunteer": "Volunteer", "contractor": "Contractor", "other": "Other",
}

func speakUpOptions(values []string, labels map[string]string, selected string) []speakUpOption {
	out := make([]speakUpOption, 0, len(values))
	for _, v := range values {
		out = append(out, speakUpOption{Value: v, Label: labels[v], Selected: v == selected})
	}
	return out
}

type speakUpPageData struct {
	pageData
	Form speakup.Form
	// Choice is "yes" (anonymous), "no" (named) or "" (not chosen yet).
	Choice     string
	Errors     map[string]string
	Error      string
	Categories []speakUpOption
	Roles      []speakUpOption
}

func (s *Server) renderSpeakUpForm(w http.ResponseWriter, r *http.Request, status int, form speakup.Form, choice string, err error) {
	d := speakUpPageData{pageData: s.speakUpPageBase(), Form: form, Choice: choice, Errors: map[string]string{},
		Categories: speakUpOptions(speakup.Categories, speakUpCategoryLabels, form.Category),
		Roles:      speakUpOptions(speakup.Roles, speakUpRoleLabels, form.Role)}
	if err != nil {
		d.Error = fault.Message(err)
		for _, fe := range fault.FieldsOf(err) {
			field := fe.Field
			if field == "file" || strings.HasPrefix(field, "attachments") {
				field = "attachment"
			}
			if _, dup := d.Errors[field]; !dup {
				d.Errors[field] = fe.Reason
			}
		}
	}
	s.render(w, r, status, "speak-up", d)
}

// speakUpPage shows the form: GET /speak-up.
func (s *Server) speakUpPage(w http.ResponseWriter, r *http.Request) {
	s.renderSpeakUpForm(w, r, http.StatusOK, speakup.Form{}, "", nil)
}

// speakUpHoneypot is a field people never see or fill in (it is off-screen and
// hidden from screen readers), but form-filling robots do.
const speakUpHoneypot = "website"

// speakUpFormPost takes a report from the form: POST /speak-up, either
// URL-encoded or multipart with one file named attachment. A refusal
// shows the form again with each reason beside its field and what the
// reporter typed kept; only the file must be chosen again.
func (s *Server) speakUpFormPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSpeakUpForm)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "multipart/form-data":
		// Everything stays in memory (the limit is above the body cap):
		// a reporter's photograph must not land in a temporary file.
		err = r.ParseMultipartForm(maxSpeakUpForm + 1<<20)
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	default:
		s.renderSpeakUpForm(w, r, http.StatusUnsupportedMediaType, speakup.Form{}, "",
			fault.Errorf(fault.Unsupported, "the form must be sent as a web form"))
		return
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.renderSpeakUpForm(w, r, http.StatusRequestEntityTooLarge, speakup.Form{}, "", &fault.Error{Kind: fault.TooLarge,
			Message: "the report is too large to send", Fields: []fault.FieldError{{Field: "attachment", Reason: "the file must be at most 5 MiB"}}})
		return
	}
	if err != nil {
		s.renderSpeakUpForm(w, r, http.StatusBadRequest, speakup.Form{}, "", fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	v := r.PostForm
	form := speakup.Form{What: v.Get("what"), Category: v.Get("category"), Name: v.Get("name"), Email: v.Get("email"),
		Phone: v.Get("phone"), Role: v.Get("role"), Unit: v.Get("unit")}
	choice := v.Get("anonymous")
	var fs fault.Fields
	if v.Get(speakUpHoneypot) != "" {
		// Refused, not silently dropped: a person whose browser filled
		// the field in must not believe they have reported.
		fs.Add(speakUpHoneypot, "must be left empty: clear the field labelled \"Leave this empty\" and send again")
	}
	switch choice {
	case "yes", "no":
		speakUpFormFields(&fs, form, choice == "yes", false, "")
	default:
		speakUpFormFields(&fs, form, false, true, "choose whether to give your name or to report anonymously")
		choice = ""
	}
	form.Anonymous = choice == "yes"
	var files []speakup.Attachment
	if r.MultipartForm != nil {
		heads := r.MultipartForm.File["attachment"]
		if len(heads) > 1 {
			fs.Add("attachment", "send one file with the form; the API takes up to three")
		} else if len(heads) == 1 {
			f, err := heads[0].Open()
			if err != nil {
				fs.Add("attachment", "the file could not be read")
			} else {
				var buf bytes.Buffer
				_, err = buf.ReadFrom(f)
				f.Close()
				if err != nil {
					fs.Add("attachment", "the file could not be read")
				} else if att, reason, err := speakUpFile(r.Context(), imagemeta.NewBudget(), buf.Bytes()); err != nil {
					s.failSpeakUpPage(w, r, err)
					return
				} else if reason != "" {
					fs.Add("attachment", reason+"; choose the file again")
				} else {
					files = append(files, att)
				}
			}
		}
	}
	if err := fs.Err("the report has not been sent: please correct the fields marked below"); err != nil {
		s.renderSpeakUpForm(w, r, http.StatusUnprocessableEntity, form, choice, err)
		return
	}
	ref, code, err := s.fileSpeakUp(r.Context(), form, files)
	if err != nil {
		s.failSpeakUpPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusCreated, "speak-up-done", struct {
		pageData
		Reference, Receipt string
	}{s.speakUpPageBase(), ref, code})
}

// failSpeakUpPage is failPage without a caller.
func (s *Server) failSpeakUpPage(w http.ResponseWriter, r *http.Request, err error) {
	kind := fault.KindOf(err)
	status := statusOf(kind)
	detail := "Something went wrong on our side, and your report was not sent. Please try again later."
	var fe *fault.Error
	if kind != fault.Internal && errors.As(err, &fe) {
		detail = fe.Message
	}
	if status >= 500 {
		s.log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "error", errorPage{pageData: s.speakUpPageBase(), Title: http.StatusText(status), Detail: detail})
}

type speakUpThreadPageData struct {
	pageData
	Reference, Receipt, Text string
	Errors                   map[string]string
	Error                    string
	Thread                   *speakUpThreadView
	Categories               map[string]string
}

func (s *Server) renderSpeakUpThread(w http.ResponseWriter, r *http.Request, status int, d speakUpThreadPageData, err error) {
	d.pageData, d.Errors, d.Categories = s.speakUpPageBase(), map[string]string{}, speakUpCategoryLabels
	if err != nil {
		d.Error = fault.Message(err)
		for _, fe := range fault.FieldsOf(err) {
			d.Errors[fe.Field] = fe.Reason
		}
	}
	s.render(w, r, status, "speak-up-thread", d)
}

// speakUpThreadPage asks for the reference and receipt: GET /speak-up/thread.
func (s *Server) speakUpThreadPage(w http.ResponseWriter, r *http.Request) {
	s.renderSpeakUpThread(w, r, http.StatusOK, speakUpThreadPageData{}, nil)
}

// speakUpThreadPost shows the thread and takes more information:
// POST /speak-up/thread. The page with the thread carries the receipt in
// a hidden field so the reporter can reply without typing it again; like
// every page here it is marked no-store.
func (s *Server) speakUpThreadPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxThreadRequest)
	if err := r.ParseForm(); err != nil {
		s.renderSpeakUpThread(w, r, http.StatusBadRequest, speakUpThreadPageData{}, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	req := speakUpThreadRequest{Reference: r.PostForm.Get("reference"), Receipt: r.PostForm.Get("receipt")}
	text := r.PostForm.Get("text")
	if strings.TrimSpace(text) != "" {
		req.Text = &text
	}
	// The receipt is not shown back on a refusal: the page would then
	// differ between a wrong receipt and a right one.
	d := speakUpThreadPageData{Reference: req.Reference, Text: text}
	err := checkSpeakUpThreadRequest(req)
	if err != nil {
		s.renderSpeakUpThread(w, r, http.StatusUnprocessableEntity, d, err)
		return
	}
	ctx := r.Context()
	k, err := s.openSpeakUpThread(ctx, req.Reference, req.Receipt)
	if errors.Is(err, errNoSpeakUpThread) {
		s.renderSpeakUpThread(w, r, http.StatusNotFound, d, err)
		return
	}
	if err != nil {
		s.failSpeakUpPage(w, r, err)
		return
	}
	v, err := s.answerSpeakUpThread(ctx, k, req.Text)
	if err != nil {
		s.failSpeakUpPage(w, r, err)
		return
	}
	s.renderSpeakUpThread(w, r, http.StatusOK, speakUpThreadPageData{Reference: v.Reference, Receipt: req.Receipt, Thread: &v}, nil)
}
