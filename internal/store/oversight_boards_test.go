package store_test

import (
	"slices"
	"testing"

	"github.com/probity/probity/internal/boards"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestMeetingsKeepAgendaMinutesAndActions: a meeting, its agenda linked
// to a measure and a requirement, its minutes and an action read back as
// they were written on both engines; a change made on a stale read is
// refused and changes nothing.
func TestMeetingsKeepAgendaMinutesAndActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m, err := boards.NewMeeting("Accountability board", day("2026-03-10"),
			[]boards.Attendee{{Name: "Jo Commissioner", Role: "Police and Crime Commissioner"}, {Name: "Sam Chief", Role: "Chief Constable"}}, "oversight", now)
		if err != nil {
			t.Fatal(err)
		}
		must := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := db.InTx(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		must(func(tx *store.Tx) error { return tx.CreateMeeting(ctx, m) })
		must(func(tx *store.Tx) error {
			cur, err := tx.Meeting(ctx, m.ID)
			if err != nil {
				return err
			}
			read := cur.Version
			it, err := cur.AddItem(boards.AgendaItem{Title: "Time to finalise complaints", MeasureID: "days-to-finalise",
				RequirementID: "abcdefghijklmnopqrstuvwxyz", Notes: "Q4 figures"})
			if err != nil {
				return err
			}
			return tx.AddAgendaItem(ctx, cur, it, read)
		})
		var actionID string
		must(func(tx *store.Tx) error {
			cur, err := tx.Meeting(ctx, m.ID)
			if err != nil {
				return err
			}
			read := cur.Version
			if err := cur.RecordMinutes("The board discussed delays.", "oversight", now); err != nil {
				return err
			}
			if err := tx.SaveMinutes(ctx, cur, read); err != nil {
				return err
			}
			a, err := cur.NewAction("Report on delays", "Chief Constable", day("2026-04-10"), "oversight", now)
			if err != nil {
				return err
			}
			actionID = a.ID
			return tx.AddAction(ctx, cur, a, cur.Version)
		})
		got, err := db.Meeting(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != boards.Minuted || got.Minutes != "The board discussed delays." || got.MinutedAt == nil || len(got.Attendees) != 2 ||
			!got.HeldOn.Equal(day("2026-03-10")) {
			t.Fatalf("meeting: %+v", got)
		}
		if len(got.Agenda) != 1 || got.Agenda[0].MeasureID != "days-to-finalise" || got.Agenda[0].RequirementID != "abcdefghijklmnopqrstuvwxyz" {
			t.Fatalf("agenda: %+v", got.Agenda)
		}
		if len(got.Actions) != 1 || got.Actions[0].State != boards.Open || !got.Actions[0].DueOn.Equal(day("2026-04-10")) {
			t.Fatalf("actions: %+v", got.Actions)
		}
		list, err := db.Meetings(ctx)
		if err != nil || len(list) != 1 || list[0].Items != 1 || list[0].OpenActions != 1 || list[0].Actions != 1 {
			t.Fatalf("list: %v %+v", err, list)
		}

		// The office answers; a second answer made on the same stale read
		// is refused.
		var stale boards.Action
		must(func(tx *store.Tx) error {
			a, err := tx.Action(ctx, m.ID, actionID)
			if err != nil {
				return err
			}
			stale = a
			read := a.Version
			if err := a.Apply(boards.Answer, "Delays are down.", []boards.Party{boards.ChiefOffice}, "chief", now); err != nil {
				return err
			}
			return tx.SaveAction(ctx, a, read)
		})
		err = db.InTx(ctx, func(tx *store.Tx) error {
			read := stale.Version
			if err := stale.Apply(boards.Answer, "Other words", []boards.Party{boards.ChiefOffice}, "chief", now); err != nil {
				return err
			}
			return tx.SaveAction(ctx, stale, read)
		})
		if fault.KindOf(err) != fault.Conflict {
			t.Fatalf("a stale answer: %v", err)
		}
		got, _ = db.Meeting(ctx, m.ID)
		if a := got.Actions[0]; a.State != boards.Answered || a.Answer != "Delays are down." || a.AnsweredAt == nil {
			t.Fatalf("after answer: %+v", a)
		}
		if _, err := db.Meeting(ctx, "abcdefghijklmnopqrstuvwxyz"); fault.KindOf(err) != fault.NotFound {
			t.Errorf("no such meeting: %v", err)
		}

		// Pending: actions not yet closed, the earliest due first; a closed
		// action leaves the list.
		var earlierID string
		must(func(tx *store.Tx) error {
			cur, err := tx.Meeting(ctx, m.ID)
			if err != nil {
				return err
			}
			a, err := cur.NewAction("Publish the plan", "Chief Constable", day("2026-04-01"), "oversight", now)
			earlierID = a.ID
			if err != nil {
				return err
			}
			return tx.AddAction(ctx, cur, a, cur.Version)
		})
		pending := func(want ...string) {
			t.Helper()
			got, err := db.PendingActions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, want) {
				t.Fatalf("pending %v, want %v", ids, want)
			}
		}
		pending(earlierID, actionID)
		must(func(tx *store.Tx) error {
			a, err := tx.Action(ctx, m.ID, actionID)
			if err != nil {
				return err
			}
			read := a.Version
			if err := a.Apply(boards.Close, "Thank you.", []boards.Party{boards.Body}, "oversight", now); err != nil {
				return err
			}
			return tx.SaveAction(ctx, a, read)
		})
		pending(earlierID)
	})
}

// TestPostTimelineRoundTrips: a post, an appointment with its
// consultation, a suspension, an acting holder and a resignation read
// back in order with the post's state, and a proposal is confirmed.
func TestPostTimelineRoundTrips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p, err := boards.NewPost(boards.ChiefOfficer, "Chief Constable", "Police and Crime Commissioner", []string{"Police and Crime Panel"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePost(ctx, p) }); err != nil {
			t.Fatal(err)
		}
		responded, decided, ends := day("2021-02-20"), day("2021-03-01"), day("2026-03-31")
		change := func(fn func(p *boards.Post) (*boards.Event, error)) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				cur, err := tx.Post(ctx, p.ID)
				if err != nil {
					return err
				}
				read := cur.Version
				e, err := fn(&cur)
				if err != nil {
					return err
				}
				return tx.SavePost(ctx, cur, e, read)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		change(func(p *boards.Post) (*boards.Event, error) {
			e := boards.Event{Holder: "Alex Morgan", On: day("2021-04-01"), AppointingAuthority: "Police and Crime Commissioner",
				Consultations: []boards.Consultation{{Consultee: "Police and Crime Panel", AskedOn: day("2021-02-01"), RespondedOn: &responded, Response: "Supported"}},
				Decision:      "Appointed", DecidedOn: &decided, TermEnds: &ends, Notes: "Panel asked about vetting"}
			return &e, p.Appoint(&e, "oversight", now)
		})
		for _, e := range []boards.Event{
			{Kind: boards.Suspension, On: day("2025-01-10"), Reason: "Investigation"},
			{Kind: boards.ActingUp, On: day("2025-01-11"), Holder: "Sam Patel"},
			{Kind: boards.Resignation, On: day("2025-06-01"), Reason: "Resigned"},
		} {
			change(func(p *boards.Post) (*boards.Event, error) { return &e, p.Record(&e, "oversight", now) })
		}
		var proposalID string
		change(func(p *boards.Post) (*boards.Event, error) {
			end := day("2030-08-31")
			e := boards.Event{Holder: "Chris Jones", On: day("2025-09-01"), AppointingAuthority: "Police and Crime Commissioner", TermEnds: &end,
				Consultations: []boards.Consultation{{Consultee: "Police and Crime Panel", AskedOn: day("2025-07-01")}}}
			err := p.Propose(&e, "oversight", now)
			proposalID = e.ID
			return &e, err
		})
		err = db.InTx(ctx, func(tx *store.Tx) error {
			cur, err := tx.Post(ctx, p.ID)
			if err != nil {
				return err
			}
			read := cur.Version
			e, err := tx.PostEvent(ctx, p.ID, proposalID)
			if err != nil {
				return err
			}
			r, d := day("2025-07-20"), day("2025-08-01")
			e.Consultations[0].RespondedOn, e.Consultations[0].Response, e.Decision, e.DecidedOn = &r, "Endorsed", "Appointed", &d
			if err := cur.Confirm(&e, "oversight", now); err != nil {
				return err
			}
			if err := tx.SaveEvent(ctx, e); err != nil {
				return err
			}
			return tx.SavePost(ctx, cur, nil, read)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Post(ctx, p.ID)
		if err != nil || got.State != boards.Held || got.Holder != "Chris Jones" || got.ActingHolder != "" || got.TermEnds == nil ||
			!got.TermEnds.Equal(day("2030-08-31")) || len(got.RequiredConsultees) != 1 {
			t.Fatalf("post: %v %+v", err, got)
		}
		events, err := db.PostEvents(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []boards.EventKind
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		want := []boards.EventKind{boards.Appointment, boards.Suspension, boards.ActingUp, boards.Resignation, boards.Appointment}
		if len(kinds) != len(want) {
			t.Fatalf("timeline %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("timeline %v, want %v", kinds, want)
			}
		}
		first := events[0]
		if first.Notes != "Panel asked about vetting" || len(first.Consultations) != 1 || first.Consultations[0].RespondedOn == nil ||
			!first.Consultations[0].RespondedOn.Equal(responded) || first.DecidedOn == nil || first.Status != boards.Confirmed {
			t.Fatalf("appointment: %+v", first)
		}
		if events[4].Status != boards.Confirmed || events[4].Consultations[0].Response != "Endorsed" {
			t.Fatalf("confirmed proposal: %+v", events[4])
		}
		posts, err := db.Posts(ctx)
		if err != nil || len(posts) != 1 {
			t.Fatalf("posts: %v %+v", err, posts)
		}
	})
}
