package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net/netip"
	"sync"
	"time"
)

// rateLimiter is a token bucket per caller, held only in memory. Callers
// are named by an HMAC of their address under a key made at start-up and
// never stored, so the limiter can throttle an address without Probity
// ever keeping one: a whistleblower's address must not be recoverable
// even from a memory dump taken later, once the key has been replaced.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens added per second
	burst   float64
	buckets map[[32]byte]*bucket
	key     []byte
	keyMade time.Time
	now     func() time.Time
}

type bucket struct {
	tokens float64
	seen   time.Time
}

// keyLifetime bounds how long one HMAC key names addresses: after it, the
// key is replaced and the buckets forgotten.
const keyLifetime = time.Hour

func newRateLimiter(perMinute, burst int, now func() time.Time) *rateLimiter {
	l := &rateLimiter{rate: float64(perMinute) / 60, burst: float64(burst), now: now}
	l.rekey(now())
	return l
}

func (l *rateLimiter) rekey(at time.Time) {
	l.key = make([]byte, 32)
	_, _ = rand.Read(l.key)
	l.keyMade = at
	l.buckets = map[[32]byte]*bucket{}
}

// limitKey is the name a caller is limited under: its IPv4 address, or
// the /64 network of its IPv6 address. An IPv6 subscriber is normally
// given a whole /64 or more, and could take a fresh address from it for
// every request. An IPv4-mapped address is its IPv4 address: masked to
// /64 it would put every IPv4 caller in one bucket.
func limitKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// allow takes a token for the caller at addr, reporting false when the
// caller has none left.
func (l *rateLimiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.keyMade) >= keyLifetime {
		l.rekey(now)
	}
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(limitKey(addr)))
	var name [32]byte
	copy(name[:], m.Sum(nil))
	b, ok := l.buckets[name]
	if !ok {
		b = &bucket{tokens: l.burst, seen: now}
		l.buckets[name] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.seen).Seconds()*l.rate)
	b.seen = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
