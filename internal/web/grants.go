package web

import (
	"net/http"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/store"
)

type userRequest struct {
	UserID string `json:"user_id"`
}

// grantTarget reads the user a case is to be opened to, checks the caller
// may open the case, and that the user exists.
func (s *Server) grantTarget(w http.ResponseWriter, r *http.Request) (caseID string, target access.User, ok bool) {
	var req userRequest
	if err := decodeJSON(w, r, &req, 4<<10); err != nil {
		s.fail(w, r, err)
		return "", target, false
	}
	if !id.Valid(req.UserID) {
		s.fail(w, r, &fault.Error{Kind: fault.Invalid, Message: "bad request", Fields: []fault.FieldError{{Field: "user_id", Reason: "is not a user id"}}})
		return "", target, false
	}
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return "", target, false
	}
	target, err = s.db.UserByID(r.Context(), req.UserID)
	if fault.Is(err, fault.NotFound) {
		s.fail(w, r, &fault.Error{Kind: fault.Invalid, Message: "bad request", Fields: []fault.FieldError{{Field: "user_id", Reason: "names no user"}}})
		return "", target, false
	}
	if err != nil {
		s.fail(w, r, err)
		return "", target, false
	}
	return caseID, target, true
}

// Grants open a case to others: to a user it is assigned to, to a user
// named on a restricted case, or to the oversight body.
const (
	grantAssign = "assigned"
	grantName   = "named"
	grantShare  = "shared"
)

// grant opens a case the caller may work on to target (none when
// sharing with the oversight body), recording the disclosure.
func (s *Server) grant(r *http.Request, kind, caseID string, target access.User) error {
	ctx := r.Context()
	now := s.clock()
	if kind != grantShare {
		facts, err := s.db.CasesFacts(ctx, []string{caseID}, now)
		if err != nil {
			return err
		}
		if ok, why := access.MayBeGivenCase(target, facts[caseID]); !ok {
			return &fault.Error{Kind: fault.Invalid, Message: target.DisplayName + " " + why,
				Fields: []fault.FieldError{{Field: "user_id", Reason: why}}}
		}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e := s.auditEntry(r, audit.Disclose, "case", caseID, audit.Success)
		var err error
		switch kind {
		case grantAssign:
			err = tx.AssignCase(ctx, caseID, target.ID, now)
			e.Recipients, e.Reason = []string{target.ID}, "assigned to "+target.Username
		case grantName:
			err = tx.NameOnCase(ctx, caseID, target.ID, now)
			e.Recipients, e.Reason = []string{target.ID}, "named on restricted case: "+target.Username
		case grantShare:
			err = tx.ShareWithOversight(ctx, caseID, caller(r).User.ID, now)
			e.Recipients, e.Reason = []string{"oversight body"}, "case shared with the oversight body"
		default:
			return fault.Errorf(fault.Internal, "unknown grant %q", kind)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, e)
	})
}

// assignCase assigns a case to a user, who may then open it wherever its
// unit: POST /api/v1/cases/{id}/assignments. A user conflicted from the
// case still cannot open it: the policy checks conflict first.
func (s *Server) assignCase(w http.ResponseWriter, r *http.Request) {
	caseID, target, ok := s.grantTarget(w, r)
	if !ok {
		return
	}
	if err := s.grant(r, grantAssign, caseID, target); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// nameOnCase names a user who may see a restricted case:
// POST /api/v1/cases/{id}/named-users.
func (s *Server) nameOnCase(w http.ResponseWriter, r *http.Request) {
	caseID, target, ok := s.grantTarget(w, r)
	if !ok {
		return
	}
	if err := s.grant(r, grantName, caseID, target); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// shareCase shares a case with the oversight body, which may then read it
// (not change it): POST /api/v1/cases/{id}/share.
func (s *Server) shareCase(w http.ResponseWriter, r *http.Request) {
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	if err := s.grant(r, grantShare, caseID, access.User{}); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
