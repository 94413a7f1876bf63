package vetting

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/probity/probity/internal/fault"
)

// The College of Policing keeps two lists [Police Act 1996 Part 4A; SI
// 2017/1135]: the barred list, of people dismissed from policing (or
// found after leaving that they would have been), whom no force may
// appoint; and the advisory list, of people who left while under
// investigation or before an allegation came to light, whom a force must
// consider before appointing. Probity keeps the force's own referrals to
// both and any national extract the force imports, and answers whether a
// person is listed.

// List names one of the two lists.
type List string

const (
	Barred   List = "barred"
	Advisory List = "advisory"
)

// Lists lists the lists in the order pages offer them.
var Lists = []List{Barred, Advisory}

// Source says where a listing came from.
type Source string

const (
	// ByForce: the force's own referral, recorded in Probity.
	ByForce Source = "force"
	// National: a row of an extract of the national list, imported.
	National Source = "national"
)

// Basis is why a person is listed: the limb of the Act the report is
// made under.
type Basis string

const (
	// Dismissed: dismissed from the force [Police Act 1996 s 88A(1)(a),
	// (c)].
	Dismissed Basis = "dismissed"
	// WouldHaveBeenDismissed: found after leaving that they would have
	// been dismissed had they not left [s 88A(1)(b), (d)].
	WouldHaveBeenDismissed Basis = "would_have_been_dismissed"
	// LeftUnderInvestigation: resigned or retired while under
	// investigation [s 88I(1)(a), believed].
	LeftUnderInvestigation Basis = "left_under_investigation"
	// AllegationAfterLeaving: an allegation came to light after they left
	// that would have been investigated had they stayed [s 88I(1)(b),
	// believed].
	AllegationAfterLeaving Basis = "allegation_after_leaving"
)

// Bases lists the bases; the first two put a person on the barred list,
// the others on the advisory list.
var Bases = []Basis{Dismissed, WouldHaveBeenDismissed, LeftUnderInvestigation, AllegationAfterLeaving}

// List is the list a basis puts a person on.
func (b Basis) List() List {
	if b == Dismissed || b == WouldHaveBeenDismissed {
		return Barred
	}
	return Advisory
}

// Ground is what the dismissal was for; it sets when a barred person may
// first ask to be removed.
type Ground string

const (
	GrossMisconduct   Ground = "gross_misconduct"
	GrossIncompetence Ground = "gross_incompetence"
)

// Grounds lists the grounds of a dismissal.
var Grounds = []Ground{GrossMisconduct, GrossIncompetence}

// ReviewYears is how long after the dismissal or finding a person may
// first apply to have a listing reviewed: five years, or three after a
// dismissal for gross incompetence under the performance regulations
// (College of Policing guidance on the lists; believed, docs/vetting.md).
// An advisory listing may be reviewed after five years (believed).
func ReviewYears(l List, g Ground) int {
	if l == Barred && g == GrossIncompetence {
		return 3
	}
	return 5
}

// Removal is why a listing was removed.
type Removal string

const (
	// AppealAllowed: an appeal overturned the dismissal or finding.
	AppealAllowed Removal = "appeal_allowed"
	// ReviewGranted: the College granted an application for review.
	ReviewGranted Removal = "review_granted"
	// ProceedingsEnded: the matter that put a person on the advisory list
	// ended without a finding that they would have been dismissed.
	ProceedingsEnded Removal = "proceedings_ended"
	// MovedToBarred: proceedings found that a person on the advisory list
	// would have been dismissed; they are now on the barred list.
	MovedToBarred Removal = "moved_to_barred"
	// EnteredInError: the listing should never have been made.
	EnteredInError Removal = "entered_in_error"
)

// Removals lists the reasons in the order pages offer them.
var Removals = []Removal{AppealAllowed, ReviewGranted, ProceedingsEnded, MovedToBarred, EnteredInError}

// removalsFor are the reasons that can end a listing on each list.
var removalsFor = map[List][]Removal{
	Barred:   {AppealAllowed, ReviewGranted, EnteredInError},
	Advisory: {ReviewGranted, ProceedingsEnded, MovedToBarred, EnteredInError},
}

// Listing is one person on one list.
type Listing struct {
	ID     string
	List   List
	Source Source
	// OfficerID and CaseID name the force's own officer and the case the
	// referral arose from, when there is one.
	OfficerID    string
	CaseID       string
	Name         string
	BirthDate    time.Time
	CollarNumber string
	// Force is the force concerned: the one the person last served in.
	Force  string
	Rank   string
	Basis  Basis
	Ground Ground // barred listings only
	// Outcome is the dismissal or finding in words, with the conduct
	// that led to it and the standards breached [SI 2017/1135 reg 3(2)(i)].
	Outcome string
	// DecidedOn is the day of the dismissal, the finding, or the leaving.
	DecidedOn  time.Time
	ReferredOn time.Time
	// ReviewFrom is the first day the person may ask for a review.
	ReviewFrom    time.Time
	RemovedOn     *time.Time
	RemovedReason Removal
	RemovedNote   string
	RecordedBy    string
	RecordedAt    time.Time
}

// Current reports whether the listing stands on a day.
func (l Listing) Current(on time.Time) bool {
	return l.RemovedOn == nil || dayOf(on).Before(*l.RemovedOn)
}

// RemovedDay is the day the listing was removed; the zero time while it
// stands.
func (l Listing) RemovedDay() time.Time {
	if l.RemovedOn == nil {
		return time.Time{}
	}
	return *l.RemovedOn
}

// Prepare validates a referral the force is making and fills in the list
// and the review date, which follow from the basis and the ground.
func (l *Listing) Prepare(now time.Time) error {
	var f fault.Fields
	f.Text("name", l.Name, 200, true, false)
	checkBirthDate(&f, "date_of_birth", l.BirthDate, now)
	if l.CollarNumber != "" {
		f.Text("collar_number", l.CollarNumber, 20, false, false)
	}
	f.Text("force", l.Force, 100, true, false)
	if l.Rank != "" {
		f.Text("rank", l.Rank, 60, false, false)
	}
	if !slices.Contains(Bases, l.Basis) {
		f.Add("basis", "must be one of dismissed, would have been dismissed, left under investigation, allegation after leaving")
	}
	list := l.Basis.List()
	switch {
	case !slices.Contains(Bases, l.Basis):
	case list == Barred && !slices.Contains(Grounds, l.Ground):
		f.Add("ground", "is required for the barred list: gross misconduct or gross incompetence")
	case list == Advisory && l.Ground != "":
		f.Add("ground", "is given only for the barred list")
	}
	f.Text("outcome", l.Outcome, 4000, true, true)
	switch {
	case l.DecidedOn.IsZero():
		f.Add("decided_on", "is required: the day of the dismissal, the finding, or the leaving")
	case l.DecidedOn.After(now):
		f.Add("decided_on", "must not be in the future")
	}
	if err := f.Err("the referral cannot be recorded"); err != nil {
		return err
	}
	if l.Source == "" {
		l.Source = ByForce
	}
	l.List = list
	l.DecidedOn = dayOf(l.DecidedOn)
	if l.ReferredOn.IsZero() {
		l.ReferredOn = dayOf(now)
	}
	l.ReviewFrom = l.DecidedOn.AddDate(ReviewYears(list, l.Ground), 0, 0)
	return nil
}

// Remove ends a listing for a reason the list allows, on a day no
// earlier than the listing and, for a review, no earlier than a review
// could be sought.
func (l *Listing) Remove(reason Removal, on time.Time, note string, now time.Time) error {
	var f fault.Fields
	if l.RemovedOn != nil {
		return fault.Errorf(fault.Conflict, "this listing was removed on %s", l.RemovedOn.Format("2 January 2006"))
	}
	allowed := removalsFor[l.List]
	switch {
	case !slices.Contains(Removals, reason):
		f.Add("reason", "must be one of appeal allowed, review granted, proceedings ended, moved to the barred list, entered in error")
	case !slices.Contains(allowed, reason):
		f.Addf("reason", "does not end a listing on the %s list", l.List.Label().Name)
	case reason == ReviewGranted && !on.IsZero() && dayOf(on).Before(l.ReviewFrom):
		f.Addf("removed_on", "is before %s, the first day a review of this listing could be sought", l.ReviewFrom.Format("2 January 2006"))
	}
	switch {
	case on.IsZero():
		f.Add("removed_on", "is required")
	case dayOf(on).Before(l.DecidedOn):
		f.Add("removed_on", "must not be before the listing's decision")
	case on.After(now):
		f.Add("removed_on", "must not be in the future")
	}
	f.Text("note", note, 2000, true, true)
	if err := f.Err("the listing cannot be removed"); err != nil {
		return err
	}
	d := dayOf(on)
	l.RemovedOn, l.RemovedReason, l.RemovedNote = &d, reason, note
	return nil
}

// ReportDueBy is the last day the force may report a person to the
// College: the report is due before the end of five working days
// beginning with the day of the dismissal or finding [SI 2017/1135 reg
// 3(1), verified]. working says whether a day is a working day.
func ReportDueBy(decided time.Time, working func(time.Time) bool) time.Time {
	d, n := dayOf(decided), 0
	for {
		if working(d) {
			n++
			if n == 5 {
				return d
			}
		}
		d = d.AddDate(0, 0, 1)
	}
}

func checkBirthDate(f *fault.Fields, field string, dob, now time.Time) {
	switch {
	case dob.IsZero():
		f.Add(field, "is required")
	case dob.After(now.AddDate(-16, 0, 0)):
		f.Add(field, "must be at least 16 years ago")
	case dob.Before(now.AddDate(-120, 0, 0)):
		f.Add(field, "must be within the last 120 years")
	}
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Query asks whether a person is listed. At least two of the three
// identifying fields are required: a search by name alone, or by a date
// of birth alone, would list strangers who share it, and let a user fish.
type Query struct {
	Name         string
	BirthDate    time.Time
	CollarNumber string
}

// Validate refuses a query with fewer than two identifying fields,
// naming each field missing.
func (q Query) Validate() error {
	var f fault.Fields
	if q.Name != "" {
		f.Text("name", q.Name, 200, false, false)
	}
	if q.CollarNumber != "" {
		f.Text("collar_number", q.CollarNumber, 20, false, false)
	}
	if err := f.Err("the search cannot be made"); err != nil {
		return err
	}
	if len(q.Keys()) == 0 {
		reason := "give at least two of name, date of birth and collar number: one alone would match strangers"
		for _, m := range q.missing() {
			f.Add(m, reason)
		}
		return f.Err("the search needs two identifying fields")
	}
	return nil
}

func (q Query) missing() []string {
	var out []string
	if NormaliseName(q.Name) == "" {
		out = append(out, "name")
	}
	if q.BirthDate.IsZero() {
		out = append(out, "date_of_birth")
	}
	if NormaliseCollar(q.CollarNumber) == "" {
		out = append(out, "collar_number")
	}
	return out
}

// Keys are the index keys a query (or a listing) is found by: one for
// each pair of the identifying fields it has. A listing matches a query
// when they share a key, so two of three fields agreeing is enough: a
// person who moved force has a new collar number, and a name may be
// spelt differently in another force's records.
func (q Query) Keys() []string {
	name, collar := NormaliseName(q.Name), NormaliseCollar(q.CollarNumber)
	dob := ""
	if !q.BirthDate.IsZero() {
		dob = q.BirthDate.UTC().Format(time.DateOnly)
	}
	var keys []string
	if name != "" && dob != "" {
		keys = append(keys, "name+dob\x00"+name+"\x00"+dob)
	}
	if name != "" && collar != "" {
		keys = append(keys, "name+collar\x00"+name+"\x00"+collar)
	}
	if dob != "" && collar != "" {
		keys = append(keys, "dob+collar\x00"+dob+"\x00"+collar)
	}
	return keys
}

// QueryOf is the query that finds a listing.
func (l Listing) QueryOf() Query {
	return Query{Name: l.Name, BirthDate: l.BirthDate, CollarNumber: l.CollarNumber}
}

// NormaliseName reduces a name to the form two records of one person
// most likely share: accents removed, letters lower-cased, and anything
// but letters and digits turned into single spaces, so that "O'Brien-Smith,
// Seán" and "o brien smith sean" agree. The order of the words is kept.
func NormaliseName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// NormaliseCollar is a collar or warrant number without spaces, in upper
// case.
func NormaliseCollar(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}
