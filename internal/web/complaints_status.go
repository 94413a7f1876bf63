package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/receipt"
)

// The status lookup: a complainant gives the reference and the receipt
// they were given and learns where their complaint stands, in plain words,
// through POST /api/v1/complaints/status or the page at /complaint-status.

// errNoComplaint is the one answer to every failed status check, whether
// the reference is unknown or the receipt wrong, so that the answer does
// not tell a guesser which half was right.
var errNoComplaint = fault.Errorf(fault.NotFound, "no complaint matches that reference and receipt")

// complaintStatus is what a complainant may be told of their case: where
// it stands and the next thing they are owed, nothing about anyone else.
type complaintStatus struct {
	Reference    string         `json:"reference"`
	Status       string         `json:"status"`
	NextDeadline *plainDeadline `json:"next_deadline,omitempty"`
}

type plainDeadline struct {
	Title string `json:"title"`
	Due   string `json:"due"` // YYYY-MM-DD, the last day in London
	// DueWords is the same day as a page shows it.
	DueWords string `json:"-"`
}

type statusRequest struct {
	Reference string `json:"reference"`
	Receipt   string `json:"receipt"`
}

// lookupStatus checks a reference and receipt and says where the case
// stands. Malformed input is refused by shape, which tells nothing; a
// well-formed pair that does not match gets errNoComplaint however it
// fails, after the same work.
func (s *Server) lookupStatus(r *http.Request, req statusRequest) (complaintStatus, error) {
	var fs fault.Fields
	ref := strings.ToUpper(strings.TrimSpace(req.Reference))
	if ref == "" {
		fs.Add("reference", "is required")
	} else if _, _, _, err := cases.ParseReference(ref); err != nil || len(ref) > 40 {
		fs.Add("reference", "must look like CO/2026/000123")
	}
	if req.Receipt == "" {
		fs.Add("receipt", "is required")
	} else if !receipt.Complaint.Valid(req.Receipt) {
		fs.Addf("receipt", "must be the %d letters and numbers of your receipt code", receipt.Complaint.Symbols())
	}
	if err := fs.Err("the status cannot be checked"); err != nil {
		return complaintStatus{}, err
	}
	ctx := r.Context()
	caseID, hash, err := s.db.ReceiptByReference(ctx, ref)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return complaintStatus{}, err
	}
	// Runs for an unknown reference too, against no hash.
	if !receipt.Complaint.Check(hash, req.Receipt) {
		return complaintStatus{}, errNoComplaint
	}
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		return complaintStatus{}, err
	}
	history, err := s.db.Timeline(ctx, caseID)
	if err != nil {
		return complaintStatus{}, err
	}
	now := s.clock()
	out := complaintStatus{Reference: c.Reference, Status: intake.PlainState(c.State)}
	ds, err := cases.Deadlines(c, history, s.calendar, now)
	if err != nil {
		return complaintStatus{}, err
	}
	for _, d := range ds { // soonest first
		title, owed := intake.PlainDeadline(d.Clock)
		if owed && !d.Due.IsZero() {
			due := d.Due.In(s.calendar.Location())
			out.NextDeadline = &plainDeadline{Title: title, Due: due.Format(time.DateOnly), DueWords: due.Format("Monday 2 January 2006")}
			break
		}
	}
	e := s.publicAuditEntry(audit.Consult, c.ID)
	e.Reason = "the complainant checked where the complaint stands, with its receipt"
	if err := s.db.Audit(ctx, e); err != nil {
		return complaintStatus{}, err
	}
	return out, nil
}

// checkComplaintStatus is POST /api/v1/complaints/status. The receipt is
// a secret, so it travels in the body, never in the URL.
func (s *Server) checkComplaintStatus(w http.ResponseWriter, r *http.Request) {
	if !s.statusLimit.allow(clientAddr(r)) {
		tooMany(w, statusPerMinute)
		return
	}
	var req statusRequest
	if err := decodeJSON(w, r, &req, maxStatusBody); err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.lookupStatus(r, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// The HTML doors.

var statusFormFields = []formField{
	{"reference", "reference", "Your complaint reference"},
	{"receipt", "receipt", "Your receipt code"},
}

type statusPage struct {
	pageData
	F        map[string]fieldView
	Problems []problemLink
	Notice   string
	Result   *complaintStatus
}

func (s *Server) statusView(r *http.Request, reference string, errs []fault.FieldError, notice string) statusPage {
	byField, links, other := formErrors(statusFormFields, errs)
	if notice == "" && len(other) > 0 {
		notice = strings.Join(other, "; ")
	}
	// The receipt is never written back into the page.
	return statusPage{pageData: s.pageData(r), F: fieldViews(statusFormFields, map[string]string{"reference": reference}, byField),
		Problems: links, Notice: notice}
}

// complaintStatusPage is GET /complaint-status.
func (s *Server) complaintStatusPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "complaint-status", s.statusView(r, "", nil, ""))
}

// complaintStatusForm is POST /complaint-status: the same check as the
// API, with the receipt in the form body.
func (s *Server) complaintStatusForm(w http.ResponseWriter, r *http.Request) {
	if !s.statusLimit.allow(clientAddr(r)) {
		w.Header().Set("Retry-After", strconv.Itoa((60+statusPerMinute-1)/statusPerMinute))
		s.render(w, r, http.StatusTooManyRequests, "complaint-status", s.statusView(r, "", nil,
			"Too many checks have been made from your connection. Please wait a minute and try again."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxStatusBody)
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, "complaint-status", s.statusView(r, "", nil, "The form could not be read. Please try again."))
		return
	}
	req := statusRequest{Reference: r.PostForm.Get("reference"), Receipt: r.PostForm.Get("receipt")}
	st, err := s.lookupStatus(r, req)
	switch {
	case err == nil:
	case fault.Is(err, fault.Invalid):
		s.render(w, r, http.StatusUnprocessableEntity, "complaint-status", s.statusView(r, req.Reference, fault.FieldsOf(err), ""))
		return
	case errors.Is(err, errNoComplaint):
		s.render(w, r, http.StatusNotFound, "complaint-status", s.statusView(r, req.Reference, nil,
			"No complaint matches that reference and receipt code. Check both and try again."))
		return
	default:
		s.failPage(w, r, err)
		return
	}
	v := s.statusView(r, st.Reference, nil, "")
	v.Result = &st
	s.render(w, r, http.StatusOK, "complaint-status", v)
}
