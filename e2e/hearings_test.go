package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/hearings"
	"github.com/probity/probity/internal/store"
)

// TestHearingNoticeFromDraftToPublicPage: the appropriate authority drafts
// the outcome of a misconduct hearing (refused first for want of its text,
// named in the error summary) and submits it; it may not approve it
// itself; the head of professional standards approves it; the public page
// shows it to someone not signed in, and does not show a notice whose
// publication period ended yesterday. Every page passes axe-core.
func TestHearingNoticeFromDraftToPublicPage(t *testing.T) {
	srv, db := demoServerWithDB(t)
	ctx := browser(t)
	bg := context.Background()
	now := time.Now().UTC()
	c := caseInHandlersUnit(t, db)
	// The case as the workflow would leave it after a referral to a
	// misconduct hearing; and a notice on it approved long ago, whose
	// period is over.
	expired := "An earlier hearing found the officer's notebook entries were falsified."
	err := db.InTx(bg, func(tx *store.Tx) error {
		if err := tx.AppendEvent(bg, c.ID, &cases.Event{At: now, Actor: "e2e", Type: cases.EventStateChanged,
			Detail: map[string]string{"to": string(cases.HearingReferred)}}); err != nil {
			return err
		}
		today := hearings.Day(now)
		n := hearings.Notice{CaseID: c.ID, Kind: hearings.Outcome, OfficerID: c.Allegations[0].Subjects[0].OfficerID, OfficerName: "Casepage",
			OfficerRank: "constable", HearingOn: today.AddDate(0, 0, -50), Text: expired, PublishFrom: today.AddDate(0, 0, -40),
			PublishUntil: today.AddDate(0, 0, -1), Status: hearings.Draft, DraftedBy: "authority", DraftedAt: now.AddDate(0, 0, -41), Version: 1}
		if err := tx.CreateHearingNotice(bg, &n); err != nil {
			return err
		}
		approved := now.AddDate(0, 0, -40)
		n.Status, n.SubmittedAt, n.ApprovedBy, n.ApprovedAt, n.Version = hearings.Approved, &approved, "psd-head", &approved, 2
		return tx.SaveHearingNotice(bg, n, 1)
	})
	if err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, srv.URL, "authority")
	if err := chromedp.Do(ctx, submit(`.govuk-service-navigation__list a[href="/hearing-notices"]`), chromedp.WaitVisible(`#draft-case`)); err != nil {
		t.Fatalf("opening the hearing notices: %v", err)
	}
	axeClean(t, ctx, "hearing-notices")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#draft-case`, c.Reference),
		submit(`#draft-start`),
		chromedp.WaitVisible(`#notice-form`),
	)
	if err != nil {
		t.Fatalf("starting a draft on %s: %v", c.Reference, err)
	}
	axeClean(t, ctx, "hearing-notice-new")
	// No text: refused, the field named in the summary.
	err = chromedp.Do(ctx,
		chromedp.SetValue(`#notice-hearing_on`, now.AddDate(0, 0, -2).Format("2/1/2006")),
		submit(`#notice-save`),
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatalf("a draft without text: %v", err)
	}
	if got := text(t, ctx, `#error-summary`); !strings.Contains(got, "Text of the notice is required") {
		t.Errorf("error summary: %q", got)
	}
	axeClean(t, ctx, "hearing-notice-refused")
	outcome := "The panel found that the officer's conduct amounted to gross misconduct and dismissed the officer without notice."
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#notice-text`, outcome),
		submit(`#notice-save`),
		chromedp.WaitVisible(`#notice-done`),
		submit(`#notice-submit`),
		chromedp.WaitVisible(`#notice-own`),
	)
	if err != nil {
		t.Fatalf("drafting and submitting: %v", err)
	}
	axeClean(t, ctx, "hearing-notice-submitted")
	page, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	page = page[:strings.Index(page, "?")]
	signOut(t, ctx, "authority")

	// Not yet approved: not public.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/public/hearings"), chromedp.WaitVisible(`h1`)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text(t, ctx, `main`), "dismissed the officer without notice") {
		t.Fatal("a notice waiting for approval is public")
	}

	signIn(t, ctx, srv.URL, "psd-head")
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(`#notice-approve`), submit(`#notice-approve`),
		chromedp.WaitVisible(`#notice-done`)); err != nil {
		t.Fatalf("approving: %v", err)
	}
	if got := text(t, ctx, `#notice-standing`); !strings.Contains(got, "Published") {
		t.Errorf("standing after approval: %q", got)
	}
	axeClean(t, ctx, "hearing-notice-approved")
	signOut(t, ctx, "psd-head")

	// The public follow the footer's link, signed out.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/complain"), submit(`footer a[href="/public/hearings"]`),
		chromedp.WaitVisible(`#public-notices`)); err != nil {
		t.Fatalf("the public page: %v", err)
	}
	got := text(t, ctx, `main`)
	if !strings.Contains(got, outcome) || !strings.Contains(got, "Constable Casepage") {
		t.Errorf("the public page does not show the approved notice:\n%s", got)
	}
	if strings.Contains(got, expired) {
		t.Error("the public page shows a notice whose period ended yesterday")
	}
	axeClean(t, ctx, "public-hearings")
}
