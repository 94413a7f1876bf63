package e2e

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// probityBinary builds cmd/probity into a temporary directory, so that the
// test runs what an operator runs, flags and wiring included.
func probityBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build probity")
	}
	bin := filepath.Join(t.TempDir(), "probity")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/probity/probity/cmd/probity")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building probity: %v\n%s", err, out)
	}
	return bin
}

// probity runs one command of the built binary and returns its output.
func probity(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probity %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// startServe runs `probity serve` on a free port and returns its URL; it is
// stopped as an operator would, with an interrupt, when the test ends.
func startServe(t *testing.T, bin string, env []string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Probity is running at "); ok {
				urls <- u
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("probity serve did not stop on an interrupt; stderr:\n%s", stderr.String())
		}
	})
	select {
	case u := <-urls:
		return u
	case err := <-exited:
		t.Fatalf("probity serve exited before serving: %v\n%s", err, stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("probity serve did not announce its URL; stderr:\n%s", stderr.String())
	}
	return ""
}

// TestServeEnrolsMFAAndSignsIn sets Probity up as the README tells an
// operator to (keys, serve, a user), then, in a browser, signs the new user
// in, enrols MFA from the key shown on the page, and signs in again with a
// code computed from that key.
func TestServeEnrolsMFAAndSignsIn(t *testing.T) {
	chromium(t) // skips at once where there is no browser, before building
	bin := probityBinary(t)
	dir := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	dataKey := filepath.Join(dir, "data.key")
	auditKey := filepath.Join(dir, "audit.key")
	if err := os.WriteFile(dataKey, []byte(probity(t, bin, env, "keys", "generate")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(auditKey, []byte(probity(t, bin, env, "keys", "generate-audit")), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(env, "PROBITY_DATA_KEY_FILE="+dataKey, "PROBITY_AUDIT_KEY_FILE="+auditKey,
		"PROBITY_DB=sqlite:"+filepath.Join(dir, "probity.db"))
	probity(t, bin, env, "migrate")
	out := probity(t, bin, env, "user", "add", "--username", "jbloggs", "--name", "Jo Bloggs", "--roles", "auditor")
	m := regexp.MustCompile(`password \(shown once[^)]*\): (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("user add printed no password:\n%s", out)
	}
	password := m[1]
	url := startServe(t, bin, env)

	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/login"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, "jbloggs"),
		chromedp.SendKeys(`#password`, password),
		submit(`button[type=submit]`),
		// The first sign-in under serve leads to enrolment, and nowhere else.
		chromedp.WaitVisible(`form[action="/mfa/enrol"] button`),
		submit(`form[action="/mfa/enrol"] button`),
		chromedp.WaitVisible(`#mfa-secret`),
		chromedp.WaitVisible(`.probity-qr svg`),
	)
	if err != nil {
		t.Fatalf("signing in and starting enrolment: %v", err)
	}
	shot(t, ctx, "mfa-enrol.png")
	if href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#mfa-link').getAttribute('href')`)); err != nil ||
		!strings.HasPrefix(href, "otpauth://totp/Probity:jbloggs?") {
		t.Errorf("enrolment link is %q (%v), want an otpauth:// URL", href, err)
	}
	// The QR code is drawn, not blocked: it has modules and a size.
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`(function(){const s=document.querySelector('.probity-qr svg');const r=s.getBoundingClientRect();`+
			`return r.width>100&&r.height>100?s.querySelector('path').getAttribute('d').split('M').length-1:0})()`)); err != nil || n < 50 {
		t.Errorf("QR code on the page: %d runs of modules (%v)", n, err)
	}
	grouped := text(t, ctx, `#mfa-secret`)
	secret := strings.ReplaceAll(grouped, " ", "")
	if !regexp.MustCompile(`^[A-Z2-7]{16,}$`).MatchString(secret) || !strings.Contains(grouped, " ") {
		t.Fatalf("key shown as %q: want base32 in groups", grouped)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#totp`, code),
		submit(`form[action="/mfa/confirm"] button`),
		chromedp.WaitVisible(`#welcome`),
		// Sign out, and in again with password and a fresh code.
		submit(`#account button`),
		chromedp.WaitVisible(`#username`),
	)
	if err != nil {
		t.Fatalf("confirming enrolment: %v", err)
	}
	// The code just used is spent; the next time step's is accepted (the
	// server allows one step of clock drift), so nothing waits for it.
	next, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#username`, "jbloggs"),
		chromedp.SendKeys(`#password`, password),
		chromedp.SendKeys(`#totp`, next),
		submit(`button[type=submit]`),
		chromedp.WaitVisible(`#welcome`),
	)
	if err != nil {
		t.Fatalf("signing in with a TOTP code: %v", err)
	}
	if h := text(t, ctx, `h1`); !strings.Contains(h, "Jo Bloggs") {
		t.Errorf("landed on %q", h)
	}
	shot(t, ctx, "signed-in-after-mfa.png")
}
