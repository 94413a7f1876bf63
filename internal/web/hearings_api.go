package web

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/hearings"
)

// noticeJSON is a notice as the API gives it: codes beside their words.
type noticeJSON struct {
	ID              string     `json:"id"`
	CaseID          string     `json:"case_id"`
	CaseReference   string     `json:"case_reference"`
	Kind            string     `json:"kind"`
	KindName        string     `json:"kind_name"`
	OfficerID       string     `json:"officer_id"`
	OfficerName     string     `json:"officer_name"`
	OfficerRank     string     `json:"officer_rank"`
	HearingOn       string     `json:"hearing_on"`
	HearingTime     string     `json:"hearing_time,omitempty"`
	Venue           string     `json:"venue,omitempty"`
	Text            string     `json:"text"`
	PublishFrom     string     `json:"publish_from"`
	PublishUntil    string     `json:"publish_until"`
	Status          string     `json:"status"`
	Standing        string     `json:"standing"`
	StandingName    string     `json:"standing_name"`
	Public          bool       `json:"public"`
	DraftedBy       string     `json:"drafted_by"`
	DraftedAt       time.Time  `json:"drafted_at"`
	SubmittedAt     *time.Time `json:"submitted_at,omitempty"`
	ApprovedBy      string     `json:"approved_by,omitempty"`
	ApprovedAt      *time.Time `json:"approved_at,omitempty"`
	WithdrawnBy     string     `json:"withdrawn_by,omitempty"`
	WithdrawnAt     *time.Time `json:"withdrawn_at,omitempty"`
	WithdrawnReason string     `json:"withdrawn_reason,omitempty"`
	Version         int        `json:"version"`
	AllowedActions  []string   `json:"allowed_actions"`
}

func (s *Server) noticeJSON(n hearings.Notice) noticeJSON {
	now := s.clock()
	st := n.Standing(now)
	out := noticeJSON{ID: n.ID, CaseID: n.CaseID, CaseReference: n.CaseReference, Kind: string(n.Kind), KindName: n.Kind.Label().Name,
		OfficerID: n.OfficerID, OfficerName: n.OfficerName, OfficerRank: n.OfficerRank, HearingOn: n.HearingOn.Format(time.DateOnly),
		HearingTime: n.HearingTime, Venue: n.Venue, Text: n.Text, PublishFrom: n.PublishFrom.Format(time.DateOnly),
		PublishUntil: n.PublishUntil.Format(time.DateOnly), Status: string(n.Status), Standing: string(st), StandingName: st.Label().Name,
		Public: n.Public(now), DraftedBy: n.DraftedBy, DraftedAt: n.DraftedAt, SubmittedAt: n.SubmittedAt, ApprovedBy: n.ApprovedBy,
		ApprovedAt: n.ApprovedAt, WithdrawnBy: n.WithdrawnBy, WithdrawnAt: n.WithdrawnAt, WithdrawnReason: n.WithdrawnReason,
		Version: n.Version, AllowedActions: []string{}}
	for _, a := range n.Allowed(now) {
		out.AllowedActions = append(out.AllowedActions, string(a))
	}
	return out
}

// listHearingNoticesAPI answers GET /api/v1/hearing-notices.
func (s *Server) listHearingNoticesAPI(w http.ResponseWriter, r *http.Request) {
	list, err := s.visibleNotices(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := []noticeJSON{}
	for _, n := range list {
		items = append(items, s.noticeJSON(n))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// getHearingNoticeAPI answers GET /api/v1/hearing-notices/{id}.
func (s *Server) getHearingNoticeAPI(w http.ResponseWriter, r *http.Request) {
	n, err := s.readNotice(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.noticeJSON(n))
}

// noticeRequest is the body that drafts a notice. Dates are YYYY-MM-DD;
// a publication day left out takes the default for the kind.
type noticeRequest struct {
	CaseID       string `json:"case_id"`
	Kind         string `json:"kind"`
	OfficerID    string `json:"officer_id"`
	HearingOn    string `json:"hearing_on"`
	HearingTime  string `json:"hearing_time"`
	Venue        string `json:"venue"`
	Text         string `json:"text"`
	PublishFrom  string `json:"publish_from"`
	PublishUntil string `json:"publish_until"`
}

// input checks the request's dates, naming each that is not one.
func (req noticeRequest) input(now time.Time) (hearings.DraftInput, error) {
	in := hearings.DraftInput{Kind: hearings.Kind(req.Kind), OfficerID: req.OfficerID, HearingTime: req.HearingTime, Venue: req.Venue, Text: req.Text}
	var f fault.Fields
	for _, d := range []struct {
		field, value string
		dst          *time.Time
	}{{"hearing_on", req.HearingOn, &in.HearingOn}, {"publish_from", req.PublishFrom, &in.PublishFrom}, {"publish_until", req.PublishUntil, &in.PublishUntil}} {
		if d.value == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.value)
		if err != nil {
			f.Add(d.field, "must be a date as YYYY-MM-DD")
			continue
		}
		*d.dst = t
	}
	if err := f.Err("the notice cannot be drafted"); err != nil {
		return in, err
	}
	fillDefaultPeriod(&in, now)
	return in, nil
}

// createHearingNoticeAPI answers POST /api/v1/hearing-notices: a draft on
// a case the caller may open.
func (s *Server) createHearingNoticeAPI(w http.ResponseWriter, r *http.Request) {
	var req noticeRequest
	if err := decodeJSON(w, r, &req, maxFormBody); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.CaseID == "" {
		var f fault.Fields
		f.Add("case_id", "is required")
		s.fail(w, r, f.Err("the notice cannot be drafted"))
		return
	}
	caseID, err := s.noticeCase(r, req.CaseID)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	in, err := req.input(s.clock())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.draftNotice(r, caseID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/hearing-notices/"+n.ID)
	writeJSON(w, http.StatusCreated, s.noticeJSON(n))
}

// noticeActionRequest is the body of a step on a notice: the version read
// (optional; when given, a notice that moved on is refused) and, to
// withdraw, the reasons.
type noticeActionRequest struct {
	Version *int   `json:"version"`
	Reasons string `json:"reasons"`
}

// hearingNoticeActAPI answers POST /api/v1/hearing-notices/{id}/submit,
// /approve and /withdraw.
func (s *Server) hearingNoticeActAPI(a hearings.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req noticeActionRequest
		if r.ContentLength != 0 {
			if err := decodeJSON(w, r, &req, maxFormBody); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		n, err := s.actOnNotice(r, r.PathValue("id"), a, req.Reasons, req.Version)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.noticeJSON(n))
	}
}
