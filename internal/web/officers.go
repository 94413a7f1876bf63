package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
)

// concerns are the kinds of earlier allegation that must never be missed
// when an officer is complained about again, whatever their outcome.
var concerns = []string{"sexual misconduct", "domestic abuse", "discrimination"}

// historyItem is one allegation against an officer as a viewer may see
// it. Allegations in cases the viewer may open are shown whole. Of the
// others, those in restricted cases and in cases the viewer is involved
// in are left out (history); the rest show their category group and the
// month the case was received, and nothing else: state, finding, concern,
// force and the exact time would pick out the case.
type historyItem struct {
	OfficerID   string     `json:"officer_id,omitempty"`
	ForceCode   string     `json:"force,omitempty"`
	CaseID      string     `json:"case_id,omitempty"`
	Reference   string     `json:"reference,omitempty"`
	ReceivedAt  *time.Time `json:"received_at,omitempty"`
	Month       string     `json:"month"`
	State       string     `json:"state,omitempty"`
	Category    string     `json:"category"`
	Subcategory string     `json:"subcategory,omitempty"`
	Concern     string     `json:"concern,omitempty"`
	Finding     string     `json:"finding,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	Visible     bool       `json:"case_visible"`
	// OtherForce marks an allegation against the same person's record in
	// another force (joined by a national id, as a transfer check does).
	OtherForce bool `json:"other_force,omitempty"`
	// Note says "a case you cannot open" when the case is not shown.
	Note string `json:"note,omitempty"`
}

// notOpenable is the note on an allegation whose case the viewer may not
// open.
const notOpenable = "a case you cannot open"

// byAnotherForce is the note on such an allegation recorded by another
// force: a transferee's earlier allegations must be seen as theirs.
const byAnotherForce = "recorded by another force; a case you cannot open"

// MonthText is the month as a page shows it ("May 2026").
func (h historyItem) MonthText() string {
	t, err := time.Parse("2006-01", h.Month)
	if err != nil {
		return h.Month
	}
	return t.Format("Jan 2006")
}

// history lists the allegations against an officer (and the same person
// in other forces) that the viewer may know of, leaving out the case
// exclude, and the concerns among them that must not be missed. On an
// officer's page (panel false) the concerns are those of the cases the
// viewer may open. On the pattern panel of a case the viewer has open
// (panel true) they are those of every allegation against the officer,
// shown or not: a handler must not miss an earlier allegation of sexual
// misconduct because its case is restricted, and a concern named among
// all of them does not say which case it came from.
func (s *Server) history(r *http.Request, officerID, exclude string, panel bool) ([]historyItem, []string, error) {
	ctx := r.Context()
	all, err := s.db.AllegationsAgainst(ctx, officerID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, len(all))
	for _, a := range all {
		ids = append(ids, a.CaseID)
	}
	facts, err := s.db.CasesFacts(ctx, ids, s.clock())
	if err != nil {
		return nil, nil, err
	}
	p := caller(r)
	items := []historyItem{}
	var warnings []string
	for _, a := range all {
		if a.CaseID == exclude {
			continue
		}
		f, ok := facts[a.CaseID]
		if !ok {
			continue // a case removed since the first read
		}
		d := access.CanOpenCase(*p, f)
		concern := slices.Contains(concerns, a.Concern)
		if concern && (panel || d.Allow) {
			warnings = append(warnings, a.Concern)
		}
		month := a.ReceivedAt.UTC().Format("2006-01")
		switch {
		case d.Allow:
			at := a.ReceivedAt
			items = append(items, historyItem{OfficerID: a.OfficerID, ForceCode: a.ForceCode, CaseID: a.CaseID, Reference: a.Reference,
				ReceivedAt: &at, Month: month, State: a.State, Category: a.Category, Subcategory: a.Subcategory, Concern: a.Concern,
				Finding: a.Finding, Outcome: a.Outcome, Visible: true, OtherForce: a.OfficerID != officerID})
		case d.Hide:
			// Restricted, or the viewer is in it: not even its month.
		case a.OfficerID != officerID:
			items = append(items, historyItem{Month: month, Category: a.Category, Note: byAnotherForce})
		default:
			items = append(items, historyItem{Month: month, Category: a.Category, Note: notOpenable})
		}
	}
	// Newest month first; within a month the order of the rows must not
	// place a case the viewer cannot open between ones they can, so those
	// go last, by category.
	slices.SortStableFunc(items, func(x, y historyItem) int {
		if c := strings.Compare(y.Month, x.Month); c != 0 {
			return c
		}
		switch {
		case x.Visible != y.Visible && x.Visible:
			return -1
		case x.Visible != y.Visible:
			return 1
		case !x.Visible:
			return strings.Compare(x.Category, y.Category)
		}
		return 0
	})
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
// postings and the allegations against them the caller may know of
// (history). Nobody may look up their own record this way: it would show
// them the cases about them; a supervisor reads only the officers of
// their units and those whose flags they review.
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
			if err := s.db.Audit(ctx, e); err != nil {
				return officerView{}, err
			}
			return officerView{}, fault.Errorf(fault.NotFound, "officer not found")
		}
	}
	flags, err := s.officerFlags(r, o.ID)
	if err != nil {
		return officerView{}, err
	}
	if !access.CanReadOfficer(*p, o.UnitID, len(flags) > 0) {
		e := s.auditEntry(r, audit.AccessDenied, "officer", o.ID, audit.Denied)
		e.Reason = "officer outside the caller's units and reviews"
		if err := s.db.Audit(ctx, e); err != nil {
			return officerView{}, err
		}
		return officerView{}, fault.Errorf(fault.NotFound, "officer not found")
	}
	postings, err := s.db.Postings(ctx, o.ID)
	if err != nil {
		return officerView{}, err
	}
	items, warnings, err := s.history(r, o.ID, "", false)
	if err != nil {
		return officerView{}, err
	}
	if err := s.db.Audit(ctx, s.auditEntry(r, audit.Consult, "officer", o.ID, audit.Success)); err != nil {
		return officerView{}, err
	}
	if warnings == nil {
		warnings = []string{}
	}
	return officerView{Officer: o, Postings: postings, History: items, Warnings: warnings, Flags: flags}, nil
}
