// Package hearings keeps the notices a force publishes about misconduct
// hearings: the notice of a public hearing before it is held, and the
// outcome after it. A notice names an officer to the public, so no notice
// is public until someone other than its author has approved it, and none
// stays public after its publication period: whether a notice is shown is
// worked out from the clock whenever it is read, so there is no job that
// could fail to take it down. See docs/hearing-notices.md for the rules
// and which of them are verified against the regulations.
package hearings

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

// Kind is what a notice tells the public.
type Kind string

const (
	// OfHearing is the notice of a misconduct hearing held in public:
	// when and where, the officer, and the conduct alleged [CR 36; CR 53
	// for an accelerated hearing].
	OfHearing Kind = "hearing"
	// Outcome is the outcome of a hearing: the finding and any
	// disciplinary action [CR 43; CR 63 for an accelerated hearing].
	Outcome Kind = "outcome"
)

// Kinds lists the kinds in the order pages offer them.
var Kinds = []Kind{OfHearing, Outcome}

// Status is where a notice stands in its approval. Whether an approved
// notice is public is not a status: it follows from its period and the
// day (Standing).
type Status string

const (
	Draft     Status = "draft"
	Submitted Status = "submitted" // waiting for approval
	Approved  Status = "approved"
	Withdrawn Status = "withdrawn"
)

// Standing is a notice as the public and staff see it on a given day.
type Standing string

const (
	StandingDraft     Standing = "draft"
	StandingAwaiting  Standing = "awaiting_approval"
	StandingScheduled Standing = "scheduled" // approved, its period not yet begun
	StandingPublished Standing = "published"
	StandingEnded     Standing = "taken_down" // its period is over
	StandingWithdrawn Standing = "withdrawn"
)

// Action is a step in a notice's approval.
type Action string

const (
	Submit   Action = "submit"
	Approve  Action = "approve"
	Withdraw Action = "withdraw"
)

// Limits on what a notice may hold.
const (
	MaxText    = 4000
	MaxVenue   = 200
	MaxReasons = 2000
	// OutcomeMinDays is the least number of days an outcome stays
	// published once it is [CR 43, believed: see docs/hearing-notices.md].
	OutcomeMinDays = 28
	// OutcomeMaxDays is Probity's own limit: a notice names an officer, and
	// a force that wants it kept longer than a year decides so again.
	OutcomeMaxDays = 365
	// HearingNoticeAfterDays is how long after the hearing day a notice of
	// hearing may stay up, for a hearing that runs over several days or is
	// adjourned; Probity's choice, not the regulations'.
	HearingNoticeAfterDays = 28
)

// Notice is one notice about one officer's hearing on one case. The
// officer's name and rank are kept as they were when the notice was
// drafted: what is approved is what the public reads.
type Notice struct {
	ID            string
	CaseID        string
	CaseReference string
	Kind          Kind
	OfficerID     string
	OfficerName   string
	OfficerRank   string
	// HearingOn is the day the hearing starts (a notice of hearing) or
	// ended (an outcome); HearingTime ("10:00") and Venue are for a
	// notice of hearing only.
	HearingOn   time.Time
	HearingTime string
	Venue       string
	// Text is what the public reads, written by the appropriate
	// authority: the conduct alleged, or the finding and the action taken.
	Text string
	// PublishFrom and PublishUntil are the first and last days the notice
	// is public, both included.
	PublishFrom  time.Time
	PublishUntil time.Time

	Status          Status
	DraftedBy       string
	DraftedAt       time.Time
	SubmittedAt     *time.Time
	ApprovedBy      string
	ApprovedAt      *time.Time
	WithdrawnBy     string
	WithdrawnAt     *time.Time
	WithdrawnReason string
	Version         int
}

// zone is where the force's days begin and end.
var zone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// Unreachable: the cases package compiles time/tzdata in.
		panic("hearings: no time zone data for Europe/London: " + err.Error())
	}
	return loc
}()

// Day is the force's calendar day at an instant, as midnight UTC, the
// form dates are kept in.
func Day(t time.Time) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayOf drops the time from a date already meant as a day.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// HearingStates are the states that show a case reached a misconduct
// hearing: referred to one, or certified for an accelerated one.
var HearingStates = []cases.State{cases.HearingReferred, cases.SpecialConditions, cases.AcceleratedHearing}

// ReachedHearing reports whether a case that has been in these states was
// referred to a misconduct hearing. A meeting is held in private and has
// no notice.
func ReachedHearing(visited []cases.State) bool {
	return slices.ContainsFunc(visited, func(s cases.State) bool { return slices.Contains(HearingStates, s) })
}

// DefaultPeriod is the publication period a new notice is offered: an
// outcome from today for the least time the rule allows; a notice of
// hearing from today until the hearing day.
func DefaultPeriod(k Kind, hearingOn, now time.Time) (from, until time.Time) {
	today := Day(now)
	if k == Outcome {
		return today, today.AddDate(0, 0, OutcomeMinDays-1)
	}
	until = dayOf(hearingOn)
	if hearingOn.IsZero() || until.Before(today) {
		until = today
	}
	return today, until
}

// DraftInput is what the author sends to draft a notice.
type DraftInput struct {
	Kind         Kind
	OfficerID    string
	HearingOn    time.Time
	HearingTime  string
	Venue        string
	Text         string
	PublishFrom  time.Time
	PublishUntil time.Time
}

// New drafts a notice on a case, naming each faulty field. subjects are
// the case's subject officers, by id; officer names the one chosen, with
// the name and rank the notice will carry.
func New(in DraftInput, c CaseFacts, officerName, officerRank, by string, now time.Time) (Notice, error) {
	if !ReachedHearing(c.Visited) {
		return Notice{}, fault.Errorf(fault.Conflict, "case %s has not been referred to a misconduct hearing: a notice is published only about a hearing", c.Reference)
	}
	var f fault.Fields
	if !slices.Contains(Kinds, in.Kind) {
		f.Add("kind", "must be notice of hearing or outcome of hearing")
	}
	if in.OfficerID == "" {
		f.Add("officer_id", "is required: choose the officer the hearing is about")
	} else if !slices.Contains(c.Subjects, in.OfficerID) {
		f.Add("officer_id", "must be an officer the case's allegations are against")
	}
	validateBody(&f, in, now)
	if err := f.Err("the notice cannot be drafted"); err != nil {
		return Notice{}, err
	}
	n := Notice{CaseID: c.ID, CaseReference: c.Reference, Kind: in.Kind, OfficerID: in.OfficerID, OfficerName: officerName,
		OfficerRank: officerRank, HearingOn: dayOf(in.HearingOn), Venue: strings.TrimSpace(in.Venue), Text: in.Text,
		HearingTime: strings.TrimSpace(in.HearingTime), PublishFrom: dayOf(in.PublishFrom), PublishUntil: dayOf(in.PublishUntil),
		Status: Draft, DraftedBy: by, DraftedAt: now.UTC(), Version: 1}
	if n.Kind == Outcome {
		n.HearingTime, n.Venue = "", ""
	}
	return n, nil
}

// CaseFacts is what drafting needs to know of the case.
type CaseFacts struct {
	ID, Reference string
	// Visited are the states the case has been in.
	Visited []cases.State
	// Subjects are the officers the case's allegations are against.
	Subjects []string
}

// validateBody checks the text, the hearing's day, time and place, and
// the publication period against the rule for the kind.
func validateBody(f *fault.Fields, in DraftInput, now time.Time) {
	f.Text("text", in.Text, MaxText, true, true)
	if in.HearingOn.IsZero() {
		if in.Kind == Outcome {
			f.Add("hearing_on", "is required: give the day the hearing ended")
		} else {
			f.Add("hearing_on", "is required: give the day the hearing starts")
		}
	}
	hearing := dayOf(in.HearingOn)
	today := Day(now)
	if in.Kind == OfHearing {
		if !in.HearingOn.IsZero() && hearing.Before(today) {
			f.Add("hearing_on", "must be today or later: a notice of hearing is published before the hearing")
		}
		if !validClock(strings.TrimSpace(in.HearingTime)) {
			f.Add("hearing_time", "must be a time on the 24-hour clock, like 09:30")
		}
		f.Text("venue", in.Venue, MaxVenue, true, false)
	} else {
		if !in.HearingOn.IsZero() && hearing.After(today) {
			f.Add("hearing_on", "must not be in the future: an outcome follows the hearing")
		}
		if strings.TrimSpace(in.HearingTime) != "" {
			f.Add("hearing_time", "is given only for a notice of hearing")
		}
		if strings.TrimSpace(in.Venue) != "" {
			f.Add("venue", "is given only for a notice of hearing")
		}
	}
	from, until := dayOf(in.PublishFrom), dayOf(in.PublishUntil)
	switch {
	case in.PublishFrom.IsZero():
		f.Add("publish_from", "is required: give the first day the notice is public")
	case from.Before(today):
		f.Add("publish_from", "must be today or later: a notice cannot have been public before it was approved")
	case in.Kind == OfHearing && !in.HearingOn.IsZero() && from.After(hearing):
		f.Add("publish_from", "must be on or before the hearing day")
	case in.Kind == Outcome && !in.HearingOn.IsZero() && from.Before(hearing):
		f.Add("publish_from", "must be on or after the day the hearing ended")
	}
	if in.PublishUntil.IsZero() {
		f.Add("publish_until", "is required: give the last day the notice is public")
		return
	}
	if in.PublishFrom.IsZero() {
		return
	}
	days := int(until.Sub(from).Hours()/24) + 1
	switch {
	case until.Before(from):
		f.Add("publish_until", "must be on or after the first day of publication")
	case in.Kind == Outcome && days < OutcomeMinDays:
		f.Addf("publish_until", "must be at least %d days after the first day of publication (from %s it can be %s or later): an outcome stays published for at least %d days",
			OutcomeMinDays-1, from.Format("2 January 2006"), from.AddDate(0, 0, OutcomeMinDays-1).Format("2 January 2006"), OutcomeMinDays)
	case in.Kind == Outcome && days > OutcomeMaxDays:
		f.Addf("publish_until", "must be within %d days of the first day of publication", OutcomeMaxDays)
	case in.Kind == OfHearing && !in.HearingOn.IsZero() && until.Before(hearing):
		f.Add("publish_until", "must be on or after the hearing day: the notice stays up until the hearing")
	case in.Kind == OfHearing && !in.HearingOn.IsZero() && until.After(hearing.AddDate(0, 0, HearingNoticeAfterDays)):
		f.Addf("publish_until", "must be within %d days after the hearing day", HearingNoticeAfterDays)
	}
}

// validClock reports whether s is HH:MM on the 24-hour clock.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	_, err := time.Parse("15:04", s)
	return err == nil
}

// Standing is the notice as it stands on the day of now.
func (n Notice) Standing(now time.Time) Standing {
	switch n.Status {
	case Draft:
		return StandingDraft
	case Submitted:
		return StandingAwaiting
	case Withdrawn:
		return StandingWithdrawn
	}
	today := Day(now)
	switch {
	case today.Before(n.PublishFrom):
		return StandingScheduled
	case today.After(n.PublishUntil):
		return StandingEnded
	}
	return StandingPublished
}

// Public reports whether the public may read the notice now: approved,
// not withdrawn, and within its period.
func (n Notice) Public(now time.Time) bool { return n.Standing(now) == StandingPublished }

// Allowed lists the actions that can be taken on the notice now, by
// anyone; who may take them is decided by Check.
func (n Notice) Allowed(now time.Time) []Action {
	switch n.Standing(now) {
	case StandingDraft:
		return []Action{Submit, Withdraw}
	case StandingAwaiting:
		return []Action{Approve, Withdraw}
	case StandingScheduled, StandingPublished:
		return []Action{Withdraw}
	}
	return nil
}

// NotAllowedError refuses an action, naming the actions open now.
type NotAllowedError struct {
	Action  Action
	Reason  string
	Allowed []Action
}

func (e *NotAllowedError) Error() string {
	msg := e.Reason
	if len(e.Allowed) == 0 {
		return msg + "; nothing more can be done with this notice"
	}
	names := make([]string, len(e.Allowed))
	for i, a := range e.Allowed {
		names[i] = a.Label().Name
	}
	return msg + "; what can be done now: " + strings.Join(names, ", ")
}

// Fault is the refusal as a conflict safe to show the caller.
func (e *NotAllowedError) Fault() error { return fault.Wrap(fault.Conflict, e, "%s", e.Error()) }

// Check decides whether user may take action on the notice now.
func (n Notice) Check(a Action, user string, now time.Time) error {
	allowed := n.Allowed(now)
	refuse := func(reason string) error {
		return (&NotAllowedError{Action: a, Reason: reason, Allowed: allowed}).Fault()
	}
	st := n.Standing(now)
	if !slices.Contains(allowed, a) {
		switch {
		case a == Approve && st == StandingDraft:
			return refuse("a draft cannot be approved: its author must first submit it for approval")
		case a == Submit && st == StandingAwaiting:
			return refuse("this notice was already submitted for approval")
		case st == StandingWithdrawn:
			return refuse("this notice was withdrawn")
		case st == StandingEnded:
			return refuse("this notice's publication period is over and it has been taken down")
		case a == Approve || a == Submit:
			return refuse("this notice is already approved")
		}
		return refuse(fmt.Sprintf("%q is not an action on a notice", a))
	}
	switch {
	case a == Submit && user != n.DraftedBy:
		return refuse("only the notice's author submits it for approval")
	case a == Approve && user == n.DraftedBy:
		// The person who wrote what the public will read about an
		// officer cannot be the one who decides it may be read.
		return (&NotAllowedError{Action: a, Reason: "you drafted this notice, so someone else must approve it",
			Allowed: slices.DeleteFunc(slices.Clone(allowed), func(x Action) bool { return x == Approve })}).Fault()
	}
	return nil
}

// Apply takes an action, having checked it; reasons are required to
// withdraw. The caller stores the notice against the version it read.
func (n *Notice) Apply(a Action, user, reasons string, now time.Time) error {
	if err := n.Check(a, user, now); err != nil {
		return err
	}
	at := now.UTC()
	switch a {
	case Submit:
		n.Status, n.SubmittedAt = Submitted, &at
	case Approve:
		// A period that began while the notice waited starts on the day
		// it is approved: nothing is public before someone approved it.
		if today := Day(now); n.PublishFrom.Before(today) {
			if n.Kind == Outcome && n.PublishUntil.Before(today.AddDate(0, 0, OutcomeMinDays-1)) {
				// Late approval moves the end too: an outcome is public
				// for the least number of days from when it first is.
				n.PublishUntil = today.AddDate(0, 0, OutcomeMinDays-1)
			}
			if n.PublishUntil.Before(today) {
				return (&NotAllowedError{Action: a, Reason: "this notice's publication period ended before it was approved: withdraw it and draft it again",
					Allowed: []Action{Withdraw}}).Fault()
			}
			n.PublishFrom = today
		}
		n.Status, n.ApprovedBy, n.ApprovedAt = Approved, user, &at
	case Withdraw:
		var f fault.Fields
		f.Text("reasons", reasons, MaxReasons, true, true)
		if err := f.Err("the notice cannot be withdrawn"); err != nil {
			return err
		}
		n.Status, n.WithdrawnBy, n.WithdrawnAt, n.WithdrawnReason = Withdrawn, user, &at, reasons
	}
	n.Version++
	return nil
}
