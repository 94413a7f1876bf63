package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// TestSmallPoolServesConcurrentRequests opens the store with a pool of
// one connection (N = 1) and sends N+1 requests at once of each kind that
// reads beside a transaction or an audit entry: the case page (reads, then
// its audited read through the group committer), a hearing notice drafted
// (reads the officer beside its transaction) and a notice to the chief
// officer (reads the requirements beside its transaction). Every one must
// be answered. A request that held one connection of the pool while it
// waited for another would wait here for ever, whatever the timing; the
// deadline only turns that wait into a failure.
func TestSmallPoolServesConcurrentRequests(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := freshFixtureWith(t, e, true, store.Options{MaxConns: 1})
			caseID := f.cases[relSameUnit]
			toHearing(t, f, caseID)
			aa, ob := f.login(t, access.Authority), f.login(t, access.Oversight)
			type call struct {
				name         string
				c            *client
				method, path string
				body         string
				want         int
			}
			notice := strings.Replace(strings.Replace(outcomeBody, "%s", caseID, 1), "%s", f.subject, 1)
			var calls []call
			for range 2 {
				calls = append(calls,
					call{"case page", aa, "GET", "/cases/" + caseID, "", http.StatusOK},
					call{"hearing notice", aa, "POST", "/api/v1/hearing-notices", notice, http.StatusCreated},
					call{"notice to the chief officer", ob, "POST", "/api/v1/oversight/notices",
						`{"reasons":"Overdue cases.","requirement_ids":["aaaaaaaaaaaaaaaaaaaaaaaaaa"]}`, http.StatusUnprocessableEntity})
			}
			// The requests' own context ends when the test gives up, so that
			// a stuck request lets go of its connection and the test ends.
			reqCtx, cancel := context.WithCancel(context.Background())
			defer cancel()
			codes := make([]int, len(calls))
			var wg sync.WaitGroup
			for i, c := range calls {
				wg.Go(func() {
					req := httptest.NewRequestWithContext(reqCtx, c.method, c.path, strings.NewReader(c.body))
					if c.body != "" {
						req.Header.Set("Content-Type", "application/json")
					}
					req.AddCookie(&http.Cookie{Name: "probity_session", Value: c.c.cookie})
					rec := httptest.NewRecorder()
					f.srv.ServeHTTP(rec, req)
					codes[i] = rec.Code
				})
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(time.Minute):
				cancel()
				<-done
				t.Fatalf("with a pool of one connection, %d requests at once were not all answered (codes %v)", len(calls), codes)
			}
			for i, c := range calls {
				if codes[i] != c.want {
					t.Errorf("%s: %d, want %d", c.name, codes[i], c.want)
				}
			}
		})
	}
}
