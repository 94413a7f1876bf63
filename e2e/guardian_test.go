package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/store"
)

// TestGuardianAnswersAnAnonymousReport: a reporter sends an anonymous
// report through the public form; the guardian finds it in the inbox,
// is refused an empty reply (error summary), answers it; the reporter
// comes back with the reference and receipt and reads the answer.
func TestGuardianAnswersAnAnonymousReport(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	const what = "The night-shift sergeant tells probationers to leave out what they saw in custody."
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/speak-up"),
		chromedp.WaitVisible(`#what`),
		chromedp.SendKeys(`#what`, what),
		chromedp.SetValue(`#category`, "other"),
		chromedp.Click(`input[name=anonymous][value=yes]`),
		submit(`form[action="/speak-up"] button[type=submit]`),
		chromedp.WaitVisible(`#receipt`),
	)
	if err != nil {
		t.Fatalf("sending the report: %v", err)
	}
	ref, receipt := strings.TrimSpace(text(t, ctx, `#reference`)), strings.TrimSpace(text(t, ctx, `#receipt`))
	if !strings.HasPrefix(ref, "SU/") || receipt == "" {
		t.Fatalf("reference %q, receipt %q", ref, receipt)
	}

	signIn(t, ctx, srv.URL, "guardian")
	err = chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/speak-up/inbox"]`),
		chromedp.WaitVisible(`#inbox`),
	)
	if err != nil {
		t.Fatalf("opening the inbox: %v", err)
	}
	if row := text(t, ctx, `#inbox`); !strings.Contains(row, ref) || !strings.Contains(row, "Anonymous") {
		t.Fatalf("the inbox does not list %s as anonymous: %q", ref, row)
	}
	axeClean(t, ctx, "guardian-inbox")
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#inbox a')]
		.filter(a => a.textContent.trim() === `+strconv.Quote(ref)+`).map(a => a.getAttribute('href'))[0] || ''`))
	if err != nil || href == "" {
		t.Fatalf("no link to %s in the inbox (%v)", ref, err)
	}
	err = chromedp.Do(ctx,
		submit(`#inbox a[href="`+href+`"]`),
		chromedp.WaitVisible(`#report-text`),
	)
	if err != nil {
		t.Fatalf("opening the report: %v", err)
	}
	if got := text(t, ctx, `#report-text`); !strings.Contains(got, what) {
		t.Errorf("the report page shows %q", got)
	}
	if who := text(t, ctx, `#reporter`); !strings.Contains(who, "Anonymous") {
		t.Errorf("the reporter is shown as %q", who)
	}
	axeClean(t, ctx, "guardian-report")
	err = chromedp.Do(ctx, submit(`#reply-submit`), chromedp.WaitVisible(`#error-summary`))
	if err != nil {
		t.Fatalf("sending an empty reply: %v", err)
	}
	if msg := text(t, ctx, `#reply-text-error`); !strings.Contains(msg, "Your reply") {
		t.Errorf("the empty reply's message is %q", msg)
	}
	axeClean(t, ctx, "guardian-report-error")
	const answer = "Thank you for telling us. A guardian is looking into the night shift; you do not need to do anything."
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#reply-text`, answer),
		submit(`#reply-submit`),
		chromedp.WaitVisible(`#done`),
	)
	if err != nil {
		t.Fatalf("replying: %v", err)
	}
	if got := text(t, ctx, `#messages`); !strings.Contains(got, answer) {
		t.Errorf("the thread after replying is %q", got)
	}
	axeClean(t, ctx, "guardian-report-replied")
	signOut(t, ctx, "guardian")

	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/speak-up/thread"),
		chromedp.WaitVisible(`#reference`),
		chromedp.SendKeys(`#reference`, ref),
		chromedp.SendKeys(`#receipt`, receipt),
		submit(`form[action="/speak-up/thread"] button[type=submit]`),
		chromedp.WaitVisible(`#messages`),
	)
	if err != nil {
		t.Fatalf("the reporter opening their thread: %v", err)
	}
	if got := text(t, ctx, `#messages`); !strings.Contains(got, answer) || !strings.Contains(got, "Guardian") {
		t.Errorf("the reporter reads %q", got)
	}
	axeClean(t, ctx, "reporter-thread-answered")
}

// TestOversightOpensOnlySharedCases: with one case shared, the oversight
// body's list shows it and it opens; a case not shared is refused on a
// plain page that names nothing of it.
func TestOversightOpensOnlySharedCases(t *testing.T) {
	srv, db := demoServerWithDB(t)
	ctx := browser(t)
	bg := context.Background()
	page, err := db.ListCases(bg, store.CaseFilter{Limit: 2})
	if err != nil || len(page.Items) < 2 {
		t.Fatalf("demo cases: %v %v", page.Items, err)
	}
	shared, unshared := page.Items[0], page.Items[1]
	if err := db.InTx(bg, func(tx *store.Tx) error {
		return tx.ShareWithOversight(bg, shared.ID, "e2e", shared.ReceivedAt)
	}); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, srv.URL, "oversight")
	err = chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/shared-cases"]`),
		chromedp.WaitVisible(`#shared-cases`),
	)
	if err != nil {
		t.Fatalf("opening the shared cases: %v", err)
	}
	list := text(t, ctx, `#shared-cases`)
	if !strings.Contains(list, shared.Reference) || strings.Contains(list, unshared.Reference) {
		t.Fatalf("the shared list is %q; want %s and not %s", list, shared.Reference, unshared.Reference)
	}
	axeClean(t, ctx, "oversight-shared-cases")
	err = chromedp.Do(ctx,
		submit(`#shared-cases a[href="/cases/`+shared.ID+`"]`),
		chromedp.WaitVisible(`main h1`),
	)
	if err != nil {
		t.Fatalf("opening the shared case: %v", err)
	}
	if body := text(t, ctx, `main`); !strings.Contains(body, shared.Reference) {
		t.Errorf("the shared case's page does not show %s", shared.Reference)
	}
	axeClean(t, ctx, "oversight-shared-case")

	err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/cases/"+unshared.ID), chromedp.WaitVisible(`main h1`))
	if err != nil {
		t.Fatalf("asking for the unshared case: %v", err)
	}
	body := text(t, ctx, `main`)
	if strings.Contains(body, unshared.Reference) || strings.Contains(strings.ToLower(body), "break glass") {
		t.Errorf("the refusal of an unshared case says %q", body)
	}
	if h := text(t, ctx, `main h1`); h != "Forbidden" && h != "Not Found" {
		t.Errorf("the refusal's heading is %q", h)
	}
	axeClean(t, ctx, "oversight-refused")
}
