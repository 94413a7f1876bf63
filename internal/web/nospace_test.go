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
