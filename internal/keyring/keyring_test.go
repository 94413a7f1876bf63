package keyring_test

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/probity/probity/internal/keyring"
)

// testKey is deterministic so that the envelopes committed under
// testdata/fuzz/FuzzOpen keep opening. Key 1 is the one they were sealed with.
func testKey(n int) []byte {
	sum := sha256.Sum256([]byte("probity keyring test key " + strconv.Itoa(n)))
	return sum[:]
}

func testKeyText(n int) string { return base64.StdEncoding.EncodeToString(testKey(n)) }

func testKeyID(n int) string {
	sum := sha256.Sum256(testKey(n))
	return hex.EncodeToString(sum[:4])
}

func mustNew(t testing.TB, current []byte, older ...[]byte) *keyring.Keyring {
	t.Helper()
	k, err := keyring.New(current, older...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return k
}

func mustSeal(t testing.TB, k *keyring.Keyring, s, aad string) string {
	t.Helper()
	env, err := k.SealString(s, aad)
	if err != nil {
		t.Fatalf("SealString: %v", err)
	}
	return env
}

// assertNoKeyMaterial fails if out contains any recognisable form of key n,
// including a prefix, which is how a "bad key abc..." message would leak.
func assertNoKeyMaterial(t *testing.T, what, out string, n int) {
	t.Helper()
	text := testKeyText(n)
	for _, bad := range []string{text, text[:12], string(testKey(n)), hex.EncodeToString(testKey(n))} {
		if strings.Contains(out, bad) {
			t.Errorf("%s reveals key material: %q", what, out)
			return
		}
	}
}

func TestRoundTrip(t *testing.T) {
	k := mustNew(t, testKey(1))
	for _, pt := range []string{"", "a", "complainant@example.org", strings.Repeat("whistle ", 1000), "\x00\xff\n"} {
		env, err := k.Seal([]byte(pt), "people/1/email")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(env, "v1."+testKeyID(1)+".") {
			t.Errorf("envelope %q lacks v1.<id>. prefix", env)
		}
		if len(pt) >= 8 && strings.Contains(env, pt) {
			t.Errorf("envelope contains the plaintext")
		}
		got, err := k.Open(env, "people/1/email")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if string(got) != pt {
			t.Errorf("Open = %q, want %q", got, pt)
		}
		if s, err := k.OpenString(env, "people/1/email"); err != nil || s != pt {
			t.Errorf("OpenString = %q, %v; want %q", s, err, pt)
		}
	}
}

func TestEmptyPlaintextIsStillSealed(t *testing.T) {
	k := mustNew(t, testKey(1))
	env := mustSeal(t, k, "", "people/1/phone")
	if env == "" {
		t.Fatal("SealString(\"\") returned an empty envelope")
	}
	if _, err := k.OpenString(env, "people/1/other"); !errors.Is(err, keyring.ErrAuthentication) {
		t.Errorf("sealed empty string opened under another aad: %v", err)
	}
}

func TestOptional(t *testing.T) {
	k := mustNew(t, testKey(1))
	if env, err := k.SealOptional("", "a"); env != "" || err != nil {
		t.Errorf("SealOptional(\"\") = %q, %v; want \"\", nil", env, err)
	}
	if s, err := k.OpenOptional("", "a"); s != "" || err != nil {
		t.Errorf("OpenOptional(\"\") = %q, %v; want \"\", nil", s, err)
	}
	env, err := k.SealOptional("07700 900123", "a")
	if err != nil || env == "" {
		t.Fatalf("SealOptional = %q, %v", env, err)
	}
	if s, err := k.OpenOptional(env, "a"); s != "07700 900123" || err != nil {
		t.Errorf("OpenOptional = %q, %v", s, err)
	}
	if _, err := k.OpenOptional("junk", "a"); !errors.Is(err, keyring.ErrMalformed) {
		t.Errorf("OpenOptional(junk) = %v, want ErrMalformed", err)
	}
	if k.NeedsRotation("") {
		t.Error("NeedsRotation(\"\") = true; an unset optional field has nothing to rotate")
	}
}

func TestWrongAAD(t *testing.T) {
	k := mustNew(t, testKey(1))
	env := mustSeal(t, k, "witness@example.org", "people/7/email")
	for _, aad := range []string{"people/8/email", "people/7/phone", "", "people/7/email "} {
		_, err := k.Open(env, aad)
		if !errors.Is(err, keyring.ErrAuthentication) {
			t.Errorf("Open with aad %q: err = %v, want ErrAuthentication", aad, err)
		}
	}
}

func TestTamperEveryCharacter(t *testing.T) {
	k := mustNew(t, testKey(1))
	env := mustSeal(t, k, "secret", "people/1/name")
	for i := range len(env) {
		repl := byte('A')
		if env[i] == 'A' {
			repl = 'B'
		}
		bad := env[:i] + string(repl) + env[i+1:]
		if pt, err := k.Open(bad, "people/1/name"); err == nil {
			t.Errorf("changing byte %d gave %q, opened to %q", i, bad, pt)
		}
	}
}

func TestTamperEveryCiphertextByte(t *testing.T) {
	k := mustNew(t, testKey(1))
	env := mustSeal(t, k, "secret", "people/1/name")
	head := env[:strings.LastIndexByte(env, '.')+1]
	raw, err := base64.RawURLEncoding.DecodeString(env[len(head):])
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		mod := bytes.Clone(raw)
		mod[i] ^= 0x01
		bad := head + base64.RawURLEncoding.EncodeToString(mod)
		if _, err := k.Open(bad, "people/1/name"); !errors.Is(err, keyring.ErrAuthentication) {
			t.Errorf("flipping payload byte %d: err = %v, want ErrAuthentication", i, err)
		}
	}
}

func TestUnknownKey(t *testing.T) {
	env := mustSeal(t, mustNew(t, testKey(1)), "x", "a")
	other := mustNew(t, testKey(2), testKey(3))
	_, err := other.Open(env, "a")
	if !errors.Is(err, keyring.ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
	if !strings.Contains(err.Error(), testKeyID(1)) {
		t.Errorf("error %q does not name the missing key id %s", err, testKeyID(1))
	}
}

func TestMalformed(t *testing.T) {
	k := mustNew(t, testKey(1))
	id := testKeyID(1)
	good := mustSeal(t, k, "", "a") // 28-byte payload: its last character carries 4 unused bits
	payload := good[strings.LastIndexByte(good, '.')+1:]
	enc := func(n int) string { return base64.RawURLEncoding.EncodeToString(make([]byte, n)) }
	lastIdx := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", payload[len(payload)-1])
	nonCanonical := payload[:len(payload)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[lastIdx^1])

	if _, err := k.Open(good, "a"); err != nil {
		t.Fatalf("control envelope does not open: %v", err)
	}
	tests := []struct {
		name, env string
	}{
		{"empty", ""},
		{"version only", "v1"},
		{"version and dot", "v1."},
		{"wrong version", "v2." + id + "." + payload},
		{"no version", id + "." + payload},
		{"upper-case version", "V1." + id + "." + payload},
		{"missing payload", "v1." + id},
		{"empty payload", "v1." + id + "."},
		{"empty key id", "v1.." + payload},
		{"short key id", "v1." + id[:7] + "." + payload},
		{"upper-case key id", "v1." + strings.ToUpper("abcdef12") + "." + payload},
		{"non-hex key id", "v1.ghijklmn." + payload},
		{"extra part", good + ".x"},
		{"bad base64", "v1." + id + ".!!!!" + payload},
		{"padded base64", good + "=="},
		{"standard alphabet", "v1." + id + "." + strings.NewReplacer("-", "+", "_", "/").Replace(payload) + "+/"},
		{"embedded newline", "v1." + id + "." + payload[:10] + "\n" + payload[10:]},
		{"embedded space", "v1." + id + "." + payload[:10] + " " + payload[10:]},
		{"impossible length", "v1." + id + "." + payload + "AAA"}, // 4n+1 characters
		{"non-zero trailing bits", "v1." + id + "." + nonCanonical},
		{"shorter than nonce", "v1." + id + "." + enc(11)},
		{"nonce without tag", "v1." + id + "." + enc(12)},
		{"nonce and partial tag", "v1." + id + "." + enc(27)},
		{"leading space", " " + good},
		{"trailing newline", good + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := k.Open(tt.env, "a")
			if !errors.Is(err, keyring.ErrMalformed) {
				t.Errorf("Open(%q) err = %v, want ErrMalformed", tt.env, err)
			}
			if _, err := keyring.KeyID(tt.env); !errors.Is(err, keyring.ErrMalformed) {
				t.Errorf("KeyID(%q) err = %v, want ErrMalformed", tt.env, err)
			}
			if !k.NeedsRotation(tt.env) && tt.env != "" {
				t.Errorf("NeedsRotation(%q) = false; malformed rows must not be skipped", tt.env)
			}
		})
	}
}

func TestKeyID(t *testing.T) {
	k := mustNew(t, testKey(1), testKey(2))
	if got := k.CurrentID(); got != testKeyID(1) {
		t.Errorf("CurrentID = %q, want %q", got, testKeyID(1))
	}
	if len(k.CurrentID()) != 8 {
		t.Errorf("CurrentID %q is not 8 characters", k.CurrentID())
	}
	env := mustSeal(t, k, "x", "a")
	if got, err := keyring.KeyID(env); err != nil || got != testKeyID(1) {
		t.Errorf("KeyID = %q, %v; want %q", got, err, testKeyID(1))
	}
}

func TestRotation(t *testing.T) {
	const aad = "whistleblowers/3/identity"
	old := mustNew(t, testKey(1))
	env := mustSeal(t, old, "Sgt. Example", aad)
	if old.NeedsRotation(env) {
		t.Error("NeedsRotation is true under the key that sealed it")
	}

	rotated := mustNew(t, testKey(2), testKey(1))
	if rotated.CurrentID() != testKeyID(2) {
		t.Fatalf("CurrentID = %q, want the new key %q", rotated.CurrentID(), testKeyID(2))
	}
	if s, err := rotated.OpenString(env, aad); err != nil || s != "Sgt. Example" {
		t.Fatalf("rotated keyring cannot open old envelope: %q, %v", s, err)
	}
	if !rotated.NeedsRotation(env) {
		t.Error("NeedsRotation is false for an envelope under the old key")
	}

	fresh, err := rotated.Reseal(env, aad)
	if err != nil {
		t.Fatalf("Reseal: %v", err)
	}
	if id, _ := keyring.KeyID(fresh); id != testKeyID(2) {
		t.Errorf("resealed envelope is under %q, want %q", id, testKeyID(2))
	}
	if rotated.NeedsRotation(fresh) {
		t.Error("NeedsRotation is true after Reseal")
	}
	if s, err := rotated.OpenString(fresh, aad); err != nil || s != "Sgt. Example" {
		t.Errorf("resealed envelope opens to %q, %v", s, err)
	}
	if _, err := rotated.Reseal(env, "whistleblowers/4/identity"); !errors.Is(err, keyring.ErrAuthentication) {
		t.Errorf("Reseal with the wrong aad: err = %v, want ErrAuthentication", err)
	}

	// Once the old key is retired, only resealed rows remain readable.
	retired := mustNew(t, testKey(2))
	if _, err := retired.Open(env, aad); !errors.Is(err, keyring.ErrUnknownKey) {
		t.Errorf("retired key: err = %v, want ErrUnknownKey", err)
	}
	if _, err := retired.Open(fresh, aad); err != nil {
		t.Errorf("resealed envelope does not open without the old key: %v", err)
	}
	if _, err := old.Open(fresh, aad); !errors.Is(err, keyring.ErrUnknownKey) {
		t.Errorf("old keyring opening new envelope: err = %v, want ErrUnknownKey", err)
	}
}

func TestNonceIsRandom(t *testing.T) {
	k := mustNew(t, testKey(1))
	seen := map[string]bool{}
	for range 50 {
		env := mustSeal(t, k, "same", "a")
		payload := env[strings.LastIndexByte(env, '.')+1:]
		raw, err := base64.RawURLEncoding.DecodeString(payload)
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(raw[:12])
		if seen[env] || seen[nonce] {
			t.Fatalf("two seals repeated an envelope or nonce: %q", env)
		}
		seen[env], seen[nonce] = true, true
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		current []byte
		older   [][]byte
		want    string
	}{
		{"nil", nil, nil, "key 1: is 0 bytes, want 32"},
		{"short", testKey(1)[:31], nil, "key 1: is 31 bytes, want 32"},
		{"long", append(testKey(1), 0), nil, "key 1: is 33 bytes, want 32"},
		{"short older", testKey(1), [][]byte{testKey(2), testKey(3)[:16]}, "key 3: is 16 bytes, want 32"},
		{"current repeated", testKey(1), [][]byte{testKey(1)}, "key 2: duplicates key 1"},
		{"older repeated", testKey(1), [][]byte{testKey(2), testKey(3), testKey(2)}, "key 4: duplicates key 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := keyring.New(tt.current, tt.older...)
			if err == nil {
				t.Fatalf("New succeeded: %v", k)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			for n := 1; n <= 3; n++ {
				assertNoKeyMaterial(t, "New error", err.Error(), n)
			}
		})
	}
	k := mustNew(t, testKey(1), testKey(2), testKey(3))
	if got := k.String(); got != "keyring(current="+testKeyID(1)+", keys=3)" {
		t.Errorf("String = %q", got)
	}
}

func TestNewDoesNotAliasInput(t *testing.T) {
	key := testKey(1)
	k := mustNew(t, key)
	env := mustSeal(t, k, "x", "a")
	clear(key) // callers may wipe their copy after constructing
	if _, err := k.Open(env, "a"); err != nil {
		t.Errorf("keyring depends on the caller's key slice: %v", err)
	}
}

func TestParse(t *testing.T) {
	k1, k2, k3 := testKeyText(1), testKeyText(2), testKeyText(3)
	ok := []struct {
		name, text string
		keys       int
	}{
		{"one", k1, 1},
		{"surrounding whitespace", "\n  " + k1 + " \t\r\n", 1},
		{"commas", k1 + "," + k2 + "," + k3, 3},
		{"newlines", k1 + "\n" + k2 + "\r\n" + k3 + "\n", 3},
		{"comma and newline", k1 + ",\n " + k2 + ",\n", 2},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			k, err := keyring.Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if k.CurrentID() != testKeyID(1) {
				t.Errorf("CurrentID = %q, want the first key %q", k.CurrentID(), testKeyID(1))
			}
			if want := fmt.Sprintf("keys=%d)", tt.keys); !strings.HasSuffix(k.String(), want) {
				t.Errorf("String = %q, want suffix %q", k, want)
			}
		})
	}

	// A key one character off is still nearly the real key: errors must not
	// echo any of it.
	typo := k1[:10] + "*" + k1[11:]
	short := base64.StdEncoding.EncodeToString(testKey(1)[:31])
	bad := []struct {
		name, text, want string
	}{
		{"empty", "", "no keys"},
		{"only separators", " ,\n, ", "no keys"},
		{"bad base64", typo, "key 1: not valid standard base64"},
		{"bad base64 second", k1 + "," + typo, "key 2: not valid standard base64"},
		{"url alphabet", strings.NewReplacer("+", "-", "/", "_").Replace(k1), "key 1: not valid standard base64"},
		{"two keys one line", k1 + " " + k2, "key 1: not valid standard base64"},
		{"wrong length", k1 + "\n" + short, "key 2: decodes to 31 bytes, want 32"},
		{"too long", base64.StdEncoding.EncodeToString(append(testKey(1), 1)), "key 1: decodes to 33 bytes, want 32"},
		{"duplicate", k1 + "," + k2 + ",\n" + k1, "key 3: duplicates key 1"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			k, err := keyring.Parse(tt.text)
			if err == nil {
				t.Fatalf("Parse succeeded: %v", k)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			for n := 1; n <= 3; n++ {
				assertNoKeyMaterial(t, "Parse error", err.Error(), n)
			}
			if strings.Contains(err.Error(), typo[:12]) || strings.Contains(err.Error(), short[:12]) {
				t.Errorf("Parse error echoes the input: %q", err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", testKeyText(2)+"\n"+testKeyText(1)+"\n")
	bad := write("bad", testKeyText(1)+"\n"+testKeyText(1)[:20]+"\n")

	k, err := keyring.Load(testKeyText(1), "")
	if err != nil || k.CurrentID() != testKeyID(1) {
		t.Errorf("Load(value) = %v, %v", k, err)
	}
	k, err = keyring.Load("", good)
	if err != nil || k.CurrentID() != testKeyID(2) {
		t.Errorf("Load(file) = %v, %v", k, err)
	}

	tests := []struct {
		name, value, file, want string
	}{
		{"neither", "", "", "PROBITY_DATA_KEY"},
		{"both", testKeyText(1), good, "both"},
		{"missing file", "", filepath.Join(dir, "nope"), "nope"},
		{"bad file", "", bad, "key 2: decodes to 15 bytes"},
		{"bad value", testKeyText(1)[:20], "", "key 1: decodes to 15 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := keyring.Load(tt.value, tt.file)
			if err == nil {
				t.Fatalf("Load succeeded: %v", k)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			assertNoKeyMaterial(t, "Load error", err.Error(), 1)
			assertNoKeyMaterial(t, "Load error", err.Error(), 2)
			if strings.Contains(err.Error(), testKeyText(1)[:20]) {
				t.Errorf("Load error echoes the input: %q", err)
			}
		})
	}
}

func TestGenerate(t *testing.T) {
	a, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("Generate returned the same key twice")
	}
	raw, err := base64.StdEncoding.DecodeString(a)
	if err != nil || len(raw) != 32 {
		t.Fatalf("Generate = %d bytes, %v; want 32 bytes of standard base64", len(raw), err)
	}
	k, err := keyring.Parse(a + "\n" + b)
	if err != nil {
		t.Fatalf("Parse(Generate()): %v", err)
	}
	if s, err := k.OpenString(mustSeal(t, k, "x", "a"), "a"); err != nil || s != "x" {
		t.Errorf("generated key does not round trip: %q, %v", s, err)
	}
}

func TestRedaction(t *testing.T) {
	k, err := keyring.Parse(testKeyText(1) + "," + testKeyText(2))
	if err != nil {
		t.Fatal(err)
	}
	want := "keyring(current=" + testKeyID(1) + ", keys=2)"

	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		outs = append(outs, fmt.Sprintf(verb, k))
		outs = append(outs, fmt.Sprintf(verb, struct{ K *keyring.Keyring }{k}))
		outs = append(outs, fmt.Sprintf(verb, *k)) // a copied value still prints by reflection
	}
	outs = append(outs, k.String(), k.GoString())
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		slog.New(h(&buf)).Info("loaded", "keys", k, slog.Group("cfg", "keyring", k))
		if strings.Count(buf.String(), want) != 2 {
			t.Errorf("slog output %q lacks the redacted form twice", buf.String())
		}
		outs = append(outs, buf.String())
	}
	if k.String() != want || k.GoString() != want || fmt.Sprint(k) != want || fmt.Sprintf("%#v", k) != want {
		t.Errorf("String/GoString/Sprint = %q/%q/%q, want %q", k.String(), k.GoString(), fmt.Sprint(k), want)
	}
	for _, out := range outs {
		assertNoKeyMaterial(t, "formatted keyring", out, 1)
		assertNoKeyMaterial(t, "formatted keyring", out, 2)
	}
}

func TestZeroKeyring(t *testing.T) {
	for _, k := range []*keyring.Keyring{nil, {}} {
		if _, err := k.SealString("x", "a"); err == nil {
			t.Errorf("%v: Seal succeeded", k)
		}
		env := mustSeal(t, mustNew(t, testKey(1)), "x", "a")
		if _, err := k.Open(env, "a"); err == nil {
			t.Errorf("%v: Open succeeded", k)
		}
		if k.CurrentID() != "" {
			t.Errorf("%v: CurrentID = %q", k, k.CurrentID())
		}
		_ = fmt.Sprintf("%v %+v %#v %s", k, k, k, k)
	}
}

func TestConcurrentUse(t *testing.T) {
	k := mustNew(t, testKey(2), testKey(1))
	old := mustSeal(t, mustNew(t, testKey(1)), "old", "a")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				aad := fmt.Sprintf("people/%d/%d", g, i)
				env, err := k.SealString(aad, aad)
				if err != nil {
					t.Error(err)
					return
				}
				if s, err := k.OpenString(env, aad); err != nil || s != aad {
					t.Errorf("OpenString = %q, %v", s, err)
					return
				}
				if _, err := k.Reseal(old, "a"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestCommittedSeedOpens keeps the valid seeds under testdata honest: if the
// test key or the envelope format changes, they would otherwise silently turn
// into just more malformed inputs.
func TestCommittedSeedOpens(t *testing.T) {
	k := mustNew(t, testKey(1))
	want := map[string]string{
		"valid-email": "complainant@example.org",
		"valid-empty": "",
	}
	for name, pt := range want {
		args := readSeed(t, filepath.Join("testdata", "fuzz", "FuzzOpen", name))
		if len(args) != 2 {
			t.Fatalf("%s: %d values, want 2", name, len(args))
		}
		got, err := k.OpenString(args[0], args[1])
		if err != nil || got != pt {
			t.Errorf("%s: OpenString = %q, %v; want %q", name, got, err, pt)
		}
	}
}

// readSeed reads a corpus file that holds only string values.
func readSeed(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || sc.Text() != "go test fuzz v1" {
		t.Fatalf("%s: missing header", path)
	}
	var out []string
	for sc.Scan() {
		line := sc.Text()
		inner, ok := strings.CutPrefix(line, "string(")
		inner, ok2 := strings.CutSuffix(inner, ")")
		if !ok || !ok2 {
			t.Fatalf("%s: unexpected line %q", path, line)
		}
		s, err := strconv.Unquote(inner)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, s)
	}
	return out
}

// FuzzOpen checks that Open never panics, fails only with the documented
// sentinels, and accepts an input only if it is byte-for-byte what sealing
// that plaintext with that nonce produces. The expected envelope is rebuilt
// with crypto/cipher directly, so the check does not trust the package.
func FuzzOpen(f *testing.F) {
	k := mustNew(f, testKey(1), testKey(2))
	gcms := map[string]cipher.AEAD{}
	for _, n := range []int{1, 2} {
		block, err := aes.NewCipher(testKey(n))
		if err != nil {
			f.Fatal(err)
		}
		g, err := cipher.NewGCM(block)
		if err != nil {
			f.Fatal(err)
		}
		gcms[testKeyID(n)] = g
	}
	for _, aad := range []string{"people/1/email", ""} {
		f.Add(mustSeal(f, k, "someone@example.org", aad), aad)
		f.Add(mustSeal(f, mustNew(f, testKey(2)), "", aad), aad)
	}
	f.Add("v1."+testKeyID(1)+".", "")
	f.Add("v1..AAAA", "")

	f.Fuzz(func(t *testing.T, envelope, aad string) {
		pt, err := k.Open(envelope, aad)
		id, idErr := keyring.KeyID(envelope)
		if errors.Is(err, keyring.ErrMalformed) != (idErr != nil) {
			t.Fatalf("Open err %v disagrees with KeyID err %v", err, idErr)
		}
		if err != nil {
			if !errors.Is(err, keyring.ErrMalformed) && !errors.Is(err, keyring.ErrUnknownKey) && !errors.Is(err, keyring.ErrAuthentication) {
				t.Fatalf("Open returned an undocumented error: %v", err)
			}
			if pt != nil {
				t.Fatalf("Open returned plaintext with an error")
			}
			return
		}

		g, ok := gcms[id]
		if !ok {
			t.Fatalf("Open succeeded under key id %q, which is not in the keyring", id)
		}
		raw, decErr := base64.RawURLEncoding.DecodeString(envelope[len("v1.")+len(id)+1:])
		if decErr != nil || len(raw) < 12 {
			t.Fatalf("Open accepted a payload that does not decode: %v", decErr)
		}
		nonce := raw[:12]
		want := "v1." + id + "." + base64.RawURLEncoding.EncodeToString(g.Seal(bytes.Clone(nonce), nonce, pt, []byte(aad)))
		if envelope != want {
			t.Fatalf("Open accepted a non-canonical envelope\n got %q\nwant %q", envelope, want)
		}

		again, err := k.Reseal(envelope, aad)
		if err != nil {
			t.Fatalf("Reseal of an openable envelope: %v", err)
		}
		if back, err := k.Open(again, aad); err != nil || !bytes.Equal(back, pt) {
			t.Fatalf("resealed envelope does not round trip: %q, %v", back, err)
		}
	})
}

// FuzzParse checks that Parse never panics, never echoes a well-formed key in
// its error, and that whatever it accepts is a working keyring.
func FuzzParse(f *testing.F) {
	f.Add(testKeyText(1))
	f.Add(testKeyText(1) + ",\n" + testKeyText(2) + "\n")
	f.Add(testKeyText(1) + "," + testKeyText(1))
	f.Add(" , ")

	f.Fuzz(func(t *testing.T, text string) {
		k, err := keyring.Parse(text)
		var keys []string
		for _, field := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' }) {
			if field = strings.TrimSpace(field); field != "" {
				keys = append(keys, field)
			}
		}
		if err != nil {
			if k != nil {
				t.Fatal("Parse returned a keyring with an error")
			}
			for _, key := range keys {
				if raw, decErr := base64.StdEncoding.DecodeString(key); decErr == nil && len(raw) == 32 && strings.Contains(err.Error(), key) {
					t.Fatalf("Parse error %q contains a key", err)
				}
			}
			return
		}
		if want := fmt.Sprintf("keys=%d)", len(keys)); !strings.HasSuffix(k.String(), want) {
			t.Fatalf("String = %q for %d keys", k, len(keys))
		}
		first, _ := base64.StdEncoding.DecodeString(keys[0])
		sum := sha256.Sum256(first)
		if k.CurrentID() != hex.EncodeToString(sum[:4]) {
			t.Fatalf("CurrentID %q is not the first key's", k.CurrentID())
		}
		for _, key := range keys {
			if strings.Contains(k.String(), key) || strings.Contains(fmt.Sprintf("%#v", k), key) {
				t.Fatalf("formatted keyring contains a key")
			}
		}
		env, err := k.SealString("x", "a")
		if err != nil {
			t.Fatal(err)
		}
		if s, err := k.OpenString(env, "a"); err != nil || s != "x" {
			t.Fatalf("parsed keyring does not round trip: %q, %v", s, err)
		}
	})
}

func TestDigests(t *testing.T) {
	a, b := bytes.Repeat([]byte{1}, keyring.KeySize), bytes.Repeat([]byte{2}, keyring.KeySize)
	old, err := keyring.New(a)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := keyring.New(b, a)
	if err != nil {
		t.Fatal(err)
	}
	before := old.Digests("index", []byte("gary lane"))
	after := rotated.Digests("index", []byte("gary lane"))
	if len(before) != 1 || len(after) != 2 || after[0].KeyID != rotated.CurrentID() {
		t.Fatalf("digests %v, %v", before, after)
	}
	// A row indexed under the old key is found with the rotated ring.
	if after[1] != before[0] {
		t.Errorf("the old key's digest changed: %v, %v", after[1], before[0])
	}
	for _, other := range [][2]string{{"index", "gary lanes"}, {"other", "gary lane"}} {
		if d := old.Digests(other[0], []byte(other[1])); d[0] == before[0] {
			t.Errorf("%q under %q digests as %q does", other[1], other[0], "gary lane")
		}
	}
	if before[0].Hex == "" || strings.Contains(before[0].Hex, "gary") {
		t.Errorf("digest %q", before[0].Hex)
	}
}
