package store_test

import (
	"slices"
	"testing"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/hearings"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestHearingNoticesPublicOnlyWhenApprovedAndInPeriod: a draft, a notice
// waiting for approval, a withdrawn one, one whose period has not begun
// and one whose period is over are never returned by the public query;
// approved notices in their period are, the most recently published first.
func TestHearingNoticesPublicOnlyWhenApprovedAndInPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := buildWorld(t, db)
		c := w.cases[1] // Alice's, in this force
		facts := func() hearings.CaseFacts {
			t.Helper()
			var f hearings.CaseFacts
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				f, err = tx.HearingCaseFacts(ctx, c.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return f
		}
		if f := facts(); hearings.ReachedHearing(f.Visited) || !slices.Equal(f.Subjects, []string{w.alice.ID}) || f.Reference != c.Reference {
			t.Fatalf("before a hearing: %+v", f)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.AppendEvent(ctx, c.ID, &cases.Event{At: now, Actor: "test", Type: cases.EventStateChanged,
				Detail: map[string]string{"to": string(cases.HearingReferred)}})
		}); err != nil {
			t.Fatal(err)
		}
		if f := facts(); !hearings.ReachedHearing(f.Visited) {
			t.Fatalf("after referral to a hearing: %+v", f)
		}
		today := hearings.Day(now)
		at := now
		mk := func(name string, status hearings.Status, from, until int) hearings.Notice {
			t.Helper()
			n := hearings.Notice{CaseID: c.ID, Kind: hearings.Outcome, OfficerID: w.alice.ID, OfficerName: "PC A1 Alice", OfficerRank: "constable",
				HearingOn: today.AddDate(0, 0, -30), Text: name, PublishFrom: today.AddDate(0, 0, from), PublishUntil: today.AddDate(0, 0, until),
				Status: hearings.Draft, DraftedBy: "author", DraftedAt: now, Version: 1}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.CreateHearingNotice(ctx, &n); err != nil {
					return err
				}
				if status == hearings.Draft {
					return nil
				}
				read := n.Version
				n.Status, n.SubmittedAt, n.Version = hearings.Submitted, &at, n.Version+1
				if status == hearings.Approved || status == hearings.Withdrawn {
					n.Status, n.ApprovedBy, n.ApprovedAt = hearings.Approved, "head", &at
				}
				if status == hearings.Withdrawn {
					n.Status, n.WithdrawnBy, n.WithdrawnAt, n.WithdrawnReason = hearings.Withdrawn, "head", &at, "taken down on the chair's direction"
				}
				return tx.SaveHearingNotice(ctx, n, read)
			})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return n
		}
		mk("draft", hearings.Draft, 0, 27)
		mk("awaiting approval", hearings.Submitted, 0, 27)
		mk("withdrawn", hearings.Withdrawn, -1, 27)
		mk("expired", hearings.Approved, -40, -1)
		mk("not yet begun", hearings.Approved, 1, 28)
		older := mk("published last week", hearings.Approved, -7, 20)
		newer := mk("published today", hearings.Approved, 0, 0)

		got, err := db.PublicHearingNotices(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, n := range got {
			texts = append(texts, n.Text)
			if !n.Public(now) {
				t.Errorf("%q returned but not public by the domain's rule", n.Text)
			}
		}
		if want := []string{"published today", "published last week"}; !slices.Equal(texts, want) {
			t.Fatalf("public notices %q, want %q", texts, want)
		}
		// The next day the one-day notice is over: gone without anything
		// having run.
		got, err = db.PublicHearingNotices(ctx, today.AddDate(0, 0, 1))
		if err != nil || len(got) != 2 || got[0].Text != "not yet begun" || got[1].ID != older.ID {
			t.Fatalf("the next day: %+v, %v", got, err)
		}

		// What is read back is what was stored.
		back, err := db.HearingNotice(ctx, newer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.CaseReference != c.Reference || back.OfficerName != "PC A1 Alice" || back.ApprovedBy != "head" || back.ApprovedAt == nil ||
			!back.PublishFrom.Equal(today) || back.Version != 2 || back.Status != hearings.Approved {
			t.Errorf("read back %+v", back)
		}
		all, err := db.HearingNotices(ctx)
		if err != nil || len(all) != 7 {
			t.Fatalf("all notices: %d, %v", len(all), err)
		}
		if _, err := db.HearingNotice(ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaa"); !fault.Is(err, fault.NotFound) {
			t.Errorf("no such notice: %v", err)
		}

		// A stale version is refused; so is an author approving their own
		// notice, by the table itself.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			n := back
			n.Status = hearings.Withdrawn
			return tx.SaveHearingNotice(ctx, n, 1)
		})
		if !fault.Is(err, fault.Conflict) {
			t.Errorf("stale version: %v", err)
		}
		draft := mk("own approval", hearings.Submitted, 0, 27)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			n := draft
			n.Status, n.ApprovedBy, n.ApprovedAt, n.Version = hearings.Approved, "author", &at, draft.Version+1
			return tx.SaveHearingNotice(ctx, n, draft.Version)
		})
		if err == nil {
			t.Error("the table let an author approve their own notice")
		}
	})
}
