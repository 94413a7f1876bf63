package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/oversight"
)

// The oversight body's and the chief officer's office's pages: the list of
// requirements and notices, a requirement with its timeline, the notice
// and requirement forms, a plan with its commitments' live figures and its
// editor, and the assessment form. Each goes through the same functions as
// its API twin (oversight_plans.go), so it is checked and audited alike.

// ovErrors are a form's refusals, by the id of the input each names, in
// the order the domain gave them, for the error summary.
type ovErrors struct {
	List []ovError
	By   map[string]string
	// Problem is a refusal about no one field (a plan in another state).
	Problem string
}

type ovError struct{ ID, Reason string }

func newOvErrors() ovErrors { return ovErrors{By: map[string]string{}} }

var commitmentField = regexp.MustCompile(`^commitments\[(\d+)\]\.(\w+)`)

// add records err's fields; rename maps a domain field to an input id.
func (fe *ovErrors) add(err error, rename func(string) string) {
	var e *fault.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		fe.Problem = fault.Message(err)
		if fe.Problem == "" {
			fe.Problem = "Something went wrong on our side; it has been logged."
		}
		return
	}
	for _, f := range e.Fields {
		id := rename(f.Field)
		if _, dup := fe.By[id]; !dup {
			fe.List = append(fe.List, ovError{ID: id, Reason: fieldWords(f.Field, f.Reason)})
		}
		fe.By[id] = f.Reason
	}
}

// fieldWords puts a field's name in words before its reason, for the
// error summary.
func fieldWords(field, reason string) string {
	names := map[string]string{"title": "Title", "text": "What is required", "reason": "Why", "due_on": "Due date",
		"measures": "Measures", "reasons": "Reasons", "requirements": "Requirements", "outcome": "Outcome",
		"conditions": "Conditions", "resubmit_by": "Resubmit by", "commitments": "Commitments", "measure": "Measure",
		"group": "Figure", "stat": "Statistic", "baseline": "Baseline", "target": "Target", "target_on": "Target date",
		"verdict": "Decision", "requirement_id": "Requirement"}
	if m := commitmentField.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("Commitment %d, %s: %s", n+1, strings.ToLower(names[m[2]]), reason)
	}
	if n, ok := names[field]; ok {
		return n + " " + reason
	}
	return reason
}

func sameName(f string) string { return f }

// readOvForm parses a form post, capped.
func readOvForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "the form could not be read")
	}
	return nil
}

// measureChoice is a measure offered on a form.
type measureChoice struct {
	ID, Title, Groups string
	Checked           bool
}

func measureChoices(checked []string) []measureChoice {
	var out []measureChoice
	for _, m := range measures.Catalogue() {
		out = append(out, measureChoice{ID: m.ID, Title: m.Title, Groups: strings.Join(m.Groups, " / "), Checked: slices.Contains(checked, m.ID)})
	}
	return out
}

// --- The list ---------------------------------------------------------------

type requirementRow struct {
	oversight.Requirement
	OnNotice bool
	Plan     string // the latest plan's state in words, or ""
}

type noticeRow struct {
	oversight.Notice
	Requirements []oversight.RequirementRef
}

type oversightListPage struct {
	pageData
	Requirements []requirementRow
	InForce      []noticeRow
	Ended        []noticeRow
	CanSet       bool
	Errors       ovErrors
	// EndForm is the notice whose end was refused, and what was sent.
	EndID, EndAction, EndReasons string
	Done                         string
}

func (s *Server) oversightListData(r *http.Request) (oversightListPage, error) {
	data := oversightListPage{pageData: s.pageData(r), CanSet: access.Allowed(caller(r), access.AccountSet), Errors: newOvErrors()}
	rs, err := s.db.Requirements(r.Context())
	if err != nil {
		return data, err
	}
	ns, err := s.db.Notices(r.Context())
	if err != nil {
		return data, err
	}
	ps, err := s.db.Plans(r.Context(), "")
	if err != nil {
		return data, err
	}
	refs := map[string]oversight.RequirementRef{}
	for _, rq := range rs {
		refs[rq.ID] = rq.Ref()
	}
	for _, n := range ns {
		row := noticeRow{Notice: n}
		for _, id := range n.RequirementIDs {
			row.Requirements = append(row.Requirements, refs[id])
		}
		if n.State == oversight.InForce {
			data.InForce = append(data.InForce, row)
		} else {
			data.Ended = append(data.Ended, row)
		}
	}
	for _, rq := range rs {
		row := requirementRow{Requirement: rq}
		for _, n := range data.InForce {
			row.OnNotice = row.OnNotice || slices.Contains(n.RequirementIDs, rq.ID)
		}
		for _, p := range ps {
			if p.RequirementID == rq.ID {
				row.Plan = p.State.Name()
			}
		}
		data.Requirements = append(data.Requirements, row)
	}
	return data, nil
}

// oversightPage answers GET /oversight.
func (s *Server) oversightPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.oversightListData(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data.Done = map[string]string{"requirement": "The requirement has been set.", "notice": "The notice has been issued.",
		"ended": "The notice has been ended."}[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "oversight", data)
}

// noticeEndForm answers POST /oversight/notices/{id}/end.
func (s *Server) noticeEndForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	id := r.PathValue("id")
	req := noticeEndRequest{Action: oversight.Action(r.PostForm.Get("action")), Reasons: r.PostForm.Get("reasons"), Version: atoi(r.PostForm.Get("version"))}
	_, err := s.endNotice(r, id, req)
	if err == nil {
		http.Redirect(w, r, "/oversight?done=ended", http.StatusSeeOther)
		return
	}
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.failPage(w, r, err)
		return
	}
	data, rerr := s.oversightListData(r)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data.Errors.add(err, func(f string) string { return "end-" + id + "-" + f })
	data.EndID, data.EndAction, data.EndReasons = id, string(req.Action), req.Reasons
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight", data)
}

// --- Requirements -----------------------------------------------------------

type requirementFormPage struct {
	pageData
	Form     requirementRequest
	Measures []measureChoice
	Errors   ovErrors
}

func (s *Server) requirementFormPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "oversight-requirement-new", requirementFormPage{pageData: s.pageData(r), Measures: measureChoices(nil), Errors: newOvErrors()})
}

// requirementForm answers POST /oversight/requirements.
func (s *Server) requirementForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	req := requirementRequest{Title: r.PostForm.Get("title"), Text: r.PostForm.Get("text"), Reason: r.PostForm.Get("reason"),
		DueOn: strings.TrimSpace(r.PostForm.Get("due_on")), Measures: r.PostForm["measures"]}
	rq, err := s.setRequirement(r, req)
	if err == nil {
		http.Redirect(w, r, "/oversight/requirements/"+rq.ID+"?done=set", http.StatusSeeOther)
		return
	}
	if fault.KindOf(err) != fault.Invalid {
		s.failPage(w, r, err)
		return
	}
	data := requirementFormPage{pageData: s.pageData(r), Form: req, Measures: measureChoices(req.Measures), Errors: newOvErrors()}
	data.Errors.add(err, func(f string) string { return "requirement-" + strings.ReplaceAll(f, "_", "-") })
	s.render(w, r, http.StatusUnprocessableEntity, "oversight-requirement-new", data)
}

type planRow struct {
	oversight.Plan
	Revision int
}

type requirementPage struct {
	pageData
	File     requirementFile
	Measures []measureChoice
	Plans    []planRow
	CanDraft bool
	Errors   ovErrors
	Title    string
	Done     bool
}

func (s *Server) requirementData(r *http.Request, id string) (requirementPage, error) {
	data := requirementPage{pageData: s.pageData(r), CanDraft: access.Allowed(caller(r), access.PlanDraft), Errors: newOvErrors()}
	file, err := s.readRequirement(r, id, true)
	if err != nil {
		return data, err
	}
	data.File = file
	for _, m := range measureChoices(file.Requirement.Measures) {
		if m.Checked {
			data.Measures = append(data.Measures, m)
		}
	}
	for _, p := range file.Plans {
		data.Plans = append(data.Plans, planRow{Plan: p, Revision: p.Latest().N})
	}
	return data, nil
}

// requirementPage answers GET /oversight/requirements/{id}.
func (s *Server) requirementPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.requirementData(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data.Done = r.URL.Query().Get("done") == "set"
	s.render(w, r, http.StatusOK, "oversight-requirement", data)
}

// startPlanForm answers POST /oversight/plans: a new draft plan.
func (s *Server) startPlanForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	req := planRequest{RequirementID: r.PostForm.Get("requirement_id"), Title: r.PostForm.Get("title")}
	p, err := s.startPlan(r, req)
	if err == nil {
		http.Redirect(w, r, "/oversight/plans/"+p.ID, http.StatusSeeOther)
		return
	}
	if fault.KindOf(err) != fault.Invalid || slices.ContainsFunc(fault.FieldsOf(err), func(fe fault.FieldError) bool {
		return fe.Field == "requirement_id" || fe.Field == "requirement"
	}) {
		s.failPage(w, r, err)
		return
	}
	data, rerr := s.requirementData(r, req.RequirementID)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data.Title = req.Title
	data.Errors.add(err, func(f string) string { return "plan-" + f })
	s.render(w, r, http.StatusUnprocessableEntity, "oversight-requirement", data)
}

// --- Notices ----------------------------------------------------------------

type chiefNoticePage struct {
	pageData
	Requirements []oversight.Requirement
	Chosen       []string
	Reasons      string
	Errors       ovErrors
}

func (s *Server) chiefNoticeFormPage(w http.ResponseWriter, r *http.Request) {
	rs, err := s.db.Requirements(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "oversight-notice-new", chiefNoticePage{pageData: s.pageData(r), Requirements: rs, Errors: newOvErrors(),
		Chosen: r.URL.Query()["requirement"]})
}

// chiefNoticeForm answers POST /oversight/notices.
func (s *Server) chiefNoticeForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	req := chiefNoticeRequest{Reasons: r.PostForm.Get("reasons"), RequirementIDs: r.PostForm["requirements"]}
	_, err := s.issueNotice(r, req)
	if err == nil {
		http.Redirect(w, r, "/oversight?done=notice", http.StatusSeeOther)
		return
	}
	if fault.KindOf(err) != fault.Invalid {
		s.failPage(w, r, err)
		return
	}
	rs, rerr := s.db.Requirements(r.Context())
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data := chiefNoticePage{pageData: s.pageData(r), Requirements: rs, Chosen: req.RequirementIDs, Reasons: req.Reasons, Errors: newOvErrors()}
	data.Errors.add(err, func(f string) string { return "notice-" + f })
	s.render(w, r, http.StatusUnprocessableEntity, "oversight-notice-new", data)
}

// --- Plans ------------------------------------------------------------------

// figureView is a live figure in words.
type figureView struct {
	Status     oversight.Status
	StatusName string
	Tag        string // the tag's colour class
	Now        string
	NowPeriod  string
	Points     []pointView
	Projected  string
	Why        string
}

type pointView struct{ Period, Value string }

// commitmentView is a commitment in words, with its verdict and figure.
type commitmentView struct {
	N        int
	Text     string
	Measure  string
	Figure   string
	Baseline string
	Target   string
	TargetOn time.Time
	Verdict  string
	Why      string
	Live     *figureView
}

func viewFigure(c oversight.Commitment, f oversight.Figure) *figureView {
	v := &figureView{Status: f.Status, StatusName: f.Status.Name(), Why: f.Why}
	v.Tag = map[oversight.Status]string{oversight.OnTrack: "govuk-tag--green", oversight.Met: "govuk-tag--green",
		oversight.OffTrack: "govuk-tag--red", oversight.Missed: "govuk-tag--red", oversight.TooEarly: "govuk-tag--yellow"}[f.Status]
	if v.Tag == "" {
		v.Tag = "govuk-tag--grey"
	}
	if f.Now != nil {
		v.Now, v.NowPeriod = oversight.FormatValue(c.Stat, f.Now.Value), f.Now.Period
	}
	for _, p := range f.Points {
		v.Points = append(v.Points, pointView{Period: p.Period, Value: oversight.FormatValue(c.Stat, p.Value)})
	}
	if f.Projected != nil {
		v.Projected = oversight.FormatValue(c.Stat, *f.Projected)
	}
	return v
}

func viewCommitments(rev oversight.Revision, figs []oversight.Figure) []commitmentView {
	out := make([]commitmentView, len(rev.Commitments))
	for i, c := range rev.Commitments {
		m, _ := measures.Lookup(c.Measure)
		out[i] = commitmentView{N: i + 1, Text: c.Text, Measure: m.Title, Figure: strings.Join(c.Group, ", ") + " (" + oversight.StatName(c.Stat) + ")",
			Baseline: oversight.FormatValue(c.Stat, c.Baseline), Target: oversight.FormatValue(c.Stat, c.Target), TargetOn: c.TargetOn}
		if out[i].Measure == "" {
			out[i].Measure = c.Measure
		}
		if a := rev.Assessment; a != nil && i < len(a.Commitments) {
			out[i].Verdict, out[i].Why = a.Commitments[i].Verdict.Name(), a.Commitments[i].Reasons
		}
		if figs != nil {
			out[i].Live = viewFigure(c, figs[i])
		}
	}
	return out
}

type revisionView struct {
	oversight.Revision
	Commitments []commitmentView
	Outcome     string
}

// commitmentForm is the add-a-commitment form as sent.
type commitmentForm struct {
	Text, Measure, Group, Stat, Baseline, Target, TargetOn string
}

type planPage struct {
	pageData
	Plan        oversight.Plan
	StateName   string
	Requirement oversight.Requirement
	Latest      revisionView
	Earlier     []revisionView
	Drafting    bool
	Allowed     map[string]bool
	Comments    []oversight.Comment
	Measures    []measureChoice
	Stats       []statChoice
	Form        commitmentForm
	Errors      ovErrors
	Done        string
	Overdue     bool
	// Figures are what each measure publishes, for whoever writes the
	// plan to name one exactly: the page works without script, so the
	// figure is typed, and this is where to read its labels.
	Figures []measureFigures
}

// measureFigures are one measure's figures in words: each its labels as a
// commitment names them, and its statistic.
type measureFigures struct {
	Title   string
	Figures []string
}

// publishedFigureList lists the figures each measure of the catalogue
// publishes for the twelve months to today; a measure with none then is
// left out.
func (s *Server) publishedFigureList(r *http.Request) []measureFigures {
	var ids []string
	for _, m := range measures.Catalogue() {
		ids = append(ids, m.ID)
	}
	pub := oversight.PublishedFigures(r.Context(), s.oversightFigures(), ids, s.clock())
	var out []measureFigures
	for _, m := range measures.Catalogue() {
		rows, ok := pub[m.ID]
		if !ok {
			continue
		}
		mf := measureFigures{Title: m.Title}
		for _, row := range rows {
			mf.Figures = append(mf.Figures, strings.Join(row.Group, " / ")+" ("+oversight.StatName(row.Stat)+")")
		}
		out = append(out, mf)
	}
	return out
}

type statChoice struct{ Value, Name string }

func statChoices() []statChoice {
	var out []statChoice
	for _, st := range oversight.Stats {
		out = append(out, statChoice{string(st), oversight.StatName(st)})
	}
	return out
}

func (s *Server) planData(r *http.Request, id string) (planPage, error) {
	data := planPage{pageData: s.pageData(r), Measures: measureChoices(nil), Stats: statChoices(), Errors: newOvErrors(),
		Allowed: map[string]bool{}}
	p, err := s.db.Plan(r.Context(), id)
	if err != nil {
		return data, err
	}
	data.Plan, data.StateName, data.Drafting, data.Overdue = p, p.State.Name(), p.Drafting(), p.Overdue(s.clock())
	if data.Requirement, err = s.db.Requirement(r.Context(), p.RequirementID); err != nil {
		return data, err
	}
	for _, a := range p.Allowed(caller(r).Roles) {
		data.Allowed[string(a)] = true
	}
	if data.Allowed["edit"] {
		data.Figures = s.publishedFigureList(r)
	}
	latest := p.Latest()
	data.Latest = revisionView{Revision: latest, Commitments: viewCommitments(latest, s.figures(r, p, latest, false))}
	if a := latest.Assessment; a != nil {
		data.Latest.Outcome = a.Outcome.Name()
	}
	for i := len(p.Revisions) - 2; i >= 0; i-- {
		rev := p.Revisions[i]
		v := revisionView{Revision: rev, Commitments: viewCommitments(rev, nil)}
		if rev.Assessment != nil {
			v.Outcome = rev.Assessment.Outcome.Name()
		}
		data.Earlier = append(data.Earlier, v)
	}
	cs, err := s.db.Comments(r.Context(), p.RequirementID)
	if err != nil {
		return data, err
	}
	for _, c := range cs {
		if c.PlanID == p.ID {
			data.Comments = append(data.Comments, c)
		}
	}
	return data, nil
}

// planPage answers GET /oversight/plans/{id}.
func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.planData(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data.Done = map[string]string{"added": "The commitment has been added.", "removed": "The commitment has been removed.",
		"submitted": "The plan has been submitted to the oversight body.", "assessed": "The assessment has been recorded.",
		"closed": "The plan has been closed.", "commented": "Your comment has been added."}[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "oversight-plan", data)
}

// planRefused shows the plan page again with a refusal: the fields named
// (by rename) or, for a refusal about the plan, the reason at the top.
func (s *Server) planRefused(w http.ResponseWriter, r *http.Request, id string, err error, form commitmentForm, rename func(string) string) {
	kind := fault.KindOf(err)
	if kind != fault.Invalid && kind != fault.Conflict {
		s.failPage(w, r, err)
		return
	}
	data, rerr := s.planData(r, id)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data.Form = form
	data.Errors.add(err, rename)
	s.render(w, r, statusOf(kind), "oversight-plan", data)
}

// addCommitmentForm answers POST /oversight/plans/{id}/commitments: one
// more commitment on the draft revision.
func (s *Server) addCommitmentForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	id := r.PathValue("id")
	form := commitmentForm{Text: r.PostForm.Get("text"), Measure: r.PostForm.Get("measure"), Group: r.PostForm.Get("group"),
		Stat: r.PostForm.Get("stat"), Baseline: strings.TrimSpace(r.PostForm.Get("baseline")), Target: strings.TrimSpace(r.PostForm.Get("target")),
		TargetOn: strings.TrimSpace(r.PostForm.Get("target_on"))}
	var at int
	pub := oversight.PublishedFigures(r.Context(), s.oversightFigures(), []string{form.Measure}, s.clock())
	_, err := s.changePlan(r, id, atoi(r.PostForm.Get("version")), "commitment added", func(p *oversight.Plan) error {
		// After a rejection the next revision starts from the rejected
		// one's commitments.
		cs := slices.Clone(p.Latest().Commitments)
		at = len(cs)
		var f fault.Fields
		c := oversight.Commitment{Text: form.Text, Measure: form.Measure, Stat: measures.Stat(form.Stat), Group: []string{}}
		for _, g := range strings.Split(form.Group, "/") {
			if g = strings.TrimSpace(g); g != "" {
				c.Group = append(c.Group, g)
			}
		}
		name := func(field string) string { return fmt.Sprintf("commitments[%d].%s", at, field) }
		for _, n := range []struct {
			field, v string
			dst      *float64
		}{{"baseline", form.Baseline, &c.Baseline}, {"target", form.Target, &c.Target}} {
			v, err := parsePercentOrNumber(n.v, c.Stat)
			if err != nil {
				f.Add(name(n.field), err.Error())
			}
			*n.dst = v
		}
		if d := readDay(&f, name("target_on"), form.TargetOn, true); d != nil {
			c.TargetOn = *d
		}
		c.Validate(&f, at, s.clock())
		pub.Check(&f, at, c)
		if err := f.Err("invalid commitment"); err != nil && slices.Contains(p.Allowed(caller(r).Roles), oversight.ActEdit) {
			return err
		}
		return p.SetCommitments(append(cs, c), caller(r).Roles, s.clock())
	})
	if err == nil {
		http.Redirect(w, r, "/oversight/plans/"+id+"?done=added", http.StatusSeeOther)
		return
	}
	s.planRefused(w, r, id, err, form, func(f string) string {
		if m := commitmentField.FindStringSubmatch(f); m != nil && m[1] == strconv.Itoa(at) {
			return "commitment-" + strings.ReplaceAll(m[2], "_", "-")
		}
		return "commitment-text"
	})
}

// parsePercentOrNumber reads a baseline or target: a number, or for a
// share a percentage ("12%" or "12" both mean 0.12).
func parsePercentOrNumber(v string, stat measures.Stat) (float64, error) {
	if v == "" {
		return 0, errors.New("is required")
	}
	pct := strings.HasSuffix(v, "%")
	x, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(v, "%")), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", v)
	}
	if stat == measures.Share || pct {
		x /= 100
	}
	return x, nil
}

// removeCommitmentForm answers POST /oversight/plans/{id}/commitments/{n}/remove.
func (s *Server) removeCommitmentForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	id, n := r.PathValue("id"), atoi(r.PathValue("n"))
	_, err := s.changePlan(r, id, atoi(r.PostForm.Get("version")), "commitment removed", func(p *oversight.Plan) error {
		cs := slices.Clone(p.Latest().Commitments)
		if n >= 1 && n <= len(cs) && slices.Contains(p.Allowed(caller(r).Roles), oversight.ActEdit) {
			cs = slices.Delete(cs, n-1, n)
		}
		return p.SetCommitments(cs, caller(r).Roles, s.clock())
	})
	if err == nil {
		http.Redirect(w, r, "/oversight/plans/"+id+"?done=removed", http.StatusSeeOther)
		return
	}
	s.planRefused(w, r, id, err, commitmentForm{}, sameName)
}

// submitPlanForm answers POST /oversight/plans/{id}/submit.
func (s *Server) submitPlanForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	id := r.PathValue("id")
	_, err := s.changePlan(r, id, atoi(r.PostForm.Get("version")), "plan submitted", func(p *oversight.Plan) error {
		return p.Submit(submitAction(*p), caller(r).Roles, caller(r).User.Username, s.clock())
	})
	if err == nil {
		http.Redirect(w, r, "/oversight/plans/"+id+"?done=submitted", http.StatusSeeOther)
		return
	}
	s.planRefused(w, r, id, err, commitmentForm{}, func(string) string { return "submit" })
}

// closePlanForm answers POST /oversight/plans/{id}/close.
func (s *Server) closePlanForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	id := r.PathValue("id")
	_, err := s.changePlan(r, id, atoi(r.PostForm.Get("version")), "plan closed", func(p *oversight.Plan) error {
		return p.Close(caller(r).Roles, caller(r).User.Username, s.clock())
	})
	if err == nil {
		http.Redirect(w, r, "/oversight/plans/"+id+"?done=closed", http.StatusSeeOther)
		return
	}
	s.planRefused(w, r, id, err, commitmentForm{}, sameName)
}

// commentPlanForm answers POST /oversight/plans/{id}/comments.
func (s *Server) commentPlanForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	id := r.PathValue("id")
	_, err := s.comment(r, id, r.PostForm.Get("text"))
	if err == nil {
		http.Redirect(w, r, "/oversight/plans/"+id+"?done=commented", http.StatusSeeOther)
		return
	}
	s.planRefused(w, r, id, err, commitmentForm{}, func(string) string { return "comment-text" })
}

// --- The assessment ---------------------------------------------------------

type assessPage struct {
	pageData
	Plan        oversight.Plan
	Requirement oversight.Requirement
	Commitments []commitmentView
	Verdicts    []verdictRequest
	Form        assessmentRequest
	Outcomes    []outcomeChoice
	Errors      ovErrors
}

type outcomeChoice struct{ Value, Name string }

func (s *Server) assessData(r *http.Request, id string) (assessPage, error) {
	data := assessPage{pageData: s.pageData(r), Errors: newOvErrors()}
	for _, o := range oversight.Outcomes {
		data.Outcomes = append(data.Outcomes, outcomeChoice{string(o), o.Name()})
	}
	p, err := s.db.Plan(r.Context(), id)
	if err != nil {
		return data, err
	}
	if !slices.Contains(p.Allowed(caller(r).Roles), oversight.ActAssess) {
		return data, p.Assess(oversight.Assessment{}, caller(r).Roles, "", s.clock())
	}
	data.Plan = p
	if data.Requirement, err = s.db.Requirement(r.Context(), p.RequirementID); err != nil {
		return data, err
	}
	latest := p.Latest()
	data.Commitments = viewCommitments(latest, s.figures(r, p, latest, false))
	data.Verdicts = make([]verdictRequest, len(latest.Commitments))
	data.Form.Version = p.Version
	return data, nil
}

// assessFormPage answers GET /oversight/plans/{id}/assess.
func (s *Server) assessFormPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.assessData(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "oversight-assess", data)
}

// assessForm answers POST /oversight/plans/{id}/assess.
func (s *Server) assessForm(w http.ResponseWriter, r *http.Request) {
	if err := readOvForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	id := r.PathValue("id")
	req := assessmentRequest{Version: atoi(r.PostForm.Get("version")), Outcome: oversight.Outcome(r.PostForm.Get("outcome")),
		Reasons: r.PostForm.Get("reasons"), Conditions: r.PostForm.Get("conditions"), ResubmitBy: strings.TrimSpace(r.PostForm.Get("resubmit_by"))}
	for i := 0; r.PostForm.Has(fmt.Sprintf("c%d-present", i)); i++ {
		req.Commitments = append(req.Commitments, verdictRequest{Verdict: oversight.Verdict(r.PostForm.Get(fmt.Sprintf("c%d-verdict", i))),
			Reasons: r.PostForm.Get(fmt.Sprintf("c%d-reasons", i))})
	}
	_, err := s.assess(r, id, req)
	if err == nil {
		http.Redirect(w, r, "/oversight/plans/"+id+"?done=assessed", http.StatusSeeOther)
		return
	}
	var na *oversight.NotAllowedError
	if k := fault.KindOf(err); errors.As(err, &na) || (k != fault.Invalid && k != fault.Conflict) {
		s.failPage(w, r, err)
		return
	}
	data, rerr := s.assessData(r, id)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data.Form = req
	data.Form.Version = data.Plan.Version
	for i := range data.Verdicts {
		if i < len(req.Commitments) {
			data.Verdicts[i] = req.Commitments[i]
		}
	}
	data.Errors.add(err, func(f string) string {
		if m := commitmentField.FindStringSubmatch(f); m != nil {
			return "c" + m[1] + "-" + m[2]
		}
		return "assess-" + strings.ReplaceAll(f, "_", "-")
	})
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight-assess", data)
}
