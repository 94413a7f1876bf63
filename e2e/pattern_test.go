package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// TestPatternWarningOnTheCasePage records an officer's earlier
// indecent-exposure allegation in another force, then a new complaint
// about the same person, and checks that the new case's page warns the
// handler, though the earlier case ended with no finding.
func TestPatternWarningOnTheCasePage(t *testing.T) {
	srv, db := demoServerWithDB(t)
	ctx := context.Background()
	now := time.Now().UTC()
	ref, _ := cases.LoadReference()
	users, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var handlerUnit string
	for _, u := range users {
		if u.Username == "handler" {
			handlerUnit = u.UnitIDs[0]
		}
	}
	unit, err := db.Unit(ctx, handlerUnit)
	if err != nil {
		t.Fatal(err)
	}
	var newCase cases.Case
	err = db.InTx(ctx, func(tx *store.Tx) error {
		other := officers.Force{Code: "KNT", Name: "Neighbouring Constabulary"}
		if err := tx.CreateForce(ctx, &other); err != nil {
			return err
		}
		before := officers.Officer{ForceID: other.ID, CollarNumber: "K100", FamilyName: "Transferee", Rank: "constable",
			JoinedOn: now.AddDate(-12, 0, 0), NationalID: "E2E-PERSON-1"}
		here := officers.Officer{ForceID: unit.ForceID, CollarNumber: "T-E2E-1", FamilyName: "Transferee", Rank: "constable",
			UnitID: unit.ID, JoinedOn: now.AddDate(-2, 0, 0), NationalID: "E2E-PERSON-1"}
		for _, o := range []*officers.Officer{&before, &here} {
			if err := tx.CreateOfficer(ctx, o, now); err != nil {
				return err
			}
		}
		earlier := cases.Case{Kind: cases.Complaint, ForceID: other.ID, Summary: "Indecent exposure reported by a member of the public",
			AroseOn: now.AddDate(-4, 0, -3), ReceivedAt: now.AddDate(-4, 0, 0),
			Allegations: []cases.Allegation{{Category: "sexual-conduct", Subcategory: "other-sexual-conduct",
				Subjects: []cases.Subject{{OfficerID: before.ID, Finding: "no_case_to_answer"}}}}}
		newCase = cases.Case{Kind: cases.Complaint, ForceID: unit.ForceID, UnitID: unit.ID, Summary: "Followed a woman home after a stop",
			AroseOn: now.AddDate(0, 0, -2), ReceivedAt: now.AddDate(0, 0, -1),
			Allegations: []cases.Allegation{{Category: "abuse-of-position", Subcategory: "sexual-purpose",
				Subjects: []cases.Subject{{OfficerID: here.ID}}}}}
		for _, c := range []*cases.Case{&earlier, &newCase} {
			if err := c.Validate(ref, now); err != nil {
				return err
			}
			c.Prepare(ref, now)
			if err := tx.CreateCase(ctx, c, "e2e", now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bctx := browser(t)
	err = chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.SendKeys(`#username`, "handler"),
		chromedp.SendKeys(`#password`, password),
		submit(`button[type=submit]`),
		chromedp.WaitVisible(`#welcome`),
		chromedp.Navigate(srv.URL+"/cases/"+newCase.ID),
		chromedp.WaitVisible(`#pattern-warning`),
	)
	if err != nil {
		t.Fatal(err)
	}
	warning := text(t, bctx, `#pattern-warning`)
	if !strings.Contains(warning, "sexual misconduct") || !strings.Contains(warning, "Transferee") {
		t.Errorf("warning = %q", warning)
	}
	page := text(t, bctx, `main`)
	// The earlier case is one the handler cannot open: its category and
	// month show, not its force, sub-category or finding.
	if !strings.Contains(page, "Sexual conduct") || !strings.Contains(page, "a case you cannot open") ||
		strings.Contains(page, "KNT") || strings.Contains(page, "Other sexual conduct") || strings.Contains(page, "other-sexual-conduct") ||
		strings.Contains(page, "No case to answer") || strings.Contains(page, "no_case_to_answer") {
		t.Errorf("the pattern table does not show the earlier force's allegation as unopenable, by category and month only:\n%s", page)
	}
	shot(t, bctx, "case-pattern.png")
}
