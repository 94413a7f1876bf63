// Package id makes the opaque identifiers Probity puts in URLs. They are
// random rather than sequential so that an identifier reveals neither how
// many records exist nor which came first, and cannot be guessed. Records
// loaded in bulk from another system take theirs from a Sequence instead:
// still unguessable, but in the order they were loaded.
package id

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// 128 random bits in lower-case base32 without padding: 26 characters,
// safe in URLs and file names, unambiguous when read aloud.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Length is the length of every identifier New returns.
const Length = 26

// New returns a fresh random identifier.
func New() string {
	var b [16]byte
	// crypto/rand.Read never fails on supported platforms (it panics
	// rather than return a short read), so there is no error to handle.
	_, _ = rand.Read(b[:])
	return encoding.EncodeToString(b[:])
}

// Valid reports whether s has the shape of an identifier made by New. It
// lets handlers refuse garbage before it reaches a query.
func Valid(s string) bool {
	if len(s) != Length {
		return false
	}
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return false
	}
	_, err := encoding.DecodeString(s)
	return err == nil
}

// A Sequence makes identifiers that sort, as strings, in the order it
// makes them: a bulk load then appends to each primary-key index instead
// of inserting at a random page of it, which is most of what a large
// import costs SQLite. Each is still one New would accept (Valid), and 68
// of its bits are random, so none can be guessed from another; what one
// reveals beyond New's is its place in its sequence: which records one
// import created, and in what order. The first 30 bits are drawn once per
// sequence, so two sequences' identifiers do not interleave; the next 30
// count, in letters, which sort in the alphabet's order.
//
// A Sequence is not safe for concurrent use.
type Sequence struct {
	prefix [seqPrefix]byte
	n      int
}

const (
	seqPrefix = 6 // random characters shared by a sequence's identifiers
	seqCount  = 6 // letters counting them: 26^6, about 309 million
	seqSpan   = 26 * 26 * 26 * 26 * 26 * 26
)

// NewSequence starts a sequence of identifiers.
func NewSequence() *Sequence {
	s := &Sequence{}
	s.reset()
	return s
}

func (s *Sequence) reset() {
	copy(s.prefix[:], New()[:seqPrefix])
	s.n = 0
}

// New returns the sequence's next identifier. After about 309 million a
// sequence starts again under a new random prefix: its identifiers stay
// unique, only their order restarts.
func (s *Sequence) New() string {
	if s.n == seqSpan {
		s.reset()
	}
	b := []byte(New())
	copy(b, s.prefix[:])
	n := s.n
	for i := seqPrefix + seqCount - 1; i >= seqPrefix; i-- {
		b[i] = byte('a' + n%26)
		n /= 26
	}
	s.n++
	return string(b)
}
