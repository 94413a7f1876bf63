package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

// vettingRoutes are the vetting unit's pages, and its API
// (vettingapi.go).
func (s *Server) vettingRoutes() []route {
	return append([]route{
		{"GET", "/vetting", access.VettingRead, s.vettingQueuePage, true},
		{"GET", "/vetting/reviews/{id}", access.VettingRead, s.vettingReviewPage, true},
		{"POST", "/vetting/reviews/{id}", access.VettingDecide, s.vettingDecisionForm, true},
		{"GET", "/vetting/officers/{id}", access.VettingRead, s.vettingOfficerPage, true},
		{"POST", "/vetting/officers/{id}/clearances", access.VettingDecide, s.vettingClearanceForm, true},
	}, slices.Concat(s.vettingAPIRoutes(), s.barredRoutes())...) // the API (vettingapi.go), the lists and transfer checks (barred.go)
}

// reviewView is a review as pages show it: the officer by name, and the
// trigger in words.
type reviewView struct {
	vetting.Review
	Officer officers.Officer
	// Why is the trigger in words.
	Why     string
	Overdue bool
	// CaseLink is set when the viewer may open cases; otherwise the
	// reference is shown as text, to ask for access with.
	CaseLink string
}

// viewReview words a review. known holds the officers already read for
// this page, so that a queue reads each officer once.
func (s *Server) viewReview(r *http.Request, rv vetting.Review, known map[string]officers.Officer) (reviewView, error) {
	v := reviewView{Review: rv, Overdue: rv.Open() && s.clock().After(rv.DueBy.AddDate(0, 0, 1))}
	o, ok := known[rv.OfficerID]
	if !ok {
		var err error
		if o, err = s.db.Officer(r.Context(), rv.OfficerID); err != nil {
			return v, err
		}
		known[rv.OfficerID] = o
	}
	v.Officer = o
	t := rv.Trigger
	switch t.Kind {
	case vetting.ByCategory:
		switch {
		case t.DomesticAbuse && t.Category == "":
			v.Why = "An allegation flagged as domestic abuse"
		case t.DomesticAbuse:
			v.Why = "An allegation flagged as domestic abuse, of " + s.categoryWords(t.Category, t.Subcategory, rv.OpenedAt)
		default:
			v.Why = "An allegation of " + s.categoryWords(t.Category, t.Subcategory, rv.OpenedAt)
		}
		if !t.AllegationOn.IsZero() {
			v.Why += ", said to have happened on " + ukTime(t.AllegationOn, "2 January 2006")
		}
	case vetting.ByVolume:
		v.Why = fmt.Sprintf("%d allegations of any kind within the window, the latest recorded on %s", t.Count, ukTime(rv.OpenedAt, "2 January 2006"))
	default:
		v.Why = t.Kind.Label().Name
	}
	if t.CaseID != "" && access.Allowed(caller(r), access.CaseRead) {
		v.CaseLink = "/cases/" + t.CaseID
	}
	return v, nil
}

// categoryWords names a category and sub-category of the national
// taxonomy in force on a day.
func (s *Server) categoryWords(category, sub string, on time.Time) string {
	c, ok := s.ref.TaxonomyAt(on).Category(category)
	if !ok {
		return category
	}
	words := c.Name
	if sc, ok := c.Subcategory(sub); ok {
		words += " (" + sc.Name + ")"
	}
	return words
}

// vettingQueue is the vetting unit's start page: open reviews, soonest
// due first.
type vettingQueue struct {
	pageData
	Reviews []reviewView
	Overdue int
	// Due are the clearances whose periodic review falls due within
	// dueWithinDays, or has passed; DueOverdue counts the latter.
	Due        []clearanceDue
	DueOverdue int
	DueWithin  int
}

// vettingQueuePage answers GET /vetting. Reading the queue is a read of
// officers' vetting, audited as one.
func (s *Server) vettingQueuePage(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.VettingQueue(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := vettingQueue{pageData: s.pageData(r)}
	known := map[string]officers.Officer{}
	for _, rv := range list {
		v, err := s.viewReview(r, rv, known)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		if v.Overdue {
			data.Overdue++
		}
		data.Reviews = append(data.Reviews, v)
	}
	if data.Due, err = s.clearancesDue(r, known); err != nil {
		s.failPage(w, r, err)
		return
	}
	data.DueWithin = dueWithinDays
	for _, c := range data.Due {
		if c.Overdue {
			data.DueOverdue++
		}
	}
	e := s.auditEntry(r, audit.Consult, "vetting-queue", "", audit.Success)
	e.Reason = strconv.Itoa(len(list)) + " open reviews and " + strconv.Itoa(len(data.Due)) + " clearances due listed"
	if err := s.db.Audit(r.Context(), e); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "vetting-queue", data)
}

// vettingReview is one review with the officer's clearances and, while it
// is open and the caller may decide it, the decision form.
type vettingReview struct {
	pageData
	Review     reviewView
	Clearances []vetting.Clearance
	CanDecide  bool
	Decisions  []vetting.Decision
	// Form is what was sent, kept when refused; Errors name the fields.
	Form    vetting.Review
	Version int
	Errors  map[string]string
	// Problem is a refusal not about one field; Done says the decision
	// was saved.
	Problem string
	Done    bool
}

func (s *Server) vettingReviewData(r *http.Request, id string) (vettingReview, error) {
	data := vettingReview{pageData: s.pageData(r), Decisions: vetting.Decisions, Errors: map[string]string{}}
	var rv vetting.Review
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		rv, err = tx.VettingReview(r.Context(), id)
		if err != nil {
			return err
		}
		return tx.Audit(r.Context(), s.auditEntry(r, audit.Consult, "vetting-review", rv.ID, audit.Success))
	})
	if err != nil {
		return data, err
	}
	if data.Review, err = s.viewReview(r, rv, map[string]officers.Officer{}); err != nil {
		return data, err
	}
	if data.Clearances, err = s.db.Clearances(r.Context(), rv.OfficerID, true); err != nil {
		return data, err
	}
	data.Version = rv.Version
	data.CanDecide = rv.Open() && access.Allowed(caller(r), access.VettingDecide)
	return data, nil
}

// vettingReviewPage answers GET /vetting/reviews/{id}.
func (s *Server) vettingReviewPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.vettingReviewData(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data.Done = r.URL.Query().Get("decided") == "1" && !data.Review.Open()
	s.render(w, r, http.StatusOK, "vetting-review", data)
}

// vettingDecisionForm answers POST /vetting/reviews/{id}: the decision. A
// refused decision shows the page again with the reasons and what was
// typed; a review that changed since the form was loaded is shown as it
// now stands, and nothing is applied.
func (s *Server) vettingDecisionForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	id := r.PathValue("id")
	sent := vetting.Review{Decision: vetting.Decision(r.PostForm.Get("decision")), Reasons: r.PostForm.Get("reasons"),
		Conditions: r.PostForm.Get("conditions")}
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	if verr != nil {
		version = -1
	}
	_, err := s.decideReview(r, id, sent, version)
	if err == nil {
		http.Redirect(w, r, "/vetting/reviews/"+id+"?decided=1", http.StatusSeeOther)
		return
	}
	kind := fault.KindOf(err)
	if kind != fault.Invalid && kind != fault.Conflict {
		s.failPage(w, r, err)
		return
	}
	data, rerr := s.vettingReviewData(r, id)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data.Form = sent
	data.Problem = refusalOnForm(err, data.Errors)
	s.render(w, r, statusOf(kind), "vetting-review", data)
}

// decideReview applies a decision to a review as read at version, in one
// transaction with its audit entry. The form and the API both come here.
func (s *Server) decideReview(r *http.Request, id string, sent vetting.Review, version int) (vetting.Review, error) {
	who := caller(r)
	var rv vetting.Review
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if rv, err = tx.VettingReview(r.Context(), id); err != nil {
			return err
		}
		if version != rv.Version {
			return fault.Errorf(fault.Conflict, "this review changed since you opened it: it is shown below as it now stands, and your decision was not saved")
		}
		read := rv.Version
		if err := rv.Decide(sent.Decision, sent.Reasons, sent.Conditions, who.User.Username, s.clock().UTC()); err != nil {
			return err
		}
		if err := tx.DecideVettingReview(r.Context(), rv, read, s.clock().UTC()); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "vetting-review", rv.ID, audit.Success)
		e.Reason = "decided: " + rv.Decision.Label().Name
		return tx.Audit(r.Context(), e)
	})
	return rv, err
}
