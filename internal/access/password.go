package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost settings and output sizes. They are
// written into every encoded hash, so changing DefaultParams later does not
// invalidate stored hashes: old ones still verify and report needsRehash.
type PasswordParams struct {
	MemoryKiB   uint32 // m: memory per hash, in KiB
	Iterations  uint32 // t: passes over the memory
	Parallelism uint8  // p: lanes
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultParams follow the first of OWASP's equivalent argon2id settings
// (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1). OWASP rates it as
// strong as m=46 MiB, t=1; the lower-memory option is preferred because
// every concurrent login holds its full memory cost at once, so a burst of
// logins (or an attacker hammering the login form) needs 19 MiB apiece
// rather than 46 and is far less likely to push a small server into
// swapping. p=1 because extra lanes only help when the server has idle cores
// to give each login, which a busy web server does not.
var DefaultParams = PasswordParams{
	MemoryKiB:   19456,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// TestParams are deliberately worthless as protection and exist only so
// tests elsewhere can hash passwords in microseconds. Never use them in
// production code: a hash made with them is cheap to brute-force.
var TestParams = PasswordParams{
	MemoryKiB:   64,
	Iterations:  1,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Limits on what a stored hash may ask for. A hash read from the database is
// trusted input only as far as the database is; one tampered with to say
// m=4194304,t=1000 would otherwise turn every login into a denial of
// service. The upper bounds are far above anything OWASP recommends; the
// lower bounds are the Argon2 specification's minimums (memory) or sane
// floors (salt, key) below which a hash offers no real protection.
const (
	maxMemoryKiB   = 1 << 20 // 1 GiB
	maxIterations  = 20
	maxParallelism = 16
	minSaltLength  = 8
	maxSaltLength  = 64
	minKeyLength   = 16
	maxKeyLength   = 64
	// Longest encoding the limits above allow, with room to spare; anything
	// longer is refused before any parsing work is done.
	maxEncodedLength = 256
)

const (
	phcAlgorithm = "argon2id"
	phcVersion   = argon2.Version // 0x13 = 19
)

// ErrMalformedHash is wrapped by every error VerifyPassword returns, so
// callers can tell a corrupt stored hash (an operator problem) from a wrong
// password (which is not an error at all). The wrapped text names what was
// wrong but never echoes the hash or the password.
var ErrMalformedHash = errors.New("malformed password hash")

// Hasher hashes and verifies passwords with a fixed set of parameters. The
// zero value is unusable on purpose: its parameters fail validation, so a
// forgotten initialisation is an error instead of a weak hash.
type Hasher struct {
	Params PasswordParams
}

// DefaultHasher is what production code uses, via the package functions.
var DefaultHasher = Hasher{Params: DefaultParams}

// HashPassword hashes pw with DefaultHasher.
func HashPassword(pw string) (string, error) { return DefaultHasher.Hash(pw) }

// VerifyPassword checks pw against encoded with DefaultHasher.
func VerifyPassword(encoded, pw string) (ok bool, needsRehash bool, err error) {
	return DefaultHasher.Verify(encoded, pw)
}

// DummyVerify spends the same time as a real verification with
// DefaultHasher. See Hasher.DummyVerify.
func DummyVerify(pw string) { DefaultHasher.DummyVerify(pw) }

// Hash returns pw's argon2id hash as a PHC string, with a fresh random salt.
func (h Hasher) Hash(pw string) (string, error) {
	if err := h.Params.validate(); err != nil {
		return "", fmt.Errorf("access: hasher parameters: %w", err)
	}
	salt := make([]byte, h.Params.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("access: reading random salt: %w", err)
	}
	key := derive(pw, salt, h.Params)
	return encodePHC(h.Params, salt, key), nil
}

// Verify reports whether pw matches encoded. needsRehash is set only when
// the password matched and encoded was made with parameters other than
// h.Params: the caller then holds the plaintext and can store a new hash,
// which is the only moment that is possible. A wrong password is ok=false
// with a nil error; err is reserved for hashes that cannot be read.
func (h Hasher) Verify(encoded, pw string) (ok bool, needsRehash bool, err error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got := derive(pw, salt, p)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != h.Params, nil
}

// DummyVerify does the work of one verification and throws the result away.
// Without it a login attempt for a username that does not exist returns at
// once, while one for a real account spends tens of milliseconds in argon2,
// so anyone timing the login form could list which usernames (here: which
// officers and staff) have accounts. The caller runs this on the unknown-user
// path so both paths cost one hash. Stored hashes made with older parameters
// still time differently, which is one more reason to rehash on login.
func (h Hasher) DummyVerify(pw string) {
	if h.Params.validate() != nil {
		return
	}
	salt := make([]byte, h.Params.SaltLength)
	want := make([]byte, h.Params.KeyLength)
	got := derive(pw, salt, h.Params)
	subtle.ConstantTimeCompare(got, want)
}

func derive(pw string, salt []byte, p PasswordParams) []byte {
	return argon2.IDKey([]byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, p.KeyLength)
}

// validate applies the same limits to a Hasher's own parameters as to
// parameters read from a stored hash, so that anything Hash produces,
// Verify accepts.
func (p PasswordParams) validate() error {
	switch {
	case p.Parallelism < 1 || p.Parallelism > maxParallelism:
		return fmt.Errorf("parallelism %d outside 1..%d", p.Parallelism, maxParallelism)
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("iterations %d outside 1..%d", p.Iterations, maxIterations)
	// Argon2 needs 8 KiB per lane; below that the library would silently
	// raise the figure, and the stored m would no longer mean what it says.
	case p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("memory %d KiB outside %d..%d", p.MemoryKiB, 8*uint32(p.Parallelism), maxMemoryKiB)
	case p.SaltLength < minSaltLength || p.SaltLength > maxSaltLength:
		return fmt.Errorf("salt length %d outside %d..%d", p.SaltLength, minSaltLength, maxSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("key length %d outside %d..%d", p.KeyLength, minKeyLength, maxKeyLength)
	}
	return nil
}

// b64 is unpadded standard base64, as the PHC format specifies. Strict mode
// rejects non-zero trailing bits, so each salt and key has exactly one
// accepted spelling.
var b64 = base64.RawStdEncoding.Strict()

func encodePHC(p PasswordParams, salt, key []byte) string {
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s",
		phcAlgorithm, phcVersion, p.MemoryKiB, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("access: %w: %s", ErrMalformedHash, fmt.Sprintf(format, args...))
}

// decodePHC accepts only the exact form encodePHC writes. PHC allows
// optional and reordered fields, but Probity only ever reads hashes it wrote
// itself, so anything else means corruption or tampering and is refused.
func decodePHC(encoded string) (PasswordParams, []byte, []byte, error) {
	var p PasswordParams
	if len(encoded) > maxEncodedLength {
		return p, nil, nil, malformed("longer than %d bytes", maxEncodedLength)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, malformed("want 5 $-separated fields")
	}
	if parts[1] != phcAlgorithm {
		return p, nil, nil, malformed("unsupported algorithm")
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return p, nil, nil, malformed("missing version")
	}
	if n, err := parseDecimal(v, 32); err != nil || n != phcVersion {
		return p, nil, nil, malformed("unsupported version")
	}

	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return p, nil, nil, malformed("want parameters m, t, p")
	}
	var nums [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		s, ok := strings.CutPrefix(fields[i], name)
		if !ok {
			return p, nil, nil, malformed("want parameters m, t, p in that order")
		}
		n, err := parseDecimal(s, 32)
		if err != nil {
			return p, nil, nil, malformed("parameter %s%v", name, err)
		}
		nums[i] = n
	}
	if nums[2] > 255 {
		return p, nil, nil, malformed("parallelism %d out of range", nums[2])
	}
	p.MemoryKiB, p.Iterations, p.Parallelism = uint32(nums[0]), uint32(nums[1]), uint8(nums[2])

	salt, err := decodeB64(parts[4])
	if err != nil {
		return p, nil, nil, malformed("salt: %v", err)
	}
	key, err := decodeB64(parts[5])
	if err != nil {
		return p, nil, nil, malformed("hash: %v", err)
	}
	p.SaltLength, p.KeyLength = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return p, nil, nil, malformed("%v", err)
	}
	return p, salt, key, nil
}

// parseDecimal is stricter than strconv: no sign, no leading zeros, no
// underscores, so every number has one spelling and a stored hash cannot be
// altered without the text changing.
func parseDecimal(s string, bits int) (uint64, error) {
	if s == "" {
		return 0, errors.New("empty number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a decimal number")
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, errors.New("leading zero")
	}
	n, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return 0, errors.New("number out of range")
	}
	return n, nil
}

// decodeB64 checks the alphabet itself because encoding/base64 silently
// skips '\r' and '\n', which would let two different strings decode to the
// same bytes.
func decodeB64(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, errors.New("invalid base64")
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, errors.New("invalid base64")
	}
	return b, nil
}

// GeneratePassword makes a password for an account Probity creates (the
// demo accounts, `probity user add` without one given): 20 characters
// from an alphabet without look-alike characters, about 110 bits.
func GeneratePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	// A byte is used only below the largest multiple of the alphabet's
	// length, so that every character is equally likely (a plain modulo
	// would favour the first 32).
	const limit = 256 / len(alphabet) * len(alphabet)
	out := make([]byte, 0, 20)
	var buf [32]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(buf[:])
		for _, c := range buf {
			if int(c) < limit && len(out) < cap(out) {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}
