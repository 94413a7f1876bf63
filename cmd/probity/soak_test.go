package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/probity/probity/internal/demo"
)

// TestSoak holds a running `probity demo` (PROBITY_SOAK_URL, started by
// ./scripts/soak) under a steady rate of mixed traffic for a while and
// reports, for each kind of request and in all, the errors and the
// latency percentiles; it fails when any request failed or the p99 of
// all is 500 ms or more. It runs only when PROBITY_SOAK_URL is set, so
// never in ./scripts/test.
//
//	PROBITY_SOAK_URL       the demo's address, e.g. http://127.0.0.1:8080
//	PROBITY_DEMO_PASSWORD  the demo accounts' password
//	PROBITY_SOAK_DURATION  how long (default 10m)
//	PROBITY_SOAK_RATE      requests per second (default 50)
//
// The demo must trust X-Forwarded-For from the load (--trusted-proxy
// 127.0.0.1/32): each simulated member of the public or of staff comes
// from an address of its own, as they would in life, so the per-address
// limits on complaints and sign-ins apply to each of them, not to the
// whole load as to one flood.
func TestSoak(t *testing.T) {
	base := strings.TrimSuffix(os.Getenv("PROBITY_SOAK_URL"), "/")
	if base == "" {
		t.Skip("PROBITY_SOAK_URL is not set: the soak runs from ./scripts/soak")
	}
	password := os.Getenv("PROBITY_DEMO_PASSWORD")
	duration := 10 * time.Minute
	if v := os.Getenv("PROBITY_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("PROBITY_SOAK_DURATION: %q is not a duration such as 90s or 10m", v)
		}
		duration = d
	}
	rate := 50
	if v := os.Getenv("PROBITY_SOAK_RATE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("PROBITY_SOAK_RATE: %q is not a positive whole number", v)
		}
		rate = n
	}

	// The head of professional standards sees every case: the lists and
	// pages below are of the whole force.
	cookie := soakSignIn(t, base, "psd-head", password)
	ids := soakCaseIDs(t, base, cookie)
	mix := soakMix(base, cookie, password, ids)
	var weights []int
	total := 0
	for _, k := range mix {
		total += k.weight
		weights = append(weights, total)
	}
	var seq atomic.Uint64
	targeter := func(tgt *vegeta.Target) error {
		n := seq.Add(1)
		pick := rand.IntN(total)
		k := mix[slices.IndexFunc(weights, func(w int) bool { return pick < w })]
		*tgt = k.target(n)
		if tgt.Header == nil {
			tgt.Header = http.Header{}
		}
		tgt.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&0xff, n>>8&0xff, n&0xff|1))
		return nil
	}

	attacker := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true), vegeta.MaxWorkers(500))
	byKind := map[string]*vegeta.Metrics{}
	var all vegeta.Metrics
	failed := 0
	t.Logf("soak: %d requests/s for %s against %s", rate, duration, base)
	for res := range attacker.Attack(targeter, vegeta.Rate{Freq: rate, Per: time.Second}, duration, "soak") {
		kind := soakKindOf(res)
		m := byKind[kind]
		if m == nil {
			m = &vegeta.Metrics{}
			byKind[kind] = m
		}
		m.Add(res)
		all.Add(res)
		if res.Error != "" {
			if failed++; failed <= 10 {
				t.Logf("%s failed: %s (%d) %.200s", kind, res.Error, res.Code, res.Body)
			}
		}
	}
	all.Close()
	var report strings.Builder
	fmt.Fprintf(&report, "%-12s %8s %7s %8s %8s %8s %8s  %s\n", "kind", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "status codes")
	row := func(name string, m *vegeta.Metrics) {
		errs := m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
		fmt.Fprintf(&report, "%-12s %8d %7d %8.1f %8.1f %8.1f %8.1f  %v\n", name, m.Requests, errs,
			ms(m.Latencies.P50), ms(m.Latencies.P95), ms(m.Latencies.P99), ms(m.Latencies.Max), m.StatusCodes)
	}
	for _, k := range mix {
		if m := byKind[k.name]; m != nil {
			m.Close()
			row(k.name, m)
		}
	}
	row("all", &all)
	fmt.Fprintf(&report, "rate achieved %.1f/s over %s\n", all.Rate, all.Duration.Round(time.Second))
	t.Logf("soak results:\n%s", report.String())
	if f := os.Getenv("PROBITY_SOAK_REPORT"); f != "" {
		if err := os.WriteFile(f, []byte(report.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	if all.Success < 1 {
		t.Errorf("%d of %d requests failed (the first are logged above)", all.Requests-uint64(float64(all.Requests)*all.Success+0.5), all.Requests)
	}
	if all.Latencies.P99 >= 500*time.Millisecond {
		t.Errorf("p99 %s, want under 500ms", all.Latencies.P99)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// soakKind is one kind of request in the mix, with its share.
type soakKind struct {
	name   string
	weight int
	target func(n uint64) vegeta.Target
}

// soakMix is the traffic: the public complaining and reading the
// figures, staff signing in, listing and searching cases, and opening
// them.
func soakMix(base, cookie, password string, ids []string) []soakKind {
	staff := http.Header{"Cookie": {"probity_session=" + cookie}}
	return []soakKind{
		{"intake", 10, func(n uint64) vegeta.Target {
			body, _ := json.Marshal(map[string]any{
				"what_happened":       fmt.Sprintf("Soak complaint %d: the officer would not give a name when asked.", n),
				"happened_on":         time.Now().AddDate(0, 0, -3).Format(time.DateOnly),
				"where":               "High Street",
				"handling_preference": "formal",
				"name":                "Soak Tester",
				"email":               fmt.Sprintf("soak%d@example.org", n),
				"consent_to_contact":  true,
			})
			return vegeta.Target{Method: "POST", URL: base + "/api/v1/complaints", Body: body, Header: http.Header{
				"Content-Type": {"application/json"}, "Idempotency-Key": {fmt.Sprintf("soak-%d-%d", time.Now().UnixNano(), n)}}}
		}},
		{"sign-in", 2, func(n uint64) vegeta.Target {
			// Each account in turn: a username's attempts are counted until
			// they end, and one account is not signed in every second.
			accounts := demo.Accounts()
			user := accounts[n%uint64(len(accounts))].Username
			body, _ := json.Marshal(map[string]string{"username": user, "password": password})
			return vegeta.Target{Method: "POST", URL: base + "/api/v1/session", Body: body, Header: http.Header{"Content-Type": {"application/json"}}}
		}},
		{"case-list", 30, func(n uint64) vegeta.Target {
			url := base + "/cases"
			if n%2 == 0 {
				url = base + "/api/v1/cases?q=custody"
			}
			return vegeta.Target{Method: "GET", URL: url, Header: staff.Clone()}
		}},
		{"case-page", 30, func(uint64) vegeta.Target {
			return vegeta.Target{Method: "GET", URL: base + "/cases/" + ids[rand.IntN(len(ids))], Header: staff.Clone()}
		}},
		{"portal", 28, func(uint64) vegeta.Target {
			return vegeta.Target{Method: "GET", URL: base + "/public"}
		}},
	}
}

// soakKindOf names the kind of request a result answered, from its
// method and path.
func soakKindOf(res *vegeta.Result) string {
	path := res.URL
	if i := strings.Index(path, "://"); i >= 0 {
		if j := strings.Index(path[i+3:], "/"); j >= 0 {
			path = path[i+3+j:]
		}
	}
	path, _, _ = strings.Cut(path, "?")
	switch {
	case res.Method == "POST" && path == "/api/v1/complaints":
		return "intake"
	case res.Method == "POST" && path == "/api/v1/session":
		return "sign-in"
	case strings.HasPrefix(path, "/cases/"):
		return "case-page"
	case path == "/cases" || path == "/api/v1/cases":
		return "case-list"
	case strings.HasPrefix(path, "/public"):
		return "portal"
	}
	return "other"
}

func soakSignIn(t *testing.T, base, user, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	resp, err := http.Post(base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("signing in as %s: %d %s", user, resp.StatusCode, b)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "probity_session" {
			return c.Value
		}
	}
	t.Fatalf("signing in as %s gave no session cookie", user)
	return ""
}

func soakCaseIDs(t *testing.T, base, cookie string) []string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/cases?limit=200", nil)
	req.AddCookie(&http.Cookie{Name: "probity_session", Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != 200 {
		t.Fatalf("listing cases: %d %v", resp.StatusCode, err)
	}
	var ids []string
	for _, c := range page.Items {
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		t.Fatal("the demo has no cases to open")
	}
	return ids
}
