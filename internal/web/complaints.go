package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/receipt"
	"github.com/probity/probity/internal/store"
)

// The public complaint doors: a form at /complain that needs no
// JavaScript, and POST /api/v1/complaints for programs (a charity's
// advice service, another force's portal). Both build an
// intake.ComplaintForm and go through acceptComplaint, so they validate,
// deduplicate and record alike. The status lookup a receipt opens is in
// complaints_status.go.

const (
	// complaintScope names the complaint doors' idempotency keys. The form
	// and the API share it: a key means one complaint whichever door it
	// came through.
	complaintScope = "complaint"

	// maxComplaintJSON fits three attachments of MaxDocument as base64
	// (4/3 of their size) with the text around them.
	maxComplaintJSON = 45 << 20
	// maxComplaintURLEncoded fits the longest text fields percent-encoded.
	maxComplaintURLEncoded = 256 << 10
	// maxComplaintMultipart fits three files of MaxDocument, the text
	// fields and the multipart framing.
	maxComplaintMultipart = intake.MaxAttachments*MaxDocument + 512<<10
	// maxFormField bounds one text part of a multipart form; the field
	// limits themselves are checked by intake, which needs the text to
	// say "at most N characters".
	maxFormField = 64 << 10
	// maxStatusBody bounds a status request: a reference and a receipt.
	maxStatusBody     = 4 << 10
	maxIdempotencyKey = 200

	// honeypotField is a form field people never see. Bots fill in every
	// field they find; one that fills this in gets a thank-you page and
	// nothing is recorded.
	honeypotField = "website"

	// Complaints per address: a person with a lot to say sends a few; a
	// flood comes from a program.
	complaintsPerMinute = 10
	complaintsBurst     = 20
	// Status checks per address, fewer: a receipt has 140 bits and cannot
	// be guessed, but nobody needs more to check their own complaint.
	statusPerMinute = 10
	statusBurst     = 10
)

var errNoIntakeUnit = fault.Errorf(fault.Unavailable, "complaints cannot be accepted: no intake unit is configured")

// complaintAnswer is the 201 body: what the complainant must keep.
type complaintAnswer struct {
	Reference string `json:"reference"`
	Receipt   string `json:"receipt"`
}

// complaintResult is a complaint's answer as sent, byte for byte, so that
// a retry gets exactly the same.
type complaintResult struct {
	Status   int
	Body     []byte
	Replayed bool
}

func (r complaintResult) answer() (complaintAnswer, error) {
	var a complaintAnswer
	err := json.Unmarshal(r.Body, &a)
	return a, err
}

// checkIdempotencyKey says what is wrong with a key, or "".
func checkIdempotencyKey(k string) string {
	switch {
	case k == "":
		return "is required: send a new unique value (a UUID, say) with each complaint, and the same value when you retry it"
	case len(k) > maxIdempotencyKey:
		return fmt.Sprintf("must be at most %d characters", maxIdempotencyKey)
	case strings.ContainsFunc(k, func(r rune) bool { return r < 0x20 || r > 0x7e }):
		return "must be printable ASCII"
	}
	return ""
}

// attachmentFile is an attachment ready to store.
type attachmentFile struct {
	Filename, MediaType, SHA256 string
	Content                     []byte
}

// checkComplaint validates a complaint and its attachments, naming every
// refused field, and returns the files to store. A file's type is sniffed
// from its content with the rules the case documents follow.
func checkComplaint(form intake.ComplaintForm, now time.Time) ([]attachmentFile, error) {
	var fs fault.Fields
	for _, fe := range fault.FieldsOf(form.Validate(now)) {
		fs.Add(fe.Field, fe.Reason)
	}
	var files []attachmentFile
	for i, a := range form.Attachments {
		if i >= intake.MaxAttachments {
			break
		}
		content, err := base64.StdEncoding.DecodeString(a.ContentBase64)
		if err != nil || len(content) == 0 || len(content) > MaxDocument {
			continue // Validate has named it
		}
		mt := sniff(content)
		if _, ok := documentTypes[mt]; !ok {
			fs.Addf(fmt.Sprintf("attachments[%d].content_base64", i), "must be a PDF, PNG, JPEG or plain-text file; this one looks like %s", mt)
			continue
		}
		sum := sha256.Sum256(content)
		// cleanFilename cuts at a byte count; keep the name valid UTF-8,
		// which PostgreSQL insists on.
		name := strings.ToValidUTF8(cleanFilename(a.Filename, mt), "")
		files = append(files, attachmentFile{Filename: name, MediaType: mt, SHA256: hex.EncodeToString(sum[:]), Content: content})
	}
	if err := fs.Err("the complaint cannot be accepted"); err != nil {
		return nil, err
	}
	return files, nil
}

// acceptComplaint records a validated complaint as a case in the intake
// unit, with its complainant, files, receipt, audit entry and idempotency
// record, all in one transaction. The answer exists only once all of it
// has committed. A retry with the same key and request gets the stored
// answer and changes nothing.
func (s *Server) acceptComplaint(r *http.Request, form intake.ComplaintForm, key, via string) (complaintResult, error) {
	ctx := r.Context()
	now := s.clock()
	files, err := checkComplaint(form, now)
	if err != nil {
		return complaintResult{}, err
	}
	hash := form.Hash()
	// Made outside the transaction, which may run more than once.
	code, codeHash := receipt.Complaint.Issue()
	// Read outside it too: every complaint's transaction runs on the one
	// SQLite writer, one after another (group commit), so work done there
	// limits how many complaints a second the server takes, while the
	// reader pool runs beside it. The intake unit is set up once and not
	// removed; were it removed meanwhile, the case's foreign key would
	// refuse the complaint.
	unit, err := s.db.UnitByCode(ctx, intake.IntakeUnitCode)
	if fault.Is(err, fault.NotFound) {
		s.log.Error("public complaint refused: no unit has the intake code; create one", "code", intake.IntakeUnitCode)
		return complaintResult{}, errNoIntakeUnit
	}
	if err != nil {
		return complaintResult{}, err
	}
	var res complaintResult
	var reference string
	// Complaints arriving together share one transaction and one durable
	// commit, each under a savepoint of its own; none is answered before
	// that commit.
	err = s.db.InGroupTx(ctx, func(tx *store.Tx) error {
		reference = ""
		prior, err := tx.ClaimIdempotency(ctx, complaintScope, key, hash, now)
		if err != nil {
			return err
		}
		if prior != nil {
			res = complaintResult{Status: prior.Status, Body: prior.Response, Replayed: true}
			return nil
		}
		c, person := form.ToCase(now)
		c.ForceID, c.UnitID = unit.ForceID, unit.ID
		if err := c.Validate(s.ref, now); err != nil {
			return err
		}
		c.Prepare(s.ref, now)
		c.NextDueAt, c.NextDueClock = s.nextDue(c, nil, now)
		if !form.Anonymous {
			if err := tx.CreatePerson(ctx, &person, now); err != nil {
				return err
			}
			c.Parties = append(c.Parties, cases.Party{Role: cases.RoleComplainant, PersonID: person.ID})
		}
		if err := tx.CreateCase(ctx, &c, "public", now); err != nil {
			return err
		}
		for _, f := range files {
			d := store.Document{CaseID: c.ID, SHA256: f.SHA256, Filename: f.Filename, MediaType: f.MediaType,
				Size: int64(len(f.Content)), UploadedBy: "public", UploadedAt: now}
			if err := tx.AddDocument(ctx, &d, f.Content); err != nil {
				return err
			}
		}
		if err := tx.SaveReceipt(ctx, c.ID, codeHash); err != nil {
			return err
		}
		e := s.publicAuditEntry(audit.Collect, c.ID)
		e.Reason = fmt.Sprintf("public complaint %s received through the %s with %d file(s)", c.Reference, via, len(files))
		if err := tx.Audit(ctx, e); err != nil {
			return err
		}
		body, err := json.Marshal(complaintAnswer{Reference: c.Reference, Receipt: code})
		if err != nil {
			return err
		}
		body = append(body, '\n')
		res = complaintResult{Status: http.StatusCreated, Body: body}
		reference = c.Reference
		return tx.StoreIdempotency(ctx, complaintScope, key, hash, res.Status, body)
	})
	if err != nil {
		return complaintResult{}, err
	}
	if reference != "" {
		s.log.Info("public complaint recorded", "reference", reference, "via", via, "files", len(files))
	}
	return res, nil
}

// publicAuditEntry starts the audit entry of something the public did at
// a complaint door: no actor id and no address. The doors never read a
// session (guard), so a member of staff complaining from a signed-in
// browser is the public here; and an address kept for ever in a log that
// cannot be erased would identify an anonymous complainant, or tie a
// status check to the complaint it is about. The rate limiter is what
// the address is needed for, and it keeps none.
func (s *Server) publicAuditEntry(action audit.Action, caseID string) *audit.Entry {
	return &audit.Entry{At: s.clock().UTC(), Action: action, RecordType: "case", RecordID: caseID,
		Outcome: audit.Success, ActorName: "public"}
}

// tooMany answers a caller over its rate limit.
func tooMany(w http.ResponseWriter, perMinute int) {
	w.Header().Set("Retry-After", strconv.Itoa((60+perMinute-1)/perMinute))
	writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusTooManyRequests), Status: http.StatusTooManyRequests,
		Detail: "too many requests from your address; wait a minute and try again"})
}

// createComplaint is POST /api/v1/complaints.
func (s *Server) createComplaint(w http.ResponseWriter, r *http.Request) {
	if !s.complaintLimit.allow(clientAddr(r)) {
		tooMany(w, complaintsPerMinute)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if reason := checkIdempotencyKey(key); reason != "" {
		// 400, as the IETF Idempotency-Key draft says for a missing or
		// malformed key: the request is not one this door takes at all.
		writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusBadRequest), Status: http.StatusBadRequest,
			Detail: "the Idempotency-Key header is missing or malformed", Errors: []fault.FieldError{{Field: "Idempotency-Key", Reason: reason}}})
		return
	}
	var form intake.ComplaintForm
	if err := decodeJSON(w, r, &form, maxComplaintJSON); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.acceptComplaint(r, form, key, "API")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if res.Replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(res.Status)
	_, _ = w.Write(res.Body)
}

// complaintPost is a complaint form as posted.
type complaintPost struct {
	Form     intake.ComplaintForm
	Key      string
	Honeypot string
	// HadFiles is true when files were chosen: a re-shown form cannot
	// keep them, and says so.
	HadFiles bool
	// Problems found while reading, before validation: a file too large
	// to keep, too many files, a checkbox with an odd value.
	Problems fault.Fields
}

func (p *complaintPost) set(name, v string) {
	f := &p.Form
	line := strings.TrimSpace
	text := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
	box := func(field string, dst *bool) {
		switch strings.ToLower(v) {
		case "yes", "on", "true", "1":
			*dst = true
		case "", "no", "off", "false", "0":
			*dst = false
		default:
			p.Problems.Add(field, "must be ticked or left empty")
		}
	}
	switch name {
	case "what_happened":
		f.WhatHappened = text(v)
	case "happened_on":
		f.HappenedOn = line(v)
	case "happened_at_time":
		f.HappenedAtTime = line(v)
	case "where":
		f.Where = text(v)
	case "officers_described":
		f.OfficersDescribed = text(v)
	case "handling_preference":
		f.HandlingPreference = line(v)
	case "harm":
		f.Harm = line(v)
	case "name":
		f.Name = line(v)
	case "email":
		f.Email = line(v)
	case "phone":
		f.Phone = line(v)
	case "address":
		f.Address = line(text(v))
	case "anonymous":
		box(name, &f.Anonymous)
	case "consent_to_contact":
		box(name, &f.ConsentToContact)
	case "idempotency_key":
		p.Key = v
	case honeypotField:
		p.Honeypot = v
	}
	// Anything else is ignored, as forms do.
}

// parseComplaintPost reads the complaint form, URL-encoded or multipart
// with up to three files. It returns what it could read even with an
// error, so that a refused form can be shown again with the input kept.
// It checks the size of each file as it reads, never holding more than
// MaxDocument of one; what a file is, is checkComplaint's business.
func parseComplaintPost(w http.ResponseWriter, r *http.Request) (complaintPost, error) {
	var p complaintPost
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(w, r.Body, maxComplaintURLEncoded)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return p, fault.Errorf(fault.TooLarge, "the form is too large")
			}
			return p, fault.Errorf(fault.Invalid, "the form could not be read")
		}
		for name, vs := range r.PostForm {
			if len(vs) > 0 {
				p.set(name, vs[0])
			}
		}
		return p, nil
	case "multipart/form-data":
	default:
		return p, &fault.Error{Kind: fault.Unsupported, Message: "the form must be sent as a web form",
			Fields: []fault.FieldError{{Field: "Content-Type", Reason: "must be application/x-www-form-urlencoded or multipart/form-data"}}}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxComplaintMultipart)
	mr, err := r.MultipartReader()
	if err != nil {
		return p, fault.Errorf(fault.Invalid, "the form could not be read")
	}
	seen := map[string]bool{}
	files := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return p, nil
		}
		if err != nil {
			return p, readError(err)
		}
		name := part.FormName()
		if name == "attachment" {
			content, err := io.ReadAll(io.LimitReader(part, MaxDocument+1))
			if err != nil {
				return p, readError(err)
			}
			if part.FileName() == "" && len(content) == 0 {
				continue // the file box left empty
			}
			p.HadFiles = true
			files++
			switch {
			case files > intake.MaxAttachments:
				if files == intake.MaxAttachments+1 {
					p.Problems.Addf("attachments", "must be at most %d files", intake.MaxAttachments)
				}
			case len(content) > MaxDocument:
				p.Problems.Add(fmt.Sprintf("attachments[%d]", files-1), "must be at most 10 MiB")
			default:
				p.Form.Attachments = append(p.Form.Attachments, intake.Attachment{Filename: part.FileName(),
					ContentBase64: base64.StdEncoding.EncodeToString(content)})
			}
			continue
		}
		if name == "" || seen[name] {
			continue // the first value of a field counts, as with ParseForm
		}
		seen[name] = true
		b, err := io.ReadAll(io.LimitReader(part, maxFormField))
		if err != nil {
			return p, readError(err)
		}
		// A field cut at the limit is still far over its own limit, which
		// Validate reports; the cut must not leave half a character.
		p.set(name, strings.ToValidUTF8(string(b), ""))
	}
}

func readError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &fault.Error{Kind: fault.TooLarge, Message: "the form is too large",
			Fields: []fault.FieldError{{Field: "attachments", Reason: fmt.Sprintf("send at most %d files of at most 10 MiB each", intake.MaxAttachments)}}}
	}
	return fault.Errorf(fault.Invalid, "the form could not be read")
}

// fieldView is one form field as a page shows it: its value, its message
// and the ids that describe it to assistive technology.
type fieldView struct {
	ID, Value, Error, DescribedBy string
}

// problemLink is one line of the error summary, linking to its field.
type problemLink struct {
	Anchor, Label, Message string
}

// formField maps a field name (as the API and intake name it) to the
// element that shows it and the words that name it.
type formField struct {
	name, anchor, label string
}

var complaintFormFields = []formField{
	{"what_happened", "what_happened", "What happened"},
	{"happened_on", "happened_on", "The date"},
	{"happened_at_time", "happened_at_time", "The time"},
	{"where", "where", "Where it happened"},
	{"officers_described", "officers_described", "The officers involved"},
	{"harm", "harm-none", "Whether anyone was hurt"},
	{"handling_preference", "handling_preference-formal", "How you would like it handled"},
	{"anonymous", "anonymous", "Anonymous"},
	{"contact", "email", "Contact details"},
	{"name", "name", "Your name"},
	{"email", "email", "Your email address"},
	{"phone", "phone", "Your phone number"},
	{"address", "address", "Your postal address"},
	{"consent_to_contact", "consent_to_contact", "Contact"},
	{"attachments", "attachment", "Files"},
}

// fieldKey names the form field an error belongs to: every attachment
// error belongs to the one file box.
func fieldKey(field string) string {
	if strings.HasPrefix(field, "attachments") {
		return "attachments"
	}
	return field
}

// formErrors spreads field errors over a form's fields, keeping any the
// form has no field for (the caller shows those at the top).
func formErrors(fields []formField, errs []fault.FieldError) (map[string]string, []problemLink, []string) {
	byField := map[string]string{}
	var other []string
	for _, fe := range errs {
		k := fieldKey(fe.Field)
		known := false
		for _, f := range fields {
			if f.name == k {
				known = true
			}
		}
		if !known {
			other = append(other, fe.Reason)
			continue
		}
		if prev, ok := byField[k]; ok {
			byField[k] = prev + "; " + fe.Reason
		} else {
			byField[k] = fe.Reason
		}
	}
	var links []problemLink
	for _, f := range fields {
		if m, ok := byField[f.name]; ok {
			links = append(links, problemLink{Anchor: f.anchor, Label: f.label, Message: m})
		}
	}
	return byField, links, other
}

func fieldViews(fields []formField, values map[string]string, errs map[string]string) map[string]fieldView {
	out := map[string]fieldView{}
	for _, f := range fields {
		v := fieldView{ID: f.name, Value: values[f.name], Error: errs[f.name], DescribedBy: f.name + "-hint"}
		if v.Error != "" {
			v.DescribedBy += " " + f.name + "-error"
		}
		out[f.name] = v
	}
	return out
}

type complainPage struct {
	pageData
	F                              map[string]fieldView
	Anonymous, ConsentToContact    bool
	Key                            string
	Problems                       []problemLink
	Notice                         string
	HadFiles                       bool
	MaxFiles                       int
	WhatMax, WhereMax, OfficersMax int
}

func (s *Server) complainView(r *http.Request, form intake.ComplaintForm, key string, errs []fault.FieldError, notice string) complainPage {
	byField, links, other := formErrors(complaintFormFields, errs)
	if notice == "" && len(other) > 0 {
		notice = strings.Join(other, "; ")
	}
	values := map[string]string{"what_happened": form.WhatHappened, "happened_on": form.HappenedOn,
		"happened_at_time": form.HappenedAtTime, "where": form.Where, "officers_described": form.OfficersDescribed,
		"harm": form.Harm, "handling_preference": form.HandlingPreference, "name": form.Name, "email": form.Email,
		"phone": form.Phone, "address": form.Address}
	if key == "" {
		key = id.New()
	}
	return complainPage{pageData: s.pageData(r), F: fieldViews(complaintFormFields, values, byField),
		Anonymous: form.Anonymous, ConsentToContact: form.ConsentToContact, Key: key, Problems: links, Notice: notice,
		MaxFiles: intake.MaxAttachments, WhatMax: intake.MaxWhatHappened, WhereMax: intake.MaxWhere,
		OfficersMax: intake.MaxOfficersDescribed}
}

// complainFormPage is GET /complain. Each rendering carries a fresh
// idempotency key, so that sending the same form twice (a double click, a
// refresh) makes one complaint.
func (s *Server) complainFormPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "complain", s.complainView(r, intake.ComplaintForm{}, "", nil, ""))
}

type complainDonePage struct {
	pageData
	Reference, Receipt string
	Honeypot           bool
}

// complainForm is POST /complain. A refused form comes back with each
// message beside its field and everything typed kept (except files,
// which browsers do not let a page fill in).
func (s *Server) complainForm(w http.ResponseWriter, r *http.Request) {
	if !s.complaintLimit.allow(clientAddr(r)) {
		w.Header().Set("Retry-After", strconv.Itoa((60+complaintsPerMinute-1)/complaintsPerMinute))
		// Nothing is read, so nothing can be kept: say so plainly.
		s.render(w, r, http.StatusTooManyRequests, "complain", s.complainView(r, intake.ComplaintForm{}, "", nil,
			"Too many forms have been sent from your connection. Your complaint has not been sent. Please go back, wait a minute and send it again."))
		return
	}
	p, err := parseComplaintPost(w, r)
	if p.Honeypot != "" {
		// Answer as if accepted, so the program learns nothing; record
		// nothing, and log nothing of what it sent.
		s.log.Info("complaint form with the hidden field filled in: nothing recorded")
		s.render(w, r, http.StatusOK, "complain-done", complainDonePage{pageData: s.pageData(r), Honeypot: true})
		return
	}
	reshow := func(status int, errs []fault.FieldError, notice, key string) {
		v := s.complainView(r, p.Form, key, errs, notice)
		v.HadFiles = p.HadFiles
		s.render(w, r, status, "complain", v)
	}
	if err != nil {
		notice := "Your complaint has not been sent: " + fault.Message(err) + "."
		if fault.Is(err, fault.TooLarge) {
			notice = fmt.Sprintf("Your complaint has not been sent: the files are too large. Send at most %d files of at most 10 MiB each.", intake.MaxAttachments)
		}
		reshow(statusOf(fault.KindOf(err)), nil, notice, p.Key)
		return
	}
	if checkIdempotencyKey(p.Key) != "" {
		reshow(http.StatusUnprocessableEntity, nil, "Your complaint has not been sent yet. Please check your answers and send the form again.", "")
		return
	}
	if p.Problems.Len() > 0 {
		// Report reading problems together with every validation problem.
		_, verr := checkComplaint(p.Form, s.clock())
		errs := append(fault.FieldsOf(p.Problems.Err("")), fault.FieldsOf(verr)...)
		reshow(http.StatusUnprocessableEntity, errs, "", p.Key)
		return
	}
	res, err := s.acceptComplaint(r, p.Form, p.Key, "web form")
	switch {
	case err == nil:
	case fault.Is(err, fault.Invalid) && len(fault.FieldsOf(err)) == 1 && fault.FieldsOf(err)[0].Field == "Idempotency-Key":
		// This form was sent before with other answers: the person went
		// back and changed it. A new key makes the next send a new
		// complaint, which is what they now mean.
		reshow(http.StatusUnprocessableEntity, nil, "You have already sent a complaint from this form with different answers. "+
			"If you want to make a further complaint, check the answers below and send the form again.", "")
		return
	case fault.Is(err, fault.Invalid):
		reshow(http.StatusUnprocessableEntity, fault.FieldsOf(err), "", p.Key)
		return
	case fault.Is(err, fault.NoSpace):
		s.log.Error("public complaint refused: the database has no space left", "err", err)
		reshow(http.StatusInsufficientStorage, nil, "We cannot store complaints at the moment because our storage is full, "+
			"and your complaint has not been sent. Please try again later: your answers are kept below.", p.Key)
		return
	case fault.Is(err, fault.Unavailable):
		reshow(http.StatusServiceUnavailable, nil, "We cannot take complaints online at the moment, and your complaint has not been sent. "+
			"Please try again later, or contact the police force another way.", p.Key)
		return
	default:
		s.failPage(w, r, err)
		return
	}
	a, err := res.answer()
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "complain-done", complainDonePage{pageData: s.pageData(r), Reference: a.Reference, Receipt: a.Receipt})
}
