package web

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
)

// --- The guardians' inbox in the browser ----------------------------------
//
// The pages do what the guardians' API does (speakup_guardian.go,
// speakup_reveal.go), through the same functions, so that a page read is
// audited exactly as an API read is: every list read (without a count),
// every read of a report, every reply, conduct matter and reveal. None of
// them touches an anonymous reporter's deferred audit entries: those are
// the reporter's, and wait for their day's batch whatever a guardian does.
// The forms (speakup_inbox_forms.go) answer a refusal with the report's
// page again, the guardian's input kept and each faulty field named.

// speakUpStatusLabels are a report's statuses in words.
var speakUpStatusLabels = map[string]string{
	speakup.StatusOpen:      "Open",
	speakup.StatusConverted: "Raised as a conduct matter",
	speakup.StatusClosed:    "Closed",
}

// inboxItem is one row of the inbox.
type inboxItem struct {
	ID, Reference, Category, Status string
	Anonymous                       bool
	// Received is the report's day: the inbox shows every report by its
	// day alone, named or not, so that a row's look says nothing more.
	Received string
	Unread   int
	New      bool
}

type inboxPage struct {
	pageData
	Items []inboxItem
	// Status is the filter in use ("" for every report); Statuses offer
	// the others.
	Status   string
	Statuses []speakUpOption
}

// speakUpInboxPage answers GET /speak-up/inbox: the reports, those whose
// reporter wrote since this guardian last read them first, then the
// newest.
func (s *Server) speakUpInboxPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := speakup.StatusOpen
	if q.Has("status") {
		status = q.Get("status")
	}
	switch status {
	case "", speakup.StatusOpen, speakup.StatusConverted, speakup.StatusClosed:
	default:
		s.failPage(w, r, &fault.Error{Kind: fault.Invalid, Message: "That is not a status a report can have.",
			Fields: []fault.FieldError{{Field: "Status", Reason: "choose open, raised as a conduct matter, closed, or all"}}})
		return
	}
	list, err := s.db.SpeakUpInbox(r.Context(), caller(r).User.ID, status, 500)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := s.auditSpeakUpList(r, status, "the speak-up inbox"); err != nil {
		s.failPage(w, r, err)
		return
	}
	data := inboxPage{pageData: s.pageData(r), Status: status}
	for _, v := range []string{speakup.StatusOpen, speakup.StatusConverted, speakup.StatusClosed, ""} {
		label := speakUpStatusLabels[v]
		if v == "" {
			label = "All reports"
		}
		data.Statuses = append(data.Statuses, speakUpOption{Value: v, Label: label, Selected: v == status})
	}
	for _, it := range list {
		data.Items = append(data.Items, inboxItem{ID: it.ID, Reference: it.Reference, Category: speakUpCategoryLabels[it.Category],
			Status: speakUpStatusLabels[it.Status], Anonymous: it.Anonymous, Received: ukTime(speakup.Day(it.CreatedAt), "2 January 2006"),
			Unread: it.Unread, New: !it.Opened})
	}
	s.render(w, r, http.StatusOK, "speak-up-inbox", data)
}

// messageView is one message of a thread as a guardian reads it.
type messageView struct {
	From, When, Text string
	FromReporter     bool
}

// revealView is one request to reveal a named reporter.
type revealView struct {
	ID, Recipient, Reason, RequestedBy, Asked string
	Approvers                                 []string
	Decided, Mine, ApprovedByMe               bool
	// Readable: the caller asked for it, two others approved it, and
	// the approval is recent enough to read the identity on.
	Readable bool
}

// raiseForm is the "raise as a conduct matter" form as the guardian
// filled it in.
type raiseForm struct {
	UnitID, Summary, Allegation, Description, Subjects string
	AroseDay, AroseMonth, AroseYear                    string
	// Standard is the Standard of Professional Behaviour the conduct would
	// breach: a conduct matter is classified by one.
	Standard string
}

// formError is one line of an error summary: the field it links to.
type formError struct{ Href, Text string }

type speakUpReportPage struct {
	pageData
	Report            speakup.Report
	Category, Status  string
	Received          string
	Messages          []messageView
	Attachments       []speakup.Attachment
	Reveals           []revealView
	RevealApprovals   int
	CanReveal, IsOpen bool
	// The forms' choices.
	Units       []speakUpOption
	Allegations []allegationGroup
	Standards   []speakUpOption
	// What the guardian typed, kept when a form was refused.
	Reply                   string
	Raise                   raiseForm
	RevealReason, Recipient string
	// Errors are keyed by the id of the faulty field; Summary lists them
	// in the order of the form; Problem is a refusal about no one field.
	Errors  map[string]string
	Summary []formError
	Problem string
	// Done confirms what the guardian's last form did.
	Done string
	// CanReadIdentity offers the requester of an approved reveal the
	// identity; Identity and Recipient are it, once read, and for whom.
	CanReadIdentity bool
	Identity        *identityView
	IdentityReason  string
}

// identityView is a named reporter's identity in words.
type identityView struct {
	Name, Email, Phone, Role, Unit, For string
}

// allegationGroup is one category of the taxonomy with its subcategories,
// for the conduct matter's allegation.
type allegationGroup struct {
	Label   string
	Options []speakUpOption
}

// speakUpDoneLabels confirm a form that was accepted; the page is reached
// by a redirect naming one of them.
var speakUpDoneLabels = map[string]string{
	"replied":  "Your reply has been added to the thread. The reporter reads it with their receipt.",
	"raised":   "The conduct matter has been recorded. It holds only what you wrote, not the reporter's identity or their report.",
	"asked":    "Your request to reveal the reporter's identity has been recorded. Two other guardians must approve it.",
	"approved": "Your approval has been recorded.",
}

var caseReference = regexp.MustCompile(`^[A-Z]{2,4}/[0-9]{4}/[0-9]{6}$`)

// speakUpReportPageHandler answers GET /speak-up/inbox/{id}.
func (s *Server) speakUpReportPageHandler(w http.ResponseWriter, r *http.Request) {
	data, err := s.speakUpReportData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	q := r.URL.Query()
	if msg, ok := speakUpDoneLabels[q.Get("done")]; ok {
		data.Done = msg
		if ref := q.Get("case"); q.Get("done") == "raised" && caseReference.MatchString(ref) {
			data.Done = "Conduct matter " + ref + " has been recorded. It holds only what you wrote, not the reporter's identity or their report."
		}
	}
	s.render(w, r, http.StatusOK, "speak-up-report", data)
}

// speakUpReportData reads the report in the URL with its thread, files
// and reveal requests for the calling guardian. The read is audited as
// the API's is (getSpeakUp), in the transaction that marks the thread
// read up to its last message shown.
func (s *Server) speakUpReportData(r *http.Request) (speakUpReportPage, error) {
	reportID, err := speakUpID(r)
	if err != nil {
		return speakUpReportPage{}, err
	}
	ctx := r.Context()
	rep, err := s.db.SpeakUpReport(ctx, reportID)
	if err != nil {
		return speakUpReportPage{}, err
	}
	p := caller(r)
	data := speakUpReportPage{pageData: s.pageData(r), Report: rep, Category: speakUpCategoryLabels[rep.Category],
		Status: speakUpStatusLabels[rep.Status], Received: ukTime(speakup.Day(rep.CreatedAt), "2 January 2006"),
		RevealApprovals: speakup.RevealApprovals, IsOpen: rep.Status == speakup.StatusOpen, Errors: map[string]string{},
		CanReveal: !rep.Anonymous && access.Allowed(p, access.SpeakUpReveal)}
	msgs, err := s.db.SpeakUpMessages(ctx, reportID)
	if err != nil {
		return data, err
	}
	names := map[string]string{}
	name := func(userID string) (string, error) {
		if n, ok := names[userID]; ok {
			return n, nil
		}
		u, err := s.db.UserByID(ctx, userID)
		switch {
		case fault.Is(err, fault.NotFound):
			names[userID] = "a former guardian"
		case err != nil:
			return "", err
		default:
			names[userID] = u.DisplayName
		}
		return names[userID], nil
	}
	seen := 0
	for _, m := range msgs {
		v := messageView{Text: m.Text, FromReporter: m.From == speakup.FromReporter}
		if v.FromReporter {
			v.From, v.When = "The reporter", ukTime(m.At, "2 January 2006")
		} else {
			if v.From, err = name(m.GuardianID); err != nil {
				return data, err
			}
			v.When = ukTime(m.At, "2 January 2006, 15:04")
		}
		if m.DateOnly {
			v.When = ukTime(speakup.Day(m.At), "2 January 2006")
		}
		data.Messages = append(data.Messages, v)
		seen = max(seen, m.Seq)
	}
	if data.Attachments, err = s.db.SpeakUpAttachments(ctx, reportID); err != nil {
		return data, err
	}
	if data.CanReveal {
		rrs, err := s.db.SpeakUpRevealRequests(ctx, reportID)
		if err != nil {
			return data, err
		}
		for _, rr := range rrs {
			v := revealView{ID: rr.ID, Recipient: rr.Recipient, Reason: rr.Reason, Asked: ukTime(rr.CreatedAt, "2 January 2006, 15:04"),
				Decided: rr.DecidedAt != nil, Mine: rr.RequestedBy == p.User.ID}
			v.Readable = v.Mine && v.Decided && !rr.DecidedAt.Before(s.clock().Add(-speakup.RevealValidity))
			data.CanReadIdentity = data.CanReadIdentity || v.Readable
			if v.RequestedBy, err = name(rr.RequestedBy); err != nil {
				return data, err
			}
			for _, a := range rr.Approvals {
				n, err := name(a)
				if err != nil {
					return data, err
				}
				v.Approvers = append(v.Approvers, n)
				v.ApprovedByMe = v.ApprovedByMe || a == p.User.ID
			}
			data.Reveals = append(data.Reveals, v)
		}
	}
	if data.IsOpen {
		if err := s.raiseChoices(r, &data); err != nil {
			return data, err
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.MarkSpeakUpRead(ctx, reportID, p.User.ID, seen); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Consult, "speakup", reportID, audit.Success)
		e.Reason = "read speak-up report " + rep.Reference
		return tx.Audit(ctx, e)
	})
	return data, err
}

// raiseChoices fills the units and allegations the conduct-matter form
// offers: every unit of every force, and the categories in force today.
func (s *Server) raiseChoices(r *http.Request, data *speakUpReportPage) error {
	ctx := r.Context()
	forces, err := s.db.Forces(ctx)
	if err != nil {
		return err
	}
	for _, f := range forces {
		units, err := s.db.Units(ctx, f.ID)
		if err != nil {
			return err
		}
		for _, u := range units {
			label := u.Name
			if len(forces) > 1 {
				label = f.Name + ": " + u.Name
			}
			data.Units = append(data.Units, speakUpOption{Value: u.ID, Label: label, Selected: u.ID == data.Raise.UnitID})
		}
	}
	sort.SliceStable(data.Units, func(i, j int) bool { return data.Units[i].Label < data.Units[j].Label })
	tax := s.ref.TaxonomyAt(s.clock())
	for _, c := range tax.Categories {
		g := allegationGroup{Label: c.Name}
		for _, sub := range c.Subcategories {
			v := c.Code + "/" + sub.Code
			g.Options = append(g.Options, speakUpOption{Value: v, Label: sub.Name, Selected: v == data.Raise.Allegation})
		}
		data.Allegations = append(data.Allegations, g)
	}
	for _, st := range s.ref.StandardsAt(s.clock()).Standards {
		data.Standards = append(data.Standards, speakUpOption{Value: st.Code, Label: st.Title, Selected: st.Code == data.Raise.Standard})
	}
	return nil
}

// speakUpInboxLink is the report's page, with what was just done.
func speakUpInboxLink(reportID, done string, extra ...string) string {
	v := url.Values{"done": {done}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return "/speak-up/inbox/" + reportID + "?" + v.Encode()
}
