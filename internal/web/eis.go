package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// flagView is a flag with the officer it is about, as a reviewer needs
// to see it.
type flagView struct {
	eis.Flag
	Officer *flagOfficer `json:"officer,omitempty"`
}

type flagOfficer struct {
	ID           string        `json:"id"`
	CollarNumber string        `json:"collar_number"`
	GivenName    string        `json:"given_name"`
	FamilyName   string        `json:"family_name"`
	Rank         officers.Rank `json:"rank"`
}

// Name is how pages name the officer: "PC 1234 Smith".
func (o flagOfficer) Name() string {
	return officerName(officers.Officer{CollarNumber: o.CollarNumber, FamilyName: o.FamilyName, Rank: o.Rank})
}

// mayReadFlag decides one flag for the caller: the unit rule of
// access.CanSeeFlag, and never a flag on the caller's own record.
func mayReadFlag(p *access.Principal, f eis.Flag) bool {
	return access.CanSeeFlag(*p, f.UnitID) && !access.FlagConflict(*p, f.OfficerID)
}

func (s *Server) viewFlag(r *http.Request, f eis.Flag) (flagView, error) {
	vs, err := s.viewFlags(r, []eis.Flag{f})
	if err != nil {
		return flagView{}, err
	}
	return vs[0], nil
}

// viewFlags adds to each flag its officer, read for the whole list at once.
func (s *Server) viewFlags(r *http.Request, flags []eis.Flag) ([]flagView, error) {
	ids := make([]string, len(flags))
	for i, f := range flags {
		ids[i] = f.OfficerID
	}
	byID, err := s.db.OfficersByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]flagView, 0, len(flags))
	for _, f := range flags {
		o, ok := byID[f.OfficerID]
		if !ok {
			return nil, fault.Errorf(fault.NotFound, "officer %s of flag %s not found", f.OfficerID, f.ID)
		}
		if f.Notes == nil {
			f.Notes = []eis.FlagNote{}
		}
		out = append(out, flagView{Flag: f, Officer: &flagOfficer{ID: o.ID, CollarNumber: o.CollarNumber, GivenName: o.GivenName,
			FamilyName: o.FamilyName, Rank: o.Rank}})
	}
	return out, nil
}

// flagRequest is a read of the queue: its query, scoped to the caller,
// the cursor it resumes from and its page size.
type flagRequest struct {
	query  store.FlagQuery
	list   listQuery
	cursor string
	limit  int
}

// flagScope is the query of every flag the caller may see: every unit for
// the head of standards, their own units for a supervisor, never a flag
// on their own record.
func flagScope(p *access.Principal) store.FlagQuery {
	return store.FlagQuery{AllUnits: p.Has(access.PSDHead), Units: p.User.UnitIDs, ExcludeOfficerID: p.User.OfficerID}
}

// flagQuery reads the queue's filters (state, officer, limit, cursor).
func flagQuery(r *http.Request) (flagRequest, error) {
	q := r.URL.Query()
	fr := flagRequest{query: flagScope(caller(r)), cursor: q.Get("cursor"), limit: 50}
	fr.query.State, fr.query.OfficerID = q.Get("state"), q.Get("officer")
	var fields fault.Fields
	if fr.query.State != "" && !slices.Contains(eis.FlagStates, fr.query.State) {
		fields.Add("state", "must be one of open, reviewed, intervention, closed")
	}
	if fr.query.OfficerID != "" && !id.Valid(fr.query.OfficerID) {
		fields.Add("officer", "is not an officer id")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			fields.Add("limit", "must be a number from 1 to 200")
		}
		fr.limit = n
	}
	fr.list = listQuery{list: "eis-flag-list", filters: [][2]string{{"state", fr.query.State}, {"officer", fr.query.OfficerID}}}
	return fr, fields.Err("bad query")
}

// flagQueue reads one page of the queue: the flags the caller may see,
// with their officers, paged and audited as every list is (lists.go).
// where says which list ("flag queue", "start page").
func (s *Server) flagQueue(r *http.Request, fr flagRequest, where string) ([]flagView, string, error) {
	ctx := r.Context()
	p := caller(r)
	key, err := s.db.ListKey(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := s.openCursor(r, key, fr.list, fr.cursor)
	if err != nil {
		return nil, "", err
	}
	fq := fr.query
	read := func(after *store.Position, n int) ([]eis.Flag, bool, error) {
		fq.After, fq.Limit = after, n
		page, err := s.db.Flags(ctx, fq)
		return page.Items, page.More, err
	}
	keep := func(rows []eis.Flag) ([]eis.Flag, error) {
		kept := make([]eis.Flag, 0, len(rows))
		for _, f := range rows {
			if mayReadFlag(p, f) {
				kept = append(kept, f)
			}
		}
		return kept, nil
	}
	visible, more, dropped, err := fillPage(fr.limit, after, read, keep, store.FlagPosition)
	if dropped > 0 {
		s.log.Warn("flag list scope let through flags the policy refused", "list", where, "dropped", dropped)
	}
	if err != nil {
		return nil, "", err
	}
	items, err := s.viewFlags(r, visible)
	if err != nil {
		return nil, "", err
	}
	if err := s.auditList(r, key, fr.list, where, len(items), fr.cursor != ""); err != nil {
		return nil, "", err
	}
	next := ""
	if more {
		next = key.Cursor(fr.list.list, fr.list.binding(p.User.ID), store.FlagPosition(visible[len(visible)-1]))
	}
	return items, next, nil
}

// listFlags answers GET /api/v1/eis/flags: the supervisor's queue, newest
// first, of the flags the caller may see, filtered by state.
func (s *Server) listFlags(w http.ResponseWriter, r *http.Request) {
	fr, err := flagQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, next, err := s.flagQueue(r, fr, "flag queue")
	if err != nil {
		s.failList(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// readFlag loads the flag named in the path if the caller may see it. A
// flag the caller may not see is answered as if it did not exist (flags
// say something about an officer), and the refusal is audited.
func (s *Server) readFlag(r *http.Request) (eis.Flag, error) {
	flagID := r.PathValue("id")
	if !id.Valid(flagID) {
		return eis.Flag{}, fault.Errorf(fault.NotFound, "flag not found")
	}
	f, err := s.db.Flag(r.Context(), flagID)
	if err != nil {
		return f, err
	}
	p := caller(r)
	if !mayReadFlag(p, f) {
		e := s.auditEntry(r, audit.AccessDenied, "eis-flag", f.ID, audit.Denied)
		e.Reason = "flag outside the caller's units"
		if access.FlagConflict(*p, f.OfficerID) {
			e.Reason = "flag on the caller's own record (conflict)"
		}
		if err := s.db.Audit(r.Context(), e); err != nil {
			return f, err
		}
		return f, fault.Errorf(fault.NotFound, "flag not found")
	}
	return f, nil
}

// getFlag answers GET /api/v1/eis/flags/{id}: the flag, its explanation
// and its review notes.
func (s *Server) getFlag(w http.ResponseWriter, r *http.Request) {
	v, err := s.consultFlag(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// consultFlag reads the flag named in the path for the caller, audited.
func (s *Server) consultFlag(r *http.Request) (flagView, error) {
	f, err := s.readFlag(r)
	if err != nil {
		return flagView{}, err
	}
	v, err := s.viewFlag(r, f)
	if err != nil {
		return flagView{}, err
	}
	return v, s.db.Audit(r.Context(), s.auditEntry(r, audit.Consult, "eis-flag", f.ID, audit.Success))
}

// reviewFlag answers POST /api/v1/eis/flags/{id}/review: move the flag on
// (review, intervene, close) with a note, audited in the same transaction.
func (s *Server) reviewFlag(w http.ResponseWriter, r *http.Request) {
	var rv eis.Review
	if err := decodeJSON(w, r, &rv, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.readFlag(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.applyReview(r, f, rv)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// applyReview moves the flag on by the review and saves it with its note
// and audit entry in one transaction, or says why it cannot.
func (s *Server) applyReview(r *http.Request, f eis.Flag, rv eis.Review) (flagView, error) {
	read := f.Version
	before := f.State
	if err := f.Apply(rv); err != nil {
		return flagView{}, err
	}
	ctx := r.Context()
	note := &eis.FlagNote{AuthorID: caller(r).User.ID, At: s.clock().UTC(), Action: rv.Action, Text: rv.Note}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveReview(ctx, &f, read, note); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "eis-flag", f.ID, audit.Success)
		e.Reason = "early-intervention flag " + before + " -> " + f.State + " (" + rv.Action
		if rv.Intervention != "" {
			e.Reason += ": " + rv.Intervention
		}
		e.Reason += ")"
		return tx.Audit(ctx, e)
	})
	if err != nil {
		return flagView{}, err
	}
	full, err := s.db.Flag(ctx, f.ID)
	if err != nil {
		return flagView{}, err
	}
	return s.viewFlag(r, full)
}

// officerFlags lists the flags on an officer that the caller may see, for
// the officer's page; none for callers who do not work with flags.
func (s *Server) officerFlags(r *http.Request, officerID string) ([]eis.Flag, error) {
	p := caller(r)
	out := []eis.Flag{}
	if !access.Allowed(p, access.EISRead) {
		return out, nil
	}
	fq := flagScope(p)
	fq.OfficerID, fq.Limit = officerID, 200
	page, err := s.db.Flags(r.Context(), fq)
	if err != nil {
		return nil, err
	}
	for _, f := range page.Items {
		if mayReadFlag(p, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// fairnessReport is the fairness page's content: the latest evaluation's
// figures by sex and ethnicity, and the flags open now by group.
type fairnessReport struct {
	EvaluatedAt string `json:"evaluated_at,omitempty"`
	From        int    `json:"from,omitempty"`
	To          int    `json:"to,omitempty"`
	BudgetRule  string `json:"budget_rule,omitempty"`
	Note        string `json:"note,omitempty"`
	// EthnicityGroups is "force" when the figures use the force's own
	// ethnicity groups (declared in the import mapping), "ons" otherwise.
	EthnicityGroups string                         `json:"ethnicity_groups,omitempty"`
	Labels          map[string][]eis.FairnessGroup `json:"labels"`
	Current         []store.FlagGroup              `json:"current"`
}

func (s *Server) fairnessData(r *http.Request) (fairnessReport, error) {
	ctx := r.Context()
	rep := fairnessReport{Labels: map[string][]eis.FairnessGroup{}}
	run, err := s.db.LatestEISRun(ctx, "evaluation")
	switch {
	case fault.Is(err, fault.NotFound):
		rep.Note = "no evaluation has been run yet: run probity eis evaluate"
	case err != nil:
		return rep, err
	default:
		var ev eis.Evaluation
		if err := json.Unmarshal(run.Report, &ev); err != nil {
			return rep, err
		}
		rep.EvaluatedAt = run.At.Format("2006-01-02 15:04 MST")
		rep.From, rep.To, rep.BudgetRule, rep.Note = ev.Setup.From, ev.Setup.To, ev.Setup.BudgetRule, ev.Fairness.Note
		rep.EthnicityGroups = ev.Fairness.EthnicityGroups
		if ev.Fairness.Labels != nil {
			rep.Labels = ev.Fairness.Labels
		}
	}
	if rep.Current, err = s.db.FlagGroups(ctx, s.clock()); err != nil {
		return rep, err
	}
	if rep.Current == nil {
		rep.Current = []store.FlagGroup{}
	}
	return rep, nil
}

// fairness answers GET /api/v1/eis/fairness.
func (s *Server) fairness(w http.ResponseWriter, r *http.Request) {
	rep, err := s.fairnessData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// fairnessPage is the fairness report laid out for the page, numbers
// already written as the page shows them.
type fairnessPage struct {
	pageData
	Report   fairnessReport
	Grouping string // whose ethnicity groups, in words
	Sections []fairnessSection
	Current  []fairnessRow
}

type fairnessSection struct {
	Name, Words string
	Rows        []fairnessRow
}

type fairnessRow struct {
	Group string
	Cells []string
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

// fairnessPage answers GET /eis/fairness, for the head of standards.
func (s *Server) fairnessPage(w http.ResponseWriter, r *http.Request) {
	rep, err := s.fairnessData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := fairnessPage{pageData: s.pageData(r), Report: rep}
	if rep.EthnicityGroups != "" {
		data.Grouping = eis.EthnicityGroupingWords(rep.EthnicityGroups)
	}
	for _, lab := range eis.Labels {
		sec := fairnessSection{Name: lab.Name, Words: lab.Words}
		for _, g := range rep.Labels[lab.Name] {
			name := g.Attribute + ": " + g.Group
			if g.Attribute == "all" {
				name = g.Group
			}
			sec.Rows = append(sec.Rows, fairnessRow{Group: name, Cells: []string{strconv.Itoa(g.Scored), pct(g.BaseRate),
				pct(g.Rule.FlagRate), pct(g.Rule.Precision), pct(g.Rule.Recall), strconv.FormatFloat(g.Rule.FlagToBase, 'f', 2, 64),
				pct(g.Model.FlagRate), pct(g.Model.Precision), pct(g.Model.Recall), strconv.FormatFloat(g.Model.FlagToBase, 'f', 2, 64)}})
		}
		if len(sec.Rows) > 0 {
			data.Sections = append(data.Sections, sec)
		}
	}
	for _, g := range rep.Current {
		share := 0.0
		if g.Officers > 0 {
			share = float64(g.Flagged) / float64(g.Officers)
		}
		data.Current = append(data.Current, fairnessRow{Group: g.Attribute + ": " + g.Group,
			Cells: []string{strconv.Itoa(g.Officers), strconv.Itoa(g.Flagged), pct(share)}})
	}
	s.render(w, r, http.StatusOK, "eis-fairness", data)
}
