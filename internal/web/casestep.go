package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

// A step's form (GET and POST /cases/{id}/steps/{step}) records a step
// that starts or stops a deadline clock (cases.Steps) through takeStep,
// as POST /api/v1/cases/{id}/steps does. It asks which officer when the
// step concerns one and the case has several, the day when the step names
// one, which deadline and the new last day for an extension, and a note.
// Like an action's form it carries the version of the case it was drawn
// from, and records nothing if the case has moved on since.

type stepPage struct {
	pageData
	CaseID, Reference string
	State             cases.State
	Version           int
	Step              cases.Step
	// Code names the step in the form's address; Title says what it
	// records, in words.
	Code, Title string
	// Officers are the choices of officer when the step concerns one of
	// several; Officer names the only one.
	Officers []choiceView
	Officer  string
	// AsksDay asks the day given to the officer; Clocks (for an
	// extension) the deadline extended, one choice per officer's clock.
	AsksDay  bool
	Clocks   []choiceView
	Extend   bool
	On       dateParts
	Until    dateParts
	Note     string
	Errors   []summaryError
	FieldErr map[string]string
	Problem  string
}

// dateParts are a GOV.UK date input's three boxes.
type dateParts struct{ Day, Month, Year string }

// iso reads the boxes as YYYY-MM-DD: "" when all are empty, ok false
// when they do not make a day.
func (d dateParts) iso() (string, bool) {
	if d.Day == "" && d.Month == "" && d.Year == "" {
		return "", true
	}
	day, e1 := strconv.Atoi(d.Day)
	month, e2 := strconv.Atoi(d.Month)
	year, e3 := strconv.Atoi(d.Year)
	if e1 != nil || e2 != nil || e3 != nil || year < 1000 || year > 9999 {
		return "", false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// stepQuestion is one question of a step's form, as its template asks it.
type stepQuestion struct {
	Name, Legend, Hint, Error string
	Choices                   []choiceView
	Value                     dateParts
}

// Question draws the form's question of that name.
func (p stepPage) Question(name string) stepQuestion {
	q := stepQuestion{Name: name, Error: p.FieldErr[name]}
	switch name {
	case "subject":
		q.Legend, q.Choices = "Which officer does this concern?", p.Officers
		q.Hint = "Each officer has deadlines of their own: recording this for one officer does not stop another's."
	case "on":
		q.Legend, q.Hint, q.Value = "Day given to the officer", "The day set for the officer to attend.", p.On
	case "clock":
		q.Legend, q.Choices = "Which deadline is extended?", p.Clocks
		q.Hint = "Only the officer's time to reply to the referral notice may be extended, by the chair (Police (Conduct) Regulations 2020, regulation 31)."
	case "until":
		q.Legend, q.Hint, q.Value = "New last day", "The last day the officer now has.", p.Until
	}
	return q
}

// stepForm is a step's form drawn for a case.
type stepForm struct {
	page  stepPage
	words func(string) string
}

// loadStepForm draws the form of the step named in the URL for a case the
// caller may work on.
func (s *Server) loadStepForm(r *http.Request) (stepForm, cases.Case, error) {
	caseID, err := s.openForWork(r)
	if err != nil {
		return stepForm{}, cases.Case{}, err
	}
	step := cases.Step(r.PathValue("step"))
	if _, ok := cases.Steps[step]; !ok {
		return stepForm{}, cases.Case{}, fault.Errorf(fault.NotFound, "there is no such step")
	}
	ctx := r.Context()
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		return stepForm{}, c, err
	}
	offs, err := s.db.OfficersByID(ctx, c.SubjectOfficers())
	if err != nil {
		return stepForm{}, c, err
	}
	name := func(id string) string {
		if o, ok := offs[id]; ok {
			return officerName(o)
		}
		return "An officer no longer on record"
	}
	p := stepPage{pageData: s.pageData(r), CaseID: c.ID, Reference: c.Reference, State: c.State, Version: c.Version,
		Step: step, Code: string(step), Title: capitalise(step.String()), FieldErr: map[string]string{}}
	subjects := c.SubjectOfficers()
	if step.ConcernsOfficer() {
		if len(subjects) == 1 {
			p.Officer = name(subjects[0])
		} else {
			for _, id := range subjects {
				p.Officers = append(p.Officers, choiceView{Choice: cases.Choice{Code: id, Label: cases.Label{Name: name(id)}}})
			}
		}
	}
	p.AsksDay = step == cases.StepInterviewDateSet || step == cases.StepPreHearingDateSet
	if step == cases.StepDeadlineExtended {
		p.Extend = true
		history, err := s.db.Timeline(ctx, c.ID)
		if err != nil {
			return stepForm{}, c, err
		}
		ds, err := cases.Deadlines(c, history, s.calendar, s.clock())
		if err != nil {
			return stepForm{}, c, err
		}
		for _, d := range ds {
			if l, ok := d.Clock.Limit(); !ok || !l.Extendable {
				continue
			}
			label := d.Title
			if d.Subject != "" {
				label += ": " + name(d.Subject)
			}
			p.Clocks = append(p.Clocks, choiceView{Choice: cases.Choice{Code: string(d.Clock) + "/" + d.Subject,
				Label: cases.Label{Name: label, Explanation: "Now due " + ukTime(d.Due, "2 January 2006") + "."}}})
		}
	}
	return stepForm{page: p, words: caseWords(c, offs)}, c, nil
}

// read fills the form from a sent one and returns the step it asks for,
// with the errors of the boxes the domain never sees (a day that is not
// a day).
func (f *stepForm) read(v map[string][]string) (cases.StepInput, []fault.FieldError) {
	get := func(k string) string {
		if x := v[k]; len(x) > 0 {
			return strings.TrimSpace(x[0])
		}
		return ""
	}
	p := &f.page
	in := cases.StepInput{Step: p.Step, Note: get("note")}
	p.Note = in.Note
	var bad []fault.FieldError
	if len(p.Officers) > 0 {
		in.Subject = get("subject")
		for i := range p.Officers {
			p.Officers[i].Checked = p.Officers[i].Code == in.Subject
		}
	}
	if p.AsksDay {
		p.On = dateParts{get("on-day"), get("on-month"), get("on-year")}
		on, ok := p.On.iso()
		if !ok {
			bad = append(bad, fault.FieldError{Field: "on", Reason: "must be a real day, for example 27 3 2026"})
		}
		in.On = on
	}
	if p.Extend {
		sent := get("clock")
		for i := range p.Clocks {
			p.Clocks[i].Checked = p.Clocks[i].Code == sent
		}
		if clock, subj, ok := strings.Cut(sent, "/"); ok {
			in.Clock, in.Subject = cases.Clock(clock), subj
		}
		p.Until = dateParts{get("until-day"), get("until-month"), get("until-year")}
		until, ok := p.Until.iso()
		if !ok {
			bad = append(bad, fault.FieldError{Field: "until", Reason: "must be a real day, for example 27 3 2026"})
		}
		in.Until = until
	}
	return in, bad
}

// stepLabels name the form's questions in the error summary, and the
// element each links to.
var stepLabels = map[string][2]string{
	"subject": {"Officer", "#subject-0"},
	"on":      {"Day given to the officer", "#on-day"},
	"clock":   {"Deadline", "#clock-0"},
	"until":   {"New last day", "#until-day"},
	"note":    {"Note", "#note"},
}

// refuse shows a refusal's messages beside the questions they name and in
// the summary, in words.
func (f *stepForm) refuse(fields []fault.FieldError, problem string) {
	p := &f.page
	for _, fe := range fields {
		if _, seen := p.FieldErr[fe.Field]; seen {
			continue
		}
		msg := f.words(fe.Reason)
		// The boxes of a date ask for day, month and year, not the API's
		// YYYY-MM-DD.
		msg = strings.ReplaceAll(msg, ", YYYY-MM-DD", "")
		msg = strings.ReplaceAll(msg, "YYYY-MM-DD", "day, month and year")
		l, ok := stepLabels[fe.Field]
		if !ok {
			p.Problem = strings.TrimSpace(p.Problem + " " + capitalise(msg) + ".")
			continue
		}
		p.FieldErr[fe.Field] = capitalise(msg)
		p.Errors = append(p.Errors, summaryError{Href: l[1], Text: l[0] + ": " + msg})
	}
	if problem != "" {
		p.Problem = strings.TrimSpace(p.Problem + " " + f.words(problem))
	}
}

// stepFormPage shows a step's form: GET /cases/{id}/steps/{step}.
func (s *Server) stepFormPage(w http.ResponseWriter, r *http.Request) {
	form, c, err := s.loadStepForm(r)
	if err != nil {
		s.failCasePage(w, r, err)
		return
	}
	if s.reshownIfMovedOn(w, r, c) {
		return
	}
	s.render(w, r, http.StatusOK, "case-step", form.page)
}

// stepFormPost records the step: POST /cases/{id}/steps/{step}.
func (s *Server) stepFormPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	form, c, err := s.loadStepForm(r)
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	switch {
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
	in, bad := form.read(r.PostForm)
	if len(bad) > 0 {
		// Check the rest too, so the summary names every field at once.
		if _, err := cases.RecordStepOn(c, in, s.clock()); err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) {
				for _, x := range fe.Fields {
					if !slices.ContainsFunc(bad, func(b fault.FieldError) bool { return b.Field == x.Field }) {
						bad = append(bad, x)
					}
				}
			}
		}
		form.refuse(bad, "")
		s.render(w, r, http.StatusUnprocessableEntity, "case-step", form.page)
		return
	}
	_, _, err = s.takeStep(r, c.ID, version, in)
	var fe *fault.Error
	switch {
	case err == nil:
		http.Redirect(w, r, casePath(c.ID, "step-"+string(in.Step)), http.StatusSeeOther)
	case fault.Is(err, fault.Conflict):
		s.reshowStale(w, r, c, http.StatusConflict, "")
	case fault.Is(err, fault.Invalid) && errors.As(err, &fe):
		form.refuse(fe.Fields, "")
		if len(fe.Fields) == 0 {
			form.refuse(nil, fault.Message(err))
		}
		s.render(w, r, http.StatusUnprocessableEntity, "case-step", form.page)
	default:
		s.failPage(w, r, err)
	}
}

// stepOffer is a step the case page offers.
type stepOffer struct {
	Code, Title string
}

// stepOffers are the steps the case page offers: those the case's state
// and running clocks call for.
func stepOffers(c cases.Case, ds []cases.Deadline) []stepOffer {
	var out []stepOffer
	for _, st := range cases.StepsCalledFor(c, ds) {
		out = append(out, stepOffer{Code: string(st), Title: capitalise(st.String())})
	}
	return out
}
