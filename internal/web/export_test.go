package web

import "time"

// Hooks for the sign-in flood tests and benchmark in package web_test.

// PeakConcurrentHashes is the most password hashes that have run at once.
func (s *Server) PeakConcurrentHashes() int64 { return s.signIn.hashes.peak.Load() }

// HashSlots is how many password hashes may run at once.
func HashSlots() int { return hashSlots() }

// LiftSignInRateLimits removes the per-address and global limits, leaving
// the hashing slots and the per-username delays: a benchmark uses it to
// push every attempt through to a hash and measure what the slots alone
// bound.
func (s *Server) LiftSignInRateLimits() {
	s.signIn.perAddress = newRateLimiter(1<<30, 1<<30, s.clock)
	s.signIn.global = newRateLimiter(1<<30, 1<<30, s.clock)
}

// Hooks for the speak-up tests.

// HoldSpeakUpImageSlots takes every slot for decoding speak-up images, so
// that a request must wait for one, until release is called.
func HoldSpeakUpImageSlots() (release func()) { return speakUpImages.Hold() }

// SetSpeakUpDeadline changes how long a reporter's request may take, until
// restore is called.
func SetSpeakUpDeadline(d time.Duration) (restore func()) {
	old := speakUpDeadline
	speakUpDeadline = d
	return func() { speakUpDeadline = old }
}
