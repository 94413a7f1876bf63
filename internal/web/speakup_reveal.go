package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// --- Revealing a named reporter -------------------------------------------
//
// A guardian may read a named reporter's identity only to pass it to a
// recipient outside the guardians, on a request two other guardians have
// approved (speakup.RevealApprovals), within speakup.RevealValidity of the
// approval; each read is audited as a disclosure.

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
		if err := s.db.Audit(ctx, d); err != nil {
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
	rr, err := s.askReveal(r, reportID, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/speakup/reveal-requests/"+rr.ID)
	writeJSON(w, http.StatusCreated, map[string]any{"request": rr, "approvals_needed": speakup.RevealApprovals})
}

// askReveal validates and records the calling guardian's request to
// reveal a named reporter, with its audit entry: the API's and the inbox
// page's.
func (s *Server) askReveal(r *http.Request, reportID string, req speakUpRevealInput) (speakup.RevealRequest, error) {
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
		return speakup.RevealRequest{}, err
	}
	ctx := r.Context()
	rr := speakup.RevealRequest{ReportID: reportID, RequestedBy: caller(r).User.ID, Reason: req.Reason, Recipient: req.Recipient}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRevealRequest(ctx, &rr, s.clock()); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "speakup", reportID, audit.Success)
		e.Reason = "asked to reveal the reporter's identity to " + rr.Recipient + " (request " + rr.ID + "): " + rr.Reason
		return tx.Audit(ctx, e)
	})
	return rr, err
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
	rr, revealed, err := s.approveRevealRequest(r, requestID, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"request": rr, "revealed": revealed, "approvals_needed": speakup.RevealApprovals})
}

// approveRevealRequest records the calling guardian's approval of a
// reveal request, with its audit entry, and audits a requester's attempt
// to approve their own: the API's and the inbox page's. When reportID is
// not "", a request about another report is not found (nothing is kept).
func (s *Server) approveRevealRequest(r *http.Request, requestID, reportID string) (rr speakup.RevealRequest, revealed bool, err error) {
	ctx := r.Context()
	p := caller(r)
	if reportID != "" {
		rrs, err := s.db.SpeakUpRevealRequests(ctx, reportID)
		if err != nil {
			return rr, false, err
		}
		if !slices.ContainsFunc(rrs, func(q speakup.RevealRequest) bool { return q.ID == requestID }) {
			return rr, false, fault.Errorf(fault.NotFound, "reveal request not found")
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rr, revealed, err = tx.ApproveReveal(ctx, requestID, p.User.ID, s.clock())
		if err == nil && reportID != "" && rr.ReportID != reportID {
			err = fault.Errorf(fault.NotFound, "reveal request not found")
		}
		if err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "speakup", rr.ReportID, audit.Success)
		e.Reason = fmt.Sprintf("approved revealing the reporter's identity to %s (request %s, %d of %d approvals)",
			rr.Recipient, rr.ID, len(rr.Approvals), speakup.RevealApprovals)
		if revealed {
			e.Reason += "; the requester may now read the identity for the recipient"
		}
		return tx.Audit(ctx, e)
	})
	if fault.Is(err, fault.Forbidden) {
		// The requester approving their own request: refused, and the
		// attempt is kept.
		d := s.auditEntry(r, audit.AccessDenied, "speakup-reveal", requestID, audit.Denied)
		d.Reason = fault.Message(err)
		if aerr := s.db.Audit(ctx, d); aerr != nil {
			err = aerr
		}
	}
	return rr, revealed, err
}
