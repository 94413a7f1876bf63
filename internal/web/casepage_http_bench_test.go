package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/probity/probity/internal/access"
)

// pageClients is how many connections each benchmark below keeps busy per
// core: enough that the server, not the client loop, is what is measured.
const pageClients = 4

// BenchmarkCasePageHTTP serves the authenticated case page over a real
// connection to concurrent clients: everything a signed-in reader costs,
// from the socket to the rendered page and its audit entry.
func BenchmarkCasePageHTTP(b *testing.B) {
	f := benchFixture(b)
	caseID := caseWithHistory(b, f)
	cookie := f.login(b, access.Authority).cookie
	ts := httptest.NewServer(f.srv)
	b.Cleanup(ts.Close)
	page := getPage(b, ts.Client(), ts.URL+"/cases/"+caseID, cookie)
	runPageClients(b, ts, "/cases/"+caseID, cookie, len(page))
}

// BenchmarkBaselineFixedPageHTTP is a bare net/http handler writing a
// fixed page as large as the case page, over the same kind of connection
// to as many clients: what a page of that size costs with no work behind it.
func BenchmarkBaselineFixedPageHTTP(b *testing.B) {
	f := benchFixture(b)
	caseID := caseWithHistory(b, f)
	cookie := f.login(b, access.Authority).cookie
	real := httptest.NewServer(f.srv)
	page := getPage(b, real.Client(), real.URL+"/cases/"+caseID, cookie)
	real.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	b.Cleanup(ts.Close)
	runPageClients(b, ts, "/", cookie, len(page))
}

func getPage(b *testing.B, c *http.Client, url, cookie string) []byte {
	b.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "probity_session", Value: cookie})
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return body
}

// runPageClients fetches path from concurrent clients b.N times in all and
// reports requests per second and the page's size alongside ns/op.
func runPageClients(b *testing.B, ts *httptest.Server, path, cookie string, size int) {
	tr := ts.Client().Transport.(*http.Transport)
	tr.MaxIdleConnsPerHost = 64
	b.SetParallelism(pageClients)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := ts.Client()
		for pb.Next() {
			req, err := http.NewRequest("GET", ts.URL+path, nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.AddCookie(&http.Cookie{Name: "probity_session", Value: cookie})
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Errorf("GET %s: %d %v", path, resp.StatusCode, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(size), "bytes/page")
}
