package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/probity/probity/internal/fault"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail,omitempty"`
	Errors []fault.FieldError `json:"errors,omitempty"`
	// Extra members some problems carry (e.g. a case's state and the
	// actions allowed in it).
	Extra map[string]any `json:"-"`
}

// MarshalJSON flattens Extra into the body, as RFC 9457 extension members.
func (p Problem) MarshalJSON() ([]byte, error) {
	m := map[string]any{"type": p.Type, "title": p.Title, "status": p.Status}
	if p.Detail != "" {
		m["detail"] = p.Detail
	}
	if len(p.Errors) > 0 {
		m["errors"] = p.Errors
	}
	for k, v := range p.Extra {
		if _, taken := m[k]; !taken {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// statusOf maps an error kind to an HTTP status: the one place where the
// domain's errors meet HTTP.
func statusOf(k fault.Kind) int {
	switch k {
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Conflict:
		return http.StatusConflict
	case fault.Unauthenticated:
		return http.StatusUnauthorized
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
	case fault.Unsupported:
		return http.StatusUnsupportedMediaType
	case fault.NoSpace:
		return http.StatusInsufficientStorage
	}
	return http.StatusInternalServerError
}

// writeError answers with a problem+json body for err. Internal errors are
// logged with their cause and shown to the caller only as a generic
// message, so that no SQL or file path leaks out.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	kind := fault.KindOf(err)
	status := statusOf(kind)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	var fe *fault.Error
	if kind != fault.Internal && errors.As(err, &fe) {
		p.Detail = fe.Message
		p.Errors = fe.Fields
	}
	if status >= 500 {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		if kind == fault.Internal {
			p.Detail = "something went wrong on our side; it has been logged"
		}
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	retryUnavailable(w, p.Status)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// unavailableRetryAfter is when a client refused with 503 is told to try
// again: the database restarts or fails over in seconds.
const unavailableRetryAfter = "5"

// retryUnavailable tells a client refused with 503 when to try again,
// unless the handler has already said (a throttle knows its own wait).
// Every problem and every page answered with 503 passes through here.
func retryUnavailable(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", unavailableRetryAfter)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
