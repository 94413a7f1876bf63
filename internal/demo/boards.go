package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/oversight"
	"github.com/probity/probity/internal/store"
)

// The oversight body's accountability boards and the force's leadership
// posts, made through the same rules the pages use: two boards with their
// agenda, minutes and actions (one answered and closed, one answered and
// waiting, one open), and the chief officer's post whose holder resigned
// while suspended, with someone acting until a successor was appointed
// after the police and crime panel was consulted. Every name is made up.

const demoAuthority = "Police and Crime Commissioner"

// demoConsultee is the body whose response the rules require before a
// chief officer or deputy is appointed.
const demoConsultee = "Police and Crime Panel"

func seedBoards(ctx context.Context, db *store.DB, now time.Time) error {
	day := func(monthsAgo, d int) time.Time {
		t := now.AddDate(0, -monthsAgo, 0)
		return time.Date(t.Year(), t.Month(), d, 0, 0, 0, 0, time.UTC)
	}
	if err := seedMeetings(ctx, db, now, day); err != nil {
		return fmt.Errorf("accountability boards: %w", err)
	}
	if err := seedPosts(ctx, db, now, day); err != nil {
		return fmt.Errorf("leadership posts: %w", err)
	}
	return nil
}

type demoAction struct {
	text, owner string
	dueMonths   int
	answer      string
	close       string // the oversight body's note on closing; "" leaves it answered
}

func seedMeetings(ctx context.Context, db *store.DB, now time.Time, day func(int, int) time.Time) error {
	attendees := []oversight.Attendee{{Name: "Margaret Osei", Role: "Police and Crime Commissioner"}, {Name: "Daniel Whitfield", Role: "Chief Constable"},
		{Name: "Priya Raman", Role: "Head of professional standards"}, {Name: "Tom Ellery", Role: "Chief executive, Office of the Police and Crime Commissioner"}}
	boards := []struct {
		title   string
		held    time.Time
		items   []oversight.AgendaItem
		minutes string
		actions []demoAction
	}{
		{"Accountability board: complaints and misconduct", day(4, 14), []oversight.AgendaItem{
			{Title: "How long complaints take to finalise", MeasureID: "days-to-finalise"},
			{Title: "Cases open for more than twelve months", MeasureID: "open-by-age"},
			{Title: "Disproportionality in who enters the misconduct system", MeasureID: "disproportionality"},
		}, "The Commissioner asked why complaints handled by investigation take twice as long as last year. The Chief Constable said two investigators had left the department and were not replaced; he accepted the delay was not acceptable. The board asked for a plan to bring the oldest cases to a close.",
			[]demoAction{
				{"Set out how the oldest open cases will be finalised, with a date for each.", "Chief Constable", 3,
					"Every case open for more than twelve months now has a named investigator and a target date; two investigators started last month.", "The board accepts the plan and will follow the figures at the next meeting."},
				{"Explain the rise in conduct matters reaching a hearing among Black officers.", "Head of professional standards", 2,
					"An independent review of referral decisions has been commissioned and will report in the spring.", ""},
			}},
		{"Accountability board: vetting and standards", day(1, 9), []oversight.AgendaItem{
			{Title: "Officers named in two or more cases", MeasureID: "repeat-subjects"},
			{Title: "Early-intervention flags and how they were reviewed", MeasureID: "eis-flags"},
			{Title: "Speak-up reports and how quickly they were answered", MeasureID: "speakup"},
		}, "The board discussed the officers named repeatedly and asked how many had been re-vetted. The head of professional standards described the new trigger for vetting reviews. The Commissioner asked for the figures by unit.",
			[]demoAction{
				{"Report how many officers named in two or more cases had their vetting reviewed, by unit.", "Chief Constable", 1, "", ""},
			}},
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		for _, b := range boards {
			m, err := oversight.NewMeeting(b.title, b.held, attendees, "oversight", b.held.AddDate(0, 0, -21))
			if err != nil {
				return err
			}
			if err := tx.CreateMeeting(ctx, m); err != nil {
				return err
			}
			for _, it := range b.items {
				read := m.Version
				added, err := m.AddItem(it)
				if err != nil {
					return err
				}
				if err := tx.AddAgendaItem(ctx, m, added, read); err != nil {
					return err
				}
			}
			read := m.Version
			if err := m.RecordMinutes(b.minutes, "oversight", b.held.AddDate(0, 0, 2)); err != nil {
				return err
			}
			if err := tx.SaveMinutes(ctx, m, read); err != nil {
				return err
			}
			for _, d := range b.actions {
				a, err := m.NewAction(d.text, d.owner, b.held.AddDate(0, d.dueMonths, 0), "oversight", b.held.AddDate(0, 0, 2))
				if err != nil {
					return err
				}
				if err := tx.AddAction(ctx, m, a, m.Version); err != nil {
					return err
				}
				m.Version++
				if d.answer != "" {
					read := a.Version
					if err := a.Apply(oversight.Answer, d.answer, []oversight.Party{oversight.ChiefOffice}, "chief-office", a.DueOn.AddDate(0, 0, -5)); err != nil {
						return err
					}
					if err := tx.SaveAction(ctx, a, read); err != nil {
						return err
					}
				}
				if d.close != "" {
					read := a.Version
					if err := a.Apply(oversight.Close, d.close, []oversight.Party{oversight.Body}, "oversight", a.DueOn.AddDate(0, 0, 3)); err != nil {
						return err
					}
					if err := tx.SaveAction(ctx, a, read); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

func seedPosts(ctx context.Context, db *store.DB, now time.Time, day func(int, int) time.Time) error {
	ptr := func(t time.Time) *time.Time { return &t }
	consulted := func(who string, asked, responded time.Time, response string) []oversight.Consultation {
		return []oversight.Consultation{{Consultee: who, AskedOn: asked, RespondedOn: &responded, Response: response}}
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		posts := []struct {
			kind       oversight.PostKind
			title      string
			consultees []string
			steps      []func(p *oversight.Post) (*oversight.Event, error)
		}{
			{oversight.ChiefOfficer, "Chief Constable", []string{demoConsultee}, []func(p *oversight.Post) (*oversight.Event, error){
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Holder: "Richard Halloran", On: day(52, 1), TermEnds: ptr(day(52, 1).AddDate(5, 0, 0)), AppointingAuthority: demoAuthority,
						Consultations: consulted(demoConsultee, day(54, 2), day(53, 6), "The panel held a confirmation hearing and supported the appointment."),
						Decision:      "Appointed after an open competition and the panel's confirmation hearing.", DecidedOn: ptr(day(53, 10))}
					return &e, p.Appoint(&e, "oversight", day(53, 10))
				},
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Kind: oversight.Suspension, On: day(14, 3), Reason: "Suspended while the IOPC investigates an allegation of gross misconduct.",
						Notes: "The Commissioner consulted the panel before suspending."}
					return &e, p.Record(&e, "oversight", day(14, 3))
				},
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Kind: oversight.ActingUp, On: day(14, 4), Holder: "Daniel Whitfield", Reason: "The deputy chief constable acts while the Chief Constable is suspended."}
					return &e, p.Record(&e, "oversight", day(14, 4))
				},
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Kind: oversight.Resignation, On: day(11, 20), Reason: "Resigned before the misconduct hearing; the hearing went ahead in his absence."}
					return &e, p.Record(&e, "oversight", day(11, 20))
				},
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Holder: "Daniel Whitfield", On: day(5, 1), TermEnds: ptr(day(5, 1).AddDate(5, 0, 0)), AppointingAuthority: demoAuthority,
						Consultations: consulted(demoConsultee, day(7, 4), day(6, 18), "The panel held a confirmation hearing and endorsed the appointment, asking for a report on complaints handling within a year."),
						Decision:      "Appointed after an open competition with three candidates and the panel's confirmation hearing.", DecidedOn: ptr(day(6, 25)),
						Notes: "The panel's report is on its website."}
					return &e, p.Appoint(&e, "oversight", day(6, 25))
				},
			}},
			{oversight.Deputy, "Deputy Chief Constable", []string{demoAuthority}, []func(p *oversight.Post) (*oversight.Event, error){
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Kind: oversight.ActingUp, On: day(5, 1), Holder: "Helen Achebe", Reason: "Acts while the post is filled."}
					return &e, p.Record(&e, "oversight", day(5, 1))
				},
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Holder: "Helen Achebe", On: day(2, 1), TermEnds: ptr(day(2, 1).AddDate(4, 0, 0)), AppointingAuthority: "Chief Constable",
						Consultations: consulted(demoAuthority, day(3, 6), day(3, 20), "The Commissioner agreed the appointment."),
						Decision:      "Appointed by the Chief Constable after an open competition.", DecidedOn: ptr(day(3, 24))}
					return &e, p.Appoint(&e, "oversight", day(3, 24))
				},
			}},
			{oversight.HeadOfStandards, "Head of Professional Standards", nil, []func(p *oversight.Post) (*oversight.Event, error){
				func(p *oversight.Post) (*oversight.Event, error) {
					e := oversight.Event{Holder: "Priya Raman", On: day(30, 1), TermEnds: ptr(day(30, 1).AddDate(5, 0, 0)), AppointingAuthority: "Chief Constable",
						Decision: "Appointed by the Chief Constable.", DecidedOn: ptr(day(31, 12))}
					return &e, p.Appoint(&e, "oversight", day(31, 12))
				},
			}},
		}
		for _, d := range posts {
			authority := demoAuthority
			if d.kind != oversight.ChiefOfficer {
				authority = "Chief Constable"
			}
			p, err := oversight.NewPost(d.kind, d.title, authority, d.consultees, day(60, 1))
			if err != nil {
				return err
			}
			if err := tx.CreatePost(ctx, p); err != nil {
				return err
			}
			for _, step := range d.steps {
				read := p.Version
				e, err := step(&p)
				if err != nil {
					return fmt.Errorf("%s: %w", d.title, err)
				}
				if err := tx.SavePost(ctx, p, e, read); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
