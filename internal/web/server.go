// Package web is Probity's HTTP adapter: routes, middleware, JSON API and
// pages. Handlers parse and validate at the edge, then call the domain and
// the store; they hold no rules of their own.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/boards"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/store"
)

// Clock tells the time; tests inject a fixed one.
type Clock func() time.Time

// Deps is what the web adapter needs from the rest of Probity.
type Deps struct {
	// DB carries the audit log (store.DB.UseAuditLog): every change is
	// recorded through the transaction that makes it.
	DB     *store.DB
	Logger *slog.Logger
	Clock  Clock
	// Sessions holds the idle and absolute session timeouts.
	Sessions access.SessionPolicy
	// RequireMFA is true except in demo mode.
	RequireMFA bool
	Hasher     access.Hasher
	// ComplaintsPerMinute overrides the per-address limit on public
	// complaints (0 keeps the default), for a force whose public counter
	// sits behind one address.
	ComplaintsPerMinute int
	// SecureCookies marks cookies Secure even when TLS ends before Probity
	// (behind a proxy); cookies are always Secure on a TLS connection.
	SecureCookies bool
	// OIDC, when set, offers staff single sign-on (NewOIDC); nil for none.
	OIDC *OIDC
	// TrustedProxies are the networks of the proxies in front of Probity,
	// whose X-Forwarded-For names the client; none trusts no header.
	TrustedProxies []netip.Prefix
	// OversightLinks names the requirements and plans that accountability
	// boards' agenda items point at; nil names them only by kind.
	OversightLinks boards.Linked
}

// Server serves Probity over HTTP.
type Server struct {
	db            *store.DB
	log           *slog.Logger
	clock         Clock
	sessions      access.SessionPolicy
	requireMFA    bool
	hasher        access.Hasher
	secureCookies bool
	oidc          *OIDC
	proxies       trustedProxies
	handler       http.Handler
	metrics       serverMetrics
	ref           *cases.Reference
	calendar      *cases.Calendar
	// complaintLimit and statusLimit throttle the public complaint doors
	// per address: sending complaints, and checking one's status.
	complaintLimit *rateLimiter
	statusLimit    *rateLimiter
	// signIn limits sign-in attempts and the password hashes they cost.
	signIn *signInGuard
	// navPerm is each page's permission, for the service navigation.
	navPerm map[string]access.Permission
	// portal keeps the public figures of each year for the day.
	portal portalCache
	// measures computes every figure the pages and the API show, on the
	// server's clock (measuresNow).
	measures *measures.Service
	// liveFigures keeps the measures behind the oversight plans' live
	// figures for a minute (measurecache.go).
	liveFigures measureCache
	// links names what agenda items point at (Deps.OversightLinks).
	links boards.Linked
	// writes holds each user's last write position, for reads from
	// replicas (replicas.go).
	writes lastWrites
}

// New builds the server and its routes. It panics if a route names a
// permission the policy does not know: such a route must not exist.
func New(d Deps) *Server {
	s := &Server{db: d.DB, log: d.Logger, clock: d.Clock, sessions: d.Sessions,
		requireMFA: d.RequireMFA, hasher: d.Hasher, secureCookies: d.SecureCookies, proxies: d.TrustedProxies}
	s.links = d.OversightLinks
	if s.links == nil && d.DB != nil {
		s.links = storeLinks{d.DB}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = slog.New(requestIDHandler{s.log.Handler()})
	if s.clock == nil {
		s.clock = time.Now
	}
	// The clock is read through s so that a test that moves it moves the
	// measures too.
	s.measures = measures.New(s.db, func() time.Time { return s.clock() })
	if s.sessions == (access.SessionPolicy{}) {
		s.sessions = access.DefaultSessionPolicy
	}
	if s.hasher == (access.Hasher{}) {
		s.hasher = access.DefaultHasher
	}
	// Both are embedded data checked by their own tests; failing to load
	// them is a broken build, not a condition to serve through.
	var err error
	if s.ref, err = cases.LoadReference(); err != nil {
		panic(fmt.Sprintf("loading reference data: %v", err))
	}
	if s.calendar, err = cases.LoadCalendar(); err != nil {
		panic(fmt.Sprintf("loading the bank-holiday calendar: %v", err))
	}
	if d.OIDC != nil {
		s.oidc = d.OIDC.withClock(s.clock)
	}
	perMinute, burst := complaintsPerMinute, complaintsBurst
	if d.ComplaintsPerMinute > 0 {
		perMinute, burst = d.ComplaintsPerMinute, max(burst, d.ComplaintsPerMinute/3)
	}
	s.complaintLimit = newRateLimiter(perMinute, burst, s.clock)
	s.statusLimit = newRateLimiter(statusPerMinute, statusBurst, s.clock)
	s.signIn = newSignInGuard(s.clock)
	mux := http.NewServeMux()
	s.navPerm = navPermissions(s.routes())
	for _, rt := range s.routes() {
		if !access.Known(rt.Permission) {
			panic(fmt.Sprintf("route %s %s names unknown permission %q", rt.Method, rt.Pattern, rt.Permission))
		}
		mux.Handle(rt.Method+" "+rt.Pattern, named(rt, s.guard(rt)))
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, fault.Errorf(fault.NotFound, "no such page"))
	}))
	// Refuse state-changing requests that a browser sends from another
	// site; API clients that send no Origin or Sec-Fetch-Site pass.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, fault.Errorf(fault.Forbidden, "cross-origin request refused: state-changing requests must come from Probity's own pages or from API clients"))
	}))
	s.handler = s.observe(s.withMiddleware(cop.Handler(mux)))
	return s
}

// ServeHTTP answers every request through the common middleware.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// route is one entry of the routing table. Every route names the
// permission it needs, so no route can exist without a policy.
type route struct {
	Method     string
	Pattern    string
	Permission access.Permission
	Handler    http.HandlerFunc
	// Page routes answer browsers: HTML errors, and a redirect to the
	// sign-in page instead of a 401.
	Page bool
}

func (s *Server) routes() []route {
	return append([]route{
		{"GET", "/healthz", access.Public, s.healthz, false},
		{"GET", "/readyz", access.Public, s.readyz, false},
		{"GET", "/metrics", access.MetricsRead, s.metricsPage, false},
		{"GET", "/static/", access.Public, s.static, false},

		{"GET", "/login", access.Public, s.loginPage, true},
		{"POST", "/login", access.Public, s.loginForm, true},
		{"POST", "/logout", access.Enrolling, s.logoutForm, true},
		{"GET", "/mfa", access.Enrolling, s.mfaPage, true},
		{"POST", "/mfa/enrol", access.Enrolling, s.mfaEnrolForm, true},
		{"POST", "/mfa/confirm", access.Enrolling, s.mfaConfirmForm, true},
		{"GET", "/{$}", access.SignedIn, s.home, true},
		{"GET", "/cases", access.CaseRead, s.casesPageHandler, true},
		{"GET", "/cases.csv", access.CaseRead, s.casesCSV, true},
		{"GET", "/cases/new", access.CaseCreate, s.newCasePage, true},
		{"POST", "/cases/new", access.CaseCreate, s.newCaseForm, true},
		{"GET", "/cases/{id}", access.CaseRead, s.casePage, true},
		// The case page's forms (casepage.go, caseact.go, casegrant.go):
		// each needs what its API twin needs.
		{"GET", "/cases/{id}/act/{action}", access.CaseWork, s.actFormPage, true},
		{"POST", "/cases/{id}/act/{action}", access.CaseWork, s.actFormPost, true},
		{"GET", "/cases/{id}/steps/{step}", access.CaseWork, s.stepFormPage, true},
		{"POST", "/cases/{id}/steps/{step}", access.CaseWork, s.stepFormPost, true},
		{"POST", "/cases/{id}/notes", access.CaseWork, s.noteForm, true},
		{"POST", "/cases/{id}/documents", access.CaseWork, s.documentForm, true},
		{"GET", "/cases/{id}/documents/{doc}", access.CaseRead, s.documentPage, true},
		{"GET", "/cases/{id}/assign", access.CaseShare, s.grantFormPage, true},
		{"POST", "/cases/{id}/assign", access.CaseShare, s.grantForm, true},
		{"GET", "/cases/{id}/named-users", access.CaseShare, s.grantFormPage, true},
		{"POST", "/cases/{id}/named-users", access.CaseShare, s.grantForm, true},
		{"GET", "/cases/{id}/share", access.CaseShare, s.grantFormPage, true},
		{"POST", "/cases/{id}/share", access.CaseShare, s.grantForm, true},
		{"POST", "/cases/{id}/break-glass", access.CaseBreakGlass, s.breakGlassForm, true},
		{"GET", "/officers/{id}", access.OfficerRead, s.officerPageHandler, true},

		{"POST", "/api/v1/session", access.Public, s.createSession, false},
		{"GET", "/api/v1/session", access.Enrolling, s.me, false},
		{"DELETE", "/api/v1/session", access.Enrolling, s.deleteSession, false},
		{"POST", "/api/v1/mfa/enrol", access.Enrolling, s.startMFA, false},
		{"POST", "/api/v1/mfa/confirm", access.Enrolling, s.confirmMFA, false},
		{"GET", "/api/v1/openapi.json", access.Public, s.openAPI, false},
		{"GET", "/api/v1/reference", access.SignedIn, s.reference, false},
		{"GET", "/api/v1/units", access.SignedIn, s.listUnits, false},
		{"GET", "/api/v1/cases", access.CaseRead, s.listCases, false},
		{"POST", "/api/v1/cases", access.CaseCreate, s.recordCase, false},
		{"GET", "/api/v1/cases/{id}", access.CaseRead, s.getCase, false},
		{"POST", "/api/v1/cases/{id}/actions", access.CaseWork, s.act, false},
		{"POST", "/api/v1/cases/{id}/steps", access.CaseWork, s.recordStep, false},
		{"POST", "/api/v1/cases/{id}/notes", access.CaseWork, s.addNote, false},
		{"POST", "/api/v1/cases/{id}/assignments", access.CaseShare, s.assignCase, false},
		{"POST", "/api/v1/cases/{id}/named-users", access.CaseShare, s.nameOnCase, false},
		{"POST", "/api/v1/cases/{id}/share", access.CaseShare, s.shareCase, false},
		{"POST", "/api/v1/cases/{id}/documents", access.CaseWork, s.uploadDocument, false},
		{"GET", "/api/v1/cases/{id}/documents/{doc}", access.CaseRead, s.downloadDocument, false},
		{"GET", "/api/v1/officers", access.OfficerRead, s.listOfficers, false},
		{"GET", "/api/v1/officers/{id}", access.OfficerRead, s.getOfficer, false},
		{"POST", "/api/v1/cases/{id}/break-glass", access.CaseBreakGlass, s.breakGlass, false},
		{"GET", "/api/v1/break-glass", access.BreakGlassList, s.listBreakGlass, false},
		{"GET", "/api/v1/audit", access.AuditRead, s.listAudit, false},
		{"GET", "/api/v1/users", access.UsersAdmin, s.listUsers, false},

		// Early intervention (eis.go): the supervisor queue, reviews, and
		// the fairness report for the head of standards.
		{"GET", "/api/v1/eis/flags", access.EISRead, s.listFlags, false},
		{"GET", "/api/v1/eis/flags/{id}", access.EISRead, s.getFlag, false},
		{"POST", "/api/v1/eis/flags/{id}/review", access.EISReview, s.reviewFlag, false},
		{"GET", "/api/v1/eis/fairness", access.FairnessRead, s.fairness, false},
		{"GET", "/eis/fairness", access.FairnessRead, s.fairnessPage, true},
		// The statutory data return, counted by IOPC category code.
		{"GET", "/national-return", access.ReturnRead, s.nationalReturnPage, true},
		{"GET", "/national-return.csv", access.ReturnRead, s.nationalReturnCSV, false},
		{"GET", "/eis/flags", access.EISRead, s.flagsPageHandler, true},
		{"GET", "/eis/flags/{id}", access.EISRead, s.flagPageHandler, true},
		{"POST", "/eis/flags/{id}/review", access.EISReview, s.flagReviewForm, true},

		// The oversight body's list of the cases shared with it (shared.go);
		// each opens on the case page, read-only.
		{"GET", "/shared-cases", access.SharedCases, s.sharedCasesPageHandler, true},
		// The figures (measuresapi.go, dashboard.go): the measures API, the
		// dashboard and its CSV downloads.
		{"GET", "/api/v1/measures", access.MeasuresRead, s.listMeasures, false},
		{"GET", "/api/v1/measures/{id}", access.MeasuresRead, s.getMeasure, false},
		{"GET", "/dashboard", access.MeasuresRead, s.dashboardPage, true},
		{"GET", "/dashboard/{file}", access.MeasuresRead, s.dashboardCSV, true},
		// The auditors' pages (auditpages.go): who saw a record, what a
		// user did, exports of either, and the chain's state.
		{"GET", "/audit", access.AuditRead, s.auditPage, true},
		{"GET", "/audit/record", access.AuditRead, s.auditEntriesPage("record"), true},
		{"GET", "/audit/user", access.AuditRead, s.auditEntriesPage("user"), true},
		{"GET", "/audit/record/export", access.AuditRead, s.auditExport("record"), true},
		{"GET", "/audit/user/export", access.AuditRead, s.auditExport("user"), true},
		{"POST", "/audit/verify", access.AuditRead, s.auditVerify, true},

		// The administrators' pages (adminpages.go): accounts and units.
		{"GET", "/admin/users", access.UsersAdmin, s.adminUsersPage, true},
		{"GET", "/admin/users/new", access.UsersAdmin, s.adminNewUserPage, true},
		{"POST", "/admin/users", access.UsersAdmin, s.adminCreateUser, true},
		{"GET", "/admin/users/{id}", access.UsersAdmin, s.adminUserPage, true},
		{"POST", "/admin/users/{id}/access", access.UsersAdmin, s.adminSetAccess, true},
		{"POST", "/admin/users/{id}/status", access.UsersAdmin, s.adminSetStatus, true},
		{"POST", "/admin/users/{id}/reset-mfa", access.UsersAdmin, s.adminResetMFA, true},
		{"POST", "/admin/users/{id}/tokens", access.UsersAdmin, s.adminIssueToken, true},
		{"POST", "/admin/users/{id}/tokens/{token}/revoke", access.UsersAdmin, s.adminRevokeToken, true},
		{"GET", "/admin/units", access.UsersAdmin, s.adminUnitsPage, true},
		{"POST", "/admin/units", access.UsersAdmin, s.adminAddUnit, true},

		// Single sign-on; both answer 404 unless OIDC is configured.
		{"GET", "/auth/oidc/start", access.Public, s.oidcStart, true},
		{"GET", "/auth/oidc/callback", access.Public, s.oidcCallback, true},

		// The public complaint doors (complaints.go); throttled per address.
		{"GET", "/complain", access.Public, s.complainFormPage, true},
		{"POST", "/complain", access.Public, s.complainForm, true},
		{"GET", "/complaint-status", access.Public, s.complaintStatusPage, true},
		{"POST", "/complaint-status", access.Public, s.complaintStatusForm, true},
		{"POST", "/api/v1/complaints", access.Public, s.createComplaint, false},
		{"POST", "/api/v1/complaints/status", access.Public, s.checkComplaintStatus, false},
	}, slices.Concat(s.speakUpRoutes(), s.vettingRoutes(), s.portalRoutes(), s.boardRoutes(), s.hearingRoutes(), s.oversightRoutes())...) // speak-up (speakup.go), vetting (vetting.go), the public portal and open data (portal.go), boards and posts (oversight_meetings.go), hearing notices (hearings.go), requirements and plans (oversight_plans.go)
}

// Route describes one route for tests and the API description.
type Route struct {
	Method, Pattern string
	Permission      access.Permission
}

// Routes lists every route with its permission.
func (s *Server) Routes() []Route {
	var out []Route
	for _, rt := range s.routes() {
		out = append(out, Route{rt.Method, rt.Pattern, rt.Permission})
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
		if s.secure(r) {
			// A year, so that a browser that has seen Probity once never
			// again tries it over plain HTTP, where the first request could
			// be intercepted. Subdomains are left to the operator: they may
			// serve other things.
			hdr.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, s.withClient(r))
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
