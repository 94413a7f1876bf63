package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/web"
)

// enrolHere sets up two-step sign-in from the page the sign-in led to,
// reading the key from the page as a person would type it into an app.
func enrolHere(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`form[action="/mfa/enrol"] button`)); err != nil {
		t.Fatalf("%s: no enrolment after the first sign-in: %v", who, err)
	}
	axeClean(t, ctx, who+"-mfa")
	if err := chromedp.Do(ctx, submit(`form[action="/mfa/enrol"] button`), chromedp.WaitVisible(`#mfa-secret`)); err != nil {
		t.Fatalf("%s: starting enrolment: %v", who, err)
	}
	axeClean(t, ctx, who+"-mfa-key")
	code, err := totp.GenerateCode(strings.ReplaceAll(text(t, ctx, `#mfa-secret`), " ", ""), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#totp`, code), submit(`form[action="/mfa/confirm"] button`),
		chromedp.WaitVisible(`#welcome`)); err != nil {
		t.Fatalf("%s: confirming enrolment: %v", who, err)
	}
}

// innerText reads an element's text in one evaluation, which no
// re-render between finding the node and reading it can upset.
func innerText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('`+sel+`') || {innerText: ''}).innerText`))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

func innerValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('`+sel+`').value`))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// TestAdminAddsAUserWhoSignsIn: under two-step sign-in, the administrator
// enrols, adds an account from the Accounts page (a form refused first,
// then put right), reads the password shown once, and the new person signs
// in with it and is led to set up two-step sign-in before anything else.
func TestAdminAddsAUserWhoSignsIn(t *testing.T) {
	chromium(t)
	_, db := demoServerWithDB(t)
	srv := httptest.NewServer(web.New(web.Deps{DB: db, Hasher: access.Hasher{Params: access.TestParams}, RequireMFA: true}))
	t.Cleanup(srv.Close)
	ctx := browser(t)

	signInWith(t, ctx, srv.URL, "admin", password)
	enrolHere(t, ctx, "admin")
	err := chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/admin/users"]`),
		chromedp.WaitVisible(`#users`),
	)
	if err != nil {
		t.Fatalf("opening Accounts: %v", err)
	}
	axeClean(t, ctx, "admin-users")
	err = chromedp.Do(ctx,
		submit(`#add-user`),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, "Jo Bloggs"), // not a username: refused
		submit(`#create-user`),
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatalf("sending a faulty form: %v", err)
	}
	if s := innerText(t, ctx, `#error-summary`); !strings.Contains(s, "full name") || !strings.Contains(s, "at least one role") {
		t.Errorf("error summary says %q", s)
	}
	axeClean(t, ctx, "admin-user-new-errors")
	// What was typed came back; it is cleared as a person would.
	if typed := innerValue(t, ctx, `#username`); typed != "Jo Bloggs" {
		t.Errorf("the refused form shows %q, not what was typed", typed)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#username').value = ''`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#username`, "j.bloggs"),
		chromedp.SendKeys(`#display_name`, "Jo Bloggs"),
		chromedp.Click(`#roles-handler`),
		chromedp.Click(`input[name=units]`),
		submit(`#create-user`),
		chromedp.WaitVisible(`#secret`),
	)
	if err != nil {
		t.Fatalf("adding the account: %v", err)
	}
	newPassword := strings.TrimSpace(innerText(t, ctx, `#secret`))
	if len(newPassword) < 16 {
		t.Fatalf("password shown: %q", newPassword)
	}
	axeClean(t, ctx, "admin-user-created")
	if err := chromedp.Do(ctx, submit(`#back`), chromedp.WaitVisible(`#account-summary`)); err != nil {
		t.Fatalf("opening the new account: %v", err)
	}
	if page := innerText(t, ctx, `main`); strings.Contains(page, newPassword) || !strings.Contains(page, "Complaint handler") {
		t.Errorf("the account page: password shown again or role missing")
	}
	axeClean(t, ctx, "admin-user")
	err = chromedp.Do(ctx,
		submit(`.govuk-service-navigation__list a[href="/admin/units"]`),
		chromedp.WaitVisible(`#add-unit`),
	)
	if err != nil {
		t.Fatalf("opening Units: %v", err)
	}
	axeClean(t, ctx, "admin-units")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#name`, "Harbour Division"),
		chromedp.SendKeys(`#code`, "HD"),
		submit(`#add-unit`),
		chromedp.WaitVisible(`#added`),
	)
	if err != nil {
		t.Fatalf("adding a unit: %v", err)
	}
	if s := innerText(t, ctx, `#units`); !strings.Contains(s, "Harbour Division") {
		t.Errorf("the new unit is not listed")
	}
	axeClean(t, ctx, "admin-unit-added")
	signOut(t, ctx, "admin")

	signInWith(t, ctx, srv.URL, "j.bloggs", newPassword)
	enrolHere(t, ctx, "j.bloggs")
	if h := innerText(t, ctx, `#welcome`); !strings.Contains(h, "Jo Bloggs") {
		t.Errorf("the new person landed on %q", h)
	}
}

// TestAuditorFindsWhoOpenedACase: a handler opens a case; the auditor asks
// the audit log who saw it, by its reference, and finds the handler.
func TestAuditorFindsWhoOpenedACase(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	signInWith(t, ctx, srv.URL, "handler", password)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#welcome`)); err != nil {
		t.Fatalf("the handler signing in: %v", err)
	}
	ref := text(t, ctx, `main table a[href^="/cases/"]`)
	err := chromedp.Do(ctx,
		submit(`main table a[href^="/cases/"]`),
		chromedp.WaitVisible(`h1`),
	)
	if err != nil || strings.TrimSpace(ref) == "" {
		t.Fatalf("the handler opening a case: %v (reference %q)", err, ref)
	}
	ref = strings.TrimSpace(ref)
	signOut(t, ctx, "handler")

	signInWith(t, ctx, srv.URL, "auditor", password)
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(`#welcome`),
		submit(`.govuk-service-navigation__list a[href="/audit"]`),
		chromedp.WaitVisible(`#record-ref`),
	)
	if err != nil {
		t.Fatalf("opening the audit log: %v", err)
	}
	axeClean(t, ctx, "auditor-audit")
	err = chromedp.Do(ctx,
		submit(`#record-search`), // nothing typed: refused beside the field
		chromedp.WaitVisible(`#error-summary`),
	)
	if err != nil {
		t.Fatalf("asking without a reference: %v", err)
	}
	axeClean(t, ctx, "auditor-audit-errors")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#record-ref`, ref),
		submit(`#record-search`),
		chromedp.WaitVisible(`#question`),
	)
	if err != nil {
		t.Fatalf("asking who saw %s: %v", ref, err)
	}
	axeClean(t, ctx, "auditor-who-saw")
	table := innerText(t, ctx, `main`)
	if !strings.Contains(table, "Demo handler") || !strings.Contains(table, "Looked at") || !strings.Contains(table, ref) {
		t.Errorf("who saw %s: the answer does not name the handler looking at it:\n%s", ref, table)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/audit"),
		chromedp.WaitVisible(`#verify`),
		submit(`#verify`),
		chromedp.WaitVisible(`#checked`),
	)
	if err != nil {
		t.Fatalf("checking the chain: %v", err)
	}
	if s := innerText(t, ctx, `#chain-state`); !strings.Contains(s, "Chain checked: sound") {
		t.Errorf("after the check the chain section says %q", s)
	}
	axeClean(t, ctx, "auditor-chain-checked")
}
