// Package keyring encrypts the personal-data columns of Probity's database:
// complainants' contact details and the identities of whistleblowers.
//
// Those values are the ones whose exposure does real harm (retaliation against
// a witness or an officer who reported a colleague), and they travel further
// than the application: into backups, replicas, support dumps and the hands of
// database administrators who have no business reading them. Sealing them in
// the application means a copy of the database alone reveals nothing.
//
// Each ciphertext is bound to the row and column it was written for through
// the additional data, so someone who can write to the database still cannot
// move a sealed identity into a row where a less trusted screen will decrypt
// and display it.
//
// Envelopes name the key that sealed them, because keys have to change (staff
// leave, files leak, and a random-nonce GCM key should not seal more than 2^32
// values) and re-encrypting a live database has to happen gradually, with old
// and new keys both readable in the meantime. Envelopes are plain ASCII so they
// fit ordinary text columns and survive CSV exports untouched.
package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/probity/probity/internal/secret"
	"io"
	"log/slog"
	"sort"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

const (
	version   = "v1"
	idLen     = 8 // hex characters: the first 4 bytes of SHA-256(key)
	nonceSize = 12
	tagSize   = 16
)

// Sentinel errors returned (wrapped) by Open and friends; compare with
// errors.Is. The wrapping adds context but never key material or plaintext.
var (
	// ErrMalformed: the text is not an envelope this package could have made.
	ErrMalformed = errors.New("keyring: malformed envelope")
	// ErrUnknownKey: the envelope names a key that is not in the keyring,
	// typically one retired before every row was resealed.
	ErrUnknownKey = errors.New("keyring: unknown key id")
	// ErrAuthentication: the key exists but the ciphertext, or the additional
	// data it was bound to, has been altered or does not belong here.
	ErrAuthentication = errors.New("keyring: envelope failed authentication")
)

// errNoKey guards against use of a nil or zero Keyring, which would otherwise
// surface as a nil-pointer panic deep in a request.
var errNoKey = errors.New("keyring: keyring has no keys")

type key struct {
	id   string
	aead cipher.AEAD
	// mac keys blind indexes (Digests); derived from the data key, so
	// that the data key itself is never a MAC key.
	mac []byte
}

// Keyring holds the data keys: one current key that seals, and any number of
// older keys that are still needed to open existing rows. It is immutable and
// safe for concurrent use.
//
// Raw key bytes are not retained after construction, and every printing path
// (fmt verbs, slog) is redacted, so a Keyring can sit inside a config struct
// that ends up in a log line.
type Keyring struct {
	current *key
	byID    map[string]*key
}

// New builds a keyring whose current key is current; older keys can only open.
// Keys are numbered from 1 (current first) in error messages, which never
// contain key bytes.
func New(current []byte, older ...[]byte) (*Keyring, error) {
	all := make([][]byte, 0, 1+len(older))
	all = append(all, current)
	all = append(all, older...)
	k, err := build(all)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	return k, nil
}

func build(raw [][]byte) (*Keyring, error) {
	if len(raw) == 0 {
		return nil, errors.New("no keys")
	}
	k := &Keyring{byID: make(map[string]*key, len(raw))}
	pos := make(map[string]int, len(raw)) // id -> 1-based position, for messages
	for i, b := range raw {
		n := i + 1
		if len(b) != KeySize {
			return nil, fmt.Errorf("key %d: is %d bytes, want %d", n, len(b), KeySize)
		}
		id := keyID(b)
		if prev, ok := pos[id]; ok {
			// Distinct keys sharing a 32-bit id are possible in principle;
			// either way the envelope could not say which key to use.
			return nil, fmt.Errorf("key %d: duplicates key %d (same key id %s)", n, prev, id)
		}
		block, err := aes.NewCipher(b)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", n, err)
		}
		// The library draws and prepends the nonce itself, which removes the
		// one way to misuse GCM badly from this package's hands.
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", n, err)
		}
		m := hmac.New(sha256.New, b)
		m.Write([]byte("probity keyring blind index"))
		e := &key{id: id, aead: aead, mac: m.Sum(nil)}
		pos[id] = n
		k.byID[id] = e
		if k.current == nil {
			k.current = e
		}
	}
	return k, nil
}

func keyID(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:idLen/2])
}

// Parse reads the textual key format used in PROBITY_DATA_KEY and key files:
// standard base64 keys separated by commas or newlines, current key first.
// Whitespace around keys and blank entries are ignored, so a trailing newline
// or "a,\nb" layout is fine. Errors identify keys by position only.
func Parse(text string) (*Keyring, error) {
	k, err := parse(text)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	return k, nil
}

func parse(text string) (*Keyring, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' })
	var raw [][]byte
	defer func() {
		for _, b := range raw {
			clear(b)
		}
	}()
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n := len(raw) + 1
		b, err := base64.StdEncoding.DecodeString(f)
		if err != nil {
			// The decoder's own error quotes nothing today, but a typo'd key is
			// still mostly a real key, so the message is built here to be sure.
			return nil, fmt.Errorf("key %d: not valid standard base64", n)
		}
		if len(b) != KeySize {
			clear(b)
			return nil, fmt.Errorf("key %d: decodes to %d bytes, want %d", n, len(b), KeySize)
		}
		raw = append(raw, b)
	}
	if len(raw) == 0 {
		return nil, errors.New("no keys found")
	}
	return build(raw)
}

// Load reads the keyring from exactly one of an inline value (the contents of
// PROBITY_DATA_KEY) or a file path (PROBITY_DATA_KEY_FILE). Having both set is
// refused rather than resolved, since whichever one lost would be silently
// ignored and the operator would rotate the wrong one.
func Load(value, file string) (*Keyring, error) {
	text, err := secret.Read("PROBITY_DATA_KEY", value, file)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	k, err := parse(text)
	if err != nil {
		return nil, fmt.Errorf("keyring: %s: %w", secret.Source("PROBITY_DATA_KEY", file), err)
	}
	return k, nil
}

// Generate returns a fresh random key in the text format Parse accepts.
func Generate() (string, error) {
	b := make([]byte, KeySize)
	defer clear(b)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return "", fmt.Errorf("keyring: generating key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// CurrentID returns the id of the key that Seal uses, or "" for an empty
// keyring.
func (k *Keyring) CurrentID() string {
	if k == nil || k.current == nil {
		return ""
	}
	return k.current.id
}

// Seal encrypts plaintext under the current key and binds it to aad, which
// should name where the value lives (e.g. "people/<id>/email"). Opening then
// requires the same aad.
func (k *Keyring) Seal(plaintext []byte, aad string) (string, error) {
	if k == nil || k.current == nil {
		return "", errNoKey
	}
	sealed := k.current.aead.Seal(nil, nil, plaintext, []byte(aad))
	var sb strings.Builder
	sb.Grow(len(version) + 1 + idLen + 1 + base64.RawURLEncoding.EncodedLen(len(sealed)))
	sb.WriteString(version)
	sb.WriteByte('.')
	sb.WriteString(k.current.id)
	sb.WriteByte('.')
	sb.WriteString(base64.RawURLEncoding.EncodeToString(sealed))
	return sb.String(), nil
}

// Digest is a keyed digest of a value under one key of the ring.
type Digest struct {
	KeyID, Hex string
}

// Digests returns a keyed digest (HMAC-SHA256) of data for purpose under
// each key of the ring, the current key's first and the others in order
// of id. A blind index stores the current key's digest beside a sealed
// value and is searched with all of them, so rows indexed before a key
// was rotated are still found while their key is in the ring; without a
// key nobody can test guesses against the index.
func (k *Keyring) Digests(purpose string, data []byte) []Digest {
	if k == nil || k.current == nil {
		return nil
	}
	ids := make([]string, 0, len(k.byID))
	for id := range k.byID {
		if id != k.current.id {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	out := make([]Digest, 0, len(k.byID))
	for _, id := range append([]string{k.current.id}, ids...) {
		m := hmac.New(sha256.New, k.byID[id].mac)
		m.Write([]byte(purpose))
		m.Write([]byte{0})
		m.Write(data)
		out = append(out, Digest{KeyID: id, Hex: hex.EncodeToString(m.Sum(nil))})
	}
	return out
}

// SealString is Seal for string values.
func (k *Keyring) SealString(s, aad string) (string, error) {
	return k.Seal([]byte(s), aad)
}

// SealOptional is SealString except that "" stays "", so code and queries can
// tell whether an optional field is filled in without holding the key. The
// cost, judged acceptable, is that the database shows which rows have one.
func (k *Keyring) SealOptional(s, aad string) (string, error) {
	if s == "" {
		return "", nil
	}
	return k.SealString(s, aad)
}

// Open decrypts an envelope made by Seal with the same aad, using whichever
// key of the keyring the envelope names. Errors wrap ErrMalformed,
// ErrUnknownKey or ErrAuthentication.
func (k *Keyring) Open(envelope, aad string) ([]byte, error) {
	id, sealed, err := parseEnvelope(envelope)
	if err != nil {
		return nil, err
	}
	if k == nil || k.current == nil {
		return nil, errNoKey
	}
	e, ok := k.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownKey, id)
	}
	pt, err := e.aead.Open(nil, nil, sealed, []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("%w (key %s)", ErrAuthentication, id)
	}
	return pt, nil
}

// OpenString is Open for string values.
func (k *Keyring) OpenString(envelope, aad string) (string, error) {
	pt, err := k.Open(envelope, aad)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// OpenOptional undoes SealOptional: "" opens to "".
func (k *Keyring) OpenOptional(envelope, aad string) (string, error) {
	if envelope == "" {
		return "", nil
	}
	return k.OpenString(envelope, aad)
}

// KeyID reports which key sealed an envelope, without needing that key, so a
// rotation job can find rows still under a retiring key. It fails with
// ErrMalformed exactly when Open would.
func KeyID(envelope string) (string, error) {
	id, _, err := parseEnvelope(envelope)
	return id, err
}

// NeedsRotation reports whether an envelope is not under the current key.
// "" (an unset optional field) needs nothing; a malformed envelope reports
// true so a rotation pass visits it and surfaces the error from Reseal instead
// of skipping it silently.
func (k *Keyring) NeedsRotation(envelope string) bool {
	if envelope == "" {
		return false
	}
	id, err := KeyID(envelope)
	return err != nil || id != k.CurrentID()
}

// Reseal opens an envelope under whichever key sealed it and seals the
// plaintext again under the current key, with a fresh nonce.
func (k *Keyring) Reseal(envelope, aad string) (string, error) {
	pt, err := k.Open(envelope, aad)
	if err != nil {
		return "", err
	}
	defer clear(pt)
	return k.Seal(pt, aad)
}

// parseEnvelope insists on the exact form Seal produces. Leniency here (a
// second base64 alphabet, padding, stray newlines, non-zero trailing bits)
// would let several strings open to the same value, which defeats comparing
// or deduplicating stored envelopes and hides tampering.
func parseEnvelope(envelope string) (id string, sealed []byte, err error) {
	if envelope == "" {
		return "", nil, fmt.Errorf("%w: empty", ErrMalformed)
	}
	rest, ok := strings.CutPrefix(envelope, version+".")
	if !ok {
		return "", nil, fmt.Errorf("%w: not a %s envelope", ErrMalformed, version)
	}
	id, payload, ok := strings.Cut(rest, ".")
	if !ok {
		return "", nil, fmt.Errorf("%w: missing payload", ErrMalformed)
	}
	if !validID(id) {
		return "", nil, fmt.Errorf("%w: bad key id", ErrMalformed)
	}
	for i := 0; i < len(payload); i++ {
		if !isBase64URL(payload[i]) {
			return "", nil, fmt.Errorf("%w: payload is not unpadded base64url", ErrMalformed)
		}
	}
	sealed, err = base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil {
		return "", nil, fmt.Errorf("%w: payload is not canonical base64url", ErrMalformed)
	}
	if len(sealed) < nonceSize+tagSize {
		return "", nil, fmt.Errorf("%w: payload is %d bytes, shorter than nonce and tag", ErrMalformed, len(sealed))
	}
	return id, sealed, nil
}

func validID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// String identifies the keyring by key id and count only.
func (k *Keyring) String() string {
	switch {
	case k == nil:
		return "keyring(nil)"
	case k.current == nil:
		return "keyring(empty)"
	}
	return fmt.Sprintf("keyring(current=%s, keys=%d)", k.current.id, len(k.byID))
}

// GoString keeps %#v from dumping the struct, which would include cipher
// state derived from the keys.
func (k *Keyring) GoString() string { return k.String() }

// Format makes every fmt verb redacted, including the ones (%d, %x on the
// struct) that would otherwise bypass String and print fields by reflection.
func (k *Keyring) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, k.String())
}

// LogValue keeps structured logs redacted too.
func (k *Keyring) LogValue() slog.Value { return slog.StringValue(k.String()) }

var (
	_ fmt.Stringer   = (*Keyring)(nil)
	_ fmt.GoStringer = (*Keyring)(nil)
	_ fmt.Formatter  = (*Keyring)(nil)
	_ slog.LogValuer = (*Keyring)(nil)
)
