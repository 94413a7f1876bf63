package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/web"
)

// signInFrom sends one sign-in from addr, through the API or (page) the form.
func signInFrom(t testing.TB, srv http.Handler, addr string, page bool, user, pw, code string) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if page {
		form := url.Values{"username": {user}, "password": {pw}, "totp": {code}}
		req = httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		body, _ := json.Marshal(map[string]string{"username": user, "password": pw, "totp": code})
		req = httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// auditSeq is the number of the newest audit entry.
func auditSeq(t testing.TB, db *store.DB) int64 {
	t.Helper()
	p, err := db.AuditEntries(ctx, store.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) == 0 {
		return 0
	}
	return p.Entries[0].Seq
}

func retryAfter(t testing.TB, rec *httptest.ResponseRecorder) time.Duration {
	t.Helper()
	n, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || n < 1 {
		t.Fatalf("%d without a usable Retry-After (%q): %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	return time.Duration(n) * time.Second
}

// TestSignInDelaysInsteadOfLockout: repeated failures on a username slow
// it down, never for more than a minute, so an outsider cannot lock its
// owner out; the delays are the same whether or not the username exists;
// and the owner is told at the next sign-in how many attempts failed.
func TestSignInDelaysInsteadOfLockout(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		const failures = 20
		// trace makes `failures` wrong guesses at user, waiting whenever
		// told to, and returns what each answer said.
		trace := func(user, addr string) []string {
			var out []string
			for checked := 0; checked < failures; {
				rec := signInFrom(t, f.srv, addr, false, user, "wrong password guess", "123456")
				switch rec.Code {
				case 401:
					checked++
					out = append(out, "401 "+decode(t, rec)["detail"].(string))
				case 429:
					wait := retryAfter(t, rec)
					if wait > time.Minute {
						t.Fatalf("attempt on %s told to wait %v: longer than a minute is a lockout", user, wait)
					}
					if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
						t.Errorf("429 as %q", ct)
					}
					out = append(out, fmt.Sprintf("429 %v %s", wait, decode(t, rec)["detail"]))
					f.now = f.now.Add(wait)
				default:
					t.Fatalf("attempt on %s: %d %s", user, rec.Code, rec.Body)
				}
			}
			return out
		}
		known := trace("handler", "198.51.100.1:4000")
		unknown := trace("nobody-here", "198.51.100.2:4000")
		if strings.Join(known, "\n") != strings.Join(unknown, "\n") {
			t.Errorf("a real username and an unknown one are slowed differently:\n%s\n---\n%s",
				strings.Join(known, "\n"), strings.Join(unknown, "\n"))
		}
		if !strings.Contains(strings.Join(known, "\n"), "429") {
			t.Fatalf("%d failures in a row were never slowed:\n%s", failures, strings.Join(known, "\n"))
		}

		// The owner waits at most a minute, then signs in, and is told.
		signInNow := func(addr string, page bool) *httptest.ResponseRecorder {
			code, _ := totp.GenerateCode(f.secrets[access.Handler], f.now)
			return signInFrom(t, f.srv, addr, page, "handler", testPassword, code)
		}
		f.now = f.now.Add(time.Minute)
		rec := signInNow("203.0.113.7:5000", false)
		if rec.Code != 200 {
			t.Fatalf("owner after a minute's wait: %d %s", rec.Code, rec.Body)
		}
		if got := decode(t, rec)["failed_sign_ins_since_last"]; got != float64(failures) {
			t.Errorf("failed_sign_ins_since_last = %v, want %d", got, failures)
		}
		c := &client{f: f}
		for _, ck := range rec.Result().Cookies() {
			c.cookie = ck.Value
		}
		if got := decode(t, c.do(t, "GET", "/api/v1/session", "", ""))["failed_sign_ins_since_last"]; got != float64(failures) {
			t.Errorf("GET /api/v1/session: failed_sign_ins_since_last = %v, want %d", got, failures)
		}
		if home := c.do(t, "GET", "/", "", "").Body.String(); !strings.Contains(home, `id="failed-sign-ins"`) ||
			!strings.Contains(home, fmt.Sprintf("%d failed sign-in attempts", failures)) {
			t.Errorf("the start page does not tell the owner of %d failed attempts", failures)
		}
		// Told once: the next sign-in, through the form, has nothing to tell.
		f.now = f.now.Add(time.Minute)
		rec = signInNow("203.0.113.7:5001", true)
		if rec.Code != 303 {
			t.Fatalf("second sign-in through the form: %d %s", rec.Code, rec.Body)
		}
		c.cookie = rec.Result().Cookies()[0].Value
		if home := c.do(t, "GET", "/", "", "").Body.String(); strings.Contains(home, `id="failed-sign-ins"`) {
			t.Error("the start page still warns after a sign-in with no failures before it")
		}
	})
}

// TestSignInLimitsPerAddressAndGlobal: one address is cut off after its
// allowance, with 429 and Retry-After on the API and the form, leaving no
// trace but the audit entries of the attempts that were checked; another
// address still signs in; and many addresses together meet the global
// limit, which refills with time.
func TestSignInLimitsPerAddressAndGlobal(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		const flooder = "198.51.100.9:6000"
		before := auditSeq(t, f.db)
		checked := 0
		var refused *httptest.ResponseRecorder
		for i := 0; i < 200 && refused == nil; i++ {
			rec := signInFrom(t, f.srv, flooder, false, fmt.Sprintf("guess-%d", i), "wrong password guess", "")
			switch rec.Code {
			case 401:
				checked++
			case 429:
				refused = rec
			default:
				t.Fatalf("attempt %d: %d %s", i, rec.Code, rec.Body)
			}
		}
		if refused == nil {
			t.Fatal("200 attempts from one address, none refused")
		}
		retryAfter(t, refused)
		if d := decode(t, refused)["detail"].(string); !strings.Contains(d, "your address") ||
			refused.Header().Get("Content-Type") != "application/problem+json" || len(refused.Result().Cookies()) != 0 {
			t.Errorf("per-address refusal: %s %q", refused.Header().Get("Content-Type"), d)
		}
		form := signInFrom(t, f.srv, flooder, true, "handler", testPassword, "")
		if form.Code != 429 || !strings.Contains(form.Body.String(), "too many sign-in attempts from your address") {
			t.Errorf("form from the flooding address: %d %s", form.Code, form.Body)
		}
		retryAfter(t, form)
		if added := auditSeq(t, f.db) - before; added != int64(checked) {
			t.Errorf("%d attempts checked but %d audit entries written: refusals must leave none", checked, added)
		}

		code, _ := totp.GenerateCode(f.secrets[access.Handler], f.now)
		if rec := signInFrom(t, f.srv, "203.0.113.20:7000", false, "handler", testPassword, code); rec.Code != 200 {
			t.Fatalf("sign-in from another address: %d %s", rec.Code, rec.Body)
		}

		// Many addresses, one attempt each, meet the global limit.
		var global *httptest.ResponseRecorder
		for i := 0; i < 500 && global == nil; i++ {
			rec := signInFrom(t, f.srv, fmt.Sprintf("10.1.%d.%d:8000", i/250, i%250), false, fmt.Sprintf("spread-%d", i), "wrong password guess", "")
			if rec.Code == 429 {
				global = rec
			}
		}
		if global == nil {
			t.Fatal("500 attempts from 500 addresses in the same instant, none refused")
		}
		retryAfter(t, global)
		if d := decode(t, global)["detail"].(string); !strings.Contains(d, "at the moment") {
			t.Errorf("global refusal says %q", d)
		}
		f.now = f.now.Add(time.Minute)
		code, _ = totp.GenerateCode(f.secrets[access.Investigator], f.now)
		if rec := signInFrom(t, f.srv, "203.0.113.21:7000", false, "investigator", testPassword, code); rec.Code != 200 {
			t.Fatalf("a minute after the global limit: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestSignInFloodBoundsHashes floods the sign-in doors and counts the
// password hashes running at once: never more than the slots, while a
// legitimate sign-in from another address gets through mid-flood.
func TestSignInFloodBoundsHashes(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		// A hasher slow enough that hashes overlap when nothing bounds
		// them (unknown usernames cost one hash with these parameters).
		slow := access.Hasher{Params: access.PasswordParams{MemoryKiB: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
		srv := web.New(web.Deps{DB: f.db, Clock: func() time.Time { return f.now }, RequireMFA: true, Hasher: slow})

		flood := func(n, concurrency int, addr func(i int) string, user func(i int) string, midway func()) map[int]int {
			var mu sync.Mutex
			codes := map[int]int{}
			var done atomic.Int64
			sem := make(chan struct{}, concurrency)
			var wg sync.WaitGroup
			var once sync.Once
			for i := range n {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					rec := signInFrom(t, srv, addr(i), i%2 == 0, user(i), "wrong password guess", "")
					if rec.Code == 429 || rec.Code == 503 {
						if rec.Header().Get("Retry-After") == "" {
							t.Errorf("%d without Retry-After", rec.Code)
						}
					}
					mu.Lock()
					codes[rec.Code]++
					mu.Unlock()
					if done.Add(1) == int64(n/3) && midway != nil {
						once.Do(midway)
					}
				}()
			}
			wg.Wait()
			return codes
		}

		// 600 bad sign-ins from one address, 200 at a time, half through
		// the form; a third of the way in, someone else signs in.
		var legit int
		codes := flood(600, 200, func(int) string { return "198.51.100.50:9000" },
			func(i int) string {
				if i%3 == 0 {
					return "handler"
				}
				return fmt.Sprintf("guess-%d", i)
			},
			func() {
				code, _ := totp.GenerateCode(f.secrets[access.Investigator], f.now)
				legit = signInFrom(t, srv, "203.0.113.30:9100", false, "investigator", testPassword, code).Code
			})
		if legit != 200 {
			t.Errorf("legitimate sign-in during the flood: %d", legit)
		}
		if codes[200]+codes[303] != 0 || codes[429] < 500 {
			t.Errorf("flood from one address answered %v: want nearly all 429, none signed in", codes)
		}
		peak, slots := srv.PeakConcurrentHashes(), int64(web.HashSlots())
		// The memory the slots may hold at once with production parameters:
		// at most 80 MiB, so that with the collector's headroom (twice the
		// live heap) the process stays under 300 MB (see hashSlots).
		if held := slots * int64(access.DefaultParams.MemoryKiB) << 10; held > 80<<20 {
			t.Errorf("%d hashing slots hold %d MiB at once: over the 80 MiB budget", slots, held>>20)
		}
		if peak < 1 || peak > slots {
			t.Errorf("one-address flood: peak concurrent hashes %d, slots %d", peak, slots)
		}

		// 200 at once from 200 addresses: past the per-address limit, so
		// the hashing slots alone stand between the flood and memory.
		codes = flood(200, 200, func(i int) string { return fmt.Sprintf("10.2.0.%d:9000", i) },
			func(i int) string { return fmt.Sprintf("spread-%d", i) }, nil)
		if codes[200]+codes[303] != 0 || codes[401] == 0 {
			t.Errorf("flood from many addresses answered %v", codes)
		}
		for status := range codes {
			if status != 401 && status != 429 && status != 503 {
				t.Errorf("flood from many addresses answered %v: %d is not a refusal", codes, status)
			}
		}
		if peak = srv.PeakConcurrentHashes(); peak < 1 || peak > slots {
			t.Errorf("many-address flood: peak concurrent hashes %d, slots %d", peak, slots)
		}
		t.Logf("peak concurrent hashes %d of %d slots; answers %v", peak, slots, codes)
	})
}

// peakRSS reads the process's peak resident set (VmHWM) in bytes; reset
// clears it first (Linux: writing 5 to clear_refs), so that each run of a
// benchmark measures its own peak. 0 where /proc is not available.
func peakRSS(reset bool) int64 {
	if reset {
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkSignInFlood sends 600 bad sign-ins, 200 at a time, with the
// production argon2id parameters, and reports the wall time, the peak
// resident memory and the most hashes that ran at once. "one-address" is
// the flood as an attacker with one address sends it; "unlimited" lifts
// the address and global limits so that every attempt is hashed, which
// measures what the hashing slots alone bound. Run with -benchtime 1x.
func BenchmarkSignInFlood(b *testing.B) {
	for _, tc := range []struct {
		name   string
		lifted bool
	}{{"one-address", false}, {"unlimited", true}} {
		b.Run(tc.name, func(b *testing.B) {
			f := benchFixture(b)
			var wall time.Duration
			var peak, rss int64
			for range b.N {
				srv := web.New(web.Deps{DB: f.db, Clock: func() time.Time { return f.now }, RequireMFA: true})
				if tc.lifted {
					srv.LiftSignInRateLimits()
				}
				peakRSS(true)
				start := time.Now()
				sem := make(chan struct{}, 200)
				var wg sync.WaitGroup
				for i := range 600 {
					wg.Add(1)
					sem <- struct{}{}
					go func() {
						defer wg.Done()
						defer func() { <-sem }()
						rec := signInFrom(b, srv, "198.51.100.77:9000", false, fmt.Sprintf("guess-%d", i), "wrong password guess", "")
						if rec.Code == 200 {
							b.Errorf("a bad sign-in succeeded")
						}
					}()
				}
				wg.Wait()
				wall += time.Since(start)
				peak = max(peak, srv.PeakConcurrentHashes())
				rss = max(rss, peakRSS(false))
			}
			b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "wall-ms/flood")
			b.ReportMetric(float64(rss>>20), "peak-RSS-MiB")
			b.ReportMetric(float64(peak), "peak-hashes")
		})
	}
}
