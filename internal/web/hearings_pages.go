package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/hearings"
)

// noticeView is a notice as the authority's pages show it.
type noticeView struct {
	hearings.Notice
	Standing hearings.Standing
	// Period is the publication period in words.
	Period string
}

func (s *Server) viewNotice(n hearings.Notice) noticeView {
	return noticeView{Notice: n, Standing: n.Standing(s.clock()),
		Period: ukTime(n.PublishFrom, "2 January 2006") + " to " + ukTime(n.PublishUntil, "2 January 2006")}
}

// noticeFieldLabels name a notice's fields in an error summary.
var noticeFieldLabels = map[string]string{
	"case": "Case", "kind": "Kind of notice", "officer_id": "Officer", "hearing_on": "Day of the hearing",
	"hearing_time": "Time of the hearing", "venue": "Place of the hearing", "text": "Text of the notice",
	"publish_from": "First day public", "publish_until": "Last day public", "reasons": "Reasons",
}

// fieldErrors turns a refusal into the form's messages by field and its
// error summary, each naming the field.
func fieldErrors(err error, prefix string) (map[string]string, []formError, string) {
	by := map[string]string{}
	var summary []formError
	var fe *fault.Error
	if !errors.As(err, &fe) {
		return by, summary, ""
	}
	for _, f := range fe.Fields {
		label := noticeFieldLabels[f.Field]
		if label == "" {
			label = f.Field
		}
		msg := label + " " + f.Reason
		if _, seen := by[f.Field]; !seen {
			by[f.Field] = msg
			summary = append(summary, formError{Href: "#" + prefix + f.Field, Text: msg})
		}
	}
	if len(fe.Fields) == 0 {
		return by, summary, fe.Message
	}
	return by, summary, ""
}

// refusalOnForm puts a refusal's reasons beside the fields it names, in
// errs by field, and returns its message when it names no field (someone
// else changed the record first), for the form's page to show above it.
func refusalOnForm(err error, errs map[string]string) (problem string) {
	var fe *fault.Error
	if !errors.As(err, &fe) {
		return ""
	}
	for _, f := range fe.Fields {
		errs[f.Field] = f.Reason
	}
	if len(fe.Fields) == 0 {
		return fe.Message
	}
	return ""
}

// hearingNoticesList is the authority's list of notices.
type hearingNoticesList struct {
	pageData
	Notices []noticeView
}

// hearingNoticesPage answers GET /hearing-notices: every notice on a case
// the caller may open, the most recently drafted first.
func (s *Server) hearingNoticesPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.visibleNotices(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := hearingNoticesList{pageData: s.pageData(r)}
	for _, n := range list {
		data.Notices = append(data.Notices, s.viewNotice(n))
	}
	s.render(w, r, http.StatusOK, "hearing-notices", data)
}

// noticeForm is the drafting form as typed.
type noticeForm struct {
	Case, CaseReference, Kind, OfficerID, HearingOn, HearingTime, Venue, Text, PublishFrom, PublishUntil string
}

// officerChoice is a subject of the case offered on the form.
type officerChoice struct {
	ID, Name string
}

// newNoticePage is the drafting form.
type newNoticePage struct {
	pageData
	Form     noticeForm
	Officers []officerChoice
	Kinds    []hearings.Kind
	Errors   map[string]string
	Summary  []formError
	Problem  string
	// NoHearing says the case has not reached a hearing: there is nothing
	// to draft.
	NoHearing bool
}

// noticeFormPage fills the form's choices for a case the caller may
// open: its subjects by name.
func (s *Server) noticeFormPage(r *http.Request, caseID string, form noticeForm) (newNoticePage, error) {
	p := newNoticePage{pageData: s.pageData(r), Form: form, Kinds: hearings.Kinds, Errors: map[string]string{}}
	c, err := s.db.Case(r.Context(), caseID)
	if err != nil {
		return p, err
	}
	p.Form.Case, p.Form.CaseReference = c.ID, c.Reference
	seen := map[string]bool{}
	for _, a := range c.Allegations {
		for _, sub := range a.Subjects {
			if seen[sub.OfficerID] {
				continue
			}
			seen[sub.OfficerID] = true
			o, err := s.db.Officer(r.Context(), sub.OfficerID)
			if err != nil {
				return p, err
			}
			p.Officers = append(p.Officers, officerChoice{ID: o.ID, Name: officerName(o)})
		}
	}
	if len(p.Officers) == 1 && p.Form.OfficerID == "" {
		p.Form.OfficerID = p.Officers[0].ID
	}
	facts, err := s.db.HearingCaseFacts(r.Context(), caseID)
	if err != nil {
		return p, err
	}
	if !hearings.ReachedHearing(facts.Visited) {
		p.NoHearing = true
		p.Problem = "Case " + c.Reference + " has not been referred to a misconduct hearing: a notice is published only about a hearing."
	}
	return p, nil
}

// newHearingNoticePage answers GET /hearing-notices/new?case=ID or
// ?case=REFERENCE.
func (s *Server) newHearingNoticePage(w http.ResponseWriter, r *http.Request) {
	caseID, err := s.noticeCase(r, r.URL.Query().Get("case"))
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	form := noticeForm{Kind: string(hearings.Outcome)}
	if k := r.URL.Query().Get("kind"); k == string(hearings.OfHearing) {
		form.Kind = k
	}
	p, err := s.noticeFormPage(r, caseID, form)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "hearing-notice-new", p)
}

// parseNoticeForm reads the drafting form, naming each date that is not
// one.
func parseNoticeForm(pf url.Values, now time.Time) (noticeForm, hearings.DraftInput, error) {
	fm := noticeForm{Case: pf.Get("case"), Kind: pf.Get("kind"), OfficerID: pf.Get("officer_id"), HearingOn: pf.Get("hearing_on"),
		HearingTime: pf.Get("hearing_time"), Venue: pf.Get("venue"), Text: pf.Get("text"), PublishFrom: pf.Get("publish_from"),
		PublishUntil: pf.Get("publish_until")}
	in := hearings.DraftInput{Kind: hearings.Kind(fm.Kind), OfficerID: fm.OfficerID, HearingTime: fm.HearingTime, Venue: fm.Venue, Text: fm.Text}
	var f fault.Fields
	for _, d := range []struct {
		field, value string
		dst          *time.Time
	}{{"hearing_on", fm.HearingOn, &in.HearingOn}, {"publish_from", fm.PublishFrom, &in.PublishFrom}, {"publish_until", fm.PublishUntil, &in.PublishUntil}} {
		if d.value == "" {
			continue
		}
		if t, ok := parseUKDay(d.value); ok {
			*d.dst = civilDay(t)
		} else {
			f.Add(d.field, "must be a real date, for example 27/3/2026")
		}
	}
	if err := f.Err("the notice cannot be drafted"); err != nil {
		return fm, in, err
	}
	fillDefaultPeriod(&in, now)
	return fm, in, nil
}

// newHearingNoticeForm answers POST /hearing-notices/new: the draft. A
// refused draft shows the form again with what was typed and an error
// summary naming each field.
func (s *Server) newHearingNoticeForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	caseID, err := s.noticeCase(r, r.PostForm.Get("case"))
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	fm, in, err := parseNoticeForm(r.PostForm, s.clock())
	var n hearings.Notice
	if facts, ferr := s.db.HearingCaseFacts(r.Context(), caseID); ferr != nil {
		err = ferr
	} else if !hearings.ReachedHearing(facts.Visited) {
		// Nothing typed can put this right: say so before the fields.
		err = fault.Errorf(fault.Conflict, "case %s has not been referred to a misconduct hearing: a notice is published only about a hearing", facts.Reference)
	} else if err == nil {
		n, err = s.draftNotice(r, caseID, in)
	}
	if err == nil {
		http.Redirect(w, r, "/hearing-notices/"+n.ID+"?done=drafted", http.StatusSeeOther)
		return
	}
	kind := fault.KindOf(err)
	if kind != fault.Invalid && kind != fault.Conflict {
		s.failPage(w, r, err)
		return
	}
	p, perr := s.noticeFormPage(r, caseID, fm)
	if perr != nil {
		s.failPage(w, r, perr)
		return
	}
	p.Errors, p.Summary, p.Problem = fieldErrors(err, "notice-")
	s.render(w, r, statusOf(kind), "hearing-notice-new", p)
}

// noticePage is one notice with the steps the caller may take on it.
type noticePage struct {
	pageData
	Notice     noticeView
	CanSubmit  bool
	CanApprove bool
	// OwnNotice says the caller drafted it, so may not approve it.
	OwnNotice   bool
	CanWithdraw bool
	Allowed     []hearings.Action
	Reasons     string
	Errors      map[string]string
	Summary     []formError
	Problem     string
	Done        string
}

func (s *Server) noticePageData(r *http.Request, n hearings.Notice) noticePage {
	who := caller(r)
	now := s.clock()
	p := noticePage{pageData: s.pageData(r), Notice: s.viewNotice(n), Allowed: n.Allowed(now), Errors: map[string]string{}}
	p.CanSubmit = n.Check(hearings.Submit, who.User.Username, now) == nil
	p.CanApprove = access.Allowed(who, access.HearingNoticeApprove) && n.Check(hearings.Approve, who.User.Username, now) == nil
	p.OwnNotice = n.Status == hearings.Submitted && n.DraftedBy == who.User.Username
	p.CanWithdraw = n.Check(hearings.Withdraw, who.User.Username, now) == nil
	return p
}

// noticeDone are the banners a step's redirect asks for.
var noticeDone = map[string]string{
	"drafted":  "The notice has been drafted. It is not public: submit it for approval when it is ready.",
	"submit":   "The notice has been submitted for approval. Someone other than you must approve it.",
	"approve":  "The notice has been approved. It is public for its publication period.",
	"withdraw": "The notice has been withdrawn. The public no longer see it.",
}

// hearingNoticePage answers GET /hearing-notices/{id}.
func (s *Server) hearingNoticePage(w http.ResponseWriter, r *http.Request) {
	n, err := s.readNotice(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	p := s.noticePageData(r, n)
	p.Done = noticeDone[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "hearing-notice", p)
}

// hearingNoticeActForm answers the notice page's forms: submit, approve,
// withdraw. A refusal shows the notice as it now stands with the reason
// and, for a withdrawal, what was typed.
func (s *Server) hearingNoticeActForm(a hearings.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
			return
		}
		noticeID := r.PathValue("id")
		var version *int
		if v, err := strconv.Atoi(r.PostForm.Get("version")); err == nil {
			version = &v
		}
		reasons := r.PostForm.Get("reasons")
		_, err := s.actOnNotice(r, noticeID, a, reasons, version)
		if err == nil {
			http.Redirect(w, r, "/hearing-notices/"+noticeID+"?done="+string(a), http.StatusSeeOther)
			return
		}
		kind := fault.KindOf(err)
		if kind != fault.Invalid && kind != fault.Conflict {
			s.failPage(w, r, err)
			return
		}
		n, rerr := s.db.HearingNotice(r.Context(), noticeID)
		if rerr != nil {
			s.failPage(w, r, rerr)
			return
		}
		p := s.noticePageData(r, n)
		p.Errors, p.Summary, p.Problem = fieldErrors(err, "withdraw-")
		p.Reasons = reasons
		s.render(w, r, statusOf(kind), "hearing-notice", p)
	}
}

// publicNotice is a notice as the public read it: nothing of who wrote
// or approved it, and no ids.
type publicNotice struct {
	Kind        hearings.Kind
	OfficerName string
	OfficerRank string
	HearingOn   time.Time
	HearingTime string
	Venue       string
	Text        string
	From, Until time.Time
}

type publicHearingsPage struct {
	pageData
	Notices []publicNotice
}

// publicHearingsPage answers GET /public/hearings: the notices public
// today, the most recently published first. It needs no sign-in and no
// script; a notice whose period is over is simply not read.
func (s *Server) publicHearingsPage(w http.ResponseWriter, r *http.Request) {
	now := s.clock()
	list, err := s.db.PublicHearingNotices(r.Context(), hearings.Day(now))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	p := publicHearingsPage{pageData: s.pageData(r)}
	for _, n := range list {
		// The query and the domain agree on what is public; asking both
		// means a fault in either cannot publish a notice.
		if !n.Public(now) {
			continue
		}
		p.Notices = append(p.Notices, publicNotice{Kind: n.Kind, OfficerName: n.OfficerName, OfficerRank: rankWords(n.OfficerRank),
			HearingOn: n.HearingOn, HearingTime: n.HearingTime, Venue: n.Venue, Text: n.Text, From: n.PublishFrom, Until: n.PublishUntil})
	}
	s.render(w, r, http.StatusOK, "public-hearings", p)
}

// rankWords is a rank as a title: "Detective constable" stays as the force
// records it, with a capital.
func rankWords(rank string) string {
	if rank == "" || rank == "staff" {
		return ""
	}
	return strings.ToUpper(rank[:1]) + rank[1:]
}
