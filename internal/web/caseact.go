package web

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
)

// An action's form (GET and POST /cases/{id}/act/{action}) asks exactly
// what the workflow table says the action takes: its Requires and
// Optional fields, the values each takes and, for findings, the subjects
// it names (cases.Action.Findings). Nothing here knows one action from
// another, so an action added to the table gets its form unchanged.
//
// The form carries the version of the case it was drawn from: if the
// case moved on before it is sent, nothing is applied and the case page
// says so, showing where the case now stands.

// actField is one question of an action's form.
type actField struct {
	Name string
	// Kind is how it is asked: "text" (a text area), "radios",
	// "checkbox", "checkboxes", "findings", or "fixed" (decided by the
	// case's history; shown, not asked).
	Kind     string
	Label    cases.Label
	Required bool
	Choices  []choiceView
	Value    string
	Checked  bool
	Fixed    string
	Error    string
	Rows     []findingRow
}

type choiceView struct {
	cases.Choice
	Checked bool
}

// findingRow asks what the action decides about one officer on one
// allegation.
type findingRow struct {
	Officer, Allegation string
	Error               string
	Parts               []actField
}

type actPage struct {
	pageData
	CaseID, Reference string
	State             cases.State
	Version           int
	Action            cases.Action
	Fields            []actField
	// Errors lists every message, for the summary: Href is the field's id.
	Errors  []summaryError
	Problem string
}

type summaryError struct{ Href, Text string }

// actForm is the form as drawn for a case: its questions, and how to read
// the answers back into an ActionInput.
type actForm struct {
	page     actPage
	findings cases.FindingForm
}

// loadActForm finds the action named in the URL among those the caller
// may take on the case now, and draws its form. A refusal says in words
// why the action cannot be taken; ok is false with a nil error when the
// case has moved on so that the action is no longer open.
func (s *Server) loadActForm(r *http.Request) (actForm, cases.Case, error) {
	caseID, err := s.openForWork(r)
	if err != nil {
		return actForm{}, cases.Case{}, err
	}
	ctx := r.Context()
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		return actForm{}, c, err
	}
	name := cases.ActionName(r.PathValue("action"))
	if _, ok := cases.ActionByName(name); !ok {
		return actForm{}, c, fault.Errorf(fault.NotFound, "there is no such action")
	}
	allowed := cases.Allowed(c, roleNames(caller(r).Roles))
	i := slices.IndexFunc(allowed, func(a cases.Action) bool { return a.Name == name })
	if i < 0 {
		return actForm{}, c, errActionClosed
	}
	history, err := s.db.Timeline(ctx, c.ID)
	if err != nil {
		return actForm{}, c, err
	}
	ids := []string{}
	for _, al := range c.Allegations {
		for _, sj := range al.Subjects {
			ids = append(ids, sj.OfficerID)
		}
	}
	offs, err := s.db.OfficersByID(ctx, ids)
	if err != nil {
		return actForm{}, c, err
	}
	form := s.drawActForm(c, allowed[i], cases.ReadTimeline(history), offs)
	form.page.pageData = s.pageData(r)
	return form, c, nil
}

// errActionClosed refuses an action this caller cannot take on the case
// as it now stands.
var errActionClosed = fault.Errorf(fault.Conflict, "this action cannot be taken on the case now")

func (s *Server) drawActForm(c cases.Case, a cases.Action, facts cases.TimelineFacts, offs map[string]officers.Officer) actForm {
	form := actForm{page: actPage{CaseID: c.ID, Reference: c.Reference, State: c.State, Version: c.Version, Action: a}}
	seen := map[cases.Field]bool{cases.FieldSeverity: true, cases.FieldFinding: true, cases.FieldSanction: true}
	officerName := func(oid string) string {
		if o, ok := offs[oid]; ok {
			return officerName(o)
		}
		return "An officer no longer on record"
	}
	for _, f := range append(slices.Clone(a.Requires), a.Optional...) {
		// Whether a final written warning is in force is read from the
		// officers' records (takeAction), never asked.
		if seen[f] || f == cases.FieldFinalWarning {
			continue
		}
		seen[f] = true
		fld := actField{Name: string(f), Label: cases.FieldLabel(f), Required: a.Needs(f)}
		switch f {
		case cases.FieldReasons:
			fld.Kind = "text"
		case cases.FieldSignedWithdrawal, cases.FieldSeveralIncidents:
			fld.Kind = "checkbox"
		case cases.FieldReviewFacts:
			fld.Kind = "checkboxes"
			for _, ch := range cases.ReviewFactChoices {
				fld.Choices = append(fld.Choices, choiceView{Choice: ch, Checked: ch.Code == "referred" && facts.Referred})
			}
		case cases.FieldResumeTo:
			fld.Kind, fld.Fixed = "fixed", facts.SuspendedFrom.Label().Name
		case cases.FieldForum:
			if facts.Forum != "" {
				fld.Kind, fld.Fixed = "fixed", facts.Forum.Label().Name
				break
			}
			fld.Kind, fld.Choices = "radios", choiceViews(cases.FieldChoices(f))
		case cases.FieldRecipient:
			fld.Kind = "radios"
			done := map[string]bool{}
			for _, al := range c.Allegations {
				for _, sj := range al.Subjects {
					if !done[sj.OfficerID] {
						done[sj.OfficerID] = true
						fld.Choices = append(fld.Choices, choiceView{Choice: cases.Choice{Code: sj.OfficerID,
							Label: cases.Label{Name: officerName(sj.OfficerID)}}})
					}
				}
			}
		case cases.FieldFindings:
			ff, ok := a.Findings(c)
			if !ok {
				continue
			}
			form.findings = ff
			fld.Kind = "findings"
			for i, sj := range ff.Subjects {
				row := findingRow{Officer: officerName(sj.OfficerID), Allegation: "Allegation " + strconv.Itoa(sj.AllegationSeq)}
				for _, part := range []struct {
					field    cases.Field
					choices  []cases.Choice
					required bool
				}{{cases.FieldSeverity, ff.Severity, ff.SeverityRequired}, {cases.FieldFinding, ff.Finding, ff.FindingRequired},
					{cases.FieldSanction, ff.Sanction, ff.Sanction != nil}} {
					if part.choices == nil {
						continue
					}
					row.Parts = append(row.Parts, actField{Name: findingName(i, part.field), Kind: "radios", Label: cases.FieldLabel(part.field),
						Required: part.required && ff.Every, Choices: choiceViews(part.choices)})
				}
				fld.Rows = append(fld.Rows, row)
			}
		default:
			if ch := cases.FieldChoices(f); ch != nil {
				fld.Kind, fld.Choices = "radios", choiceViews(ch)
			} else {
				fld.Kind = "line"
			}
		}
		form.page.Fields = append(form.page.Fields, fld)
	}
	return form
}

func choiceViews(cs []cases.Choice) []choiceView {
	out := make([]choiceView, len(cs))
	for i, c := range cs {
		out[i] = choiceView{Choice: c}
	}
	return out
}

// findingName names the form field of one part of one subject's finding.
func findingName(i int, part cases.Field) string { return "f" + strconv.Itoa(i) + "." + string(part) }

// read fills the form from a sent one, and returns the ActionInput it
// asks for with, for each finding sent, its row on the form.
func (form *actForm) read(values map[string][]string) (cases.ActionInput, []int) {
	get := func(k string) string {
		if v := values[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in := cases.ActionInput{Action: form.page.Action.Name}
	var rows []int
	for fi := range form.page.Fields {
		fld := &form.page.Fields[fi]
		v := get(fld.Name)
		switch fld.Kind {
		case "text", "line":
			fld.Value = v
		case "radios":
			fld.Value = v
			for i := range fld.Choices {
				fld.Choices[i].Checked = fld.Choices[i].Code == v
			}
		case "checkbox":
			fld.Checked = v == "true"
		case "checkboxes":
			sent := values[fld.Name]
			for i := range fld.Choices {
				fld.Choices[i].Checked = slices.Contains(sent, fld.Choices[i].Code)
				if fld.Choices[i].Checked {
					in.ReviewFacts.SetReviewFact(fld.Choices[i].Code)
				}
			}
		case "findings":
			for ri := range fld.Rows {
				sj := form.findings.Subjects[ri]
				fi := cases.FindingInput{AllegationID: sj.AllegationID, OfficerID: sj.OfficerID}
				for pi := range fld.Rows[ri].Parts {
					part := &fld.Rows[ri].Parts[pi]
					pv := get(part.Name)
					part.Value = pv
					for i := range part.Choices {
						part.Choices[i].Checked = part.Choices[i].Code == pv
					}
					switch {
					case strings.HasSuffix(part.Name, "."+string(cases.FieldSeverity)):
						fi.Severity = pv
					case strings.HasSuffix(part.Name, "."+string(cases.FieldFinding)):
						fi.Finding = pv
					default:
						fi.Sanction = pv
					}
				}
				if form.findings.Every || fi.Severity != "" || fi.Finding != "" || fi.Sanction != "" {
					in.Findings = append(in.Findings, fi)
					rows = append(rows, ri)
				}
			}
			continue
		}
		switch cases.Field(fld.Name) {
		case cases.FieldReasons:
			in.Reasons = strings.TrimSpace(v)
		case cases.FieldReferralGround:
			in.ReferralGround = v
		case cases.FieldMandatoryGround:
			in.MandatoryGround = v
		case cases.FieldInvestigationException:
			in.InvestigationException = v
		case cases.FieldMode:
			in.Mode = v
		case cases.FieldForum:
			in.Forum = cases.Forum(v)
		case cases.FieldReviewBody:
			in.ReviewBody = v
		case cases.FieldRecipient:
			in.Recipient = v
		case cases.FieldAppealOutcome:
			in.AppealOutcome = v
		case cases.FieldSignedWithdrawal:
			in.SignedWithdrawal = fld.Checked
		case cases.FieldFinalWarning:
			in.FinalWarningInForce = fld.Checked
		case cases.FieldSeveralIncidents:
			in.SeveralIncidents = fld.Checked
		}
	}
	return in, rows
}

var findingIndex = regexp.MustCompile(`^findings\[(\d+)\](?:\.(\w+))?$`)

// refuse puts a refusal's messages beside the fields they name, in
// words, and in the summary. rows maps the findings sent to the form's
// rows.
func (form *actForm) refuse(err error, rows []int, words func(string) string) {
	var fe *fault.Error
	if !errors.As(err, &fe) || len(fe.Fields) == 0 {
		form.page.Problem = words(fault.Message(err))
		return
	}
	p := &form.page
	for _, f := range fe.Fields {
		msg := words(f.Reason)
		target, href := (*actField)(nil), ""
		if m := findingIndex.FindStringSubmatch(f.Field); m != nil {
			n, _ := strconv.Atoi(m[1])
			if fi := slices.IndexFunc(p.Fields, func(x actField) bool { return x.Kind == "findings" }); fi >= 0 && n < len(rows) {
				row := &p.Fields[fi].Rows[rows[n]]
				if m[2] == "" {
					row.Error = msg
					href = "#" + findingName(rows[n], "row")
				} else {
					for pi := range row.Parts {
						if row.Parts[pi].Name == findingName(rows[n], cases.Field(m[2])) {
							target = &row.Parts[pi]
						}
					}
				}
			}
		} else if i := slices.IndexFunc(p.Fields, func(x actField) bool { return x.Name == f.Field }); i >= 0 {
			target = &p.Fields[i]
		}
		label := ""
		if target != nil {
			target.Error = msg
			href, label = "#"+inputID(*target), target.Label.Name+": "
		}
		if href == "" {
			p.Problem = strings.TrimSpace(p.Problem + " " + capitalise(msg) + ".")
			continue
		}
		p.Errors = append(p.Errors, summaryError{Href: href, Text: label + msg})
	}
}

// inputID is the id of a field's first input, where the summary links.
func inputID(f actField) string {
	if f.Kind == "radios" || f.Kind == "checkboxes" {
		return f.Name + "-0"
	}
	return f.Name
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// caseWords swaps the ids a refusal names for what pages call them.
func caseWords(c cases.Case, offs map[string]officers.Officer) func(string) string {
	var pairs []string
	for i, al := range c.Allegations {
		seq := al.Seq
		if seq == 0 {
			seq = i + 1
		}
		pairs = append(pairs, al.ID, "allegation "+strconv.Itoa(seq))
		for _, sj := range al.Subjects {
			if o, ok := offs[sj.OfficerID]; ok {
				pairs = append(pairs, sj.OfficerID, officerName(o))
			}
		}
	}
	rep := strings.NewReplacer(pairs...)
	return func(s string) string { return strings.ReplaceAll(rep.Replace(s), "_", " ") }
}

// actFormPage shows an action's form: GET /cases/{id}/act/{action}.
func (s *Server) actFormPage(w http.ResponseWriter, r *http.Request) {
	form, c, err := s.loadActForm(r)
	if errors.Is(err, errActionClosed) {
		s.reshowStale(w, r, c, http.StatusConflict, "That action cannot be taken on this case now.")
		return
	}
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	if s.reshownIfMovedOn(w, r, c) {
		return
	}
	s.render(w, r, http.StatusOK, "case-act", form.page)
}

// reshownIfMovedOn answers a form's GET when the case page's link said
// which version it was shown with and the case has moved on since: the
// case is shown as it is now, not a form for it. It reports whether it
// answered.
func (s *Server) reshownIfMovedOn(w http.ResponseWriter, r *http.Request, c cases.Case) bool {
	if v := r.URL.Query().Get("version"); v != "" && v != strconv.Itoa(c.Version) {
		s.reshowStale(w, r, c, http.StatusConflict, "")
		return true
	}
	return false
}

// actFormPost takes the action: POST /cases/{id}/act/{action}.
func (s *Server) actFormPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	form, c, err := s.loadActForm(r)
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	switch {
	case errors.Is(err, errActionClosed):
		s.reshowStale(w, r, c, http.StatusConflict, "")
		return
	case err != nil:
		s.failCasePage(w, r, err)
		return
	case verr != nil || version < 1:
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form did not say which version of the case it was drawn from; open the case again"))
		return
	case version != c.Version:
		s.reshowStale(w, r, c, http.StatusConflict, "")
		return
	}
	in, rows := form.read(r.PostForm)
	after, _, err := s.takeAction(r, c.ID, version, in)
	var na *cases.NotAllowedError
	switch {
	case err == nil:
		http.Redirect(w, r, casePath(after.ID, string(in.Action)), http.StatusSeeOther)
	case errors.As(err, &na) && na.Reason != "" && !na.ByRole:
		// A rule of the process refused it on the case as it stands (an
		// officer's appeal window still open, say): say which, in words.
		offs, oerr := s.db.OfficersByID(r.Context(), subjectIDs(c))
		if oerr != nil {
			s.failPage(w, r, oerr)
			return
		}
		s.reshowStale(w, r, c, http.StatusConflict, "Nothing was changed: "+caseWords(c, offs)(na.Reason)+".")
	case errors.As(err, &na), fault.Is(err, fault.Conflict):
		s.reshowStale(w, r, c, http.StatusConflict, "")
	case fault.Is(err, fault.Invalid):
		offs, oerr := s.db.OfficersByID(r.Context(), subjectIDs(c))
		if oerr != nil {
			s.failPage(w, r, oerr)
			return
		}
		form.refuse(err, rows, caseWords(c, offs))
		s.render(w, r, http.StatusUnprocessableEntity, "case-act", form.page)
	default:
		s.failPage(w, r, err)
	}
}

func subjectIDs(c cases.Case) []string {
	var ids []string
	for _, al := range c.Allegations {
		for _, sj := range al.Subjects {
			ids = append(ids, sj.OfficerID)
		}
	}
	return ids
}

// reshowStale shows the case as it now stands, saying that the form was
// drawn from an earlier state and nothing was applied.
func (s *Server) reshowStale(w http.ResponseWriter, r *http.Request, _ cases.Case, status int, problem string) {
	c, basis, facts, err := s.readCaseFacts(r)
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	page, err := s.buildCasePage(r, c, basis, facts)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if problem == "" {
		problem = "Nothing was changed: the case moved on since you opened it. It is now at “" +
			c.State.Label().Name + "”. Check what happened below, then choose what to do next."
	}
	page.Problem = problem
	s.render(w, r, status, "case", page)
}
