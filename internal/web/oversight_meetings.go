package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/oversight"
	"github.com/probity/probity/internal/store"
)

// boardRoutes are the oversight body's accountability boards and the
// leadership posts (oversight_meetings.go, oversight_posts.go), in the
// browser and the API, and the public page of who leads the force.
func (s *Server) boardRoutes() []route {
	return []route{
		{"GET", "/oversight/meetings", access.OversightRead, s.meetingsPage, true},
		{"GET", "/oversight/meetings/new", access.OversightMeetings, s.newMeetingPage, true},
		{"POST", "/oversight/meetings", access.OversightMeetings, s.newMeetingForm, true},
		{"GET", "/oversight/meetings/{id}", access.OversightRead, s.meetingPage, true},
		{"POST", "/oversight/meetings/{id}/agenda", access.OversightMeetings, s.meetingForm("agenda"), true},
		{"POST", "/oversight/meetings/{id}/minutes", access.OversightMeetings, s.meetingForm("minutes"), true},
		{"POST", "/oversight/meetings/{id}/actions", access.OversightMeetings, s.meetingForm("action"), true},
		{"POST", "/oversight/meetings/{id}/actions/{action}/answer", access.OversightAnswer, s.actionForm(oversight.Answer), true},
		{"POST", "/oversight/meetings/{id}/actions/{action}/decide", access.OversightMeetings, s.actionForm(""), true},
		{"GET", "/oversight/posts", access.OversightRead, s.postsPage, true},
		{"POST", "/oversight/posts", access.OversightPosts, s.newPostForm, true},
		{"GET", "/oversight/posts/{id}", access.OversightRead, s.postPage, true},
		{"GET", "/oversight/posts/{id}/appoint", access.OversightPosts, s.appointPage, true},
		{"POST", "/oversight/posts/{id}/appoint", access.OversightPosts, s.appointForm, true},
		{"POST", "/oversight/posts/{id}/withdraw", access.OversightPosts, s.withdrawForm, true},
		{"GET", "/oversight/posts/{id}/change", access.OversightPosts, s.changePage, true},
		{"POST", "/oversight/posts/{id}/change", access.OversightPosts, s.changeForm, true},
		{"GET", "/public/leadership", access.Public, s.leadershipPage, true},

		{"GET", "/api/v1/oversight/meetings", access.OversightRead, s.listMeetings, false},
		{"POST", "/api/v1/oversight/meetings", access.OversightMeetings, s.createMeetingAPI, false},
		{"GET", "/api/v1/oversight/meetings/{id}", access.OversightRead, s.getMeeting, false},
		{"POST", "/api/v1/oversight/meetings/{id}/agenda", access.OversightMeetings, s.meetingAPI("agenda"), false},
		{"POST", "/api/v1/oversight/meetings/{id}/minutes", access.OversightMeetings, s.meetingAPI("minutes"), false},
		{"POST", "/api/v1/oversight/meetings/{id}/actions", access.OversightMeetings, s.meetingAPI("action"), false},
		{"POST", "/api/v1/oversight/meetings/{id}/actions/{action}/answer", access.OversightAnswer, s.actionAPI(oversight.Answer), false},
		{"POST", "/api/v1/oversight/meetings/{id}/actions/{action}/decide", access.OversightMeetings, s.actionAPI(""), false},
		{"GET", "/api/v1/oversight/posts", access.OversightRead, s.listPosts, false},
		{"POST", "/api/v1/oversight/posts", access.OversightPosts, s.createPostAPI, false},
		{"GET", "/api/v1/oversight/posts/{id}", access.OversightRead, s.getPost, false},
		{"POST", "/api/v1/oversight/posts/{id}/appointments", access.OversightPosts, s.appointAPI, false},
		{"POST", "/api/v1/oversight/posts/{id}/changes", access.OversightPosts, s.changeAPI, false},
	}
}

// boardParties are the sides of an action the caller acts for, as the
// policy grants them: running boards is the oversight body's, answering
// actions the chief officer's office's.
func boardParties(p *access.Principal) []oversight.Party {
	var out []oversight.Party
	if access.Allowed(p, access.OversightMeetings) {
		out = append(out, oversight.Body)
	}
	if access.Allowed(p, access.OversightAnswer) {
		out = append(out, oversight.ChiefOffice)
	}
	return out
}

// mergeFields joins the reasons the edge found (dates that are not dates)
// with the domain's, one reason per field, the edge's first.
func mergeFields(edge *fault.Fields, err error, message string) error {
	if edge.Len() == 0 {
		return err
	}
	if err != nil && !fault.Is(err, fault.Invalid) {
		return err
	}
	seen := map[string]bool{}
	for _, fe := range fault.FieldsOf(edge.Err(message)) {
		seen[fe.Field] = true
	}
	for _, fe := range fault.FieldsOf(err) {
		if !seen[fe.Field] {
			edge.Add(fe.Field, fe.Reason)
		}
	}
	return edge.Err(message)
}

// The inputs, as the API takes them and the pages build them.
type meetingInput struct {
	Title     string               `json:"title"`
	HeldOn    string               `json:"held_on"`
	Attendees []oversight.Attendee `json:"attendees"`
}

type agendaInput struct {
	Title         string `json:"title"`
	RequirementID string `json:"requirement_id"`
	PlanID        string `json:"plan_id"`
	MeasureID     string `json:"measure_id"`
	Notes         string `json:"notes"`
}

type minutesInput struct {
	Minutes string `json:"minutes"`
}

type actionInput struct {
	Text  string `json:"text"`
	Owner string `json:"owner"`
	DueOn string `json:"due_on"`
}

// stepInput is an answer (Answer) or the oversight body's decision on
// one (Decision close or return, with a note).
type stepInput struct {
	Answer   string `json:"answer,omitempty"`
	Decision string `json:"decision,omitempty"`
	Note     string `json:"note,omitempty"`
}

// meetingChange is one change to a meeting: which, and its input.
type meetingChange struct {
	what    string // "agenda", "minutes", "action"
	agenda  agendaInput
	minutes minutesInput
	action  actionInput
}

func (s *Server) createMeeting(r *http.Request, in meetingInput) (oversight.Meeting, error) {
	var edge fault.Fields
	on := boardDay(&edge, "held_on", in.HeldOn, false)
	m, err := oversight.NewMeeting(in.Title, zeroIfNil(on), in.Attendees, caller(r).User.Username, s.clock())
	if err := mergeFields(&edge, err, "the meeting cannot be recorded"); err != nil {
		return m, err
	}
	ctx := r.Context()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMeeting(ctx, m); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "oversight-meeting", m.ID, audit.Success)
		e.Reason = "accountability board recorded"
		return tx.Audit(ctx, e)
	})
	return m, err
}

// changeMeeting makes one change to a meeting in one transaction with its
// audit entry.
func (s *Server) changeMeeting(r *http.Request, id string, c meetingChange) error {
	ctx := r.Context()
	who, now := caller(r).User.Username, s.clock()
	var edge fault.Fields
	var due *time.Time
	if c.what == "action" {
		due = boardDay(&edge, "due_on", c.action.DueOn, false)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.Meeting(ctx, id)
		if err != nil {
			return err
		}
		read := m.Version
		e := s.auditEntry(r, audit.Alter, "oversight-meeting", m.ID, audit.Success)
		switch c.what {
		case "agenda":
			it, err := m.AddItem(oversight.AgendaItem{Title: c.agenda.Title, RequirementID: c.agenda.RequirementID, PlanID: c.agenda.PlanID,
				MeasureID: c.agenda.MeasureID, Notes: c.agenda.Notes})
			if err != nil {
				return err
			}
			if err := tx.AddAgendaItem(ctx, m, it, read); err != nil {
				return err
			}
			e.Reason = "agenda item added"
		case "minutes":
			if err := m.RecordMinutes(c.minutes.Minutes, who, now); err != nil {
				return err
			}
			if err := tx.SaveMinutes(ctx, m, read); err != nil {
				return err
			}
			e.Reason = "minutes recorded"
		case "action":
			a, err := m.NewAction(c.action.Text, c.action.Owner, zeroIfNil(due), who, now)
			if err := mergeFields(&edge, err, "the action cannot be set"); err != nil {
				return err
			}
			if err := tx.AddAction(ctx, m, a, read); err != nil {
				return err
			}
			e.Reason = "action set, due " + a.DueOn.Format("2 January 2006")
		}
		return tx.Audit(ctx, e)
	})
}

// moveAction takes a step on an action for the caller's side.
func (s *Server) moveAction(r *http.Request, meetingID, actionID string, step oversight.ActionStep, in stepInput) (oversight.Action, error) {
	ctx := r.Context()
	text := in.Note
	if step == oversight.Answer {
		text = in.Answer
	} else {
		step = oversight.ActionStep(in.Decision)
		if step != oversight.Close && step != oversight.Return {
			return oversight.Action{}, &fault.Error{Kind: fault.Invalid, Message: "the action cannot be moved on",
				Fields: []fault.FieldError{{Field: "decision", Reason: "must be close (accept the answer) or return (do not accept it)"}}}
		}
	}
	var a oversight.Action
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = tx.Action(ctx, meetingID, actionID); err != nil {
			return err
		}
		read, before := a.Version, a.State
		if err := a.Apply(step, text, boardParties(caller(r)), caller(r).User.Username, s.clock()); err != nil {
			return err
		}
		if err := tx.SaveAction(ctx, a, read); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "oversight-action", a.ID, audit.Success)
		e.Reason = "action " + string(before) + " -> " + string(a.State) + " (" + string(step) + ")"
		return tx.Audit(ctx, e)
	})
	return a, err
}

// zeroIfNil is an optional day, or the zero time for the domain to name
// as missing.
func zeroIfNil(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// meetingView is a meeting as pages and the API show it: its agenda's
// links in words, its actions with what the caller may do to each.
type meetingView struct {
	oversight.Meeting
	Items   []agendaView      `json:"agenda"`
	Actions []boardActionView `json:"actions"`
	Steps   []string          `json:"-"`
}

type agendaView struct {
	oversight.AgendaItem
	Requirement string `json:"requirement_title,omitempty"`
	Plan        string `json:"plan_title,omitempty"`
	Measure     string `json:"measure_title,omitempty"`
}

type boardActionView struct {
	oversight.Action
	Overdue bool                   `json:"overdue"`
	Allowed []oversight.ActionStep `json:"allowed_steps"`
}

func (s *Server) viewMeeting(ctx context.Context, p *access.Principal, m oversight.Meeting) (meetingView, error) {
	v := meetingView{Meeting: m, Items: []agendaView{}, Actions: []boardActionView{}, Steps: oversight.MeetingSteps(m.State)}
	for _, it := range m.Agenda {
		av := agendaView{AgendaItem: it}
		if ms, ok := measures.Lookup(it.MeasureID); ok {
			av.Measure = ms.Title
		}
		var err error
		if av.Requirement, err = s.linkTitle(ctx, it.RequirementID, "requirement"); err != nil {
			return v, err
		}
		if av.Plan, err = s.linkTitle(ctx, it.PlanID, "plan"); err != nil {
			return v, err
		}
		v.Items = append(v.Items, av)
	}
	parties := boardParties(p)
	for _, a := range m.Actions {
		v.Actions = append(v.Actions, boardActionView{Action: a, Overdue: a.Overdue(s.clock()), Allowed: orNoSteps(a.AllowedSteps(parties))})
	}
	return v, nil
}

func orNoSteps(s []oversight.ActionStep) []oversight.ActionStep {
	if s == nil {
		return []oversight.ActionStep{}
	}
	return s
}

// linkTitle names a requirement or plan an agenda item points at, through
// the oversight.Linked the server was given; without one, or for a record
// it does not know, it says what kind of record it is.
func (s *Server) linkTitle(ctx context.Context, id, kind string) (string, error) {
	if id == "" {
		return "", nil
	}
	if s.links != nil {
		var title string
		var ok bool
		var err error
		if kind == "requirement" {
			title, ok, err = s.links.RequirementTitle(ctx, id)
		} else {
			title, ok, err = s.links.PlanTitle(ctx, id)
		}
		if err != nil {
			return "", err
		}
		if ok {
			return title, nil
		}
	}
	if kind == "requirement" {
		return "A requirement of the oversight body", nil
	}
	return "A plan of the force", nil
}

// readMeeting reads a meeting for the caller, audited as a read.
func (s *Server) readMeetingView(r *http.Request, id string) (meetingView, error) {
	ctx := r.Context()
	var m oversight.Meeting
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = tx.Meeting(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, s.auditEntry(r, audit.Consult, "oversight-meeting", m.ID, audit.Success))
	})
	if err != nil {
		return meetingView{}, err
	}
	return s.viewMeeting(ctx, caller(r), m)
}

func (s *Server) readMeetings(r *http.Request) ([]store.MeetingSummary, error) {
	list, err := s.db.Meetings(r.Context())
	if err != nil {
		return nil, err
	}
	e := s.auditEntry(r, audit.Consult, "oversight-meeting-list", "", audit.Success)
	e.Reason = strconv.Itoa(len(list)) + " meetings listed"
	return list, s.db.Audit(r.Context(), e)
}

// The API.

// failBoard answers a refusal by the boards' and posts' rules as problem
// JSON carrying, beside the detail, the record's state and the steps or
// events allowed now, as a refused case action does.
func (s *Server) failBoard(w http.ResponseWriter, r *http.Request, err error) {
	var na *oversight.NotAllowedError
	if !errors.As(err, &na) {
		s.fail(w, r, err)
		return
	}
	status := statusOf(fault.KindOf(err))
	writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: na.Error(),
		Extra: map[string]any{"state": na.State, "allowed": na.Codes}})
}

func (s *Server) listMeetings(w http.ResponseWriter, r *http.Request) {
	list, err := s.readMeetings(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(list))
	for _, m := range list {
		out = append(out, map[string]any{"id": m.ID, "title": m.Title, "held_on": m.HeldOn.Format(time.DateOnly), "state": m.State,
			"agenda_items": m.Items, "actions": m.Actions, "open_actions": m.OpenActions})
	}
	writeJSON(w, http.StatusOK, map[string]any{"meetings": out})
}

func (s *Server) createMeetingAPI(w http.ResponseWriter, r *http.Request) {
	var in meetingInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.createMeeting(r, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.viewMeeting(r.Context(), caller(r), m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) getMeeting(w http.ResponseWriter, r *http.Request) {
	v, err := s.readMeetingView(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) meetingAPI(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := meetingChange{what: what}
		var dst any
		switch what {
		case "agenda":
			dst = &c.agenda
		case "minutes":
			dst = &c.minutes
		default:
			dst = &c.action
		}
		if err := decodeJSON(w, r, dst, maxJSONBody); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.changeMeeting(r, r.PathValue("id"), c); err != nil {
			s.failBoard(w, r, err)
			return
		}
		m, err := s.db.Meeting(r.Context(), r.PathValue("id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v, err := s.viewMeeting(r.Context(), caller(r), m)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		status := http.StatusCreated
		if what == "minutes" {
			status = http.StatusOK
		}
		writeJSON(w, status, v)
	}
}

func (s *Server) actionAPI(step oversight.ActionStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in stepInput
		if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
			s.fail(w, r, err)
			return
		}
		a, err := s.moveAction(r, r.PathValue("id"), r.PathValue("action"), step, in)
		if err != nil {
			s.failBoard(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, boardActionView{Action: a, Overdue: a.Overdue(s.clock()), Allowed: orNoSteps(a.AllowedSteps(boardParties(caller(r))))})
	}
}

// The pages.

// boardPage is every page of oversight.html; Page says which.
type boardPage struct {
	pageData
	Page     string
	Meetings []store.MeetingSummary
	Meeting  meetingView
	Posts    []postView
	Post     postView
	// Forms are the page's forms by name; Failed names the one whose
	// errors the summary lists.
	Forms   map[string]*boardForm
	Failed  string
	Done    string
	CanRun  bool
	CanPost bool
}

// Summary is the failed form's error summary.
func (p boardPage) Summary() []boardSummary {
	if f := p.Forms[p.Failed]; f != nil {
		return f.Summary
	}
	return nil
}

// Problem is the failed form's refusal not about one field.
func (p boardPage) Problem() string {
	if f := p.Forms[p.Failed]; f != nil {
		return f.Problem
	}
	return ""
}

func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.readMeetings(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "oversight", boardPage{pageData: s.pageData(r), Page: "meetings", Meetings: list,
		CanRun: access.Allowed(caller(r), access.OversightMeetings)})
}

func meetingForm(sent url.Values, err error) *boardForm {
	f := &boardForm{ID: "meeting-form", Heading: "Record an accountability board", Action: "/oversight/meetings", Submit: "Record the meeting",
		Fields: []boardField{
			{Name: "title", Label: "Title", Hint: "For example, Accountability board: complaints handling", Kind: "text", Wide: true},
			{Name: "held_on", Label: "Day of the meeting", Hint: "For example, 27 3 2026", Kind: "date"},
		}}
	for i := 0; i < 6; i++ {
		n := strconv.Itoa(i)
		hint := ""
		if i == 0 {
			hint = "Name each person attending and the capacity they attend in, such as Chief Constable. Leave rows you do not need empty."
		}
		f.Fields = append(f.Fields,
			boardField{Name: "attendees[" + n + "].name", Label: "Attendee " + strconv.Itoa(i+1) + ": name", Hint: hint, Kind: "text"},
			boardField{Name: "attendees[" + n + "].role", Label: "Attendee " + strconv.Itoa(i+1) + ": role", Kind: "text"})
	}
	f.fill(sent, err)
	return f
}

func (s *Server) newMeetingPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "oversight", boardPage{pageData: s.pageData(r), Page: "new-meeting",
		Forms: map[string]*boardForm{"meeting": meetingForm(nil, nil)}})
}

func (s *Server) newMeetingForm(w http.ResponseWriter, r *http.Request) {
	if err := boardReadForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	pf := r.PostForm
	in := meetingInput{Title: pf.Get("title"), HeldOn: boardFormDay(pf, "held_on")}
	for i := 0; i < 6; i++ {
		n := strconv.Itoa(i)
		a := oversight.Attendee{Name: pf.Get("attendees[" + n + "].name"), Role: pf.Get("attendees[" + n + "].role")}
		if a.Name != "" || a.Role != "" {
			in.Attendees = append(in.Attendees, a)
		}
	}
	m, err := s.createMeeting(r, in)
	if err == nil {
		http.Redirect(w, r, "/oversight/meetings/"+m.ID+"?done=meeting", http.StatusSeeOther)
		return
	}
	if !boardPageFault(err) {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight", boardPage{pageData: s.pageData(r), Page: "new-meeting",
		Forms: map[string]*boardForm{"meeting": meetingForm(pf, err)}, Failed: "meeting"})
}

// meetingForms are the forms of a meeting's page the caller may use now.
func (s *Server) meetingForms(r *http.Request, v meetingView) map[string]*boardForm {
	p := caller(r)
	out := map[string]*boardForm{}
	base := "/oversight/meetings/" + v.ID
	if access.Allowed(p, access.OversightMeetings) {
		if v.State == oversight.Scheduled {
			opts := []boardOption{{Value: "", Text: "No measure"}}
			for _, m := range measures.Catalogue() {
				opts = append(opts, boardOption{Value: m.ID, Text: m.Title})
			}
			out["agenda"] = &boardForm{ID: "agenda-form", Heading: "Add an agenda item", Action: base + "/agenda", Submit: "Add the item",
				Fields: []boardField{
					{Name: "title", Label: "Item", Kind: "text", Wide: true},
					{Name: "measure_id", Label: "Published measure it discusses (optional)", Kind: "select", Options: opts},
					{Name: "requirement_id", Label: "Requirement it follows up (optional)", Hint: "The requirement's reference, from its page.", Kind: "text"},
					{Name: "plan_id", Label: "Plan it follows up (optional)", Hint: "The plan's reference, from its page.", Kind: "text"},
					{Name: "notes", Label: "Notes (optional)", Kind: "textarea"},
				}}
			out["minutes"] = &boardForm{ID: "minutes-form", Heading: "Record the minutes", Action: base + "/minutes", Submit: "Record the minutes",
				Fields: []boardField{{Name: "minutes", Label: "Minutes", Hint: "Once recorded, the minutes are the record of the meeting and are not changed.", Kind: "textarea"}}}
		}
		out["action"] = &boardForm{ID: "action-form", Heading: "Set an action", Action: base + "/actions", Submit: "Set the action",
			Fields: []boardField{
				{Name: "text", Label: "What the force must do", Kind: "textarea"},
				{Name: "owner", Label: "Owner", Hint: "The post or office that must answer, for example Chief Constable.", Kind: "text"},
				{Name: "due_on", Label: "Due by", Hint: "For example, 27 3 2026", Kind: "date"},
			}}
	}
	for _, a := range v.Actions {
		for _, st := range a.Allowed {
			if st == oversight.Answer {
				out["answer-"+a.ID] = &boardForm{ID: "answer-" + a.ID, Action: base + "/actions/" + a.ID + "/answer", Submit: "Send the answer",
					Fields: scoped(a.ID, []boardField{{Name: "answer", Label: "Answer", Hint: "What the force has done.", Kind: "textarea"}})}
			}
		}
		if a.State == oversight.Answered && access.Allowed(p, access.OversightMeetings) {
			out["decide-"+a.ID] = &boardForm{ID: "decide-" + a.ID, Action: base + "/actions/" + a.ID + "/decide", Submit: "Save the decision",
				Fields: scoped(a.ID, []boardField{
					{Name: "decision", Label: "Is the answer enough?", Kind: "radios", Options: []boardOption{
						{Value: string(oversight.Close), Text: "Yes: close the action", Hint: oversight.Close.Label().Means},
						{Value: string(oversight.Return), Text: "No: return it", Hint: oversight.Return.Label().Means}}},
					{Name: "note", Label: "Note", Hint: "Required when returning the action: say what is missing.", Kind: "textarea"},
				})}
		}
	}
	return out
}

var meetingDone = map[string]string{"meeting": "The meeting has been recorded.", "agenda": "The agenda item has been added.",
	"minutes": "The minutes have been recorded.", "action": "The action has been set.", "answer": "The answer has been sent.",
	"decide": "The decision on the answer has been saved."}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.readMeetingView(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "oversight", boardPage{pageData: s.pageData(r), Page: "meeting", Meeting: v, Forms: s.meetingForms(r, v),
		Done: meetingDone[r.URL.Query().Get("done")]})
}

// showMeetingAgain shows a meeting's page with a refused form filled in.
func (s *Server) showMeetingAgain(w http.ResponseWriter, r *http.Request, name string, err error) {
	if !boardPageFault(err) {
		s.failPage(w, r, err)
		return
	}
	v, rerr := s.readMeetingView(r, r.PathValue("id"))
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	forms := s.meetingForms(r, v)
	f := forms[name]
	if f == nil {
		// The form is no longer offered (the meeting moved on): say why
		// on its own.
		f = &boardForm{ID: "refusal"}
		forms[name] = f
	}
	f.fill(r.PostForm, err)
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight", boardPage{pageData: s.pageData(r), Page: "meeting", Meeting: v, Forms: forms, Failed: name})
}

func (s *Server) meetingForm(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := boardReadForm(w, r); err != nil {
			s.failPage(w, r, err)
			return
		}
		pf := r.PostForm
		c := meetingChange{what: what,
			agenda: agendaInput{Title: pf.Get("title"), MeasureID: pf.Get("measure_id"), RequirementID: pf.Get("requirement_id"),
				PlanID: pf.Get("plan_id"), Notes: pf.Get("notes")},
			minutes: minutesInput{Minutes: pf.Get("minutes")},
			action:  actionInput{Text: pf.Get("text"), Owner: pf.Get("owner"), DueOn: boardFormDay(pf, "due_on")}}
		if err := s.changeMeeting(r, r.PathValue("id"), c); err != nil {
			s.showMeetingAgain(w, r, what, err)
			return
		}
		http.Redirect(w, r, "/oversight/meetings/"+r.PathValue("id")+"?done="+what+"#"+what+"-done", http.StatusSeeOther)
	}
}

func (s *Server) actionForm(step oversight.ActionStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := boardReadForm(w, r); err != nil {
			s.failPage(w, r, err)
			return
		}
		pf := r.PostForm
		in := stepInput{Answer: pf.Get("answer"), Decision: pf.Get("decision"), Note: pf.Get("note")}
		name, done := "decide-", "decide"
		if step == oversight.Answer {
			name, done = "answer-", "answer"
		}
		if _, err := s.moveAction(r, r.PathValue("id"), r.PathValue("action"), step, in); err != nil {
			s.showMeetingAgain(w, r, name+r.PathValue("action"), err)
			return
		}
		http.Redirect(w, r, "/oversight/meetings/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
	}
}
