package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/vetting"
)

// vettingAPIRoutes are the vetting unit's JSON API: the same reads and
// decisions as its pages, under the same permissions and audit.
func (s *Server) vettingAPIRoutes() []route {
	return []route{
		{"GET", "/api/v1/vetting/reviews", access.VettingRead, s.apiVettingQueue, false},
		{"GET", "/api/v1/vetting/reviews/{id}", access.VettingRead, s.apiVettingReview, false},
		{"POST", "/api/v1/vetting/reviews/{id}/decision", access.VettingDecide, s.apiDecideReview, false},
		{"GET", "/api/v1/vetting/officers/{id}", access.VettingRead, s.apiOfficerVetting, false},
		{"POST", "/api/v1/vetting/officers/{id}/clearances", access.VettingDecide, s.apiRecordClearance, false},
	}
}

// officerRef names an officer in an answer as pages do.
type officerRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func refOf(o officers.Officer) officerRef { return officerRef{ID: o.ID, Name: officerName(o)} }

// reviewJSON is a review as the API gives it: what the vetting unit may
// know of the case that opened it, and no more.
type reviewJSON struct {
	ID      string     `json:"id"`
	Officer officerRef `json:"officer"`
	Trigger struct {
		Kind          vetting.TriggerKind `json:"kind"`
		Why           string              `json:"why"`
		Category      string              `json:"category,omitempty"`
		Subcategory   string              `json:"subcategory,omitempty"`
		CaseReference string              `json:"case_reference,omitempty"`
		AllegationOn  string              `json:"allegation_on,omitempty"`
		Count         int                 `json:"count,omitempty"`
	} `json:"trigger"`
	OpenedAt   time.Time        `json:"opened_at"`
	DueBy      string           `json:"due_by"`
	Overdue    bool             `json:"overdue"`
	Decision   vetting.Decision `json:"decision,omitempty"`
	Reasons    string           `json:"reasons,omitempty"`
	Conditions string           `json:"conditions,omitempty"`
	DecidedBy  string           `json:"decided_by,omitempty"`
	DecidedAt  *time.Time       `json:"decided_at,omitempty"`
	Version    int              `json:"version"`
}

func reviewOut(v reviewView) reviewJSON {
	out := reviewJSON{ID: v.ID, Officer: refOf(v.Officer), OpenedAt: v.OpenedAt, DueBy: v.DueBy.Format(time.DateOnly), Overdue: v.Overdue,
		Decision: v.Decision, Reasons: v.Reasons, Conditions: v.Conditions, DecidedBy: v.DecidedBy, DecidedAt: v.DecidedAt, Version: v.Version}
	t := v.Trigger
	out.Trigger.Kind, out.Trigger.Why, out.Trigger.Category, out.Trigger.Subcategory = t.Kind, v.Why, t.Category, t.Subcategory
	out.Trigger.CaseReference, out.Trigger.Count = t.CaseReference, t.Count
	if !t.AllegationOn.IsZero() {
		out.Trigger.AllegationOn = t.AllegationOn.Format(time.DateOnly)
	}
	return out
}

// clearanceJSON is one vetting decision.
type clearanceJSON struct {
	ID         string         `json:"id"`
	Officer    *officerRef    `json:"officer,omitempty"`
	Level      vetting.Level  `json:"level"`
	LevelName  string         `json:"level_name"`
	Status     vetting.Status `json:"status"`
	StatusName string         `json:"status_name"`
	GrantedOn  string         `json:"granted_on"`
	ReviewDue  string         `json:"review_due,omitempty"`
	Overdue    bool           `json:"overdue,omitempty"`
	Conditions string         `json:"conditions,omitempty"`
	Reasons    string         `json:"reasons"`
	DecidedBy  string         `json:"decided_by"`
	DecidedAt  time.Time      `json:"decided_at"`
	AppealOf   string         `json:"appeal_of,omitempty"`
}

func clearanceOut(c vetting.Clearance) clearanceJSON {
	out := clearanceJSON{ID: c.ID, Level: c.Level, LevelName: c.Level.Label().Name, Status: c.Status, StatusName: c.Status.Label().Name,
		GrantedOn: c.GrantedOn.Format(time.DateOnly), Conditions: c.Conditions, Reasons: c.Reasons, DecidedBy: c.DecidedBy,
		DecidedAt: c.DecidedAt, AppealOf: c.AppealOf}
	if c.ReviewDue != nil {
		out.ReviewDue = c.ReviewDue.Format(time.DateOnly)
	}
	return out
}

func clearancesOut(cs []vetting.Clearance) []clearanceJSON {
	out := make([]clearanceJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, clearanceOut(c))
	}
	return out
}

// apiVettingQueue answers GET /api/v1/vetting/reviews: the open reviews,
// soonest due first, and the clearances due for their periodic review.
func (s *Server) apiVettingQueue(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.VettingQueue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	known := map[string]officers.Officer{}
	out := struct {
		Reviews       []reviewJSON    `json:"reviews"`
		ClearancesDue []clearanceJSON `json:"clearances_due"`
		DueWithinDays int             `json:"due_within_days"`
	}{Reviews: []reviewJSON{}, ClearancesDue: []clearanceJSON{}, DueWithinDays: dueWithinDays}
	for _, rv := range list {
		v, err := s.viewReview(r, rv, known)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Reviews = append(out.Reviews, reviewOut(v))
	}
	due, err := s.clearancesDue(r, known)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range due {
		j := clearanceOut(c.Clearance)
		ref := refOf(c.Officer)
		j.Officer, j.Overdue = &ref, c.Overdue
		out.ClearancesDue = append(out.ClearancesDue, j)
	}
	e := s.auditEntry(r, audit.Consult, "vetting-queue", "", audit.Success)
	e.Reason = strconv.Itoa(len(out.Reviews)) + " open reviews and " + strconv.Itoa(len(out.ClearancesDue)) + " clearances due listed"
	if err := s.db.Audit(r.Context(), e); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// apiVettingReview answers GET /api/v1/vetting/reviews/{id}.
func (s *Server) apiVettingReview(w http.ResponseWriter, r *http.Request) {
	data, err := s.vettingReviewData(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reviewOut(data.Review))
}

// decisionRequest is a review's decision as the API takes it; Version is
// the review's version as the caller read it.
type decisionRequest struct {
	Decision   vetting.Decision `json:"decision"`
	Reasons    string           `json:"reasons"`
	Conditions string           `json:"conditions"`
	Version    int              `json:"version"`
}

// apiDecideReview answers POST /api/v1/vetting/reviews/{id}/decision.
func (s *Server) apiDecideReview(w http.ResponseWriter, r *http.Request) {
	var req decisionRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	rv, err := s.decideReview(r, r.PathValue("id"), vetting.Review{Decision: req.Decision, Reasons: req.Reasons, Conditions: req.Conditions}, req.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.viewReview(r, rv, map[string]officers.Officer{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reviewOut(v))
}

// apiOfficerVetting answers GET /api/v1/vetting/officers/{id}: where the
// officer stands at each level, every decision, and the reviews.
func (s *Server) apiOfficerVetting(w http.ResponseWriter, r *http.Request) {
	data, err := s.vettingOfficerData(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		Officer officerRef      `json:"officer"`
		Current []clearanceJSON `json:"current"`
		History []clearanceJSON `json:"history"`
		Reviews []reviewJSON    `json:"reviews"`
	}{Officer: refOf(data.Officer), Current: clearancesOut(data.Current), History: clearancesOut(data.History), Reviews: []reviewJSON{}}
	for _, v := range data.Reviews {
		out.Reviews = append(out.Reviews, reviewOut(v))
	}
	writeJSON(w, http.StatusOK, out)
}

// clearanceRequest is a vetting decision as the API takes it; dates are
// YYYY-MM-DD.
type clearanceRequest struct {
	Level      string `json:"level"`
	Status     string `json:"status"`
	GrantedOn  string `json:"granted_on"`
	ReviewDue  string `json:"review_due"`
	Conditions string `json:"conditions"`
	Reasons    string `json:"reasons"`
	AppealOf   string `json:"appeal_of"`
}

// apiRecordClearance answers POST /api/v1/vetting/officers/{id}/clearances.
func (s *Server) apiRecordClearance(w http.ResponseWriter, r *http.Request) {
	var req clearanceRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	officerID := r.PathValue("id")
	if _, err := s.db.Officer(r.Context(), officerID); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.recordClearance(r, officerID, clearanceForm(req))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, clearanceOut(c))
}
