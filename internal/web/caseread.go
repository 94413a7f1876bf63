package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/people"
	"github.com/probity/probity/internal/store"
)

// actionView is an action the caller may take now.
type actionView struct {
	Name     cases.ActionName `json:"name"`
	Title    string           `json:"title"`
	To       cases.State      `json:"to"`
	Requires []cases.Field    `json:"requires"`
}

// patternEntry is the pattern panel for one subject officer.
type patternEntry struct {
	OfficerID string        `json:"officer_id"`
	Name      string        `json:"name"`
	Others    []historyItem `json:"other_allegations"`
	Warnings  []string      `json:"warnings"`
}

type caseView struct {
	cases.Case
	AllowedActions []actionView      `json:"allowed_actions"`
	Deadlines      []cases.Deadline  `json:"deadlines"`
	Timeline       []cases.Event     `json:"timeline"`
	Pattern        []patternEntry    `json:"pattern"`
	Notes          []store.Note      `json:"notes"`
	Documents      []store.Document  `json:"documents"`
	Complainants   []people.Person   `json:"complainants"`
	TimeInStates   map[string]string `json:"time_in_states"`
	// InvestigationReports are the 12-month overdue-investigation report
	// and its 6-monthly repeats that have fallen due.
	InvestigationReports []cases.Report `json:"investigation_reports"`
}

// caseDetail gathers everything the case page and API show about a case
// the caller may open.
func (s *Server) caseDetail(r *http.Request, c cases.Case, basis string) (caseView, error) {
	ctx := r.Context()
	now := s.clock()
	p := caller(r)
	v := caseView{Case: c, AllowedActions: []actionView{}, Pattern: []patternEntry{}, Complainants: []people.Person{}}
	var err error
	if v.Timeline, err = s.db.Timeline(ctx, c.ID); err != nil {
		return v, err
	}
	if basis != "shared" && access.Allowed(p, access.CaseWork) {
		for _, a := range cases.Allowed(c, roleNames(p.Roles)) {
			v.AllowedActions = append(v.AllowedActions, actionView{Name: a.Name, Title: a.Title, To: a.To, Requires: a.Requires})
		}
	}
	if v.Deadlines, err = cases.Deadlines(c, v.Timeline, s.calendar, now); err != nil {
		return v, err
	}
	if v.Deadlines == nil {
		v.Deadlines = []cases.Deadline{}
	}
	v.InvestigationReports = cases.OverdueInvestigationReports(c, v.Timeline, now)
	if v.InvestigationReports == nil {
		v.InvestigationReports = []cases.Report{}
	}
	v.TimeInStates = map[string]string{}
	for st, d := range cases.TimeInStates(c, v.Timeline, now).Total {
		v.TimeInStates[string(st)] = d.Round(time.Hour).String()
	}
	seen := map[string]bool{}
	for _, a := range c.Allegations {
		for _, sub := range a.Subjects {
			if seen[sub.OfficerID] {
				continue
			}
			seen[sub.OfficerID] = true
			o, err := s.db.Officer(ctx, sub.OfficerID)
			if err != nil {
				return v, err
			}
			others, warnings, err := s.history(r, sub.OfficerID, c.ID, true)
			if err != nil {
				return v, err
			}
			if warnings == nil {
				warnings = []string{}
			}
			v.Pattern = append(v.Pattern, patternEntry{OfficerID: o.ID, Name: o.DisplayName(), Others: others, Warnings: warnings})
		}
	}
	if v.Notes, err = s.db.Notes(ctx, c.ID); err != nil {
		return v, err
	}
	if v.Documents, err = s.db.Documents(ctx, c.ID); err != nil {
		return v, err
	}
	if basis != "shared" {
		// The oversight body sees a shared case's substance, not the
		// complainant's contact details.
		for _, party := range c.Parties {
			if party.PersonID == "" || party.Role != cases.RoleComplainant {
				continue
			}
			person, err := s.db.Person(ctx, party.PersonID)
			if err != nil {
				return v, err
			}
			v.Complainants = append(v.Complainants, person)
		}
	}
	if v.Notes == nil {
		v.Notes = []store.Note{}
	}
	if v.Documents == nil {
		v.Documents = []store.Document{}
	}
	return v, nil
}

func roleNames(rs []access.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// nextDue is the earliest open deadline of a case, kept on the case row
// for lists.
func (s *Server) nextDue(c cases.Case, history []cases.Event, now time.Time) (*time.Time, string) {
	ds, err := cases.Deadlines(c, history, s.calendar, now)
	if err != nil {
		return nil, ""
	}
	next, ok := cases.NextDue(ds)
	if !ok {
		return nil, ""
	}
	return &next.Due, string(next.Clock)
}

// actionRequest is one workflow action: the action's name, its inputs,
// and the version of the case the caller saw.
type actionRequest struct {
	cases.ActionInput
	Version int `json:"version"`
}

// act applies one workflow action: POST /api/v1/cases/{id}/actions. The
// case must still be at the version the caller read; of two people acting
// at once, one wins and the other gets 409.
func (s *Server) act(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	ctx := r.Context()
	now := s.clock()
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Version == 0 {
		req.Version = c.Version
	}
	if req.Version != c.Version {
		s.fail(w, r, fault.Errorf(fault.Conflict, "case %s is at version %d, not %d; reload it and try again", c.Reference, c.Version, req.Version))
		return
	}
	p := caller(r)
	from := c.State
	history, err := s.db.Timeline(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The case's own history, not the client, says which forum its
	// proceedings are in, where a suspended complaint resumes, and
	// whether it was referred.
	facts := cases.ReadTimeline(history)
	in := req.ActionInput
	if facts.Forum != "" {
		in.Forum = facts.Forum
	}
	if c.State == cases.Suspended {
		in.ResumeTo = facts.SuspendedFrom
	}
	in.ReviewFacts.Referred = in.ReviewFacts.Referred || facts.Referred
	ev, err := cases.Apply(&c, in, roleNames(p.Roles), s.ref, now)
	var na *cases.NotAllowedError
	if errors.As(err, &na) {
		allowed := []string{}
		for _, a := range cases.Allowed(c, roleNames(p.Roles)) {
			allowed = append(allowed, string(a.Name))
		}
		status, title := http.StatusConflict, "Conflict"
		if na.ByRole {
			status, title = http.StatusForbidden, "Forbidden"
		}
		writeProblem(w, Problem{Type: "about:blank", Title: title, Status: status, Detail: na.Error(),
			Extra: map[string]any{"state": c.State, "allowed": allowed}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ev.At, ev.Actor = now, p.User.ID
	if err := s.saveChange(r, &c, req.Version, history, &ev, string(req.Action)+": "+string(from)+" -> "+string(c.State)); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": c.ID, "reference": c.Reference, "state": c.State, "version": c.Version, "event": ev})
}

// actionCatalogue lists every workflow action, for clients building forms.
func actionCatalogue() []actionView {
	var out []actionView
	for _, a := range cases.AllActions() {
		out = append(out, actionView{Name: a.Name, Title: a.Title, To: a.To, Requires: a.Requires})
	}
	return out
}

// stepRequest records a step that starts or stops a deadline clock.
type stepRequest struct {
	cases.StepInput
	Version int `json:"version"`
}

// recordStep answers POST /api/v1/cases/{id}/steps: a progress update
// sent, an officer's reply received, a deadline extended.
func (s *Server) recordStep(w http.ResponseWriter, r *http.Request) {
	var req stepRequest
	if err := decodeJSON(w, r, &req, 64<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	ctx := r.Context()
	now := s.clock()
	ev, err := cases.RecordStep(req.StepInput, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Version == 0 {
		req.Version = c.Version
	}
	ev.Actor = caller(r).User.ID
	history, err := s.db.Timeline(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.saveChange(r, &c, req.Version, history, &ev, "step: "+string(req.Step)); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": c.ID, "version": c.Version, "event": ev})
}

// saveChange stores a change to a case read at readVersion: its next
// deadline recomputed with the new event, the event itself, and the audit
// entry recording it, in one transaction.
func (s *Server) saveChange(r *http.Request, c *cases.Case, readVersion int, history []cases.Event, ev *cases.Event, reason string) error {
	ctx := r.Context()
	now := s.clock()
	c.NextDueAt, c.NextDueClock = s.nextDue(*c, append(history, *ev), now)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveTransition(ctx, c, readVersion, ev, now); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "case", c.ID, audit.Success)
		e.Reason = reason
		return s.audit.Append(ctx, tx, e)
	})
}
