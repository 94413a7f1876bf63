package demo

import (
	"testing"

	"github.com/probity/probity/internal/oversight"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestSeedGivesTheOversightBodyBoardsAndPosts: two boards with agenda,
// minutes and actions in each state but closed-only; the chief officer's
// post shows a resignation, someone acting and an appointment made after
// the panel was consulted; the deputy and head of standards have holders.
func TestSeedGivesTheOversightBodyBoardsAndPosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := Seed(ctx, db, small(), now); err != nil {
			t.Fatal(err)
		}
		meetings, err := db.Meetings(ctx)
		if err != nil || len(meetings) != 2 {
			t.Fatalf("meetings: %d, %v", len(meetings), err)
		}
		states := map[oversight.ActionState]int{}
		for _, s := range meetings {
			m, err := db.Meeting(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Agenda) == 0 || m.Minutes == "" || len(m.Actions) == 0 || m.HeldOn.After(now) {
				t.Errorf("meeting %q: %d items, minutes %q, %d actions, held %s", m.Title, len(m.Agenda), m.Minutes, len(m.Actions), m.HeldOn)
			}
			for _, a := range m.Actions {
				states[a.State]++
			}
		}
		if states[oversight.Open] == 0 || states[oversight.Answered] == 0 || states[oversight.Closed] == 0 {
			t.Errorf("action states: %v", states)
		}
		posts, err := db.Posts(ctx)
		if err != nil || len(posts) != 3 {
			t.Fatalf("posts: %d, %v", len(posts), err)
		}
		for _, p := range posts {
			if p.State != oversight.Held || p.Holder == "" {
				t.Errorf("%s: %s, holder %q", p.Title, p.State, p.Holder)
			}
		}
		chief := posts[0]
		events, err := db.PostEvents(ctx, chief.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[oversight.EventKind]int{}
		for _, e := range events {
			kinds[e.Kind]++
			if e.On.After(now) {
				t.Errorf("%s dated %s, after the demo's day", e.Kind, e.On)
			}
		}
		if chief.Kind != oversight.ChiefOfficer || kinds[oversight.Resignation] != 1 || kinds[oversight.ActingUp] != 1 || kinds[oversight.Appointment] != 2 {
			t.Fatalf("chief officer's timeline: %v", kinds)
		}
		last := events[len(events)-1]
		if last.Kind != oversight.Appointment || len(last.Consultations) != 1 || last.Consultations[0].Consultee != demoConsultee ||
			last.Consultations[0].RespondedOn == nil {
			t.Errorf("the latest appointment: %+v", last)
		}
	})
}
