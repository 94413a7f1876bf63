package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHeadOfStandardsReadsTheNationalReturn signs in as the head of
// professional standards, follows the menu to the statutory data return,
// reads the latest quarter's lines by IOPC code, fetches the CSV the page
// links to, and is told which field to put right when a quarter is not
// one the page offers.
func TestHeadOfStandardsReadsTheNationalReturn(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	signIn(t, ctx, srv.URL, "psd-head")
	err := chromedp.Do(ctx,
		submit(`a.govuk-service-navigation__link[href="/national-return"]`),
		chromedp.WaitVisible(`#return-h`),
	)
	if err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "national-return")
	page := text(t, ctx, `main`)
	for _, want := range []string{"B1", "Stops, and stop and search", "All allegations", "No national category recorded"} {
		if !strings.Contains(page, want) {
			t.Errorf("the return page lacks %q", want)
		}
	}
	csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#return-csv').href).then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv, "IOPC code,") || !strings.Contains(csv, "\nB1,yes,") {
		t.Errorf("the CSV starts %q", csv[:min(len(csv), 120)])
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/national-return?quarter=1999-01-01"),
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := text(t, ctx, `#error-summary`); !strings.Contains(msg, "Choose a quarter from the list") {
		t.Errorf("error summary %q", msg)
	}
	axeClean(t, ctx, "national-return-refused")
}
