package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
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
		if err := s.deriveFacts(ctx, &c, v.Timeline, now); err != nil {
			return v, err
		}
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

// actionCatalogue lists every workflow action, for clients building forms.
func actionCatalogue() []actionView {
	var out []actionView
	for _, a := range cases.AllActions() {
		out = append(out, actionView{Name: a.Name, Title: a.Title, To: a.To, Requires: a.Requires})
	}
	return out
}

// caseList reads one page of the cases the caller may open: scoped to
// them in SQL, each decided by need-to-know, filled to limit within
// listBatches, after cursor (a next_cursor this list gave them for the
// same query), audited whatever it shows. where says which list ("case
// list", "start page"). It returns the cursor of the next page, "" at the
// end.
func (s *Server) caseList(r *http.Request, f store.CaseFilter, q listQuery, cursor string, limit int, where string) ([]store.CaseSummary, string, error) {
	ctx := r.Context()
	p := caller(r)
	key, err := s.db.ListKey(ctx)
	if err != nil {
		return nil, "", err
	}
	if f.After, err = s.openCursor(r, key, q, cursor); err != nil {
		return nil, "", err
	}
	scope := access.CaseListScope(*p)
	f.Scope, f.Now = &scope, s.clock()
	read := func(after *store.Position, n int) ([]store.CaseSummary, bool, error) {
		f.After, f.Limit = after, n
		page, err := s.db.ListCases(ctx, f)
		return page.Items, page.More, err
	}
	keep := func(rows []store.CaseSummary) ([]store.CaseSummary, error) {
		ids := make([]string, len(rows))
		for i, c := range rows {
			ids[i] = c.ID
		}
		open, err := s.openable(r, ids)
		if err != nil {
			return nil, err
		}
		kept := make([]store.CaseSummary, 0, len(rows))
		for _, c := range rows {
			if open[c.ID] {
				kept = append(kept, c)
			}
		}
		return kept, nil
	}
	items, more, dropped, err := fillPage(limit, f.After, read, keep, f.PositionOf)
	if dropped > 0 {
		s.log.Warn("case list scope let through cases need-to-know refused", "list", where, "dropped", dropped)
	}
	if err != nil {
		return nil, "", err
	}
	if err := s.auditList(r, key, q, where, len(items), cursor != ""); err != nil {
		return nil, "", err
	}
	next := ""
	if more {
		next = key.Cursor(q.list, q.binding(p.User.ID), f.PositionOf(items[len(items)-1]))
	}
	if items == nil {
		items = []store.CaseSummary{}
	}
	return items, next, nil
}

// readCase returns the case named in the URL to a caller with
// need-to-know, and the basis of their access, recording the consultation
// in the audit log before any content leaves.
func (s *Server) readCase(r *http.Request) (cases.Case, string, error) {
	c, basis, _, err := s.readCaseFacts(r)
	return c, basis, err
}

// readCaseFacts is readCase that also returns the need-to-know facts it
// decided on, for a page that shows some of them (the assignees).
func (s *Server) readCaseFacts(r *http.Request) (cases.Case, string, access.CaseFacts, error) {
	caseID, d, facts, err := s.decideCaseFacts(r)
	if err != nil {
		return cases.Case{}, "", facts, err
	}
	if !d.Allow {
		return cases.Case{}, "", facts, s.refuse(r, caseID, d)
	}
	ctx := r.Context()
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		return c, "", facts, err
	}
	e := s.auditEntry(r, audit.Consult, "case", caseID, audit.Success)
	e.Reason = "access by " + d.Basis
	if err := s.db.Audit(ctx, e); err != nil {
		return cases.Case{}, "", facts, err
	}
	return c, d.Basis, facts, nil
}

// getCase answers GET /api/v1/cases/{id}: the case with its allegations,
// the actions the caller may take, deadlines, timeline, the pattern panel,
// notes, documents and complainants.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request) {
	c, basis, err := s.readCase(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	v, err := s.caseDetail(r, c, basis)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// listCases answers GET /api/v1/cases with filters. Only cases the caller
// may open are listed (caseList).
func (s *Server) listCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.CaseFilter{State: q.Get("state"), Kind: q.Get("kind"), Category: q.Get("category"), OfficerID: q.Get("officer"),
		UnitID: q.Get("unit"), Text: strings.TrimSpace(q.Get("q"))}
	var fields fault.Fields
	if f.Kind != "" && !cases.Kind(f.Kind).Valid() {
		fields.Add("kind", "is not a case kind")
	}
	// States and categories are codes; free text here would reach the
	// audit log, which keeps searches only as digests.
	if f.State != "" && !codeLike(f.State) {
		fields.Add("state", "is not a case state")
	}
	if f.Category != "" && !codeLike(f.Category) {
		fields.Add("category", "is not a category code")
	}
	if f.OfficerID != "" && !id.Valid(f.OfficerID) {
		fields.Add("officer", "is not an officer id")
	}
	if f.UnitID != "" && !id.Valid(f.UnitID) {
		fields.Add("unit", "is not a unit id")
	}
	if len(f.Text) > 200 {
		fields.Add("q", "must be at most 200 characters")
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		fields.Add("overdue", "must be true or false")
	}
	f.DueBefore = parseDay(&fields, "due_before", q.Get("due_before"))
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			fields.Add("limit", "must be a number from 1 to 200")
		}
		limit = n
	}
	if err := fields.Err("bad query"); err != nil {
		s.fail(w, r, err)
		return
	}
	due := ""
	if f.DueBefore != nil {
		due = f.DueBefore.Format(time.DateOnly)
	}
	// Only validated values reach the cursor's binding and the audit
	// entry: never the raw query string, which holds anything sent.
	lq := listQuery{list: "case-list", search: f.Text, filters: [][2]string{{"state", f.State}, {"kind", f.Kind},
		{"category", f.Category}, {"officer", f.OfficerID}, {"unit", f.UnitID}, {"overdue", strconv.FormatBool(f.Overdue)},
		{"due_before", due}}}
	items, next, err := s.caseList(r, f, lq, q.Get("cursor"), limit, "case list")
	if err != nil {
		s.failList(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// codeLike reports whether v could be a state or category code: letters,
// digits, hyphens and underscores, at most 64.
func codeLike(v string) bool {
	if v == "" || len(v) > 64 {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
