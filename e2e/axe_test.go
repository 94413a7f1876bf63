package e2e

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
)

//go:embed testdata/axe/axe.min.js
var axeSource string

// axeViolation is the part of an axe-core result the test reports.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// TestAccessibilityOfEveryPageReached signs in as each demo login, visits
// the start page, every page its navigation offers and the first case,
// officer and flag it links to, and runs axe-core on each: no critical or
// serious violation may remain. The public pages are checked signed out.
func TestAccessibilityOfEveryPageReached(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	checked := map[string]bool{}
	check := func(who, path string) {
		t.Helper()
		u, _ := url.Parse(path)
		key := who + " " + u.Path
		if checked[key] {
			return
		}
		checked[key] = true
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(`body`)); err != nil {
			t.Fatalf("%s: opening %s: %v", who, path, err)
		}
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeSource+`;
			axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: running axe on %s: %v", who, path, err)
		}
		var vs []axeViolation
		if err := json.Unmarshal([]byte(out), &vs); err != nil {
			t.Fatalf("%s: axe result on %s: %v", who, path, err)
		}
		for _, v := range vs {
			if v.Impact != "critical" && v.Impact != "serious" {
				continue
			}
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target...))
			}
			t.Errorf("%s %s: %s (%s): %s at %s", who, path, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
		}
		shot(t, ctx, strings.NewReplacer("/", "_", " ", "-").Replace(key)+".png")
	}
	for _, p := range []string{"/login", "/complain", "/complaint-status", "/speak-up", "/speak-up/thread",
		"/public/hearings"} {
		check("stranger", p)
	}
	for _, a := range demo.Accounts() {
		who := a.Username
		err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/login"),
			chromedp.WaitVisible(`#username`),
			chromedp.SendKeys(`#username`, a.Username),
			chromedp.SendKeys(`#password`, password),
			submit(`form[action="/login"] button[type=submit]`),
			chromedp.WaitVisible(`#welcome`),
		)
		if err != nil {
			t.Fatalf("%s: signing in: %v", who, err)
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const out = [];
			const add = sel => { const a = document.querySelector(sel); if (a) out.push(a.getAttribute('href')); };
			document.querySelectorAll('.govuk-service-navigation__list a').forEach(a => out.push(a.getAttribute('href')));
			add('main table a[href^="/cases/"]');
			add('main a[href^="/eis/flags/"]');
			add('main a[href^="/vetting/reviews/"]');
			return out;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		check(who, "/")
		for _, l := range links {
			check(who, l)
		}
		// The officer page is reached from a case or a flag.
		officer, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main a[href^="/officers/"]') || {getAttribute: () => ''}).getAttribute('href')`))
		if err != nil {
			t.Fatal(err)
		}
		if officer != "" {
			check(who, officer)
		}
		if err := chromedp.Do(ctx, submit(`#account button`), chromedp.WaitVisible(`#username`)); err != nil {
			t.Fatalf("%s: signing out: %v", who, err)
		}
	}
	if len(checked) < 15 {
		t.Errorf("only %d pages checked", len(checked))
	}
}
