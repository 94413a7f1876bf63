package web

import (
	"net/http"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/boards"
	"github.com/probity/probity/internal/oversight"
)

// accountabilityPanel is the start page's view of holding the chief
// officer to account, for the oversight body, the chief officer's office
// and the head of standards: what each requirement waits for and which
// board actions are still open. It holds no case content.
type accountabilityPanel struct {
	Shown bool
	// ForceAnswers is whether the caller's office takes the force's steps:
	// the panel then speaks of "you" where it would say "the force".
	ForceAnswers   bool
	Steps          []outstandingRow
	Actions        []pendingActionRow
	NoticesInForce int
}

type outstandingRow struct {
	oversight.Outstanding
	WaitsOnName string
}

type pendingActionRow struct {
	boards.Action
	Meeting     string
	Overdue     bool
	WaitsOnName string
}

func (s *Server) accountability(r *http.Request) (accountabilityPanel, error) {
	p := caller(r)
	panel := accountabilityPanel{Shown: access.Allowed(p, access.OversightRead), ForceAnswers: access.Allowed(p, access.OversightAnswer)}
	if !panel.Shown {
		return panel, nil
	}
	ctx, now := r.Context(), s.clock()
	reqs, err := s.db.Requirements(ctx)
	if err != nil {
		return panel, err
	}
	notices, err := s.db.Notices(ctx)
	if err != nil {
		return panel, err
	}
	plans, err := s.db.Plans(ctx, "")
	if err != nil {
		return panel, err
	}
	for _, n := range notices {
		if n.State == oversight.InForce {
			panel.NoticesInForce++
		}
	}
	who := func(force bool) string {
		switch {
		case force && panel.ForceAnswers:
			return "You"
		case force:
			return "The force"
		default:
			return "The oversight body"
		}
	}
	for _, o := range oversight.OutstandingWork(reqs, plans, notices, now) {
		panel.Steps = append(panel.Steps, outstandingRow{Outstanding: o, WaitsOnName: who(o.WaitsOn == oversight.Force)})
	}
	pending, err := s.db.PendingActions(ctx)
	if err != nil {
		return panel, err
	}
	if len(pending) > 0 {
		meetings, err := s.db.Meetings(ctx)
		if err != nil {
			return panel, err
		}
		titles := map[string]string{}
		for _, m := range meetings {
			titles[m.ID] = m.Title + ", " + ukTime(m.HeldOn, "2 January 2006")
		}
		for _, a := range pending {
			panel.Actions = append(panel.Actions, pendingActionRow{Action: a, Meeting: titles[a.MeetingID], Overdue: a.Overdue(now),
				WaitsOnName: who(a.State == boards.Open)})
		}
	}
	return panel, nil
}
