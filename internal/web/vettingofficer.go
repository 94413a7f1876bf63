package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

// dueWithinDays is how far ahead the vetting queue looks for clearances
// whose periodic review falls due, so that a renewal can be started before
// the clearance lapses.
const dueWithinDays = 90

// clearanceDue is a clearance awaiting its periodic review, as the queue
// shows it.
type clearanceDue struct {
	vetting.Clearance
	Officer officers.Officer
	Overdue bool
}

// clearancesDue reads the clearances due for review within the window,
// naming their officers (read once each, through known).
func (s *Server) clearancesDue(r *http.Request, known map[string]officers.Officer) ([]clearanceDue, error) {
	today := s.today()
	list, err := s.db.ClearancesDue(r.Context(), today.AddDate(0, 0, dueWithinDays))
	if err != nil {
		return nil, err
	}
	out := make([]clearanceDue, 0, len(list))
	for _, c := range list {
		o, ok := known[c.OfficerID]
		if !ok {
			if o, err = s.db.Officer(r.Context(), c.OfficerID); err != nil {
				return nil, err
			}
			known[c.OfficerID] = o
		}
		out = append(out, clearanceDue{Clearance: c, Officer: o, Overdue: c.ReviewDueOn().Before(today)})
	}
	return out, nil
}

// today is the force's calendar day now, as a UTC midnight like the
// dates the store keeps.
func (s *Server) today() time.Time {
	n := s.clock().In(forceZone)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// clearanceForm is the vetting decision form as typed.
type clearanceForm struct {
	Level, Status, GrantedOn, ReviewDue, Conditions, Reasons, AppealOf string
}

// clearanceFields are the form's fields in the order shown, for the
// error summary.
var clearanceFields = []formField{
	{name: "level", anchor: "clearance-level", label: "Level"},
	{name: "status", anchor: "clearance-status", label: "Decision"},
	{name: "granted_on", anchor: "clearance-granted-on", label: "Date of the decision"},
	{name: "review_due", anchor: "clearance-review-due", label: "Review due"},
	{name: "conditions", anchor: "clearance-conditions", label: "Conditions"},
	{name: "reasons", anchor: "clearance-reasons", label: "Reasons"},
	{name: "appeal_of", anchor: "clearance-appeal-of", label: "Appeal"},
}

// toClearance reads the form into a decision, naming each faulty field in
// words a page can show.
func (fm clearanceForm) toClearance(officerID string, history []vetting.Clearance) (vetting.Clearance, error) {
	c := vetting.Clearance{OfficerID: officerID, Level: vetting.Level(fm.Level), Status: vetting.Status(fm.Status),
		Conditions: strings.TrimSpace(fm.Conditions), Reasons: strings.TrimSpace(fm.Reasons), AppealOf: fm.AppealOf}
	var f fault.Fields
	if !slices.Contains(vetting.Levels, c.Level) {
		f.Add("level", "Choose the level of vetting the decision is about")
	}
	if !slices.Contains(vetting.Statuses, c.Status) {
		f.Add("status", "Choose the decision")
	}
	if d, ok := parseUKDay(fm.GrantedOn); ok {
		c.GrantedOn = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	} else {
		f.Add("granted_on", "Enter the date of the decision, for example 27/3/2026")
	}
	if strings.TrimSpace(fm.ReviewDue) != "" {
		if d, ok := parseUKDay(fm.ReviewDue); ok {
			due := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
			c.ReviewDue = &due
		} else {
			f.Add("review_due", "Enter a real date for the review, for example 27/3/2029")
		}
	}
	if c.AppealOf != "" && !slices.ContainsFunc(history, func(h vetting.Clearance) bool { return h.ID == c.AppealOf }) {
		f.Add("appeal_of", "Choose one of this officer's earlier decisions, or none")
	}
	if len([]rune(c.Conditions)) > 2000 {
		f.Add("conditions", "Conditions must be at most 2,000 characters")
	}
	if len([]rune(c.Reasons)) > 4000 {
		f.Add("reasons", "Reasons must be at most 4,000 characters")
	}
	// The rule's own checks (reasons; a review date after the decision for
	// a clearance granted) add what the form's checks did not already say.
	var rule *fault.Error
	if err := c.Validate(); errors.As(err, &rule) {
		named := map[string]bool{"level": true, "status": true}
		if c.GrantedOn.IsZero() {
			named["granted_on"] = true
		}
		if c.ReviewDue == nil && strings.TrimSpace(fm.ReviewDue) != "" {
			named["review_due"] = true
		}
		for _, fe := range rule.Fields {
			if !named[fe.Field] && fe.Field != "officer_id" {
				f.Add(fe.Field, fe.Reason)
			}
		}
	} else if err != nil {
		return c, err
	}
	return c, f.Err("the vetting decision cannot be recorded")
}

// vettingOfficer is an officer's vetting as the vetting unit keeps it:
// where they stand at each level, every decision before, the reviews, and
// for the vetting unit the form to record a decision.
type vettingOfficer struct {
	pageData
	Officer   officers.Officer
	Current   []vetting.Clearance
	History   []vetting.Clearance
	Reviews   []reviewView
	CanRecord bool
	Levels    []vetting.Level
	Statuses  []vetting.Status
	Form      clearanceForm
	Errors    pageErrors
	Recorded  bool
}

// Appealable are the earlier decisions a new one may revisit on appeal,
// in words.
func (p vettingOfficer) Appealable() []option {
	out := []option{{Value: "", Text: "Not an appeal", Selected: p.Form.AppealOf == ""}}
	for _, c := range p.History {
		out = append(out, option{Value: c.ID, Text: c.Level.Label().Name + ": " + strings.ToLower(c.Status.Label().Name) + ", " + ukTime(c.DecidedAt, "2 January 2006"),
			Selected: p.Form.AppealOf == c.ID})
	}
	return out
}

// clearanceDate is one date of the decision form, as typed.
type clearanceDate struct{ ID, Name, Label, Hint, Value, Err string }

// Dates are the decision form's two dates.
func (p vettingOfficer) Dates() []clearanceDate {
	return []clearanceDate{
		{"clearance-granted-on", "granted_on", "Date of the decision", "For example, 27/3/2026", p.Form.GrantedOn, p.Errors.For["granted_on"]},
		{"clearance-review-due", "review_due", "Review due (for a clearance granted)", "The day the clearance must be reviewed by, for example 27/3/2033",
			p.Form.ReviewDue, p.Errors.For["review_due"]},
	}
}

// vettingOfficerData reads an officer's vetting for the page, audited as a
// read of it.
func (s *Server) vettingOfficerData(r *http.Request, officerID string) (vettingOfficer, error) {
	data := vettingOfficer{pageData: s.pageData(r), Levels: vetting.Levels, Statuses: vetting.Statuses, Errors: pageErrors{For: map[string]string{}}}
	o, err := s.db.Officer(r.Context(), officerID)
	if err != nil {
		return data, err
	}
	data.Officer = o
	if data.History, err = s.db.Clearances(r.Context(), o.ID, false); err != nil {
		return data, err
	}
	data.Current = vetting.Current(data.History)
	reviews, err := s.db.VettingReviews(r.Context(), o.ID)
	if err != nil {
		return data, err
	}
	known := map[string]officers.Officer{o.ID: o}
	for _, rv := range reviews {
		v, err := s.viewReview(r, rv, known)
		if err != nil {
			return data, err
		}
		data.Reviews = append(data.Reviews, v)
	}
	data.CanRecord = access.Allowed(caller(r), access.VettingDecide)
	return data, s.db.Audit(r.Context(), s.auditEntry(r, audit.Consult, "officer-vetting", o.ID, audit.Success))
}

// vettingOfficerPage answers GET /vetting/officers/{id}.
func (s *Server) vettingOfficerPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.vettingOfficerData(r, r.PathValue("id"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data.Recorded = r.URL.Query().Get("recorded") == "1"
	s.render(w, r, http.StatusOK, "vetting-officer", data)
}

// recordClearance checks a decision against the officer's history and
// stores it with its audit entry in one transaction.
func (s *Server) recordClearance(r *http.Request, officerID string, fm clearanceForm) (vetting.Clearance, error) {
	var c vetting.Clearance
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		history, err := tx.ClearanceHistory(r.Context(), officerID)
		if err != nil {
			return err
		}
		if c, err = fm.toClearance(officerID, history); err != nil {
			return err
		}
		c.DecidedBy, c.DecidedAt = caller(r).User.Username, s.clock().UTC()
		if err := tx.RecordClearance(r.Context(), &c); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "officer-vetting", officerID, audit.Success)
		e.Reason = "vetting decision recorded: " + c.Level.Label().Name + ", " + strings.ToLower(c.Status.Label().Name)
		return tx.Audit(r.Context(), e)
	})
	return c, err
}

// vettingClearanceForm answers POST /vetting/officers/{id}/clearances.
func (s *Server) vettingClearanceForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, fault.Errorf(fault.Invalid, "the form could not be read"))
		return
	}
	id := r.PathValue("id")
	get := r.PostForm.Get
	fm := clearanceForm{Level: get("level"), Status: get("status"), GrantedOn: get("granted_on"), ReviewDue: get("review_due"),
		Conditions: get("conditions"), Reasons: get("reasons"), AppealOf: get("appeal_of")}
	_, err := s.recordClearance(r, id, fm)
	if err == nil {
		http.Redirect(w, r, "/vetting/officers/"+id+"?recorded=1", http.StatusSeeOther)
		return
	}
	var fe *fault.Error
	if fault.KindOf(err) != fault.Invalid || !errors.As(err, &fe) {
		s.failPage(w, r, err)
		return
	}
	data, rerr := s.vettingOfficerData(r, id)
	if rerr != nil {
		s.failPage(w, r, rerr)
		return
	}
	data.Form = fm
	data.Errors = wordedPageErrors(clearanceFields, fe.Fields)
	s.render(w, r, statusOf(fault.Invalid), "vetting-officer", data)
}

// wordedPageErrors are a form's errors with a field's label put before a
// reason that starts in lower case (the domain's "are required: ..."), so
// that the error summary and the message beside the field read as
// sentences.
func wordedPageErrors(form []formField, errs []fault.FieldError) pageErrors {
	out := slices.Clone(errs)
	for i, fe := range out {
		for _, ff := range form {
			if ff.name == fe.Field && fe.Reason != "" && fe.Reason[0] >= 'a' && fe.Reason[0] <= 'z' {
				out[i].Reason = ff.label + " " + fe.Reason
			}
		}
	}
	return newPageErrors(form, out)
}
