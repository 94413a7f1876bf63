package vetting

import (
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/fault"
)

// A force appointing a transferee or a re-joiner must first check the
// barred and advisory lists and the record the previous force holds on
// them: complaints, conduct matters and vetting [Police Act 1996 s 88C
// and s 88K, believed; Vetting Code of Practice 2023; APP on vetting,
// transferees]. A TransferCheck is that record, and its decision.

// JoinerKind says how a person comes to the force.
type JoinerKind string

const (
	Transferee JoinerKind = "transferee"
	Rejoiner   JoinerKind = "rejoiner"
)

// JoinerKinds lists the kinds in the order pages offer them.
var JoinerKinds = []JoinerKind{Transferee, Rejoiner}

// Appointment is the decision on a transferee or re-joiner.
type Appointment string

const (
	Appoint Appointment = "appoint"
	// AppointWithConditions: appointed with limits on their posting or
	// duties, written in the reasons.
	AppointWithConditions Appointment = "appoint_with_conditions"
	DoNotAppoint          Appointment = "do_not_appoint"
)

// Appointments lists the decisions in the order pages offer them.
var Appointments = []Appointment{Appoint, AppointWithConditions, DoNotAppoint}

// Appoints reports whether the decision appoints the person.
func (a Appointment) Appoints() bool { return a == Appoint || a == AppointWithConditions }

// RecordSource says where the previous force's record came from.
type RecordSource string

const (
	// RecordImported: the previous force's records are in Probity
	// (imported); PreviousOfficerID names the person's record there.
	RecordImported RecordSource = "imported"
	// RecordEntered: the previous force sent its record and the vetting
	// unit enters what it says.
	RecordEntered RecordSource = "entered"
)

// TransferCheck is the check on one transferee or re-joiner.
type TransferCheck struct {
	ID           string
	Kind         JoinerKind
	Name         string
	BirthDate    time.Time
	CollarNumber string // in the previous force
	// PreviousForce is the force the person comes from (or last served in).
	PreviousForce string
	RecordSource  RecordSource
	// PreviousOfficerID is the person's record of the previous force in
	// Probity (RecordImported); OfficerID their record in this force, if
	// made. With both, the earlier allegations join the officer's pattern.
	PreviousOfficerID string
	OfficerID         string
	// What the previous force's record says (RecordEntered), or what the
	// vetting unit read in it (RecordImported): each must be written.
	Complaints string
	Conduct    string
	Vetting    string
	// Matches are the listings the search found; Seen those the person
	// deciding was shown when they decided.
	Matches []Listing
	Seen    []string
	// NotThePerson are matches the person deciding judged to be someone
	// else (a stranger sharing a name and date of birth); the reasons
	// must say why.
	NotThePerson []string
	Decision     Appointment
	Reasons      string
	DecidedBy    string
	DecidedAt    time.Time
	SearchedAt   time.Time
}

// Barred reports whether a match is a current barred listing of this
// person.
func (t TransferCheck) Barred(on time.Time) bool { return t.listed(Barred, on) }

func (t TransferCheck) listed(list List, on time.Time) bool {
	return slices.ContainsFunc(t.Matches, func(l Listing) bool {
		return l.List == list && l.Current(on) && !slices.Contains(t.NotThePerson, l.ID)
	})
}

// Decide checks the record before it is kept: every required check made
// and written, the list matches seen, and a decision with reasons that a
// match allows. Each faulty field is named; when the search found
// listings the person deciding was not shown, the field is "matches":
// they must see them and decide again.
func (t *TransferCheck) Decide(now time.Time) error {
	var f fault.Fields
	if !slices.Contains(JoinerKinds, t.Kind) {
		f.Add("kind", "must be transferee or re-joiner")
	}
	f.Text("name", t.Name, 200, true, false)
	checkBirthDate(&f, "date_of_birth", t.BirthDate, now)
	f.Text("collar_number", t.CollarNumber, 20, true, false)
	f.Text("previous_force", t.PreviousForce, 100, true, false)
	switch t.RecordSource {
	case RecordImported:
		if t.PreviousOfficerID == "" {
			f.Add("previous_officer", "is required: name the person's record in the previous force's imported records")
		}
	case RecordEntered:
	default:
		f.Add("record_source", "is required: say whether the previous force's record is imported into Probity or entered from what it sent")
	}
	f.Text("complaints", t.Complaints, 4000, true, true)
	f.Text("conduct", t.Conduct, 4000, true, true)
	f.Text("vetting", t.Vetting, 4000, true, true)
	if !slices.Contains(Appointments, t.Decision) {
		f.Add("decision", "must be appoint, appoint with conditions, or do not appoint")
	}
	f.Text("reasons", t.Reasons, 4000, true, true)
	if err := f.Err("the transfer check cannot be recorded"); err != nil {
		return err
	}
	if t.SearchedAt.IsZero() {
		return fault.Errorf(fault.Internal, "the barred and advisory lists were not searched")
	}
	for _, m := range t.Matches {
		if !slices.Contains(t.Seen, m.ID) {
			f.Add("matches", "the barred or advisory list holds a person who matches: read the matches below, then decide again")
			return f.Err("the list matches have not been seen")
		}
	}
	if t.Decision.Appoints() && t.Barred(now) {
		f.Add("decision", "cannot appoint: the person matches the police barred list, and no force may appoint a person on it")
		return f.Err("the transfer check cannot be recorded")
	}
	for _, id := range t.NotThePerson {
		if !slices.ContainsFunc(t.Matches, func(l Listing) bool { return l.ID == id }) {
			f.Add("not_the_person", "names a listing the search did not find")
			return f.Err("the transfer check cannot be recorded")
		}
	}
	if t.Decision.Appoints() && t.listed(Advisory, now) && !strings.Contains(strings.ToLower(t.Reasons), "advisory") {
		f.Add("reasons", "must say why the advisory list entry does not stop the appointment (name the advisory list)")
		return f.Err("the transfer check cannot be recorded")
	}
	t.DecidedAt = now.UTC()
	return nil
}
