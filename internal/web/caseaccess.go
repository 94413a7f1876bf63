package web

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/store"
)

// breakGlassPeriod is how long a break-glass opening lasts: long enough to
// deal with the urgent matter that justified it, short enough that it is
// not a back door.
const breakGlassPeriod = time.Hour

// basisNoCase is the basis of refusing an id that names no case.
const basisNoCase = "no such case"

// decideCase applies need-to-know to the case named in the URL.
func (s *Server) decideCase(r *http.Request) (caseID string, d access.Decision, err error) {
	caseID, d, _, err = s.decideCaseFacts(r)
	return caseID, d, err
}

// decideCaseFacts is decideCase with the facts it decided on.
func (s *Server) decideCaseFacts(r *http.Request) (caseID string, d access.Decision, facts access.CaseFacts, err error) {
	caseID = r.PathValue("id")
	if !id.Valid(caseID) {
		return "", d, facts, fault.Errorf(fault.NotFound, "case not found")
	}
	// An id that names no case is refused as a hidden case is, through
	// the same reads (CasesFacts runs its queries whether or not the case
	// exists) and the same audited refusal, so that neither the answer
	// nor the time it takes tells a hidden case from no case.
	all, err := s.db.CasesFacts(r.Context(), []string{caseID}, s.clock())
	if err != nil {
		return "", d, facts, err
	}
	facts, ok := all[caseID]
	if !ok {
		return caseID, access.Decision{Hide: true, Basis: basisNoCase}, facts, nil
	}
	return caseID, access.CanOpenCase(*caller(r), facts), facts, nil
}

// openable decides need-to-know for many cases at once, for lists: which
// of them the caller may open.
func (s *Server) openable(r *http.Request, caseIDs []string) (map[string]bool, error) {
	facts, err := s.db.CasesFacts(r.Context(), caseIDs, s.clock())
	if err != nil {
		return nil, err
	}
	p := caller(r)
	out := make(map[string]bool, len(facts))
	for caseID, f := range facts {
		out[caseID] = access.CanOpenCase(*p, f).Allow
	}
	return out, nil
}

// caseRefusal is the cause of a need-to-know refusal, kept so that each
// adapter can say what the caller may do about it.
type caseRefusal struct {
	caseID string
	d      access.Decision
}

func (e *caseRefusal) Error() string { return "need-to-know refused (" + e.d.Basis + ")" }

// refuse audits a need-to-know refusal and returns the error to answer
// with. A conflicted or restricted case, and any case to a caller whose
// roles open none, answers as if it did not exist.
func (s *Server) refuse(r *http.Request, caseID string, d access.Decision) error {
	reason := "case outside your scope (" + d.Basis + ")"
	if d.Basis == basisNoCase {
		reason = "no such case"
	}
	e := s.auditEntry(r, audit.AccessDenied, "case", caseID, audit.Denied)
	e.Reason = reason
	if err := s.db.Audit(r.Context(), e); err != nil {
		return err
	}
	cause := &caseRefusal{caseID: caseID, d: d}
	if d.AnswersAsMissing() {
		return fault.Wrap(fault.NotFound, cause, "case not found")
	}
	if d.BreakGlass {
		return fault.Wrap(fault.Forbidden, cause, "this case is outside your units and assignments; to open it in an emergency, give a reason at POST /api/v1/cases/%s/break-glass", caseID)
	}
	return fault.Wrap(fault.Forbidden, cause, "your role does not give access to this case")
}

// failCase answers a case error; a refusal that break-glass could
// overcome says so in a member clients can test.
func (s *Server) failCase(w http.ResponseWriter, r *http.Request, err error) {
	var cr *caseRefusal
	if errors.As(err, &cr) && cr.d.BreakGlass {
		writeProblem(w, Problem{Type: "about:blank", Title: "Forbidden", Status: http.StatusForbidden,
			Detail: fault.Message(err), Extra: map[string]any{"break_glass_available": true}})
		return
	}
	s.fail(w, r, err)
}

// breakGlassReason checks the reason given for breaking glass.
func breakGlassReason(raw string) (string, error) {
	reason := strings.TrimSpace(raw)
	if n := utf8.RuneCountInString(reason); n < 10 || n > 1000 {
		return "", &fault.Error{Kind: fault.Invalid, Message: "a reason is required",
			Fields: []fault.FieldError{{Field: "reason", Reason: "must say why, in 10 to 1000 characters"}}}
	}
	return reason, nil
}

type breakGlassRequest struct {
	Reason string `json:"reason"`
}

// breakGlass opens a case outside the caller's scope for a short time on a
// stated reason: POST /api/v1/cases/{id}/break-glass. The reason is
// audited and the opening is listed for the head of professional
// standards.
func (s *Server) breakGlass(w http.ResponseWriter, r *http.Request) {
	var req breakGlassRequest
	if err := decodeJSON(w, r, &req, 16<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	reason, err := breakGlassReason(req.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	caseID, d, err := s.decideCase(r)
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case d.Allow:
		s.fail(w, r, fault.Errorf(fault.Conflict, "you can already open this case (%s); break-glass is not needed", d.Basis))
		return
	case !d.BreakGlass:
		s.fail(w, r, s.refuse(r, caseID, d))
		return
	}
	b, err := s.openBreakGlass(r, caseID, reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, b)
}

// openBreakGlass records a break-glass opening of a case the caller may
// open only that way, on a checked reason, with its audit entry.
func (s *Server) openBreakGlass(r *http.Request, caseID, reason string) (store.BreakGlass, error) {
	ctx := r.Context()
	now := s.clock()
	p := caller(r)
	b := store.BreakGlass{UserID: p.User.ID, CaseID: caseID, Reason: reason, OpenedAt: now, ExpiresAt: now.Add(breakGlassPeriod)}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.OpenBreakGlass(ctx, &b); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.BreakGlass, "case", caseID, audit.Success)
		e.Reason = reason
		return tx.Audit(ctx, e)
	})
	if err != nil {
		return b, err
	}
	b.Username = p.User.Username
	if c, err := s.db.Case(ctx, caseID); err == nil {
		b.Reference = c.Reference
	}
	return b, nil
}

// listBreakGlass lists recent break-glass openings: GET /api/v1/break-glass.
func (s *Server) listBreakGlass(w http.ResponseWriter, r *http.Request) {
	since := s.clock().AddDate(0, 0, -30)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			s.fail(w, r, &fault.Error{Kind: fault.Invalid, Message: "bad query",
				Fields: []fault.FieldError{{Field: "since", Reason: "must be a date, YYYY-MM-DD"}}})
			return
		}
		since = t
	}
	list, err := s.db.BreakGlassSince(r.Context(), since, 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.Audit(r.Context(), s.auditEntry(r, audit.Consult, "break-glass-report", "", audit.Success)); err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []store.BreakGlass{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list, "next_cursor": ""})
}
