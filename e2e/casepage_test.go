package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// caseInHandlersUnit records a fresh complaint in the demo handler's
// unit, about a new officer, so that the test knows where it stands.
func caseInHandlersUnit(t *testing.T, db *store.DB) cases.Case {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	ref, err := cases.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	users, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var unitID string
	for _, u := range users {
		if u.Username == "handler" {
			unitID = u.UnitIDs[0]
		}
	}
	unit, err := db.Unit(ctx, unitID)
	if err != nil {
		t.Fatal(err)
	}
	c := cases.Case{Kind: cases.Complaint, ForceID: unit.ForceID, UnitID: unit.ID, Summary: "Spoke rudely to a driver at a roadside stop",
		AroseOn: now.AddDate(0, 0, -3), ReceivedAt: now.AddDate(0, 0, -1)}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		o := officers.Officer{ForceID: unit.ForceID, CollarNumber: "9876", FamilyName: "Casepage", Rank: "constable",
			UnitID: unit.ID, JoinedOn: now.AddDate(-5, 0, 0)}
		if err := tx.CreateOfficer(ctx, &o, now); err != nil {
			return err
		}
		c.Allegations = []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
			Subjects: []cases.Subject{{OfficerID: o.ID}}}}
		if err := c.Validate(ref, now); err != nil {
			return err
		}
		c.Prepare(ref, now)
		return tx.CreateCase(ctx, &c, "e2e", now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWorkACaseFromItsPage: the handler takes the next statutory step
// through its form, adds a note and a document, and sees all three on the
// case page and its timeline; a form opened before the case moved on is
// refused; the appropriate authority decides the outcome, officer by
// officer. axe-core checks each page reached.
func TestWorkACaseFromItsPage(t *testing.T) {
	srv, db := demoServerWithDB(t)
	c := caseInHandlersUnit(t, db)
	ctx := browser(t)
	casePage := srv.URL + "/cases/" + c.ID
	signIn(t, ctx, srv.URL, "handler")

	err := chromedp.Do(ctx, chromedp.Navigate(casePage), chromedp.WaitVisible(`#allowed-actions`))
	if err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "casepage-case")
	err = chromedp.Do(ctx,
		submit(`#allowed-actions a[data-action="make_initial_contact"]`),
		chromedp.WaitVisible(`#action-form`),
	)
	if err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "casepage-act-confirm")
	if err := chromedp.Do(ctx, submit(`#action-submit`), chromedp.WaitVisible(`#done-banner`)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#case-state`); got != "Complainant contacted" {
		t.Errorf("after initial contact the case is at %q", got)
	}
	axeClean(t, ctx, "casepage-case-done")

	note := "Spoke to the driver, who wants the complaint recorded."
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#note-text`, note), submit(`#note-submit`), chromedp.WaitVisible(`#done-banner`)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "call-record.txt")
	if err := os.WriteFile(file, []byte("Call at 10:02, 6 minutes."), 0o600); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(`#document-file`, []string{file}),
		submit(`#document-submit`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string][]string{
		`#notes`:     {note},
		`#documents`: {"call-record.txt"},
		`#timeline`:  {"Contact the complainant", "Note added", "Document added: call-record.txt"},
	} {
		got := text(t, ctx, sel)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q: %q", sel, w, got)
			}
		}
	}

	// A stale form: opened in one tab, the case moved on in another.
	err = chromedp.Do(ctx, chromedp.Navigate(casePage+"/act/record_under_schedule3"), chromedp.WaitVisible(`#action-form`))
	if err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "casepage-act-reasons")
	// Sent without reasons first: refused beside the field.
	if err := chromedp.Do(ctx, submit(`#action-submit`), chromedp.WaitVisible(`#error-summary`)); err != nil {
		t.Fatal(err)
	}
	if msg := text(t, ctx, `#reasons-error`); !strings.Contains(msg, "required") {
		t.Errorf("reasons error %q", msg)
	}
	axeClean(t, ctx, "casepage-act-refused")
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	err = chromedp.Do(tab,
		chromedp.Navigate(casePage+"/act/log_outside_schedule3"),
		chromedp.WaitVisible(`#action-form`),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatalf("the other tab: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#reasons`, "The complainant asked for it to be recorded."),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#case-problem`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := text(t, ctx, `#case-problem`); !strings.Contains(msg, "moved on since you opened it") {
		t.Errorf("stale form message %q", msg)
	}
	if got := text(t, ctx, `#case-state`); got != "Being resolved informally (logged, not recorded)" {
		t.Errorf("after the stale form the case is at %q", got)
	}
	axeClean(t, ctx, "casepage-case-stale")
	// Now record it, from the case as it stands.
	err = chromedp.Do(ctx,
		submit(`#allowed-actions a[data-action="record_under_schedule3"]`),
		chromedp.WaitVisible(`#reasons`),
		chromedp.SendKeys(`#reasons`, "The complainant asked for it to be recorded."),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#done-banner`),
		submit(`#account button`),
		chromedp.WaitVisible(`#username`),
	)
	if err != nil {
		t.Fatal(err)
	}

	// The appropriate authority decides: investigate, then the outcome
	// for the officer.
	signIn(t, ctx, srv.URL, "authority")
	err = chromedp.Do(ctx,
		chromedp.Navigate(casePage),
		submit(`#allowed-actions a[data-action="investigate_locally"]`),
		chromedp.WaitVisible(`#reasons`),
		chromedp.SendKeys(`#reasons`, "The language alleged would breach the standards; it needs investigating."),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#done-banner`),
		submit(`#allowed-actions a[data-action="notify_outcome"]`),
		chromedp.WaitVisible(`#action-form`),
	)
	if err != nil {
		t.Fatal(err)
	}
	axeClean(t, ctx, "casepage-act-findings")
	if form := text(t, ctx, `#action-form`); !strings.Contains(form, "PC 9876 Casepage") || !strings.Contains(form, "Service not acceptable") {
		t.Errorf("the outcome form does not name the officer and the findings in words: %q", form)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#reasons`, "The body-worn video shows the officer swearing at the driver."),
		chromedp.Click(`input[name="f0.finding"][value="service_not_acceptable"]`),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#case-state`); got != "Outcome sent to the complainant" {
		t.Errorf("after the outcome the case is at %q", got)
	}
	if tl := text(t, ctx, `#timeline`); !strings.Contains(tl, "Notify the complainant of the outcome") || !strings.Contains(tl, "body-worn video") {
		t.Errorf("the timeline lacks the outcome: %q", tl)
	}
	axeClean(t, ctx, "casepage-case-outcome")
}
