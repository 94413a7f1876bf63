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

// TestBarredTransfereeIsRefused: an officer the force dismissed is on its
// barred list. When the vetting unit records them as a transferee from
// another force, the search finds the listing and the form is refused
// until the match has been seen; appointing them is then refused with the
// reason; deciding not to appoint is recorded. A search by name alone is
// refused as fishing. Every page passes axe-core.
func TestBarredTransfereeIsRefused(t *testing.T) {
	srv, db := demoServerWithDB(t)
	ctx := browser(t)
	bg := context.Background()
	page, err := db.Officers(bg, "", "", 1)
	if err != nil || len(page.Items) == 0 {
		t.Fatal("no officer in the demo", err)
	}
	o := page.Items[0]
	name := strings.TrimSpace(o.GivenName + " " + o.FamilyName)
	l := vetting.Listing{OfficerID: o.ID, Name: name, BirthDate: time.Date(1980, 4, 2, 0, 0, 0, 0, time.UTC), CollarNumber: o.CollarNumber,
		Force: "Demo force", Basis: vetting.Dismissed, Ground: vetting.GrossMisconduct,
		Outcome: "Dismissed without notice for dishonesty: falsified duty records", DecidedOn: time.Now().UTC().AddDate(0, -2, 0), RecordedBy: "vetting"}
	if err := db.InTx(bg, func(tx *store.Tx) error { return tx.RecordListing(bg, &l, time.Now()) }); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, srv.URL, "vetting")
	if err := chromedp.Do(ctx, submit(`.govuk-service-navigation__list a[href="/vetting/lists"]`), chromedp.WaitVisible(`#all-listings`)); err != nil {
		t.Fatalf("opening the lists: %v", err)
	}
	axeClean(t, ctx, "vetting-lists")
	if got := text(t, ctx, `#all-listings`); !strings.Contains(got, name) {
		t.Errorf("the listing is not on the lists page: %q", got)
	}
	// One field would fish: refused, naming the others.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#search-name`, name),
		submit(`#search-submit`),
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatalf("a search by name alone: %v", err)
	}
	if got := text(t, ctx, `#error-summary`); !strings.Contains(got, "at least two of name, date of birth and collar number") {
		t.Errorf("search refusal: %q", got)
	}
	axeClean(t, ctx, "vetting-lists-search-refused")

	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/vetting/transfers"),
		chromedp.WaitVisible(`#transfer-submit`),
		chromedp.Click(`#transfer-kind`),
		chromedp.SendKeys(`#transfer-name`, name),
		chromedp.SendKeys(`#transfer-date_of_birth`, "2/4/1980"),
		chromedp.SendKeys(`#transfer-collar_number`, "WM 4471"),
		chromedp.SendKeys(`#transfer-previous_force`, "West Mercia Police"),
		chromedp.Click(`#transfer-record_source-entered`),
		chromedp.SendKeys(`#transfer-complaints`, "Two complaints since 2020, neither upheld."),
		chromedp.SendKeys(`#transfer-conduct`, "None recorded."),
		chromedp.SendKeys(`#transfer-vetting`, "Recruitment vetting granted 2019."),
		chromedp.Click(`#transfer-decision`),
		chromedp.SendKeys(`#transfer-reasons`, "The previous force's record is clear."),
	)
	if err != nil {
		t.Fatalf("filling in the transfer check: %v", err)
	}
	axeClean(t, ctx, "vetting-transfers")
	// The first send finds the listing: refused until it has been seen.
	if err := chromedp.Do(ctx, submit(`#transfer-submit`), chromedp.WaitVisible(`#transfer-match-table`)); err != nil {
		t.Fatalf("sending the check: %v", err)
	}
	if got := text(t, ctx, `#error-summary`); !strings.Contains(got, "the barred or advisory list holds a person who matches") {
		t.Errorf("unseen match: %q", got)
	}
	if got := text(t, ctx, `#transfer-match-table`); !strings.Contains(got, name) || !strings.Contains(got, "Barred list") {
		t.Errorf("the match shown: %q", got)
	}
	axeClean(t, ctx, "vetting-transfers-match")
	// Seen, and still to appoint: refused with the reason.
	if err := chromedp.Do(ctx, submit(`#transfer-submit`), chromedp.WaitVisible(`#transfer-decision-error`)); err != nil {
		t.Fatalf("appointing a barred person: %v", err)
	}
	if got := text(t, ctx, `#error-summary`); !strings.Contains(got, "cannot appoint: the person matches the police barred list") {
		t.Errorf("refusal: %q", got)
	}
	axeClean(t, ctx, "vetting-transfers-barred")
	err = chromedp.Do(ctx,
		chromedp.Click(`#transfer-decision-do_not_appoint`),
		chromedp.SetValue(`#transfer-reasons`, "Dismissed for dishonesty: on the police barred list."),
		submit(`#transfer-submit`),
		chromedp.WaitVisible(`#transfer-done`),
	)
	if err != nil {
		t.Fatalf("recording the decision: %v", err)
	}
	if got := text(t, ctx, `#transfer-checks`); !strings.Contains(got, name) || !strings.Contains(got, "Do not appoint") {
		t.Errorf("recent checks: %q", got)
	}
	axeClean(t, ctx, "vetting-transfers-recorded")
}
