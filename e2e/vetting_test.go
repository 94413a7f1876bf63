package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/vetting"
)

// TestSexualMisconductReopensVetting: the handler records a conduct
// matter of sexual harassment against an officer who holds management
// vetting; in the same request a review reaches the vetting unit, which
// opens it from its queue, decides it with reasons, and the head of
// professional standards sees the officer's vetting suspended on the
// officer's page. Every page passes axe-core.
func TestSexualMisconductReopensVetting(t *testing.T) {
	srv, db := demoServerWithDB(t)
	ctx := browser(t)
	bg := context.Background()
	officers, err := db.Officers(bg, "", "", 1)
	if err != nil || len(officers.Items) == 0 {
		t.Fatal("no officer in the demo", err)
	}
	officer := officers.Items[0]
	due := time.Now().UTC().AddDate(3, 0, 0)
	cl := vetting.Clearance{OfficerID: officer.ID, Level: vetting.Management, Status: vetting.Granted,
		GrantedOn: time.Now().UTC().AddDate(-2, 0, 0), ReviewDue: &due, Reasons: "Checks clear", DecidedBy: "vetting", DecidedAt: time.Now().UTC()}
	if err := db.InTx(bg, func(tx *store.Tx) error { return tx.RecordClearance(bg, &cl) }); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, srv.URL, "handler")
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/cases/new"),
		chromedp.WaitVisible(`#find`),
		chromedp.SendKeys(`#find`, officer.CollarNumber),
		submit(`#find-button`),
		chromedp.WaitVisible(`#found-officers a`),
		submit(`#found-officers a`),
		chromedp.WaitVisible(`#picked-officers`),
		chromedp.Click(`#kind-conduct`),
	)
	if err != nil {
		t.Fatalf("finding officer %s: %v", officer.CollarNumber, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const u = document.querySelector('#unit_id'); u.value = u.options[1].value;
			document.querySelector('#allegations-0-category').value = 'sexual-conduct/sexual-harassment';
			const st = document.querySelector('#allegations-0-standard-8'); if (!st.checked) st.click();
			const s = document.querySelector('#allegations-0-subject-0'); if (!s.checked) s.click(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#summary`, "Colleague reports repeated sexual comments on night shifts."),
		chromedp.SetValue(`#arose_on`, time.Now().AddDate(0, 0, -5).Format("2/1/2006")),
		submit(`#record-button`),
		chromedp.WaitVisible(`#recorded-banner`),
	)
	if err != nil {
		t.Fatalf("recording the conduct matter: %v", err)
	}
	signOut(t, ctx, "handler")

	signIn(t, ctx, srv.URL, "vetting")
	if err := chromedp.Do(ctx, submit(`.govuk-service-navigation__list a[href="/vetting"]`), chromedp.WaitVisible(`#vetting-reviews`)); err != nil {
		t.Fatalf("opening the vetting queue: %v", err)
	}
	axeClean(t, ctx, "vetting-queue")
	// The review of this officer opened by the category.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		for (const row of document.querySelectorAll('#vetting-reviews tbody tr')) {
			if (row.innerText.includes('`+officer.FamilyName+`') && row.innerText.includes('Sexual conduct')) return row.querySelector('a[href^="/vetting/reviews/"]').getAttribute('href');
		}
		return ''; })()`))
	if err != nil || href == "" {
		t.Fatalf("no review of %s by category in the queue: %v", officer.FamilyName, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+href), chromedp.WaitVisible(`#decision-submit`)); err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "vetting-review")
	if strings.Contains(text(t, ctx, `main`), "night shifts") {
		t.Error("the vetting unit is shown the case's content")
	}
	// No reasons: refused, named.
	if err := chromedp.Do(ctx, chromedp.Click(`#decision-decision-suspend`), submit(`#decision-submit`), chromedp.WaitVisible(`#error-summary`)); err != nil {
		t.Fatalf("a decision without reasons: %v", err)
	}
	axeClean(t, ctx, "vetting-review-refused")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#decision-reasons`, "Suspended until the allegation is investigated: access to victims' records."),
		submit(`#decision-submit`),
		chromedp.WaitVisible(`#decided-banner`),
	)
	if err != nil {
		t.Fatalf("deciding: %v", err)
	}
	axeClean(t, ctx, "vetting-review-decided")

	// The officer's vetting record: the suspension stands; the vetting
	// unit records the clearance restored once the matter is resolved,
	// after being told what its first try left out.
	if err := chromedp.Do(ctx, submit(`#officer-vetting-link`), chromedp.WaitVisible(`#clearance-form`)); err != nil {
		t.Fatalf("the officer's vetting record: %v", err)
	}
	axeClean(t, ctx, "vetting-officer")
	if got := text(t, ctx, `#current-clearances`); !strings.Contains(got, "Suspended") {
		t.Errorf("current clearances: %q", got)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(`#clearance-level`, "management"),
		chromedp.Click(`#clearance-status`),
		chromedp.SendKeys(`#clearance-granted-on`, "1/6/2026"),
		submit(`#clearance-submit`),
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatalf("a faulty decision: %v", err)
	}
	axeClean(t, ctx, "vetting-officer-refused")
	if got := text(t, ctx, `#error-summary`); !strings.Contains(got, "Review due is required") || !strings.Contains(got, "Reasons are required") {
		t.Errorf("error summary: %q", got)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#clearance-review-due`, "1/6/2031"),
		chromedp.SendKeys(`#clearance-reasons`, "Allegation not upheld; suspension lifted."),
		submit(`#clearance-submit`),
		chromedp.WaitVisible(`#recorded-banner`),
	)
	if err != nil {
		t.Fatalf("recording the decision: %v", err)
	}
	if got := text(t, ctx, `#current-clearances`); !strings.Contains(got, "Granted") || !strings.Contains(got, "1 June 2031") {
		t.Errorf("current clearances after the decision: %q", got)
	}
	signOut(t, ctx, "vetting")

	signIn(t, ctx, srv.URL, "psd-head")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/officers/"+officer.ID), chromedp.WaitVisible(`#officer-vetting`)); err != nil {
		t.Fatalf("officer page: %v", err)
	}
	if got := text(t, ctx, `#officer-vetting`); !strings.Contains(got, "Management vetting") || !strings.Contains(got, "Granted") {
		t.Errorf("officer's vetting after the decision: %q", got)
	}
}
