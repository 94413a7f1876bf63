package web

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/probity/probity/internal/cases"
)

// deriveFacts works out what Apply reads beyond the case record
// (cases.DerivedFacts) from Probity's own data, never from the caller:
// the windows its timeline holds open, which of its officers have a final
// written warning in force on their records, and which are senior
// officers.
func (s *Server) deriveFacts(ctx context.Context, c *cases.Case, history []cases.Event, now time.Time) error {
	windows, err := cases.OpenWindows(*c, history, s.calendar, now)
	if err != nil {
		return fmt.Errorf("working out the open windows of case %s: %w", c.Reference, err)
	}
	var ids []string
	for _, al := range c.Allegations {
		for _, sub := range al.Subjects {
			if !slices.Contains(ids, sub.OfficerID) {
				ids = append(ids, sub.OfficerID)
			}
		}
	}
	warned, err := s.db.FinalWarningsInForce(ctx, ids, c.ID, now)
	if err != nil {
		return err
	}
	officers, err := s.db.OfficersByID(ctx, ids)
	if err != nil {
		return err
	}
	var senior []string
	for _, id := range ids {
		if o, ok := officers[id]; ok && o.Rank.Senior() {
			senior = append(senior, id)
		}
	}
	c.Derived = cases.DerivedFacts{OpenWindows: windows, FinalWarningInForce: warned, SeniorOfficers: senior}
	return nil
}
