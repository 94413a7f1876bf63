package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeClean runs axe-core on the page the browser shows, fails the test on
// a critical or serious violation, and keeps a screenshot under name.
func axeClean(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeSource+`;
		axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe: %v", name, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("%s: axe result: %v", name, err)
	}
	for _, v := range vs {
		if v.Impact != "critical" && v.Impact != "serious" {
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target...))
		}
		t.Errorf("%s: %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
	}
	shot(t, ctx, name+".png")
}

// signIn signs a demo login in through the sign-in page and waits for
// its start page.
func signIn(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, username),
		chromedp.SendKeys(`#password`, password),
		submit(`form[action="/login"] button[type=submit]`),
		chromedp.WaitVisible(`#welcome`),
	)
	if err != nil {
		t.Fatalf("%s: signing in: %v", username, err)
	}
}

// signInWith sends a username and password through the sign-in page,
// waiting for nothing after: the page it leads to depends on the account.
func signInWith(t *testing.T, ctx context.Context, base, username, pw string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, username),
		chromedp.SendKeys(`#password`, pw),
		submit(`form[action="/login"] button[type=submit]`),
	)
	if err != nil {
		t.Fatalf("%s: signing in: %v", username, err)
	}
}

// signOut signs out through the header's button.
func signOut(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	if err := chromedp.Do(ctx, submit(`#account button`), chromedp.WaitVisible(`#username`)); err != nil {
		t.Fatalf("%s: signing out: %v", who, err)
	}
}
