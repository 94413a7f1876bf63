package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/speakup"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

// What the demo gives the roles that do not work cases, so that each has
// something to do on its first sign-in: the vetting unit a clearance for
// every officer and a queue of recent reviews, the oversight body a few
// cases shared with it.

// settledReviewDays is how old a vetting review must be for the demo to
// have decided it: older reviews stand for work the vetting unit did
// before the demo's day, newer ones are its queue.
const settledReviewDays = 45

// seedRoles runs once the cases are in.
func seedRoles(ctx context.Context, db *store.DB, ds *Dataset, ids map[string]string, caseIDs []string, now time.Time) error {
	if err := seedClearances(ctx, db, ds, ids, now); err != nil {
		return fmt.Errorf("seeding vetting: %w", err)
	}
	if err := settleOldReviews(ctx, db, now); err != nil {
		return fmt.Errorf("settling old vetting reviews: %w", err)
	}
	if err := shareWithOversight(ctx, db, ds, caseIDs, now); err != nil {
		return fmt.Errorf("sharing cases with the oversight body: %w", err)
	}
	if err := seedSpeakUp(ctx, db, now); err != nil {
		return fmt.Errorf("seeding speak-up reports: %w", err)
	}
	if err := seedBoards(ctx, db, now); err != nil {
		return fmt.Errorf("seeding the oversight body's boards and posts: %w", err)
	}
	if err := seedHearingNotices(ctx, db, ds, caseIDs, now); err != nil {
		return fmt.Errorf("seeding hearing notices: %w", err)
	}
	return nil
}

// demoSpeakUps are the reports waiting for the guardian: made up, like
// every name in the demo.
var demoSpeakUps = []struct {
	daysAgo  int
	category string
	what     string
	identity speakup.Identity
}{
	{9, "sexual_misconduct", "A sergeant on my team keeps messaging a probationer late at night and has told her it will help her get a permanent post. She is frightened to say anything.", speakup.Identity{}},
	{5, "discrimination", "In our team chat, officers share 'jokes' about Black and Muslim colleagues. When one colleague objected, she was left off the overtime rota.", speakup.Identity{}},
	{2, "corruption", "An officer in the property store has been taking items booked in as evidence. I have seen him leave with bags twice this month.", speakup.Identity{Name: "Alex Morgan", Email: "alex.morgan@example.org", Role: "Property officer"}},
}

// seedSpeakUp files the demo's speak-up reports. Nobody holds their
// receipts: they are for the guardian to read and answer.
func seedSpeakUp(ctx context.Context, db *store.DB, now time.Time) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		for i, d := range demoSpeakUps {
			rep := speakup.Report{Category: d.category, Anonymous: d.identity.Empty(), What: d.what}
			receipt := sha256.Sum256([]byte(fmt.Sprintf("demo speak-up %d %d", i, now.UnixNano())))
			if err := tx.CreateSpeakUpReport(ctx, &rep, d.identity, hex.EncodeToString(receipt[:]), nil, now.AddDate(0, 0, -d.daysAgo)); err != nil {
				return err
			}
		}
		return nil
	})
}

// seedClearances grants every officer recruitment vetting on joining,
// renewed every ten years, and every tenth officer management vetting.
func seedClearances(ctx context.Context, db *store.DB, ds *Dataset, ids map[string]string, now time.Time) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		for i, o := range ds.Officers {
			granted := o.JoinedOn
			for granted.AddDate(10, 0, 0).Before(now) {
				granted = granted.AddDate(10, 0, 0)
			}
			levels := []vetting.Level{vetting.Recruitment}
			if i%10 == 0 {
				levels = append(levels, vetting.Management)
			}
			for _, level := range levels {
				due := granted.AddDate(10, 0, 0)
				if level == vetting.Management {
					due = granted.AddDate(7, 0, 0)
				}
				c := vetting.Clearance{OfficerID: ids[o.ID], Level: level, Status: vetting.Granted, GrantedOn: granted, ReviewDue: &due,
					Reasons: "Checks complete with nothing of concern.", DecidedBy: "vetting", DecidedAt: granted}
				if err := tx.RecordClearance(ctx, &c); err != nil {
					return fmt.Errorf("officer %s: %w", o.CollarNumber, err)
				}
			}
		}
		return nil
	})
}

// settleOldReviews decides the reviews that recording the demo's older
// cases opened, as the vetting unit would have at the time.
func settleOldReviews(ctx context.Context, db *store.DB, now time.Time) error {
	open, err := db.VettingQueue(ctx)
	if err != nil {
		return err
	}
	cutoff := now.AddDate(0, 0, -settledReviewDays)
	return db.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range open {
			if !r.OpenedAt.Before(cutoff) {
				continue
			}
			read := r.Version
			decided := r.OpenedAt.AddDate(0, 0, 14)
			if err := r.Decide(vetting.Maintain, "Reviewed when the allegation was recorded: nothing in it changes the officer's vetting.", "", "vetting", decided); err != nil {
				return err
			}
			if err := tx.DecideVettingReview(ctx, r, read, decided); err != nil {
				return err
			}
		}
		return nil
	})
}

// shareWithOversight shares a dozen conduct matters with the oversight
// body: first those that reached a misconduct hearing, the cases it most
// often asks to see, then those that reached a meeting, then others.
func shareWithOversight(ctx context.Context, db *store.DB, ds *Dataset, caseIDs []string, now time.Time) error {
	var picked []string
	for _, want := range []cases.Forum{cases.ForumHearing, cases.ForumMeeting, ""} {
		for i, c := range ds.Cases {
			if len(picked) == 12 {
				break
			}
			if c.Kind == cases.Complaint || forumOf(c) != want {
				continue
			}
			picked = append(picked, caseIDs[i])
		}
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range picked {
			if err := tx.ShareWithOversight(ctx, id, Actor, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// forumOf is the proceedings a case was referred to, "" for none.
func forumOf(c Case) cases.Forum {
	for _, e := range c.Events {
		if f := e.Detail[string(cases.FieldForum)]; e.Type == cases.EventStateChanged && f != "" {
			return cases.Forum(f)
		}
	}
	return ""
}
