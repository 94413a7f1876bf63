// Package e2e drives Probity's pages in a real headless Chromium, the way a
// person would: type into forms, press buttons, read what is shown.
package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// TestMain stops the browser the tests share and removes the seeded demo
// databases once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if chrome.stop != nil {
		chrome.stop()
	}
	for _, s := range []*seededDemo{&plainDemo, &flaggedDemo} {
		if s.dir != "" {
			_ = os.RemoveAll(s.dir)
		}
	}
	os.Exit(code)
}

// seededDemo is the demo force with its accounts, seeded once for the
// whole package: seeding it (and scoring it for flags) costs more than
// most tests that use it, and every test gets a copy of its own to change
// as it likes.
type seededDemo struct {
	once sync.Once
	dir  string // removed by TestMain
	path string // the closed SQLite database to copy
	err  error
}

var (
	plainDemo   seededDemo // seeded, with the demo accounts
	flaggedDemo seededDemo // and with the early-intervention flags raised

	// demoSigner signs the audit entries of the flagged demo and of every
	// server made from it, so that each extends a chain it can check.
	demoSigner = sync.OnceValues(func() (*audit.Signer, error) { return audit.ParseSigningKey(audit.GenerateSigningKey()) })
)

// seed makes the database at s.path, a copy of from unless it is "",
// with fill, which is given it open; then it closes it, so that the file
// holds it all and can be copied.
func (s *seededDemo) seed(t *testing.T, from string, fill func(db *store.DB) error) {
	dir, err := os.MkdirTemp("", "probity-e2e-demo-")
	if err != nil {
		s.err = err
		return
	}
	s.dir = dir
	loc := store.Location{Dialect: store.SQLite, Path: filepath.Join(dir, "probity.db")}
	if from != "" {
		if err := copyFile(from, loc.Path); err != nil {
			s.err = err
			return
		}
	}
	db, err := store.Open(context.Background(), loc, store.Options{Keys: storetest.Keys(t)})
	if err != nil {
		s.err = err
		return
	}
	if _, err = db.Migrate(context.Background()); err == nil {
		err = fill(db)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	s.path, s.err = loc.Path, err
}

// copyOf opens a fresh copy of the seeded database, removed when the test
// ends.
func (s *seededDemo) copyOf(t *testing.T) *store.DB {
	t.Helper()
	if s.err != nil {
		t.Fatalf("seeding the demo: %v", s.err)
	}
	loc := store.Location{Dialect: store.SQLite, Path: filepath.Join(t.TempDir(), "probity.db")}
	if err := copyFile(s.path, loc.Path); err != nil {
		t.Fatalf("copying the seeded demo: %v", err)
	}
	return storetest.Open(t, loc)
}

// seededDB opens a fresh copy of the demo force with its accounts, as
// `probity demo` seeds them, and with its flags raised when flagged, their
// audit entries signed by demoSigner.
func seededDB(t *testing.T, flagged bool) *store.DB {
	t.Helper()
	ctx := context.Background()
	plainDemo.once.Do(func() {
		// As `probity demo` does, the data stands at demo.DataAsOf, so that
		// every run sees the same cases and flags whatever the day.
		plainDemo.seed(t, "", func(db *store.DB) error {
			asOf := demo.DataAsOf()
			if _, err := demo.Seed(ctx, db, demo.GenerateWith(7, asOf, demo.Scaled(150)), asOf); err != nil {
				return err
			}
			return demo.EnsureAccounts(ctx, db, password, access.Hasher{Params: access.TestParams}, time.Now().UTC())
		})
	})
	if !flagged {
		return plainDemo.copyOf(t)
	}
	flaggedDemo.once.Do(func() {
		if plainDemo.err != nil {
			flaggedDemo.err = plainDemo.err
			return
		}
		flaggedDemo.seed(t, plainDemo.path, func(db *store.DB) error {
			signer, err := demoSigner()
			if err != nil {
				return err
			}
			db.UseAuditLog(store.NewAuditLog(db, signer, 100))
			_, err = demo.RaiseFlags(ctx, db, demo.DataAsOf())
			return err
		})
	})
	return flaggedDemo.copyOf(t)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// demoServer serves a small demo force, as `probity demo` would.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := demoServerWithDB(t)
	return srv
}

func demoServerWithDB(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := seededDB(t, true)
	signer, err := demoSigner()
	if err != nil {
		t.Fatal(err)
	}
	db.UseAuditLog(store.NewAuditLog(db, signer, 100))
	srv := httptest.NewServer(web.New(web.Deps{DB: db, Hasher: access.Hasher{Params: access.TestParams}}))
	t.Cleanup(srv.Close)
	return srv, db
}

// chrome is the one browser the tests share. Starting Chromium costs
// seconds, so each test opens a tab in a browser context of its own
// instead: cookies, storage and cache are the test's alone, as in a
// browser of its own.
var chrome struct {
	once sync.Once
	ctx  context.Context // the browser's first tab
	stop func()          // called by TestMain
	err  error
}

func startChromium(path string) {
	dir, err := os.MkdirTemp("", "probity-e2e-chromium-")
	if err != nil {
		chrome.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests run as root
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(dir),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	chrome.ctx = ctx
	chrome.stop = func() {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	// The first Run starts the browser and binds it to ctx, which lives
	// until TestMain stops it.
	chrome.err = chromedp.Do(ctx)
}

// browser opens a tab for the test in a new browser context of the shared
// browser, closed when the test ends.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	chrome.once.Do(func() { startChromium(path) })
	if chrome.err != nil {
		t.Fatalf("starting chromium: %v", chrome.err)
	}
	ctx, cancel := chromedp.NewContext(chrome.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// A bound on the whole test, so that a page that never loads fails it
	// rather than hanging the suite: generous, since the accessibility
	// walk alone visits every page of every role.
	ctx, cancel2 := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancel2)
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
			submit(`button[type=submit]`),
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
			if err := chromedp.Do(ctx, submit(`main table a[href^="/cases/"]`), chromedp.WaitVisible(`dl.govuk-summary-list`)); err != nil {
				t.Fatal(err)
			}
			shot(t, ctx, "case-handler.png")
			if ref := text(t, ctx, `h1`); !strings.Contains(ref, "/20") {
				t.Errorf("case page heading %q carries no reference", ref)
			}
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), submit(`#account button`), chromedp.WaitVisible(`#username`)); err != nil {
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
		submit(`button[type=submit]`),
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

// submit clicks sel, a button that sends a form or a link, and waits until
// the page it leads to has loaded. Waiting only for an element of the next
// page is not enough when the page being left shows the same element (the
// banner of the step before): the wait would pass before the form is sent.
func submit(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel)); err != nil {
			return fmt.Errorf("following %s: %w", sel, err)
		}
		return nil
	})
}
