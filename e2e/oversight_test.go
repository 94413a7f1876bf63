package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOversightHoldsTheChiefOfficerToAccount: the oversight body sets a
// requirement; the chief officer's office begins a plan, adds two
// measurable commitments and submits it; the body rejects one commitment
// with reasons, accepts the other and rejects the plan with a date to
// resubmit by; the public page then shows the plan, the assessment and
// the live figures, and names no member of staff. Every page passes
// axe-core.
func TestOversightHoldsTheChiefOfficerToAccount(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	next := strconv.Itoa(time.Now().UTC().Year() + 1)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	signIn(t, ctx, srv.URL, "oversight")
	run("opening the oversight pages",
		submit(`.govuk-service-navigation__list a[href="/oversight"]`),
		chromedp.WaitVisible(`#requirements`))
	axeClean(t, ctx, "oversight")
	run("the requirement form", submit(`#new-requirement`), chromedp.WaitVisible(`#requirement-submit`))
	// Sent empty first: each field named in the summary.
	run("an empty requirement", submit(`#requirement-submit`), chromedp.WaitVisible(`#error-summary`))
	if s := text(t, ctx, `#error-summary`); !strings.Contains(s, "Title is required") || !strings.Contains(s, "Measures") {
		t.Errorf("error summary: %q", s)
	}
	axeClean(t, ctx, "oversight-requirement-refused")
	run("setting a requirement",
		chromedp.SendKeys(`#requirement-title`, "Backlog of old misconduct cases"),
		chromedp.SendKeys(`#requirement-text`, "Clear the oldest misconduct cases and shrink the backlog."),
		chromedp.SendKeys(`#requirement-reason`, "Officers and complainants wait too long for outcomes."),
		chromedp.SendKeys(`#requirement-due-on`, next+"-06-30"),
		chromedp.Click(`#requirement-measure-open-by-age`),
		chromedp.Click(`#requirement-measure-backlog`),
		submit(`#requirement-submit`),
		chromedp.WaitVisible(`#done-banner`))
	axeClean(t, ctx, "oversight-requirement")
	reqURL := location(t, ctx)
	reqURL = strings.SplitN(reqURL, "?", 2)[0]
	signOut(t, ctx, "oversight")

	signIn(t, ctx, srv.URL, "chief-office")
	run("beginning a plan",
		chromedp.Navigate(reqURL),
		chromedp.WaitVisible(`#plan-title`),
		chromedp.SendKeys(`#plan-title`, "Backlog recovery plan"),
		submit(`#plan-start`),
		chromedp.WaitVisible(`#commitment-form`))
	add := func(what, measure, group, stat, baseline, target string) {
		t.Helper()
		// The banner from the last commitment added is still on the page
		// until the next one loads: take it away, so that waiting for a
		// banner waits for the new page.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.getElementById('done-banner')?.remove(), true)`)); err != nil {
			t.Fatalf("clearing the banner: %v", err)
		}
		run("adding "+what,
			chromedp.SendKeys(`#commitment-text`, what),
			chromedp.SetValue(`#commitment-measure`, measure),
			chromedp.SendKeys(`#commitment-group`, group),
			chromedp.SetValue(`#commitment-stat`, stat),
			chromedp.SendKeys(`#commitment-baseline`, baseline),
			chromedp.SendKeys(`#commitment-target`, target),
			chromedp.SendKeys(`#commitment-target-on`, next+"-03-31"),
			submit(`#commitment-add`),
			chromedp.WaitVisible(`#done-banner`))
	}
	add("Fewer cases open over a year", "open-by-age", "Share open over 12 months", "share", "30", "10")
	add("A smaller backlog", "backlog", "Open at the end", "count", "400", "200")
	if s := text(t, ctx, `#commitments`); !strings.Contains(s, "From 30.0% to 10.0%") || !strings.Contains(s, "Now:") {
		t.Errorf("the commitments and their live figures: %q", s)
	}
	axeClean(t, ctx, "oversight-plan-draft")
	run("submitting the plan", submit(`#submit`), chromedp.WaitVisible(`#done-banner`))
	planURL := location(t, ctx)
	planURL = strings.SplitN(planURL, "?", 2)[0]
	signOut(t, ctx, "chief-office")

	signIn(t, ctx, srv.URL, "oversight")
	// The start page tells the body the plan now waits for it.
	run("the start page", chromedp.WaitVisible(`#outstanding`))
	if s := text(t, ctx, `#outstanding`); !strings.Contains(s, "The plan waits for the oversight body's assessment") {
		t.Errorf("the body's start page: %q", s)
	}
	axeClean(t, ctx, "oversight-start-page")
	run("the assessment form", chromedp.Navigate(planURL), chromedp.WaitVisible(`#assess`), submit(`#assess`), chromedp.WaitVisible(`#assess-submit`))
	axeClean(t, ctx, "oversight-assess")
	run("assessing",
		chromedp.Click(`#c0-accepted`),
		chromedp.Click(`#c1-rejected`),
		chromedp.SendKeys(`#c1-reasons`, "Halving the backlog is not enough: aim to clear it."),
		chromedp.Click(`#assess-outcome-rejected`),
		chromedp.SendKeys(`#assess-reasons`, "One commitment falls short."),
		chromedp.SendKeys(`#assess-resubmit-by`, next+"-01-31"),
		submit(`#assess-submit`),
		chromedp.WaitVisible(`#done-banner`))
	if s := text(t, ctx, `#assessment`); !strings.Contains(s, "Rejected") {
		t.Errorf("the assessment on the plan: %q", s)
	}
	axeClean(t, ctx, "oversight-plan-assessed")
	signOut(t, ctx, "oversight")

	run("the public page", chromedp.Navigate(srv.URL+"/public/oversight"), chromedp.WaitVisible(`.public-commitments`))
	page := text(t, ctx, `main`)
	for _, want := range []string{"Backlog of old misconduct cases", "Backlog recovery plan", "Rejected", "Halving the backlog is not enough",
		"Fewer cases open over a year", "From 30.0% to 10.0%", "Timeliness and fairness plan", "Accepted with conditions"} {
		if !strings.Contains(page, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	for _, never := range []string{"chief-office", "psd-head", "Professional standards can fund"} {
		if strings.Contains(page, never) {
			t.Errorf("the public page shows %q", never)
		}
	}
	axeClean(t, ctx, "public-oversight")
}

// location is the address the browser shows.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}
