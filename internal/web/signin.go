package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/probity/probity/internal/access"
)

// Limits on sign-in attempts, checked in this order before any password
// is hashed, so that a refused attempt costs nothing but the check.
//
// Per address: a police station signs its whole shift in from one
// address, so the bucket is generous; one address flooding the form still
// gets thirty guesses a minute, each on a username that is itself slowed
// by access.SignInDelay.
//
// Global: what the force's sign-ins can reach in a morning rush (a few
// thousand staff in half an hour is about a hundred a minute) with room to
// spare. It bounds the work and audit entries a flood from many addresses
// can cause; such a flood can still delay everyone's sign-in by seconds,
// which is the price of not letting it take the server down.
const (
	signInPerAddressPerMinute = 30
	signInPerAddressBurst     = 30
	signInGlobalPerMinute     = 300
	signInGlobalBurst         = 100
)

// hashSlots bounds how many argon2id hashes run at once. Each holds its
// full memory cost for its whole run: m = 19 MiB with access.DefaultParams,
// so two slots hold at most 2 x 19 = 38 MiB of hash memory. Go's collector
// lets the heap grow to about twice what was live at the last collection
// (GOGC=100): 2 x (38 MiB + ~20 MiB of the server's own) = ~116 MiB, plus
// at most one more pair of buffers allocated while a collection runs
// (38 MiB): ~155 MiB at the peak. Requests waiting for a slot hold only
// their goroutine and request (~10 KiB), so 200 concurrent bad sign-ins
// add ~2 MiB. That keeps the process far under 300 MB however many
// sign-ins arrive (BenchmarkSignInFlood measured a 147 MiB peak for 600
// at 200 at once, every one hashed; four slots measured 242 MiB). Two
// slots hash about 40 passwords a second, eight times what the global
// limit lets in, so more would add memory and nothing else.
const hashSlotCount = 2

func hashSlots() int { return hashSlotCount }

// hashWait is how long a sign-in waits for a hashing slot before it is
// refused as busy. Behind the limits above the queue is short: the global
// burst of 100 at ~50 ms a hash on two slots is under three seconds.
const hashWait = 10 * time.Second

// signInGuard holds the sign-in limits of one server.
type signInGuard struct {
	perAddress *rateLimiter
	global     *rateLimiter
	usernames  *usernameDelays
	hashes     *hashGate
}

func newSignInGuard(now func() time.Time) *signInGuard {
	return &signInGuard{
		perAddress: newRateLimiter(signInPerAddressPerMinute, signInPerAddressBurst, now),
		global:     newRateLimiter(signInGlobalPerMinute, signInGlobalBurst, now),
		usernames:  newUsernameDelays(now),
		hashes:     newHashGate(hashSlots(), hashWait),
	}
}

// throttled is a sign-in refused before it was checked: too many attempts
// from the caller's address, on the whole server, or on the username, or
// no hashing slot free in time. It says when to try again. It never says
// whether the username exists: unknown usernames are slowed the same way.
type throttled struct {
	status     int
	retryAfter time.Duration
	detail     string
}

func (e *throttled) Error() string { return e.detail }

// retryAfterSeconds rounds up, so a client that waits as told is let in.
func (e *throttled) retryAfterSeconds() int {
	return max(1, int(math.Ceil(e.retryAfter.Seconds())))
}

func perMinuteWait(perMinute int) time.Duration {
	return time.Duration(math.Ceil(60/float64(perMinute))) * time.Second
}

// admit decides whether an attempt on username from addr may be checked.
// An admitted attempt counts against the username until the caller reports
// its success with succeeded.
func (g *signInGuard) admit(addr, username string) error {
	if !g.perAddress.allow(addr) {
		w := perMinuteWait(signInPerAddressPerMinute)
		return &throttled{http.StatusTooManyRequests, w,
			fmt.Sprintf("too many sign-in attempts from your address; try again in %d seconds", int(w.Seconds()))}
	}
	if !g.global.allow("") {
		w := perMinuteWait(signInGlobalPerMinute)
		return &throttled{http.StatusTooManyRequests, w,
			fmt.Sprintf("too many sign-in attempts at the moment; try again in %d seconds", int(w.Seconds()))}
	}
	if wait := g.usernames.admit(username); wait > 0 {
		t := &throttled{status: http.StatusTooManyRequests, retryAfter: wait}
		t.detail = fmt.Sprintf("too many failed sign-ins for this username; try again in %d seconds", t.retryAfterSeconds())
		return t
	}
	return nil
}

// hash runs fn, which hashes a password, in one of the bounded slots.
func (g *signInGuard) hash(ctx context.Context, fn func()) error {
	if err := g.hashes.do(ctx, fn); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &throttled{http.StatusServiceUnavailable, 5 * time.Second,
			"sign-in is busy; try again in 5 seconds"}
	}
	return nil
}

// usernameDelays slows repeated attempts on one username (access.SignInDelay),
// whether or not an account has it: a username that does not exist is
// slowed exactly like one that does, so the delay tells nobody which
// usernames are real. It is held in memory, keyed by an HMAC of the
// username under a key made at start-up, so that a username box with a
// password typed into it by mistake is never kept; a username left alone
// for an hour is forgotten, which also bounds the memory a flood of made-up
// usernames can take (the global limit allows at most 18,000 an hour).
type usernameDelays struct {
	mu        sync.Mutex
	key       []byte
	names     map[[32]byte]*usernameState
	now       func() time.Time
	lastPrune time.Time
}

type usernameState struct {
	attempts  int       // admitted attempts not known to have succeeded
	notBefore time.Time // no attempt is admitted before this
	last      time.Time // last admitted attempt
}

// usernameMemory is how long a username's attempts are remembered.
const usernameMemory = time.Hour

func newUsernameDelays(now func() time.Time) *usernameDelays {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &usernameDelays{key: key, names: map[[32]byte]*usernameState{}, now: now, lastPrune: now()}
}

func (d *usernameDelays) name(username string) [32]byte {
	m := hmac.New(sha256.New, d.key)
	m.Write([]byte(username))
	var n [32]byte
	copy(n[:], m.Sum(nil))
	return n
}

// admit returns 0 and counts the attempt, or how long to wait. Counting
// at admission, before the password is checked, means attempts sent at
// the same moment are slowed one by one: they cannot all slip through
// while the first is still being hashed.
func (d *usernameDelays) admit(username string) time.Duration {
	if username == "" {
		// A blank username is no guess at an account (none can have it),
		// and counting it would let one form sent empty slow them all.
		return 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if now.Sub(d.lastPrune) >= time.Minute {
		for k, st := range d.names {
			if now.Sub(st.last) >= usernameMemory {
				delete(d.names, k)
			}
		}
		d.lastPrune = now
	}
	n := d.name(username)
	st, ok := d.names[n]
	if !ok || now.Sub(st.last) >= usernameMemory {
		st = &usernameState{}
		d.names[n] = st
	}
	if now.Before(st.notBefore) {
		return st.notBefore.Sub(now)
	}
	st.attempts++
	st.last = now
	st.notBefore = now.Add(access.SignInDelay(st.attempts))
	return 0
}

// succeeded takes back the count of an attempt that signed in: the owner's
// own sign-ins do not slow them. The delay it set stays, and the earlier
// failures still count: a success does not reset the username, or anyone
// watching its delays would learn that it belongs to a real account.
func (d *usernameDelays) succeeded(username string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if st, ok := d.names[d.name(username)]; ok && st.attempts > 0 {
		st.attempts--
	}
}

// hashGate is a counting semaphore for password hashes, instrumented so
// that tests and benchmarks can see how many ran at once.
type hashGate struct {
	slots    chan struct{}
	wait     time.Duration
	inFlight atomic.Int64
	peak     atomic.Int64
}

func newHashGate(n int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, n), wait: wait}
}

var errHashBusy = fmt.Errorf("no hashing slot free within the wait")

func (g *hashGate) do(ctx context.Context, fn func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return errHashBusy
		}
	}
	defer func() { <-g.slots }()
	n := g.inFlight.Add(1)
	defer g.inFlight.Add(-1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	fn()
	return nil
}

// writeThrottled answers an API sign-in refused by a limit.
func writeThrottled(w http.ResponseWriter, t *throttled) {
	w.Header().Set("Retry-After", strconv.Itoa(t.retryAfterSeconds()))
	writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(t.status), Status: t.status, Detail: t.detail})
}
