package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/intake"
	"github.com/probity/probity/internal/people"
	"github.com/probity/probity/internal/store"
)

type allegationInput struct {
	Category                string   `json:"category"`
	Subcategory             string   `json:"subcategory"`
	ProtectedCharacteristic string   `json:"protected_characteristic"`
	Description             string   `json:"description"`
	OccurredOn              string   `json:"occurred_on"`
	Standards               []string `json:"standards"`
	DomesticAbuse           bool     `json:"domestic_abuse"`
	Subjects                []string `json:"subjects"`
}

type personInput struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

type recordCaseRequest struct {
	Kind         string            `json:"kind"`
	UnitID       string            `json:"unit_id"`
	Summary      string            `json:"summary"`
	AroseOn      string            `json:"arose_on"`
	ReceivedOn   string            `json:"received_on"`
	Restricted   bool              `json:"restricted"`
	Allegations  []allegationInput `json:"allegations"`
	Complainants []personInput     `json:"complainants"`
	// OfficerWitnesses and OfficerComplainants are officers taking part
	// other than as subjects (a colleague who reported the conduct).
	OfficerWitnesses    []string `json:"officer_witnesses"`
	OfficerComplainants []string `json:"officer_complainants"`
}

// parseDay reads an optional YYYY-MM-DD field, naming it when it is wrong.
func parseDay(f *fault.Fields, field, s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		f.Add(field, "must be a date, YYYY-MM-DD")
		return nil
	}
	return &t
}

// toCase turns a request into a domain case, collecting every field error.
func (req recordCaseRequest) toCase(f *fault.Fields) (cases.Case, []people.Person) {
	c := cases.Case{Kind: cases.Kind(req.Kind), UnitID: req.UnitID, Summary: req.Summary, Restricted: req.Restricted}
	if req.UnitID == "" {
		f.Add("unit_id", "is required: the unit that owns the case decides who may see it")
	}
	if d := parseDay(f, "arose_on", req.AroseOn); d != nil {
		c.AroseOn = *d
	}
	if d := parseDay(f, "received_on", req.ReceivedOn); d != nil {
		c.ReceivedAt = *d
	}
	for i, a := range req.Allegations {
		al := cases.Allegation{Category: a.Category, Subcategory: a.Subcategory, ProtectedCharacteristic: a.ProtectedCharacteristic,
			Description: a.Description, Standards: a.Standards, DomesticAbuse: a.DomesticAbuse}
		al.OccurredOn = parseDay(f, fmt.Sprintf("allegations[%d].occurred_on", i), a.OccurredOn)
		for j, s := range a.Subjects {
			if !id.Valid(s) {
				f.Add(fmt.Sprintf("allegations[%d].subjects[%d]", i, j), "is not an officer id")
				continue
			}
			al.Subjects = append(al.Subjects, cases.Subject{OfficerID: s})
		}
		c.Allegations = append(c.Allegations, al)
	}
	for _, list := range []struct {
		ids  []string
		role cases.PartyRole
		name string
	}{{req.OfficerWitnesses, cases.RoleWitness, "officer_witnesses"}, {req.OfficerComplainants, cases.RoleComplainant, "officer_complainants"}} {
		for i, o := range list.ids {
			if !id.Valid(o) {
				f.Add(fmt.Sprintf("%s[%d]", list.name, i), "is not an officer id")
				continue
			}
			c.Parties = append(c.Parties, cases.Party{Role: list.role, OfficerID: o})
		}
	}
	var ps []people.Person
	for i, p := range req.Complainants {
		person := people.Person{Name: p.Name, Email: p.Email, Phone: p.Phone, Address: p.Address}
		for _, fe := range fault.FieldsOf(person.Validate()) {
			f.Add(fmt.Sprintf("complainants[%d].%s", i, fe.Field), fe.Reason)
		}
		ps = append(ps, person)
	}
	return c, ps
}

// recordCase records a new case: POST /api/v1/cases. The recorder is
// assigned to it, so that they can carry on with a case recorded for
// another unit.
func (s *Server) recordCase(w http.ResponseWriter, r *http.Request) {
	var req recordCaseRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.recordNew(r, req, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, http.StatusCreated, map[string]any{"id": c.ID, "reference": c.Reference, "state": c.State, "version": c.Version})
}

// recordNew validates and records a new case for the API and the Record
// a case page, assigning it to the recorder; note, when not empty, is
// added to the case as its first note (how a complaint was taken).
func (s *Server) recordNew(r *http.Request, req recordCaseRequest, note string) (cases.Case, error) {
	ctx := r.Context()
	now := s.clock()
	var f fault.Fields
	c, complainants := req.toCase(&f)
	p := caller(r)
	if req.UnitID != "" {
		unit, err := s.db.Unit(ctx, req.UnitID)
		switch {
		case fault.Is(err, fault.NotFound):
			f.Add("unit_id", "names no unit")
		case err != nil:
			return c, err
		case !access.MayRecordInto(*p, unit.ID, unit.Code == intake.IntakeUnitCode):
			e := s.auditEntry(r, audit.AccessDenied, "unit", unit.ID, audit.Denied)
			e.Reason = "recording a case into a unit not the recorder's own"
			if err := s.db.Audit(ctx, e); err != nil {
				return c, err
			}
			return c, &fault.Error{Kind: fault.Forbidden, Message: "the case cannot be recorded into that unit",
				Fields: []fault.FieldError{{Field: "unit_id", Reason: "a handler records cases into their own units or the complaints intake unit (" +
					intake.IntakeUnitCode + ")"}}}
		}
		c.ForceID = unit.ForceID
	}
	if c.ForceID == "" {
		c.ForceID = "pending" // reported through unit_id; keeps Validate from naming force_id too
	}
	for _, fe := range fault.FieldsOf(c.Validate(s.ref, now)) {
		f.Add(fe.Field, fe.Reason)
	}
	if err := f.Err("the case cannot be recorded"); err != nil {
		return c, err
	}
	c.Prepare(s.ref, now)
	c.NextDueAt, c.NextDueClock = s.nextDue(c, nil, now)
	officerParties := c.Parties
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// The transaction may be retried: start from the request's own
		// parties each time, or a retry would record complainants twice.
		c.Parties = append([]cases.Party(nil), officerParties...)
		for i := range complainants {
			if err := tx.CreatePerson(ctx, &complainants[i], now); err != nil {
				return err
			}
			c.Parties = append(c.Parties, cases.Party{Role: cases.RoleComplainant, PersonID: complainants[i].ID})
		}
		if err := tx.CreateCase(ctx, &c, p.User.ID, now); err != nil {
			return err
		}
		if err := tx.AssignCase(ctx, c.ID, p.User.ID, now); err != nil {
			return err
		}
		if note != "" {
			if err := tx.AddNote(ctx, &store.Note{CaseID: c.ID, AuthorID: p.User.ID, At: now, Text: note}); err != nil {
				return err
			}
		}
		e := s.auditEntry(r, audit.Collect, "case", c.ID, audit.Success)
		e.Reason = "recorded " + c.Reference
		if len(complainants) > 0 {
			e.Reason += " with " + strconv.Itoa(len(complainants)) + " complainant(s)"
		}
		return tx.Audit(ctx, e)
	})
	return c, err
}

type noteRequest struct {
	Text string `json:"text"`
}

// addNote adds a note to a case: POST /api/v1/cases/{id}/notes.
func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	var req noteRequest
	if err := decodeJSON(w, r, &req, 64<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	var f fault.Fields
	text := strings.TrimSpace(req.Text)
	f.Text("text", text, 20000, true, true)
	if err := f.Err("the note cannot be added"); err != nil {
		s.fail(w, r, err)
		return
	}
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	n, err := s.saveNote(r, caseID, text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, n)
}

// saveNote adds a checked note to a case the caller may work on.
func (s *Server) saveNote(r *http.Request, caseID, text string) (store.Note, error) {
	ctx := r.Context()
	n := store.Note{CaseID: caseID, AuthorID: caller(r).User.ID, At: s.clock(), Text: text}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddNote(ctx, &n); err != nil {
			return err
		}
		return tx.Audit(ctx, s.auditEntry(r, audit.Alter, "case", caseID, audit.Success))
	})
	return n, err
}

// openForWork applies need-to-know for a change to a case. The oversight
// body reads shared cases but does not work on them.
func (s *Server) openForWork(r *http.Request) (string, error) {
	caseID, d, err := s.decideCase(r)
	if err != nil {
		return "", err
	}
	if !d.Allow {
		return "", s.refuse(r, caseID, d)
	}
	if d.Basis == "shared" {
		return "", fault.Errorf(fault.Forbidden, "the oversight body reads shared cases; it does not change them")
	}
	return caseID, nil
}

// nextDue is the earliest open deadline of a case, kept on the case row
// for lists; nothing when the deadlines cannot be worked out.
func (s *Server) nextDue(c cases.Case, history []cases.Event, now time.Time) (*time.Time, string) {
	if err := c.SetNextDue(history, s.calendar, now); err != nil {
		return nil, ""
	}
	return c.NextDueAt, c.NextDueClock
}

type actionRequest struct {
	cases.ActionInput
	Version int `json:"version"`
}

// act applies one workflow action: POST /api/v1/cases/{id}/actions. The
// case must still be at the version the caller read; of two people acting
// at once, one wins and the other gets 409.
func (s *Server) act(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if err := decodeJSON(w, r, &req, maxJSONBody); err != nil {
		s.fail(w, r, err)
		return
	}
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	c, ev, err := s.takeAction(r, caseID, req.Version, req.ActionInput)
	var na *cases.NotAllowedError
	if errors.As(err, &na) {
		allowed := []string{}
		for _, a := range cases.Allowed(c, roleNames(caller(r).Roles)) {
			allowed = append(allowed, string(a.Name))
		}
		status, title := http.StatusConflict, "Conflict"
		if na.ByRole {
			status, title = http.StatusForbidden, "Forbidden"
		}
		writeProblem(w, Problem{Type: "about:blank", Title: title, Status: status, Detail: na.Error(),
			Extra: map[string]any{"state": c.State, "allowed": allowed}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": c.ID, "reference": c.Reference, "state": c.State, "version": c.Version, "event": ev})
}

// takeAction applies one workflow action to a case the caller may work
// on, read at version (0: as it is now). It returns the case as it now
// stands, also on a refusal: a *cases.NotAllowedError, a fault.Conflict
// when the case has moved past version, or the input's field errors.
func (s *Server) takeAction(r *http.Request, caseID string, version int, in cases.ActionInput) (cases.Case, cases.Event, error) {
	ctx := r.Context()
	now := s.clock()
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		return c, cases.Event{}, err
	}
	if version == 0 {
		version = c.Version
	}
	if version != c.Version {
		return c, cases.Event{}, fault.Errorf(fault.Conflict, "case %s is at version %d, not %d; reload it and try again", c.Reference, c.Version, version)
	}
	p := caller(r)
	from := c.State
	history, err := s.db.Timeline(ctx, c.ID)
	if err != nil {
		return c, cases.Event{}, err
	}
	// The case's own history, not the client, says which forum its
	// proceedings are in, where a suspended complaint resumes, and
	// whether it was referred.
	facts := cases.ReadTimeline(history)
	if facts.Forum != "" {
		in.Forum = facts.Forum
	}
	if c.State == cases.Suspended {
		in.ResumeTo = facts.SuspendedFrom
	}
	in.ReviewFacts.Referred = in.ReviewFacts.Referred || facts.Referred
	if err := s.deriveReviewFacts(ctx, c, facts, &in); err != nil {
		return c, cases.Event{}, err
	}
	// Whether a warning is in force is read from the officers' records.
	in.FinalWarningInForce = false
	if err := s.deriveFacts(ctx, &c, history, now); err != nil {
		return c, cases.Event{}, err
	}
	before := c
	ev, err := cases.Apply(&c, in, roleNames(p.Roles), s.ref, now)
	if err != nil {
		return before, ev, err
	}
	ev.At, ev.Actor = now, p.User.ID
	save := s.saveChange
	if in.Action == cases.ActRecordAsConduct || in.Action == cases.ActTreatAsConduct {
		save = s.saveAsConductMatter
	}
	if err := save(r, &c, version, history, &ev, string(in.Action)+": "+string(from)+" -> "+string(c.State)); err != nil {
		return before, ev, err
	}
	return c, ev, nil
}

// stepRequest records a step that starts or stops a deadline clock.
type stepRequest struct {
	cases.StepInput
	Version int `json:"version"`
}

// recordStep answers POST /api/v1/cases/{id}/steps: a progress update
// sent, an officer's reply received, a deadline extended.
func (s *Server) recordStep(w http.ResponseWriter, r *http.Request) {
	var req stepRequest
	if err := decodeJSON(w, r, &req, 64<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	c, ev, err := s.takeStep(r, caseID, req.Version, req.StepInput)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": c.ID, "version": c.Version, "event": ev})
}

// takeStep records a step on a case the caller may work on, read at
// version (0: as it is now), checking the officer it names against the
// case's subjects. The API and the case page's step forms both record
// steps through it, so both are audited alike.
func (s *Server) takeStep(r *http.Request, caseID string, version int, in cases.StepInput) (cases.Case, cases.Event, error) {
	ctx := r.Context()
	now := s.clock()
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		return c, cases.Event{}, err
	}
	if version == 0 {
		version = c.Version
	}
	ev, err := cases.RecordStepOn(c, in, now)
	if err != nil {
		return c, ev, err
	}
	ev.Actor = caller(r).User.ID
	history, err := s.db.Timeline(ctx, c.ID)
	if err != nil {
		return c, ev, err
	}
	reason := "step: " + string(in.Step)
	if sub := ev.Detail["subject"]; sub != "" {
		reason += " for officer " + sub
	}
	if err := s.saveChange(r, &c, version, history, &ev, reason); err != nil {
		return c, ev, err
	}
	return c, ev, nil
}

// saveChange stores a change to a case read at readVersion: its next
// deadline recomputed with the new event, the event itself, and the audit
// entry recording it, in one transaction.
func (s *Server) saveChange(r *http.Request, c *cases.Case, readVersion int, history []cases.Event, ev *cases.Event, reason string) error {
	ctx := r.Context()
	now := s.clock()
	c.NextDueAt, c.NextDueClock = s.nextDue(*c, append(history, *ev), now)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveTransition(ctx, c, readVersion, ev, now); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Alter, "case", c.ID, audit.Success)
		e.Reason = reason
		return tx.Audit(ctx, e)
	})
}
