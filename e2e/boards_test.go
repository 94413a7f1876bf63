package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAccountabilityBoardAndLeadership: the oversight body records an
// accountability board from the menu, is told what is missing from an
// action, sets it, and finds it on the meeting's page; the chief officer's
// post shows its timeline (the resignation, who acted, the appointment and
// the panel's response); the public page names the holder without the
// oversight body's notes. Every page passes axe-core.
func TestAccountabilityBoardAndLeadership(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	signIn(t, ctx, srv.URL, "oversight")
	err := chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/oversight/meetings"]`),
		chromedp.WaitVisible(`#meetings`),
	)
	if err != nil {
		t.Fatalf("opening the boards: %v", err)
	}
	axeClean(t, ctx, "boards-list")
	if got := text(t, ctx, `#meetings`); !strings.Contains(got, "Accountability board: vetting and standards") {
		t.Errorf("the demo's boards are not listed: %q", got)
	}
	err = chromedp.Do(ctx,
		submit(`#new-meeting`),
		chromedp.WaitVisible(`#meeting-form`),
	)
	if err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "boards-new")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#f-title`, "Accountability board: stop and search"),
		chromedp.SendKeys(`#f-held-on-day`, "2"),
		chromedp.SendKeys(`#f-held-on-month`, "12"),
		chromedp.SendKeys(`#f-held-on-year`, "2026"),
		chromedp.SendKeys(`#f-attendees-0--name`, "Margaret Osei"),
		chromedp.SendKeys(`#f-attendees-0--role`, "Police and Crime Commissioner"),
		submit(`#meeting-form button[type=submit]`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatalf("recording the meeting: %v", err)
	}
	axeClean(t, ctx, "boards-meeting")
	// An action without an owner or a day: refused, each field named.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#f-text`, "Publish stop and search figures by ethnicity each month."),
		submit(`#action-form button[type=submit]`),
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatalf("a faulty action: %v", err)
	}
	if got := text(t, ctx, `#error-summary`); !strings.Contains(got, "Owner is required") || !strings.Contains(got, "The day it is due") {
		t.Errorf("error summary: %q", got)
	}
	axeClean(t, ctx, "boards-action-refused")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#f-owner`, "Chief Constable"),
		chromedp.SendKeys(`#f-due-on-day`, "31"),
		chromedp.SendKeys(`#f-due-on-month`, "1"),
		chromedp.SendKeys(`#f-due-on-year`, "2027"),
		submit(`#action-form button[type=submit]`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatalf("setting the action: %v", err)
	}
	if got := text(t, ctx, `main`); !strings.Contains(got, "Chief Constable: due 31 January 2027") || !strings.Contains(got, "Publish stop and search figures") {
		t.Errorf("the action is not on the meeting's page: %q", got)
	}
	axeClean(t, ctx, "boards-action-set")

	err = chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/oversight/posts"]`),
		chromedp.WaitVisible(`#posts`),
		submit(`#posts tbody tr:first-child a`),
		chromedp.WaitVisible(`#timeline`),
	)
	if err != nil {
		t.Fatalf("opening the chief officer's post: %v", err)
	}
	axeClean(t, ctx, "boards-post")
	timeline := text(t, ctx, `#timeline`)
	for _, want := range []string{"Resignation, Richard Halloran", "Acting appointment, Daniel Whitfield", "Appointment, Daniel Whitfield",
		"Police and Crime Panel", "Notes (not published)"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q: %q", want, timeline)
		}
	}
	if err := chromedp.Do(ctx, submit(`#post-changes a`), chromedp.WaitVisible(`#change-form`)); err != nil {
		t.Fatalf("opening a change form: %v", err)
	}
	axeClean(t, ctx, "boards-post-change")
	signOut(t, ctx, "oversight")

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/public/leadership"), chromedp.WaitVisible(`main h1`)); err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "public-leadership")
	public := text(t, ctx, `main`)
	if !strings.Contains(public, "Daniel Whitfield") || !strings.Contains(public, "Police and Crime Panel") {
		t.Errorf("the public page does not show the holder and the consultation: %q", public)
	}
	if strings.Contains(public, "The panel's report is on its website.") {
		t.Error("the public page shows the oversight body's notes")
	}
}
