package vetting

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

var barredNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func fieldNames(err error) string {
	var got []string
	for _, f := range fault.FieldsOf(err) {
		got = append(got, f.Field)
	}
	return strings.Join(got, ",")
}

func TestListingPrepare(t *testing.T) {
	good := func() Listing {
		return Listing{Name: "Gary Lane", BirthDate: date("1980-04-02"), CollarNumber: "4411", Force: "Northshire Police",
			Basis: Dismissed, Ground: GrossMisconduct, Outcome: "Dismissed without notice: theft from a detained person (honesty and integrity)",
			DecidedOn: date("2026-11-20")}
	}
	for _, tc := range []struct {
		name       string
		edit       func(*Listing)
		fields     string
		list       List
		reviewFrom string
	}{
		{"dismissed for gross misconduct", func(*Listing) {}, "", Barred, "2031-11-20"},
		{"dismissed for gross incompetence", func(l *Listing) { l.Ground = GrossIncompetence }, "", Barred, "2029-11-20"},
		{"would have been dismissed", func(l *Listing) { l.Basis = WouldHaveBeenDismissed }, "", Barred, "2031-11-20"},
		{"left under investigation", func(l *Listing) { l.Basis, l.Ground = LeftUnderInvestigation, "" }, "", Advisory, "2031-11-20"},
		{"advisory with a ground", func(l *Listing) { l.Basis = LeftUnderInvestigation }, "ground", "", ""},
		{"barred without a ground", func(l *Listing) { l.Ground = "" }, "ground", "", ""},
		{"unknown basis", func(l *Listing) { l.Basis = "resigned" }, "basis", "", ""},
		{"nothing given", func(l *Listing) { *l = Listing{} }, "name,date_of_birth,force,basis,outcome,decided_on", "", ""},
		{"a child's birth date", func(l *Listing) { l.BirthDate = date("2015-01-01") }, "date_of_birth", "", ""},
		{"decided tomorrow", func(l *Listing) { l.DecidedOn = barredNow.AddDate(0, 0, 1) }, "decided_on", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := good()
			tc.edit(&l)
			err := l.Prepare(barredNow)
			if got := fieldNames(err); got != tc.fields {
				t.Fatalf("fields %q, want %q (%v)", got, tc.fields, err)
			}
			if err != nil {
				return
			}
			if l.List != tc.list || l.Source != ByForce || l.ReviewFrom.Format(time.DateOnly) != tc.reviewFrom ||
				!l.ReferredOn.Equal(date("2026-12-01")) {
				t.Errorf("prepared = list %s, source %s, review from %s, referred %s", l.List, l.Source, l.ReviewFrom, l.ReferredOn)
			}
		})
	}
}

func TestListingRemove(t *testing.T) {
	barred := Listing{List: Barred, DecidedOn: date("2020-01-10"), ReviewFrom: date("2025-01-10")}
	advisory := Listing{List: Advisory, DecidedOn: date("2026-06-01"), ReviewFrom: date("2031-06-01")}
	for _, tc := range []struct {
		name   string
		l      Listing
		reason Removal
		on     time.Time
		note   string
		fields string
	}{
		{"appeal allowed", barred, AppealAllowed, date("2020-05-01"), "Appeal tribunal allowed the appeal", ""},
		{"review granted once it could be sought", barred, ReviewGranted, date("2025-02-01"), "College granted the review", ""},
		{"review granted too early", barred, ReviewGranted, date("2024-02-01"), "College granted the review", "removed_on"},
		{"proceedings ended is not a barred reason", barred, ProceedingsEnded, date("2025-02-01"), "x", "reason"},
		{"advisory: proceedings ended", advisory, ProceedingsEnded, date("2026-09-01"), "No case to answer", ""},
		{"advisory: moved to barred", advisory, MovedToBarred, date("2026-09-01"), "Would have been dismissed", ""},
		{"advisory: appeal is not a reason", advisory, AppealAllowed, date("2026-09-01"), "x", "reason"},
		{"before the listing", advisory, ProceedingsEnded, date("2026-05-01"), "x", "removed_on"},
		{"in the future", advisory, ProceedingsEnded, barredNow.AddDate(0, 1, 0), "x", "removed_on"},
		{"no note", advisory, ProceedingsEnded, date("2026-09-01"), " ", "note"},
		{"no date", advisory, ProceedingsEnded, time.Time{}, "x", "removed_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.l
			err := l.Remove(tc.reason, tc.on, tc.note, barredNow)
			if got := fieldNames(err); got != tc.fields {
				t.Fatalf("fields %q, want %q (%v)", got, tc.fields, err)
			}
			if err != nil {
				return
			}
			if l.Current(barredNow) || !l.Current(tc.on.AddDate(0, 0, -1)) {
				t.Errorf("removed listing current now %v, the day before %v", l.Current(barredNow), l.Current(tc.on.AddDate(0, 0, -1)))
			}
			if err := l.Remove(tc.reason, tc.on, tc.note, barredNow); fault.KindOf(err) != fault.Conflict {
				t.Errorf("removing twice: %v", err)
			}
		})
	}
}

func TestReportDueBy(t *testing.T) {
	weekdays := func(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }
	for _, tc := range []struct{ decided, due string }{
		{"2026-11-30", "2026-12-04"}, // Monday: that week's Friday, the day itself counting
		{"2026-12-04", "2026-12-10"}, // Friday
		{"2026-12-05", "2026-12-11"}, // Saturday: counting begins on Monday
	} {
		if got := ReportDueBy(date(tc.decided), weekdays); got.Format(time.DateOnly) != tc.due {
			t.Errorf("ReportDueBy(%s) = %s, want %s", tc.decided, got.Format(time.DateOnly), tc.due)
		}
	}
}

func TestQueryNeedsTwoFields(t *testing.T) {
	for _, tc := range []struct {
		name   string
		q      Query
		fields string
		keys   int
	}{
		{"name alone", Query{Name: "Gary Lane"}, "date_of_birth,collar_number", 0},
		{"date of birth alone", Query{BirthDate: date("1980-04-02")}, "name,collar_number", 0},
		{"collar alone", Query{CollarNumber: "4411"}, "name,date_of_birth", 0},
		{"punctuation is no name", Query{Name: "--", CollarNumber: "4411"}, "name,date_of_birth", 0},
		{"nothing", Query{}, "name,date_of_birth,collar_number", 0},
		{"name and date of birth", Query{Name: "Gary Lane", BirthDate: date("1980-04-02")}, "", 1},
		{"name and collar", Query{Name: "Gary Lane", CollarNumber: "4411"}, "", 1},
		{"all three", Query{Name: "Gary Lane", BirthDate: date("1980-04-02"), CollarNumber: "4411"}, "", 3},
		{"a control character", Query{Name: "Gary\x00Lane", CollarNumber: "4411"}, "name", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.q.Validate()
			if got := fieldNames(err); got != tc.fields {
				t.Errorf("fields %q, want %q (%v)", got, tc.fields, err)
			}
			if got := len(tc.q.Keys()); got != tc.keys {
				t.Errorf("%d keys, want %d", got, tc.keys)
			}
		})
	}
}

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{
		"O'Brien-Smith, Seán": "o brien smith sean",
		"  GARY   lane ":      "gary lane",
		"Zoë Ünal":            "zoe unal",
		"'":                   "",
	} {
		if got := NormaliseName(in); got != want {
			t.Errorf("NormaliseName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := NormaliseCollar(" ab 12 34 "); got != "AB1234" {
		t.Errorf("NormaliseCollar = %q", got)
	}
	// A listing and a query for the same person in another spelling share
	// keys; a changed collar number still leaves name and date of birth.
	l := Listing{Name: "Seán O'Brien", BirthDate: date("1980-04-02"), CollarNumber: "NS 4411"}
	q := Query{Name: "sean obrien", BirthDate: date("1980-04-02"), CollarNumber: "WM 77"}
	if shared := slices.ContainsFunc(q.Keys(), func(k string) bool { return slices.Contains(l.QueryOf().Keys(), k) }); shared {
		t.Error("\"obrien\" and \"o brien\" should not be the same words")
	}
	q.Name = "Sean O Brien"
	if shared := slices.ContainsFunc(q.Keys(), func(k string) bool { return slices.Contains(l.QueryOf().Keys(), k) }); !shared {
		t.Error("the same name and date of birth share no key")
	}
}

func TestTransferCheckDecide(t *testing.T) {
	barred := Listing{ID: "b1", List: Barred, Name: "Gary Lane", DecidedOn: date("2025-01-01")}
	advisory := Listing{ID: "a1", List: Advisory, Name: "Gary Lane", DecidedOn: date("2025-01-01")}
	removed := barred
	removed.ID = "b2"
	gone := date("2025-06-01")
	removed.RemovedOn = &gone
	good := func() TransferCheck {
		return TransferCheck{Kind: Transferee, Name: "Gary Lane", BirthDate: date("1980-04-02"), CollarNumber: "4411",
			PreviousForce: "Northshire Police", RecordSource: RecordEntered, Complaints: "None in five years",
			Conduct: "None", Vetting: "Recruitment vetting granted 2019", Decision: Appoint, Reasons: "Checks clear",
			SearchedAt: barredNow}
	}
	for _, tc := range []struct {
		name   string
		edit   func(*TransferCheck)
		fields string
	}{
		{"clear", func(*TransferCheck) {}, ""},
		{"no checks written", func(c *TransferCheck) { c.Complaints, c.Conduct, c.Vetting = "", " ", "" }, "complaints,conduct,vetting"},
		{"no record source", func(c *TransferCheck) { c.RecordSource = "" }, "record_source"},
		{"imported without the record", func(c *TransferCheck) { c.RecordSource = RecordImported }, "previous_officer"},
		{"no decision or reasons", func(c *TransferCheck) { c.Decision, c.Reasons = "", "" }, "decision,reasons"},
		{"unknown kind", func(c *TransferCheck) { c.Kind = "secondee" }, "kind"},
		{"a barred match not yet seen", func(c *TransferCheck) { c.Matches = []Listing{barred} }, "matches"},
		{"a barred match seen, appointed", func(c *TransferCheck) { c.Matches, c.Seen = []Listing{barred}, []string{"b1"} }, "decision"},
		{"a barred match seen, appointed with conditions", func(c *TransferCheck) {
			c.Matches, c.Seen, c.Decision = []Listing{barred}, []string{"b1"}, AppointWithConditions
		}, "decision"},
		{"a barred match seen, not appointed", func(c *TransferCheck) {
			c.Matches, c.Seen, c.Decision, c.Reasons = []Listing{barred}, []string{"b1"}, DoNotAppoint, "On the barred list"
		}, ""},
		{"a barred match judged someone else", func(c *TransferCheck) {
			c.Matches, c.Seen, c.NotThePerson = []Listing{barred}, []string{"b1"}, []string{"b1"}
		}, ""},
		{"someone else, but not a match", func(c *TransferCheck) { c.NotThePerson = []string{"zz"} }, "not_the_person"},
		{"a removed barred listing", func(c *TransferCheck) { c.Matches, c.Seen = []Listing{removed}, []string{"b2"} }, ""},
		{"advisory, reasons silent on it", func(c *TransferCheck) { c.Matches, c.Seen = []Listing{advisory}, []string{"a1"} }, "reasons"},
		{"advisory, reasons address it", func(c *TransferCheck) {
			c.Matches, c.Seen, c.Reasons = []Listing{advisory}, []string{"a1"}, "The advisory list entry was for a matter since closed with no case to answer"
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.edit(&c)
			err := c.Decide(barredNow)
			if got := fieldNames(err); got != tc.fields {
				t.Errorf("fields %q, want %q (%v)", got, tc.fields, err)
			}
			if (err == nil) == c.DecidedAt.IsZero() {
				t.Errorf("decided at %v with error %v", c.DecidedAt, err)
			}
		})
	}
	c := good()
	c.SearchedAt = time.Time{}
	if err := c.Decide(barredNow); fault.KindOf(err) != fault.Internal {
		t.Errorf("a check the lists were not searched for: %v", err)
	}
}

func TestEveryListCodeHasWords(t *testing.T) {
	check := func(kind string, codes []string, means func(string) string) {
		for _, c := range codes {
			if means(c) == "" {
				t.Errorf("%s %s has no words", kind, c)
			}
		}
	}
	strs := func(n int, f func(i int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	check("list", strs(len(Lists), func(i int) string { return string(Lists[i]) }), func(c string) string { return List(c).Label().Means })
	check("basis", strs(len(Bases), func(i int) string { return string(Bases[i]) }), func(c string) string { return Basis(c).Label().Means })
	check("ground", strs(len(Grounds), func(i int) string { return string(Grounds[i]) }), func(c string) string { return Ground(c).Label().Means })
	check("removal", strs(len(Removals), func(i int) string { return string(Removals[i]) }), func(c string) string { return Removal(c).Label().Means })
	check("joiner", strs(len(JoinerKinds), func(i int) string { return string(JoinerKinds[i]) }), func(c string) string { return JoinerKind(c).Label().Means })
	check("appointment", strs(len(Appointments), func(i int) string { return string(Appointments[i]) }), func(c string) string { return Appointment(c).Label().Means })
	for _, s := range []Source{ByForce, National} {
		if s.Label().Means == "" {
			t.Errorf("source %s has no words", s)
		}
	}
	for _, s := range []RecordSource{RecordImported, RecordEntered} {
		if s.Label().Means == "" {
			t.Errorf("record source %s has no words", s)
		}
	}
}

func TestPropose(t *testing.T) {
	at := time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC)
	left := date("2026-10-01")
	for _, tc := range []struct {
		name  string
		s     Standing
		basis Basis
		on    string
	}{
		{"dismissed", Standing{Outcomes: []string{"final_written_warning", "dismissal_without_notice"}, OutcomeAt: &at}, Dismissed, "2026-11-03"},
		{"would have been dismissed", Standing{Outcomes: []string{"would_have_been_dismissed"}, Left: true, OutcomeAt: &at, LeftOn: &left}, WouldHaveBeenDismissed, "2026-11-03"},
		{"left while the case ran", Standing{Left: true, LeftOn: &left}, LeftUnderInvestigation, "2026-10-01"},
		{"left, leaving date unknown", Standing{Left: true}, LeftUnderInvestigation, ""},
		{"a warning only", Standing{Outcomes: []string{"written_warning"}}, "", ""},
		{"nothing yet", Standing{}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := Propose(tc.s)
			if ok != (tc.basis != "") || d.Basis != tc.basis {
				t.Fatalf("Propose = %v, %v; want %q", d.Basis, ok, tc.basis)
			}
			got := ""
			if d.DecidedOn != nil {
				got = d.DecidedOn.Format(time.DateOnly)
			}
			if ok && got != tc.on {
				t.Errorf("decided on %q, want %q", got, tc.on)
			}
		})
	}
}
