package web

import (
	"net/http"
	"sync"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
)

// replicaRoutes are the read-only routes whose reads a PostgreSQL streaming
// replica may serve (store.ReadFromReplica): the case lists and search,
// the officer search, the measures and dashboards, the shared-case list,
// the public portal and the open data. Everything else, and every audit
// entry these routes write, stays on the primary.
var replicaRoutes = map[string]bool{
	"GET /cases":                      true,
	"GET /cases.csv":                  true,
	"GET /api/v1/cases":               true,
	"GET /api/v1/officers":            true,
	"GET /shared-cases":               true,
	"GET /api/v1/measures":            true,
	"GET /api/v1/measures/{id}":       true,
	"GET /dashboard":                  true,
	"GET /dashboard/{file}":           true,
	"GET /public":                     true,
	"GET /public/measures/{measure}":  true,
	"GET /open-data":                  true,
	"GET /open-data/{measure}/{file}": true,
}

// writeMemory is how long a user's last write keeps the user's reads from
// replicas that have not replayed it. Beyond store.DefaultMaxLag a replica
// that has not replayed it is skipped anyway, so this only needs to be
// longer than that.
const writeMemory = time.Minute

// lastWrites remembers, per user, where the primary's WAL stood after the
// user's last write, so that the user's next reads see it: read-your-writes
// across requests, not only within one.
type lastWrites struct {
	mu    sync.Mutex
	at    map[string]lastWrite
	swept time.Time
}

type lastWrite struct {
	lsn  store.LSN
	when time.Time
}

func (l *lastWrites) get(user string, now time.Time) store.LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.at[user]
	if !ok || now.Sub(w.when) > writeMemory {
		return 0
	}
	return w.lsn
}

func (l *lastWrites) put(user string, lsn store.LSN, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.at == nil {
		l.at = map[string]lastWrite{}
	}
	if now.Sub(l.swept) > writeMemory {
		for u, w := range l.at {
			if now.Sub(w.when) > writeMemory {
				delete(l.at, u)
			}
		}
		l.swept = now
	}
	if w := l.at[user]; w.lsn > lsn && now.Sub(w.when) <= writeMemory {
		lsn = w.lsn
	}
	l.at[user] = lastWrite{lsn: lsn, when: now}
}

// routeReads runs h with its reads routed: on a replica route, to a
// replica that has replayed the caller's last write; and for a signed-in
// caller, with the position of any write it makes remembered. Without
// replicas it just runs h.
func (s *Server) routeReads(rt route, who *access.Principal, h http.HandlerFunc) http.HandlerFunc {
	onReplica := replicaRoutes[rt.Method+" "+rt.Pattern]
	return func(w http.ResponseWriter, r *http.Request) {
		if s.db == nil || !s.db.HasReplicas() {
			h(w, r)
			return
		}
		ctx := r.Context()
		user := ""
		if who != nil {
			user = who.User.ID
		}
		var mark *store.WriteMark
		if user != "" {
			ctx, mark = store.MarkWrites(ctx)
		}
		if onReplica {
			var after store.LSN
			if user != "" {
				after = s.writes.get(user, time.Now())
			}
			ctx = store.ReadFromReplica(ctx, after)
		}
		h(w, r.WithContext(ctx))
		if mark != nil && mark.LSN() != 0 {
			s.writes.put(user, mark.LSN(), time.Now())
		}
	}
}
