package web

import (
	"net/http"
	"slices"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// concerns are the kinds of earlier allegation that must never be missed
// when an officer is complained about again, whatever their outcome.
var concerns = []string{"sexual misconduct", "domestic abuse", "discrimination"}

// historyItem is one earlier allegation as a viewer may see it: the
// pattern is always shown, but the case itself only to those who may
// open it.
type historyItem struct {
	store.PriorAllegation
	Visible bool `json:"case_visible"`
}

// history lists the allegations against an officer (and the same person
// in other forces) that viewer may know of, leaving out exclude.
func (s *Server) history(r *http.Request, officerID, exclude string) ([]historyItem, []string, error) {
	ctx := r.Context()
	all, err := s.db.AllegationsAgainst(ctx, officerID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, len(all))
	for _, a := range all {
		ids = append(ids, a.CaseID)
	}
	open, err := s.openable(r, ids)
	if err != nil {
		return nil, nil, err
	}
	var items []historyItem
	var warnings []string
	for _, a := range all {
		if a.CaseID == exclude {
			continue
		}
		visible := open[a.CaseID]
		it := historyItem{PriorAllegation: a, Visible: visible}
		if !visible {
			it.CaseID, it.Reference = "", ""
		}
		items = append(items, it)
		if slices.Contains(concerns, a.Concern) {
			warnings = append(warnings, a.Concern)
		}
	}
	slices.Sort(warnings)
	return items, slices.Compact(warnings), nil
}

type officerView struct {
	Officer  officers.Officer   `json:"officer"`
	Postings []officers.Posting `json:"postings"`
	History  []historyItem      `json:"allegations"`
	Warnings []string           `json:"warnings"`
	Flags    []eis.Flag         `json:"flags"` // early-intervention flags the viewer may see (eis.go)
}

// getOfficer answers GET /api/v1/officers/{id}: the officer, their
// postings and every allegation against them. Nobody may look up their
// own record this way: it would show them the cases about them.
func (s *Server) getOfficer(w http.ResponseWriter, r *http.Request) {
	v, err := s.officerData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// officerData reads the officer named in the path as the caller may see
// them, audited; the caller's own record is answered as not found.
func (s *Server) officerData(r *http.Request) (officerView, error) {
	officerID := r.PathValue("id")
	ctx := r.Context()
	o, err := s.db.Officer(ctx, officerID)
	if !id.Valid(officerID) || fault.Is(err, fault.NotFound) {
		return officerView{}, fault.Errorf(fault.NotFound, "officer not found")
	}
	if err != nil {
		return officerView{}, err
	}
	p := caller(r)
	if p.User.OfficerID != "" {
		me, err := s.db.Officer(ctx, p.User.OfficerID)
		if err == nil && (me.ID == o.ID || (me.NationalID != "" && me.NationalID == o.NationalID)) {
			e := s.auditEntry(r, audit.AccessDenied, "officer", o.ID, audit.Denied)
			e.Reason = "own officer record (conflict)"
			if err := s.audit.Record(ctx, e); err != nil {
				return officerView{}, err
			}
			return officerView{}, fault.Errorf(fault.NotFound, "officer not found")
		}
	}
	postings, err := s.db.Postings(ctx, o.ID)
	if err != nil {
		return officerView{}, err
	}
	items, warnings, err := s.history(r, o.ID, "")
	if err != nil {
		return officerView{}, err
	}
	flags, err := s.officerFlags(r, o.ID)
	if err != nil {
		return officerView{}, err
	}
	if err := s.audit.Record(ctx, s.auditEntry(r, audit.Consult, "officer", o.ID, audit.Success)); err != nil {
		return officerView{}, err
	}
	if items == nil {
		items = []historyItem{}
	}
	if warnings == nil {
		warnings = []string{}
	}
	return officerView{Officer: o, Postings: postings, History: items, Warnings: warnings, Flags: flags}, nil
}
