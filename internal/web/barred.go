package web

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

// barredRoutes are the barred and advisory lists and the transfer checks:
// pages (barred_pages.go) and the API, each page going through the same
// functions as its API twin so that both are audited alike.
func (s *Server) barredRoutes() []route {
	return []route{
		{"GET", "/vetting/lists", access.VettingRead, s.listsPage, true},
		{"POST", "/vetting/lists/search", access.VettingRead, s.listsSearchForm, true},
		{"GET", "/vetting/lists/refer", access.VettingDecide, s.referPage, true},
		{"POST", "/vetting/lists/refer", access.VettingDecide, s.referForm, true},
		{"GET", "/vetting/lists/import", access.VettingDecide, s.importPage, true},
		{"POST", "/vetting/lists/import", access.VettingDecide, s.importForm, true},
		{"GET", "/vetting/lists/{id}", access.VettingRead, s.listingPage, true},
		{"POST", "/vetting/lists/{id}", access.VettingDecide, s.removalForm, true},
		{"GET", "/vetting/transfers", access.VettingRead, s.transfersPage, true},
		{"POST", "/vetting/transfers", access.VettingDecide, s.transferForm, true},

		{"GET", "/api/v1/vetting/listings", access.VettingRead, s.apiListings, false},
		{"POST", "/api/v1/vetting/listings", access.VettingDecide, s.apiRefer, false},
		{"POST", "/api/v1/vetting/listings/search", access.VettingRead, s.apiSearchLists, false},
		{"POST", "/api/v1/vetting/listings/import", access.VettingDecide, s.apiImportExtract, false},
		{"POST", "/api/v1/vetting/listings/{id}/removal", access.VettingDecide, s.apiRemoveListing, false},
		{"GET", "/api/v1/vetting/referrals-due", access.VettingRead, s.apiDueReferrals, false},
		{"GET", "/api/v1/vetting/transfer-checks", access.VettingRead, s.apiTransferChecks, false},
		{"POST", "/api/v1/vetting/transfer-checks", access.VettingDecide, s.apiRecordTransfer, false},
	}
}

// listingJSON is a listing as the API gives it.
type listingJSON struct {
	ID            string  `json:"id"`
	List          string  `json:"list"`
	Source        string  `json:"source"`
	OfficerID     string  `json:"officer_id,omitempty"`
	CaseID        string  `json:"case_id,omitempty"`
	Name          string  `json:"name"`
	DateOfBirth   string  `json:"date_of_birth"`
	CollarNumber  string  `json:"collar_number,omitempty"`
	Force         string  `json:"force"`
	Rank          string  `json:"rank,omitempty"`
	Basis         string  `json:"basis,omitempty"`
	Ground        string  `json:"ground,omitempty"`
	Outcome       string  `json:"outcome,omitempty"`
	DecidedOn     string  `json:"decided_on"`
	ReferredOn    string  `json:"referred_on"`
	ReviewFrom    string  `json:"review_from"`
	RemovedOn     *string `json:"removed_on"`
	RemovedReason string  `json:"removed_reason,omitempty"`
	RemovedNote   string  `json:"removed_note,omitempty"`
	Current       bool    `json:"current"`
}

func (s *Server) listingOut(l vetting.Listing) listingJSON {
	out := listingJSON{ID: l.ID, List: string(l.List), Source: string(l.Source), OfficerID: l.OfficerID, CaseID: l.CaseID, Name: l.Name,
		DateOfBirth: l.BirthDate.Format(time.DateOnly), CollarNumber: l.CollarNumber, Force: l.Force, Rank: l.Rank, Basis: string(l.Basis),
		Ground: string(l.Ground), Outcome: l.Outcome, DecidedOn: l.DecidedOn.Format(time.DateOnly), ReferredOn: l.ReferredOn.Format(time.DateOnly),
		ReviewFrom: l.ReviewFrom.Format(time.DateOnly), RemovedReason: string(l.RemovedReason), RemovedNote: l.RemovedNote,
		Current: l.Current(s.clock())}
	if l.RemovedOn != nil {
		d := l.RemovedOn.Format(time.DateOnly)
		out.RemovedOn = &d
	}
	return out
}

func (s *Server) listingsOut(ls []vetting.Listing) []listingJSON {
	out := make([]listingJSON, 0, len(ls))
	for _, l := range ls {
		out = append(out, s.listingOut(l))
	}
	return out
}

// dayIn reads a YYYY-MM-DD (API) or a day as people type it (pages),
// naming the field when it is not one; "" gives the zero time.
func dayIn(f *fault.Fields, field, v string) time.Time {
	if strings.TrimSpace(v) == "" {
		return time.Time{}
	}
	t, ok := parseUKDay(v)
	if !ok {
		f.Add(field, "must be a real date, such as 27/3/1980")
		return time.Time{}
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// searchLists answers whether a person is listed. The answer discloses
// personal data of those listed, so it is audited as a disclosure to the
// caller: one entry for the search (its fields digested, never stored),
// and one for each listing it showed, so that "who saw this listing"
// finds it.
func (s *Server) searchLists(r *http.Request, q vetting.Query, purpose string) ([]vetting.Listing, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	found, err := s.db.SearchListings(r.Context(), q)
	if err != nil {
		return nil, err
	}
	key, err := s.db.ListKey(r.Context())
	if err != nil {
		return nil, err
	}
	who := caller(r).User.Username
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		e := s.auditEntry(r, audit.Disclose, "barred-list-search", "", audit.Success)
		e.Recipients = []string{who}
		e.Reason = purpose + ": searched by " + strings.Join(queryFields(q), ", ") + " (#" + key.Digest("barred-list", strings.Join(q.Keys(), "\x01")) +
			"); " + strconv.Itoa(len(found)) + " found"
		if err := tx.Audit(r.Context(), e); err != nil {
			return err
		}
		for _, l := range found {
			e := s.auditEntry(r, audit.Disclose, "barred-listing", l.ID, audit.Success)
			e.Recipients, e.Reason = []string{who}, purpose+": shown in a search"
			if err := tx.Audit(r.Context(), e); err != nil {
				return err
			}
		}
		return nil
	})
	return found, err
}

// queryFields names the fields a query was made with.
func queryFields(q vetting.Query) []string {
	var out []string
	if vetting.NormaliseName(q.Name) != "" {
		out = append(out, "name")
	}
	if !q.BirthDate.IsZero() {
		out = append(out, "date of birth")
	}
	if vetting.NormaliseCollar(q.CollarNumber) != "" {
		out = append(out, "collar number")
	}
	return out
}

// refer records the force's referral, audited in its transaction.
func (s *Server) refer(r *http.Request, l *vetting.Listing) error {
	l.Source, l.RecordedBy = vetting.ByForce, caller(r).User.Username
	if l.OfficerID != "" {
		_, err := s.db.Officer(r.Context(), l.OfficerID)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return err // the database failed: say so, not that the officer is unknown
		}
		if err != nil || !id.Valid(l.OfficerID) {
			return &fault.Error{Kind: fault.Invalid, Message: "the referral cannot be recorded",
				Fields: []fault.FieldError{{Field: "officer_id", Reason: "names no officer"}}}
		}
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.RecordListing(r.Context(), l, s.clock()); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "barred-listing", l.ID, audit.Success)
		e.Reason = "referred to the " + l.List.Label().Name + ": " + l.Basis.Label().Name
		return tx.Audit(r.Context(), e)
	})
}

// removeListing ends a listing, refusing it if it changed since version.
func (s *Server) removeListing(r *http.Request, listingID string, version int, reason vetting.Removal, on time.Time, note string) (vetting.Listing, error) {
	var l vetting.Listing
	if !id.Valid(listingID) {
		return l, fault.Errorf(fault.NotFound, "no such listing")
	}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var read int
		var err error
		if l, read, err = tx.Listing(r.Context(), listingID); err != nil {
			return err
		}
		if version != read {
			return fault.Errorf(fault.Conflict, "this listing changed since you opened it: it is shown below as it now stands, and the removal was not saved")
		}
		if err := l.Remove(reason, on, note, s.clock()); err != nil {
			return err
		}
		if err := tx.RemoveListing(r.Context(), l, read); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "barred-listing", l.ID, audit.Success)
		e.Reason = "removed: " + reason.Label().Name
		return tx.Audit(r.Context(), e)
	})
	return l, err
}

// maxExtractBody caps an uploaded extract: the national lists hold a few
// thousand people, far under this.
const maxExtractBody = 16 << 20

// importExtract reads and stores a national extract, all or nothing,
// audited as one collection.
func (s *Server) importExtract(r *http.Request, file io.Reader, mapping string) (int, []vetting.Reject, error) {
	m := vetting.DefaultExtractMapping()
	if strings.TrimSpace(mapping) != "" {
		var err error
		if m, err = vetting.ParseExtractMapping([]byte(mapping)); err != nil {
			return 0, nil, err
		}
	}
	rows, rejects, err := vetting.ReadExtract(file, m, s.clock())
	if err != nil {
		return 0, nil, err
	}
	if len(rows) == 0 {
		return 0, rejects, &fault.Error{Kind: fault.Invalid, Message: "the extract holds no listing",
			Fields: []fault.FieldError{{Field: "file", Reason: "holds no row that could be read"}}}
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		importID, err := tx.ImportListings(r.Context(), rows, len(rejects), caller(r).User.Username, s.clock())
		if err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "barred-list-import", importID, audit.Success)
		e.Reason = strconv.Itoa(len(rows)) + " listings imported from a national extract, " + strconv.Itoa(len(rejects)) + " rows rejected"
		return tx.Audit(r.Context(), e)
	})
	return len(rows), rejects, err
}

// transferInput is a transfer check as a form or the API sends it.
type transferInput struct {
	Kind              string   `json:"kind"`
	Name              string   `json:"name"`
	DateOfBirth       string   `json:"date_of_birth"`
	CollarNumber      string   `json:"collar_number"`
	PreviousForce     string   `json:"previous_force"`
	RecordSource      string   `json:"record_source"`
	PreviousOfficerID string   `json:"previous_officer_id"`
	OfficerID         string   `json:"officer_id"`
	Complaints        string   `json:"complaints"`
	Conduct           string   `json:"conduct"`
	Vetting           string   `json:"vetting"`
	MatchesSeen       []string `json:"matches_seen"`
	NotThePerson      []string `json:"not_the_person"`
	Decision          string   `json:"decision"`
	Reasons           string   `json:"reasons"`
}

// recordTransfer searches the lists for the person (audited), checks the
// record and its decision against what was found, and stores it. The
// check is returned with its matches whether or not it was recorded, so
// that a refused form can show them.
func (s *Server) recordTransfer(r *http.Request, in transferInput) (vetting.TransferCheck, error) {
	var f fault.Fields
	c := vetting.TransferCheck{Kind: vetting.JoinerKind(in.Kind), Name: in.Name, CollarNumber: in.CollarNumber, PreviousForce: in.PreviousForce,
		RecordSource: vetting.RecordSource(in.RecordSource), PreviousOfficerID: in.PreviousOfficerID, OfficerID: in.OfficerID,
		Complaints: in.Complaints, Conduct: in.Conduct, Vetting: in.Vetting, Seen: in.MatchesSeen, NotThePerson: in.NotThePerson,
		Decision: vetting.Appointment(in.Decision), Reasons: in.Reasons, DecidedBy: caller(r).User.Username}
	c.BirthDate = dayIn(&f, "date_of_birth", in.DateOfBirth)
	for field, oid := range map[string]string{"previous_officer": c.PreviousOfficerID, "officer": c.OfficerID} {
		if oid == "" {
			continue
		}
		if _, err := s.db.Officer(r.Context(), oid); !id.Valid(oid) || err != nil {
			f.Add(field, "names no officer record in Probity")
		}
	}
	if c.RecordSource != vetting.RecordImported {
		c.PreviousOfficerID = ""
	}
	if err := f.Err("the transfer check cannot be recorded"); err != nil {
		return c, err
	}
	q := vetting.Query{Name: c.Name, BirthDate: c.BirthDate, CollarNumber: c.CollarNumber}
	if q.Validate() == nil {
		found, err := s.searchLists(r, q, "transfer check")
		if err != nil {
			return c, err
		}
		c.Matches, c.SearchedAt = found, s.clock().UTC()
	}
	if err := c.Decide(s.clock()); err != nil {
		return c, err
	}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.RecordTransferCheck(r.Context(), &c); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "transfer-check", c.ID, audit.Success)
		e.Reason = c.Kind.Label().Name + ": " + c.Decision.Label().Name + "; " + strconv.Itoa(len(c.Matches)) + " list matches seen"
		if err := tx.Audit(r.Context(), e); err != nil {
			return err
		}
		if c.PreviousOfficerID != "" && c.OfficerID != "" && c.Decision.Appoints() {
			e := s.auditEntry(r, audit.Combine, "officer", c.OfficerID, audit.Success)
			e.Reason = "joined with the officer's record in the previous force (" + c.PreviousOfficerID + ") on a transfer check"
			return tx.Audit(r.Context(), e)
		}
		return nil
	})
	return c, err
}

// transferJSON is a recorded check as the API gives it.
type transferJSON struct {
	ID           string        `json:"id"`
	Kind         string        `json:"kind"`
	Decision     string        `json:"decision"`
	Matches      []listingJSON `json:"matches"`
	NotThePerson []string      `json:"not_the_person"`
	DecidedBy    string        `json:"decided_by"`
	DecidedAt    time.Time     `json:"decided_at"`
}

// apiListings answers GET /api/v1/vetting/listings: the force's list and
// imported listings, newest referral first, audited as a read.
func (s *Server) apiListings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f fault.Fields
	filter := store.ListingFilter{List: vetting.List(q.Get("list")), Source: vetting.Source(q.Get("source"))}
	if filter.List != "" && !slices.Contains(vetting.Lists, filter.List) {
		f.Add("list", "must be barred or advisory")
	}
	if filter.Source != "" && filter.Source != vetting.ByForce && filter.Source != vetting.National {
		f.Add("source", "must be force or national")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			f.Add("limit", "must be a whole number from 1 to 500")
		}
		filter.Limit = n
	}
	if err := f.Err("the query is not valid"); err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.readListings(r, filter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"listings": s.listingsOut(ls)})
}

// readListings reads listings for a page or the API, audited as one read.
func (s *Server) readListings(r *http.Request, filter store.ListingFilter) ([]vetting.Listing, error) {
	ls, err := s.db.Listings(r.Context(), filter)
	if err != nil {
		return nil, err
	}
	e := s.auditEntry(r, audit.Consult, "barred-list", "", audit.Success)
	e.Reason = strconv.Itoa(len(ls)) + " listings read"
	if filter.List != "" {
		e.Reason += ", " + filter.List.Label().Name
	}
	return ls, s.db.Audit(r.Context(), e)
}

// referInput is a referral as the API sends it.
type referInput struct {
	OfficerID    string `json:"officer_id"`
	CaseID       string `json:"case_id"`
	Name         string `json:"name"`
	DateOfBirth  string `json:"date_of_birth"`
	CollarNumber string `json:"collar_number"`
	Force        string `json:"force"`
	Rank         string `json:"rank"`
	Basis        string `json:"basis"`
	Ground       string `json:"ground"`
	Outcome      string `json:"outcome"`
	DecidedOn    string `json:"decided_on"`
}

func (in referInput) listing(f *fault.Fields) vetting.Listing {
	l := vetting.Listing{OfficerID: in.OfficerID, CaseID: in.CaseID, Name: in.Name, CollarNumber: in.CollarNumber, Force: in.Force,
		Rank: in.Rank, Basis: vetting.Basis(in.Basis), Ground: vetting.Ground(in.Ground), Outcome: in.Outcome}
	l.BirthDate = dayIn(f, "date_of_birth", in.DateOfBirth)
	l.DecidedOn = dayIn(f, "decided_on", in.DecidedOn)
	return l
}

// withFields adds field errors found before the domain's own check to
// the error it gives, so that every fault is named at once.
func withFields(pre *fault.Fields, err error) error {
	extra := fault.FieldsOf(pre.Err(""))
	if len(extra) == 0 {
		return err
	}
	if err == nil {
		return pre.Err("the form is not valid")
	}
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Kind == fault.Invalid {
		merged := *fe
		merged.Fields = append(slices.Clone(fe.Fields), extra...)
		return &merged
	}
	return err
}

// apiRefer answers POST /api/v1/vetting/listings: the force's referral.
func (s *Server) apiRefer(w http.ResponseWriter, r *http.Request) {
	var in referInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	var f fault.Fields
	l := in.listing(&f)
	if err := f.Err("the referral cannot be recorded"); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.refer(r, &l); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.listingOut(l))
}

// searchInput is a search as the API sends it.
type searchInput struct {
	Name         string `json:"name"`
	DateOfBirth  string `json:"date_of_birth"`
	CollarNumber string `json:"collar_number"`
}

// apiSearchLists answers POST /api/v1/vetting/listings/search. The
// identifying fields travel in the body, never in a URL, where logs and
// histories would keep them.
func (s *Server) apiSearchLists(w http.ResponseWriter, r *http.Request) {
	var in searchInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	var f fault.Fields
	q := vetting.Query{Name: in.Name, CollarNumber: in.CollarNumber, BirthDate: dayIn(&f, "date_of_birth", in.DateOfBirth)}
	if err := f.Err("the search cannot be made"); err != nil {
		s.fail(w, r, err)
		return
	}
	found, err := s.searchLists(r, q, "list search")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	listed := false
	for _, l := range found {
		listed = listed || l.Current(s.clock())
	}
	writeJSON(w, http.StatusOK, map[string]any{"listed": listed, "matches": s.listingsOut(found)})
}

// importInput is an extract as the API sends it: the CSV text and,
// unless the file is in Probity's own layout, the mapping (YAML).
type importInput struct {
	CSV     string `json:"csv"`
	Mapping string `json:"mapping"`
}

// apiImportExtract answers POST /api/v1/vetting/listings/import.
func (s *Server) apiImportExtract(w http.ResponseWriter, r *http.Request) {
	var in importInput
	if err := decodeJSON(w, r, &in, maxExtractBody); err != nil {
		s.fail(w, r, err)
		return
	}
	if !utf8.ValidString(in.CSV) {
		s.fail(w, r, &fault.Error{Kind: fault.Invalid, Message: "the extract cannot be read", Fields: []fault.FieldError{{Field: "csv", Reason: "is not UTF-8 text"}}})
		return
	}
	n, rejects, err := s.importExtract(r, strings.NewReader(in.CSV), in.Mapping)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type reject struct {
		Line   int    `json:"line"`
		Reason string `json:"reason"`
	}
	out := []reject{}
	for _, rj := range rejects {
		out = append(out, reject{rj.Line, rj.Reason})
	}
	writeJSON(w, http.StatusCreated, map[string]any{"imported": n, "rejected": out})
}

// removalInput is a removal as the API sends it.
type removalInput struct {
	Reason    string `json:"reason"`
	RemovedOn string `json:"removed_on"`
	Note      string `json:"note"`
	Version   int    `json:"version"`
}

// apiRemoveListing answers POST /api/v1/vetting/listings/{id}/removal.
// The version is the listing's as last read (GET gives none: a listing
// is removed once, so 1 is its version until then).
func (s *Server) apiRemoveListing(w http.ResponseWriter, r *http.Request) {
	var in removalInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	var f fault.Fields
	on := dayIn(&f, "removed_on", in.RemovedOn)
	if in.Version == 0 {
		in.Version = 1
	}
	if err := f.Err("the listing cannot be removed"); err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.removeListing(r, r.PathValue("id"), in.Version, vetting.Removal(in.Reason), on, in.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.listingOut(l))
}

// dueJSON is a referral the force owes, as the API gives it.
type dueJSON struct {
	OfficerID     string  `json:"officer_id"`
	Officer       string  `json:"officer"`
	CaseID        string  `json:"case_id"`
	CaseReference string  `json:"case_reference"`
	List          string  `json:"list"`
	Basis         string  `json:"basis"`
	DecidedOn     *string `json:"decided_on"`
	ReportDueBy   *string `json:"report_due_by"`
}

// dueReferrals reads the referrals owed, with each officer's name and the
// day the report is due, audited as a read of those officers' records.
func (s *Server) dueReferrals(r *http.Request) ([]dueJSON, error) {
	due, err := s.db.DueReferrals(r.Context())
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(due))
	for _, d := range due {
		ids = append(ids, d.OfficerID)
	}
	named, err := s.db.OfficersByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]dueJSON, 0, len(due))
	for _, d := range due {
		j := dueJSON{OfficerID: d.OfficerID, Officer: officerName(named[d.OfficerID]), CaseID: d.CaseID, CaseReference: d.CaseReference,
			List: string(d.Basis.List()), Basis: string(d.Basis)}
		if d.DecidedOn != nil {
			on := d.DecidedOn.Format(time.DateOnly)
			by := vetting.ReportDueBy(*d.DecidedOn, s.calendar.IsWorkingDay).Format(time.DateOnly)
			j.DecidedOn, j.ReportDueBy = &on, &by
		}
		out = append(out, j)
	}
	e := s.auditEntry(r, audit.Consult, "barred-list-due", "", audit.Success)
	e.Reason = strconv.Itoa(len(out)) + " officers due a referral listed"
	return out, s.db.Audit(r.Context(), e)
}

// apiDueReferrals answers GET /api/v1/vetting/referrals-due.
func (s *Server) apiDueReferrals(w http.ResponseWriter, r *http.Request) {
	out, err := s.dueReferrals(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"due": out})
}

// apiTransferChecks answers GET /api/v1/vetting/transfer-checks: the
// latest checks, audited as a read.
func (s *Server) apiTransferChecks(w http.ResponseWriter, r *http.Request) {
	list, err := s.transferChecks(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type item struct {
		ID        string    `json:"id"`
		Kind      string    `json:"kind"`
		Name      string    `json:"name"`
		Previous  string    `json:"previous_force"`
		Decision  string    `json:"decision"`
		Matches   int       `json:"matches"`
		DecidedBy string    `json:"decided_by"`
		DecidedAt time.Time `json:"decided_at"`
	}
	out := []item{}
	for _, c := range list {
		out = append(out, item{c.ID, string(c.Kind), c.Name, c.Previous, string(c.Decision), c.Matches, c.DecidedBy, c.DecidedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"checks": out})
}

func (s *Server) transferChecks(r *http.Request) ([]store.TransferCheckSummary, error) {
	list, err := s.db.TransferChecks(r.Context(), 50)
	if err != nil {
		return nil, err
	}
	e := s.auditEntry(r, audit.Consult, "transfer-check", "", audit.Success)
	e.Reason = strconv.Itoa(len(list)) + " transfer checks listed"
	return list, s.db.Audit(r.Context(), e)
}

// apiRecordTransfer answers POST /api/v1/vetting/transfer-checks. The
// lists are searched as the check is recorded; a match the request does
// not name in matches_seen refuses it (422, field matches): search first
// (POST /api/v1/vetting/listings/search), read the matches, then send
// their ids.
func (s *Server) apiRecordTransfer(w http.ResponseWriter, r *http.Request) {
	var in transferInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.recordTransfer(r, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, transferJSON{ID: c.ID, Kind: string(c.Kind), Decision: string(c.Decision), Matches: s.listingsOut(c.Matches),
		NotThePerson: append([]string{}, c.NotThePerson...), DecidedBy: c.DecidedBy, DecidedAt: c.DecidedAt})
}

// homeForce is the force whose complaints intake is in Probity: the
// force a transferee joins. Imported forces have no intake unit.
func (s *Server) homeForce(r *http.Request) (officers.Force, bool) {
	u, err := s.db.UnitByCode(r.Context(), "PSD-INTAKE")
	if err != nil {
		return officers.Force{}, false
	}
	forces, err := s.db.Forces(r.Context())
	if err != nil {
		return officers.Force{}, false
	}
	for _, f := range forces {
		if f.ID == u.ForceID {
			return f, true
		}
	}
	return officers.Force{}, false
}
