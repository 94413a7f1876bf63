package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// The cases page (GET /cases) and its CSV export (GET /cases.csv): the
// cases the caller may open, searched, filtered, sorted and paged in SQL
// (store.ListCases, scoped by access.ListScope), each row still decided
// by the policy (caseList), every read audited.

// casePageSize is how many cases one page of the list shows.
const casePageSize = 50

// caseListForm is the filter form as typed: what the page shows again.
type caseListForm struct {
	Q, Kind, State, Unit, Category, Officer, Assignee, Show, From, To, Sort string
	Overdue                                                                 bool
	// ReceivedFrom, ReceivedBefore and OpenAt come from the dashboard's
	// links to the cases behind a figure: UTC days, as the measures count
	// (YYYY-MM-DD; before is the day after the last, open at is the start
	// of the day). The page keeps them and says what they mean.
	ReceivedFrom, ReceivedBefore, OpenAt string
	FinalisedFrom, FinalisedBefore       string
	LoggedFrom, LoggedBefore             string
	ContactedFrom, ContactedBefore       string
}

// caseListFields are the form's fields in the order the error summary
// lists them, with the words that name them.
var caseListFields = []formField{
	{"q", "q", "Search"}, {"kind", "kind", "Kind"}, {"state", "state", "State"}, {"unit", "unit", "Unit"},
	{"category", "category", "Category"}, {"officer", "officer", "Officer"}, {"assignee", "assignee", "Assigned to"},
	{"show", "show", "Show"}, {"overdue", "overdue", "Overdue"}, {"from", "from", "Received from"},
	{"to", "to", "Received to"}, {"sort", "sort", "Sort by"},
	{"received_from", "figure-filters", "Received from"}, {"received_before", "figure-filters", "Received before"},
	{"open_at", "figure-filters", "Open at"}, {"finalised_from", "figure-filters", "Finalised from"},
	{"finalised_before", "figure-filters", "Finalised before"}, {"logged_from", "figure-filters", "Logged from"},
	{"logged_before", "figure-filters", "Logged before"}, {"contacted_from", "figure-filters", "First contact from"},
	{"contacted_before", "figure-filters", "First contact before"},
}

// values is the form as a query string, without empty fields.
func (fm caseListForm) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", fm.Q}, {"kind", fm.Kind}, {"state", fm.State}, {"unit", fm.Unit}, {"category", fm.Category},
		{"officer", fm.Officer}, {"assignee", fm.Assignee}, {"show", fm.Show}, {"from", fm.From}, {"to", fm.To}, {"sort", fm.Sort},
		{"received_from", fm.ReceivedFrom}, {"received_before", fm.ReceivedBefore}, {"open_at", fm.OpenAt},
		{"finalised_from", fm.FinalisedFrom}, {"finalised_before", fm.FinalisedBefore},
		{"logged_from", fm.LoggedFrom}, {"logged_before", fm.LoggedBefore},
		{"contacted_from", fm.ContactedFrom}, {"contacted_before", fm.ContactedBefore}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if fm.Overdue {
		v.Set("overdue", "yes")
	}
	return v
}

// url is the list (path "/cases" or "/cases.csv") with the form's filters
// and the given extra parameters.
func (fm caseListForm) url(path string, extra ...string) string {
	v := fm.values()
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// pageErrors are the faults of a form: a message per field, and the
// error summary's lines in the form's order.
type pageErrors struct {
	For     map[string]string
	Summary []problemLink
}

func newPageErrors(fields []formField, errs []fault.FieldError) pageErrors {
	out := pageErrors{For: map[string]string{}}
	for _, fe := range errs {
		if _, seen := out.For[fe.Field]; !seen {
			out.For[fe.Field] = fe.Reason
		}
	}
	known := map[string]bool{}
	for _, ff := range fields {
		known[ff.name] = true
		if msg, ok := out.For[ff.name]; ok {
			out.Summary = append(out.Summary, problemLink{Anchor: ff.anchor, Label: ff.label, Message: msg})
		}
	}
	// A fault of no field the form shows still reaches the summary.
	for _, fe := range errs {
		if !known[fe.Field] && len(fields) > 0 {
			out.Summary = append(out.Summary, problemLink{Anchor: fields[0].anchor, Label: "The form", Message: fe.Reason})
		}
	}
	return out
}

// parseUKDay reads a day as people type it: 27/3/2026, 27 3 2026,
// 27-3-2026 or 2026-03-27.
func parseUKDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(time.DateOnly, s, forceZone); err == nil {
		return t, true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == ' ' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return time.Time{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return time.Time{}, false
		}
		n[i] = v
	}
	if n[2] < 1900 || n[2] > 2999 || n[1] < 1 || n[1] > 12 || n[0] < 1 {
		return time.Time{}, false
	}
	t := time.Date(n[2], time.Month(n[1]), n[0], 0, 0, 0, 0, forceZone)
	if t.Day() != n[0] {
		return time.Time{}, false // 31/2/2026
	}
	return t, true
}

// allStates lists every case state once: complaints', then conduct
// matters' not already listed.
func allStates() []cases.State {
	var out []cases.State
	for _, k := range cases.Kinds {
		for _, s := range cases.KindStates(k) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// parseCaseList reads and checks the filters of the cases page. Only
// checked values reach the filter, the cursor's binding and the audit
// entry.
func (s *Server) parseCaseList(r *http.Request, units map[string]officers.Unit) (caseListForm, store.CaseFilter, listQuery, []fault.FieldError) {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	fm := caseListForm{Q: get("q"), Kind: get("kind"), State: get("state"), Unit: get("unit"), Category: get("category"),
		Officer: get("officer"), Assignee: get("assignee"), Show: get("show"), From: get("from"), To: get("to"), Sort: get("sort"),
		ReceivedFrom: get("received_from"), ReceivedBefore: get("received_before"), OpenAt: get("open_at"),
		FinalisedFrom: get("finalised_from"), FinalisedBefore: get("finalised_before"),
		LoggedFrom: get("logged_from"), LoggedBefore: get("logged_before"),
		ContactedFrom: get("contacted_from"), ContactedBefore: get("contacted_before")}
	var fields fault.Fields
	p := caller(r)
	now := s.clock()
	f := store.CaseFilter{Text: fm.Q, Kind: fm.Kind, State: fm.State, Category: fm.Category, Sort: store.CaseSort(fm.Sort)}
	switch {
	case len(fm.Q) > 200:
		fields.Add("q", "Enter at most 200 characters")
	case fm.Q != "" && !strings.ContainsFunc(fm.Q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		// Both engines then search the same words: punctuation alone is
		// no search (SQLite would refuse it, PostgreSQL match nothing).
		fields.Add("q", "Enter at least one word to search for")
	}
	if fm.Kind != "" && !cases.Kind(fm.Kind).Valid() {
		fields.Add("kind", "Choose a kind of case from the list")
	}
	if fm.State != "" && !slices.Contains(allStates(), cases.State(fm.State)) {
		fields.Add("state", "Choose a state from the list")
	}
	if fm.Unit != "" {
		if _, ok := units[fm.Unit]; !ok {
			fields.Add("unit", "Choose a unit from the list")
		}
		f.UnitID = fm.Unit
	}
	if fm.Category != "" && !s.knownCategory(fm.Category) {
		fields.Add("category", "Choose a category from the list")
	}
	if fm.Officer != "" {
		officerID, err := s.officerByCollarOrID(r, fm.Officer)
		switch {
		case err != nil && !fault.Is(err, fault.NotFound):
			fields.Add("officer", "The officer could not be looked up; try again")
		case officerID == "":
			fields.Add("officer", "No officer has that collar number")
		default:
			f.OfficerID = officerID
		}
	}
	switch fm.Assignee {
	case "":
	case "me":
		f.AssigneeID = p.User.ID
	case "none":
		f.Unassigned = true
	default:
		fields.Add("assignee", "Choose who the cases are assigned to from the list")
	}
	switch fm.Show {
	case "":
	case "open":
		f.In = openStates()
	case "awaiting":
		f.In = awaitingStates(p)
	case "due-soon":
		from, before := now, now.AddDate(0, 0, 7)
		f.In, f.DueFrom, f.DueBefore = openStates(), &from, &before
	default:
		fields.Add("show", "Choose which cases to show from the list")
	}
	switch q.Get("overdue") {
	case "", "no":
	case "yes", "true":
		fm.Overdue, f.Overdue = true, true
	default:
		fields.Add("overdue", "Tick the box or leave it empty")
	}
	if fm.From != "" {
		if d, ok := parseUKDay(fm.From); ok {
			f.ReceivedFrom = &d
		} else {
			fields.Add("from", "Enter a real date, for example 27/3/2026")
		}
	}
	if fm.To != "" {
		if d, ok := parseUKDay(fm.To); ok {
			next := d.AddDate(0, 0, 1)
			f.ReceivedBefore = &next
		} else {
			fields.Add("to", "Enter a real date, for example 27/3/2026")
		}
	}
	if f.ReceivedFrom != nil && f.ReceivedBefore != nil && !f.ReceivedFrom.Before(*f.ReceivedBefore) {
		fields.Add("to", "Enter a date on or after the date received from")
	}
	figureFilters(&fields, fm, &f)
	if fm.Sort != "" && !slices.Contains(store.CaseSorts, f.Sort) {
		fields.Add("sort", "Choose an order from the list")
	}
	if f.Sort == "" {
		f.Sort = store.SortReceivedNewest
	}
	lq := listQuery{list: "case-list", search: f.Text, filters: [][2]string{{"state", f.State}, {"kind", f.Kind},
		{"category", f.Category}, {"officer", f.OfficerID}, {"unit", f.UnitID}, {"overdue", strconv.FormatBool(f.Overdue)},
		{"assignee", fm.Assignee}, {"show", fm.Show}, {"received_from", day(f.ReceivedFrom)}, {"received_before", day(f.ReceivedBefore)},
		{"sort", string(f.Sort)}, {"open_at", instant(f.OpenAt)},
		{"received_from_utc", fm.ReceivedFrom}, {"received_before_utc", fm.ReceivedBefore},
		{"finalised_from", instant(f.FinalisedFrom)}, {"finalised_before", instant(f.FinalisedBefore)},
		{"logged_from", instant(f.LoggedFrom)}, {"logged_before", instant(f.LoggedBefore)},
		{"contacted_from", instant(f.ContactedFrom)}, {"contacted_before", instant(f.ContactedBefore)}}}
	return fm, f, lq, fault.FieldsOf(fields.Err("bad filters"))
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// knownCategory reports whether code is a category of any version of the
// national categories.
func (s *Server) knownCategory(code string) bool {
	for _, t := range s.ref.Taxonomies {
		for _, c := range t.Categories {
			if c.Code == code {
				return true
			}
		}
	}
	return false
}

// officerByCollarOrID finds the officer a filter names: by collar number
// in any force, or by id (a link from an officer's page). "" when none.
func (s *Server) officerByCollarOrID(r *http.Request, v string) (string, error) {
	ctx := r.Context()
	if id.Valid(v) {
		o, err := s.db.Officer(ctx, v)
		if err != nil {
			return "", err
		}
		return o.ID, nil
	}
	forces, err := s.db.Forces(ctx)
	if err != nil {
		return "", err
	}
	for _, force := range forces {
		o, err := s.db.OfficerByCollar(ctx, force.ID, v)
		if err == nil {
			return o.ID, nil
		}
		if !fault.Is(err, fault.NotFound) {
			return "", err
		}
	}
	return "", nil
}

// allUnits maps every unit of every force by id.
func (s *Server) allUnits(r *http.Request) (map[string]officers.Unit, []officers.Unit, error) {
	ctx := r.Context()
	forces, err := s.db.Forces(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]officers.Unit{}
	var list []officers.Unit
	for _, f := range forces {
		units, err := s.db.Units(ctx, f.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range units {
			byID[u.ID] = u
			list = append(list, u)
		}
	}
	return byID, list, nil
}

// option is one choice of a select.
type option struct {
	Value, Text string
	Selected    bool
}

// officerLink is an officer as a list shows them: "PC 1234 Smith".
type officerLink struct {
	ID, Name string
}

// caseRow is one case of a list as a page or export shows it.
type caseRow struct {
	store.CaseSummary
	Unit     string
	Officers []officerLink
}

// caseRows adds the unit's name and the subject officers to each case.
func (s *Server) caseRows(r *http.Request, items []store.CaseSummary, units map[string]officers.Unit) ([]caseRow, error) {
	ctx := r.Context()
	ids := make([]string, len(items))
	for i, c := range items {
		ids[i] = c.ID
	}
	subjects, err := s.db.CaseSubjects(ctx, ids)
	if err != nil {
		return nil, err
	}
	var officerIDs []string
	for _, list := range subjects {
		officerIDs = append(officerIDs, list...)
	}
	byID, err := s.db.OfficersByID(ctx, officerIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]caseRow, len(items))
	for i, c := range items {
		rows[i] = caseRow{CaseSummary: c, Unit: units[c.UnitID].Name}
		for _, oid := range subjects[c.ID] {
			if o, ok := byID[oid]; ok {
				rows[i].Officers = append(rows[i].Officers, officerLink{ID: o.ID, Name: officerName(o)})
			}
		}
	}
	return rows, nil
}

type sortLink struct {
	Href string
	// Sort is "ascending", "descending" or "none", for aria-sort.
	Sort string
}

type casesPage struct {
	pageData
	Form   caseListForm
	Errors pageErrors
	// Refused says why an export was refused.
	Refused string
	// Listed is false when the filters were refused: no list is shown.
	Listed bool
	Rows   []caseRow
	// Count is how many cases match, up to caseCountCap; CountMore says
	// more than that match.
	Count        int
	CountMore    bool
	Next, First  string
	CSV          string
	Kinds        []option
	States       []option
	Units        []option
	Categories   []option
	Assignees    []option
	Shows        []option
	Sorts        []option
	ByReceived   sortLink
	ByDue        sortLink
	OfficerLinks bool
	MayRecord    bool
}

func selectOptions(chosen string, pairs ...[2]string) []option {
	out := make([]option, len(pairs))
	for i, p := range pairs {
		out[i] = option{Value: p[0], Text: p[1], Selected: p[0] == chosen}
	}
	return out
}

// fillChoices sets the options of every select of the form.
func (s *Server) fillChoices(page *casesPage, unitList []officers.Unit) {
	fm := page.Form
	kinds := [][2]string{{"", "Any kind"}}
	for _, k := range cases.Kinds {
		kinds = append(kinds, [2]string{string(k), k.Label().Name})
	}
	page.Kinds = selectOptions(fm.Kind, kinds...)
	states := [][2]string{{"", "Any state"}}
	for _, st := range allStates() {
		states = append(states, [2]string{string(st), st.Label().Name})
	}
	page.States = selectOptions(fm.State, states...)
	units := [][2]string{{"", "Any unit"}}
	for _, u := range unitList {
		units = append(units, [2]string{u.ID, u.Name})
	}
	page.Units = selectOptions(fm.Unit, units...)
	cats := [][2]string{{"", "Any category"}}
	for _, c := range s.ref.TaxonomyAt(s.clock()).Categories {
		cats = append(cats, [2]string{c.Code, c.Name})
	}
	page.Categories = selectOptions(fm.Category, cats...)
	page.Assignees = selectOptions(fm.Assignee, [2]string{"", "Anyone or nobody"}, [2]string{"me", "Me"}, [2]string{"none", "Nobody yet"})
	page.Shows = selectOptions(fm.Show, [2]string{"", "All cases"}, [2]string{"open", "Open cases"},
		[2]string{"awaiting", "Waiting for a decision someone in my role takes"}, [2]string{"due-soon", "Open, with a deadline in the next 7 days"})
	page.Sorts = selectOptions(fm.Sort, [2]string{string(store.SortReceivedNewest), "Received, newest first"},
		[2]string{string(store.SortReceivedOldest), "Received, oldest first"}, [2]string{string(store.SortDueSoonest), "Next deadline, soonest first"},
		[2]string{string(store.SortDueLatest), "Next deadline, latest first"})
	sorted := store.CaseSort(fm.Sort)
	if sorted == "" {
		sorted = store.SortReceivedNewest
	}
	page.ByReceived = sortLink{Href: fm.url("/cases", "sort", string(store.SortReceivedOldest)), Sort: "none"}
	page.ByDue = sortLink{Href: fm.url("/cases", "sort", string(store.SortDueSoonest)), Sort: "none"}
	switch sorted {
	case store.SortReceivedNewest:
		page.ByReceived.Sort = "descending"
	case store.SortReceivedOldest:
		page.ByReceived = sortLink{Href: fm.url("/cases", "sort", string(store.SortReceivedNewest)), Sort: "ascending"}
	case store.SortDueSoonest:
		page.ByDue = sortLink{Href: fm.url("/cases", "sort", string(store.SortDueLatest)), Sort: "ascending"}
	case store.SortDueLatest:
		page.ByDue.Sort = "descending"
	}
}

// casesRequest is the cases page's filters as read, for the page and its
// CSV, with the units they name.
type casesRequest struct {
	page   casesPage
	filter store.CaseFilter
	list   listQuery
	units  map[string]officers.Unit
}

// casesView reads the cases page's filters. When they are faulty it
// answers with the form, each field's fault beside it, and reports false.
func (s *Server) casesView(w http.ResponseWriter, r *http.Request) (casesRequest, bool) {
	units, unitList, err := s.allUnits(r)
	if err != nil {
		s.failPage(w, r, err)
		return casesRequest{}, false
	}
	fm, f, lq, bad := s.parseCaseList(r, units)
	p := caller(r)
	page := casesPage{pageData: s.pageData(r), Form: fm, OfficerLinks: access.Allowed(p, access.OfficerRead),
		MayRecord: access.Allowed(p, access.CaseCreate), CSV: fm.url("/cases.csv")}
	s.fillChoices(&page, unitList)
	if len(bad) > 0 {
		page.Errors = newPageErrors(caseListFields, bad)
		s.render(w, r, http.StatusUnprocessableEntity, "cases", page)
		return casesRequest{}, false
	}
	return casesRequest{page, f, lq, units}, true
}

// casesPageHandler answers GET /cases.
func (s *Server) casesPageHandler(w http.ResponseWriter, r *http.Request) {
	req, ok := s.casesView(w, r)
	if !ok {
		return
	}
	page, f, lq, units, fm, p := req.page, req.filter, req.list, req.units, req.page.Form, caller(r)
	cursor := r.URL.Query().Get("cursor")
	// The count is scoped in SQL exactly as the list is (caseList). It runs
	// beside the list, on a reader of its own: across a nation's cases a
	// search's page and its count take some 20 to 30 ms each, and the page
	// waits for both.
	count := f
	scope := access.CaseListScope(*p)
	count.Scope, count.Now = &scope, s.clock()
	type countResult struct {
		n    int
		more bool
		err  error
	}
	counting := make(chan countResult, 1)
	go func() {
		var c countResult
		c.n, c.more, c.err = s.db.CountCasesUpTo(r.Context(), count, caseCountCap)
		counting <- c
	}()
	items, next, err := s.caseList(r, f, lq, cursor, casePageSize, "cases page")
	counted := <-counting
	if fields := fault.FieldsOf(err); fault.Is(err, fault.Invalid) && !errors.Is(err, store.ErrBadCursor) && len(fields) > 0 {
		page.Errors = newPageErrors(caseListFields, fields)
		s.render(w, r, http.StatusUnprocessableEntity, "cases", page)
		return
	}
	if err != nil {
		s.failListPage(w, r, err)
		return
	}
	if counted.err != nil {
		s.failPage(w, r, counted.err)
		return
	}
	page.Count, page.CountMore = counted.n, counted.more
	if page.Rows, err = s.caseRows(r, items, units); err != nil {
		s.failPage(w, r, err)
		return
	}
	page.Listed = true
	if next != "" {
		page.Next = fm.url("/cases", "cursor", next)
	}
	if cursor != "" {
		page.First = fm.url("/cases")
	}
	s.render(w, r, http.StatusOK, "cases", page)
}

// caseCountCap is how far the cases page counts the cases that match:
// beyond it the page says "more than 1,000", since an exact count across a
// nation's cases costs as much as they are many, and a page shows 50.
const caseCountCap = 1000

// CountWords says how many cases match, in words.
func (p casesPage) CountWords() string {
	switch {
	case p.CountMore:
		return "More than " + thousands(p.Count) + " cases match"
	case p.Count == 1:
		return "1 case matches"
	}
	return thousands(p.Count) + " cases match"
}

// thousands writes a whole number with its thousands grouped by commas,
// as GOV.UK style writes them: 50,000.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// selectField is one select of the filter form, with its message.
type selectField struct {
	ID, Label, Err string
	Options        []option
}

// dateField is one date of the filter form, as typed, with its message.
type dateField struct {
	ID, Label, Value, Err string
}

// SelectFields are the form's selects in the order shown.
func (p casesPage) SelectFields() []selectField {
	return []selectField{
		{"kind", "Kind", p.Errors.For["kind"], p.Kinds},
		{"state", "State", p.Errors.For["state"], p.States},
		{"show", "Show", p.Errors.For["show"], p.Shows},
		{"assignee", "Assigned to", p.Errors.For["assignee"], p.Assignees},
		{"unit", "Unit", p.Errors.For["unit"], p.Units},
		{"category", "Category of allegation", p.Errors.For["category"], p.Categories},
		{"sort", "Sort by", p.Errors.For["sort"], p.Sorts},
	}
}

// DateFields are the form's dates received between.
func (p casesPage) DateFields() []dateField {
	return []dateField{
		{"from", "Received on or after", p.Form.From, p.Errors.For["from"]},
		{"to", "Received on or before", p.Form.To, p.Errors.For["to"]},
	}
}
