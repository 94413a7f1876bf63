package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/people"
	"github.com/probity/probity/internal/store"
)

// The case page (GET /cases/{id}): everything caseDetail gathers, in
// words, with only the actions the caller may take now, each a button to
// a form of its own (caseact.go), and the forms for notes and documents.

type casePage struct {
	pageData
	Case caseView
	// RuleSet is the title of the rules the case follows.
	RuleSet string
	// Categories and Subcategories name the allegation codes of the
	// case's taxonomy; Officers the subjects, linked when OfficerLinks.
	Categories, Subcategories map[string]string
	// Standards names the Standards of Professional Behaviour by code.
	Standards    map[string]string
	Officers     map[string]officers.Officer
	OfficerLinks bool
	// Assignees are the names of the people the case is assigned to.
	Assignees []string
	// Deadlines are the case's deadlines with the days left counted as
	// their rules count them.
	Deadlines []deadlineView
	// Steps are the steps the case's state and running clocks call for,
	// each a link to its form (casestep.go), for those who may work it.
	Steps []stepOffer
	// Timeline is the case's history, notes and documents, in words.
	Timeline []timelineEntry
	// Notes and Documents name their authors.
	Notes     []noteView
	Documents []documentView
	// MayWork offers the note and upload forms; MayShare the forms that
	// open the case to others; MayContact the complainants' contact
	// details, shown (and audited) only when asked for (ShowContacts).
	MayWork, MayShare, MayContact, ShowContacts bool
	Contacts                                    []people.Person
	// MayDraftNotice offers a hearing notice on a case referred to a
	// misconduct hearing, to those who draft them.
	MayDraftNotice bool
	// Banner says what the caller's last change did; Problem why it was
	// not made (a stale form).
	Banner, Problem string
	// NoteText and Errors re-show a refused note or upload.
	NoteText string
	Errors   map[string]string
}

type deadlineView struct {
	cases.Deadline
	// Left says how long is left, in the days the rule counts.
	Left string
	// Officer names the officer whose clock it is, on a clock each
	// subject officer has of their own.
	Officer string
}

type timelineEntry struct {
	At      time.Time
	What    string
	By      string
	Reasons string
}

type noteView struct {
	store.Note
	Author string
}

type documentView struct {
	store.Document
	By, SizeText string
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	c, basis, facts, err := s.readCaseFacts(r)
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	page, err := s.buildCasePage(r, c, basis, facts)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page.Banner = doneBanner(r.URL.Query().Get("done"), page.Case.State)
	if r.URL.Query().Get("contact") == "show" && page.MayContact {
		if err := s.showContacts(r, &page); err != nil {
			s.failPage(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "case", page)
}

// showContacts unseals the complainants' contact details on the page,
// recording the read of each person's details in the audit log first.
func (s *Server) showContacts(r *http.Request, page *casePage) error {
	ctx := r.Context()
	for _, p := range page.Case.Complainants {
		e := s.auditEntry(r, audit.Consult, "person", p.ID, audit.Success)
		e.Reason = "contact details shown on case " + page.Case.Reference
		if err := s.db.Audit(ctx, e); err != nil {
			return err
		}
	}
	page.ShowContacts, page.Contacts = true, page.Case.Complainants
	return nil
}

// buildCasePage gathers the case page of a case the caller may open.
func (s *Server) buildCasePage(r *http.Request, c cases.Case, basis string, facts access.CaseFacts) (casePage, error) {
	ctx := r.Context()
	p := caller(r)
	v, err := s.caseDetail(r, c, basis)
	if err != nil {
		return casePage{}, err
	}
	page := casePage{pageData: s.pageData(r), Case: v, Categories: map[string]string{}, Subcategories: map[string]string{},
		Standards: map[string]string{}, OfficerLinks: access.Allowed(p, access.OfficerRead), Errors: map[string]string{}}
	working := basis != "shared"
	page.MayWork = working && access.Allowed(p, access.CaseWork)
	page.MayShare = working && access.Allowed(p, access.CaseShare)
	page.MayContact = page.MayWork && len(v.Complainants) > 0
	page.MayDraftNotice = working && access.Allowed(p, access.HearingNoticeDraft) && reachedHearing(c, v.Timeline)
	for _, rs := range s.ref.RuleSets {
		if rs.Code == c.RuleSet {
			page.RuleSet = rs.Title
		}
	}
	var ids []string
	for _, a := range c.Allegations {
		if tax, ok := s.ref.Taxonomy(a.TaxonomyVersion); ok {
			for _, cat := range tax.Categories {
				page.Categories[cat.Code] = cat.Name
				for _, sub := range cat.Subcategories {
					page.Subcategories[sub.Code] = sub.Name
				}
			}
		}
		for _, std := range s.ref.Standards {
			if std.Version == a.StandardsVersion {
				for _, st := range std.Standards {
					page.Standards[st.Code] = st.Title
				}
			}
		}
		for _, sj := range a.Subjects {
			ids = append(ids, sj.OfficerID)
		}
	}
	if page.Officers, err = s.db.OfficersByID(ctx, ids); err != nil {
		return page, err
	}
	names, err := s.userNames(r)
	if err != nil {
		return page, err
	}
	for _, u := range facts.Assigned {
		page.Assignees = append(page.Assignees, names.of(u))
	}
	slices.Sort(page.Assignees)
	nameOf := func(id string) string {
		if o, ok := page.Officers[id]; ok {
			return officerName(o)
		}
		return "an officer no longer on record"
	}
	for _, d := range v.Deadlines {
		dv := deadlineView{Deadline: d, Left: s.daysLeft(d)}
		if d.Subject != "" {
			dv.Officer = nameOf(d.Subject)
		}
		page.Deadlines = append(page.Deadlines, dv)
	}
	if page.MayWork {
		page.Steps = stepOffers(c, v.Deadlines)
	}
	for _, n := range v.Notes {
		page.Notes = append(page.Notes, noteView{Note: n, Author: names.of(n.AuthorID)})
		page.Timeline = append(page.Timeline, timelineEntry{At: n.At, What: "Note added", By: names.of(n.AuthorID)})
	}
	for _, d := range v.Documents {
		page.Documents = append(page.Documents, documentView{Document: d, By: names.of(d.UploadedBy), SizeText: sizeText(d.Size)})
		page.Timeline = append(page.Timeline, timelineEntry{At: d.UploadedAt, What: "Document added: " + d.Filename, By: names.of(d.UploadedBy)})
	}
	for _, ev := range v.Timeline {
		what := eventWords(ev)
		if sub := ev.Detail["subject"]; sub != "" {
			what += ": " + nameOf(sub)
		}
		page.Timeline = append(page.Timeline, timelineEntry{At: ev.At, What: what, By: names.of(ev.Actor),
			Reasons: ev.Detail[string(cases.FieldReasons)]})
	}
	slices.SortStableFunc(page.Timeline, func(a, b timelineEntry) int { return a.At.Compare(b.At) })
	return page, nil
}

// eventWords says what a timeline event recorded.
func eventWords(ev cases.Event) string {
	var b strings.Builder
	if a := ev.Detail["action"]; a != "" {
		b.WriteString(actionTitle(a))
	} else {
		b.WriteString(cases.EventLabel(ev.Type).Name)
	}
	if to := ev.Detail["to"]; to != "" {
		b.WriteString(": the case moved to “" + cases.State(to).Label().Name + "”")
	} else if st := ev.Detail["state"]; st != "" {
		b.WriteString(": at “" + cases.State(st).Label().Name + "”")
	}
	return b.String()
}

// userDirectory names users for pages.
type userDirectory map[string]access.User

func (s *Server) userNames(r *http.Request) (userDirectory, error) {
	users, err := s.db.Users(r.Context())
	if err != nil {
		return nil, err
	}
	out := make(userDirectory, len(users))
	for _, u := range users {
		out[u.ID] = u
	}
	return out, nil
}

// of names a user, or what stands for one: the public, the system.
func (d userDirectory) of(userID string) string {
	if u, ok := d[userID]; ok {
		return u.DisplayName
	}
	switch userID {
	case "public":
		return "the public complaint form"
	case "", "system", "fixture":
		return "Probity"
	}
	return "a former user"
}

// daysLeft says how long a deadline has left, counting working days when
// its rule does.
func (s *Server) daysLeft(d cases.Deadline) string {
	if d.Due.IsZero() || d.Overdue {
		return ""
	}
	if l, ok := d.Clock.Limit(); ok && l.Unit == cases.UnitWorkingDays {
		if n, err := s.calendar.WorkingDaysBetween(d.AsOf, d.Due); err == nil {
			return plural(n, "working day") + " left"
		}
	}
	return plural(d.DaysLeft, "day") + " left"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func sizeText(n int64) string {
	switch {
	case n < 1024:
		return plural(int(n), "byte")
	case n < 1<<20:
		return strconv.Itoa(int(n/1024)) + " KB"
	}
	return strconv.Itoa(int(n>>20)) + " MB"
}

// doneBanner words the confirmation a change redirects to the case page
// with. Unknown values show nothing: the parameter is the caller's to edit.
func doneBanner(done string, state cases.State) string {
	switch done {
	case "":
		return ""
	case "note":
		return "Your note was added to the case."
	case "document":
		return "Your document was added to the case."
	case "assigned":
		return "The case was assigned."
	case "named":
		return "The person was named on this restricted case and can now open it."
	case "shared":
		return "The case was shared with the oversight body, which can now read it."
	case "break-glass":
		return "You have opened this case for one hour. Your reason was recorded and will be reviewed by the head of professional standards."
	}
	if st, ok := strings.CutPrefix(done, "step-"); ok {
		if words, ok := cases.Steps[cases.Step(st)]; ok {
			return "Recorded: " + words + "."
		}
		return ""
	}
	if t, ok := actionTitles[done]; ok {
		return "Done: " + t + ". The case is now at “" + state.Label().Name + "”."
	}
	return ""
}

// failCasePage answers a page's case error. A refusal that break-glass
// could overcome offers the break-glass form; any other says only what
// the policy lets it say.
func (s *Server) failCasePage(w http.ResponseWriter, r *http.Request, err error) {
	var cr *caseRefusal
	if errors.As(err, &cr) && cr.d.BreakGlass && access.Allowed(caller(r), access.CaseBreakGlass) {
		s.render(w, r, http.StatusForbidden, "case-refused", breakGlassPage{pageData: s.pageData(r), CaseID: cr.caseID,
			Errors: map[string]string{}})
		return
	}
	s.failPage(w, r, err)
}

// casePath is the case page of a case, with a confirmation to show.
func casePath(caseID, done string) string {
	p := "/cases/" + url.PathEscape(caseID)
	if done != "" {
		p += "?done=" + url.QueryEscape(done)
	}
	return p
}

// pageFieldErrors maps a refusal's fields to their messages.
func pageFieldErrors(err error) (map[string]string, string) {
	out := map[string]string{}
	var fe *fault.Error
	if !errors.As(err, &fe) {
		return out, fault.Message(err)
	}
	for _, f := range fe.Fields {
		out[f.Field] = f.Reason
	}
	if len(fe.Fields) == 0 {
		return out, fe.Message
	}
	return out, ""
}
