package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/vetting"
)

// flagsPage is the supervisor's queue in the browser.
type flagsPage struct {
	pageData
	State  string // the filter in use; "" for every state
	States []string
	Flags  []flagView
	// Next links to the following page of the queue, "" on the last.
	Next string
}

// flagsPageHandler answers GET /eis/flags: the flags of the caller's units
// (every unit for the head of standards), open ones unless asked.
func (s *Server) flagsPageHandler(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("state") {
		q.Set("state", eis.FlagOpen)
		r.URL.RawQuery = q.Encode()
	}
	fr, err := flagQuery(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	items, next, err := s.flagQueue(r, fr, "flag queue page")
	if err != nil {
		s.failListPage(w, r, err)
		return
	}
	data := flagsPage{pageData: s.pageData(r), State: fr.query.State, States: eis.FlagStates, Flags: items}
	if next != "" {
		next := url.Values{"state": {fr.query.State}, "cursor": {next}}
		if fr.query.OfficerID != "" {
			next.Set("officer", fr.query.OfficerID)
		}
		data.Next = "/eis/flags?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "eis-flags", data)
}

// flagPage is one flag with its explanation, its notes and, while it is
// not closed, the review form.
type flagPage struct {
	pageData
	Flag flagView
	// Authors name the notes' writers.
	Authors map[string]string
	// CanReview: the caller holds the review permission and the flag is
	// not closed. Actions are the steps its state allows.
	CanReview     bool
	Actions       []string
	Interventions []string
	// Form is what the reviewer sent, kept when it was refused so that
	// nothing typed is lost; Errors name the fields and why.
	Form   eis.Review
	Errors map[string]string
	// Problem is a refusal that is not about one field (someone else
	// moved the flag on first, say).
	Problem string
}

// flagPageHandler answers GET /eis/flags/{id}.
func (s *Server) flagPageHandler(w http.ResponseWriter, r *http.Request) {
	v, err := s.consultFlag(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data, err := s.flagPageData(r, v)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "eis-flag", data)
}

func (s *Server) flagPageData(r *http.Request, v flagView) (flagPage, error) {
	data := flagPage{pageData: s.pageData(r), Flag: v, Authors: map[string]string{}, Interventions: eis.Interventions,
		Actions: v.NextActions(), Errors: map[string]string{}}
	data.CanReview = len(data.Actions) > 0 && access.Allowed(caller(r), access.EISReview)
	for _, n := range v.Notes {
		if _, ok := data.Authors[n.AuthorID]; ok {
			continue
		}
		u, err := s.db.UserByID(r.Context(), n.AuthorID)
		switch {
		case fault.Is(err, fault.NotFound):
			data.Authors[n.AuthorID] = "a former user"
		case err != nil:
			return data, err
		default:
			data.Authors[n.AuthorID] = u.DisplayName
		}
	}
	return data, nil
}

// reloadFlagPage reads a flag afresh for its page.
func (s *Server) reloadFlagPage(r *http.Request, flagID string) (flagPage, error) {
	f, err := s.db.Flag(r.Context(), flagID)
	if err != nil {
		return flagPage{}, err
	}
	v, err := s.viewFlag(r, f)
	if err != nil {
		return flagPage{}, err
	}
	return s.flagPageData(r, v)
}

// flagReviewForm answers POST /eis/flags/{id}/review: the review form. A
// refused review shows the page again with the reasons and what was
// typed; an accepted one goes back to the flag.
func (s *Server) flagReviewForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	rv := eis.Review{Action: r.PostForm.Get("action"), Note: r.PostForm.Get("note")}
	if rv.Action == eis.ActIntervene {
		rv.Intervention = r.PostForm.Get("intervention")
	}
	f, err := s.readFlag(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	_, err = s.applyReview(r, f, rv)
	if err == nil {
		http.Redirect(w, r, "/eis/flags/"+f.ID, http.StatusSeeOther)
		return
	}
	kind := fault.KindOf(err)
	if kind != fault.Invalid && kind != fault.Conflict {
		s.failPage(w, r, err)
		return
	}
	// Show the flag as it is now (a conflict means it moved on), with
	// the form as it was sent.
	data, rerr := s.reloadFlagPage(r, f.ID)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data.Form = rv
	data.Problem = refusalOnForm(err, data.Errors)
	s.render(w, r, statusOf(kind), "eis-flag", data)
}

// officerPage is an officer's record as the caller may see it.
type officerPage struct {
	pageData
	View officerView
	// Units names the units of the officer's postings.
	Units map[string]string
	// Vetting is the officer's standing at each level, and OpenReviews
	// the vetting reviews awaiting a decision, for those who may read
	// vetting (VettingShown).
	VettingShown bool
	Vetting      []vetting.Clearance
	OpenReviews  int
}

// officerPageHandler answers GET /officers/{id}.
func (s *Server) officerPageHandler(w http.ResponseWriter, r *http.Request) {
	v, err := s.officerData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := officerPage{pageData: s.pageData(r), View: v, Units: map[string]string{}}
	units := []string{v.Officer.UnitID}
	for _, p := range v.Postings {
		units = append(units, p.UnitID)
	}
	for _, unitID := range units {
		if unitID == "" || data.Units[unitID] != "" {
			continue
		}
		u, err := s.db.Unit(r.Context(), unitID)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		data.Units[unitID] = strings.TrimSpace(u.Name + " (" + u.Code + ")")
	}
	if access.Allowed(caller(r), access.VettingRead) {
		data.VettingShown = true
		if data.Vetting, err = s.db.Clearances(r.Context(), v.Officer.ID, true); err != nil {
			s.failPage(w, r, err)
			return
		}
		reviews, err := s.db.VettingReviews(r.Context(), v.Officer.ID)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		for _, rv := range reviews {
			if rv.Open() {
				data.OpenReviews++
			}
		}
	}
	s.render(w, r, http.StatusOK, "officer", data)
}
