package boards

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

var (
	now  = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	held = time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
)

func board(t *testing.T) Meeting {
	t.Helper()
	m, err := NewMeeting("Accountability board, May", held, []Attendee{{Name: "Jo Commissioner", Role: "Police and Crime Commissioner"}}, "oversight", now)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, f := range fault.FieldsOf(err) {
		out[f.Field] = f.Reason
	}
	return out
}

func TestNewMeetingNamesEachFaultyField(t *testing.T) {
	for _, tc := range []struct {
		name      string
		title     string
		on        time.Time
		attendees []Attendee
		want      []string
	}{
		{"good", "Board", held, []Attendee{{"A Person", "Chair"}}, nil},
		{"nothing", " ", time.Time{}, nil, []string{"title", "held_on", "attendees"}},
		{"attendee without a role", "Board", held, []Attendee{{"A Person", ""}}, []string{"attendees[0].role"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMeeting(tc.title, tc.on, tc.attendees, "oversight", now)
			got := fieldsOf(err)
			if len(got) != len(tc.want) {
				t.Fatalf("fields %v, want %v", got, tc.want)
			}
			for _, w := range tc.want {
				if got[w] == "" {
					t.Errorf("no reason for %s: %v", w, got)
				}
			}
		})
	}
}

func TestAgendaItemsAndMinutes(t *testing.T) {
	m := board(t)
	for _, tc := range []struct {
		name string
		item AgendaItem
		bad  string
	}{
		{"a measure", AgendaItem{Title: "Days to finalise", MeasureID: "days-to-finalise"}, ""},
		{"a requirement", AgendaItem{Title: "Vetting backlog", RequirementID: "aaaaaaaaaaaaaaaaaaaaaaaaaa"}, ""},
		{"no such measure", AgendaItem{Title: "Made up", MeasureID: "happiness"}, "measure_id"},
		{"not a plan id", AgendaItem{Title: "Plan", PlanID: "../etc"}, "plan_id"},
		{"no title", AgendaItem{}, "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.AddItem(tc.item)
			if got := fieldsOf(err); (tc.bad == "") != (err == nil) || (tc.bad != "" && got[tc.bad] == "") {
				t.Fatalf("err %v, want a reason for %q", err, tc.bad)
			}
		})
	}
	if len(m.Agenda) != 2 {
		t.Fatalf("agenda %d items, want 2", len(m.Agenda))
	}
	if err := m.RecordMinutes("", "oversight", now); fieldsOf(err)["minutes"] == "" {
		t.Errorf("empty minutes: %v", err)
	}
	if err := m.RecordMinutes("Discussed.", "oversight", held.AddDate(0, 0, -1)); fieldsOf(err)["minutes"] == "" {
		t.Errorf("minutes before the meeting: %v", err)
	}
	if err := m.RecordMinutes("Discussed the backlog.", "oversight", now); err != nil || m.State != Minuted {
		t.Fatalf("minutes: %v, state %s", err, m.State)
	}
	// Minutes are the record: not rewritten, and the agenda is closed.
	for _, err := range []error{m.RecordMinutes("Again", "oversight", now), func() error { _, err := m.AddItem(AgendaItem{Title: "Late"}); return err }()} {
		var na *NotAllowedError
		if !errors.As(err, &na) || fault.KindOf(err) != fault.Conflict || !strings.Contains(err.Error(), "allowed now: set an action") {
			t.Errorf("after minutes: %v", err)
		}
	}
}

func TestActionStateMachine(t *testing.T) {
	m := board(t)
	if _, err := m.NewAction("Report", "Chief Constable", held.AddDate(0, 0, -1), "oversight", now); fieldsOf(err)["due_on"] == "" {
		t.Errorf("due before the meeting: %v", err)
	}
	office, body := []Party{ChiefOffice}, []Party{Body}
	for _, tc := range []struct {
		name    string
		from    ActionState
		step    ActionStep
		parties []Party
		text    string
		to      ActionState
		kind    fault.Kind // "" for success
		says    string
	}{
		{"office answers", Open, Answer, office, "We did it.", Answered, "", ""},
		{"an answer needs words", Open, Answer, office, " ", Open, fault.Invalid, "answer"},
		{"the body may not answer", Open, Answer, body, "We did it.", Open, fault.Forbidden, "you may: nothing more"},
		{"nothing to close yet", Open, Close, body, "", Open, fault.Conflict, "cannot close while the action is open; allowed now: answer (by the chief officer's office)"},
		{"body closes", Answered, Close, body, "", Closed, "", ""},
		{"office may not close", Answered, Close, office, "", Answered, fault.Forbidden, "you may not close"},
		{"body returns with a note", Answered, Return, body, "Not enough: show the figures.", Open, "", ""},
		{"a return says why", Answered, Return, body, "", Answered, fault.Invalid, "note"},
		{"closed is closed", Closed, Return, body, "x", Closed, fault.Conflict, "allowed now: nothing more"},
		{"already answered", Answered, Answer, office, "again", Answered, fault.Conflict, "allowed now: close (by the oversight body), return (by the oversight body)"},
		{"unknown step", Open, "reopen", body, "", Open, fault.Invalid, "step"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := m.NewAction("Report on the vetting backlog", "Chief Constable", held.AddDate(0, 1, 0), "oversight", now)
			if err != nil {
				t.Fatal(err)
			}
			a.State = tc.from
			err = a.Apply(tc.step, tc.text, tc.parties, "someone", now)
			if tc.kind == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if fault.KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err %v (%s), want %s saying %q", err, fault.KindOf(err), tc.kind, tc.says)
			}
			if a.State != tc.to {
				t.Errorf("state %s, want %s", a.State, tc.to)
			}
		})
	}
	a, _ := m.NewAction("Report", "Chief Constable", held, "oversight", now)
	if !a.Overdue(held.AddDate(0, 0, 1)) || a.Overdue(held) {
		t.Error("an open action is overdue from the day after it is due, not before")
	}
	if got := a.AllowedSteps([]Party{Body, ChiefOffice}); len(got) != 1 || got[0] != Answer {
		t.Errorf("allowed on an open action: %v", got)
	}
}
