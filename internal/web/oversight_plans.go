package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/oversight"
	"github.com/probity/probity/internal/store"
)

// --- Holding the chief officer to account ----------------------------------
//
// The oversight body sets requirements and notices and assesses the plans
// the chief officer's office submits (internal/oversight decides every
// step; the store keeps every revision). This file holds the JSON API and
// what the pages share with it; oversight_pages.go the staff pages and
// oversight_public.go the public view. Nothing here reads a case: a
// commitment's live figure is a published measure.

// oversightRoutes are the API, the staff pages and the public page.
func (s *Server) oversightRoutes() []route {
	return []route{
		{"GET", "/api/v1/oversight/requirements", access.OversightRead, s.apiRequirements, false},
		{"POST", "/api/v1/oversight/requirements", access.AccountSet, s.apiSetRequirement, false},
		{"GET", "/api/v1/oversight/requirements/{id}", access.OversightRead, s.apiRequirement, false},
		{"POST", "/api/v1/oversight/notices", access.AccountSet, s.apiIssueNotice, false},
		{"POST", "/api/v1/oversight/notices/{id}/end", access.AccountSet, s.apiEndNotice, false},
		{"POST", "/api/v1/oversight/plans", access.PlanDraft, s.apiStartPlan, false},
		{"GET", "/api/v1/oversight/plans/{id}", access.OversightRead, s.apiPlan, false},
		{"PUT", "/api/v1/oversight/plans/{id}/commitments", access.PlanDraft, s.apiSetCommitments, false},
		{"POST", "/api/v1/oversight/plans/{id}/submit", access.PlanSubmit, s.apiSubmitPlan, false},
		{"POST", "/api/v1/oversight/plans/{id}/assessment", access.AccountSet, s.apiAssessPlan, false},
		{"POST", "/api/v1/oversight/plans/{id}/close", access.AccountSet, s.apiClosePlan, false},
		{"POST", "/api/v1/oversight/plans/{id}/comments", access.OversightRead, s.apiCommentPlan, false},

		{"GET", "/oversight", access.OversightRead, s.oversightPage, true},
		{"GET", "/oversight/requirements/new", access.AccountSet, s.requirementFormPage, true},
		{"POST", "/oversight/requirements", access.AccountSet, s.requirementForm, true},
		{"GET", "/oversight/requirements/{id}", access.OversightRead, s.requirementPage, true},
		{"GET", "/oversight/notices/new", access.AccountSet, s.chiefNoticeFormPage, true},
		{"POST", "/oversight/notices", access.AccountSet, s.chiefNoticeForm, true},
		{"POST", "/oversight/notices/{id}/end", access.AccountSet, s.noticeEndForm, true},
		{"POST", "/oversight/plans", access.PlanDraft, s.startPlanForm, true},
		{"GET", "/oversight/plans/{id}", access.OversightRead, s.planPage, true},
		{"POST", "/oversight/plans/{id}/commitments", access.PlanDraft, s.addCommitmentForm, true},
		{"POST", "/oversight/plans/{id}/commitments/{n}/remove", access.PlanDraft, s.removeCommitmentForm, true},
		{"POST", "/oversight/plans/{id}/submit", access.PlanSubmit, s.submitPlanForm, true},
		{"GET", "/oversight/plans/{id}/assess", access.AccountSet, s.assessFormPage, true},
		{"POST", "/oversight/plans/{id}/assess", access.AccountSet, s.assessForm, true},
		{"POST", "/oversight/plans/{id}/close", access.AccountSet, s.closePlanForm, true},
		{"POST", "/oversight/plans/{id}/comments", access.OversightRead, s.commentPlanForm, true},

		{"GET", "/public/oversight", access.Public, s.publicOversightPage, true},
	}
}

// oversightFigures computes measures for oversight's pages and forms,
// keeping each result a minute (measurecache.go): live figures and the
// check of a commitment's labels ask for the same periods again and again.
func (s *Server) oversightFigures() cachedComputer {
	return cachedComputer{c: &s.liveFigures, svc: s.measuresNow(), clock: s.clock}
}

// measuresNow is the server's one measures service, on the server's
// clock.
func (s *Server) measuresNow() *measures.Service {
	if s.measures == nil {
		return measures.New(s.db, func() time.Time { return s.clock() })
	}
	return s.measures
}

// readDay reads a date written YYYY-MM-DD, naming field when it is not one.
func readDay(f *fault.Fields, field, v string, required bool) *time.Time {
	if v == "" {
		if required {
			f.Add(field, "is required")
		}
		return nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		f.Addf(field, "%q is not a date: write it as YYYY-MM-DD", v)
		return nil
	}
	return &d
}

// --- Requirements ----------------------------------------------------------

type requirementRequest struct {
	Title    string   `json:"title"`
	Text     string   `json:"text"`
	Reason   string   `json:"reason"`
	DueOn    string   `json:"due_on"`
	Measures []string `json:"measures"`
}

// setRequirement checks and stores a requirement, audited in the same
// transaction.
func (s *Server) setRequirement(r *http.Request, req requirementRequest) (oversight.Requirement, error) {
	now := s.clock().UTC()
	var f fault.Fields
	due := readDay(&f, "due_on", req.DueOn, true)
	rq := oversight.Requirement{Title: req.Title, Text: req.Text, Reason: req.Reason, Measures: req.Measures,
		SetBy: caller(r).User.Username, SetAt: now}
	if due != nil {
		rq.DueOn = *due
	}
	if err := rq.Validate(now); err != nil {
		for _, fe := range fault.FieldsOf(err) {
			if fe.Field != "due_on" || due != nil {
				f.Add(fe.Field, fe.Reason)
			}
		}
	}
	if err := f.Err("invalid requirement"); err != nil {
		return rq, err
	}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.CreateRequirement(r.Context(), &rq); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "oversight-req", rq.ID, audit.Success)
		e.Reason = "requirement set: " + rq.Title
		return tx.Audit(r.Context(), e)
	})
	return rq, err
}

func (s *Server) apiRequirements(w http.ResponseWriter, r *http.Request) {
	rs, err := s.db.Requirements(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rs == nil {
		rs = []oversight.Requirement{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"requirements": rs})
}

func (s *Server) apiSetRequirement(w http.ResponseWriter, r *http.Request) {
	var req requirementRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	rq, err := s.setRequirement(r, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rq)
}

// requirementFile is a requirement with everything done on it.
type requirementFile struct {
	Requirement oversight.Requirement `json:"requirement"`
	Notices     []oversight.Notice    `json:"notices"`
	Plans       []oversight.Plan      `json:"plans"`
	Timeline    []oversight.Event     `json:"timeline"`
}

// readRequirement reads a requirement, the notices naming it and its
// plans. Drafts and comments are left out unless withDrafts.
func (s *Server) readRequirement(r *http.Request, id string, withDrafts bool) (requirementFile, error) {
	var out requirementFile
	rq, err := s.db.Requirement(r.Context(), id)
	if err != nil {
		return out, err
	}
	all, err := s.db.Notices(r.Context())
	if err != nil {
		return out, err
	}
	ns := []oversight.Notice{}
	for _, n := range all {
		if slices.Contains(n.RequirementIDs, id) {
			ns = append(ns, n)
		}
	}
	ps, err := s.db.Plans(r.Context(), id)
	if err != nil {
		return out, err
	}
	var cs []oversight.Comment
	if withDrafts {
		if cs, err = s.db.Comments(r.Context(), id); err != nil {
			return out, err
		}
	} else {
		ps = publicPlans(ps)
	}
	if ps == nil {
		ps = []oversight.Plan{}
	}
	return requirementFile{Requirement: rq, Notices: ns, Plans: ps, Timeline: oversight.Timeline(rq, ns, ps, cs, withDrafts)}, nil
}

// publicPlans keeps what the public may see of plans: submitted revisions
// only, never a draft.
func publicPlans(ps []oversight.Plan) []oversight.Plan {
	var out []oversight.Plan
	for _, p := range ps {
		var revs []oversight.Revision
		for _, rev := range p.Revisions {
			if rev.SubmittedAt != nil {
				revs = append(revs, rev)
			}
		}
		if len(revs) > 0 {
			p.Revisions = revs
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) apiRequirement(w http.ResponseWriter, r *http.Request) {
	file, err := s.readRequirement(r, r.PathValue("id"), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, file)
}

// --- Notices ---------------------------------------------------------------

type chiefNoticeRequest struct {
	Reasons        string   `json:"reasons"`
	RequirementIDs []string `json:"requirement_ids"`
}

func (s *Server) issueNotice(r *http.Request, req chiefNoticeRequest) (oversight.Notice, error) {
	var n oversight.Notice
	// Read before the transaction, so that it never holds one connection
	// of the pool while it waits for another.
	found, err := s.db.RequirementRefs(r.Context(), req.RequirementIDs)
	if err != nil {
		return n, err
	}
	known := func(id string) bool { _, ok := found[id]; return ok }
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if n, err = oversight.NewNotice(req.Reasons, req.RequirementIDs, known, caller(r).User.Username, s.clock()); err != nil {
			return err
		}
		if err := tx.CreateNotice(r.Context(), &n); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "oversight-notice", n.ID, audit.Success)
		e.Reason = "chief officer put on notice"
		return tx.Audit(r.Context(), e)
	})
	return n, err
}

func (s *Server) apiIssueNotice(w http.ResponseWriter, r *http.Request) {
	var req chiefNoticeRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.issueNotice(r, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, n)
}

type noticeEndRequest struct {
	Action  oversight.Action `json:"action"`
	Reasons string           `json:"reasons"`
	Version int              `json:"version"`
}

func (s *Server) endNotice(r *http.Request, id string, req noticeEndRequest) (oversight.Notice, error) {
	var n oversight.Notice
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if n, err = tx.Notice(r.Context(), id); err != nil {
			return err
		}
		read := n.Version
		if req.Version != read {
			return fault.Errorf(fault.Conflict, "the notice changed since you read it: read it again")
		}
		if err := n.End(req.Action, req.Reasons, caller(r).Roles, caller(r).User.Username, s.clock()); err != nil {
			return err
		}
		if err := tx.EndNotice(r.Context(), n, read); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "oversight-notice", n.ID, audit.Success)
		e.Reason = "notice " + n.State.Words()
		return tx.Audit(r.Context(), e)
	})
	return n, err
}

func (s *Server) apiEndNotice(w http.ResponseWriter, r *http.Request) {
	var req noticeEndRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.endNotice(r, r.PathValue("id"), req)
	if err != nil {
		s.failOversight(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

// failOversight answers a refusal of a step on a plan or notice as the
// case workflow does: 409 (or 403 for want of the role) naming the state
// and the steps allowed now.
func (s *Server) failOversight(w http.ResponseWriter, r *http.Request, err error, p *oversight.Plan) {
	var na *oversight.NotAllowedError
	if !errors.As(err, &na) {
		s.fail(w, r, err)
		return
	}
	status := http.StatusConflict
	if na.ByRole {
		status = http.StatusForbidden
	}
	allowed := []string{}
	for _, a := range na.Allowed {
		allowed = append(allowed, string(a))
	}
	extra := map[string]any{"allowed": allowed}
	if p != nil {
		extra["state"] = p.State
	}
	writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: na.Error(), Extra: extra})
}

// --- Plans -----------------------------------------------------------------

type planRequest struct {
	RequirementID string `json:"requirement_id"`
	Title         string `json:"title"`
}

func (s *Server) startPlan(r *http.Request, req planRequest) (oversight.Plan, error) {
	who := caller(r)
	p, err := oversight.NewPlan(req.RequirementID, req.Title, who.Roles, who.User.Username, s.clock())
	if err != nil {
		return p, err
	}
	if _, err := s.db.Requirement(r.Context(), req.RequirementID); fault.Is(err, fault.NotFound) {
		var f fault.Fields
		f.Add("requirement_id", "names no requirement")
		return p, f.Err("invalid plan")
	} else if err != nil {
		return p, err
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.CreatePlan(r.Context(), &p); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "oversight-plan", p.ID, audit.Success)
		e.Reason = "plan begun: " + p.Title
		return tx.Audit(r.Context(), e)
	})
	return p, err
}

func (s *Server) apiStartPlan(w http.ResponseWriter, r *http.Request) {
	var req planRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.startPlan(r, req)
	if err != nil {
		s.failOversight(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// planView is a plan with the live figure of each commitment of its
// latest revision.
type planView struct {
	Plan    oversight.Plan     `json:"plan"`
	Figures []oversight.Figure `json:"figures"`
	Allowed []oversight.Action `json:"allowed"`
}

// figures computes the live figure of each commitment of rev, by quarters
// since the plan was first submitted (since now, for a draft).
func (s *Server) figures(r *http.Request, p oversight.Plan, rev oversight.Revision, public bool) []oversight.Figure {
	now := s.clock().UTC()
	since := now
	if first := p.Revisions[0]; first.SubmittedAt != nil {
		since = *first.SubmittedAt
	}
	svc := s.oversightFigures()
	out := make([]oversight.Figure, len(rev.Commitments))
	for i, c := range rev.Commitments {
		out[i] = oversight.Live(r.Context(), svc, c, since, now, public)
	}
	return out
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.Plan(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, planView{Plan: p, Figures: s.figures(r, p, p.Latest(), false), Allowed: orNone(p.Allowed(caller(r).Roles))})
}

func orNone(as []oversight.Action) []oversight.Action {
	if as == nil {
		return []oversight.Action{}
	}
	return as
}

// changePlan reads a plan, refuses it if it moved on since the caller read
// it (version), applies change and stores it with its audit entry.
func (s *Server) changePlan(r *http.Request, id string, version int, what string, change func(p *oversight.Plan) error) (oversight.Plan, error) {
	var p oversight.Plan
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if p, err = tx.Plan(r.Context(), id); err != nil {
			return err
		}
		read := p.Version
		if err := change(&p); err != nil {
			return err
		}
		if version != read {
			return fault.Errorf(fault.Conflict, "the plan changed since you opened it: it is shown as it now stands, and your change was not saved")
		}
		if err := tx.SavePlan(r.Context(), p, read); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "oversight-plan", p.ID, audit.Success)
		e.Reason = what
		return tx.Audit(r.Context(), e)
	})
	if err != nil {
		// The refusal names the plan as it stands, not as changed.
		if cur, rerr := s.db.Plan(r.Context(), id); rerr == nil {
			p = cur
		}
	}
	return p, err
}

type commitmentRequest struct {
	Text     string        `json:"text"`
	Measure  string        `json:"measure"`
	Group    []string      `json:"group"`
	Stat     measures.Stat `json:"stat"`
	Baseline *float64      `json:"baseline"`
	Target   *float64      `json:"target"`
	TargetOn string        `json:"target_on"`
}

type commitmentsRequest struct {
	Version     int                 `json:"version"`
	Commitments []commitmentRequest `json:"commitments"`
}

// commitmentsOf reads commitments as sent, naming each missing number or
// bad date by its place, together with everything else wrong with them, so
// that the caller sees every problem at once.
func commitmentsOf(reqs []commitmentRequest, now time.Time) ([]oversight.Commitment, error) {
	var f fault.Fields
	out := make([]oversight.Commitment, len(reqs))
	for i, c := range reqs {
		name := func(field string) string { return fmt.Sprintf("commitments[%d].%s", i, field) }
		out[i] = oversight.Commitment{Text: c.Text, Measure: c.Measure, Group: c.Group, Stat: c.Stat}
		if out[i].Group == nil {
			out[i].Group = []string{}
		}
		if c.Baseline == nil {
			f.Add(name("baseline"), "is required")
		} else {
			out[i].Baseline = *c.Baseline
		}
		if c.Target == nil {
			f.Add(name("target"), "is required")
		} else {
			out[i].Target = *c.Target
		}
		if d := readDay(&f, name("target_on"), c.TargetOn, true); d != nil {
			out[i].TargetOn = *d
		}
	}
	if f.Len() == 0 {
		return out, nil
	}
	parsed := map[string]bool{}
	for _, fe := range fault.FieldsOf(f.Err("")) {
		parsed[fe.Field] = true
	}
	var more fault.Fields
	for i, c := range out {
		c.Validate(&more, i, now)
	}
	for _, fe := range fault.FieldsOf(more.Err("")) {
		if !parsed[fe.Field] {
			f.Add(fe.Field, fe.Reason)
		}
	}
	return out, f.Err("invalid commitments")
}

func (s *Server) apiSetCommitments(w http.ResponseWriter, r *http.Request) {
	var req commitmentsRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	// The figures the commitments name are worked out before the plan's
	// transaction, which holds the write lock and should not wait on them.
	var named []string
	for _, c := range req.Commitments {
		named = append(named, c.Measure)
	}
	pub := oversight.PublishedFigures(r.Context(), s.oversightFigures(), named, s.clock())
	p, err := s.changePlan(r, r.PathValue("id"), req.Version, "commitments drafted", func(p *oversight.Plan) error {
		// The state is checked before the input, so that a plan no longer
		// open to drafting says so whatever was sent.
		if !slices.Contains(p.Allowed(caller(r).Roles), oversight.ActEdit) {
			return p.SetCommitments(nil, caller(r).Roles, s.clock())
		}
		cs, err := commitmentsOf(req.Commitments, s.clock())
		if err != nil {
			return err
		}
		var f fault.Fields
		for i, c := range cs {
			pub.Check(&f, i, c)
		}
		if err := f.Err("invalid commitments"); err != nil {
			return err
		}
		return p.SetCommitments(cs, caller(r).Roles, s.clock())
	})
	s.answerPlan(w, r, p, err)
}

// answerPlan answers a change to a plan: the plan, or the refusal.
func (s *Server) answerPlan(w http.ResponseWriter, r *http.Request, p oversight.Plan, err error) {
	if err != nil {
		s.failOversight(w, r, err, &p)
		return
	}
	writeJSON(w, http.StatusOK, planView{Plan: p, Figures: []oversight.Figure{}, Allowed: orNone(p.Allowed(caller(r).Roles))})
}

type versionRequest struct {
	Version int `json:"version"`
}

// submitAction is submit for a first revision, resubmit after a rejection.
func submitAction(p oversight.Plan) oversight.Action {
	if len(p.Revisions) > 1 {
		return oversight.ActResubmit
	}
	return oversight.ActSubmit
}

func (s *Server) apiSubmitPlan(w http.ResponseWriter, r *http.Request) {
	var req versionRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.changePlan(r, r.PathValue("id"), req.Version, "plan submitted", func(p *oversight.Plan) error {
		return p.Submit(submitAction(*p), caller(r).Roles, caller(r).User.Username, s.clock())
	})
	s.answerPlan(w, r, p, err)
}

type verdictRequest struct {
	Verdict oversight.Verdict `json:"verdict"`
	Reasons string            `json:"reasons"`
}

type assessmentRequest struct {
	Version     int               `json:"version"`
	Outcome     oversight.Outcome `json:"outcome"`
	Reasons     string            `json:"reasons"`
	Conditions  string            `json:"conditions"`
	ResubmitBy  string            `json:"resubmit_by"`
	Commitments []verdictRequest  `json:"commitments"`
}

func (s *Server) assess(r *http.Request, id string, req assessmentRequest) (oversight.Plan, error) {
	return s.changePlan(r, id, req.Version, "plan assessed: "+string(req.Outcome), func(p *oversight.Plan) error {
		if !slices.Contains(p.Allowed(caller(r).Roles), oversight.ActAssess) {
			return p.Assess(oversight.Assessment{}, caller(r).Roles, "", s.clock())
		}
		var f fault.Fields
		a := oversight.Assessment{Outcome: req.Outcome, Reasons: req.Reasons, Conditions: req.Conditions,
			ResubmitBy: readDay(&f, "resubmit_by", req.ResubmitBy, false)}
		if err := f.Err("invalid assessment"); err != nil {
			return err
		}
		for _, v := range req.Commitments {
			a.Commitments = append(a.Commitments, oversight.CommitmentDecision(v))
		}
		return p.Assess(a, caller(r).Roles, caller(r).User.Username, s.clock())
	})
}

func (s *Server) apiAssessPlan(w http.ResponseWriter, r *http.Request) {
	var req assessmentRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.assess(r, r.PathValue("id"), req)
	s.answerPlan(w, r, p, err)
}

func (s *Server) apiClosePlan(w http.ResponseWriter, r *http.Request) {
	var req versionRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.changePlan(r, r.PathValue("id"), req.Version, "plan closed", func(p *oversight.Plan) error {
		return p.Close(caller(r).Roles, caller(r).User.Username, s.clock())
	})
	s.answerPlan(w, r, p, err)
}

type commentRequest struct {
	Text string `json:"text"`
}

func (s *Server) comment(r *http.Request, id, text string) (oversight.Comment, error) {
	var c oversight.Comment
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		p, err := tx.Plan(r.Context(), id)
		if err != nil {
			return err
		}
		if c, err = oversight.NewComment(p, text, caller(r).Roles, caller(r).User.Username, s.clock()); err != nil {
			return err
		}
		if err := tx.AddComment(r.Context(), c); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "oversight-plan", p.ID, audit.Success)
		e.Reason = "commented on the plan"
		return tx.Audit(r.Context(), e)
	})
	return c, err
}

func (s *Server) apiCommentPlan(w http.ResponseWriter, r *http.Request) {
	var req commentRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.comment(r, r.PathValue("id"), req.Text)
	if err != nil {
		s.failOversight(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// atoi reads a whole number from a form, -1 when it is not one.
func atoi(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}
