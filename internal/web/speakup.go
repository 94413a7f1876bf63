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
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/imagemeta"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// Speak-up: officers and staff report wrongdoing, named or anonymously,
// and guardians answer. The public half of this file must not learn who
// is reporting, so on those routes:
//   - nothing reads the session cookie or the Authorization header: guard
//     hands every public route straight to its handler, so a report
//     cannot be tied to a signed-in session even by a last-seen time;
//   - the client address is used only by the rate limiter, which keeps an
//     HMAC of it under a key that lives in memory for an hour;
//   - audit entries have no source and no actor id, and for an anonymous
//     report carry only the day and wait for the day's batch to join the
//     log (recordReporterAction; the design is at the top of
//     store/speakup.go);
//   - nothing is logged but the path of a request that failed on our side;
//   - a receipt lookup does the same work and gives the same answer
//     whether or not the reference exists.

// Limits. A JSON report carries up to three files in base64, a third
// larger than the files themselves.
const (
	maxSpeakUpJSON   = speakup.MaxAttachments*(speakup.MaxAttachmentSize/3*4+8) + 64<<10
	maxSpeakUpForm   = speakup.MaxAttachmentSize + 64<<10
	maxThreadRequest = 64 << 10
	// speakUpBucket is the size a reporter's thread answers are padded to
	// a multiple of, so that the length of an answer says little about
	// the thread, and the "no such report" answer is always one size.
	speakUpBucket = 4096
)

// speakUpDeadline is how long a reporter's request may take. It is well
// inside the server's write timeout (60 s in cmd/probity), so that a
// request slowed by large images or a busy database is abandoned, and
// rolled back, while its answer can still reach the reporter: a report
// must not be kept whose reference and receipt the reporter never saw,
// since they would think it lost and could never follow it up.
var speakUpDeadline = 30 * time.Second

// speakUpImages decodes the reports' images, a few at a time for the
// whole process (see imagemeta.Stripper).
var speakUpImages = imagemeta.NewStripper(imagemeta.DecodeSlots)

// errSpeakUpTooSlow answers a reporter's request that ran out of time or
// whose sender went away: nothing was kept.
var errSpeakUpTooSlow = fault.Errorf(fault.Unavailable,
	"your report took too long to process and was not kept; please send it again (smaller images are quicker)")

// speakUpTimedOut turns a failure after the request's context ended into
// errSpeakUpTooSlow (whatever the database made of the cancellation), and
// leaves other errors alone.
func speakUpTimedOut(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return errSpeakUpTooSlow
	}
	return err
}

// speakUpTypes are the files a speak-up report may carry: types whose
// metadata imagemeta.Strip removes, or that have none. PDFs are
// refused (see internal/imagemeta).
var speakUpTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "text/plain": ".txt"}

func (s *Server) speakUpRoutes() []route {
	// Reporters at one force often share one address (the force's proxy),
	// so the limits stop floods, not colleagues: a burst of 20 reports,
	// then 2 a minute; a burst of 30 thread lookups, then 10 a minute.
	reports := newRateLimiter(2, 20, s.clock)
	lookups := newRateLimiter(10, 30, s.clock)
	return []route{
		{"GET", "/speak-up", access.Public, s.speakUpPage, true},
		{"POST", "/speak-up", access.Public, s.speakUpThrottle(reports, true, s.speakUpFormPost), true},
		{"GET", "/speak-up/thread", access.Public, s.speakUpThreadPage, true},
		{"POST", "/speak-up/thread", access.Public, s.speakUpThrottle(lookups, true, s.speakUpThreadPost), true},
		{"POST", "/api/v1/speakup", access.Public, s.speakUpThrottle(reports, false, s.speakUpCreate), false},
		{"POST", "/api/v1/speakup/messages", access.Public, s.speakUpThrottle(lookups, false, s.speakUpThread), false},

		{"GET", "/api/v1/speakup/reports", access.SpeakUpRead, s.listSpeakUp, false},
		{"GET", "/api/v1/speakup/reports/{id}", access.SpeakUpRead, s.getSpeakUp, false},
		{"GET", "/api/v1/speakup/reports/{id}/attachments/{att}", access.SpeakUpRead, s.speakUpAttachment, false},
		{"POST", "/api/v1/speakup/reports/{id}/messages", access.SpeakUpRead, s.replySpeakUp, false},
		{"POST", "/api/v1/speakup/reports/{id}/convert", access.SpeakUpRead, s.convertSpeakUp, false},
		{"POST", "/api/v1/speakup/reports/{id}/reveal-requests", access.SpeakUpReveal, s.requestReveal, false},
		{"POST", "/api/v1/speakup/reveal-requests/{id}/approve", access.SpeakUpReveal, s.approveReveal, false},
	}
}

// speakUpThrottle refuses a caller who has used up their tokens with 429,
// and gives the others' requests speakUpDeadline to finish.
func (s *Server) speakUpThrottle(l *rateLimiter, page bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if l.allow(clientAddr(r)) {
			ctx, cancel := context.WithTimeout(r.Context(), speakUpDeadline)
			defer cancel()
			h(w, r.WithContext(ctx))
			return
		}
		const detail = "Too many requests from your network in a short time. Wait a minute and try again; nothing you sent was kept."
		w.Header().Set("Retry-After", "60")
		if page {
			s.render(w, r, http.StatusTooManyRequests, "error", errorPage{pageData: s.speakUpPageBase(),
				Title: http.StatusText(http.StatusTooManyRequests), Detail: detail})
			return
		}
		writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusTooManyRequests),
			Status: http.StatusTooManyRequests, Detail: detail})
	}
}

// speakUpPageBase is pageData without a caller: reporters' pages never
// look one up.
func (s *Server) speakUpPageBase() pageData { return pageData{Demo: !s.requireMFA} }

// speakUpReporterAudit starts an audit entry for something a reporter did: no
// source, no actor id, and for an anonymous report only the day.
func (s *Server) speakUpReporterAudit(action audit.Action, reportID string, anonymous bool, reason string) *audit.Entry {
	e := &audit.Entry{At: s.clock().UTC(), Action: action, RecordType: "speakup", RecordID: reportID,
		Outcome: audit.Success, ActorName: "named reporter", Reason: reason}
	if anonymous {
		e.At = speakup.Day(e.At)
		e.ActorName = "anonymous reporter"
		e.Reason += " (time of day withheld: anonymous report)"
	}
	return e
}

// recordReporterAction writes the audit entry of something a reporter did,
// inside tx: at once for a named report, whose times are kept; for an
// anonymous one it waits for its day's batch, so that its place in the
// log's sequence cannot date it (store.Tx.DeferSpeakUpAudit). messageID
// names the reporter's message the entry records, or is "".
func (s *Server) recordReporterAction(ctx context.Context, tx *store.Tx, e *audit.Entry, anonymous bool, messageID string) error {
	if anonymous {
		return tx.DeferSpeakUpAudit(ctx, e, messageID)
	}
	return s.audit.Append(ctx, tx, e)
}

// SettleSpeakUp appends the audit entries of anonymous reporters' actions
// whose day is over to the audit log (store.DB.SettleSpeakUpAudit), and
// reports how many.
func (s *Server) SettleSpeakUp(ctx context.Context) (int, error) {
	return s.db.SettleSpeakUpAudit(ctx, s.audit.Append, s.clock())
}

// RunSpeakUpBatches settles the day's anonymous audit entries now and
// every interval until ctx ends. A batch that fails is logged and tried
// again at the next tick: its entries stay where they are meanwhile.
func (s *Server) RunSpeakUpBatches(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.SettleSpeakUp(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("speak-up audit batch failed; it will be tried again", "err", err)
		} else if n > 0 {
			s.log.Info("speak-up audit batch appended", "entries", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

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

// --- Guardians ------------------------------------------------------------

type speakUpSummary struct {
	ID         string `json:"id"`
	Reference  string `json:"reference"`
	Category   string `json:"category"`
	Anonymous  bool   `json:"anonymous"`
	Status     string `json:"status"`
	ReceivedOn string `json:"received_on"`
	// ReceivedAt is the time of a named report; an anonymous report's
	// time of day is not kept.
	ReceivedAt      *time.Time `json:"received_at,omitempty"`
	ConvertedCaseID string     `json:"converted_case_id,omitempty"`
}

func summariseSpeakUp(r speakup.Report) speakUpSummary {
	v := speakUpSummary{ID: r.ID, Reference: r.Reference, Category: r.Category, Anonymous: r.Anonymous, Status: r.Status,
		ReceivedOn: r.CreatedAt.Format(time.DateOnly), ConvertedCaseID: r.ConvertedCaseID}
	if !r.Anonymous {
		at := r.CreatedAt
		v.ReceivedAt = &at
	}
	return v
}

// listSpeakUp lists reports for guardians, newest first:
// GET /api/v1/speakup/reports?status=open.
func (s *Server) listSpeakUp(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	switch status {
	case "", speakup.StatusOpen, speakup.StatusConverted, speakup.StatusClosed:
	default:
		s.fail(w, r, &fault.Error{Kind: fault.Invalid, Message: "bad query",
			Fields: []fault.FieldError{{Field: "status", Reason: "must be open, converted or closed"}}})
		return
	}
	ctx := r.Context()
	list, err := s.db.SpeakUpReports(ctx, status, 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]speakUpSummary, 0, len(list))
	for _, rep := range list {
		items = append(items, summariseSpeakUp(rep))
	}
	e := s.auditEntry(r, audit.Consult, "speakup-list", "", audit.Success)
	// Not how many: two counts a few minutes apart, less the named
	// reports collected between them, would date an anonymous report.
	e.Reason = "listed speak-up reports"
	if status != "" {
		e.Reason += " (" + status + ")"
	}
	if err := s.audit.Record(ctx, e); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": ""})
}

type speakUpDetail struct {
	speakUpSummary
	What        string                  `json:"what"`
	Messages    []speakup.ThreadMessage `json:"messages"`
	Attachments []speakup.Attachment    `json:"attachments"`
	Identity    *speakup.Identity       `json:"identity,omitempty"`
}

// speakUpID reads the {id} of a report route.
func speakUpID(r *http.Request) (string, error) {
	reportID := r.PathValue("id")
	if !id.Valid(reportID) {
		return "", fault.Errorf(fault.NotFound, "speak-up report not found")
	}
	return reportID, nil
}

// getSpeakUp shows a report and its thread to a guardian:
// GET /api/v1/speakup/reports/{id}. With ?identity=true&reason=... it
// shows a named reporter's identity too, but only to a guardian whose
// request to reveal it was approved by two other guardians within
// speakup.RevealValidity: the same approval as any reveal, so that the
// query string is not a way round it. That read is audited as a
// disclosure to the request's recipient, with the reason; the audit entry
// never holds the identity itself, and a refused read is audited too.
func (s *Server) getSpeakUp(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	var fs fault.Fields
	wantIdentity := false
	switch q.Get("identity") {
	case "", "false":
	case "true":
		wantIdentity = true
	default:
		fs.Add("identity", "must be true or false")
	}
	reason := strings.TrimSpace(q.Get("reason"))
	if wantIdentity {
		checkSpeakUpReason(&fs, "reason", reason, "reading a reporter's identity must give a reason")
	}
	if err := fs.Err("bad query"); err != nil {
		s.fail(w, r, err)
		return
	}
	p := caller(r)
	if wantIdentity && !p.Has(access.Guardian) {
		// The route already needs a guardian's permission; this says
		// the rule where the identity is read, in case that ever changes.
		s.fail(w, r, fault.Errorf(fault.Forbidden, "only a guardian may see a reporter's identity"))
		return
	}
	ctx := r.Context()
	rep, err := s.db.SpeakUpReport(ctx, reportID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := s.auditEntry(r, audit.Consult, "speakup", reportID, audit.Success)
	e.Reason = "read speak-up report " + rep.Reference
	var ident *speakup.Identity
	if wantIdentity {
		if ident, err = s.revealedIdentity(r, rep, e, reason); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v := speakUpDetail{speakUpSummary: summariseSpeakUp(rep), What: rep.What, Identity: ident}
	if v.Messages, err = s.db.SpeakUpMessages(ctx, reportID); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Attachments, err = s.db.SpeakUpAttachments(ctx, reportID); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Messages = speakUpNonNil(v.Messages)
	v.Attachments = speakUpNonNil(v.Attachments)
	// Recorded before the answer is written: no identity leaves without
	// its audit entry.
	if err := s.audit.Record(ctx, e); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// revealedIdentity reads a named reporter's identity for the guardian
// asking, if two other guardians approved their request to reveal it, and
// turns e into the disclosure entry. A refusal is audited before it is
// returned.
func (s *Server) revealedIdentity(r *http.Request, rep speakup.Report, e *audit.Entry, reason string) (*speakup.Identity, error) {
	ctx := r.Context()
	if rep.Anonymous {
		return nil, fault.Errorf(fault.Conflict, "the report is anonymous: Probity holds no identity for it")
	}
	rr, err := s.db.ApprovedReveal(ctx, rep.ID, caller(r).User.ID, s.clock().Add(-speakup.RevealValidity))
	if fault.Is(err, fault.NotFound) {
		d := s.auditEntry(r, audit.AccessDenied, "speakup", rep.ID, audit.Denied)
		d.Reason = "asked to read the reporter's identity of " + rep.Reference + " without an approved reveal request: " + reason
		if err := s.audit.Record(ctx, d); err != nil {
			return nil, err
		}
		return nil, fault.Errorf(fault.Forbidden, "reading a reporter's identity needs your request to reveal it, approved by %d other guardians "+
			"in the last %d hours: POST /api/v1/speakup/reports/%s/reveal-requests", speakup.RevealApprovals,
			int(speakup.RevealValidity/time.Hour), rep.ID)
	}
	if err != nil {
		return nil, err
	}
	ident, err := s.db.SpeakUpIdentity(ctx, rep.ID)
	if err != nil {
		return nil, err
	}
	e.Action, e.Recipients = audit.Disclose, []string{rr.Recipient}
	e.Reason += " with the reporter's identity, for " + rr.Recipient + " on reveal request " + rr.ID + ": " + reason
	return &ident, nil
}

func speakUpNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func checkSpeakUpReason(fs *fault.Fields, field, reason, why string) {
	switch {
	case reason == "":
		fs.Add(field, "is required: "+why)
	case utf8.RuneCountInString(reason) < 10:
		fs.Add(field, "must say why in at least 10 characters")
	case utf8.RuneCountInString(reason) > 1000:
		fs.Add(field, "must be at most 1000 characters")
	case !utf8.ValidString(reason):
		fs.Add(field, "is not valid UTF-8")
	}
}

// speakUpAttachment serves a report's file to a guardian:
// GET /api/v1/speakup/reports/{id}/attachments/{att}.
func (s *Server) speakUpAttachment(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	attID := r.PathValue("att")
	if err == nil && !id.Valid(attID) {
		err = fault.Errorf(fault.NotFound, "attachment not found")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	a, err := s.db.SpeakUpAttachment(ctx, reportID, attID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := s.auditEntry(r, audit.Consult, "speakup", reportID, audit.Success)
	e.Reason = "downloaded speak-up attachment " + a.ID
	if err := s.audit.Record(ctx, e); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.MediaType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("attachment-"+a.ID+speakUpTypes[a.MediaType]))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.Itoa(len(a.Content)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.Content)
}

// replySpeakUp adds a guardian's message to a thread:
// POST /api/v1/speakup/reports/{id}/messages.
func (s *Server) replySpeakUp(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req noteRequest
	if err := decodeJSON(w, r, &req, maxThreadRequest); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := speakup.ValidateMessage(req.Text); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	p := caller(r)
	m := speakup.ThreadMessage{Message: speakup.Message{From: speakup.FromGuardian, At: s.clock(), Text: req.Text}, GuardianID: p.User.ID}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddSpeakUpMessage(ctx, reportID, &m); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "speakup", reportID, audit.Success)
		e.Reason = "guardian replied to the reporter"
		return s.audit.Append(ctx, tx, e)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

type speakUpRevealInput struct {
	Reason    string `json:"reason"`
	Recipient string `json:"recipient"`
}

// requestReveal asks that a named reporter's identity be given to someone
// outside the guardians: POST /api/v1/speakup/reports/{id}/reveal-requests.
// Nothing is revealed until two guardians approve.
func (s *Server) requestReveal(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req speakUpRevealInput
	if err := decodeJSON(w, r, &req, 16<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	var fs fault.Fields
	req.Reason, req.Recipient = strings.TrimSpace(req.Reason), strings.TrimSpace(req.Recipient)
	checkSpeakUpReason(&fs, "reason", req.Reason, "say why the identity must be revealed")
	switch {
	case req.Recipient == "":
		fs.Add("recipient", "is required: who would learn the reporter's identity")
	case utf8.RuneCountInString(req.Recipient) > 200:
		fs.Add("recipient", "must be at most 200 characters")
	case strings.ContainsFunc(req.Recipient, func(r rune) bool { return r < 0x20 || r == 0x7f }) || !utf8.ValidString(req.Recipient):
		fs.Add("recipient", "must be one line of text")
	}
	if err := fs.Err("the request cannot be made"); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	rr := speakup.RevealRequest{ReportID: reportID, RequestedBy: caller(r).User.ID, Reason: req.Reason, Recipient: req.Recipient}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRevealRequest(ctx, &rr, s.clock()); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "speakup", reportID, audit.Success)
		e.Reason = "asked to reveal the reporter's identity to " + rr.Recipient + " (request " + rr.ID + "): " + rr.Reason
		return s.audit.Append(ctx, tx, e)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/speakup/reveal-requests/"+rr.ID)
	writeJSON(w, http.StatusCreated, map[string]any{"request": rr, "approvals_needed": speakup.RevealApprovals})
}

// approveReveal records a guardian's approval of a reveal request:
// POST /api/v1/speakup/reveal-requests/{id}/approve. The requester cannot
// approve their own request. The approval that makes two guardians
// decides the request; the identity is not in its answer: the requester
// reads it (GET .../reports/{id}?identity=true), and that read is the
// audited disclosure.
func (s *Server) approveReveal(w http.ResponseWriter, r *http.Request) {
	requestID := r.PathValue("id")
	if !id.Valid(requestID) {
		s.fail(w, r, fault.Errorf(fault.NotFound, "reveal request not found"))
		return
	}
	ctx := r.Context()
	p := caller(r)
	var (
		rr       speakup.RevealRequest
		revealed bool
	)
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rr, revealed, err = tx.ApproveReveal(ctx, requestID, p.User.ID, s.clock())
		if err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "speakup", rr.ReportID, audit.Success)
		e.Reason = fmt.Sprintf("approved revealing the reporter's identity to %s (request %s, %d of %d approvals)",
			rr.Recipient, rr.ID, len(rr.Approvals), speakup.RevealApprovals)
		if revealed {
			e.Reason += "; the requester may now read the identity for the recipient"
		}
		return s.audit.Append(ctx, tx, e)
	})
	if fault.Is(err, fault.Forbidden) {
		// The requester approving their own request: refused, and the
		// attempt is kept.
		d := s.auditEntry(r, audit.AccessDenied, "speakup-reveal", requestID, audit.Denied)
		d.Reason = fault.Message(err)
		if aerr := s.audit.Record(ctx, d); aerr != nil {
			err = aerr
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"request": rr, "revealed": revealed, "approvals_needed": speakup.RevealApprovals})
}

// speakUpCaseRecorder is the actor a conduct matter raised from a report
// is recorded by in its timeline: the one Probity uses for what it records
// itself (imports), not the guardian.
const speakUpCaseRecorder = "system"

type speakUpConvertRequest struct {
	UnitID      string   `json:"unit_id"`
	Summary     string   `json:"summary"`
	Category    string   `json:"category"`
	Subcategory string   `json:"subcategory"`
	Description string   `json:"description"`
	AroseOn     string   `json:"arose_on"`
	Subjects    []string `json:"subjects"`
}

// speakUpConvertFieldNames names case validation errors by the request's fields:
// the allegation is built from the top level of the request.
func speakUpConvertFieldNames(err error) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || len(fe.Fields) == 0 {
		return err
	}
	out := *fe
	out.Fields = nil
	for _, f := range fe.Fields {
		name := strings.TrimPrefix(f.Field, "allegations[0].")
		if strings.HasPrefix(name, "subjects[") {
			name = strings.TrimSuffix(name, ".officer_id")
		}
		if name == "received_at" {
			name = "arose_on"
		}
		out.Fields = append(out.Fields, fault.FieldError{Field: name, Reason: f.Reason})
	}
	return &out
}

// convertSpeakUp raises a report as a conduct matter:
// POST /api/v1/speakup/reports/{id}/convert. The case holds what the
// guardian writes and nothing of the report: not the reporter, not the
// report's text, not even that it came from a speak-up report, since
// that alone tells a small unit who is likely to have spoken. So the case
// is received and recorded now, when the guardian raises it (a report's
// midnight would mark it, and date an anonymous report to its day only
// through the case), its matter arose on the day the guardian gives
// (the report's day unless they know better), and its timeline names
// Probity ("system") as recorder, not the guardian, whom case workers
// could recognise. The audit log, which only auditors read, keeps the
// guardian as the actor.
func (s *Server) convertSpeakUp(w http.ResponseWriter, r *http.Request) {
	reportID, err := speakUpID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req speakUpConvertRequest
	if err := decodeJSON(w, r, &req, 64<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	rep, err := s.db.SpeakUpReport(ctx, reportID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.clock()
	day := speakup.Day(rep.CreatedAt)
	var fs fault.Fields
	c := cases.Case{Kind: cases.ConductMatter, UnitID: req.UnitID, Summary: req.Summary, AroseOn: day, ReceivedAt: now}
	if d := parseDay(&fs, "arose_on", req.AroseOn); d != nil {
		c.AroseOn = *d
	}
	a := cases.Allegation{Category: req.Category, Subcategory: req.Subcategory, Description: req.Description}
	for i, o := range req.Subjects {
		if !id.Valid(o) {
			fs.Add(fmt.Sprintf("subjects[%d]", i), "is not an officer id")
			continue
		}
		a.Subjects = append(a.Subjects, cases.Subject{OfficerID: o})
	}
	c.Allegations = []cases.Allegation{a}
	switch {
	case req.UnitID == "":
		fs.Add("unit_id", "is required: the unit that owns the conduct matter decides who may see it")
	case !id.Valid(req.UnitID):
		fs.Add("unit_id", "names no unit")
	default:
		unit, err := s.db.Unit(ctx, req.UnitID)
		if fault.Is(err, fault.NotFound) {
			fs.Add("unit_id", "names no unit")
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		c.ForceID = unit.ForceID
	}
	if c.ForceID == "" {
		c.ForceID = "pending" // reported through unit_id
	}
	for _, fe := range fault.FieldsOf(speakUpConvertFieldNames(c.Validate(s.ref, now))) {
		fs.Add(fe.Field, fe.Reason)
	}
	if err := fs.Err("the conduct matter cannot be recorded"); err != nil {
		s.fail(w, r, err)
		return
	}
	c.Prepare(s.ref, now)
	c.NextDueAt, c.NextDueClock = s.nextDue(c, nil, now)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ConvertSpeakUpReport(ctx, reportID, &c, speakUpCaseRecorder, now); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "case", c.ID, audit.Success)
		e.Reason = "recorded " + c.Reference + ", a conduct matter raised by a guardian"
		if err := s.audit.Append(ctx, tx, e); err != nil {
			return err
		}
		e = s.auditEntry(r, audit.Alter, "speakup", reportID, audit.Success)
		e.Reason = "raised as conduct matter " + c.Reference + " (case " + c.ID + "); the reporter's identity was not carried across"
		return s.audit.Append(ctx, tx, e)
	})
	if err != nil {
		s.fail(w, r, speakUpConvertFieldNames(err))
		return
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, http.StatusCreated, map[string]string{"case_id": c.ID, "reference": c.Reference})
}
