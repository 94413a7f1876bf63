package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/boards"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
)

type postInput struct {
	Kind                string   `json:"kind"`
	Title               string   `json:"title"`
	AppointingAuthority string   `json:"appointing_authority"`
	RequiredConsultees  []string `json:"required_consultees"`
}

type consultationInput struct {
	Consultee   string `json:"consultee"`
	AskedOn     string `json:"asked_on"`
	RespondedOn string `json:"responded_on"`
	Response    string `json:"response"`
}

// appointmentInput is an appointment's record. Stage "made" (the default)
// makes it; "proposed" records the authority's intention while it
// consults; with proposal_id, "made" confirms that proposal with the
// record as sent, and "withdrawn" drops it, saying why.
type appointmentInput struct {
	ProposalID          string              `json:"proposal_id"`
	Stage               string              `json:"stage"`
	Holder              string              `json:"holder"`
	StartsOn            string              `json:"starts_on"`
	TermEnds            string              `json:"term_ends"`
	AppointingAuthority string              `json:"appointing_authority"`
	Consultations       []consultationInput `json:"consultations"`
	Decision            string              `json:"decision"`
	DecidedOn           string              `json:"decided_on"`
	Notes               string              `json:"notes"`
	Reason              string              `json:"reason"`
}

type changeInput struct {
	Kind     string `json:"kind"`
	On       string `json:"on"`
	Holder   string `json:"holder"`
	Reason   string `json:"reason"`
	TermEnds string `json:"term_ends"`
	Notes    string `json:"notes"`
}

// event turns an appointment's record into the domain's, naming dates
// that are not dates. The starting day is the event's "on".
func (in appointmentInput) event(edge *fault.Fields) boards.Event {
	e := boards.Event{Kind: boards.Appointment, Holder: strings.TrimSpace(in.Holder), AppointingAuthority: strings.TrimSpace(in.AppointingAuthority),
		Decision: in.Decision, Notes: in.Notes}
	e.On = zeroIfNil(boardDay(edge, "on", in.StartsOn, false))
	e.TermEnds = boardDay(edge, "term_ends", in.TermEnds, false)
	e.DecidedOn = boardDay(edge, "decided_on", in.DecidedOn, false)
	for i, c := range in.Consultations {
		at := "consultations[" + strconv.Itoa(i) + "]."
		e.Consultations = append(e.Consultations, boards.Consultation{Consultee: strings.TrimSpace(c.Consultee),
			AskedOn: zeroIfNil(boardDay(edge, at+"asked_on", c.AskedOn, false)), RespondedOn: boardDay(edge, at+"responded_on", c.RespondedOn, false),
			Response: c.Response})
	}
	return e
}

func (s *Server) createPost(r *http.Request, in postInput) (boards.Post, error) {
	p, err := boards.NewPost(boards.PostKind(in.Kind), in.Title, in.AppointingAuthority, in.RequiredConsultees, s.clock())
	if err != nil {
		return p, err
	}
	ctx := r.Context()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePost(ctx, p); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "oversight-post", p.ID, audit.Success)
		e.Reason = "leadership post recorded: " + p.Title
		return tx.Audit(ctx, e)
	})
	return p, err
}

// appoint records, confirms or withdraws an appointment to a post.
func (s *Server) appoint(r *http.Request, postID string, in appointmentInput) (boards.Event, error) {
	ctx := r.Context()
	who, now := caller(r).User.Username, s.clock()
	var edge fault.Fields
	sent := in.event(&edge)
	stage := in.Stage
	if stage == "" {
		stage = "made"
	}
	if !slices.Contains([]string{"made", "proposed", "withdrawn"}, stage) || (stage == "withdrawn" && in.ProposalID == "") ||
		(stage == "proposed" && in.ProposalID != "") {
		edge.Add("stage", "must be made or proposed, or with proposal_id made (to confirm it) or withdrawn")
		return sent, edge.Err("the appointment cannot be recorded")
	}
	var out boards.Event
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Post(ctx, postID)
		if err != nil {
			return err
		}
		read := p.Version
		e := sent
		var newEvent *boards.Event
		reason := ""
		switch {
		case in.ProposalID != "":
			prop, err := tx.PostEvent(ctx, p.ID, in.ProposalID)
			if err != nil {
				return err
			}
			if stage == "withdrawn" {
				if err := p.Withdraw(&prop, in.Reason); err != nil {
					return err
				}
				e, reason = prop, "proposed appointment withdrawn"
			} else {
				if prop.Status != boards.Proposed {
					return p.Confirm(&prop, who, now) // refused, naming its status
				}
				e.ID, e.PostID, e.Status, e.RecordedBy, e.RecordedAt = prop.ID, prop.PostID, prop.Status, prop.RecordedBy, prop.RecordedAt
				err := p.Confirm(&e, who, now)
				if err := mergeFields(&edge, err, "the appointment cannot be recorded"); err != nil {
					return err
				}
				reason = "proposed appointment confirmed: " + e.Holder
			}
			if err := tx.SaveEvent(ctx, e); err != nil {
				return err
			}
		case stage == "proposed":
			err := p.Propose(&e, who, now)
			if err := mergeFields(&edge, err, "the appointment cannot be recorded"); err != nil {
				return err
			}
			newEvent, reason = &e, "appointment proposed: "+e.Holder
		default:
			err := p.Appoint(&e, who, now)
			if err := mergeFields(&edge, err, "the appointment cannot be recorded"); err != nil {
				return err
			}
			newEvent, reason = &e, "appointment made: "+e.Holder
		}
		if err := tx.SavePost(ctx, p, newEvent, read); err != nil {
			return err
		}
		out = e
		a := s.auditEntry(r, audit.Alter, "oversight-post", p.ID, audit.Success)
		a.Reason = reason
		return tx.Audit(ctx, a)
	})
	return out, err
}

// changePost records an extension, suspension, reinstatement, resignation,
// retirement or acting holder.
func (s *Server) changePost(r *http.Request, postID string, in changeInput) (boards.Event, error) {
	ctx := r.Context()
	var edge fault.Fields
	e := boards.Event{Kind: boards.EventKind(in.Kind), Holder: strings.TrimSpace(in.Holder), Reason: in.Reason, Notes: in.Notes}
	e.On = zeroIfNil(boardDay(&edge, "on", in.On, false))
	e.TermEnds = boardDay(&edge, "term_ends", in.TermEnds, false)
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Post(ctx, postID)
		if err != nil {
			return err
		}
		read := p.Version
		err = p.Record(&e, caller(r).User.Username, s.clock())
		if err := mergeFields(&edge, err, "the change cannot be recorded"); err != nil {
			return err
		}
		if err := tx.SavePost(ctx, p, &e, read); err != nil {
			return err
		}
		a := s.auditEntry(r, audit.Alter, "oversight-post", p.ID, audit.Success)
		a.Reason = strings.ToLower(e.Kind.Label().Name) + " recorded"
		return tx.Audit(ctx, a)
	})
	return e, err
}

// postView is a post with its timeline and what may be recorded on it.
type postView struct {
	boards.Post
	Events []boards.Event `json:"events"`
	// Current is the present holder's appointment, for the public page.
	Current   *boards.Event      `json:"current_appointment,omitempty"`
	Proposals []boards.Event     `json:"-"`
	Allowed   []boards.EventKind `json:"allowed_events"`
	// Links are the forms the post's page offers, in words.
	Links []boardOption `json:"-"`
}

var changeLinkWords = map[boards.EventKind]string{boards.Appointment: "Record an appointment", boards.Extension: "Record an extension of the term",
	boards.Suspension: "Record a suspension", boards.Reinstatement: "Record the end of the suspension",
	boards.Resignation: "Record a resignation", boards.Retirement: "Record a retirement", boards.ActingUp: "Record who is acting in the post"}

func (s *Server) viewPost(r *http.Request, p boards.Post, public bool) (postView, error) {
	events, err := s.db.PostEvents(r.Context(), p.ID)
	if err != nil {
		return postView{}, err
	}
	v := postView{Post: p, Events: events, Allowed: p.AllowedEvents()}
	if public {
		v.Events, v.Allowed = boards.Public(events), nil
	}
	if cur, ok := boards.CurrentAppointment(p, v.Events); ok {
		v.Current = &cur
	}
	if !public {
		for _, e := range events {
			if e.Kind == boards.Appointment && e.Status == boards.Proposed {
				v.Proposals = append(v.Proposals, e)
			}
		}
	}
	if v.Allowed == nil {
		v.Allowed = []boards.EventKind{}
	}
	for _, k := range v.Allowed {
		href := "/oversight/posts/" + p.ID + "/change?kind=" + string(k)
		if k == boards.Appointment {
			href = "/oversight/posts/" + p.ID + "/appoint"
		}
		v.Links = append(v.Links, boardOption{Value: href, Text: changeLinkWords[k]})
	}
	if !public && !slices.Contains(v.Allowed, boards.Appointment) {
		v.Links = append(v.Links, boardOption{Value: "/oversight/posts/" + p.ID + "/appoint", Text: "Propose a successor"})
	}
	return v, nil
}

// readPostView reads a post for the caller, audited as a read.
func (s *Server) readPostView(r *http.Request, id string) (postView, error) {
	ctx := r.Context()
	var p boards.Post
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = tx.Post(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, s.auditEntry(r, audit.Consult, "oversight-post", p.ID, audit.Success))
	})
	if err != nil {
		return postView{}, err
	}
	return s.viewPost(r, p, false)
}

func (s *Server) readPosts(r *http.Request) ([]postView, error) {
	posts, err := s.db.Posts(r.Context())
	if err != nil {
		return nil, err
	}
	out := []postView{}
	for _, p := range posts {
		v, err := s.viewPost(r, p, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	e := s.auditEntry(r, audit.Consult, "oversight-post-list", "", audit.Success)
	e.Reason = strconv.Itoa(len(out)) + " posts listed"
	return out, s.db.Audit(r.Context(), e)
}

// The API.

func (s *Server) listPosts(w http.ResponseWriter, r *http.Request) {
	list, err := s.readPosts(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": list})
}

func (s *Server) createPostAPI(w http.ResponseWriter, r *http.Request) {
	var in postInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.createPost(r, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.viewPost(r, p, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) getPost(w http.ResponseWriter, r *http.Request) {
	v, err := s.readPostView(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) appointAPI(w http.ResponseWriter, r *http.Request) {
	var in appointmentInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.appoint(r, r.PathValue("id"), in)
	if err != nil {
		s.failBoard(w, r, err)
		return
	}
	status := http.StatusCreated
	if in.ProposalID != "" {
		status = http.StatusOK
	}
	writeJSON(w, status, e)
}

func (s *Server) changeAPI(w http.ResponseWriter, r *http.Request) {
	var in changeInput
	if err := decodeJSON(w, r, &in, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.changePost(r, r.PathValue("id"), in)
	if err != nil {
		s.failBoard(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// The pages.

func postForm(sent url.Values, err error) *boardForm {
	var kinds []boardOption
	for _, k := range boards.PostKinds {
		kinds = append(kinds, boardOption{Value: string(k), Text: k.Label().Name, Hint: k.Label().Means})
	}
	f := &boardForm{ID: "post-form", Heading: "Record a leadership post", Action: "/oversight/posts", Submit: "Record the post",
		Fields: []boardField{
			{Name: "kind", Label: "Kind of post", Kind: "radios", Options: kinds},
			{Name: "title", Label: "Title of the post", Hint: "For example, Chief Constable", Kind: "text"},
			{Name: "appointing_authority", Label: "Appointing authority", Hint: "Who appoints to the post, for example the Police and Crime Commissioner.", Kind: "text", Wide: true},
			{Name: "required_consultees", Label: "Who must be consulted before an appointment (optional)", Hint: "One on each line, as the appointing authority's rules name them, for example Police and Crime Panel. An appointment is refused until each has responded.", Kind: "textarea"},
		}}
	f.fill(sent, err)
	return f
}

func (s *Server) postsPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.readPosts(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := boardPage{pageData: s.pageData(r), Page: "posts", Posts: list, CanPost: access.Allowed(caller(r), access.OversightPosts),
		Forms: map[string]*boardForm{}}
	if data.CanPost {
		data.Forms["post"] = postForm(nil, nil)
	}
	s.render(w, r, http.StatusOK, "oversight-boards", data)
}

func (s *Server) newPostForm(w http.ResponseWriter, r *http.Request) {
	if err := boardReadForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	pf := r.PostForm
	var consultees []string
	for _, line := range strings.Split(pf.Get("required_consultees"), "\n") {
		if strings.TrimSpace(line) != "" {
			consultees = append(consultees, strings.TrimSpace(line))
		}
	}
	p, err := s.createPost(r, postInput{Kind: pf.Get("kind"), Title: pf.Get("title"), AppointingAuthority: pf.Get("appointing_authority"),
		RequiredConsultees: consultees})
	if err == nil {
		http.Redirect(w, r, "/oversight/posts/"+p.ID+"?done=post", http.StatusSeeOther)
		return
	}
	if !boardPageFault(err) {
		s.failPage(w, r, err)
		return
	}
	list, lerr := s.readPosts(r)
	if lerr != nil {
		s.failPage(w, r, lerr)
		return
	}
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight-boards", boardPage{pageData: s.pageData(r), Page: "posts", Posts: list, CanPost: true,
		Forms: map[string]*boardForm{"post": postForm(pf, err)}, Failed: "post"})
}

var postDone = map[string]string{"post": "The post has been recorded.", "appointment": "The appointment has been recorded.",
	"proposal":  "The proposed appointment has been recorded. It is not published until it is made.",
	"withdrawn": "The proposed appointment has been withdrawn.", "change": "The change has been recorded in the post's timeline."}

func (s *Server) withdrawForms(v postView) map[string]*boardForm {
	out := map[string]*boardForm{}
	for _, e := range v.Proposals {
		out["withdraw-"+e.ID] = &boardForm{ID: "withdraw-" + e.ID, Action: "/oversight/posts/" + v.ID + "/withdraw", Submit: "Withdraw the proposal",
			Hidden: []boardOption{{Text: "proposal_id", Value: e.ID}},
			Fields: scoped(e.ID, []boardField{{Name: "reason", Label: "Why the proposal is withdrawn", Kind: "textarea"}})}
	}
	return out
}

func (s *Server) postPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.readPostView(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := boardPage{pageData: s.pageData(r), Page: "post", Post: v, CanPost: access.Allowed(caller(r), access.OversightPosts),
		Done: postDone[r.URL.Query().Get("done")], Forms: map[string]*boardForm{}}
	if data.CanPost {
		data.Forms = s.withdrawForms(v)
	}
	s.render(w, r, http.StatusOK, "oversight-boards", data)
}

// afterPostForm ends a form sent to change post id. When it was applied
// (err nil) the caller goes back to the post's page, told what was done;
// a refusal the form's page shows gives the post as it now is and again
// true, for the caller to show the form with the refusal beside it; any
// other failure is shown as such.
func (s *Server) afterPostForm(w http.ResponseWriter, r *http.Request, id, done string, err error) (v postView, again bool) {
	if err == nil {
		http.Redirect(w, r, "/oversight/posts/"+id+"?done="+done, http.StatusSeeOther)
		return v, false
	}
	if !boardPageFault(err) {
		s.failPage(w, r, err)
		return v, false
	}
	v, rerr := s.readPostView(r, id)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return v, false
	}
	return v, true
}

func (s *Server) withdrawForm(w http.ResponseWriter, r *http.Request) {
	if err := boardReadForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	pf := r.PostForm
	_, err := s.appoint(r, r.PathValue("id"), appointmentInput{ProposalID: pf.Get("proposal_id"), Stage: "withdrawn", Reason: pf.Get("reason")})
	v, again := s.afterPostForm(w, r, r.PathValue("id"), "withdrawn", err)
	if !again {
		return
	}
	forms := s.withdrawForms(v)
	name := "withdraw-" + pf.Get("proposal_id")
	if forms[name] == nil {
		forms[name] = &boardForm{ID: "refusal"}
	}
	forms[name].fill(pf, err)
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight-boards", boardPage{pageData: s.pageData(r), Page: "post", Post: v, CanPost: true,
		Forms: forms, Failed: name})
}

// consultationRows is how many consultations the appointment form asks
// about: the post's required consultees and two more.
func consultationRows(p boards.Post) int { return len(p.RequiredConsultees) + 2 }

func appointmentForm(p boards.Post, proposal string, sent url.Values, err error) *boardForm {
	f := &boardForm{ID: "appointment-form", Heading: "Record an appointment", Action: "/oversight/posts/" + p.ID + "/appoint", Submit: "Record the appointment"}
	if proposal != "" {
		f.Heading, f.Submit = "Confirm the proposed appointment", "Confirm the appointment"
		f.Hidden = []boardOption{{Text: "proposal_id", Value: proposal}, {Text: "stage", Value: "made"}}
	}
	f.Fields = []boardField{
		{Name: "holder", Label: "Name of the person appointed", Kind: "text"},
		{Name: "appointing_authority", Label: "Appointing authority", Kind: "text", Wide: true},
	}
	if proposal == "" {
		f.Fields = append(f.Fields, boardField{Name: "stage", Label: "Is the appointment made?", Kind: "radios", Options: []boardOption{
			{Value: "made", Text: "Yes: the appointing authority has decided", Hint: "The appointment takes effect on the post and is published."},
			{Value: "proposed", Text: "No: it is proposed while consultation goes on", Hint: "It changes nothing and is not published until it is confirmed."}}})
	}
	f.Fields = append(f.Fields,
		boardField{Name: "on", Label: "Start of the appointment", Hint: "For example, 1 4 2026", Kind: "date"},
		boardField{Name: "term_ends", Label: "End of the term", Kind: "date"})
	for i := 0; i < consultationRows(p); i++ {
		n, at := strconv.Itoa(i+1), "consultations["+strconv.Itoa(i)+"]."
		hint := ""
		if i == 0 {
			hint = "Leave rows you do not need empty."
			if len(p.RequiredConsultees) > 0 {
				hint = "The rules for this post require a response from: " + strings.Join(p.RequiredConsultees, ", ") + ", before the decision. " + hint
			}
		}
		f.Fields = append(f.Fields,
			boardField{Name: at + "consultee", Label: "Consultee " + n, Hint: hint, Kind: "text"},
			boardField{Name: at + "asked_on", Label: "Consultee " + n + ": day asked", Kind: "date"},
			boardField{Name: at + "responded_on", Label: "Consultee " + n + ": day of the response", Kind: "date"},
			boardField{Name: at + "response", Label: "Consultee " + n + ": response", Kind: "textarea"})
	}
	f.Fields = append(f.Fields,
		boardField{Name: "decision", Label: "The appointing authority's decision", Hint: "Required once the appointment is made.", Kind: "textarea"},
		boardField{Name: "decided_on", Label: "Day of the decision", Kind: "date"},
		boardField{Name: "notes", Label: "The oversight body's notes (optional, never published)", Kind: "textarea"})
	f.fill(sent, err)
	return f
}

// eventValues are an appointment's record as the form's values, to
// confirm a proposal from what was recorded.
func eventValues(p boards.Post, e *boards.Event) url.Values {
	v := url.Values{}
	date := func(name string, t *time.Time) {
		d, m, y := boardDateParts(t)
		v.Set(name+"-day", d)
		v.Set(name+"-month", m)
		v.Set(name+"-year", y)
	}
	if e == nil {
		v.Set("appointing_authority", p.AppointingAuthority)
		v.Set("stage", "made")
		for i, c := range p.RequiredConsultees {
			v.Set("consultations["+strconv.Itoa(i)+"].consultee", c)
		}
		return v
	}
	v.Set("holder", e.Holder)
	v.Set("appointing_authority", e.AppointingAuthority)
	date("on", &e.On)
	date("term_ends", e.TermEnds)
	date("decided_on", e.DecidedOn)
	v.Set("decision", e.Decision)
	v.Set("notes", e.Notes)
	for i, c := range e.Consultations {
		at := "consultations[" + strconv.Itoa(i) + "]."
		v.Set(at+"consultee", c.Consultee)
		date(at+"asked_on", &c.AskedOn)
		date(at+"responded_on", c.RespondedOn)
		v.Set(at+"response", c.Response)
	}
	return v
}

func (s *Server) appointPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.readPostView(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	proposal := r.URL.Query().Get("proposal")
	var from *boards.Event
	for i, e := range v.Proposals {
		if e.ID == proposal {
			from = &v.Proposals[i]
		}
	}
	if proposal != "" && from == nil {
		s.failPage(w, r, fault.Errorf(fault.NotFound, "no such proposed appointment"))
		return
	}
	s.render(w, r, http.StatusOK, "oversight-boards", boardPage{pageData: s.pageData(r), Page: "appoint", Post: v,
		Forms: map[string]*boardForm{"appointment": appointmentForm(v.Post, proposal, eventValues(v.Post, from), nil)}})
}

func (s *Server) appointForm(w http.ResponseWriter, r *http.Request) {
	if err := boardReadForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	pf := r.PostForm
	p, err := s.db.Post(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	in := appointmentInput{ProposalID: pf.Get("proposal_id"), Stage: pf.Get("stage"), Holder: pf.Get("holder"),
		StartsOn: boardFormDay(pf, "on"), TermEnds: boardFormDay(pf, "term_ends"), AppointingAuthority: pf.Get("appointing_authority"),
		Decision: pf.Get("decision"), DecidedOn: boardFormDay(pf, "decided_on"), Notes: pf.Get("notes")}
	for i := 0; i < consultationRows(p); i++ {
		at := "consultations[" + strconv.Itoa(i) + "]."
		c := consultationInput{Consultee: pf.Get(at + "consultee"), AskedOn: boardFormDay(pf, at+"asked_on"),
			RespondedOn: boardFormDay(pf, at+"responded_on"), Response: pf.Get(at + "response")}
		if c != (consultationInput{}) {
			in.Consultations = append(in.Consultations, c)
		}
	}
	_, err = s.appoint(r, p.ID, in)
	done := "appointment"
	if in.Stage == "proposed" {
		done = "proposal"
	}
	v, again := s.afterPostForm(w, r, p.ID, done, err)
	if !again {
		return
	}
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight-boards", boardPage{pageData: s.pageData(r), Page: "appoint", Post: v,
		Forms: map[string]*boardForm{"appointment": appointmentForm(v.Post, in.ProposalID, pf, err)}, Failed: "appointment"})
}

func changeForm(p boards.Post, kind boards.EventKind, sent url.Values, err error) *boardForm {
	f := &boardForm{ID: "change-form", Heading: "Record " + strings.ToLower(kind.Label().Name), Action: "/oversight/posts/" + p.ID + "/change",
		Submit: "Record it", Hidden: []boardOption{{Text: "kind", Value: string(kind)}}}
	if kind == boards.ActingUp {
		f.Fields = append(f.Fields, boardField{Name: "holder", Label: "Name of the person acting", Kind: "text"})
	}
	f.Fields = append(f.Fields, boardField{Name: "on", Label: "Day it takes effect", Hint: "For example, 27 3 2026", Kind: "date"})
	if kind == boards.Extension {
		f.Fields = append(f.Fields, boardField{Name: "term_ends", Label: "New end of the term", Kind: "date"})
	}
	reason := "Reason (optional)"
	if kind == boards.Suspension || kind == boards.Resignation || kind == boards.Retirement {
		reason = "Reason"
	}
	f.Fields = append(f.Fields,
		boardField{Name: "reason", Label: reason, Hint: "Published with the post's timeline.", Kind: "textarea"},
		boardField{Name: "notes", Label: "The oversight body's notes (optional, never published)", Kind: "textarea"})
	f.fill(sent, err)
	return f
}

func (s *Server) changePage(w http.ResponseWriter, r *http.Request) {
	v, err := s.readPostView(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	kind := boards.EventKind(r.URL.Query().Get("kind"))
	if !slices.Contains(boards.ChangeKinds, kind) {
		s.failPage(w, r, &fault.Error{Kind: fault.NotFound, Message: "no such change: choose one from the post's page"})
		return
	}
	f := changeForm(v.Post, kind, nil, nil)
	status := http.StatusOK
	if !slices.Contains(v.Allowed, kind) {
		// Offered only from the post's page while allowed; a stale link
		// says why not and what is.
		rec := boards.Event{Kind: kind}
		p := v.Post
		f.fill(nil, p.Record(&rec, "", s.clock()))
		status = statusOf(fault.Conflict)
	}
	s.render(w, r, status, "oversight-boards", boardPage{pageData: s.pageData(r), Page: "change", Post: v,
		Forms: map[string]*boardForm{"change": f}, Failed: "change"})
}

func (s *Server) changeForm(w http.ResponseWriter, r *http.Request) {
	if err := boardReadForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	pf := r.PostForm
	in := changeInput{Kind: pf.Get("kind"), On: boardFormDay(pf, "on"), Holder: pf.Get("holder"), Reason: pf.Get("reason"),
		TermEnds: boardFormDay(pf, "term_ends"), Notes: pf.Get("notes")}
	_, err := s.changePost(r, r.PathValue("id"), in)
	v, again := s.afterPostForm(w, r, r.PathValue("id"), "change", err)
	if !again {
		return
	}
	kind := boards.EventKind(in.Kind)
	if !slices.Contains(boards.ChangeKinds, kind) {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, statusOf(fault.KindOf(err)), "oversight-boards", boardPage{pageData: s.pageData(r), Page: "change", Post: v,
		Forms: map[string]*boardForm{"change": changeForm(v.Post, kind, pf, err)}, Failed: "change"})
}

// leadershipPage answers GET /public/leadership: who leads the force and
// how each was appointed, as the public may read it. It is published
// information, so reading it is not audited: an entry per public read
// would let anyone fill the log.
func (s *Server) leadershipPage(w http.ResponseWriter, r *http.Request) {
	posts, err := s.db.Posts(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	var out []postView
	for _, p := range posts {
		v, err := s.viewPost(r, p, true)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		out = append(out, v)
	}
	s.render(w, r, http.StatusOK, "public-leadership", boardPage{pageData: s.pageData(r), Page: "leadership", Posts: out})
}
