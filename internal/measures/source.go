package measures

import (
	"context"
	"fmt"
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

// Span is one period's stretch of time, [Start, End), in a count made for
// several periods at once.
type Span struct {
	Start, End time.Time
}

// PeriodSource counts what Source counts for several periods at once, so
// that a store can count a measure for every quarter of a year and the
// year itself in one query instead of one a period. Each method takes the
// scope's force, unit and kinds (its Start and End are ignored) and a list
// of spans, and answers one result per span, in their order: what the
// Source method of the same name answers for a scope of that span.
// Stock counts (open cases) are taken at each span's End. Service uses a
// PeriodSource's methods when its Source is one, and asks a plain Source
// period by period otherwise.
type PeriodSource interface {
	Source
	CaseDurationsByPeriod(ctx context.Context, s Scope, spans []Span, m Milestone) ([][]Distribution, error)
	// OpenCasesByPeriod counts as OpenCases at each span's End, with
	// cutoffs[i] the cutoffs of span i.
	OpenCasesByPeriod(ctx context.Context, s Scope, spans []Span, cutoffs [][]time.Time) ([][]int, error)
	BacklogByPeriod(ctx context.Context, s Scope, spans []Span) ([]Backlog, error)
	AllegationOutcomesByPeriod(ctx context.Context, s Scope, spans []Span) ([][]OutcomeCounts, error)
	RepeatSubjectsByPeriod(ctx context.Context, s Scope, spans []Span) ([][]RepeatCounts, error)
	OfficerGroupsByPeriod(ctx context.Context, s Scope, spans []Span) ([][]GroupCounts, error)
	SpeakUpByPeriod(ctx context.Context, s Scope, spans []Span) ([]SpeakUpFigures, error)
	EISFlagsByPeriod(ctx context.Context, s Scope, spans []Span) ([]EISCounts, error)
}

// SpeakUpFigures are one period's speak-up counts and the distribution of
// days to a first reply, as SpeakUp answers them.
type SpeakUpFigures struct {
	Counts []SpeakUpCounts
	Reply  Distribution
}

// periodByPeriod makes a PeriodSource of a plain Source by asking it once
// a span.
type periodByPeriod struct{ Source }

// eachSpan calls count with s narrowed to each span in turn.
func eachSpan[T any](s Scope, spans []Span, count func(Scope) (T, error)) ([]T, error) {
	out := make([]T, len(spans))
	for i, sp := range spans {
		s.Start, s.End = sp.Start, sp.End
		var err error
		if out[i], err = count(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (p periodByPeriod) CaseDurationsByPeriod(ctx context.Context, s Scope, spans []Span, m Milestone) ([][]Distribution, error) {
	return eachSpan(s, spans, func(s Scope) ([]Distribution, error) { return p.CaseDurations(ctx, s, m) })
}

func (p periodByPeriod) OpenCasesByPeriod(ctx context.Context, s Scope, spans []Span, cutoffs [][]time.Time) ([][]int, error) {
	if len(cutoffs) != len(spans) {
		return nil, fmt.Errorf("counting open cases: %d sets of cutoffs for %d periods", len(cutoffs), len(spans))
	}
	i := 0
	return eachSpan(s, spans, func(s Scope) ([]int, error) {
		i++
		return p.OpenCases(ctx, s, s.End, cutoffs[i-1])
	})
}

func (p periodByPeriod) BacklogByPeriod(ctx context.Context, s Scope, spans []Span) ([]Backlog, error) {
	return eachSpan(s, spans, func(s Scope) (Backlog, error) { return p.Backlog(ctx, s) })
}

func (p periodByPeriod) AllegationOutcomesByPeriod(ctx context.Context, s Scope, spans []Span) ([][]OutcomeCounts, error) {
	return eachSpan(s, spans, func(s Scope) ([]OutcomeCounts, error) { return p.AllegationOutcomes(ctx, s) })
}

func (p periodByPeriod) RepeatSubjectsByPeriod(ctx context.Context, s Scope, spans []Span) ([][]RepeatCounts, error) {
	return eachSpan(s, spans, func(s Scope) ([]RepeatCounts, error) { return p.RepeatSubjects(ctx, s) })
}

func (p periodByPeriod) OfficerGroupsByPeriod(ctx context.Context, s Scope, spans []Span) ([][]GroupCounts, error) {
	return eachSpan(s, spans, func(s Scope) ([]GroupCounts, error) { return p.OfficerGroups(ctx, s) })
}

func (p periodByPeriod) SpeakUpByPeriod(ctx context.Context, s Scope, spans []Span) ([]SpeakUpFigures, error) {
	return eachSpan(s, spans, func(s Scope) (SpeakUpFigures, error) {
		c, d, err := p.SpeakUp(ctx, s)
		return SpeakUpFigures{c, d}, err
	})
}

func (p periodByPeriod) EISFlagsByPeriod(ctx context.Context, s Scope, spans []Span) ([]EISCounts, error) {
	return eachSpan(s, spans, func(s Scope) (EISCounts, error) { return p.EISFlags(ctx, s) })
}
