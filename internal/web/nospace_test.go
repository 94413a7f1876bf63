package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/probity/probity/internal/fault"
)

// A database with no space left answers 507 Insufficient Storage, as
// problem+json that says why; the cause stays in the log.
func TestNoSpaceAnswers507(t *testing.T) {
	cause := errors.New("sqlite: database or disk is full (13) at /var/lib/probity/probity.db")
	err := fmt.Errorf("creating case: %w", fault.Wrap(fault.NoSpace, cause, "the database has no space left to store this; nothing was saved: try again later"))
	w := httptest.NewRecorder()
	writeError(w, httptest.NewRequest("POST", "/api/v1/complaints", nil), slog.New(slog.DiscardHandler), err)
	if w.Code != http.StatusInsufficientStorage || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Content-Type"))
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != 507 || p.Title != "Insufficient Storage" || p.Detail != "the database has no space left to store this; nothing was saved: try again later" {
		t.Errorf("%+v", p)
	}
	if got := w.Body.String(); strings.Contains(got, "/var/lib") || strings.Contains(got, "sqlite") {
		t.Errorf("the cause leaks: %s", got)
	}
}

// A database that cannot be reached answers 503 with the time to try
// again, as problem+json and as a page; a handler that knows its own wait
// (a throttle) keeps it; a full disk names no time, since space returns
// when an operator makes it.
func TestUnavailableSaysWhenToRetry(t *testing.T) {
	unavailable := fmt.Errorf("reading: %w", fault.Wrap(fault.Unavailable, errors.New("dial tcp 10.0.0.5:5432: connection refused"),
		"the database cannot be reached just now: try again in a few seconds"))
	noSpace := fault.Wrap(fault.NoSpace, errors.New("disk full"), "the database has no space left")
	s := &Server{log: slog.New(slog.DiscardHandler)}
	for _, tc := range []struct {
		name   string
		err    error
		page   bool
		preset string
		status int
		retry  string
	}{
		{"API, unavailable", unavailable, false, "", 503, "5"},
		{"page, unavailable", unavailable, true, "", 503, "5"},
		{"API, a wait of its own", unavailable, false, "30", 503, "30"},
		{"API, no space", noSpace, false, "", 507, ""},
		{"page, no space", noSpace, true, "", 507, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if tc.preset != "" {
				w.Header().Set("Retry-After", tc.preset)
			}
			r := httptest.NewRequest("GET", "/cases", nil)
			if tc.page {
				s.failPage(w, r, tc.err)
			} else {
				writeError(w, r, s.log, tc.err)
			}
			if w.Code != tc.status || w.Header().Get("Retry-After") != tc.retry {
				t.Errorf("%d, Retry-After %q; want %d, %q", w.Code, w.Header().Get("Retry-After"), tc.status, tc.retry)
			}
			if strings.Contains(w.Body.String(), "10.0.0.5") || !strings.Contains(w.Body.String(), "the database") {
				t.Errorf("body: %s", w.Body)
			}
		})
	}
}
