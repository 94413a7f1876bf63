package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/store"
)

// TestHandlerFindsACaseAndRecordsAConductMatter: as the handler, find a
// case by a word of its summary on the Cases page and open it; then
// record a conduct matter about an officer found by collar number. Every
// page of the way passes axe-core.
func TestHandlerFindsACaseAndRecordsAConductMatter(t *testing.T) {
	srv, db := demoServerWithDB(t)
	ctx := browser(t)
	bg := context.Background()
	_, target := newestCaseOf(t, db, "handler")
	// The longest word of its summary finds it among few others.
	word := longestWord(target.Summary)
	signIn(t, ctx, srv.URL, "handler")
	axeClean(t, ctx, "cases-my-work")
	err := chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/cases"]`),
		chromedp.WaitVisible(`#q`),
		chromedp.SendKeys(`#q`, word),
		submit(`#apply-filters`),
		chromedp.WaitVisible(`#cases`),
	)
	if err != nil {
		t.Fatalf("searching %q: %v", word, err)
	}
	axeClean(t, ctx, "cases-search")
	link := `#cases a[href="/cases/` + target.ID + `"]`
	for range 20 {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+link+`').length`))
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if err := chromedp.Do(ctx, submit(`#next-page`), chromedp.WaitVisible(`#count`)); err != nil {
			t.Fatalf("case %s not found searching %q: %v", target.Reference, word, err)
		}
	}
	if err := chromedp.Do(ctx, submit(link), chromedp.WaitVisible(`dl.govuk-summary-list`)); err != nil {
		t.Fatalf("opening %s: %v", target.Reference, err)
	}
	if h := text(t, ctx, `h1`); !strings.Contains(h, target.Reference) {
		t.Errorf("opened %q, not %s", h, target.Reference)
	}

	// A bad filter is shown beside its field.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/cases?from=31/2/2026"), chromedp.WaitVisible(`#error-summary`)); err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "cases-bad-filter")

	officers, err := db.Officers(bg, "", "", 1)
	if err != nil || len(officers.Items) == 0 {
		t.Fatal("no officer in the demo", err)
	}
	officer := officers.Items[0]
	err = chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/cases/new"]`),
		chromedp.WaitVisible(`#find`),
		chromedp.SendKeys(`#find`, officer.CollarNumber),
		submit(`#find-button`),
		chromedp.WaitVisible(`#found-officers a`),
		submit(`#found-officers a`),
		chromedp.WaitVisible(`#picked-officers`),
	)
	if err != nil {
		t.Fatalf("finding officer %s: %v", officer.CollarNumber, err)
	}
	axeClean(t, ctx, "cases-record")
	// An empty form is refused with messages, then completed.
	if err := chromedp.Do(ctx, submit(`#record-button`), chromedp.WaitVisible(`#error-summary`)); err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "cases-record-refused")
	if err := chromedp.Do(ctx, chromedp.Click(`#kind-conduct`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const u = document.querySelector('#unit_id'); u.value = u.options[1].value;
			const c = document.querySelector('#allegations-0-category'); c.value = c.querySelector('option[value*="/"]').value;
			const st = document.querySelector('#allegations-0-standard-3'); if (!st.checked) st.click();
			const s = document.querySelector('#allegations-0-subject-0'); if (!s.checked) s.click(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#summary`, "Seen on body-worn video pushing a detained man against a wall."),
		chromedp.SetValue(`#arose_on`, time.Now().AddDate(0, 0, -10).Format("2/1/2006")),
		submit(`#record-button`),
		chromedp.WaitVisible(`#recorded-banner`),
	)
	if err != nil {
		t.Fatalf("recording the conduct matter: %v", err)
	}
	if h := text(t, ctx, `h1`); !strings.Contains(h, "CM/") && !strings.Contains(h, "/20") {
		t.Errorf("after recording, the page is %q", h)
	}
}

// TestCaseCountSaysMoreThanItsCap: the head of standards may open every
// case of the demo force, more than the Cases page counts; the page says
// "More than 1,000 cases match" rather than a number it did not count,
// and a search narrowed to a few says exactly how many.
func TestCaseCountSaysMoreThanItsCap(t *testing.T) {
	srv, db := demoServerWithDB(t)
	ctx := browser(t)
	bg := context.Background()
	scope, model := newestCaseOf(t, db, "psd-head")
	n, _, err := db.CountCasesUpTo(bg, store.CaseFilter{Scope: &scope}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// The demo force holds fewer: complaints like the newest of its own
	// fill it past the cap.
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(bg, func(tx *store.Tx) error {
		for i := n; i <= 1000; i++ {
			c := cases.Case{Kind: cases.Complaint, ForceID: model.ForceID, UnitID: model.UnitID,
				Summary: fmt.Sprintf("A dispute over parking, number %d", i), AroseOn: model.AroseOn, ReceivedAt: model.ReceivedAt,
				Allegations: []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language"}}}
			c.Prepare(ref, model.ReceivedAt)
			if err := tx.CreateCase(bg, &c, "e2e", model.ReceivedAt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("adding cases: %v", err)
	}
	if _, more, err := db.CountCasesUpTo(bg, store.CaseFilter{Scope: &scope}, 1000); err != nil || !more {
		t.Fatalf("the head of standards may open no more than 1,000 cases (err %v): the cap is not reached", err)
	}
	signIn(t, ctx, srv.URL, "psd-head")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/cases"), chromedp.WaitVisible(`#count`)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#count`); got != "More than 1,000 cases match" {
		t.Errorf("every case: the count says %q", got)
	}
	axeClean(t, ctx, "cases-over-the-cap")

	word := longestWord(model.Summary)
	found, more, err := db.CountCasesUpTo(bg, store.CaseFilter{Scope: &scope, Text: word}, 1000)
	if err != nil || more || found == 0 {
		t.Fatalf("searching %s: %d cases (more %v): %v", word, found, more, err)
	}
	want := fmt.Sprintf("%d cases match", found)
	if found == 1 {
		want = "1 case matches"
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#q`, word), submit(`#apply-filters`), chromedp.WaitVisible(`#count`)); err != nil {
		t.Fatalf("searching %s: %v", word, err)
	}
	if got := text(t, ctx, `#count`); got != want {
		t.Errorf("searching %s: the count says %q, want %q", word, got, want)
	}
}

// newestCaseOf is the case list scope of a demo login and the newest case
// in it.
func newestCaseOf(t *testing.T, db *store.DB, username string) (access.ListScope, cases.Case) {
	t.Helper()
	bg := context.Background()
	u, _, err := db.UserByUsername(bg, username)
	if err != nil {
		t.Fatal(err)
	}
	scope := access.CaseListScope(access.Principal{User: u, Roles: u.Roles, MFAPassed: true})
	page, err := db.ListCases(bg, store.CaseFilter{Scope: &scope, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("the demo's %s may open no case: %v", username, err)
	}
	c, err := db.Case(bg, page.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return scope, c
}

// longestWord is the longest run of letters in s.
func longestWord(s string) string {
	word := ""
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) {
		if len(w) > len(word) {
			word = w
		}
	}
	return word
}
