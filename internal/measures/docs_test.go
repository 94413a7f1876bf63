package measures

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/measures.md from the catalogue")

// docsIntro opens docs/measures.md; the measures' own sections follow,
// written from the catalogue, so the page and the definitions shown beside
// the figures cannot drift apart.
const docsIntro = `# Measures

The figures Probity publishes about how complaints and conduct matters are handled. Each is computed
from the live case data by ` + "`internal/measures`" + ` over counts the database makes
(` + "`internal/store/measures.go`" + `, the same SQL on SQLite and PostgreSQL), for any period, force and unit,
and for one kind of case where that makes sense. This page is written from the definitions in
` + "`internal/measures/catalogue.go`" + ` (` + "`go test ./internal/measures -run TestDocs -update`" + `); the same words
are shown beside each figure.

## What every measure shares

- **Periods** are a month (` + "`2026-03`" + `), a quarter (` + "`2026-Q1`" + `), a year (` + "`2026`" + `) or a custom range of days,
  both included (` + "`2026-01-15/2026-02-20`" + `, at most 20 years). Days are UTC days: an event at 23:30 UTC
  on 31 March belongs to March. A period is the half-open span from midnight at its start to midnight
  after its last day.
- **Flows** (received, logged, finalised, raised in the period) count events inside the period;
  **stocks** (open cases, the backlog) are taken at the end of the period.
- **A period in the future** (not begun by now) or **wholly before the first record** held for the
  force, unit and kind gives an empty result whose note says which, never an error. A period that has
  begun but not ended runs to now, and its note says so.
- **Refusals**: an unknown measure, a malformed period, an unknown kind of case, a force or unit not on
  record, a unit outside the named force, or a filter the measure cannot apply (speak-up reports by
  unit or kind, flags by kind) is refused as invalid input naming the field (` + "`measure`" + `, ` + "`period`" + `,
  ` + "`force`" + `, ` + "`unit`" + `, ` + "`kind`" + `).
- **Results** are a table: each row carries its group labels (in words), the statistic (count,
  median, 90th percentile, share, rate per 1,000, ratio), its value, whether it is defined, and the
  counts behind it: N (the records a figure is drawn from), and the numerator and denominator of every
  share, rate and ratio, so that disclosure control can suppress small numbers before anything is
  published. The measures themselves suppress nothing.
- **Days** are whole days between the UTC calendar dates of two events (a step taken the day the
  complaint arrived took 0 days), so both engines agree to the day.
- **Percentiles** follow the nearest-rank rule: of n durations sorted from shortest, the median is the
  ceil(n/2)-th and the 90th percentile the ceil(9n/10)-th. Each is a duration that occurred; no
  interpolation, so SQLite and PostgreSQL give the same answer. The store picks them in SQL with
  window functions and the integer form of the rule, rank = (p*n + 99) / 100.
- **Milestones** come from each case's timeline: the first time it entered the state named
  (` + "`case_events.to_state`" + `, kept since migration 00016 from each entry's "to", or "state" for the entry
  that recorded the case). Facts Probity does not record are not invented: a measure says when it
  leaves cases out for want of a step.
- **Finalised**: a complaint when it first reaches outcome sent to the complainant, resolved informally,
  withdrawn, or closed (a later review does not reopen it for these measures); a conduct matter when it
  first reaches no further action, reflective practice, performance procedures, vetting review, outcome
  final, or a barred- or advisory-list report. A case whose timeline lacks the step but whose present
  state is one of them (an import that kept only some steps) counts as finalised when last updated.
  The first finalising step's time is kept on the case (` + "`cases.finalised_at`" + `, migration 00040, written
  by a trigger on ` + "`case_events`" + ` whatever adds the step), so that the question "finalised before this
  moment?" reads the case row rather than its timeline.
- **Filters**: a force filter counts that force's cases (or officers, or flags on its officers); a unit
  filter the cases the unit owns (for disproportionality, the officers posted to the unit at any time in
  the period, from their posting history; for early-intervention flags, the unit the flag was raised
  in); a kind filter one kind of case.

## Speed

The aim is each measure for a year of one force of the demo's size in under 200 ms. ` + "`" + `./scripts/bench` + "`" + `
runs ` + "`" + `BenchmarkMeasures/<measure>` + "`" + ` (through ` + "`" + `measures.Service` + "`" + `: the filter and first-record checks,
the counting, the shaping) and ` + "`" + `BenchmarkBaselineMeasuresSQL/<measure>` + "`" + ` (the same SQL straight on the
reader pool) in ` + "`" + `internal/store` + "`" + `, one sub-benchmark per measure, and prints each as a ratio to its
baseline. The fixture is a force the size of ` + "`" + `probity demo` + "`" + `'s (2,400 officers, 6,750 cases over five
years). Benchmarks are never timed tests.

How the counting stays cheap:

- a measure of a period reads the timelines of the cases that could fall in it, not of every case
  held: timeliness and allegation outcomes start from the cases that entered the milestone's states
  in the period (index ` + "`" + `case_events_reached` + "`" + ` on state entered and when, migration 00028); open cases
  and the backlog read no timeline at all: when each case was finalised is on the case row
  (` + "`finalised_at`" + `, migration 00040), so a force's cases received before the period's end are each
  read once, and those finalised before it matters are left out by that column;
- disproportionality finds the officers who entered the system, and those dismissed, once each from
  the period's cases, instead of searching every officer's cases (two correlated subqueries per
  officer before);
- repeat subjects start from the force's cases received in the five years (index
  ` + "`" + `cases_force_received` + "`" + `), not from every subject of every force;
- the public figures count their fifty measure-periods four at a time; the pages and the API share one
  ` + "`" + `measures.Service` + "`" + `.

Figures, measured on the shared two-core development machine while it ran other builds and tests (a
load average of 20 to 36), so wall-clock times there are several times what an idle machine gives and
vary run to run by a factor of two or more; the ratio to the baseline, and the processor time of the
query itself, are the figures to compare. Processor time of each measure's SQL on its thread (mean of
three runs, milliseconds; before: two runs of the code before these changes, taken alternately with
the after run):

| measure | before | after |
|---|---|---|
| days-to-log | 55-61 | 44 |
| days-to-first-contact | 45-60 | 40 |
| days-to-finalise | 63-79 | 51 |
| open-by-age | 66-87 | 52 |
| backlog | 72-84 | 58 |
| allegation-outcomes | 86-92 | 69 |
| repeat-subjects | 74-83 | 92 |
| disproportionality | 51-80 | 8 |
| speakup | under 2 | under 2 |
| eis-flags | under 2 | under 2 |

Every measure's SQL needs under 100 ms of processor time, so on an idle machine each answers well
under 200 ms; on the loaded machine ` + "`" + `go test ./internal/store -run '^$' -bench Measures -benchtime 20x` + "`" + `
gave 40 ms to 1 s a measure and the baseline 5 to 725 ms; the ratios were 0.9x to 2.2x for the case
measures (0.07x once, for allegation outcomes, when the machine slowed the baseline), and 2.7x to 4x
for speak-up and flags, whose SQL takes a few milliseconds so that the filter and first-record checks
are most of their time. Before these changes, the old single benchmark gave
300-640 ms a measure at a load average of 20 against a mean of 274 ms for the SQL alone.

The public figures of a year on ` + "`" + `probity demo` + "`" + ` (ten measures for four quarters and the year, and
disclosure control), logged as ` + "`" + `public figures computed` + "`" + ` at start-up: 10.5, 12.3, 14.1 and 16.6 s
before; 6.0, 6.6 and 6.8 s after, the two binaries started alternately under the same load. With the
figures kept, ` + "`" + `/public` + "`" + ` answered in 1 to 16 ms.

To reproduce: ` + "`" + `./scripts/bench` + "`" + ` (or ` + "`" + `go test ./internal/store -run '^$' -bench 'Measures' -benchtime
20x` + "`" + `); for the portal, start ` + "`" + `probity demo --data DIR` + "`" + ` and read the ` + "`" + `public figures computed` + "`" + ` line,
then time ` + "`" + `curl -s -o /dev/null -w '%{time_total}' http://127.0.0.1:8080/public` + "`" + `. The processor
times above came from running each query of ` + "`" + `MeasureQueriesForTest` + "`" + ` three times on a thread locked
with ` + "`" + `runtime.LockOSThread` + "`" + ` and reading ` + "`" + `getrusage(RUSAGE_THREAD)` + "`" + `; that probe is not kept in the
repository.

PostgreSQL runs the same SQL; the measure tests pass on both engines, and migration 00028 adds the two
indexes there too. Its plans were not timed on the demo force.

## The measures
`

// docsDashboard closes docs/measures.md: where staff read the figures.
const docsDashboard = `
## The dashboard and the API

The head of professional standards, the appropriate authority and the oversight body read the measures
(permission ` + "`measures:read`" + `):

- ` + "`GET /api/v1/measures`" + ` lists every measure: id, title, definition, unit, the groups its rows carry and
  the filters it takes. ` + "`GET /api/v1/measures/{id}?period=2026-Q2&unit=UNIT&kind=complaint`" + ` computes one
  (the period as above; ` + "`..`" + ` may stand for ` + "`/`" + ` in a custom range; ` + "`force`" + ` is taken too). A parameter that
  is unknown, malformed, or names a force or unit not on record, or a filter the measure cannot apply,
  is refused with 400 and a problem+json body whose ` + "`errors`" + ` name each parameter and the reason. A period
  not begun, or ending before the first record, is an empty result with its note, not an error.
- ` + "`/dashboard`" + ` shows every measure for a month, a quarter, a year or custom dates (last quarter by
  default), for one unit and one kind of case if asked. Each is drawn over the parts of the period (a
  year by quarter, a quarter by month; custom dates by month, quarter or year as their length suits)
  and the whole of it, beside the table of the same numbers and its definition; measures that cannot
  be narrowed by unit or kind say so and show the force's figures. Disproportionality's ratios to white
  male officers are also written out in words with their 95% intervals, saying whether the interval
  includes 1. Each measure's figures download as CSV (` + "`/dashboard/{id}.csv`" + ` with the same filters, the
  columns of the open-data files).
- **Every unit for every reader.** A unit filter narrows the figures, never the reader's right to them:
  the figures are counts over the force's cases, not case content, and those who may read them answer
  for (or oversee) the whole force's handling of complaints, which they cannot do unit by unit of their
  own. Need-to-know still governs every case behind a figure.
- **The cases behind a figure.** For those who hold case files (the head of standards, the appropriate
  authority) case measures link to the case list with the same unit and kind: the complaints first logged
  in the period for days to logging, first contacted in it for days to first contact, finalised in it for
  days to finalise and allegation outcomes, and for the backlog the cases received and finalised in it
  and open at its start or end; for open cases by age, those open at the end of the period, by age. The
  list takes these as UTC days (` + "`received_from`" + `, ` + "`received_before`" + `, ` + "`open_at`" + `, ` + "`finalised_from`" + `,
  ` + "`finalised_before`" + `, ` + "`logged_from`" + `, ` + "`logged_before`" + `, ` + "`contacted_from`" + `, ` + "`contacted_before`" + `), as the
  measures count, so a figure and its list agree (` + "`TestCaseListOpenAt`" + ` counts each both ways, on both
  engines); the list still shows each reader only the cases they may open,
  so it may hold fewer. Measures of officers, reports and flags link to no list. The oversight body has
  no case list; its one link is to the cases shared with it.
- **Audit.** Reading the figures is not audited: they are aggregates, shown to those who answer for
  them. A CSV download is, as a disclosure to the reader, like the case list's export: the figures are
  shown without disclosure control, a small count in a small unit can point at a person (one officer
  of a group dismissed), and the file leaves Probity.
- **Vetting reviews.** Those who may read vetting (the head of standards) also see the vetting reviews
  opened in the period by what opened them, those decided in it by decision, and those open now and
  past the day they were due by. Reviews are counted for every unit.
`

func docsText() string {
	var b strings.Builder
	b.WriteString(docsIntro)
	for _, m := range Catalogue() {
		fmt.Fprintf(&b, "\n### %s\n\n", m.Title)
		fmt.Fprintf(&b, "- id: `%s`\n- unit: %s\n- rows grouped by: %s\n- filters: %s\n",
			m.ID, m.Unit, strings.Join(m.Groups, ", "), strings.Join(m.Filters, ", "))
		if len(m.Kinds) > 0 && len(m.Kinds) < 4 {
			fmt.Fprintf(&b, "- kinds of case: %s\n", kindWords(m.Kinds))
		}
		b.WriteString("\n" + wrap(m.Definition, 105) + "\n")
	}
	b.WriteString(docsDashboard)
	return b.String()
}

func wrap(s string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}

func TestDocsDefineEveryMeasure(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "measures.md")
	want := docsText()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/measures.md differs from the catalogue's definitions; run go test ./internal/measures -run TestDocs -update")
	}
}
