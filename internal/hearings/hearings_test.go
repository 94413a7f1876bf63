package hearings

import (
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
)

// now is 10:00 in London on 15 June 2026.
var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

var atHearing = CaseFacts{ID: "c1", Reference: "CM/2026/000001", Visited: []cases.State{cases.AllegationReceived, cases.HearingReferred},
	Subjects: []string{"o1", "o2"}}

func outcomeInput() DraftInput {
	return DraftInput{Kind: Outcome, OfficerID: "o1", HearingOn: day("2026-06-10"), Text: "Gross misconduct found; dismissed without notice.",
		PublishFrom: day("2026-06-15"), PublishUntil: day("2026-07-12")}
}

func hearingInput() DraftInput {
	return DraftInput{Kind: OfHearing, OfficerID: "o2", HearingOn: day("2026-07-01"), HearingTime: "09:30", Venue: "Headquarters, Hall 2",
		Text: "It is alleged that the officer used excessive force.", PublishFrom: day("2026-06-15"), PublishUntil: day("2026-07-01")}
}

func TestNewRefusesEachFaultyField(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*DraftInput)
		field string
		want  string
	}{
		{"fine outcome", func(*DraftInput) {}, "", ""},
		{"unknown kind", func(in *DraftInput) { in.Kind = "rumour" }, "kind", "must be"},
		{"officer not a subject", func(in *DraftInput) { in.OfficerID = "o9" }, "officer_id", "allegations are against"},
		{"no officer", func(in *DraftInput) { in.OfficerID = "" }, "officer_id", "is required"},
		{"empty text", func(in *DraftInput) { in.Text = "  " }, "text", "is required"},
		{"text too long", func(in *DraftInput) { in.Text = strings.Repeat("a", MaxText+1) }, "text", "at most 4000"},
		{"no hearing day", func(in *DraftInput) { in.HearingOn = time.Time{} }, "hearing_on", "is required"},
		{"outcome of a future hearing", func(in *DraftInput) { in.HearingOn = day("2026-06-20") }, "hearing_on", "must not be in the future"},
		{"venue on an outcome", func(in *DraftInput) { in.Venue = "Hall" }, "venue", "only for a notice of hearing"},
		{"period starts in the past", func(in *DraftInput) { in.PublishFrom = day("2026-06-14") }, "publish_from", "today or later"},
		{"period ends before it starts", func(in *DraftInput) { in.PublishUntil = day("2026-06-14") }, "publish_until", "on or after"},
		{"outcome period too short", func(in *DraftInput) { in.PublishUntil = day("2026-07-11") }, "publish_until", "at least 27 days"},
		{"outcome period of exactly 28 days", func(in *DraftInput) { in.PublishUntil = day("2026-07-12") }, "", ""},
		{"outcome period too long", func(in *DraftInput) { in.PublishUntil = day("2027-06-15") }, "publish_until", "within 365 days"},
		{"no end", func(in *DraftInput) { in.PublishUntil = time.Time{} }, "publish_until", "is required"},
		{"no start", func(in *DraftInput) { in.PublishFrom = time.Time{} }, "publish_from", "is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := outcomeInput()
			tc.edit(&in)
			checkField(t, in, tc.field, tc.want)
		})
	}
	for _, tc := range []struct {
		name  string
		edit  func(*DraftInput)
		field string
		want  string
	}{
		{"fine notice of hearing", func(*DraftInput) {}, "", ""},
		{"hearing in the past", func(in *DraftInput) { in.HearingOn = day("2026-06-14") }, "hearing_on", "today or later"},
		{"bad time", func(in *DraftInput) { in.HearingTime = "9.30am" }, "hearing_time", "24-hour clock"},
		{"hour out of range", func(in *DraftInput) { in.HearingTime = "25:00" }, "hearing_time", "24-hour clock"},
		{"no venue", func(in *DraftInput) { in.Venue = "" }, "venue", "is required"},
		{"published after the hearing starts", func(in *DraftInput) { in.PublishFrom = day("2026-07-02"); in.PublishUntil = day("2026-07-03") },
			"publish_from", "on or before the hearing day"},
		{"taken down before the hearing", func(in *DraftInput) { in.PublishUntil = day("2026-06-30") }, "publish_until", "stays up until the hearing"},
		{"kept long after the hearing", func(in *DraftInput) { in.PublishUntil = day("2026-07-30") }, "publish_until", "within 28 days after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := hearingInput()
			tc.edit(&in)
			checkField(t, in, tc.field, tc.want)
		})
	}
}

func checkField(t *testing.T, in DraftInput, field, want string) {
	t.Helper()
	n, err := New(in, atHearing, "PC 1234 Smith", "constable", "author", now)
	if field == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		if n.Status != Draft || n.Standing(now) != StandingDraft || n.Public(now) {
			t.Errorf("a new notice stands %s, public %v", n.Standing(now), n.Public(now))
		}
		return
	}
	for _, fe := range fault.FieldsOf(err) {
		if fe.Field == field && strings.Contains(fe.Reason, want) {
			return
		}
	}
	t.Errorf("got %v, want %s %q", err, field, want)
}

func TestNewRefusesACaseWithoutAHearing(t *testing.T) {
	c := atHearing
	c.Visited = []cases.State{cases.AllegationReceived, cases.MeetingReferred}
	_, err := New(outcomeInput(), c, "PC 1 A", "constable", "author", now)
	if !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "not been referred to a misconduct hearing") {
		t.Fatalf("got %v", err)
	}
	c.Visited = []cases.State{cases.SpecialConditions}
	if _, err := New(outcomeInput(), c, "PC 1 A", "constable", "author", now); err != nil {
		t.Fatalf("an accelerated hearing refused: %v", err)
	}
}

func TestWorkflow(t *testing.T) {
	type step struct {
		action  Action
		user    string
		reasons string
		at      time.Time
		want    string // "" for success, else part of the refusal
	}
	later := now.AddDate(0, 0, 40)
	for _, tc := range []struct {
		name  string
		steps []step
		end   Standing
	}{
		{"approved by another", []step{{Submit, "author", "", now, ""}, {Approve, "head", "", now, ""}}, StandingPublished},
		{"approve own notice", []step{{Submit, "author", "", now, ""}, {Approve, "author", "", now, "someone else must approve it; what can be done now: withdraw"}}, StandingAwaiting},
		{"approve a draft", []step{{Approve, "head", "", now, "must first submit it for approval; what can be done now: submit for approval, withdraw"}}, StandingDraft},
		{"submit someone else's draft", []step{{Submit, "head", "", now, "only the notice's author"}}, StandingDraft},
		{"submit twice", []step{{Submit, "author", "", now, ""}, {Submit, "author", "", now, "already submitted for approval; what can be done now: approve, withdraw"}}, StandingAwaiting},
		{"approve twice", []step{{Submit, "author", "", now, ""}, {Approve, "head", "", now, ""}, {Approve, "other", "", now, "already approved; what can be done now: withdraw"}}, StandingPublished},
		{"withdraw without reasons", []step{{Submit, "author", "", now, ""}, {Approve, "head", "", now, ""}, {Withdraw, "head", " ", now, "reasons is required"}}, StandingPublished},
		{"withdrawn early", []step{{Submit, "author", "", now, ""}, {Approve, "head", "", now, ""}, {Withdraw, "head", "The chair directed it be taken down.", now, ""}}, StandingWithdrawn},
		{"nothing after withdrawal", []step{{Withdraw, "author", "Drafted on the wrong case.", now, ""}, {Submit, "author", "", now, "was withdrawn; nothing more can be done"}}, StandingWithdrawn},
		{"taken down when the period ends", []step{{Submit, "author", "", now, ""}, {Approve, "head", "", now, ""}, {Withdraw, "head", "late", later, "taken down; nothing more can be done"}}, StandingEnded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := New(outcomeInput(), atHearing, "PC 1 A", "constable", "author", now)
			if err != nil {
				t.Fatal(err)
			}
			var at time.Time
			for _, s := range tc.steps {
				v := n.Version
				err := n.Apply(s.action, s.user, s.reasons, s.at)
				at = s.at
				switch {
				case s.want == "" && err != nil:
					t.Fatalf("%s by %s refused: %v", s.action, s.user, err)
				case s.want != "" && (err == nil || !strings.Contains(err.Error(), s.want)):
					t.Fatalf("%s by %s: got %v, want %q", s.action, s.user, err, s.want)
				case s.want == "" && n.Version != v+1:
					t.Errorf("version %d after %s, want %d", n.Version, s.action, v+1)
				case s.want != "" && n.Version != v:
					t.Errorf("a refused %s changed the version", s.action)
				}
			}
			if got := n.Standing(at); got != tc.end {
				t.Errorf("ends %s, want %s", got, tc.end)
			}
		})
	}
}

func TestStandingFollowsTheClock(t *testing.T) {
	n := Notice{Status: Approved, PublishFrom: day("2026-06-20"), PublishUntil: day("2026-07-17")}
	for _, tc := range []struct {
		at   time.Time
		want Standing
	}{
		{time.Date(2026, 6, 19, 22, 59, 0, 0, time.UTC), StandingScheduled}, // 23:59 in London
		{time.Date(2026, 6, 19, 23, 0, 0, 0, time.UTC), StandingPublished},  // midnight in London
		{time.Date(2026, 7, 17, 22, 59, 0, 0, time.UTC), StandingPublished},
		{time.Date(2026, 7, 17, 23, 0, 0, 0, time.UTC), StandingEnded},
	} {
		if got := n.Standing(tc.at); got != tc.want {
			t.Errorf("at %s: %s, want %s", tc.at, got, tc.want)
		}
		if n.Public(tc.at) != (tc.want == StandingPublished) {
			t.Errorf("at %s: public %v", tc.at, n.Public(tc.at))
		}
	}
	for _, st := range []Status{Draft, Submitted, Withdrawn} {
		n.Status = st
		if n.Public(time.Date(2026, 6, 25, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("a %s notice is public in its period", st)
		}
	}
}

func TestLateApprovalKeepsTheRule(t *testing.T) {
	n, err := New(outcomeInput(), atHearing, "PC 1 A", "constable", "author", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Apply(Submit, "author", "", now); err != nil {
		t.Fatal(err)
	}
	approved := now.AddDate(0, 0, 10)
	if err := n.Apply(Approve, "head", "", approved); err != nil {
		t.Fatal(err)
	}
	if want := day("2026-06-25"); !n.PublishFrom.Equal(want) {
		t.Errorf("published from %s, want the day of approval %s", n.PublishFrom, want)
	}
	if want := day("2026-07-22"); !n.PublishUntil.Equal(want) {
		t.Errorf("published until %s, want %s (28 days from approval)", n.PublishUntil, want)
	}

	h, err := New(hearingInput(), atHearing, "PC 2 B", "constable", "author", now)
	if err != nil {
		t.Fatal(err)
	}
	_ = h.Apply(Submit, "author", "", now)
	err = h.Apply(Approve, "head", "", day("2026-07-05").Add(12*time.Hour))
	if err == nil || !strings.Contains(err.Error(), "ended before it was approved") {
		t.Fatalf("a notice of a hearing already held: %v", err)
	}
}

func TestDefaultPeriod(t *testing.T) {
	from, until := DefaultPeriod(Outcome, day("2026-06-10"), now)
	if !from.Equal(day("2026-06-15")) || !until.Equal(day("2026-07-12")) {
		t.Errorf("outcome: %s to %s", from, until)
	}
	in := outcomeInput()
	in.PublishFrom, in.PublishUntil = from, until
	checkField(t, in, "", "")
	from, until = DefaultPeriod(OfHearing, day("2026-07-01"), now)
	if !from.Equal(day("2026-06-15")) || !until.Equal(day("2026-07-01")) {
		t.Errorf("notice of hearing: %s to %s", from, until)
	}
}
