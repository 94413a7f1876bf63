package measures

import (
	"context"
	"time"
)

// Source is what the measures need counted. The store implements it with
// SQL that counts in the engine, the same on SQLite and PostgreSQL; the
// definitions in catalogue.go say what each count means, and the store's
// conformance tests hold it to them.
type Source interface {
	// CheckFilter refuses, with a fault.Invalid error naming the field
	// ("force" or "unit"), a force or unit that is not on record, or a
	// unit outside the named force.
	CheckFilter(ctx context.Context, forceID, unitID string) error
	// FirstRecord is the time of the earliest record of the family within
	// the scope's force, unit and kinds (its period is ignored); false
	// when there is none.
	FirstRecord(ctx context.Context, f Family, s Scope) (time.Time, bool, error)

	// CaseDurations is the distribution of whole days from receipt to a
	// milestone, over the complaints in scope whose milestone fell in the
	// scope's period, one per group (see Milestone).
	CaseDurations(ctx context.Context, s Scope, m Milestone) ([]Distribution, error)
	// OpenCases counts the cases in scope open at at, by when they were
	// received: counts[0] received on or after cutoffs[0], counts[i]
	// received in [cutoffs[i], cutoffs[i-1]), and the last count received
	// before the last cutoff. Cutoffs run from the latest to the earliest.
	OpenCases(ctx context.Context, s Scope, at time.Time, cutoffs []time.Time) ([]int, error)
	// Backlog counts the cases in scope open at the start of the period,
	// received and finalised in it, and open at its end.
	Backlog(ctx context.Context, s Scope) (Backlog, error)
	// AllegationOutcomes counts, by national category, the allegations
	// with at least one subject on cases finalised in the period.
	AllegationOutcomes(ctx context.Context, s Scope) ([]OutcomeCounts, error)
	// RepeatSubjects counts officers by how many cases received in the
	// period name them as a subject (1, 2, or 3 meaning 3 or more) and by
	// the most severe sanction recorded against them on those cases.
	RepeatSubjects(ctx context.Context, s Scope) ([]RepeatCounts, error)
	// OfficerGroups counts, by recorded ethnicity and sex, the officers in
	// post at any time in the period, those of them named as a subject on
	// a case received in the period, and those of them dismissed in it.
	OfficerGroups(ctx context.Context, s Scope) ([]GroupCounts, error)
	// SpeakUp counts reports received in the period by category, with the
	// distribution of days to the first reply over all of them.
	SpeakUp(ctx context.Context, s Scope) ([]SpeakUpCounts, Distribution, error)
	// EISFlags counts early-intervention flags raised, first reviewed
	// and review decisions taken in the period.
	EISFlags(ctx context.Context, s Scope) (EISCounts, error)
}

// Milestone is a step in a complaint's handling that timeliness is
// measured to.
type Milestone string

const (
	// Logged: first entered LoggedOutsideSch3 or RecordedSch3.
	Logged Milestone = "logged"
	// FirstContact: first entered InitialContact.
	FirstContact Milestone = "first_contact"
	// Finalised: first entered OutcomeNotified, Resolved, Withdrawn or
	// Closed; grouped by handling route (Route).
	Finalised Milestone = "finalised"
)

// Handling routes, the groups of the Finalised distribution, from the
// most to the least intensive. A case is put under the most intensive
// route its timeline shows.
const (
	RouteIndependent = "independent"  // entered IndependentInvestigation
	RouteDirected    = "directed"     // entered DirectedInvestigation
	RouteLocal       = "local"        // entered LocalInvestigation
	RouteOtherwise   = "otherwise"    // entered HandledOtherwise
	RouteOutside     = "outside_sch3" // entered LoggedOutsideSch3 and never RecordedSch3
	RouteNone        = "none"         // none of these: withdrawn or ended before a route was chosen
)

// Routes lists the handling routes in the order results show them.
var Routes = []string{RouteOutside, RouteOtherwise, RouteLocal, RouteDirected, RouteIndependent, RouteNone}

// Distribution is a set of whole-day durations, summarised by the
// nearest-rank rule: of N durations sorted from shortest, the median is
// the ceil(N/2)-th and the 90th percentile the ceil(9N/10)-th. Both are
// durations that occurred, so the two engines agree to the day.
type Distribution struct {
	Group  string
	N      int
	Median int
	P90    int
}

// Backlog is the flow of cases through a period.
type Backlog struct {
	OpenAtStart, Received, Finalised, OpenAtEnd int
}

// OutcomeCounts are allegation outcomes in one national category.
type OutcomeCounts struct {
	Category     string // the category's code
	Name         string // its name in the taxonomy
	Allegations  int    // with at least one subject, on cases finalised in the period
	CaseToAnswer int    // of which at least one subject's finding is a case to answer or a misconduct finding
	Upheld       int    // of which at least one subject's finding upholds the allegation
	// The same three counts for the allegations flagged as domestic abuse:
	// a flag beside the category, shown as a group of its own too.
	FlaggedAllegations, FlaggedCaseToAnswer, FlaggedUpheld int
}

// RepeatCounts is one cell of officers by number of cases and worst
// sanction ("" when none was recorded).
type RepeatCounts struct {
	Cases    int
	Worst    string
	Officers int
}

// GroupCounts are the officers of one ethnicity and sex ("" where not
// recorded).
type GroupCounts struct {
	Ethnicity, Sex string
	Officers       int
	Entered        int
	Dismissed      int
}

// SpeakUpCounts are the reports of one category.
type SpeakUpCounts struct {
	Category string
	Received int
	Replied  int // of which a guardian has replied
}

// EISCounts are early-intervention flags in a period.
type EISCounts struct {
	Raised        map[string]int // by source: rule, model
	FirstReviewed int            // flags whose first review note fell in the period
	Decisions     map[string]int // review notes by action: review, intervene, close
	Interventions map[string]int // intervene notes by the intervention the flag now carries
}
