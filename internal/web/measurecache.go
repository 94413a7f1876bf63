package web

import (
	"context"
	"sync"
	"time"

	"github.com/probity/probity/internal/measures"
	"github.com/probity/probity/internal/oversight"
)

// measureCache keeps measures computed for the oversight plans' live
// figures for a short time (liveFigureTTL). A plan's page computes each
// commitment's measure for every quarter since the plan was submitted, and
// plans share measures, so a board reading its plans at a meeting would
// otherwise count the same quarters on every view. The store has no cheap
// sign that the records behind a measure changed, so a figure is kept for
// a fixed time instead: a change to the cases shows within it.
type measureCache struct {
	mu      sync.Mutex
	entries map[measureKey]measureEntry
	now     func() time.Time // the machine's clock, for expiry
}

// liveFigureTTL is how long a computed measure is kept.
const liveFigureTTL = time.Minute

// maxCachedMeasures bounds the cache; when full it starts again.
const maxCachedMeasures = 1024

type measureKey struct {
	id         string
	start, end time.Time
	filter     measures.Filter
	// asOf is the server clock to the minute: a period still running is
	// counted up to now, so a moved clock counts it again.
	asOf time.Time
}

type measureEntry struct {
	res     measures.Result
	expires time.Time
}

// cachedComputer computes through svc, keeping each result for
// liveFigureTTL.
type cachedComputer struct {
	c     *measureCache
	svc   oversight.Computer
	clock func() time.Time // the server's clock
}

var _ oversight.Computer = cachedComputer{}

func (cc cachedComputer) Compute(ctx context.Context, id string, p measures.Period, f measures.Filter) (measures.Result, error) {
	now := time.Now
	if cc.c.now != nil {
		now = cc.c.now
	}
	k := measureKey{id: id, start: p.Start, end: p.End, filter: f, asOf: cc.clock().UTC().Truncate(time.Minute)}
	cc.c.mu.Lock()
	e, ok := cc.c.entries[k]
	cc.c.mu.Unlock()
	if ok && now().Before(e.expires) {
		return e.res, nil
	}
	res, err := cc.svc.Compute(ctx, id, p, f)
	if err != nil {
		return res, err
	}
	cc.c.mu.Lock()
	if cc.c.entries == nil || len(cc.c.entries) >= maxCachedMeasures {
		cc.c.entries = map[measureKey]measureEntry{}
	}
	cc.c.entries[k] = measureEntry{res: res, expires: now().Add(liveFigureTTL)}
	cc.c.mu.Unlock()
	return res, nil
}
