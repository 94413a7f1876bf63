package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

// demoServerWithClock is demoServerWithDB with a clock the test moves on:
// an officer's appeal window is days long, and a test waits for none.
func demoServerWithClock(t *testing.T) (*httptest.Server, *store.DB, *atomic.Int64) {
	t.Helper()
	db := seededDB(t, false)
	hasher := access.Hasher{Params: access.TestParams}
	signer, err := audit.ParseSigningKey(audit.GenerateSigningKey())
	if err != nil {
		t.Fatal(err)
	}
	db.UseAuditLog(store.NewAuditLog(db, signer, 100))
	var ahead atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	// Sessions outlast the days the clock moves on, so the test signs in
	// once.
	long := access.SessionPolicy{Idle: 1000 * time.Hour, Absolute: 1000 * time.Hour}
	srv := httptest.NewServer(web.New(web.Deps{DB: db, Hasher: hasher, Clock: clock, Sessions: long}))
	t.Cleanup(srv.Close)
	return srv, db, &ahead
}

// heldMeetingWithTwoOfficers records a conduct matter in the handler's
// unit whose misconduct meeting has been held, about two new officers
// each with a case to answer for misconduct. It returns the case and the
// officers' ids, Ashdown's first.
func heldMeetingWithTwoOfficers(t *testing.T, db *store.DB) (cases.Case, []string) {
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
	c := cases.Case{Kind: cases.ConductMatter, ForceID: unit.ForceID, UnitID: unit.ID, State: cases.Held,
		Summary: "Two officers spoke rudely to a detained person", AroseOn: now.AddDate(0, -3, 0), ReceivedAt: now.AddDate(0, -2, 0)}
	var ids []string
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var subjects []cases.Subject
		for _, o := range []officers.Officer{
			{ForceID: unit.ForceID, CollarNumber: "5101", FamilyName: "Ashdown", Rank: "constable", UnitID: unit.ID, JoinedOn: now.AddDate(-6, 0, 0)},
			{ForceID: unit.ForceID, CollarNumber: "5102", FamilyName: "Brereton", Rank: "constable", UnitID: unit.ID, JoinedOn: now.AddDate(-4, 0, 0)},
		} {
			if err := tx.CreateOfficer(ctx, &o, now); err != nil {
				return err
			}
			ids = append(ids, o.ID)
			subjects = append(subjects, cases.Subject{OfficerID: o.ID, Severity: cases.SeverityMisconduct, Finding: cases.FindingCaseToAnswer})
		}
		c.Allegations = []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language",
			Standards: []string{"discreditable-conduct"}, Subjects: subjects}}
		if err := c.Validate(ref, now); err != nil {
			return err
		}
		c.Prepare(ref, now)
		return tx.CreateCase(ctx, &c, "e2e", now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, ids
}

// TestTwoOfficerConductMatterToFinal: the appropriate authority records
// the meeting's outcome for two officers, records the decision supplied to
// each in turn through the case page's step forms (asked which officer,
// refused with an error summary when none is chosen), is told the outcome
// cannot be final while the second officer's decision is outstanding, and
// finalises it once both officers' appeal windows have closed. axe-core
// checks each page reached.
func TestTwoOfficerConductMatterToFinal(t *testing.T) {
	srv, db, ahead := demoServerWithClock(t)
	c, ids := heldMeetingWithTwoOfficers(t, db)
	officer := func(i int) string { return `input[name="subject"][value="` + ids[i] + `"]` }
	ctx := browser(t)
	casePage := srv.URL + "/cases/" + c.ID
	signIn(t, ctx, srv.URL, "authority")

	err := chromedp.Do(ctx,
		chromedp.Navigate(casePage),
		submit(`#allowed-actions a[data-action="record_outcome"]`),
		chromedp.WaitVisible(`#action-form`),
		chromedp.Click(`input[name="forum"][value="meeting"]`),
		chromedp.SendKeys(`#reasons`, "The chair found both officers' language was misconduct."),
		chromedp.Click(`input[name="f0.finding"][value="misconduct"]`),
		chromedp.Click(`input[name="f0.sanction"][value="written_warning"]`),
		chromedp.Click(`input[name="f1.finding"][value="misconduct"]`),
		chromedp.Click(`input[name="f1.sanction"][value="written_warning"]`),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatal(err)
	}
	deadlines := text(t, ctx, `#deadlines`)
	for _, who := range []string{"PC 5101 Ashdown", "PC 5102 Brereton"} {
		if !strings.Contains(deadlines, "Report of the meeting's outcome to the officer: "+who) {
			t.Errorf("no outcome report deadline for %s: %q", who, deadlines)
		}
	}
	axeClean(t, ctx, "steps-case-outcome")

	// The decision to the first officer: the form asks which officer, and
	// refuses to guess.
	err = chromedp.Do(ctx,
		submit(`#record-steps a[data-step="decision_supplied"]`),
		chromedp.WaitVisible(`#step-form`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, submit(`#step-submit`), chromedp.WaitVisible(`#error-summary`)); err != nil {
		t.Fatal(err)
	}
	if msg := text(t, ctx, `#subject-error`); !strings.Contains(msg, "more than one subject officer") {
		t.Errorf("officer error %q", msg)
	}
	if sum := text(t, ctx, `#error-summary`); !strings.Contains(sum, "Officer:") {
		t.Errorf("the error summary does not name the field: %q", sum)
	}
	axeClean(t, ctx, "steps-form-refused")
	err = chromedp.Do(ctx,
		chromedp.Click(officer(0)),
		chromedp.SendKeys(`#note`, "Handed to the officer at the end of the meeting."),
		submit(`#step-submit`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#timeline`); !strings.Contains(got, "Decision supplied to the officer: PC 5101 Ashdown") {
		t.Errorf("timeline lacks the first officer's step: %q", got)
	}
	deadlines = text(t, ctx, `#deadlines`)
	if !strings.Contains(deadlines, "Officer's time to appeal the meeting outcome: PC 5101 Ashdown") ||
		!strings.Contains(deadlines, "Report of the meeting's outcome to the officer: PC 5102 Brereton") ||
		strings.Contains(deadlines, "Report of the meeting's outcome to the officer: PC 5101 Ashdown") {
		t.Errorf("after the first officer's decision the deadlines are %q", deadlines)
	}

	// A's window closes; B has had nothing, so the outcome is not final.
	ahead.Store(int64(20 * 24 * time.Hour))
	// The case page does not offer finalising; a form opened by its
	// address is refused when sent, saying which officer is waited for.
	if err := chromedp.Do(ctx, chromedp.Navigate(casePage), chromedp.WaitVisible(`#record-steps`)); err != nil {
		t.Fatal(err)
	}
	offered, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#allowed-actions a[data-action="finalise"]') !== null`))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(casePage+"/act/finalise"),
		chromedp.WaitVisible(`#action-form`),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#case-problem`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if offered {
		t.Errorf("finalising is offered while the second officer's decision is outstanding")
	}
	if msg := text(t, ctx, `#case-problem`); !strings.Contains(msg, "not been supplied to officer PC 5102 Brereton") || strings.Contains(msg, "Ashdown") {
		t.Errorf("finalising before the second officer's decision: %q", msg)
	}
	axeClean(t, ctx, "steps-finalise-refused")
	err = chromedp.Do(ctx,
		submit(`#record-steps a[data-step="decision_supplied"]`),
		chromedp.WaitVisible(`#step-form`),
		chromedp.Click(officer(1)),
		submit(`#step-submit`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatal(err)
	}

	// Both windows closed: the outcome is finalised in the browser.
	ahead.Store(int64(40 * 24 * time.Hour))
	err = chromedp.Do(ctx,
		chromedp.Navigate(casePage),
		submit(`#allowed-actions a[data-action="finalise"]`),
		chromedp.WaitVisible(`#action-form`),
		submit(`#action-submit`),
		chromedp.WaitVisible(`#done-banner`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#case-state`); got != cases.Final.Label().Name {
		t.Errorf("after finalising the case is at %q", got)
	}
	axeClean(t, ctx, "steps-case-final")
}
