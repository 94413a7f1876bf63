package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/measures"
)

// TestPublicFiguresWithoutScript follows the footer from the sign-in page
// to the public figures with JavaScript switched off, as someone with no
// account and no script would: every measure is there with its chart, its
// table and its definition; a measure's page gives every figure and its
// files; the open data page names its licence. Then, with script back on
// for axe-core only, each page is checked for accessibility.
func TestPublicFiguresWithoutScript(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, scripts(false)); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/login"),
		submit(`footer a[href="/public"]`),
		chromedp.WaitReady(`#contents`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if h := text(t, ctx, `h1`); h != "Figures about complaints and misconduct" {
		t.Errorf("heading %q", h)
	}
	for _, id := range measures.IDs() {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#`+id+` svg[role=img]').length + document.querySelectorAll('#`+id+` table').length`))
		if err != nil {
			t.Fatal(err)
		}
		if n < 2 {
			t.Errorf("%s: %d charts and tables, want a chart and its table", id, n)
		}
	}
	page := text(t, ctx, `main`)
	for _, want := range []string{"What it counts", "[c]", "Backlog", "Jan to Mar"} {
		if !strings.Contains(page, want) {
			t.Errorf("the front page lacks %q", want)
		}
	}
	shot(t, ctx, "public.png")
	err = chromedp.Do(ctx,
		submit(`a[href="/public/measures/backlog"]`),
		chromedp.WaitReady(`#every-figure`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if every := text(t, ctx, `#every-figure`); !strings.Contains(every, "Open at the end") || !strings.Contains(every, "October to December") {
		t.Errorf("every figure of the backlog: %q", every)
	}
	if dl := text(t, ctx, `#downloads`); !strings.Contains(dl, "CSV") || !strings.Contains(dl, "JSON") {
		t.Errorf("downloads: %q", dl)
	}
	err = chromedp.Do(ctx,
		submit(`main a[href="/open-data"]`),
		chromedp.WaitReady(`#licence`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if l := text(t, ctx, `#licence`); !strings.Contains(l, "Open Government Licence v3.0") {
		t.Errorf("licence: %q", l)
	}
	// axe-core is a script: switch script on for it alone.
	if err := chromedp.Do(ctx, scripts(true)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ path, name string }{
		{"/public", "public-axe"}, {"/public/measures/disproportionality", "public-measure-axe"}, {"/open-data", "open-data-axe"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+p.path), chromedp.WaitReady(`main`)); err != nil {
			t.Fatal(err)
		}
		axeClean(t, ctx, p.name)
	}
}

// scripts switches the page's JavaScript on or off.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}
