// Package id makes the opaque identifiers Probity puts in URLs. They are
// random rather than sequential so that an identifier reveals neither how
// many records exist nor which came first, and cannot be guessed.
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
