package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/hearings"
	"github.com/probity/probity/internal/store"
)

// demoNotices are the outcome notices the demo publishes on cases that
// reached a misconduct hearing: one public now, one whose period is over
// (the public page no longer shows it), and one waiting for the head of
// standards to approve. draftedDaysAgo dates each as the authority wrote
// it; the head of standards approved the first two the next day.
var demoNotices = []struct {
	draftedDaysAgo int
	approve        bool
	text           string
}{
	{5, true, "The panel found that the officer's conduct amounted to gross misconduct: the officer used a colleague's login to look up a former partner on police systems and shared what was found. The officer was dismissed without notice."},
	{70, true, "The panel found that the officer's conduct amounted to misconduct: the officer failed to record a search and its grounds as required. The officer was given a written warning."},
	{1, false, "The panel found that the allegation that the officer made discriminatory remarks to a member of the public was proved and amounted to gross misconduct. The officer was given a final written warning."},
}

// seedHearingNotices drafts, submits and approves the demo's notices
// through the same rules as the pages, as the demo's appropriate
// authority ("authority") and head of standards ("psd-head").
func seedHearingNotices(ctx context.Context, db *store.DB, ds *Dataset, caseIDs []string, now time.Time) error {
	var picked []string
	for i, c := range ds.Cases {
		if len(picked) == len(demoNotices) {
			break
		}
		if reachedHearing(c) {
			picked = append(picked, caseIDs[i])
		}
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		for i, caseID := range picked {
			d := demoNotices[i]
			facts, err := tx.HearingCaseFacts(ctx, caseID)
			if err != nil {
				return err
			}
			if len(facts.Subjects) == 0 {
				continue
			}
			o, err := db.Officer(ctx, facts.Subjects[0])
			if err != nil {
				return err
			}
			drafted := now.AddDate(0, 0, -d.draftedDaysAgo)
			day := hearings.Day(drafted)
			in := hearings.DraftInput{Kind: hearings.Outcome, OfficerID: o.ID, HearingOn: day.AddDate(0, 0, -7), Text: d.text}
			in.PublishFrom, in.PublishUntil = hearings.DefaultPeriod(in.Kind, in.HearingOn, drafted)
			n, err := hearings.New(in, facts, o.GivenName+" "+o.FamilyName, string(o.Rank), "authority", drafted)
			if err != nil {
				return fmt.Errorf("hearing notice on case %s: %w", facts.Reference, err)
			}
			if err := tx.CreateHearingNotice(ctx, &n); err != nil {
				return err
			}
			read := n.Version
			if err := n.Apply(hearings.Submit, "authority", "", drafted); err != nil {
				return err
			}
			if d.approve {
				if err := n.Apply(hearings.Approve, "psd-head", "", drafted.AddDate(0, 0, 1)); err != nil {
					return err
				}
			}
			if err := tx.SaveHearingNotice(ctx, n, read); err != nil {
				return err
			}
		}
		return nil
	})
}

// reachedHearing reports whether a demo case was referred to a misconduct
// hearing on its way.
func reachedHearing(c Case) bool {
	var visited []cases.State
	for _, e := range c.Events {
		if e.Type == cases.EventStateChanged {
			visited = append(visited, cases.State(e.Detail["to"]))
		}
	}
	return hearings.ReachedHearing(visited)
}
