package store_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// The measures are checked against a small force whose every figure was
// worked out by hand (the comments beside each case say how). Each test
// runs on both engines.

// mfix is the fixed data set: a force, its two units, and the officers.
type mfix struct {
	force officers.Force
	north officers.Unit
	south officers.Unit
	off   map[string]officers.Officer // o1..o9
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

var measuresNow = at("2026-03-14 10:30")

// step is one move of a case: to a state, at a time.
type step struct {
	to cases.State
	at string
}

// mcase is one case of the fixture.
type mcase struct {
	kind     cases.Kind
	received string
	unit     string // "N" or "S"
	steps    []step
	// allegations: category and, per subject officer, finding and outcome.
	allegations []malleg
}

type malleg struct {
	category string
	subjects []cases.Subject // OfficerID holds the fixture's officer key (o1...)
}

func subj(o, finding, outcome string) cases.Subject {
	return cases.Subject{OfficerID: o, Finding: finding, Outcome: outcome}
}

// measureCases, with the figures they give for the first quarter of 2025
// (Q1) worked out beside them.
var measureCases = []mcase{
	// C1: contact 2 days, logged 5, resolved 30 (outside Schedule 3).
	{kind: cases.Complaint, received: "2025-01-05 09:00", unit: "N",
		steps:       []step{{cases.InitialContact, "2025-01-07 10:00"}, {cases.LoggedOutsideSch3, "2025-01-10 11:00"}, {cases.Resolved, "2025-02-04 15:00"}},
		allegations: []malleg{{"individual-behaviours", []cases.Subject{subj("o1", "", "")}}}},
	// C2: contact 0 days, logged 10, outcome notified 23:30 on 31 March:
	// 80 days, local investigation, finalised in Q1.
	{kind: cases.Complaint, received: "2025-01-10 08:00", unit: "N",
		steps: []step{{cases.InitialContact, "2025-01-10 16:00"}, {cases.RecordedSch3, "2025-01-20 09:00"},
			{cases.LocalInvestigation, "2025-02-01 09:00"}, {cases.OutcomeNotified, "2025-03-31 23:30"}, {cases.Closed, "2025-05-01 09:00"}},
		allegations: []malleg{{"delivery-of-duties", []cases.Subject{subj("o5", "service_not_acceptable", "")}},
			{"individual-behaviours", []cases.Subject{subj("o1", "service_acceptable", "")}}}},
	// C3: contact 2, logged 4, handled otherwise, finalised 2 April (60
	// days): open at the end of Q1.
	{kind: cases.Complaint, received: "2025-02-01 12:00", unit: "S",
		steps: []step{{cases.InitialContact, "2025-02-03 09:00"}, {cases.RecordedSch3, "2025-02-05 09:00"},
			{cases.HandledOtherwise, "2025-02-10 09:00"}, {cases.OutcomeNotified, "2025-04-02 09:00"}},
		allegations: []malleg{{"individual-behaviours", []cases.Subject{subj("o3", "service_not_acceptable", "")}}}},
	// C4: received in 2024, independent investigation, open.
	{kind: cases.Complaint, received: "2024-11-15 10:00", unit: "S",
		steps: []step{{cases.InitialContact, "2024-11-20 10:00"}, {cases.RecordedSch3, "2024-11-25 10:00"},
			{cases.ReferredIOPC, "2024-12-01 10:00"}, {cases.IndependentInvestigation, "2024-12-15 10:00"}},
		allegations: []malleg{{"abuse-of-position", []cases.Subject{subj("o6", "", "")}}}},
	// C5: received late in Q1, nothing done: open.
	{kind: cases.Complaint, received: "2025-03-20 10:00", unit: "N",
		allegations: []malleg{{"delivery-of-duties", []cases.Subject{subj("o5", "", "")}}}},
	// C6: withdrawn after 10 days, before any route.
	{kind: cases.Complaint, received: "2025-01-15 10:00", unit: "N",
		steps: []step{{cases.Withdrawn, "2025-01-25 10:00"}}},
	// C7: received in 2023, still investigated: open over 12 months.
	{kind: cases.Complaint, received: "2023-06-01 10:00", unit: "N",
		steps: []step{{cases.InitialContact, "2023-06-02 10:00"}, {cases.RecordedSch3, "2023-06-05 10:00"},
			{cases.LocalInvestigation, "2023-07-01 10:00"}},
		allegations: []malleg{{"individual-behaviours", []cases.Subject{subj("o2", "", "")}}}},
	// M1: o5 dismissed, final 15 March.
	{kind: cases.ConductMatter, received: "2025-02-10 10:00", unit: "N",
		steps:       []step{{cases.SeverityAssessed, "2025-02-12 10:00"}, {cases.Final, "2025-03-15 10:00"}, {cases.BarredListReported, "2025-03-20 10:00"}},
		allegations: []malleg{{"individual-behaviours", []cases.Subject{subj("o5", "gross_misconduct", "dismissal_without_notice")}}}},
	// M2: o3, no further action 10 March.
	{kind: cases.ConductMatter, received: "2025-03-01 10:00", unit: "S",
		steps:       []step{{cases.SeverityAssessed, "2025-03-05 10:00"}, {cases.NoFurtherAction, "2025-03-10 10:00"}},
		allegations: []malleg{{"abuse-of-position", []cases.Subject{subj("o3", "no_case_to_answer", "")}}}},
	// M3: o1 misconduct with a written warning, o7 none; final 25 March.
	{kind: cases.RecordableConduct, received: "2025-01-20 10:00", unit: "N",
		steps:       []step{{cases.SeverityAssessed, "2025-01-22 10:00"}, {cases.Final, "2025-03-25 10:00"}},
		allegations: []malleg{{"sexual-conduct", []cases.Subject{subj("o7", "no_misconduct", "none"), subj("o1", "misconduct", "written_warning")}}}},
	// M4: o6, reflective practice in 2024.
	{kind: cases.ConductMatter, received: "2024-08-01 10:00", unit: "S",
		steps:       []step{{cases.SeverityAssessed, "2024-08-05 10:00"}, {cases.RPRP, "2024-09-01 10:00"}},
		allegations: []malleg{{"individual-behaviours", []cases.Subject{subj("o6", "", "rprp")}}}},
}

func seedMeasures(t *testing.T, db *store.DB) mfix {
	t.Helper()
	f, units := seedForce(t, db)
	fx := mfix{force: f, north: units[0], south: units[1], off: map[string]officers.Officer{}}
	left := day("2024-06-30")
	type od struct {
		key, unit, eth, sex, joined string
		left                        *time.Time
	}
	for i, o := range []od{
		{"o1", "N", "white", "male", "2010-01-01", nil}, {"o2", "N", "white", "male", "2010-01-01", nil},
		{"o3", "S", "white", "male", "2010-01-01", nil}, {"o4", "S", "white", "male", "2010-01-01", nil},
		{"o5", "N", "black", "male", "2010-01-01", nil}, {"o6", "S", "black", "male", "2010-01-01", nil},
		{"o7", "N", "white", "female", "2010-01-01", nil}, {"o8", "N", "asian", "female", "2025-06-01", nil},
		{"o9", "N", "white", "male", "2010-01-01", &left},
	} {
		unit := fx.north.ID
		if o.unit == "S" {
			unit = fx.south.ID
		}
		off := officers.Officer{ForceID: f.ID, CollarNumber: fmt.Sprint(100 + i), FamilyName: "Officer" + o.key, Rank: "constable",
			UnitID: unit, JoinedOn: day(o.joined), LeftOn: o.left, Ethnicity: o.eth, Sex: o.sex}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOfficer(ctx, &off, measuresNow) }); err != nil {
			t.Fatal(err)
		}
		fx.off[o.key] = off
	}
	// o2 moves from North to South after the first quarter of 2025: in
	// that quarter North still counts o2.
	err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.Transfer(ctx, fx.off["o2"].ID, fx.south.ID, "constable", day("2025-06-01"), measuresNow)
	})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	for i, mc := range measureCases {
		c := cases.Case{Kind: mc.kind, ForceID: f.ID, UnitID: fx.north.ID, Summary: fmt.Sprintf("case %d", i+1),
			ReceivedAt: at(mc.received)}
		if mc.unit == "S" {
			c.UnitID = fx.south.ID
		}
		c.AroseOn = day(c.ReceivedAt.Format(time.DateOnly))
		for _, a := range mc.allegations {
			al := cases.Allegation{Category: a.category}
			for _, s := range a.subjects {
				al.Subjects = append(al.Subjects, cases.Subject{OfficerID: fx.off[s.OfficerID].ID})
			}
			c.Allegations = append(c.Allegations, al)
		}
		c.Prepare(ref, measuresNow)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCase(ctx, &c, "test", c.ReceivedAt); err != nil {
				return err
			}
			for j, st := range mc.steps {
				from := c.State
				c.State = st.to
				if j == len(mc.steps)-1 {
					// The findings are written with the last step.
					for ai, a := range mc.allegations {
						for si, s := range a.subjects {
							c.Allegations[ai].Subjects[si].Finding = s.Finding
							c.Allegations[ai].Subjects[si].Outcome = s.Outcome
						}
					}
				}
				ev := cases.Event{At: at(st.at), Actor: "test", Type: cases.EventStateChanged,
					Detail: map[string]string{"from": string(from), "to": string(st.to)}}
				if err := tx.SaveTransition(ctx, &c, c.Version, &ev, at(st.at)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("case %d: %v", i+1, err)
		}
	}
	seedSpeakUpAndFlags(t, db, fx)
	return fx
}

// seedSpeakUpAndFlags writes speak-up reports and early-intervention flags
// directly, dated as the test needs.
func seedSpeakUpAndFlags(t *testing.T, db *store.DB, fx mfix) {
	t.Helper()
	exec := func(q string, args ...any) {
		t.Helper()
		if err := db.ExecForTest(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO users (id, username, created_at, updated_at) VALUES ('g1', 'guardian', $1, $1)`, measuresNow)
	report := func(id, category, created string) {
		exec(`INSERT INTO speakup_reports (id, reference, receipt_hash, category, what_sealed, anonymous, created_at)
			VALUES ($1, $2, $3, $4, 'x', $5, $6)`, id, "SU/"+id, "h"+id, category, true, at(created))
	}
	msg := func(id, report string, seq int, sender, when string) {
		var g any
		if sender == "guardian" {
			g = "g1"
		}
		exec(`INSERT INTO speakup_messages (id, report_id, seq, sender, guardian_id, at, text_sealed) VALUES ($1, $2, $3, $4, $5, $6, 'x')`,
			id, report, seq, sender, g, at(when))
	}
	// Q1: corruption 2 (one replied after 3 days), bullying 1 (replied the
	// same day); the report of 30 December is outside.
	report("r1", "corruption", "2025-01-10 00:00")
	msg("m1", "r1", 1, "guardian", "2025-01-13 10:00")
	msg("m2", "r1", 2, "guardian", "2025-01-20 10:00")
	report("r2", "bullying_harassment", "2025-02-01 00:00")
	msg("m3", "r2", 1, "guardian", "2025-02-01 15:00")
	report("r3", "corruption", "2025-03-05 00:00")
	msg("m4", "r3", 1, "reporter", "2025-03-06 00:00")
	report("r4", "other", "2024-12-30 00:00")
	msg("m5", "r4", 1, "guardian", "2025-01-02 10:00")

	exec(`INSERT INTO eis_runs (id, at, kind, model) VALUES ('run1', $1, 'run', 'rules')`, at("2024-12-01 00:00"))
	flag := func(id, officer, unit, source, raised, state, intervention string) {
		exec(`INSERT INTO eis_flags (id, officer_id, run_id, raised_at, source, rule_name, score, explanation, state, intervention, unit_id, updated_at)
			VALUES ($1, $2, 'run1', $3, $4, $1, 1, '{}', $5, $6, $7, $3)`, id, fx.off[officer].ID, at(raised), source, state, intervention, unit)
	}
	note := func(id, flagID, action, when string, version int) {
		exec(`INSERT INTO eis_flag_notes (id, flag_id, author_id, at, action, text, version) VALUES ($1, $2, 'u', $3, $4, 'x', $5)`,
			id, flagID, at(when), action, version)
	}
	// Q1: raised f1 (rule) and f2 (model); first reviewed f3 (5 January)
	// and f1 (1 March); decisions review 2, intervene 1, close 1; f3 now
	// carries training.
	flag("f1", "o1", fx.north.ID, "rule", "2025-01-15 10:00", "closed", "")
	flag("f2", "o5", fx.north.ID, "model", "2025-02-20 10:00", "open", "")
	flag("f3", "o3", fx.south.ID, "rule", "2024-12-01 10:00", "intervention", "training")
	note("n1", "f3", "review", "2025-01-05 10:00", 2)
	note("n2", "f3", "intervene", "2025-02-01 10:00", 3)
	note("n3", "f1", "review", "2025-03-01 10:00", 2)
	note("n4", "f1", "close", "2025-03-02 10:00", 3)
}

// figure finds the row of a result with the given labels and statistic.
func figure(t *testing.T, r measures.Result, stat measures.Stat, group ...string) measures.Row {
	t.Helper()
	for _, row := range r.Rows {
		if row.Stat == stat && fmt.Sprint(row.Group) == fmt.Sprint(group) {
			return row
		}
	}
	t.Fatalf("%s: no %s row %q in %+v", r.Measure, stat, group, r.Rows)
	return measures.Row{}
}

// want is an expected figure: its value, and N (the count behind it).
type want struct {
	stat  measures.Stat
	group []string
	value float64
	n     int
	den   int // checked when not zero
}

func g(s ...string) []string { return s }

func TestMeasuresByHand(t *testing.T) {
	q1 := measures.QuarterOf(2025, 1)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := seedMeasures(t, db)
		svc := measures.New(db, func() time.Time { return measuresNow })
		force := measures.Filter{ForceID: fx.force.ID}
		katz := func(a, n, c, m float64) (float64, float64, float64) {
			r := (a / n) / (c / m)
			se := math.Sqrt(1/a - 1/n + 1/c - 1/m)
			return r, r * math.Exp(-1.959964*se), r * math.Exp(1.959964*se)
		}
		bmRatio, bmLow, bmHigh := katz(1, 2, 2, 4)
		wfRatio, wfLow, wfHigh := katz(1, 1, 2, 4)
		tests := []struct {
			measure string
			period  measures.Period
			filter  measures.Filter
			wants   []want
		}{
			{"days-to-log", q1, force, []want{ // logged after 5, 10, 4 days
				{measures.Count, g("All complaints"), 3, 3, 0},
				{measures.Median, g("All complaints"), 5, 3, 0},
				{measures.P90, g("All complaints"), 10, 3, 0}}},
			{"days-to-first-contact", q1, force, []want{ // 2, 0, 2
				{measures.Median, g("All complaints"), 2, 3, 0},
				{measures.P90, g("All complaints"), 2, 3, 0}}},
			{"days-to-finalise", q1, force, []want{
				{measures.Median, g("Handled outside Schedule 3"), 30, 1, 0},
				{measures.Median, g("Local investigation"), 80, 1, 0},
				{measures.Median, g("Ended before a handling route was chosen"), 10, 1, 0},
				{measures.Count, g("Schedule 3, otherwise than by investigation"), 0, 0, 0},
				{measures.Count, g("Independent investigation"), 0, 0, 0}}},
			{"days-to-finalise", measures.YearOf(2025), force, []want{ // C3 finalised in April
				{measures.Median, g("Schedule 3, otherwise than by investigation"), 60, 1, 0}}},
			{"open-by-age", q1, force, []want{ // C3, C5 young; C4 3-6 months; C7 over 12
				{measures.Count, g("Under 3 months"), 2, 2, 0},
				{measures.Count, g("3 to 6 months"), 1, 1, 0},
				{measures.Count, g("6 to 12 months"), 0, 0, 0},
				{measures.Count, g("Over 12 months"), 1, 1, 0},
				{measures.Share, g("Share open over 12 months"), 0.25, 1, 4}}},
			{"backlog", q1, force, []want{
				{measures.Count, g("Open at the start"), 2, 2, 0}, // C4, C7
				{measures.Count, g("Received"), 8, 8, 0},
				{measures.Count, g("Finalised"), 6, 6, 0}, // C1, C2, C6, M1, M2, M3
				{measures.Count, g("Open at the end"), 4, 4, 0}}},
			{"backlog", q1, measures.Filter{ForceID: fx.force.ID, UnitID: fx.north.ID}, []want{
				{measures.Count, g("Open at the start"), 1, 1, 0}, // C7
				{measures.Count, g("Received"), 6, 6, 0},
				{measures.Count, g("Finalised"), 5, 5, 0},
				{measures.Count, g("Open at the end"), 2, 2, 0}}},
			{"backlog", q1, measures.Filter{ForceID: fx.force.ID, Kind: cases.ConductMatter}, []want{
				{measures.Count, g("Open at the start"), 0, 0, 0},
				{measures.Count, g("Received"), 2, 2, 0},
				{measures.Count, g("Finalised"), 2, 2, 0}}},
			{"allegation-outcomes", q1, force, []want{
				{measures.Count, g("Individual behaviours", "Allegations decided"), 3, 3, 0},
				{measures.Share, g("Individual behaviours", "Case to answer"), 1.0 / 3, 1, 3},
				{measures.Share, g("Individual behaviours", "Upheld"), 1.0 / 3, 1, 3},
				{measures.Share, g("Delivery of duties and service", "Upheld"), 1, 1, 1},
				{measures.Share, g("Delivery of duties and service", "Case to answer"), 0, 0, 1},
				{measures.Share, g("Sexual conduct", "Case to answer"), 1, 1, 1},
				{measures.Share, g("Abuse of position / corruption", "Upheld"), 0, 0, 1},
				{measures.Share, g("All categories", "Case to answer"), 2.0 / 6, 2, 6},
				{measures.Share, g("All categories", "Upheld"), 3.0 / 6, 3, 6}}},
			{"repeat-subjects", q1, force, []want{ // o1: 3 cases, o2: 1, o3: 2, o5: 3, o6: 2 (reflective practice on M4), o7: 1
				{measures.Count, g("1 or more", "Any"), 6, 6, 0},
				{measures.Share, g("2 or more", "Any"), 4.0 / 6, 4, 6},
				{measures.Share, g("3 or more", "Any"), 2.0 / 6, 2, 6},
				{measures.Count, g("2 or more", "No sanction"), 1, 1, 0},         // o3
				{measures.Count, g("2 or more", "Reflective practice"), 1, 1, 0}, // o6 (M4)
				{measures.Count, g("2 or more", "Written warning"), 1, 1, 0},
				{measures.Count, g("2 or more", "Dismissal without notice"), 1, 1, 0},
				{measures.Count, g("3 or more", "No sanction"), 0, 0, 0},
				{measures.Count, g("3 or more", "Dismissal without notice"), 1, 1, 0}}},
			{"disproportionality", q1, force, []want{ // in post: white male 4, black male 2, white female 1
				{measures.Count, g("White", "Male", "Officers in post"), 4, 4, 0},
				{measures.Rate, g("White", "Male", "Entered the misconduct system"), 500, 2, 4},
				{measures.Ratio, g("White", "Male", "Entered the misconduct system"), 1, 2, 4},
				{measures.Rate, g("Black", "Male", "Entered the misconduct system"), 500, 1, 2},
				{measures.Ratio, g("Black", "Male", "Entered the misconduct system"), bmRatio, 1, 2},
				{measures.Ratio, g("White", "Female", "Entered the misconduct system"), wfRatio, 1, 1},
				{measures.Rate, g("Black", "Male", "Dismissed"), 500, 1, 2},
				{measures.Rate, g("White", "Male", "Dismissed"), 0, 0, 4}}},
			{"disproportionality", q1, measures.Filter{ForceID: fx.force.ID, UnitID: fx.north.ID}, []want{ // posted to North in Q1: o1, o2 (South only from June), o5, o7
				{measures.Count, g("White", "Male", "Officers in post"), 2, 2, 0},
				{measures.Rate, g("White", "Male", "Entered the misconduct system"), 500, 1, 2},
				{measures.Rate, g("Black", "Male", "Entered the misconduct system"), 1000, 1, 1},
				{measures.Count, g("White", "Female", "Officers in post"), 1, 1, 0}}},
			{"speakup", q1, measures.Filter{}, []want{
				{measures.Count, g("Corruption", "Received"), 2, 2, 0},
				{measures.Count, g("Bullying or harassment", "Received"), 1, 1, 0},
				{measures.Count, g("All reports", "Received"), 3, 3, 0},
				{measures.Share, g("All reports", "Replied to"), 2.0 / 3, 2, 3},
				{measures.Median, g("All reports", "Days to first reply"), 0, 2, 0},
				{measures.P90, g("All reports", "Days to first reply"), 3, 2, 0}}},
			{"eis-flags", q1, force, []want{
				{measures.Count, g("Raised", "By a threshold rule"), 1, 1, 0},
				{measures.Count, g("Raised", "By the model"), 1, 1, 0},
				{measures.Count, g("Reviewed for the first time", "All"), 2, 2, 0},
				{measures.Count, g("Review decision", "Reviewed, no intervention"), 2, 2, 0},
				{measures.Count, g("Review decision", "Intervention chosen"), 1, 1, 0},
				{measures.Count, g("Review decision", "Closed"), 1, 1, 0},
				{measures.Count, g("Intervention", "Training"), 1, 1, 0}}},
			{"eis-flags", q1, measures.Filter{ForceID: fx.force.ID, UnitID: fx.north.ID}, []want{
				{measures.Count, g("Reviewed for the first time", "All"), 1, 1, 0},
				{measures.Count, g("Review decision", "Intervention chosen"), 0, 0, 0}}},
		}
		// Each figure is checked as the measure counts its period alone,
		// and as it counts it among others (the quarters of a year and the
		// year, in one query a measure).
		for _, tc := range tests {
			for _, path := range []string{"alone", "among others"} {
				t.Run(tc.measure+" "+tc.period.String()+" "+path, func(t *testing.T) {
					var r measures.Result
					var err error
					if path == "alone" {
						r, err = svc.Compute(ctx, tc.measure, tc.period, tc.filter)
					} else {
						var rs []measures.Result
						rs, err = svc.ComputePeriods(ctx, tc.measure, []measures.Period{measures.QuarterOf(2024, 4), tc.period,
							measures.QuarterOf(2025, 2), measures.YearOf(2025)}, tc.filter)
						if err == nil {
							r = rs[1]
						}
					}
					if err != nil {
						t.Fatal(err)
					}
					if r.Empty {
						t.Fatalf("empty: %s", r.Note)
					}
					for _, w := range tc.wants {
						row := figure(t, r, w.stat, w.group...)
						if math.Abs(row.Value-w.value) > 1e-9 || row.N != w.n || (w.den != 0 && row.Den != w.den) {
							t.Errorf("%s %v: got %v (n %d, den %d), want %v (n %d, den %d)", w.stat, w.group, row.Value, row.N, row.Den, w.value, w.n, w.den)
						}
					}
				})
			}
		}
		t.Run("intervals", func(t *testing.T) {
			r, err := svc.Compute(ctx, "disproportionality", q1, force)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				group           []string
				ratio, low, hig float64
			}{
				{g("Black", "Male", "Entered the misconduct system"), bmRatio, bmLow, bmHigh},
				{g("White", "Female", "Entered the misconduct system"), wfRatio, wfLow, wfHigh},
			} {
				row := figure(t, r, measures.Ratio, c.group...)
				if !row.Defined || math.Abs(row.Low-c.low) > 1e-4 || math.Abs(row.High-c.hig) > 1e-4 {
					t.Errorf("%v: interval %v to %v, want %v to %v", c.group, row.Low, row.High, c.low, c.hig)
				}
			}
			// No white male officer was dismissed: the ratio cannot be formed.
			if row := figure(t, r, measures.Ratio, "Black", "Male", "Dismissed"); row.Defined {
				t.Errorf("dismissal ratio against a reference with no dismissals is defined: %+v", row)
			}
		})
	})
}

// Counting a measure for several periods at once gives, period by period,
// what counting each alone gives: for the quarters of a year and the year,
// a quarter cut short at now, one not begun and one before the data, for
// every measure and filter.
func TestMeasuresByPeriodMatchEachPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := seedMeasures(t, db)
		svc := measures.New(db, func() time.Time { return measuresNow })
		periods := []measures.Period{measures.QuarterOf(2024, 3), measures.QuarterOf(2024, 4), measures.YearOf(2024),
			measures.QuarterOf(2025, 1), measures.QuarterOf(2025, 2), measures.QuarterOf(2025, 3), measures.QuarterOf(2025, 4),
			measures.YearOf(2025), measures.QuarterOf(2026, 1), measures.QuarterOf(2026, 2), measures.YearOf(2019),
			measures.MonthOf(2025, time.March), measures.Range(day("2024-12-20"), day("2025-02-02"))}
		for _, f := range []measures.Filter{{}, {ForceID: fx.force.ID}, {ForceID: fx.force.ID, UnitID: fx.north.ID},
			{ForceID: fx.force.ID, Kind: cases.ConductMatter}} {
			for _, m := range measures.Catalogue() {
				if f.UnitID != "" && !slices.Contains(m.Filters, measures.FilterUnit) ||
					f.Kind != "" && !slices.Contains(m.Filters, measures.FilterKind) {
					continue
				}
				together, err := svc.ComputePeriods(ctx, m.ID, periods, f)
				if err != nil {
					t.Fatalf("%s %+v: %v", m.ID, f, err)
				}
				if len(together) != len(periods) {
					t.Fatalf("%s: %d results for %d periods", m.ID, len(together), len(periods))
				}
				for i, p := range periods {
					alone, err := svc.Compute(ctx, m.ID, p, f)
					if err != nil {
						t.Fatalf("%s %s: %v", m.ID, p, err)
					}
					if got, want := fmt.Sprintf("%+v", together[i]), fmt.Sprintf("%+v", alone); got != want {
						t.Errorf("%s %s %+v among others:\n%s\nalone:\n%s", m.ID, p, f, got, want)
					}
				}
			}
		}
		// The quarters link up as the figures do: each quarter opens with
		// what the last closed with, and the year receives and finalises
		// what its quarters do.
		rs, err := svc.ComputePeriods(ctx, "backlog", periods[3:8], measures.Filter{ForceID: fx.force.ID})
		if err != nil {
			t.Fatal(err)
		}
		var received, finalised float64
		for i, r := range rs[:4] {
			received += figure(t, r, measures.Count, "Received").Value
			finalised += figure(t, r, measures.Count, "Finalised").Value
			if i > 0 && figure(t, r, measures.Count, "Open at the start").Value != figure(t, rs[i-1], measures.Count, "Open at the end").Value {
				t.Errorf("%s opens with other than %s closed with", r.Period, rs[i-1].Period)
			}
		}
		year := rs[4]
		if received != figure(t, year, measures.Count, "Received").Value || finalised != figure(t, year, measures.Count, "Finalised").Value ||
			received == 0 || finalised == 0 {
			t.Errorf("quarters receive %v and finalise %v; the year %v and %v", received, finalised,
				figure(t, year, measures.Count, "Received").Value, figure(t, year, measures.Count, "Finalised").Value)
		}
	})
}

func TestMeasuresEmptyAndRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := seedMeasures(t, db)
		svc := measures.New(db, func() time.Time { return measuresNow })
		force := measures.Filter{ForceID: fx.force.ID}
		for _, c := range []struct {
			name    string
			measure string
			period  measures.Period
			filter  measures.Filter
			empty   bool
			field   string
		}{
			{"future", "backlog", measures.YearOf(2027), force, true, ""},
			{"before the data", "backlog", measures.YearOf(2019), force, true, ""},
			{"not this kind", "days-to-log", measures.QuarterOf(2025, 1), measures.Filter{ForceID: fx.force.ID, Kind: cases.ConductMatter}, true, ""},
			{"unknown measure", "nonsense", measures.YearOf(2025), force, false, "measure"},
			{"unknown kind", "backlog", measures.YearOf(2025), measures.Filter{Kind: "parking"}, false, "kind"},
			{"unknown unit", "backlog", measures.YearOf(2025), measures.Filter{UnitID: "nope"}, false, "unit"},
			{"unknown force", "backlog", measures.YearOf(2025), measures.Filter{ForceID: "nope"}, false, "force"},
			{"unit of speak-up", "speakup", measures.YearOf(2025), measures.Filter{UnitID: fx.north.ID}, false, "unit"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r, err := svc.Compute(ctx, c.measure, c.period, c.filter)
				if c.field != "" {
					fs := fault.FieldsOf(err)
					if !fault.Is(err, fault.Invalid) || len(fs) == 0 || fs[0].Field != c.field {
						t.Fatalf("got %v (fields %v), want a refusal naming %q", err, fs, c.field)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if r.Empty != c.empty || r.Note == "" || len(r.Rows) != 0 {
					t.Errorf("got empty %v, note %q, %d rows", r.Empty, r.Note, len(r.Rows))
				}
			})
		}
		// A period not yet over runs to now, and says so.
		r, err := svc.Compute(ctx, "backlog", measures.YearOf(2026), force)
		if err != nil {
			t.Fatal(err)
		}
		if r.Empty || !r.At.Equal(measuresNow) || r.Note == "" {
			t.Errorf("current year: empty %v, at %v, note %q", r.Empty, r.At, r.Note)
		}
	})
}

// Timelines written before migration 00016 have their to_state filled in
// by it: undoing it and applying it again leaves every figure as it was.
func TestMeasuresMigrationFillsEventStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := seedMeasures(t, db)
		svc := measures.New(db, func() time.Time { return measuresNow })
		q1, force := measures.QuarterOf(2025, 1), measures.Filter{ForceID: fx.force.ID}
		ids := []string{"days-to-log", "days-to-first-contact", "days-to-finalise", "backlog", "disproportionality"}
		before := map[string]string{}
		for _, m := range ids {
			r, err := svc.Compute(ctx, m, q1, force)
			if err != nil {
				t.Fatal(err)
			}
			before[m] = fmt.Sprint(r.Rows)
		}
		if err := db.MigrateDownToForTest(ctx, 15); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Compute(ctx, "backlog", q1, force); err == nil {
			t.Fatal("the measures still run with the migration undone: the test proves nothing")
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range ids {
			r, err := svc.Compute(ctx, m, q1, force)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(r.Rows); got != before[m] {
				t.Errorf("%s after the migration:\n%s\nbefore:\n%s", m, got, before[m])
			}
		}
	})
}
