package web

import (
	"net/http"
	"slices"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// The start page (GET /): "My work" for those who handle cases, counts
// of the cases waiting for them, each a link to the cases page showing
// them; and for every other role, what it may open. Every count is
// scoped in SQL to the cases the caller may open (access.ListScope), so
// no number tells of a case they may not see.

// openStates are, for each kind of case, the states some action can still
// move a case from: a case in one of them is open.
func openStates() []store.KindStates {
	return kindStatesOf(func(cases.Action) bool { return true })
}

// awaitingStates are the states in which a case waits for a decision
// taken by someone in one of the caller's roles: for the appropriate
// authority and the head of standards, the decisions only they take; for
// a handler or investigator, the steps open to their role.
func awaitingStates(p *access.Principal) []store.KindStates {
	aa := p.Has(access.Authority) || p.Has(access.PSDHead)
	mine := roleNames(p.Roles)
	return kindStatesOf(func(a cases.Action) bool {
		for _, r := range a.Roles {
			if !slices.Contains(mine, r) {
				continue
			}
			if (r == string(access.Authority) || r == string(access.PSDHead)) && aa &&
				(slices.Contains(a.Roles, string(access.Handler)) || slices.Contains(a.Roles, string(access.Investigator))) {
				continue // a step others take too, not the authority's decision
			}
			return true
		}
		return false
	})
}

// kindStatesOf lists, per kind, the states from which an action that
// keep accepts starts.
func kindStatesOf(keep func(cases.Action) bool) []store.KindStates {
	out := []store.KindStates{}
	for _, k := range cases.Kinds {
		var states []string
		for _, a := range cases.AllActions() {
			if !slices.Contains(a.Kinds, k) || !keep(a) {
				continue
			}
			for _, s := range a.From {
				if !slices.Contains(states, string(s)) {
					states = append(states, string(s))
				}
			}
		}
		if len(states) > 0 {
			out = append(out, store.KindStates{Kind: string(k), States: states})
		}
	}
	return out
}

// workCount is one count of My work, linking to the cases it counts.
type workCount struct {
	ID, Label, Href string
	N               int
}

type homePage struct {
	pageData
	CaseRoles, OversightOnly, Auditor, Admin, NothingHere bool
	// MyWork: the caller handles cases. Counts are their own queues;
	// UnitCounts their units' (appropriate authority, head of standards).
	MyWork     bool
	Counts     []workCount
	UnitCounts []workCount
	// Urgent are the caller's open cases with the nearest deadlines;
	// Recent the cases most recently received that they may open.
	Urgent, Recent []caseRow
	MayRecord      bool
	// BreakGlass lists the break-glass openings of the last 30 days, for
	// those who review them.
	BreakGlassShown bool
	BreakGlass      []store.BreakGlass
	// Links are the pages the caller's role may open, for a role with no
	// queue of its own on this page.
	Links []navItem
	// Flags are the open early-intervention flags the caller reviews.
	FlagRole bool
	Flags    []flagView
	// SpeakUps are the open speak-up reports, for guardians: never the
	// reporter's identity, nor the text, on a page that may be overlooked.
	Guardian bool
	SpeakUps []speakup.Report
	Cases    []store.CaseSummary
	Users    []access.User
	// Accountability is what the oversight body's requirements and board
	// actions wait for.
	Accountability accountabilityPanel
	// FailedSignIns is how many sign-in attempts on the account failed
	// between the previous successful sign-in and this session's.
	FailedSignIns int
}

// myWork fills the counts and lists of My work.
func (s *Server) myWork(r *http.Request, data *homePage) error {
	p := caller(r)
	ctx := r.Context()
	now := s.clock()
	scope := access.CaseListScope(*p)
	count := func(f store.CaseFilter) (int, error) {
		f.Scope, f.Now = &scope, now
		return s.db.CountCases(ctx, f)
	}
	soon := now.AddDate(0, 0, 7)
	aa := p.Has(access.Authority) || p.Has(access.PSDHead)
	type q struct {
		id, label, href string
		f               store.CaseFilter
		unit            bool
	}
	awaiting := q{"awaiting", "Waiting for my decision", "/cases?assignee=me&show=awaiting",
		store.CaseFilter{AssigneeID: p.User.ID, In: awaitingStates(p)}, false}
	if aa {
		awaiting = q{"awaiting", "Waiting for my decision", "/cases?show=awaiting", store.CaseFilter{In: awaitingStates(p)}, false}
	}
	queues := []q{
		{"mine", "My open cases", "/cases?assignee=me&show=open", store.CaseFilter{AssigneeID: p.User.ID, In: openStates()}, false},
		{"overdue", "My overdue cases", "/cases?assignee=me&show=open&overdue=yes",
			store.CaseFilter{AssigneeID: p.User.ID, In: openStates(), Overdue: true}, false},
		{"due-soon", "My cases due in the next 7 days", "/cases?assignee=me&show=due-soon",
			store.CaseFilter{AssigneeID: p.User.ID, In: openStates(), DueFrom: &now, DueBefore: &soon}, false},
		awaiting,
	}
	if aa {
		queues = append(queues,
			q{"unit-overdue", "Overdue in my units", "/cases?show=open&overdue=yes", store.CaseFilter{In: openStates(), Overdue: true}, true},
			q{"unassigned", "Open and assigned to nobody", "/cases?assignee=none&show=open", store.CaseFilter{In: openStates(), Unassigned: true}, true})
	}
	for _, qu := range queues {
		n, err := count(qu.f)
		if err != nil {
			return err
		}
		wc := workCount{ID: qu.id, Label: qu.label, Href: qu.href, N: n}
		if qu.unit {
			data.UnitCounts = append(data.UnitCounts, wc)
		} else {
			data.Counts = append(data.Counts, wc)
		}
	}
	units, _, err := s.allUnits(r)
	if err != nil {
		return err
	}
	urgent, _, err := s.caseList(r, store.CaseFilter{AssigneeID: p.User.ID, In: openStates(), Sort: store.SortDueSoonest},
		listQuery{list: "case-list", filters: [][2]string{{"assignee", "me"}, {"show", "open"}, {"sort", string(store.SortDueSoonest)}}},
		"", 10, "my work: my nearest deadlines")
	if err != nil {
		return err
	}
	if data.Urgent, err = s.caseRows(r, urgent, units); err != nil {
		return err
	}
	recent, _, err := s.caseList(r, store.CaseFilter{}, listQuery{list: "case-list"}, "", 10, "my work: recently received")
	if err != nil {
		return err
	}
	if data.Recent, err = s.caseRows(r, recent, units); err != nil {
		return err
	}
	if access.Allowed(p, access.BreakGlassList) {
		data.BreakGlassShown = true
		if data.BreakGlass, err = s.db.BreakGlassSince(ctx, now.AddDate(0, 0, -30), 20); err != nil {
			return err
		}
		if err := s.db.Audit(ctx, s.auditEntry(r, audit.Consult, "break-glass-report", "", audit.Success)); err != nil {
			return err
		}
	}
	return nil
}

// home shows each role what it may see, and nothing else.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p := caller(r)
	ctx := r.Context()
	data := homePage{pageData: s.pageData(r), Auditor: p.Has(access.Auditor), Admin: p.Has(access.Admin),
		MayRecord: access.Allowed(p, access.CaseCreate)}
	var err error
	if data.FailedSignIns, err = s.failedBefore(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	if access.Allowed(p, access.CaseRead) {
		data.CaseRoles = true
		data.OversightOnly = !access.Allowed(p, access.CaseCreate) && !access.Allowed(p, access.CaseBreakGlass)
		if data.OversightOnly {
			cs, _, err := s.caseList(r, store.CaseFilter{}, listQuery{list: "case-list"}, "", 25, "start page")
			if err != nil {
				s.failPage(w, r, err)
				return
			}
			data.Cases = cs
		} else {
			data.MyWork = true
			if err := s.myWork(r, &data); err != nil {
				s.failPage(w, r, err)
				return
			}
		}
	}
	if data.Admin {
		users, err := s.db.Users(ctx)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		data.Users = users
	}
	if access.Allowed(p, access.EISRead) {
		data.FlagRole = true
		fr := flagRequest{query: flagScope(p), limit: 25}
		fr.query.State = eis.FlagOpen
		fr.list = listQuery{list: "eis-flag-list", filters: [][2]string{{"state", eis.FlagOpen}}}
		flags, _, err := s.flagQueue(r, fr, "start page")
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		data.Flags = flags
	}
	if access.Allowed(p, access.SpeakUpRead) {
		data.Guardian = true
		list, err := s.speakUpOpenReports(r, 25) // audited as the API list is
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		data.SpeakUps = list
	}
	if data.Accountability, err = s.accountability(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	for _, l := range data.Nav {
		if l.Href != "/" {
			data.Links = append(data.Links, l)
		}
	}
	data.NothingHere = !data.CaseRoles && !data.Auditor && !data.Admin && !data.FlagRole && !data.Guardian && !data.Accountability.Shown && len(data.Links) == 0
	s.render(w, r, http.StatusOK, "home", data)
}
