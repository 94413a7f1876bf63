package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSupervisorReviewsAFlag signs in as the demo supervisor, opens a flag
// from the start page, sends the review form without a note (refused,
// the choice kept), then with one, and follows the flag to the officer's
// record.
func TestSupervisorReviewsAFlag(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.SendKeys(`#username`, "supervisor"),
		chromedp.SendKeys(`#password`, password),
		submit(`button[type=submit]`),
		chromedp.WaitVisible(`#flags`),
	)
	if err != nil {
		t.Fatal(err)
	}
	// A click waits for its element to appear, so a start page without a
	// flag would otherwise hang the test until its deadline.
	links, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#flags a[href^="/eis/flags/"]').length`))
	if err != nil || links == 0 {
		t.Fatalf("the supervisor's start page links no flag (%d links, %v)", links, err)
	}
	err = chromedp.Do(ctx,
		submit(`#flags a[href^="/eis/flags/"]`),
		chromedp.WaitVisible(`#flag-summary`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if state := text(t, ctx, `#flag-state`); state != "open" {
		t.Fatalf("flag state %q, want open", state)
	}
	if reasons := text(t, ctx, `#flag-reasons`); reasons == "" {
		t.Error("the flag shows no reasons")
	}
	shot(t, ctx, "flag-supervisor.png")
	err = chromedp.Do(ctx,
		chromedp.Click(`#review-action`),
		submit(`#review-submit`),
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := text(t, ctx, `#review-note-error`); !strings.Contains(msg, "is required") {
		t.Errorf("note error %q", msg)
	}
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#review-action').checked`))
	if err != nil || !checked {
		t.Errorf("the chosen action was not kept (%v)", err)
	}
	note := "Read the complaints with the officer's sergeant; booked a conversation."
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#review-note`, note),
		submit(`#review-submit`),
		chromedp.WaitVisible(`#flag-notes`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if state := text(t, ctx, `#flag-state`); state != "reviewed" {
		t.Errorf("flag state %q after the review, want reviewed", state)
	}
	if notes := text(t, ctx, `#flag-notes`); !strings.Contains(notes, note) {
		t.Errorf("notes %q lack the review", notes)
	}
	err = chromedp.Do(ctx,
		submit(`a[href^="/officers/"]`),
		chromedp.WaitVisible(`#officer-flags`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if flags := text(t, ctx, `#officer-flags`); !strings.Contains(flags, "reviewed") {
		t.Errorf("officer page flags %q, want the reviewed flag", flags)
	}
	shot(t, ctx, "officer-supervisor.png")
}
