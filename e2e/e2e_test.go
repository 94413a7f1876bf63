// Package e2e drives Probity's pages in a real headless Chromium, the way a
// person would: type into forms, press buttons, read what is shown.
package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/web"
)

const password = "demo passphrase for the browser"

// chromium finds Debian's browser; ./scripts/test installs it.
func chromium(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("PROBITY_REQUIRE_POSTGRES") == "1" { // running under ./scripts/test, which installs it
		t.Fatal("chromium not found")
	}
	t.Skip("chromium not installed; ./scripts/test installs it")
	return ""
}

// demoServer serves a small demo force, as `probity demo` would.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := demoServerWithDB(t)
	return srv
}

func demoServerWithDB(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, storetest.Engines(t)[0].New(t))
	now := time.Now().UTC()
	if _, err := demo.Seed(ctx, db, demo.GenerateWith(7, now, demo.Scaled(150)), now); err != nil {
		t.Fatal(err)
	}
	hasher := access.Hasher{Params: access.TestParams}
	if err := demo.EnsureAccounts(ctx, db, password, hasher, now); err != nil {
		t.Fatal(err)
	}
	signer, err := audit.ParseSigningKey(audit.GenerateSigningKey())
	if err != nil {
		t.Fatal(err)
	}
	db.UseAuditLog(store.NewAuditLog(db, signer, 100))
	if _, err := demo.RaiseFlags(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Deps{DB: db, Hasher: hasher}))
	t.Cleanup(srv.Close)
	return srv, db
}

func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // the tests run as root
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// A bound on the whole test, so that a page that never loads fails it
	// rather than hanging the suite: generous, since the accessibility
	// walk alone visits every page of every role.
	ctx, cancel3 := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

// TestEachRoleSeesOnlyWhatItShould signs in as every demo login and reads
// the start page: case workers see cases, the oversight body the cases
// shared with it, the others none.
func TestEachRoleSeesOnlyWhatItShould(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	for _, a := range demo.Accounts() {
		role := a.Roles[0]
		err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/"),
			chromedp.WaitVisible(`#username`),
			chromedp.SendKeys(`#username`, a.Username),
			chromedp.SendKeys(`#password`, password),
			chromedp.Click(`button[type=submit]`),
			chromedp.WaitVisible(`#welcome`),
		)
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		heading := text(t, ctx, `h1`)
		body := text(t, ctx, `main`)
		if !strings.HasPrefix(heading, "Welcome") {
			t.Fatalf("%s: landed on %q, not the start page", role, heading)
		}
		caseLinks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href^="/cases/"]').length`))
		if err != nil {
			t.Fatal(err)
		}
		switch role {
		case access.Handler, access.Investigator, access.Authority, access.PSDHead:
			if caseLinks == 0 {
				t.Errorf("%s sees no cases", role)
			}
		case access.Oversight:
			// The demo shares a dozen conduct matters with it.
			if caseLinks == 0 || !strings.Contains(body, "Cases shared with the oversight body") {
				t.Errorf("oversight sees %d case links; the demo shares some with it", caseLinks)
			}
		default:
			if caseLinks != 0 {
				t.Errorf("%s sees %d case links; the role has no case content", role, caseLinks)
			}
		}
		if (role == access.Admin) != strings.Contains(body, "Accounts") {
			t.Errorf("%s: accounts section shown = %v", role, strings.Contains(body, "Accounts"))
		}
		if (role == access.Supervisor || role == access.PSDHead) != strings.Contains(body, "Early-intervention flags") {
			t.Errorf("%s: flag queue shown = %v", role, strings.Contains(body, "Early-intervention flags"))
		}
		if (role == access.Guardian) != strings.Contains(body, "Speak-up reports") {
			t.Errorf("%s: speak-up section shown = %v", role, strings.Contains(body, "Speak-up reports"))
		}
		if (role == access.Auditor) != strings.Contains(body, "Audit log") {
			t.Errorf("%s: audit section shown = %v", role, strings.Contains(body, "Audit log"))
		}
		if role == access.Handler {
			if banner := text(t, ctx, `#demo-banner`); !strings.Contains(banner, "two-step sign-in is not required") {
				t.Errorf("demo banner = %q", banner)
			}
			shot(t, ctx, "home-handler.png")
			// Open the first case.
			if err := chromedp.Do(ctx, chromedp.Click(`main table a[href^="/cases/"]`), chromedp.WaitVisible(`dl.govuk-summary-list`)); err != nil {
				t.Fatal(err)
			}
			shot(t, ctx, "case-handler.png")
			if ref := text(t, ctx, `h1`); !strings.Contains(ref, "/20") {
				t.Errorf("case page heading %q carries no reference", ref)
			}
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.Click(`#account button`), chromedp.WaitVisible(`#username`)); err != nil {
			t.Fatalf("%s: signing out: %v", role, err)
		}
	}
}

// TestWrongPasswordKeepsUsername checks the sign-in form says what went
// wrong without saying which part, and keeps what was typed.
func TestWrongPasswordKeepsUsername(t *testing.T) {
	srv := demoServer(t)
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.SendKeys(`#username`, "handler"),
		chromedp.SendKeys(`#password`, "not the password at all"),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#login-error`),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg := text(t, ctx, `#login-error`)
	kept, err := chromedp.Run(ctx, chromedp.Value(`#username`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "not accepted") || kept != "handler" {
		t.Errorf("message %q, username kept %q", msg, kept)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// shot saves a screenshot beside the test's output when PROBITY_SCREENSHOTS
// names a directory, for a person to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("PROBITY_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	_ = os.WriteFile(filepath.Join(dir, name), png, 0o644)
}
