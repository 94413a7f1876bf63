package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/probity/probity/internal/store"
)

// requestInfo travels with a request: its id for the logs, and the route
// the router chose (filled in by guard), so that metrics and the access
// log name the route pattern, never the path or query a caller typed,
// which may hold a search for someone's name.
type requestInfo struct {
	id    string
	route string
}

type requestInfoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return ri
}

// requestIDPattern is what a request id from a proxy must look like to be
// kept: short, and nothing a log reader could be fooled by.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives every request an id (kept from X-Request-Id when a proxy
// sent a well-formed one), answers it in X-Request-Id, counts it in the
// metrics by route and status, and logs one line for it at debug level,
// or at warn when it failed on Probity's side.
func (s *Server) observe(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		ri := &requestInfo{id: r.Header.Get("X-Request-Id"), route: "unmatched"}
		if !requestIDPattern.MatchString(ri.id) {
			ri.id = newRequestID()
		}
		w.Header().Set("X-Request-Id", ri.id)
		sw := &statusWriter{ResponseWriter: w}
		s.metrics.inFlight.Add(1)
		defer func() {
			s.metrics.inFlight.Add(-1)
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			took := time.Since(began)
			s.metrics.observe(ri.route, sw.status, took)
			level := slog.LevelDebug
			if sw.status >= 500 {
				level = slog.LevelWarn
			}
			s.log.Log(r.Context(), level, "request", "request_id", ri.id, "route", ri.route, "status", sw.status,
				"ms", float64(took.Microseconds())/1000, "bytes", sw.bytes)
		}()
		h.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri)))
	})
}

// requestIDHandler adds the request id to every log line written with a
// request's context (slog's ...Context methods), so that an error logged
// deep in a handler can be joined to its request.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if ri := infoOf(ctx); ri != nil {
		has := false
		rec.Attrs(func(a slog.Attr) bool { has = a.Key == "request_id"; return !has })
		if !has {
			rec.AddAttrs(slog.String("request_id", ri.id))
		}
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// latencyBuckets are the upper bounds, in seconds, of the request
// duration histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// routeStats are one route's requests: counts by status, and durations.
type routeStats struct {
	byStatus map[int]uint64
	buckets  []uint64 // cumulative counts per latencyBuckets bound
	count    uint64
	sum      float64
}

// serverMetrics are what /metrics reports about HTTP.
type serverMetrics struct {
	inFlight atomic.Int64
	mu       sync.Mutex
	routes   map[string]*routeStats
}

func (m *serverMetrics) observe(route string, status int, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.routes == nil {
		m.routes = map[string]*routeStats{}
	}
	rs := m.routes[route]
	if rs == nil {
		rs = &routeStats{byStatus: map[int]uint64{}, buckets: make([]uint64, len(latencyBuckets))}
		m.routes[route] = rs
	}
	rs.byStatus[status]++
	secs := took.Seconds()
	for i, le := range latencyBuckets {
		if secs <= le {
			rs.buckets[i]++
		}
	}
	rs.count++
	rs.sum += secs
}

// metricsPage answers GET /metrics in Prometheus' text format: requests
// and their durations by route, requests in flight, the database pools,
// the store's queues, the read replicas, and the audit log's length. It names routes by pattern and holds no
// personal data.
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	s.metrics.write(&b)
	writePools(&b, s.db.PoolStats())
	writeStoreQueues(&b, s.db.QueueDepths())
	writeReplicas(&b, s.db.RoutedReads(), s.db.ReplicaStats())
	head, err := s.db.AuditHead(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fmt.Fprintf(&b, "# HELP probity_audit_entries Entries in the audit log's hash chain.\n# TYPE probity_audit_entries gauge\nprobity_audit_entries %d\n", head.Seq)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, b.String())
}

func (m *serverMetrics) write(b *strings.Builder) {
	fmt.Fprintf(b, "# HELP probity_http_in_flight Requests being answered now.\n# TYPE probity_http_in_flight gauge\nprobity_http_in_flight %d\n", m.inFlight.Load())
	m.mu.Lock()
	defer m.mu.Unlock()
	routes := make([]string, 0, len(m.routes))
	for rt := range m.routes {
		routes = append(routes, rt)
	}
	slices.Sort(routes)
	b.WriteString("# HELP probity_http_requests_total Requests answered, by route and status.\n# TYPE probity_http_requests_total counter\n")
	for _, rt := range routes {
		codes := make([]int, 0, len(m.routes[rt].byStatus))
		for c := range m.routes[rt].byStatus {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			fmt.Fprintf(b, "probity_http_requests_total{route=%q,code=\"%d\"} %d\n", rt, c, m.routes[rt].byStatus[c])
		}
	}
	b.WriteString("# HELP probity_http_request_duration_seconds Time to answer, by route.\n# TYPE probity_http_request_duration_seconds histogram\n")
	for _, rt := range routes {
		rs := m.routes[rt]
		for i, le := range latencyBuckets {
			fmt.Fprintf(b, "probity_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", rt, promFloat(le), rs.buckets[i])
		}
		fmt.Fprintf(b, "probity_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", rt, rs.count)
		fmt.Fprintf(b, "probity_http_request_duration_seconds_sum{route=%q} %s\n", rt, promFloat(rs.sum))
		fmt.Fprintf(b, "probity_http_request_duration_seconds_count{route=%q} %d\n", rt, rs.count)
	}
}

func promFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%f", f), "0"), ".")
}

// writePools reports each database connection pool.
func writePools(b *strings.Builder, pools map[string]sql.DBStats) {
	names := make([]string, 0, len(pools))
	for n := range pools {
		names = append(names, n)
	}
	slices.Sort(names)
	b.WriteString("# HELP probity_db_connections Database connections by pool and state.\n# TYPE probity_db_connections gauge\n")
	for _, n := range names {
		fmt.Fprintf(b, "probity_db_connections{pool=%q,state=\"in_use\"} %d\n", n, pools[n].InUse)
		fmt.Fprintf(b, "probity_db_connections{pool=%q,state=\"idle\"} %d\n", n, pools[n].Idle)
	}
	b.WriteString("# HELP probity_db_connections_max Most connections a pool may open.\n# TYPE probity_db_connections_max gauge\n")
	for _, n := range names {
		fmt.Fprintf(b, "probity_db_connections_max{pool=%q} %d\n", n, pools[n].MaxOpenConnections)
	}
	b.WriteString("# HELP probity_db_waits_total Times a request waited for a free connection.\n# TYPE probity_db_waits_total counter\n")
	for _, n := range names {
		fmt.Fprintf(b, "probity_db_waits_total{pool=%q} %d\n", n, pools[n].WaitCount)
	}
	b.WriteString("# HELP probity_db_wait_seconds_total Time spent waiting for a free connection.\n# TYPE probity_db_wait_seconds_total counter\n")
	for _, n := range names {
		fmt.Fprintf(b, "probity_db_wait_seconds_total{pool=%q} %s\n", n, promFloat(pools[n].WaitDuration.Seconds()))
	}
}

// named records which route the router chose, for the metrics and the
// access log.
func named(rt route, h http.Handler) http.Handler {
	key := rt.Method + " " + rt.Pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ri := infoOf(r.Context()); ri != nil {
			ri.route = key
		}
		h.ServeHTTP(w, r)
	})
}

// writeStoreQueues reports the work waiting inside the store, by queue.
func writeStoreQueues(b *strings.Builder, queues map[string]int64) {
	names := slices.Sorted(maps.Keys(queues))
	b.WriteString("# HELP probity_store_queue_depth Work waiting inside the store, by queue (write: transactions waiting to begin).\n# TYPE probity_store_queue_depth gauge\n")
	for _, n := range names {
		fmt.Fprintf(b, "probity_store_queue_depth{queue=%q} %d\n", n, queues[n])
	}
}

// writeReplicas reports where the reads a replica may serve went, and each
// replica's state; nothing without replicas.
func writeReplicas(b *strings.Builder, routed map[string]uint64, replicas []store.ReplicaStat) {
	if len(replicas) == 0 {
		return
	}
	b.WriteString("# HELP probity_db_routed_reads_total Reads a replica may serve, by the pool that served them.\n# TYPE probity_db_routed_reads_total counter\n")
	for _, n := range slices.Sorted(maps.Keys(routed)) {
		fmt.Fprintf(b, "probity_db_routed_reads_total{pool=%q} %d\n", n, routed[n])
	}
	b.WriteString("# HELP probity_db_replica_up Whether a read replica answers as a replica (1) or not (0).\n# TYPE probity_db_replica_up gauge\n")
	for _, r := range replicas {
		up := 0
		if r.Up {
			up = 1
		}
		fmt.Fprintf(b, "probity_db_replica_up{pool=%q} %d\n", r.Name, up)
	}
	b.WriteString("# HELP probity_db_replica_lag_seconds How long a replica has gone without catching up with the primary.\n# TYPE probity_db_replica_lag_seconds gauge\n")
	for _, r := range replicas {
		fmt.Fprintf(b, "probity_db_replica_lag_seconds{pool=%q} %s\n", r.Name, promFloat(r.Lag.Seconds()))
	}
}
