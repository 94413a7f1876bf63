package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDashboardFiguresAndTheirCases: the head of standards opens the
// figures from the menu, chooses last year, sees each measure drawn with
// its table, the ratios in words and the vetting panel, is told what is
// wrong with custom dates left empty, downloads a measure's CSV, and
// follows a figure to the cases behind it. The oversight body sees the
// same figures with no way into the case list but its shared cases.
// Every page passes axe-core.
func TestDashboardFiguresAndTheirCases(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	signIn(t, ctx, srv.URL, "psd-head")
	if err := chromedp.Do(ctx, submit(`.govuk-service-navigation__list a[href="/dashboard"]`),
		chromedp.WaitVisible(`#dashboard-filters`), chromedp.WaitVisible(`#m-backlog`)); err != nil {
		t.Fatalf("opening the figures: %v", err)
	}
	axeClean(t, ctx, "dashboard")

	year := strconv.Itoa(time.Now().UTC().Year() - 1)
	if err := chromedp.Do(ctx, chromedp.SetValue(`#period`, year), submit(`#apply-filters`),
		chromedp.WaitVisible(`#m-disproportionality`)); err != nil {
		t.Fatalf("choosing %s: %v", year, err)
	}
	if h := text(t, ctx, `h1`); !strings.Contains(h, year) {
		t.Fatalf("heading %q does not name %s", h, year)
	}
	counts, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.querySelectorAll('.probity-chart svg').length,
		document.querySelectorAll('table[id^="table-"]').length, document.querySelectorAll('#ratios tbody tr').length,
		document.querySelectorAll('#vetting').length, document.querySelectorAll('a.drill-down').length]`))
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] < 8 || counts[1] != 10 || counts[2] == 0 || counts[3] != 1 || counts[4] == 0 {
		t.Errorf("charts %d, tables %d, ratios %d, vetting panels %d, links to cases %d", counts[0], counts[1], counts[2], counts[3], counts[4])
	}
	if q := text(t, ctx, `#table-backlog thead`); !strings.Contains(q, "January to March "+year) || !strings.Contains(q, "October to December "+year) {
		t.Errorf("the backlog is not shown by quarter: %q", q)
	}
	axeClean(t, ctx, "dashboard-year")

	// The CSV of the backlog, fetched as the link would download it.
	csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('#csv-backlog').getAttribute('href')).then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(csv, "measure,period,period_start") || !strings.Contains(csv, "backlog,"+year+"-Q1,") {
		t.Errorf("the backlog's CSV: %v %.200q", err, csv)
	}

	// Custom dates left empty: the error summary names both.
	if err := chromedp.Do(ctx, chromedp.SetValue(`#period`, "custom"), submit(`#apply-filters`),
		chromedp.WaitVisible(`#error-summary`)); err != nil {
		t.Fatalf("custom dates: %v", err)
	}
	if s := text(t, ctx, `#error-summary`); !strings.Contains(s, "Enter the first day") || !strings.Contains(s, "Enter the last day") {
		t.Errorf("error summary %q", s)
	}
	axeClean(t, ctx, "dashboard-errors")
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#from`, "1/1/"+year), chromedp.SendKeys(`#to`, "31/3/"+year),
		submit(`#apply-filters`), chromedp.WaitVisible(`#m-backlog`)); err != nil {
		t.Fatalf("custom dates filled in: %v", err)
	}

	// From the backlog to the cases received in the period.
	if err := chromedp.Do(ctx, submit(`#figure-backlog a.drill-down[href*="received_from"]`),
		chromedp.WaitVisible(`#figure-filters`), chromedp.WaitVisible(`#count`)); err != nil {
		t.Fatalf("following a figure to its cases: %v", err)
	}
	if f := text(t, ctx, `#figure-filters`); !strings.Contains(f, "received on or after 1 January "+year) {
		t.Errorf("the case list says %q", f)
	}
	axeClean(t, ctx, "dashboard-cases")

	// From days to logging to the complaints first logged in the period,
	// which are the ones that figure counts.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/dashboard?period="+year), chromedp.WaitVisible(`#m-backlog`),
		submit(`#figure-days-to-log a.drill-down[href*="logged_from"]`),
		chromedp.WaitVisible(`#figure-filters`), chromedp.WaitVisible(`#count`)); err != nil {
		t.Fatalf("following days to logging to its cases: %v", err)
	}
	if f := text(t, ctx, `#figure-filters`); !strings.Contains(f, "first logged on or after 1 January "+year) {
		t.Errorf("the case list says %q", f)
	}
	axeClean(t, ctx, "dashboard-logged-cases")
	signOut(t, ctx, "psd-head")

	signIn(t, ctx, srv.URL, "oversight")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/dashboard?period="+year), chromedp.WaitVisible(`#m-backlog`)); err != nil {
		t.Fatalf("oversight opening the figures: %v", err)
	}
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.querySelectorAll('main a[href^="/cases"]').length,
		document.querySelectorAll('#shared-link').length, document.querySelectorAll('#vetting').length]`))
	if err != nil || seen[0] != 0 || seen[1] != 1 || seen[2] != 0 {
		t.Errorf("oversight: links to the case list %v, to shared cases and vetting panels: %v", seen, err)
	}
	axeClean(t, ctx, "dashboard-oversight")
}
