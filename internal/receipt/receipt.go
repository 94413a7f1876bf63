// Package receipt holds the receipts that let a member of the public or a
// speak-up reporter come back to what they sent without an account.
//
// A receipt is a run of random symbols from a 32-letter alphabet, shown once
// in groups of four and kept only as the SHA-256 of its normalised spelling.
// The bits are too many to guess, so a plain hash is enough: there is no
// dictionary to try, a slow password hash would add cost and nothing else,
// and a fast one lets a check against a missing receipt do exactly the same
// work as a check against a stored one. A stolen database hands out no one's
// receipt.
//
// Complaints and speak-up reports each have their own Scheme: their
// receipts are spelled differently (people already hold both kinds, and
// their hashes are stored), but they are issued, read back, hashed and
// checked by the same code.
package receipt

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"unicode"
)

// Scheme is one spelling of receipts.
type Scheme struct {
	alphabet string // 32 symbols, in the case receipts are shown in
	symbols  int    // symbols in a receipt, without the dashes
	maxInput int    // the longest text that is read as a receipt at all
	// lookalikes are letters a reader may type for a symbol, mapped to it.
	lookalikes *strings.Replacer
	// separator says what a reader may type between groups; it is dropped.
	separator func(r rune) bool
	// domain is hashed before the receipt, so that a hash of one kind of
	// receipt is never the hash of another kind of secret.
	domain string
	upper  bool
}

// Complaint receipts are 140 bits written as 28 characters of Crockford's
// base32: no I, L, O or U, so a receipt survives being read aloud, copied by
// hand or typed in any case, and O, I and L typed for 0, 1 and 1 are read as
// meant. Any white space or dash between the characters is ignored.
var Complaint = Scheme{
	alphabet:   "0123456789ABCDEFGHJKMNPQRSTVWXYZ",
	symbols:    28,
	maxInput:   100,
	lookalikes: strings.NewReplacer("O", "0", "I", "1", "L", "1"),
	separator:  func(r rune) bool { return r == '-' || unicode.IsSpace(r) },
	upper:      true,
}

// SpeakUp receipts are 160 bits written as 32 characters of lower-case
// base32 (RFC 4648): its digits 2-7 cannot be mistaken for the letters o, l
// or i. The reporter may type one back in any case, with or without dashes
// and spaces.
var SpeakUp = Scheme{
	alphabet:  "abcdefghijklmnopqrstuvwxyz234567",
	symbols:   32,
	maxInput:  64,
	separator: func(r rune) bool { return r == '-' || r == ' ' },
	domain:    "probity speak-up receipt\n",
}

// Symbols is how many letters and digits a receipt has, without dashes.
func (s Scheme) Symbols() int { return s.symbols }

// Issue makes a new receipt, grouped in fours for reading aloud
// (ABCD-EFGH-...), and the hash to store for it.
func (s Scheme) Issue() (receipt, hash string) {
	raw := make([]byte, s.symbols)
	// crypto/rand.Read never fails on supported platforms.
	_, _ = rand.Read(raw)
	var b strings.Builder
	for i, r := range raw {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		// 256 is a multiple of 32, so masking keeps every symbol equally
		// likely: 5 bits each.
		b.WriteByte(s.alphabet[r&31])
	}
	receipt = b.String()
	hash, _ = s.Hash(receipt)
	return receipt, hash
}

// normalise reads a receipt as people type it back: leading and trailing
// white space, separators, case and look-alike letters do not matter. It
// reports false for anything that cannot be a receipt.
func (s Scheme) normalise(given string) (string, bool) {
	if len(given) > s.maxInput {
		return "", false
	}
	given = strings.Map(func(r rune) rune {
		if s.separator(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(given))
	if s.upper {
		given = strings.ToUpper(given)
	} else {
		given = strings.ToLower(given)
	}
	if s.lookalikes != nil {
		given = s.lookalikes.Replace(given)
	}
	if len(given) != s.symbols || strings.Trim(given, s.alphabet) != "" {
		return "", false
	}
	return given, true
}

// Valid reports whether given has the shape of a receipt, so that a typing
// slip gets a helpful answer instead of "not found". It says nothing about
// whether anything has that receipt.
func (s Scheme) Valid(given string) bool {
	_, ok := s.normalise(given)
	return ok
}

// Hash is the stored form of a receipt: the hex SHA-256 of its normalised
// spelling. It reports false for text that is not shaped like a receipt.
func (s Scheme) Hash(given string) (string, bool) {
	sum, ok := s.sum(given)
	return hex.EncodeToString(sum[:]), ok
}

func (s Scheme) sum(given string) ([sha256.Size]byte, bool) {
	plain, ok := s.normalise(given)
	return sha256.Sum256([]byte(s.domain + plain)), ok
}

// Check reports whether given is the receipt whose hash is stored. Stored
// may be empty, for a reference that has no receipt or does not exist: the
// given receipt is still hashed and compared, so that refusing it takes as
// long as refusing a wrong one, and the comparison takes the same time
// wherever the two first differ.
func (s Scheme) Check(stored, given string) bool {
	known := len(stored) == 2*sha256.Size
	if !known {
		// Decode a stand-in of the same length, so that a missing hash
		// costs what a stored one does; known keeps it from matching.
		stored = noHash
	}
	want, err := hex.DecodeString(stored)
	if err != nil {
		known, want = false, make([]byte, sha256.Size)
	}
	got, valid := s.sum(given)
	return subtle.ConstantTimeCompare(want, got[:]) == 1 && known && valid
}

// noHash stands in for the stored hash of a reference that has none.
var noHash = strings.Repeat("0", 2*sha256.Size)
