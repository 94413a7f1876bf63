// Package web is Probity's HTTP adapter: routes, middleware, JSON API and
// pages. Handlers parse and validate at the edge, then call the domain and
// the store; they hold no rules of their own.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/probity/probity/internal/store"
)

// Clock tells the time; tests inject a fixed one.
type Clock func() time.Time

// Deps is what the web adapter needs from the rest of Probity.
type Deps struct {
	DB     *store.DB
	Logger *slog.Logger
	Clock  Clock
}

// Server serves Probity over HTTP.
type Server struct {
	db    *store.DB
	log   *slog.Logger
	clock Clock
	mux   *http.ServeMux
}

// New builds the server and its routes.
func New(d Deps) *Server {
	s := &Server{db: d.DB, log: d.Logger, clock: d.Clock, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	return s
}

// ServeHTTP answers every request through the common middleware.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.withMiddleware(s.mux).ServeHTTP(w, r)
}

// route is one entry of the routing table. Every route names its access
// policy, so that a route cannot exist without one.
type route struct {
	Method  string
	Pattern string
	Policy  string // "public" for routes anyone may call
	Handler http.HandlerFunc
}

func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", "public", s.healthz},
		{"GET", "/readyz", "public", s.readyz},
	}
}

// Routes lists the method and pattern of every route, for tests and the
// API description.
func (s *Server) Routes() []string {
	var out []string
	for _, rt := range s.routes() {
		out = append(out, rt.Method+" "+rt.Pattern)
	}
	return out
}

func (s *Server) withMiddleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.ServeHTTP(w, r)
	})
}

// healthz says the process is up; it touches nothing else so that a slow
// database does not make an orchestrator kill a healthy process.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether Probity can serve: the database answers and its
// schema is exactly what this binary expects.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	unready := func(reason string) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
	}
	if err := s.db.Ping(ctx); err != nil {
		unready("database unreachable")
		return
	}
	st, err := s.db.Schema(ctx)
	switch {
	case err != nil:
		unready("schema version unreadable")
	case st.Pending():
		unready(fmt.Sprintf("migrations pending: database at version %d, binary expects %d", st.Current, st.Latest))
	case st.Newer():
		unready(fmt.Sprintf("database schema is newer than this binary: version %d, binary knows %d", st.Current, st.Latest))
	default:
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "engine": s.db.Dialect(), "schema": st.Current})
	}
}
