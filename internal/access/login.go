package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Sign-in delays replace a lockout. A hard lock after a few failures lets
// anyone who knows a username keep its owner out for good, a few guesses
// at a time; OWASP's Authentication Cheat Sheet advises delays that grow
// with each attempt instead. The first FreeSignInAttempts attempts on a
// username (typing slips) wait for nothing; after each further one, the
// next must wait SignInDelay, doubling from a second up to MaxSignInDelay.
// That bounds guessing to about 70 passwords an hour on any one account
// (ASVS 2.2.1 asks for no more than 100), while the longest its owner is
// ever kept waiting is a minute.
const (
	FreeSignInAttempts = 5
	MaxSignInDelay     = time.Minute
)

// SignInDelay is how long a username rests after its n-th attempt in a row
// that did not succeed.
func SignInDelay(n int) time.Duration {
	if n <= FreeSignInAttempts {
		return 0
	}
	shift := n - FreeSignInAttempts - 1
	if shift >= 6 { // 64 s: past the cap, and no overflow however large n grows
		return MaxSignInDelay
	}
	return min(time.Second<<shift, MaxSignInDelay)
}

// LoginRecord is what a sign-in attempt is checked against.
type LoginRecord struct {
	User         User
	PasswordHash string
	TOTPSecret   string // base32; "" when not enrolled
	TOTPEnrolled bool
	TOTPLastStep int64 // the last time step accepted, so a code works once
	// FailedLogins counts failed attempts since the last successful
	// sign-in, to tell the owner at their next one.
	FailedLogins int
}

// LoginResult says what to do after checking an attempt.
type LoginResult struct {
	OK bool
	// Why, for the audit log only; callers are never told which part
	// failed, so that nobody learns whether a username exists.
	Failure string
	// State changes to store: the failure count and the TOTP step.
	FailedLogins int
	TOTPStep     int64
	// FailuresBefore is, on success, how many attempts failed since the
	// previous successful sign-in: the owner is told, so that guessing at
	// their account does not go unnoticed by the one person who can say
	// whether it was them.
	FailuresBefore int
	// MFAPending means the password was right but MFA must still be set
	// up: the session may only enrol.
	MFAPending bool
}

// CheckLogin decides a sign-in attempt. requireMFA is false only in demo
// mode. The password is verified even for disabled accounts so that every
// refusal takes the same time. How often a username may be tried is the
// caller's to enforce, with SignInDelay, before the attempt gets here.
func CheckLogin(rec LoginRecord, password, code string, requireMFA bool, hasher Hasher, now time.Time) LoginResult {
	ok, _, err := hasher.Verify(rec.PasswordHash, password)
	res := LoginResult{FailedLogins: rec.FailedLogins, TOTPStep: rec.TOTPLastStep}
	fail := func(why string) LoginResult {
		res.Failure = why
		res.FailedLogins++
		return res
	}
	switch {
	case rec.User.Disabled:
		// Counted too: should the account be enabled again, its owner
		// hears of the attempts made meanwhile.
		return fail("account disabled")
	case err != nil || !ok:
		return fail("wrong password")
	}
	if rec.TOTPEnrolled {
		step, valid := VerifyTOTP(rec.TOTPSecret, code, rec.TOTPLastStep, now)
		if !valid {
			return fail("wrong or reused one-time code")
		}
		res.TOTPStep = step
	} else if requireMFA {
		res.MFAPending = true
	}
	res.OK = true
	res.Failure = ""
	res.FailuresBefore = rec.FailedLogins
	res.FailedLogins = 0
	return res
}

// Replayed turns an accepted attempt into a refusal because its one-time
// code was claimed by a concurrent sign-in between the check and the write
// (see the store's ClaimTOTPStep): a code works once, however close
// together two attempts come.
func (res LoginResult) Replayed() LoginResult {
	return LoginResult{Failure: "one-time code already used", FailedLogins: res.FailuresBefore + 1}
}

// totpPeriod is the RFC 6238 default that authenticator apps expect.
const totpPeriod = 30

// VerifyTOTP checks a six-digit code against the steps either side of now
// (clock drift) and refuses any step at or before lastStep, so a code
// that was seen over a shoulder or replayed is worthless.
func VerifyTOTP(secret, code string, lastStep int64, now time.Time) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 || secret == "" {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for _, s := range []int64{current - 1, current, current + 1} {
		if s <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
		})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// NewTOTPSecret makes a secret for enrolment and the otpauth:// URL an
// authenticator app reads from a QR code.
func NewTOTPSecret(username string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Probity", AccountName: username, Period: totpPeriod, SecretSize: 20})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// NewToken makes an opaque bearer secret of 256 random bits with a prefix
// that says what it is (so a leaked one is recognisable in a scan) and the
// hash under which it is stored.
func NewToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how session and API tokens are stored and looked up. A
// plain SHA-256 suffices: the tokens are random, so there is nothing to
// guess, and lookups must be fast.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SessionPolicy holds the session timeouts.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultSessionPolicy: 15 minutes idle, 12 hours at most.
var DefaultSessionPolicy = SessionPolicy{Idle: 15 * time.Minute, Absolute: 12 * time.Hour}

// Expired reports whether a session created and last used at the given
// times has ended by now, and why.
func (p SessionPolicy) Expired(created, lastSeen, now time.Time) (bool, string) {
	switch {
	case p.Absolute > 0 && !now.Before(created.Add(p.Absolute)):
		return true, "session reached its maximum age"
	case p.Idle > 0 && !now.Before(lastSeen.Add(p.Idle)):
		return true, "session idle too long"
	}
	return false, ""
}
