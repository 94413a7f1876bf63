package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
)

// TestMetricsAndRequestIDs: every answer carries a request id (a proxy's
// kept when well formed, replaced when not), the id is on the log line of
// the request; /metrics counts requests by route pattern and status
// without the paths or queries callers typed, reports the pools and the
// audit log's length, and is the administrator's alone.
func TestMetricsAndRequestIDs(t *testing.T) {
	eachFixture(t, true, func(t *testing.T, f *fixture) {
		h := f.login(t, access.Handler)
		for range 3 {
			h.do(t, "GET", "/api/v1/cases?q=Smithson", "", "")
		}
		h.do(t, "GET", "/api/v1/cases/"+f.cases[relOtherUnit], "", "")
		resp := h.doWith(t, "GET", "/healthz", map[string]string{"X-Request-Id": "proxy-abc-123"})
		if got := resp.Header().Get("X-Request-Id"); got != "proxy-abc-123" {
			t.Errorf("a proxy's request id: answered %q", got)
		}
		resp = h.doWith(t, "GET", "/healthz", map[string]string{"X-Request-Id": "bad id\nwith a newline"})
		if got := resp.Header().Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(got) {
			t.Errorf("a malformed request id was not replaced: %q", got)
		}
		if !strings.Contains(f.logs.String(), `"request_id":"proxy-abc-123"`) {
			t.Errorf("no log line carries the request id:\n%s", f.logs.String())
		}

		admin := f.login(t, access.Admin)
		m := admin.do(t, "GET", "/metrics", "", "")
		body := m.Body.String()
		if m.Code != 200 || !strings.HasPrefix(m.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
			t.Fatalf("metrics: %d %s\n%s", m.Code, m.Header().Get("Content-Type"), body)
		}
		for _, want := range []string{
			`probity_http_requests_total{route="GET /api/v1/cases",code="200"} 3`,
			`probity_http_requests_total{route="GET /api/v1/cases/{id}",code="403"} 1`,
			`probity_http_request_duration_seconds_count{route="GET /api/v1/cases"} 3`,
			`probity_http_request_duration_seconds_bucket{route="GET /api/v1/cases",le="+Inf"} 3`,
			`probity_http_in_flight 1`,
			`probity_db_connections_max{pool=`,
			`# TYPE probity_audit_entries gauge`,
			`probity_store_queue_depth{queue="write"} 0`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		checkExposition(t, body)
		if strings.Contains(body, "Smithson") || strings.Contains(body, f.cases[relOtherUnit]) {
			t.Error("metrics carry what a caller typed")
		}
		if !regexp.MustCompile(`probity_audit_entries [1-9]\d*\n`).MatchString(body) {
			t.Error("the audit log's length is not reported")
		}
		if c := h.do(t, "GET", "/metrics", "", ""); c.Code != 403 {
			t.Errorf("a handler reading metrics: %d", c.Code)
		}
	})
}

// checkExposition checks every line is a comment or a sample in
// Prometheus' text format, and that every sample's metric has a TYPE.
func checkExposition(t *testing.T, body string) {
	t.Helper()
	sample := regexp.MustCompile(`^([a-z_]+?)(_bucket|_sum|_count)?(\{[a-z_]+="[^"\n]*"(,[a-z_]+="[^"\n]*")*\})? (-?[0-9.e+]+|\+Inf)$`)
	typed := map[string]bool{}
	for line := range strings.SplitSeq(strings.TrimSuffix(body, "\n"), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			typed[strings.Fields(name)[0]] = true
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := sample.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a sample in the text format: %q", line)
			continue
		}
		if !typed[m[1]] && !typed[m[1]+m[2]] {
			t.Errorf("sample of a metric with no TYPE: %q", line)
		}
	}
}
