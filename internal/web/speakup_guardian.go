package web

import (
	"errors"
	"fmt"
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
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

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
	if err := s.auditSpeakUpList(r, status, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": ""})
}

// auditSpeakUpList records a read of the list of reports, whatever it
// showed: the API's, the inbox page's and the start page's alike. where
// names the page ("" for the API). It says not how many: two counts a few
// minutes apart, less the named reports collected between them, would
// date an anonymous report.
func (s *Server) auditSpeakUpList(r *http.Request, status, where string) error {
	e := s.auditEntry(r, audit.Consult, "speakup-list", "", audit.Success)
	e.Reason = "listed speak-up reports"
	if status != "" {
		e.Reason += " (" + status + ")"
	}
	if where != "" {
		e.Reason += " on " + where
	}
	return s.db.Audit(r.Context(), e)
}

// speakUpOpenReports lists the open reports for a guardian's start page,
// audited as the API's list is.
func (s *Server) speakUpOpenReports(r *http.Request, limit int) ([]speakup.Report, error) {
	list, err := s.db.SpeakUpReports(r.Context(), speakup.StatusOpen, limit)
	if err != nil {
		return nil, err
	}
	if err := s.auditSpeakUpList(r, speakup.StatusOpen, "the start page"); err != nil {
		return nil, err
	}
	return list, nil
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
	if err := s.db.Audit(ctx, e); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
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
	if err := s.db.Audit(ctx, e); err != nil {
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
	m, err := s.guardianReply(r, reportID, req.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

// guardianReply adds the calling guardian's message to a report's thread,
// with its audit entry: the API's reply and the inbox page's.
func (s *Server) guardianReply(r *http.Request, reportID, text string) (speakup.ThreadMessage, error) {
	if err := speakup.ValidateMessage(text); err != nil {
		return speakup.ThreadMessage{}, err
	}
	ctx := r.Context()
	p := caller(r)
	m := speakup.ThreadMessage{Message: speakup.Message{From: speakup.FromGuardian, At: s.clock(), Text: text}, GuardianID: p.User.ID}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddSpeakUpMessage(ctx, reportID, &m); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "speakup", reportID, audit.Success)
		e.Reason = "guardian replied to the reporter"
		return tx.Audit(ctx, e)
	})
	return m, err
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
	// Standards are the Standards of Professional Behaviour the conduct
	// would breach: at least one, as for any conduct matter.
	Standards []string `json:"standards"`
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
	c, err := s.raiseConductMatter(r, reportID, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, http.StatusCreated, map[string]string{"case_id": c.ID, "reference": c.Reference})
}

// raiseConductMatter records the conduct matter a guardian raises from a
// report, for the API and the inbox page alike (see convertSpeakUp): the
// same validation, the same check that the case does not identify a named
// reporter (speakup.Identity.CheckCase, in the store's transaction) and
// the same audit entries. Field errors name the request's fields.
//
// pre are field errors the caller found already (a page's date that is
// none): they are reported with the rest, and nothing is recorded.
func (s *Server) raiseConductMatter(r *http.Request, reportID string, req speakUpConvertRequest, pre ...fault.FieldError) (cases.Case, error) {
	ctx := r.Context()
	rep, err := s.db.SpeakUpReport(ctx, reportID)
	if err != nil {
		return cases.Case{}, err
	}
	now := s.clock()
	day := speakup.Day(rep.CreatedAt)
	var fs fault.Fields
	for _, fe := range pre {
		fs.Add(fe.Field, fe.Reason)
	}
	c := cases.Case{Kind: cases.ConductMatter, UnitID: req.UnitID, Summary: req.Summary, AroseOn: day, ReceivedAt: now}
	if d := parseDay(&fs, "arose_on", req.AroseOn); d != nil {
		c.AroseOn = *d
	}
	a := cases.Allegation{Category: req.Category, Subcategory: req.Subcategory, Description: req.Description,
		Standards: req.Standards}
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
			return cases.Case{}, err
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
		return cases.Case{}, err
	}
	c.Prepare(s.ref, now)
	c.NextDueAt, c.NextDueClock = s.nextDue(c, nil, now)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ConvertSpeakUpReport(ctx, reportID, &c, speakUpCaseRecorder, now); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "case", c.ID, audit.Success)
		e.Reason = "recorded " + c.Reference + ", a conduct matter raised by a guardian"
		if err := tx.Audit(ctx, e); err != nil {
			return err
		}
		e = s.auditEntry(r, audit.Alter, "speakup", reportID, audit.Success)
		e.Reason = "raised as conduct matter " + c.Reference + " (case " + c.ID + "); the reporter's identity was not carried across"
		return tx.Audit(ctx, e)
	})
	if err != nil {
		return cases.Case{}, speakUpConvertFieldNames(err)
	}
	return c, nil
}
