package oversight

import (
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/fault"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func dayp(s string) *time.Time { t := day(s); return &t }

func chief(t *testing.T) Post {
	t.Helper()
	p, err := NewPost(ChiefOfficer, "Chief Constable", "Police and Crime Commissioner", []string{"Police and Crime Panel"}, now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func appointment(holder string) Event {
	return Event{Holder: holder, On: day("2022-04-01"), AppointingAuthority: "Police and Crime Commissioner",
		Consultations: []Consultation{{Consultee: "Police and Crime Panel", AskedOn: day("2022-02-01"), RespondedOn: dayp("2022-02-20"), Response: "Supported"}},
		Decision:      "Appointed after open competition", DecidedOn: dayp("2022-03-01"), TermEnds: dayp("2027-03-31")}
}

func TestAppointmentNeedsTheConsultationThePostRequires(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*Event)
		field  string
		reason string
	}{
		{"consulted and answered", func(*Event) {}, "", ""},
		{"the consultee named in other case", func(e *Event) { e.Consultations[0].Consultee = "police and crime panel" }, "", ""},
		{"not consulted", func(e *Event) { e.Consultations = nil }, "consultations",
			"require consultation of Police and Crime Panel before an appointment, and none is recorded"},
		{"no response yet", func(e *Event) { e.Consultations[0].RespondedOn, e.Consultations[0].Response = nil, "" }, "consultations",
			"require the response of Police and Crime Panel"},
		{"response after the decision", func(e *Event) { e.Consultations[0].RespondedOn = dayp("2022-03-02") }, "consultations", "responded after the decision"},
		{"no decision", func(e *Event) { e.Decision, e.DecidedOn = "", nil }, "decided_on", "is required"},
		{"term ends before it starts", func(e *Event) { e.TermEnds = dayp("2021-01-01") }, "term_ends", "must be after"},
		{"answered before asked", func(e *Event) { e.Consultations[0].AskedOn = day("2022-02-25") }, "consultations[0].responded_on", "must not be before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := chief(t)
			e := appointment("Alex Morgan")
			tc.edit(&e)
			err := p.Appoint(&e, "oversight", now)
			if tc.field == "" {
				if err != nil || p.State != Held || p.Holder != "Alex Morgan" || e.Status != Confirmed {
					t.Fatalf("appoint: %v; post %+v", err, p)
				}
				return
			}
			if got := fieldsOf(err)[tc.field]; !strings.Contains(got, tc.reason) {
				t.Fatalf("%s: %q, want %q (%v)", tc.field, got, tc.reason, err)
			}
			if p.State != Vacant {
				t.Errorf("a refused appointment changed the post: %s", p.State)
			}
		})
	}
}

func TestPostTimelineStateMachine(t *testing.T) {
	p := chief(t)
	first := appointment("Alex Morgan")
	if err := p.Appoint(&first, "oversight", now); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		event Event
		state PostState
		kind  fault.Kind
		says  string
	}{
		{"extension needs a later end", Event{Kind: Extension, On: day("2026-01-10"), TermEnds: dayp("2026-01-01")}, Held, fault.Invalid, "term_ends"},
		{"extension", Event{Kind: Extension, On: day("2026-01-10"), TermEnds: dayp("2028-03-31")}, Held, "", ""},
		{"no going back in time", Event{Kind: Suspension, On: day("2025-01-01"), Reason: "Under investigation"}, Held, fault.Invalid, "latest entry"},
		{"a suspension says why", Event{Kind: Suspension, On: day("2026-02-01")}, Held, fault.Invalid, "reason"},
		{"cannot reinstate a holder not suspended", Event{Kind: Reinstatement, On: day("2026-02-01")}, Held, fault.Conflict,
			"cannot record a reinstatement while the post is held; allowed now: extension, suspension, resignation, retirement"},
		{"suspension", Event{Kind: Suspension, On: day("2026-02-01"), Reason: "Gross misconduct investigation"}, Suspended, "", ""},
		{"acting while suspended", Event{Kind: ActingUp, On: day("2026-02-02"), Holder: "Sam Patel"}, Suspended, "", ""},
		{"cannot appoint over a suspended holder", Event{Kind: Appointment}, Suspended, fault.Invalid, "kind"},
		{"resignation", Event{Kind: Resignation, On: day("2026-05-01"), Reason: "Resigned before the hearing"}, Acting, "", ""},
		{"cannot resign an empty post", Event{Kind: Resignation, On: day("2026-05-02"), Reason: "x"}, Acting, fault.Conflict, "allowed now: appointment, acting appointment"},
	}
	for _, st := range steps {
		e := st.event
		err := p.Record(&e, "oversight", now)
		if st.kind == "" && err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if st.kind != "" && (fault.KindOf(err) != st.kind || !strings.Contains(err.Error(), st.says)) {
			t.Fatalf("%s: %v (%s), want %s saying %q", st.name, err, fault.KindOf(err), st.kind, st.says)
		}
		if p.State != st.state {
			t.Fatalf("%s: state %s, want %s", st.name, p.State, st.state)
		}
	}
	if p.Holder != "" || p.ActingHolder != "Sam Patel" {
		t.Fatalf("after resignation: %+v", p)
	}
	// A successor proposed, consulted, then confirmed.
	next := appointment("Chris Jones")
	next.On, next.DecidedOn, next.TermEnds = day("2026-09-01"), nil, dayp("2031-08-31")
	next.Consultations = []Consultation{{Consultee: "Police and Crime Panel", AskedOn: day("2026-06-01")}}
	next.Decision = ""
	if err := p.Propose(&next, "oversight", now); err != nil || p.State != Acting || next.Status != Proposed {
		t.Fatalf("propose: %v, %+v", err, p)
	}
	if err := p.Confirm(&next, "oversight", now); fieldsOf(err)["consultations"] == "" {
		t.Fatalf("confirmed without the panel's response: %v", err)
	}
	next.Consultations[0].RespondedOn, next.Consultations[0].Response = dayp("2026-07-01"), "Endorsed"
	next.Decision, next.DecidedOn = "Appointed", dayp("2026-07-10")
	if err := p.Confirm(&next, "oversight", now); err != nil || p.State != Held || p.Holder != "Chris Jones" || p.ActingHolder != "" {
		t.Fatalf("confirm: %v, %+v", err, p)
	}
	if err := p.Confirm(&next, "oversight", now); fault.KindOf(err) != fault.Conflict {
		t.Errorf("confirmed twice: %v", err)
	}
}

func TestPublicLeavesOutProposalsAndNotes(t *testing.T) {
	events := []Event{
		{Kind: Appointment, Status: Confirmed, Holder: "A", Notes: "internal"},
		{Kind: Appointment, Status: Proposed, Holder: "B"},
		{Kind: Appointment, Status: Withdrawn, Holder: "C"},
		{Kind: Resignation, Holder: "A", Notes: "internal", Reason: "Personal reasons"},
	}
	got := Public(events)
	if len(got) != 2 || got[0].Holder != "A" || got[1].Kind != Resignation {
		t.Fatalf("public: %+v", got)
	}
	for _, e := range got {
		if e.Notes != "" || e.RecordedBy != "" {
			t.Errorf("public shows internal notes: %+v", e)
		}
	}
}
