package cases

import "time"

// RecordedEvent is the entry that opens a case's timeline when Probity
// records the case: the state it was entered in and the rule set it
// follows, at at, by actor. The deadline and timeliness code start the
// case's first spell from it, so every place that records a case or works
// out a recorded case's deadlines makes it here, alike.
func RecordedEvent(c Case, at time.Time, actor string) Event {
	return Event{At: at, Actor: actor, Type: timelineRecorded,
		Detail: map[string]string{"state": string(c.State), "rule_set": c.RuleSet}}
}

// SetNextDue keeps on the case the deadline lists show and filter by
// (NextDueAt, in UTC, and NextDueClock): NextDue of its Deadlines at now
// from history. Both are cleared when nothing is due, and on an error,
// which is only a missing calendar.
func (c *Case) SetNextDue(history []Event, cal *Calendar, now time.Time) error {
	c.NextDueAt, c.NextDueClock = nil, ""
	ds, err := Deadlines(*c, history, cal, now)
	if err != nil {
		return err
	}
	if next, ok := NextDue(ds); ok {
		due := next.Due.UTC()
		c.NextDueAt, c.NextDueClock = &due, string(next.Clock)
	}
	return nil
}
