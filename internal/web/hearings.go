package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/hearings"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// hearingRoutes are the notices of misconduct hearings and their outcomes:
// the appropriate authority's pages and API (hearings_pages.go,
// hearings_api.go) and the public page.
func (s *Server) hearingRoutes() []route {
	return []route{
		{"GET", "/hearing-notices", access.HearingNoticeDraft, s.hearingNoticesPage, true},
		{"GET", "/hearing-notices/new", access.HearingNoticeDraft, s.newHearingNoticePage, true},
		{"POST", "/hearing-notices/new", access.HearingNoticeDraft, s.newHearingNoticeForm, true},
		{"GET", "/hearing-notices/{id}", access.HearingNoticeDraft, s.hearingNoticePage, true},
		{"POST", "/hearing-notices/{id}/submit", access.HearingNoticeDraft, s.hearingNoticeActForm(hearings.Submit), true},
		{"POST", "/hearing-notices/{id}/approve", access.HearingNoticeApprove, s.hearingNoticeActForm(hearings.Approve), true},
		{"POST", "/hearing-notices/{id}/withdraw", access.HearingNoticeDraft, s.hearingNoticeActForm(hearings.Withdraw), true},
		{"GET", "/public/hearings", access.Public, s.publicHearingsPage, true},

		{"GET", "/api/v1/hearing-notices", access.HearingNoticeDraft, s.listHearingNoticesAPI, false},
		{"POST", "/api/v1/hearing-notices", access.HearingNoticeDraft, s.createHearingNoticeAPI, false},
		{"GET", "/api/v1/hearing-notices/{id}", access.HearingNoticeDraft, s.getHearingNoticeAPI, false},
		{"POST", "/api/v1/hearing-notices/{id}/submit", access.HearingNoticeDraft, s.hearingNoticeActAPI(hearings.Submit), false},
		{"POST", "/api/v1/hearing-notices/{id}/approve", access.HearingNoticeApprove, s.hearingNoticeActAPI(hearings.Approve), false},
		{"POST", "/api/v1/hearing-notices/{id}/withdraw", access.HearingNoticeDraft, s.hearingNoticeActAPI(hearings.Withdraw), false},
	}
}

// errNoNotice answers for a notice that does not exist and for one on a
// case the caller may not open alike, so that neither tells the other.
var errNoNotice = fault.Errorf(fault.NotFound, "no such hearing notice")

// noticeRecord is the audit log's record type for a notice.
const noticeRecord = "hearing-notice"

// mayOpenCase applies need-to-know to one case by id, for routes that do
// not carry the case in their path.
func (s *Server) mayOpenCase(r *http.Request, caseID string) (access.Decision, error) {
	if !id.Valid(caseID) {
		return access.Decision{Hide: true, Basis: basisNoCase}, nil
	}
	all, err := s.db.CasesFacts(r.Context(), []string{caseID}, s.clock())
	if err != nil {
		return access.Decision{}, err
	}
	facts, ok := all[caseID]
	if !ok {
		return access.Decision{Hide: true, Basis: basisNoCase}, nil
	}
	return access.CanOpenCase(*caller(r), facts), nil
}

// visibleNotice reads a notice the caller may see: one on a case they may
// open. Any other is refused as if it did not exist, and the refusal is
// audited.
func (s *Server) visibleNotice(r *http.Request, noticeID string) (hearings.Notice, error) {
	refuse := func(reason string) (hearings.Notice, error) {
		e := s.auditEntry(r, audit.AccessDenied, noticeRecord, noticeID, audit.Denied)
		e.Reason = reason
		if err := s.db.Audit(r.Context(), e); err != nil {
			return hearings.Notice{}, err
		}
		return hearings.Notice{}, errNoNotice
	}
	if !id.Valid(noticeID) {
		return refuse("no such hearing notice")
	}
	n, err := s.db.HearingNotice(r.Context(), noticeID)
	if fault.Is(err, fault.NotFound) {
		// The same reads as for a notice on a hidden case, so that the
		// time taken does not tell one from the other.
		if _, err := s.mayOpenCase(r, noticeID); err != nil {
			return n, err
		}
		return refuse("no such hearing notice")
	}
	if err != nil {
		return n, err
	}
	d, err := s.mayOpenCase(r, n.CaseID)
	if err != nil {
		return n, err
	}
	if !d.Allow {
		return refuse("notice on a case outside your scope (" + d.Basis + ")")
	}
	return n, nil
}

// readNotice is visibleNotice with the read audited.
func (s *Server) readNotice(r *http.Request, noticeID string) (hearings.Notice, error) {
	n, err := s.visibleNotice(r, noticeID)
	if err != nil {
		return n, err
	}
	e := s.auditEntry(r, audit.Consult, noticeRecord, n.ID, audit.Success)
	e.Reason = "notice on case " + n.CaseReference
	return n, s.db.Audit(r.Context(), e)
}

// visibleNotices lists the notices on cases the caller may open, the
// list's read audited with its count.
func (s *Server) visibleNotices(r *http.Request) ([]hearings.Notice, error) {
	all, err := s.db.HearingNotices(r.Context())
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, n := range all {
		ids = append(ids, n.CaseID)
	}
	ok, err := s.openable(r, ids)
	if err != nil {
		return nil, err
	}
	var out []hearings.Notice
	for _, n := range all {
		if ok[n.CaseID] {
			out = append(out, n)
		}
	}
	e := s.auditEntry(r, audit.Consult, "hearing-notices", "", audit.Success)
	e.Reason = strconv.Itoa(len(out)) + " hearing notices listed"
	return out, s.db.Audit(r.Context(), e)
}

// noticeCase finds the case a notice is to be drafted on, by id or by
// reference, and applies need-to-know to it; a refusal is audited and
// answers as a case refusal does.
func (s *Server) noticeCase(r *http.Request, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	caseID := ref
	if ref == "" {
		var f fault.Fields
		f.Add("case", "is required: give the case's reference, like CM/2026/000123")
		return "", f.Err("the notice cannot be drafted")
	}
	if !id.Valid(ref) {
		var err error
		if caseID, err = s.db.CaseIDByReference(r.Context(), strings.ToUpper(ref)); err != nil {
			return "", err
		}
	}
	d, err := s.mayOpenCase(r, caseID)
	if err != nil {
		return "", err
	}
	if !d.Allow {
		return "", s.refuse(r, caseID, d)
	}
	return caseID, nil
}

// draftNotice drafts a notice on a case the caller may open, audited in
// the transaction that stores it. The officer's name and rank are taken
// from their record now and kept with the notice.
func (s *Server) draftNotice(r *http.Request, caseID string, in hearings.DraftInput) (hearings.Notice, error) {
	who := caller(r)
	now := s.clock()
	// The officer is read before the transaction, not in it: a read from
	// the pool while the transaction holds a connection of the same pool
	// (PostgreSQL) waits for a second connection, and requests that each
	// hold one and wait for another starve the pool.
	var officer officers.Officer
	var officerErr error
	if in.OfficerID != "" {
		officer, officerErr = s.db.Officer(r.Context(), in.OfficerID)
	}
	var n hearings.Notice
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		facts, err := tx.HearingCaseFacts(r.Context(), caseID)
		if err != nil {
			return err
		}
		var name, rank string
		if in.OfficerID != "" && slices.Contains(facts.Subjects, in.OfficerID) {
			if officerErr != nil {
				return officerErr
			}
			name, rank = publicName(officer.GivenName, officer.FamilyName), string(officer.Rank)
		}
		if n, err = hearings.New(in, facts, name, rank, who.User.Username, now); err != nil {
			return err
		}
		if err := tx.CreateHearingNotice(r.Context(), &n); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, noticeRecord, n.ID, audit.Success)
		e.Reason = "drafted: " + n.Kind.Label().Name + " on case " + n.CaseReference
		return tx.Audit(r.Context(), e)
	})
	return n, err
}

// actOnNotice takes a step on a notice the caller may see. version, when
// given, is the version the caller read: a notice that moved on since is
// refused and nothing is applied.
func (s *Server) actOnNotice(r *http.Request, noticeID string, a hearings.Action, reasons string, version *int) (hearings.Notice, error) {
	if _, err := s.visibleNotice(r, noticeID); err != nil {
		return hearings.Notice{}, err
	}
	who := caller(r)
	if a == hearings.Approve && !access.Allowed(who, access.HearingNoticeApprove) {
		return hearings.Notice{}, fault.Errorf(fault.Forbidden, "your role does not approve hearing notices")
	}
	now := s.clock()
	var n hearings.Notice
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if n, err = tx.HearingNotice(r.Context(), noticeID); err != nil {
			return err
		}
		if version != nil && *version != n.Version {
			return fault.Errorf(fault.Conflict, "this notice changed since you opened it: it is shown below as it now stands, and nothing was done")
		}
		read := n.Version
		if err := n.Apply(a, who.User.Username, reasons, now); err != nil {
			return err
		}
		if err := tx.SaveHearingNotice(r.Context(), n, read); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, noticeRecord, n.ID, audit.Success)
		e.Reason = a.Label().Name + ": " + n.Kind.Label().Name + " on case " + n.CaseReference
		if a == hearings.Approve {
			e.Reason += ", public " + n.PublishFrom.Format(time.DateOnly) + " to " + n.PublishUntil.Format(time.DateOnly)
		}
		return tx.Audit(r.Context(), e)
	})
	return n, err
}

// reachedHearing reports from a case's timeline whether it was referred
// to a misconduct hearing, for the case page's link.
func reachedHearing(c cases.Case, timeline []cases.Event) bool {
	visited := []cases.State{c.State}
	for _, e := range timeline {
		if to := e.Detail["to"]; to != "" {
			visited = append(visited, cases.State(to))
		}
	}
	return hearings.ReachedHearing(visited)
}

// publicName is the officer's name as a notice gives it: given and
// family name, without the collar number, which the regulations do not
// list among what a notice may say.
func publicName(given, family string) string { return strings.TrimSpace(given + " " + family) }

// civilDay is a day parsed in the force's zone as the midnight-UTC form
// the domain keeps days in.
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// fillDefaultPeriod gives a notice the default publication period for
// whichever of its ends was left blank.
func fillDefaultPeriod(in *hearings.DraftInput, now time.Time) {
	from, until := hearings.DefaultPeriod(in.Kind, in.HearingOn, now)
	if in.PublishFrom.IsZero() {
		in.PublishFrom = from
	} else if in.Kind == hearings.Outcome {
		until = in.PublishFrom.AddDate(0, 0, hearings.OutcomeMinDays-1)
	}
	if in.PublishUntil.IsZero() {
		in.PublishUntil = until
	}
}
