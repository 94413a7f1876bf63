package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/secret"
)

// CheckpointEvery is how many entries lie between signed checkpoints by
// default. Checkpoints narrow down where a rewritten stretch of the log
// begins, and each is a point the log cannot be cut back past.
const CheckpointEvery = 100

// Checkpoint is a signature over the chain as it stood after entry Seq.
type Checkpoint struct {
	Seq       int64
	Hash      string // the Hash of entry Seq
	At        time.Time
	KeyID     string
	Signature []byte
}

// Head is the end of the chain, re-signed on every append. Without it,
// someone with write access to the database could delete the newest
// entries (those after the last checkpoint) and leave a chain that is
// whole as far as it goes; with it, doing so means forging a signature.
//
// The head carries the time it was signed, under the signature, so that a
// copy kept outside the database (a witness, see FormatHead) says not only
// how long the log was but when: a log later found shorter than, or
// different from, a witnessed head has been rolled back, and the witness
// says from when.
type Head struct {
	Seq  int64 // 0 for an empty log
	Hash string
	// At is when the head was signed. It is zero for a head signed before
	// heads carried their time (format v1); such a head still verifies, so
	// that a log written by an older Probity is read as it was, and it is
	// replaced by a timed head at the next append.
	At        time.Time
	KeyID     string
	Signature []byte
}

// Domain separation: a signature made for one purpose must not verify for
// another. Without the two tags, a checkpoint would also be a valid head,
// and cutting the log back to its last checkpoint would go unnoticed.
// The head's tag names its version: v1 covers the sequence number and
// hash, v2 the time as well. A v2 signature never verifies as v1 (nor the
// reverse), so the time cannot be stripped from a head, nor added to one,
// without the key.
const (
	checkpointTag = "probity audit checkpoint v1\n"
	headTagV1     = "probity audit head v1\n"
	headTagV2     = "probity audit head v2\n"
)

func checkpointMessage(seq int64, hash string, at time.Time) []byte {
	return []byte(checkpointTag + strconv.FormatInt(seq, 10) + "\n" + hash + "\n" + FormatTime(at))
}

func headMessage(h Head) []byte {
	if h.At.IsZero() {
		return []byte(headTagV1 + strconv.FormatInt(h.Seq, 10) + "\n" + h.Hash)
	}
	return []byte(headTagV2 + strconv.FormatInt(h.Seq, 10) + "\n" + h.Hash + "\n" + FormatTime(h.At))
}

// KeyID names a public key: the first 8 hex digits of its SHA-256. It is
// stored beside each signature so that keys can be rotated.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:4])
}

// Signer signs checkpoints and heads. Every way of printing it (fmt verbs
// and slog) shows only the key id, so it may sit in a logged config.
type Signer struct {
	key ed25519.PrivateKey
	id  string
}

// SeedSize is the length of the signing key's seed, the form keys are
// written in.
const SeedSize = ed25519.SeedSize

// GenerateSigningKey returns a new signing key as standard base64 of a
// 32-byte Ed25519 seed, the form PROBITY_AUDIT_KEY takes.
func GenerateSigningKey() string {
	seed := make([]byte, SeedSize)
	defer clear(seed)
	_, _ = rand.Read(seed) // never fails: the runtime aborts first
	return base64.StdEncoding.EncodeToString(seed)
}

// ParseSigningKey reads a key made by GenerateSigningKey. Surrounding
// whitespace is ignored. Errors never quote the text, which is mostly key
// even when it is wrong.
func ParseSigningKey(text string) (*Signer, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("audit signing key is empty")
	}
	for i := 0; i < len(text); i++ {
		// The decoder would skip line breaks inside the text; refusing them
		// keeps one spelling per key.
		if !isBase64(text[i]) {
			return nil, errors.New("audit signing key is not valid standard base64")
		}
	}
	seed, err := base64.StdEncoding.Strict().DecodeString(text)
	defer clear(seed)
	if err != nil {
		return nil, errors.New("audit signing key is not valid standard base64")
	}
	if len(seed) != SeedSize {
		return nil, fmt.Errorf("audit signing key decodes to %d bytes, want %d", len(seed), SeedSize)
	}
	key := ed25519.NewKeyFromSeed(seed)
	return &Signer{key: key, id: KeyID(key.Public().(ed25519.PublicKey))}, nil
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

// LoadSigningKey reads the key from exactly one of an inline value
// (PROBITY_AUDIT_KEY) or a file (PROBITY_AUDIT_KEY_FILE). Both set is an
// error, not a choice: the operator would otherwise rotate the one that is
// ignored.
func LoadSigningKey(value, file string) (*Signer, error) {
	text, err := secret.Read("PROBITY_AUDIT_KEY", value, file)
	if errors.Is(err, secret.ErrMissing) {
		return nil, errors.New("no audit signing key: set PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE (make one with: probity keys generate-audit)")
	}
	if err != nil {
		return nil, err
	}
	s, err := ParseSigningKey(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", secret.Source("PROBITY_AUDIT_KEY", file), err)
	}
	return s, nil
}

// The methods below take Signer by value so that a Signer printed by value,
// not only through a pointer, is redacted too.

// KeyID names the signer's public key.
func (s Signer) KeyID() string { return s.id }

// Public returns the public key that verifies this signer's signatures.
func (s Signer) Public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Sign makes the checkpoint for the chain ending at entry seq with hash.
func (s Signer) Sign(seq int64, hash string, at time.Time) Checkpoint {
	at = at.UTC().Truncate(time.Microsecond)
	return Checkpoint{Seq: seq, Hash: hash, At: at, KeyID: s.id,
		Signature: ed25519.Sign(s.key, checkpointMessage(seq, hash, at))}
}

// SignHead makes the signed head for the chain ending at entry seq, as it
// stood at time at (which must not be zero: that is the untimed v1 form,
// which Probity no longer writes).
func (s Signer) SignHead(seq int64, hash string, at time.Time) Head {
	h := Head{Seq: seq, Hash: hash, At: at.UTC().Truncate(time.Microsecond), KeyID: s.id}
	if h.At.IsZero() {
		h.At = time.Unix(0, 0).UTC() // never the untimed form, whatever the clock says
	}
	h.Signature = ed25519.Sign(s.key, headMessage(h))
	return h
}

// String identifies the signer by key id only.
func (s Signer) String() string {
	if s.id == "" {
		return "audit.Signer(empty)"
	}
	return "audit.Signer(" + s.id + ")"
}

// GoString keeps %#v from printing the key.
func (s Signer) GoString() string { return s.String() }

// Format covers the verbs (%d, %x) that would otherwise print the fields.
func (s Signer) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue keeps structured logs redacted.
func (s Signer) LogValue() slog.Value { return slog.StringValue(s.String()) }

var (
	_ fmt.Stringer   = Signer{}
	_ fmt.GoStringer = Signer{}
	_ fmt.Formatter  = Signer{}
	_ slog.LogValuer = Signer{}
)

// EncodePublicKey writes a public key as standard base64, the form
// `probity audit verify --public-key` takes.
func EncodePublicKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParsePublicKey reads a key written by EncodePublicKey.
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	text = strings.TrimSpace(text)
	for i := 0; i < len(text); i++ {
		if !isBase64(text[i]) {
			return nil, errors.New("audit public key is not valid standard base64")
		}
	}
	b, err := base64.StdEncoding.Strict().DecodeString(text)
	if err != nil {
		return nil, errors.New("audit public key is not valid standard base64")
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("audit public key decodes to %d bytes, want %d", len(b), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Verifier holds the public keys whose signatures are trusted, by key id:
// the current key and any retired ones whose checkpoints remain.
type Verifier struct {
	keys map[string]ed25519.PublicKey
}

// NewVerifier trusts the given public keys.
func NewVerifier(pubs ...ed25519.PublicKey) Verifier {
	v := Verifier{keys: make(map[string]ed25519.PublicKey, len(pubs))}
	for _, p := range pubs {
		v.keys[KeyID(p)] = p
	}
	return v
}

// Len is the number of trusted keys.
func (v Verifier) Len() int { return len(v.keys) }

// Trusts reports whether the key named keyID is one of v's keys.
func (v Verifier) Trusts(keyID string) bool {
	_, ok := v.keys[keyID]
	return ok
}

var (
	errUnknownKey   = errors.New("signed by a key that is not trusted")
	errBadSignature = errors.New("signature invalid")
)

func (v Verifier) verify(keyID string, msg, sig []byte) error {
	pub, ok := v.keys[keyID]
	if !ok {
		return fmt.Errorf("%w (key id %q)", errUnknownKey, keyIDForMessage(keyID))
	}
	if !ed25519.Verify(pub, msg, sig) {
		return errBadSignature
	}
	return nil
}

// keyIDForMessage keeps a tampered key id from carrying arbitrary text
// into a report.
func keyIDForMessage(id string) string { return clean(id, 16, false) }

// VerifyCheckpoint checks a checkpoint's signature.
func (v Verifier) VerifyCheckpoint(c Checkpoint) error {
	return v.verify(c.KeyID, checkpointMessage(c.Seq, c.Hash, c.At), c.Signature)
}

// VerifyHead checks a head's signature.
func (v Verifier) VerifyHead(h Head) error {
	return v.verify(h.KeyID, headMessage(h), h.Signature)
}

// ParsePublicKeys reads a list of public keys: separated by commas, spaces
// or line breaks, with anything after a # on a line taken as a comment (a
// file of retired keys says whose and since when). Errors name the key's
// place in the list.
func ParsePublicKeys(text string) ([]ed25519.PublicKey, error) {
	var pubs []ed25519.PublicKey
	for line := range strings.Lines(text) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, word := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n' }) {
			pub, err := ParsePublicKey(word)
			if err != nil {
				return nil, fmt.Errorf("key %d: %w", len(pubs)+1, err)
			}
			pubs = append(pubs, pub)
		}
	}
	return pubs, nil
}

// LoadPreviousKeys reads the public keys of retired audit signing keys from
// PROBITY_AUDIT_PREVIOUS_KEYS or the file PROBITY_AUDIT_PREVIOUS_KEYS_FILE
// names; neither set is no retired key. The trust in them comes from the
// operator, outside the database: a key named inside the log would be
// trusted on the word of whoever can write to the log.
func LoadPreviousKeys(value, file string) ([]ed25519.PublicKey, error) {
	const name = "PROBITY_AUDIT_PREVIOUS_KEYS"
	text, err := secret.Read(name, value, file)
	if errors.Is(err, secret.ErrMissing) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pubs, err := ParsePublicKeys(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", secret.Source(name, file), err)
	}
	return pubs, nil
}
