package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

// The vetting unit's pages for the barred and advisory lists and for
// transfer checks. Each goes through the function its API twin uses
// (barred.go), so a page is audited exactly as an API call is.

// wordedErrors puts the field's name before a reason the domain gives
// in lower case ("is required"), for the error summary and the field.
func wordedErrors(fields []formField, errs []fault.FieldError) pageErrors {
	errs = append([]fault.FieldError(nil), errs...)
	for i, fe := range errs {
		for _, ff := range fields {
			if ff.name == fe.Field && fe.Reason != "" && fe.Reason[0] >= 'a' && fe.Reason[0] <= 'z' {
				errs[i].Reason = ff.label + " " + fe.Reason
			}
		}
	}
	return newPageErrors(fields, errs)
}

// barredFormErrors is the page's errors for a refusal, and whether the error
// was one a form shows (invalid input or a conflict); any other error
// is the caller's to fail with.
func barredFormErrors(fields []formField, err error) (pageErrors, string, bool) {
	kind := fault.KindOf(err)
	if kind != fault.Invalid && kind != fault.Conflict {
		return pageErrors{}, "", false
	}
	var fe *fault.Error
	if errors.As(err, &fe) && len(fe.Fields) > 0 {
		return wordedErrors(fields, fe.Fields), "", true
	}
	return pageErrors{For: map[string]string{}}, fault.Message(err), true
}

// listingView is a listing in words.
type listingView struct {
	vetting.Listing
	IsCurrent bool
}

func (s *Server) viewListings(ls []vetting.Listing) []listingView {
	out := make([]listingView, 0, len(ls))
	for _, l := range ls {
		out = append(out, listingView{Listing: l, IsCurrent: l.Current(s.clock())})
	}
	return out
}

// dueView is a referral owed, in words.
type dueView struct {
	dueJSON
	BasisName, ListName string
	DecidedOn, DueBy    time.Time
	Overdue             bool
}

var searchFields = []formField{
	{"name", "search-name", "Name"},
	{"date_of_birth", "search-date_of_birth", "Date of birth"},
	{"collar_number", "search-collar_number", "Collar number"},
}

// listsData is the lists page: the referrals owed, a search and its
// answer, and the listings.
type listsData struct {
	pageData
	Due       []dueView
	Listings  []listingView
	List      string
	CanDecide bool
	// Search is what was searched for; Results is nil until a search.
	Search   searchInput
	Searched bool
	Results  []listingView
	Listed   bool
	Errors   pageErrors
}

func (s *Server) listsData(r *http.Request) (listsData, error) {
	d := listsData{pageData: s.pageData(r), CanDecide: access.Allowed(caller(r), access.VettingDecide), Errors: pageErrors{For: map[string]string{}}}
	d.List = r.URL.Query().Get("list")
	filter := store.ListingFilter{Limit: 200}
	switch vetting.List(d.List) {
	case vetting.Barred, vetting.Advisory:
		filter.List = vetting.List(d.List)
	default:
		d.List = ""
	}
	due, err := s.dueReferrals(r)
	if err != nil {
		return d, err
	}
	for _, j := range due {
		v := dueView{dueJSON: j, BasisName: vetting.Basis(j.Basis).Label().Name, ListName: vetting.List(j.List).Label().Name}
		if j.DecidedOn != nil {
			v.DecidedOn, _ = time.Parse(time.DateOnly, *j.DecidedOn)
			v.DueBy, _ = time.Parse(time.DateOnly, *j.ReportDueBy)
			v.Overdue = s.clock().After(v.DueBy.AddDate(0, 0, 1))
		}
		d.Due = append(d.Due, v)
	}
	ls, err := s.readListings(r, filter)
	if err != nil {
		return d, err
	}
	d.Listings = s.viewListings(ls)
	return d, nil
}

// listsPage answers GET /vetting/lists.
func (s *Server) listsPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.listsData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "vetting-lists", d)
}

// listsSearchForm answers POST /vetting/lists/search: the lists page with
// the answer. The search is sent in the body, never in the URL.
func (s *Server) listsSearchForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	d, err := s.listsData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d.Search = searchInput{Name: r.PostForm.Get("name"), DateOfBirth: r.PostForm.Get("date_of_birth"), CollarNumber: r.PostForm.Get("collar_number")}
	var f fault.Fields
	q := vetting.Query{Name: d.Search.Name, CollarNumber: d.Search.CollarNumber, BirthDate: dayIn(&f, "date_of_birth", d.Search.DateOfBirth)}
	err = f.Err("the search cannot be made")
	var found []vetting.Listing
	if err == nil {
		found, err = s.searchLists(r, q, "list search")
	}
	if err != nil {
		errs, problem, ok := barredFormErrors(searchFields, err)
		if !ok {
			s.failPage(w, r, err)
			return
		}
		d.Errors = errs
		if problem != "" {
			d.Errors.Summary = append(d.Errors.Summary, problemLink{Anchor: "search-name", Message: problem})
		}
		s.render(w, r, statusOf(fault.KindOf(err)), "vetting-lists", d)
		return
	}
	d.Searched, d.Results = true, s.viewListings(found)
	for _, l := range d.Results {
		d.Listed = d.Listed || l.IsCurrent
	}
	s.render(w, r, http.StatusOK, "vetting-lists", d)
}

var referFields = []formField{
	{"name", "refer-name", "Full name"},
	{"date_of_birth", "refer-date_of_birth", "Date of birth"},
	{"collar_number", "refer-collar_number", "Collar or warrant number"},
	{"force", "refer-force", "Force"},
	{"rank", "refer-rank", "Rank"},
	{"basis", "refer-basis", "Why the person is referred"},
	{"ground", "refer-ground", "What the dismissal was for"},
	{"outcome", "refer-outcome", "The outcome and the conduct"},
	{"decided_on", "refer-decided_on", "Date of the dismissal, finding or leaving"},
	{"officer_id", "refer-name", "The officer"},
	{"case_id", "refer-name", "The case"},
}

// referData is the referral form.
type referData struct {
	pageData
	Form          referInput
	CaseReference string
	Bases         []vetting.Basis
	Grounds       []vetting.Ground
	Errors        pageErrors
	Problem       string
}

// referPage answers GET /vetting/lists/refer, filled in from an officer
// and case that call for a referral when the page is opened from the
// list of referrals owed.
func (s *Server) referPage(w http.ResponseWriter, r *http.Request) {
	d := referData{pageData: s.pageData(r), Bases: vetting.Bases, Grounds: vetting.Grounds, Errors: pageErrors{For: map[string]string{}}}
	q := r.URL.Query()
	if officerID, caseID := q.Get("officer"), q.Get("case"); officerID != "" {
		due, err := s.db.DueReferrals(r.Context())
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		for _, x := range due {
			if x.OfficerID != officerID || x.CaseID != caseID {
				continue
			}
			o, err := s.db.Officer(r.Context(), officerID)
			if err != nil {
				s.failPage(w, r, err)
				return
			}
			// The form shows the officer's record: a read, audited as the
			// officer page's is.
			e := s.auditEntry(r, audit.Consult, "officer", o.ID, audit.Success)
			e.Reason = "referral form filled in from case " + x.CaseReference
			if err := s.db.Audit(r.Context(), e); err != nil {
				s.failPage(w, r, err)
				return
			}
			d.Form = referInput{OfficerID: o.ID, CaseID: x.CaseID, Name: strings.TrimSpace(o.GivenName + " " + o.FamilyName),
				CollarNumber: o.CollarNumber, Rank: capitalised(string(o.Rank)), Basis: string(x.Basis)}
			d.Form.Force = s.forceName(r, o.ForceID)
			if x.DecidedOn != nil {
				d.Form.DecidedOn = x.DecidedOn.Format("2/1/2006")
			}
			d.CaseReference = x.CaseReference
		}
	}
	s.render(w, r, http.StatusOK, "vetting-refer", d)
}

func (s *Server) forceName(r *http.Request, forceID string) string {
	forces, err := s.db.Forces(r.Context())
	if err != nil {
		return ""
	}
	for _, f := range forces {
		if f.ID == forceID {
			return f.Name
		}
	}
	return ""
}

// referForm answers POST /vetting/lists/refer.
func (s *Server) referForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	pf := r.PostForm
	in := referInput{OfficerID: pf.Get("officer_id"), CaseID: pf.Get("case_id"), Name: pf.Get("name"), DateOfBirth: pf.Get("date_of_birth"),
		CollarNumber: pf.Get("collar_number"), Force: pf.Get("force"), Rank: pf.Get("rank"), Basis: pf.Get("basis"), Ground: pf.Get("ground"),
		Outcome: pf.Get("outcome"), DecidedOn: pf.Get("decided_on")}
	var f fault.Fields
	l := in.listing(&f)
	err := f.Err("the referral cannot be recorded")
	if err == nil {
		err = s.refer(r, &l)
	} else if perr := l.Prepare(s.clock()); perr != nil {
		err = withFields(&f, perr)
	}
	if err == nil {
		http.Redirect(w, r, "/vetting/lists/"+l.ID+"?referred=1", http.StatusSeeOther)
		return
	}
	errs, problem, ok := barredFormErrors(referFields, err)
	if !ok {
		s.failPage(w, r, err)
		return
	}
	d := referData{pageData: s.pageData(r), Form: in, Bases: vetting.Bases, Grounds: vetting.Grounds, Errors: errs, Problem: problem,
		CaseReference: pf.Get("case_reference")}
	s.render(w, r, statusOf(fault.KindOf(err)), "vetting-refer", d)
}

var removalFields = []formField{
	{"reason", "removal-reason", "Reason for removal"},
	{"removed_on", "removal-removed_on", "Date removed"},
	{"note", "removal-note", "Note"},
}

// listingData is one listing with, for the vetting unit, the removal form.
type listingData struct {
	pageData
	Listing   listingView
	Version   int
	CanRemove bool
	Removals  []vetting.Removal
	Form      removalInputForm
	Errors    pageErrors
	Problem   string
	Referred  bool
	Removed   bool
}

type removalInputForm struct {
	Reason, RemovedOn, Note string
}

func (s *Server) listingData(r *http.Request, listingID string) (listingData, error) {
	d := listingData{pageData: s.pageData(r), Errors: pageErrors{For: map[string]string{}}}
	if !id.Valid(listingID) {
		return d, fault.Errorf(fault.NotFound, "no such listing")
	}
	var l vetting.Listing
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if l, d.Version, err = tx.Listing(r.Context(), listingID); err != nil {
			return err
		}
		return tx.Audit(r.Context(), s.auditEntry(r, audit.Consult, "barred-listing", l.ID, audit.Success))
	})
	if err != nil {
		return d, err
	}
	d.Listing = listingView{Listing: l, IsCurrent: l.Current(s.clock())}
	d.CanRemove = d.Listing.IsCurrent && access.Allowed(caller(r), access.VettingDecide)
	for _, x := range vetting.Removals {
		if removableBy(l.List, x) {
			d.Removals = append(d.Removals, x)
		}
	}
	return d, nil
}

// removableBy is whether a reason can end a listing on the list (the
// domain refuses the others; the form does not offer them).
func removableBy(l vetting.List, reason vetting.Removal) bool {
	probe := vetting.Listing{List: l}
	err := probe.Remove(reason, time.Time{}, "", time.Time{})
	for _, fe := range fault.FieldsOf(err) {
		if fe.Field == "reason" {
			return false
		}
	}
	return true
}

// listingPage answers GET /vetting/lists/{id}; reading it is audited.
func (s *Server) listingPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.listingData(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d.Referred = r.URL.Query().Get("referred") == "1"
	d.Removed = r.URL.Query().Get("removed") == "1" && !d.Listing.IsCurrent
	s.render(w, r, http.StatusOK, "vetting-listing", d)
}

// removalForm answers POST /vetting/lists/{id}: the removal.
func (s *Server) removalForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	listingID := r.PathValue("id")
	if !id.Valid(listingID) {
		s.failPage(w, r, fault.Errorf(fault.NotFound, "no such listing"))
		return
	}
	form := removalInputForm{Reason: r.PostForm.Get("reason"), RemovedOn: r.PostForm.Get("removed_on"), Note: r.PostForm.Get("note")}
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	var f fault.Fields
	on := dayIn(&f, "removed_on", form.RemovedOn)
	err := f.Err("the listing cannot be removed")
	if err == nil {
		if verr != nil {
			version = -1
		}
		_, err = s.removeListing(r, listingID, version, vetting.Removal(form.Reason), on, form.Note)
	}
	if err == nil {
		http.Redirect(w, r, "/vetting/lists/"+listingID+"?removed=1", http.StatusSeeOther)
		return
	}
	errs, problem, ok := barredFormErrors(removalFields, err)
	if !ok {
		s.failPage(w, r, err)
		return
	}
	d, rerr := s.listingData(r, listingID)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	d.Form, d.Errors, d.Problem = form, errs, problem
	s.render(w, r, statusOf(fault.KindOf(err)), "vetting-listing", d)
}

var importFields = []formField{
	{"file", "import-file", "The extract"},
	{"mapping", "import-mapping", "The mapping"},
	{"csv", "import-file", "The extract"},
}

// importData is the import form and, after an import, what it did.
type importData struct {
	pageData
	Mapping  string
	Imported int
	Rejects  []vetting.Reject
	Done     bool
	Errors   pageErrors
	Problem  string
}

// importPage answers GET /vetting/lists/import.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "vetting-import", importData{pageData: s.pageData(r), Errors: pageErrors{For: map[string]string{}}})
}

// importForm answers POST /vetting/lists/import: a CSV file and, for an
// extract not in Probity's own layout, its mapping.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxExtractBody+maxFormBody)
	d := importData{pageData: s.pageData(r), Errors: pageErrors{For: map[string]string{}}}
	var err error
	if perr := r.ParseMultipartForm(1 << 20); perr != nil {
		err = &fault.Error{Kind: fault.Invalid, Message: "the extract cannot be read",
			Fields: []fault.FieldError{{Field: "file", Reason: "must be sent as a file, at most 16 MiB"}}}
	} else {
		d.Mapping = r.PostFormValue("mapping")
		file, _, ferr := r.FormFile("file")
		if ferr != nil {
			err = &fault.Error{Kind: fault.Invalid, Message: "the extract cannot be read",
				Fields: []fault.FieldError{{Field: "file", Reason: "is required: choose the CSV file of the extract"}}}
		} else {
			defer file.Close()
			d.Imported, d.Rejects, err = s.importExtract(r, file, d.Mapping)
		}
	}
	if err == nil {
		d.Done = true
		s.render(w, r, http.StatusOK, "vetting-import", d)
		return
	}
	errs, problem, ok := barredFormErrors(importFields, err)
	if !ok {
		s.failPage(w, r, err)
		return
	}
	d.Errors, d.Problem = errs, problem
	s.render(w, r, statusOf(fault.KindOf(err)), "vetting-import", d)
}

var transferFields = []formField{
	{"matches", "transfer-matches", "List matches"},
	{"kind", "transfer-kind", "Transferee or re-joiner"},
	{"name", "transfer-name", "Full name"},
	{"date_of_birth", "transfer-date_of_birth", "Date of birth"},
	{"collar_number", "transfer-collar_number", "Collar or warrant number"},
	{"previous_force", "transfer-previous_force", "Previous force"},
	{"record_source", "transfer-record_source", "The previous force's record"},
	{"previous_officer", "transfer-previous_collar", "Their record in the previous force"},
	{"officer", "transfer-officer_collar", "Their record in this force"},
	{"complaints", "transfer-complaints", "Complaints"},
	{"conduct", "transfer-conduct", "Conduct matters"},
	{"vetting", "transfer-vetting", "Vetting"},
	{"not_the_person", "transfer-matches", "Someone else"},
	{"decision", "transfer-decision", "Decision"},
	{"reasons", "transfer-reasons", "Reasons"},
}

// transferForm is the transfer check form as typed.
type transferFormData struct {
	transferInput
	PreviousForceCode, PreviousCollar, OfficerCollar string
}

// transfersData is the transfer check page.
type transfersData struct {
	pageData
	CanDecide    bool
	Form         transferFormData
	Kinds        []vetting.JoinerKind
	Sources      []vetting.RecordSource
	Appointments []vetting.Appointment
	Forces       []officers.Force
	Home         string
	// Matches are the listings the search found, shown with the form.
	Matches  []listingView
	Searched bool
	Checks   []store.TransferCheckSummary
	Errors   pageErrors
	Problem  string
	Recorded string
}

func (s *Server) transfersData(r *http.Request) (transfersData, error) {
	d := transfersData{pageData: s.pageData(r), CanDecide: access.Allowed(caller(r), access.VettingDecide), Kinds: vetting.JoinerKinds,
		Sources: []vetting.RecordSource{vetting.RecordImported, vetting.RecordEntered}, Appointments: vetting.Appointments,
		Errors: pageErrors{For: map[string]string{}}}
	var err error
	if d.Forces, err = s.db.Forces(r.Context()); err != nil {
		return d, err
	}
	if home, ok := s.homeForce(r); ok {
		d.Home = home.Name
	}
	d.Checks, err = s.transferChecks(r)
	return d, err
}

// transfersPage answers GET /vetting/transfers: the form and the latest
// checks.
func (s *Server) transfersPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.transfersData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d.Recorded = r.URL.Query().Get("recorded")
	if !slicesContains(vetting.Appointments, vetting.Appointment(d.Recorded)) {
		d.Recorded = ""
	}
	s.render(w, r, http.StatusOK, "vetting-transfers", d)
}

func slicesContains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// transferForm answers POST /vetting/transfers. The lists are searched
// as the form is sent; a match is shown with the form, which is refused
// until the person deciding has seen it and decided with it in view.
func (s *Server) transferForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	pf := r.PostForm
	form := transferFormData{transferInput: transferInput{Kind: pf.Get("kind"), Name: pf.Get("name"), DateOfBirth: pf.Get("date_of_birth"),
		CollarNumber: pf.Get("collar_number"), PreviousForce: pf.Get("previous_force"), RecordSource: pf.Get("record_source"),
		Complaints: pf.Get("complaints"), Conduct: pf.Get("conduct"), Vetting: pf.Get("vetting"), MatchesSeen: pf["seen"],
		NotThePerson: pf["not_the_person"], Decision: pf.Get("decision"), Reasons: pf.Get("reasons")},
		PreviousForceCode: pf.Get("previous_force_code"), PreviousCollar: pf.Get("previous_collar"), OfficerCollar: pf.Get("officer_collar")}
	var f fault.Fields
	if form.RecordSource == string(vetting.RecordImported) && strings.TrimSpace(form.PreviousCollar) != "" {
		form.PreviousOfficerID = s.officerByCollar(r, form.PreviousForceCode, form.PreviousCollar)
		if form.PreviousOfficerID == "" {
			f.Add("previous_officer", "names no officer of that force with that collar number in Probity")
		}
	}
	if strings.TrimSpace(form.OfficerCollar) != "" {
		if home, ok := s.homeForce(r); ok {
			form.OfficerID = s.officerByCollar(r, home.Code, form.OfficerCollar)
		}
		if form.OfficerID == "" {
			f.Add("officer", "names no officer of this force with that collar number")
		}
	}
	c, err := s.recordTransfer(r, form.transferInput)
	err = withFields(&f, err)
	if err == nil {
		http.Redirect(w, r, "/vetting/transfers?recorded="+string(c.Decision), http.StatusSeeOther)
		return
	}
	errs, problem, ok := barredFormErrors(transferFields, err)
	if !ok {
		s.failPage(w, r, err)
		return
	}
	d, derr := s.transfersData(r)
	if derr != nil {
		s.failPage(w, r, derr)
		return
	}
	d.Form, d.Errors, d.Problem = form, errs, problem
	d.Matches, d.Searched = s.viewListings(c.Matches), !c.SearchedAt.IsZero()
	s.render(w, r, statusOf(fault.KindOf(err)), "vetting-transfers", d)
}

// officerByCollar is the id of the force's officer with that collar
// number, or "".
func (s *Server) officerByCollar(r *http.Request, forceCode, collar string) string {
	force, err := s.db.ForceByCode(r.Context(), forceCode)
	if err != nil {
		return ""
	}
	o, err := s.db.OfficerByCollar(r.Context(), force.ID, strings.TrimSpace(collar))
	if err != nil {
		return ""
	}
	return o.ID
}

// capitalised is s with its first letter in upper case.
func capitalised(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// formInput is one text field of a form as a shared template draws it.
type formInput struct {
	Name, Label, Hint, Value, Err, Width string
}

func barredField(name, label, hint, value, err, width string) formInput {
	return formInput{name, label, hint, value, err, width}
}
