package measures

import (
	"context"
	"slices"
	"time"

	"github.com/probity/probity/internal/cases"
)

// The rules every definition below shares, written once so that each
// definition can refer to them.
const (
	daysRule = " Days are whole days between the calendar dates (UTC) of the two events: a step taken the day a " +
		"complaint arrived took 0 days."
	rankRule = " Percentiles follow the nearest-rank rule: of n durations sorted from shortest, the median is the " +
		"ceil(n/2)-th and the 90th percentile the ceil(9n/10)-th, so each is a duration that actually occurred."
	finalRule = " A complaint is finalised when it first reaches one of: outcome sent to the complainant, resolved " +
		"informally, withdrawn, or closed; a later review does not reopen it for these measures. A conduct matter is " +
		"finalised when it first reaches no further action, reflective practice, performance procedures, vetting review, " +
		"outcome final, or a barred- or advisory-list report. A case whose timeline lacks that step but whose present " +
		"state is one of them counts as finalised when it was last updated."
)

var (
	complaintsOnly = []cases.Kind{cases.Complaint}
	allKinds       = cases.Kinds
	caseFilters    = []string{FilterForce, FilterUnit, FilterKind}
)

var catalogue = []Measure{
	{
		ID: "days-to-log", Title: "Days from receipt to logging", Unit: "days",
		Definition: "For complaints logged in the period, the days from receipt to the complaint being logged for " +
			"handling outside Schedule 3 or recorded under Schedule 3, whichever came first; receipt is when the " +
			"complaint was made. Complaints whose timeline records neither step are left out." + daysRule + rankRule,
		Groups: []string{"Complaints"}, Filters: caseFilters, Family: FamilyCases, Kinds: complaintsOnly,
		compute: durations(Logged),
	},
	{
		ID: "days-to-first-contact", Title: "Days from receipt to first contact with the complainant", Unit: "days",
		Definition: "For complaints first contacted in the period, the days from receipt to the first recorded contact " +
			"with the complainant to ask how they want the complaint handled (the step 'contact the complainant'). " +
			"Probity records no other contact, so a complaint whose timeline has no such step is left out." +
			daysRule + rankRule,
		Groups: []string{"Complaints"}, Filters: caseFilters, Family: FamilyCases, Kinds: complaintsOnly,
		compute: durations(FirstContact),
	},
	{
		ID: "days-to-finalise", Title: "Days to finalise a complaint, by handling route", Unit: "days",
		Definition: "For complaints finalised in the period, the days from receipt to finalisation, by the most " +
			"intensive handling route the complaint took: independent investigation by the IOPC, investigation " +
			"directed by the IOPC, local investigation by the force, handled under Schedule 3 otherwise than by " +
			"investigation, or handled outside Schedule 3 (logged and never recorded). Complaints that ended before " +
			"any of these (most often withdrawn) are shown apart." + finalRule + daysRule + rankRule,
		Groups: []string{"Handling route"}, Filters: caseFilters, Family: FamilyCases, Kinds: complaintsOnly,
		compute: durations(Finalised),
	},
	{
		ID: "open-by-age", Title: "Open cases by age", Unit: "cases",
		Definition: "The cases open at the end of the period (received before it ended and not finalised by then), " +
			"by how long before the end they were received: under 3 months, 3 to 6 months, 6 to 12 months, over 12 " +
			"months (calendar months counted back from the end), and the share of open cases open over 12 months." +
			finalRule,
		Groups: []string{"Age"}, Filters: caseFilters, Family: FamilyCases, Kinds: allKinds,
		compute: openByAge,
	},
	{
		ID: "backlog", Title: "Backlog", Unit: "cases",
		Definition: "Cases open at the start of the period, received in it, finalised in it, and open at its end " +
			"(the backlog). A case is open from its receipt until it is finalised." + finalRule,
		Groups: []string{"Cases"}, Filters: caseFilters, Family: FamilyCases, Kinds: allKinds,
		compute: backlog,
	},
	{
		ID: "allegation-outcomes", Title: "Allegations with a case to answer, and upheld, by category", Unit: "share",
		Definition: "Allegations (with at least one officer named) on cases finalised in the period, by national " +
			"category. An allegation has a case to answer when any officer's recorded finding on it is a case to " +
			"answer, misconduct or gross misconduct. It is upheld when any officer's finding is that the service " +
			"was not acceptable (a complaint), or misconduct or gross misconduct (proceedings). Probity keeps each " +
			"officer's latest finding only, so a case to answer that proceedings later found no misconduct counts " +
			"as neither. Allegations with no national category (conduct matters classified by the standards " +
			"alone) are grouped as \"No national category\"; allegations flagged as domestic abuse are counted in " +
			"their category and again together, as \"Flagged as domestic abuse\"." + finalRule,
		Groups: []string{"Category", "Figure"}, Filters: caseFilters, Family: FamilyCases, Kinds: allKinds,
		compute: outcomes,
	},
	{
		ID: "repeat-subjects", Title: "Officers named in two or more cases in five years", Unit: "officers",
		Definition: "Officers named as the subject of an allegation on cases received in the five years ending at " +
			"the end of the period: how many were named in one or more, two or more, and three or more cases, and " +
			"for those named in two or more and three or more, the most severe sanction recorded against them on " +
			"those cases (none, reflective practice, written warning, final written warning, reduction in rank, " +
			"dismissal). A case counts once however many allegations name the officer.",
		Groups: []string{"Cases in five years", "Most severe sanction"}, Filters: caseFilters, Family: FamilyCases, Kinds: allKinds,
		compute: repeatSubjects,
	},
	{
		ID: "disproportionality", Title: "Entry to the misconduct system and dismissal, by ethnicity and sex",
		Unit: "per 1,000 officers",
		Definition: "For each recorded ethnicity and sex: officers in post at any time in the period (joined before " +
			"it ended and not left before it began; with a unit filter, those posted to the unit at any time in " +
			"the period), the " +
			"rate per 1,000 of them named as the subject of an allegation on a conduct matter or recordable " +
			"conduct matter received in the period (another kind of case when one is chosen), and the rate per " +
			"1,000 dismissed: a dismissal without notice recorded on a case whose outcome became final in the " +
			"period. Each rate is compared with white male officers' as a ratio (1 means the same rate) with a " +
			"95% confidence interval by the Katz log method: exp(ln R +/- 1.96 * sqrt(1/a - 1/n + 1/c - 1/m)), " +
			"where a of n officers in the group and c of m white male officers had the event. The Katz interval " +
			"is the usual one for a ratio of two independent proportions; it is computed on the log scale, where " +
			"the ratio's sampling distribution is nearer normal, so it is never negative and is wider above the " +
			"ratio than below, as a ratio's uncertainty is. It needs an event in both groups: without one the " +
			"ratio and interval are not given. With few events it is only approximate.",
		Groups: []string{"Ethnicity", "Sex", "Figure"}, Filters: caseFilters, Family: FamilyCases, Kinds: allKinds,
		compute: disproportionality,
	},
	{
		ID: "speakup", Title: "Speak-up reports and days to first reply", Unit: "reports",
		Definition: "Speak-up reports received in the period, by category, and the days from each report to a " +
			"guardian's first reply among those replied to (a reply made after the period ended counts too, so a " +
			"recent period's figures can still change). A report is dated by its day only, so that no time " +
			"can identify who was on shift. Reports are not recorded by force or unit." + daysRule + rankRule,
		Groups: []string{"Category", "Figure"}, Filters: []string{FilterForce}, Family: FamilySpeakUp,
		compute: speakUp,
	},
	{
		ID: "eis-flags", Title: "Early-intervention flags raised, reviewed and decided", Unit: "flags",
		Definition: "Early-intervention flags raised in the period (by a threshold rule or by the model), flags " +
			"reviewed for the first time in the period, and the review decisions taken in it: reviewed with no " +
			"intervention, an intervention chosen, or the flag closed. For flags given an intervention in the " +
			"period, the intervention they now carry. A unit filter counts flags raised on officers of the unit.",
		Groups: []string{"What", "Detail"}, Filters: []string{FilterForce, FilterUnit}, Family: FamilyEIS,
		compute: eisFlags,
	},
}

// defaultKinds are the kinds a measure counts when the filter names none;
// disproportionality counts the misconduct system's own matters.
func (m Measure) defaultKinds() []cases.Kind {
	if m.ID == "disproportionality" {
		return []cases.Kind{cases.ConductMatter, cases.RecordableConduct}
	}
	return m.Kinds
}

func durations(ms Milestone) computeFunc {
	return func(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
		dss, err := src.CaseDurationsByPeriod(ctx, s, spans, ms)
		return rowsOf(dss, err, func(ds []Distribution) []Row { return durationRows(ms, ds) })
	}
}

func durationRows(ms Milestone, ds []Distribution) []Row {
	if ms != Finalised {
		d := Distribution{}
		if len(ds) > 0 {
			d = ds[0]
		}
		return distRows([]string{"All complaints"}, d)
	}
	var rows []Row
	for _, r := range Routes {
		d := Distribution{Group: r}
		if i := slices.IndexFunc(ds, func(d Distribution) bool { return d.Group == r }); i >= 0 {
			d = ds[i]
		}
		rows = append(rows, distRows([]string{routeWords[r]}, d)...)
	}
	return rows
}

// rowsOf shapes each period's counts as rows, or passes on err.
func rowsOf[T any](counts []T, err error, rows func(T) []Row) ([][]Row, error) {
	if err != nil {
		return nil, err
	}
	out := make([][]Row, len(counts))
	for i, c := range counts {
		out[i] = rows(c)
	}
	return out, nil
}

var routeWords = map[string]string{
	RouteOutside:     "Handled outside Schedule 3",
	RouteOtherwise:   "Schedule 3, otherwise than by investigation",
	RouteLocal:       "Local investigation",
	RouteDirected:    "Directed investigation",
	RouteIndependent: "Independent investigation",
	RouteNone:        "Ended before a handling route was chosen",
}

func distRows(group []string, d Distribution) []Row {
	return []Row{
		{Group: group, Stat: Count, Value: float64(d.N), Defined: true, N: d.N},
		{Group: group, Stat: Median, Value: float64(d.Median), Defined: d.N > 0, N: d.N},
		{Group: group, Stat: P90, Value: float64(d.P90), Defined: d.N > 0, N: d.N},
	}
}

func countRow(n int, group ...string) Row {
	return Row{Group: group, Stat: Count, Value: float64(n), Defined: true, N: n}
}

func shareRow(num, den int, group ...string) Row {
	r := Row{Group: group, Stat: Share, N: num, Num: num, Den: den}
	if den > 0 {
		r.Value, r.Defined = float64(num)/float64(den), true
	}
	return r
}

// AgeBands are the open-by-age bands, youngest first.
var AgeBands = []string{"Under 3 months", "3 to 6 months", "6 to 12 months", "Over 12 months"}

func openByAge(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
	cutoffs := make([][]time.Time, len(spans))
	for i, sp := range spans {
		at := sp.End
		cutoffs[i] = []time.Time{at.AddDate(0, -3, 0), at.AddDate(0, -6, 0), at.AddDate(0, -12, 0)}
	}
	counts, err := src.OpenCasesByPeriod(ctx, s, spans, cutoffs)
	return rowsOf(counts, err, openRows)
}

func openRows(counts []int) []Row {
	var rows []Row
	total := 0
	for i, n := range counts {
		rows = append(rows, countRow(n, AgeBands[i]))
		total += n
	}
	rows = append(rows, countRow(total, "All open cases"))
	return append(rows, shareRow(counts[len(counts)-1], total, "Share open over 12 months"))
}

func backlog(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
	bs, err := src.BacklogByPeriod(ctx, s, spans)
	return rowsOf(bs, err, func(b Backlog) []Row {
		return []Row{
			countRow(b.OpenAtStart, "Open at the start"),
			countRow(b.Received, "Received"),
			countRow(b.Finalised, "Finalised"),
			countRow(b.OpenAtEnd, "Open at the end"),
		}
	})
}

func outcomes(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
	ocs, err := src.AllegationOutcomesByPeriod(ctx, s, spans)
	return rowsOf(ocs, err, outcomesRows)
}

func outcomesRows(oc []OutcomeCounts) []Row {
	var rows []Row
	var all, flagged OutcomeCounts
	for _, o := range oc {
		flagged.Allegations += o.FlaggedAllegations
		flagged.CaseToAnswer += o.FlaggedCaseToAnswer
		flagged.Upheld += o.FlaggedUpheld
		name := o.Name
		if o.Category == "" {
			// Conduct matters may be classified by the standards alone.
			name = "No national category"
		}
		rows = append(rows, outcomeRows(name, o)...)
		all.Allegations += o.Allegations
		all.CaseToAnswer += o.CaseToAnswer
		all.Upheld += o.Upheld
	}
	if flagged.Allegations > 0 {
		rows = append(rows, outcomeRows("Flagged as domestic abuse", flagged)...)
	}
	return append(rows, outcomeRows("All categories", all)...)
}

func outcomeRows(name string, o OutcomeCounts) []Row {
	r := []Row{
		countRow(o.Allegations, name, "Allegations decided"),
		shareRow(o.CaseToAnswer, o.Allegations, name, "Case to answer"),
		shareRow(o.Upheld, o.Allegations, name, "Upheld"),
	}
	return r
}

// SanctionOrder lists the sanctions from least to most severe, with ""
// (none recorded) first; repeat-subjects rows follow it.
var SanctionOrder = []string{"", string(cases.SanctionNone), string(cases.SanctionRPRP), string(cases.SanctionWrittenWarning),
	string(cases.SanctionFinalWrittenWarning), string(cases.SanctionReductionInRank), string(cases.SanctionDismissal)}

// repeatSubjects counts, for each period, the five years ending at its
// end: once for periods that end together (a year and its last quarter).
func repeatSubjects(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
	var windows []Span
	of := make([]int, len(spans)) // each period's window
	for i, sp := range spans {
		j := slices.IndexFunc(windows, func(w Span) bool { return w.End.Equal(sp.End) })
		if j < 0 {
			j = len(windows)
			windows = append(windows, Span{Start: sp.End.AddDate(-5, 0, 0), End: sp.End})
		}
		of[i] = j
	}
	rcs, err := src.RepeatSubjectsByPeriod(ctx, s, windows)
	rows, err := rowsOf(rcs, err, repeatRows)
	if err != nil {
		return nil, err
	}
	out := make([][]Row, len(spans))
	for i, j := range of {
		out[i] = slices.Clone(rows[j])
	}
	return out, nil
}

func repeatRows(rc []RepeatCounts) []Row {
	atLeast := func(k int, worst string, any bool) int {
		n := 0
		for _, r := range rc {
			if r.Cases >= k && (any || r.Worst == worst) {
				n += r.Officers
			}
		}
		return n
	}
	one := atLeast(1, "", true)
	rows := []Row{countRow(one, "1 or more", "Any")}
	for _, k := range []int{2, 3} {
		band := map[int]string{2: "2 or more", 3: "3 or more"}[k]
		n := atLeast(k, "", true)
		rows = append(rows, shareRow(n, one, band, "Any"))
		for _, w := range SanctionOrder {
			// "none" (proceedings imposed nothing) and no sanction recorded
			// read alike to the public; they are one row.
			if w == string(cases.SanctionNone) {
				continue
			}
			c := atLeast(k, w, false)
			if w == "" {
				c += atLeast(k, string(cases.SanctionNone), false)
			}
			rows = append(rows, countRow(c, band, sanctionWords(w)))
		}
	}
	return rows
}

func sanctionWords(s string) string {
	if s == "" || s == string(cases.SanctionNone) {
		return "No sanction"
	}
	return cases.Sanction(s).Label().Name
}

func speakUp(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
	fs, err := src.SpeakUpByPeriod(ctx, s, spans)
	return rowsOf(fs, err, speakUpRows)
}

func speakUpRows(f SpeakUpFigures) []Row {
	sc, d := f.Counts, f.Reply
	var rows []Row
	total, replied := 0, 0
	for _, c := range sc {
		rows = append(rows, countRow(c.Received, speakUpWords(c.Category), "Received"))
		total += c.Received
		replied += c.Replied
	}
	rows = append(rows, countRow(total, "All reports", "Received"), shareRow(replied, total, "All reports", "Replied to"))
	for _, r := range distRows([]string{"All reports", "Days to first reply"}, d) {
		if r.Stat != Count {
			rows = append(rows, r)
		}
	}
	return rows
}

var speakUpCategories = map[string]string{
	"discrimination": "Discrimination", "sexual_misconduct": "Sexual misconduct",
	"bullying_harassment": "Bullying or harassment", "corruption": "Corruption", "dishonesty": "Dishonesty", "other": "Other",
}

func speakUpWords(c string) string {
	if w, ok := speakUpCategories[c]; ok {
		return w
	}
	return c
}

func eisFlags(ctx context.Context, src PeriodSource, s Scope, spans []Span) ([][]Row, error) {
	es, err := src.EISFlagsByPeriod(ctx, s, spans)
	return rowsOf(es, err, eisRows)
}

func eisRows(e EISCounts) []Row {
	rows := []Row{
		countRow(e.Raised["rule"], "Raised", "By a threshold rule"),
		countRow(e.Raised["model"], "Raised", "By the model"),
		countRow(e.Raised["rule"]+e.Raised["model"], "Raised", "All"),
		countRow(e.FirstReviewed, "Reviewed for the first time", "All"),
		countRow(e.Decisions["review"], "Review decision", "Reviewed, no intervention"),
		countRow(e.Decisions["intervene"], "Review decision", "Intervention chosen"),
		countRow(e.Decisions["close"], "Review decision", "Closed"),
	}
	for _, i := range []string{"advice", "training", "monitoring", "referral"} {
		rows = append(rows, countRow(e.Interventions[i], "Intervention", interventionWords[i]))
	}
	return rows
}

var interventionWords = map[string]string{
	"advice": "Advice", "training": "Training", "monitoring": "Monitoring", "referral": "Referral",
}
