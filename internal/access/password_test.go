package access

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var testHasher = Hasher{Params: TestParams}

func TestHashVerifyRoundTrip(t *testing.T) {
	for _, pw := range []string{
		"correct horse battery staple",
		"",
		"ünïcödé пароль 密码 🔑",
		strings.Repeat("x", 1000),
		"with\x00nul",
	} {
		t.Run(fmt.Sprintf("%.20q", pw), func(t *testing.T) {
			enc, err := testHasher.Hash(pw)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			if strings.Contains(enc, pw) && pw != "" {
				t.Fatalf("encoded hash contains the password")
			}
			ok, rehash, err := testHasher.Verify(enc, pw)
			if err != nil || !ok || rehash {
				t.Fatalf("Verify(right password) = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
			ok, rehash, err = testHasher.Verify(enc, pw+"x")
			if err != nil || ok || rehash {
				t.Fatalf("Verify(wrong password) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestDefaultParamsRoundTrip(t *testing.T) {
	enc, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(enc, prefix) {
		t.Fatalf("encoded = %q, want prefix %q", enc, prefix)
	}
	parts := strings.Split(enc, "$")
	// 16-byte salt and 32-byte key in unpadded base64.
	if len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Fatalf("salt/hash lengths = %d/%d, want 22/43", len(parts[4]), len(parts[5]))
	}
	ok, rehash, err := VerifyPassword(enc, "a long enough password")
	if err != nil || !ok || rehash {
		t.Fatalf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, _, err = VerifyPassword(enc, "A long enough password")
	if err != nil || ok {
		t.Fatalf("VerifyPassword(case changed) = %v, %v; want false, nil", ok, err)
	}
}

// Hashes produced by the Argon2 reference implementation (Debian's argon2
// command-line tool, e.g. `echo -n password | argon2 somesaltsomesalt -id
// -t 1 -k 64 -p 1 -l 32 -e`). They catch an encoder and parser that agree
// with each other but not with the format every other tool reads.
func TestVerifyReferenceVectors(t *testing.T) {
	tests := []struct {
		name, enc, pw string
		h             Hasher
	}{
		{"test params", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
			"password", testHasher},
		{"default params", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
			"correct horse battery staple", DefaultHasher},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := tc.h.Verify(tc.enc, tc.pw)
			if err != nil || !ok || rehash {
				t.Fatalf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
			if ok, _, _ := tc.h.Verify(tc.enc, tc.pw+" "); ok {
				t.Fatalf("Verify accepted a different password")
			}
		})
	}
}

func TestHashesDiffer(t *testing.T) {
	a, err := testHasher.Hash("same password")
	if err != nil {
		t.Fatal(err)
	}
	b, err := testHasher.Hash("same password")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of the same password are identical: %s", a)
	}
	if strings.Split(a, "$")[4] == strings.Split(b, "$")[4] {
		t.Fatalf("two hashes share a salt")
	}
}

func TestNeedsRehash(t *testing.T) {
	enc, err := testHasher.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		params PasswordParams
		want   bool
	}{
		{"same", TestParams, false},
		{"memory", withParams(func(p *PasswordParams) { p.MemoryKiB = 128 }), true},
		{"iterations", withParams(func(p *PasswordParams) { p.Iterations = 2 }), true},
		{"parallelism", withParams(func(p *PasswordParams) { p.Parallelism = 2 }), true},
		{"salt length", withParams(func(p *PasswordParams) { p.SaltLength = 32 }), true},
		{"key length", withParams(func(p *PasswordParams) { p.KeyLength = 64 }), true},
		{"default", DefaultParams, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := Hasher{Params: tc.params}
			ok, rehash, err := h.Verify(enc, "pw")
			if err != nil || !ok {
				t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
			}
			if rehash != tc.want {
				t.Fatalf("needsRehash = %v, want %v", rehash, tc.want)
			}
			// A wrong password must never ask for a rehash: the caller
			// would be storing a hash of the attacker's guess.
			if _, rehash, _ := h.Verify(enc, "wrong"); rehash {
				t.Fatalf("needsRehash true for a wrong password")
			}
		})
	}
}

func withParams(f func(*PasswordParams)) PasswordParams {
	p := TestParams
	f(&p)
	return p
}

func TestVerifyMalformed(t *testing.T) {
	good, err := testHasher.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	with := func(alg, ver, params, s, k string) string {
		return "$" + alg + "$" + ver + "$" + params + "$" + s + "$" + k
	}
	tests := []struct {
		name, enc string
	}{
		{"empty", ""},
		{"garbage", "not a hash"},
		{"dollars only", "$$$$$"},
		{"too few fields", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"too many fields", good + "$extra"},
		{"no leading dollar", strings.TrimPrefix(good, "$")},
		{"argon2i", with("argon2i", "v=19", "m=64,t=1,p=1", salt, key)},
		{"argon2d", with("argon2d", "v=19", "m=64,t=1,p=1", salt, key)},
		{"bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"},
		{"upper-case alg", with("ARGON2ID", "v=19", "m=64,t=1,p=1", salt, key)},
		{"old version", with("argon2id", "v=16", "m=64,t=1,p=1", salt, key)},
		{"missing version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"version not a number", with("argon2id", "v=x", "m=64,t=1,p=1", salt, key)},
		{"version leading zero", with("argon2id", "v=019", "m=64,t=1,p=1", salt, key)},
		{"params reordered", with("argon2id", "v=19", "t=1,m=64,p=1", salt, key)},
		{"params missing", with("argon2id", "v=19", "m=64,t=1", salt, key)},
		{"params extra", with("argon2id", "v=19", "m=64,t=1,p=1,k=1", salt, key)},
		{"param negative", with("argon2id", "v=19", "m=-64,t=1,p=1", salt, key)},
		{"param plus sign", with("argon2id", "v=19", "m=+64,t=1,p=1", salt, key)},
		{"param leading zero", with("argon2id", "v=19", "m=064,t=1,p=1", salt, key)},
		{"param hex", with("argon2id", "v=19", "m=0x40,t=1,p=1", salt, key)},
		{"param empty", with("argon2id", "v=19", "m=,t=1,p=1", salt, key)},
		{"param overflow", with("argon2id", "v=19", "m=99999999999999999999,t=1,p=1", salt, key)},
		{"param spaces", with("argon2id", "v=19", "m=64, t=1, p=1", salt, key)},
		{"salt bad base64", with("argon2id", "v=19", "m=64,t=1,p=1", "!!!!notbase64!!!!", key)},
		{"salt padded", with("argon2id", "v=19", "m=64,t=1,p=1", salt+"==", key)},
		{"salt url alphabet", with("argon2id", "v=19", "m=64,t=1,p=1", "a-b_"+salt[4:], key)},
		{"salt with newline", with("argon2id", "v=19", "m=64,t=1,p=1", salt[:10]+"\n"+salt[10:], key)},
		{"salt empty", with("argon2id", "v=19", "m=64,t=1,p=1", "", key)},
		{"salt too short", with("argon2id", "v=19", "m=64,t=1,p=1", "c2FsdA", key)},
		{"hash bad base64", with("argon2id", "v=19", "m=64,t=1,p=1", salt, "%%%")},
		{"hash empty", with("argon2id", "v=19", "m=64,t=1,p=1", salt, "")},
		{"hash too short", with("argon2id", "v=19", "m=64,t=1,p=1", salt, key[:8])},
		{"hash non-zero trailing bits", with("argon2id", "v=19", "m=64,t=1,p=1", salt, key[:42]+"B")},
		{"overlong", good + strings.Repeat("A", 300)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := testHasher.Verify(tc.enc, "pw")
			if err == nil {
				t.Fatalf("Verify(%q) returned no error", tc.enc)
			}
			if ok || rehash {
				t.Fatalf("Verify(%q) = %v, %v with error %v", tc.enc, ok, rehash, err)
			}
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("error %v does not wrap ErrMalformedHash", err)
			}
			if strings.Contains(err.Error(), "pw") {
				t.Fatalf("error %q mentions the password", err)
			}
		})
	}
}

// The whole point of the limits: a tampered stored hash must be refused
// before argon2 runs, not after it has allocated gigabytes.
func TestVerifyAbsurdParams(t *testing.T) {
	good, err := testHasher.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	tests := []struct {
		name, params string
	}{
		{"memory over 1 GiB", "m=1048577,t=1,p=1"},
		{"memory 4 GiB-1", "m=4294967295,t=1,p=1"},
		{"memory zero", "m=0,t=1,p=1"},
		{"memory below 8 KiB per lane", "m=15,t=1,p=2"},
		{"iterations over 20", "m=64,t=21,p=1"},
		{"iterations huge", "m=64,t=4294967295,p=1"},
		{"iterations zero", "m=64,t=0,p=1"},
		{"parallelism zero", "m=64,t=1,p=0"},
		{"parallelism over limit", "m=1024,t=1,p=17"},
		{"parallelism over uint8", "m=4096,t=1,p=256"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := "$argon2id$v=19$" + tc.params + "$" + parts[4] + "$" + parts[5]
			ok, _, err := testHasher.Verify(enc, "pw")
			if err == nil || ok {
				t.Fatalf("Verify(%s) = %v, %v; want an error", tc.params, ok, err)
			}
		})
	}
	// The limits themselves are accepted: they bound, they don't forbid.
	edge := "$argon2id$v=19$m=16,t=20,p=2$" + parts[4] + "$" + parts[5]
	if _, _, err := testHasher.Verify(edge, "pw"); err != nil {
		t.Fatalf("Verify at the lower memory and upper time limits: %v", err)
	}
}

func TestHashRejectsBadParams(t *testing.T) {
	for _, p := range []PasswordParams{
		{},
		withParams(func(p *PasswordParams) { p.MemoryKiB = maxMemoryKiB + 1 }),
		withParams(func(p *PasswordParams) { p.Iterations = 0 }),
		withParams(func(p *PasswordParams) { p.SaltLength = 4 }),
		withParams(func(p *PasswordParams) { p.KeyLength = 8 }),
	} {
		if enc, err := (Hasher{Params: p}).Hash("pw"); err == nil {
			t.Errorf("Hash with %+v = %q, want an error", p, enc)
		}
	}
}

func TestDummyVerifyRuns(t *testing.T) {
	// Nothing to observe but that it neither panics nor returns early for
	// odd input; the timing itself is the caller's concern.
	testHasher.DummyVerify("")
	testHasher.DummyVerify("some password")
	Hasher{}.DummyVerify("zero hasher must not panic")
}

func FuzzVerifyPassword(f *testing.F) {
	// A fixed hash rather than a fresh one: each fuzz worker runs this setup
	// itself, and a random salt would differ between them.
	const good = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM"
	f.Add(good)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("")
	f.Fuzz(func(t *testing.T, enc string) {
		p, salt, key, err := decodePHC(enc)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("error %v does not wrap ErrMalformedHash", err)
			}
			return
		}
		// Every accepted string has exactly one spelling, so re-encoding what
		// was parsed must give the input back.
		if re := encodePHC(p, salt, key); re != enc {
			t.Fatalf("accepted %q but it re-encodes as %q", enc, re)
		}
		if p.validate() != nil {
			t.Fatalf("accepted %q with invalid parameters %+v", enc, p)
		}
		// Running argon2 at up to 1 GiB per input would make the fuzzer
		// crawl without finding anything new: the parser is what takes
		// hostile input, so the full Verify runs only on cheap parameters.
		if uint64(p.MemoryKiB)*uint64(p.Iterations) > 1<<14 {
			return
		}
		ok, _, err := testHasher.Verify(enc, "password")
		if err != nil {
			t.Fatalf("decodePHC accepted %q but Verify failed: %v", enc, err)
		}
		if enc == good && !ok {
			t.Fatalf("reference hash no longer verifies")
		}
		if ok && enc != good {
			// Not impossible, but a match against a different hash would
			// mean the comparison is broken far more likely than a collision.
			t.Fatalf("password matched unrelated hash %q", enc)
		}
	})
}

// A generated password is the promised length, avoids look-alike
// characters, passes the policy Probity holds people to, and differs from
// the next one.
func TestGeneratePassword(t *testing.T) {
	first := GeneratePassword()
	for i, pw := range []string{first, GeneratePassword(), GeneratePassword()} {
		if len(pw) != 20 {
			t.Errorf("password %d: %d characters, want 20", i, len(pw))
		}
		if strings.ContainsAny(pw, "lIO01o") {
			t.Errorf("password %d: %q holds a look-alike character", i, pw)
		}
		if err := CheckPassword(pw); err != nil {
			t.Errorf("password %d: %q fails the policy: %v", i, pw, err)
		}
		if i > 0 && pw == first {
			t.Errorf("password %d repeats the first: %q", i, pw)
		}
	}
}

// Every character of the alphabet is equally likely: a modulo over bytes
// would make the first 32 characters a quarter more likely than the rest.
func TestGeneratePasswordIsUnbiased(t *testing.T) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	counts := map[rune]int{}
	for range 4000 {
		for _, c := range GeneratePassword() {
			counts[c]++
		}
	}
	mean := func(chars string) float64 {
		total := 0
		for _, c := range chars {
			total += counts[c]
		}
		return float64(total) / float64(len(chars))
	}
	// 80,000 characters: each group's mean count is about 1,430 with a
	// standard error under 10, so 5% apart is far outside chance.
	first, rest := mean(alphabet[:32]), mean(alphabet[32:])
	if ratio := rest / first; ratio < 0.95 || ratio > 1.05 {
		t.Errorf("the last 24 characters come %.3f times as often as the first 32; want about 1", ratio)
	}
}
