package audit_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
)

func valid() audit.Entry {
	return audit.Entry{At: t0, ActorID: "u-1", ActorName: "j.bloggs", Action: audit.Consult,
		RecordType: "case", RecordID: "c-1", Outcome: audit.Success, Source: "192.0.2.1"}
}

func TestValidateRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(e *audit.Entry)
		field  string
	}{
		{"no action", func(e *audit.Entry) { e.Action = "" }, "action"},
		{"unknown action", func(e *audit.Entry) { e.Action = "peek" }, "action"},
		{"no outcome", func(e *audit.Entry) { e.Outcome = "" }, "outcome"},
		{"unknown outcome", func(e *audit.Entry) { e.Outcome = "maybe" }, "outcome"},
		{"no time", func(e *audit.Entry) { e.At = time.Time{} }, "at"},
		{"disclosure without recipients", func(e *audit.Entry) { e.Action = audit.Disclose }, "recipients"},
		{"disclosure to blank recipients", func(e *audit.Entry) { e.Action, e.Recipients = audit.Disclose, []string{""} }, "recipients"},
		{"too many recipients", func(e *audit.Entry) {
			e.Action, e.Recipients = audit.Disclose, make([]string, audit.MaxRecipients+1)
			for i := range e.Recipients {
				e.Recipients[i] = "r"
			}
		}, "recipients"},
		{"break-glass without a reason", func(e *audit.Entry) { e.Action, e.Reason = audit.BreakGlass, "  " }, "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := valid()
			tc.change(&e)
			err := e.Validate()
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("Validate() = %v, want an invalid error", err)
			}
			fields := fault.FieldsOf(err)
			if len(fields) == 0 || fields[0].Field != tc.field {
				t.Errorf("fields %v, want %s", fields, tc.field)
			}
		})
	}
}

func TestValidateAcceptsEveryActionAndOutcome(t *testing.T) {
	for _, a := range []audit.Action{audit.Login, audit.Logout, audit.AccessDenied, audit.Collect, audit.Consult,
		audit.Alter, audit.Erase, audit.Disclose, audit.Combine, audit.RoleChange, audit.BreakGlass, audit.MFAEnrol,
		audit.MFAReset, audit.AccountDisabled, audit.TokenIssued, audit.TokenRevoked, audit.Export} {
		for _, o := range []audit.Outcome{audit.Success, audit.Denied, audit.Failure} {
			e := valid()
			e.Action, e.Outcome, e.Reason, e.Recipients = a, o, "why", []string{"IOPC"}
			if o != audit.Success {
				e.ActorID, e.ActorName, e.Reason = "", "", "" // a refusal of someone unknown
			}
			if err := e.Validate(); err != nil {
				t.Errorf("%s/%s: %v", a, o, err)
			}
		}
	}
}

func TestValidateSanitises(t *testing.T) {
	e := valid()
	e.At = time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.FixedZone("BST", 3600))
	e.ActorName = "eve\r\nINFO forged line\x00"
	e.RecordID = "c-1\u202Egnp.exe" // right-to-left override
	e.Source = "\xff\xfe10.0.0.1"
	e.Reason = strings.Repeat("é", 5000) + "\nline two\tand a tab"
	e.Action, e.Recipients = audit.Disclose, []string{"", "IOPC\n", strings.Repeat("x", 1000)}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.At.Location() != time.UTC || e.At.Nanosecond() != 999999000 || e.At.Hour() != 2 {
		t.Errorf("At = %v, want UTC truncated to microseconds", e.At)
	}
	for _, s := range []string{e.ActorName, e.RecordID, e.Source} {
		if strings.ContainsAny(s, "\r\n\x00\u202E") || !utf8.ValidString(s) {
			t.Errorf("not sanitised: %q", s)
		}
	}
	if e.ActorName != "eve\uFFFD\uFFFDINFO forged line\uFFFD" {
		t.Errorf("ActorName = %q", e.ActorName)
	}
	if n := utf8.RuneCountInString(e.Reason); n != audit.MaxReason || !strings.HasSuffix(e.Reason, "…") {
		t.Errorf("reason has %d characters, want %d ending in an ellipsis", n, audit.MaxReason)
	}
	if len(e.Recipients) != 2 || e.Recipients[0] != "IOPC\uFFFD" || utf8.RuneCountInString(e.Recipients[1]) != audit.MaxField {
		t.Errorf("recipients = %q", e.Recipients)
	}
	// Sanitising twice changes nothing, so a stored entry re-validates to
	// itself.
	again := e
	again.Recipients = append([]string(nil), e.Recipients...)
	if err := again.Validate(); err != nil || again.ComputeHash() != e.ComputeHash() {
		t.Errorf("second Validate changed the entry (%v)", err)
	}
	// Every invisible character fault.Invisible names is marked, in one
	// line fields and reasons alike; what is visible is kept.
	for _, hidden := range []string{"\u202E", "\u200B", "\u2066", "\u2069", "\uFEFF", "\u200D", "\u2028", "\U000E0041"} {
		marked := valid()
		marked.ActorName, marked.Reason = "j"+hidden+"smith", "seen by j"+hidden+"smith"
		if err := marked.Validate(); err != nil {
			t.Fatal(err)
		}
		if marked.ActorName != "j\uFFFDsmith" || marked.Reason != "seen by j\uFFFDsmith" {
			t.Errorf("U+%04X: actor %q, reason %q", []rune(hidden)[0], marked.ActorName, marked.Reason)
		}
	}
	multi := valid()
	multi.Reason = "first\nsecond\tthird"
	_ = multi.Validate()
	if multi.Reason != "first\nsecond\tthird" {
		t.Errorf("reason lost its line breaks: %q", multi.Reason)
	}
}

func TestCanonicalEncodingIsUnambiguous(t *testing.T) {
	pairs := []struct {
		name string
		a, b func(e *audit.Entry)
	}{
		{"text moved between fields", func(e *audit.Entry) { e.ActorID, e.ActorName = "ab", "c" },
			func(e *audit.Entry) { e.ActorID, e.ActorName = "a", "bc" }},
		{"separator inside a recipient", func(e *audit.Entry) { e.Recipients = []string{"a\n1:b"} },
			func(e *audit.Entry) { e.Recipients = []string{"a", "b"} }},
		{"empty recipient list and one empty recipient", func(e *audit.Entry) { e.Recipients = nil },
			func(e *audit.Entry) { e.Recipients = []string{""} }},
		{"reason faking the fields after it", func(e *audit.Entry) { e.Reason = "x\n1:0\n" },
			func(e *audit.Entry) { e.Reason = "x" }},
		{"sequence number", func(e *audit.Entry) { e.Seq = 1 }, func(e *audit.Entry) { e.Seq = 2 }},
		{"previous hash", func(e *audit.Entry) { e.PrevHash = audit.Genesis },
			func(e *audit.Entry) { e.PrevHash = strings.Repeat("1", 64) }},
		{"time to the microsecond", func(e *audit.Entry) {}, func(e *audit.Entry) { e.At = e.At.Add(time.Microsecond) }},
	}
	for _, p := range pairs {
		a, b := valid(), valid()
		p.a(&a)
		p.b(&b)
		if bytes.Equal(a.Canonical(), b.Canonical()) || a.ComputeHash() == b.ComputeHash() {
			t.Errorf("%s: two different entries share an encoding", p.name)
		}
	}
	// Nil and empty recipient lists are the same content, and must hash
	// the same whether or not the store hands back a nil slice.
	a, b := valid(), valid()
	b.Recipients = []string{}
	if a.ComputeHash() != b.ComputeHash() {
		t.Error("nil and empty recipient lists hash differently")
	}
}

func TestSealChainsEntries(t *testing.T) {
	e := valid()
	e.Seq = 1
	e.Seal(audit.Genesis)
	if e.PrevHash != audit.Genesis || len(e.Hash) != 64 {
		t.Fatalf("sealed %+v", e)
	}
	if _, err := hex.DecodeString(e.Hash); err != nil || strings.ToLower(e.Hash) != e.Hash {
		t.Errorf("hash %q is not lower-case hex", e.Hash)
	}
	// The encoding is a stored format: changing it by accident would make
	// every existing log fail verification, so it is pinned here.
	const golden = "dc77bfd657cf7ccb7f427d4d1338b5ba833fb0040da3f27dcaa3349c1d9bc3f8"
	if e.Hash != golden {
		t.Errorf("hash of a fixed entry is %s, want %s; the canonical encoding changed", e.Hash, golden)
	}
	wantPrefix := "probity audit entry v1\n1:1\n64:" + audit.Genesis + "\n27:2026-03-01T09:00:00.123456Z\n3:u-1\n"
	if got := string(e.Canonical()); !strings.HasPrefix(got, wantPrefix) {
		t.Errorf("canonical encoding starts %q, want %q", got[:min(len(got), len(wantPrefix))], wantPrefix)
	}
}

func TestFormatAndParseTime(t *testing.T) {
	at := time.Date(2026, 7, 8, 9, 10, 11, 120000000, time.UTC)
	s := audit.FormatTime(at)
	if s != "2026-07-08T09:10:11.120000Z" {
		t.Fatalf("FormatTime = %q", s)
	}
	if got, err := audit.ParseTime(s); err != nil || !got.Equal(at) {
		t.Fatalf("ParseTime(%q) = %v, %v", s, got, err)
	}
	for _, bad := range []string{"2026-07-08T09:10:11.12Z", "2026-07-08T10:10:11.120000+01:00",
		"2026-07-08 09:10:11.120000Z", "2026-07-08T09:10:11.120000z", ""} {
		if _, err := audit.ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted a non-canonical spelling", bad)
		}
	}
}

func TestSigningKeys(t *testing.T) {
	text := audit.GenerateSigningKey()
	s, err := audit.ParseSigningKey(" " + text + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if id := s.KeyID(); len(id) != 8 || id != audit.KeyID(s.Public()) {
		t.Errorf("KeyID = %q", id)
	}
	pubText := audit.EncodePublicKey(s.Public())
	pub, err := audit.ParsePublicKey(pubText)
	if err != nil || !pub.Equal(s.Public()) {
		t.Fatalf("public key round trip: %v", err)
	}
	v := audit.NewVerifier(pub)
	cp := s.Sign(100, strings.Repeat("a", 64), t0)
	if err := v.VerifyCheckpoint(cp); err != nil {
		t.Errorf("checkpoint: %v", err)
	}
	if err := v.VerifyHead(audit.Head{Seq: cp.Seq, Hash: cp.Hash, KeyID: cp.KeyID, Signature: cp.Signature}); err == nil {
		t.Error("a checkpoint signature verified as a head")
	}
	h := s.SignHead(100, cp.Hash, t0)
	if err := v.VerifyHead(h); err != nil {
		t.Errorf("head: %v", err)
	}
	if err := v.VerifyCheckpoint(audit.Checkpoint{Seq: h.Seq, Hash: h.Hash, KeyID: h.KeyID, Signature: h.Signature}); err == nil {
		t.Error("a head signature verified as a checkpoint")
	}

	seed, _ := base64.StdEncoding.DecodeString(testSeed)
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{base64.StdEncoding.EncodeToString(seed[:31]), "decodes to 31 bytes"},
		{base64.StdEncoding.EncodeToString(append(seed, 0)), "decodes to 33 bytes"},
		{testSeed[:20] + "\n" + testSeed[20:], "not valid standard base64"},
		{base64.RawStdEncoding.EncodeToString(seed), "not valid standard base64"},
		{base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)), "not valid standard base64"},
		{testSeed[:42] + "x=", "not valid standard base64"}, // non-zero trailing bits
	} {
		_, err := audit.ParseSigningKey(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSigningKey(%q) = %v, want %q", tc.in, err, tc.want)
			continue
		}
		if tc.in != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.in)[:8]) {
			t.Errorf("error quotes the key: %v", err)
		}
	}
	for _, bad := range []string{"", "AAAA", pubText + "\n" + pubText} {
		if _, err := audit.ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) succeeded", bad)
		}
	}
}

func TestLoadSigningKey(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "audit.key")
	if err := os.WriteFile(file, []byte(testSeed+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(bad, []byte("c2hvcnQ=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := testSigner(t).KeyID()
	if s, err := audit.LoadSigningKey(testSeed, ""); err != nil || s.KeyID() != want {
		t.Errorf("from value: %v", err)
	}
	if s, err := audit.LoadSigningKey("", file); err != nil || s.KeyID() != want {
		t.Errorf("from file: %v", err)
	}
	for _, tc := range []struct{ value, file, want string }{
		{"", "", "set PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE"},
		{testSeed, file, "both"},
		{"c2hvcnQ=", "", "PROBITY_AUDIT_KEY: audit signing key decodes to 5 bytes"},
		{"", bad, "PROBITY_AUDIT_KEY_FILE " + bad + ": audit signing key decodes to 5 bytes"},
		{"", filepath.Join(dir, "missing"), "PROBITY_AUDIT_KEY_FILE"},
	} {
		_, err := audit.LoadSigningKey(tc.value, tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadSigningKey(%q, %q) = %v, want %q", tc.value, tc.file, err, tc.want)
		}
	}
}

func TestSignerNeverPrintsItsKey(t *testing.T) {
	s := testSigner(t)
	seed, _ := base64.StdEncoding.DecodeString(testSeed)
	secrets := []string{testSeed, hex.EncodeToString(seed), fmt.Sprint(seed), string(seed)}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "signer", s, "value", *s)
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out = append(out, fmt.Sprintf(verb, s), fmt.Sprintf(verb, *s))
	}
	out = append(out, logged.String(), s.String())
	for _, o := range out {
		for _, secret := range secrets {
			if strings.Contains(o, secret) {
				t.Fatalf("key material printed: %q", o)
			}
		}
		if !strings.Contains(o, s.KeyID()) {
			t.Errorf("output %q does not name the key id", o)
		}
	}
}

// FuzzParseSigningKey: whatever the input, parsing must not panic, an
// accepted key must be in its one canonical spelling and sign, and an
// error must not quote the input.
func FuzzParseSigningKey(f *testing.F) {
	f.Add(testSeed)
	f.Add(audit.GenerateSigningKey() + "\n")
	f.Add("")
	f.Add("c2hvcnQ=")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := audit.ParseSigningKey(in)
		trimmed := strings.TrimSpace(in)
		if err != nil {
			if s != nil {
				t.Fatal("signer returned with an error")
			}
			if len(trimmed) >= 8 && strings.Contains(err.Error(), trimmed) {
				t.Fatalf("error quotes the input: %v", err)
			}
			return
		}
		seed, derr := base64.StdEncoding.DecodeString(trimmed)
		if derr != nil || len(seed) != audit.SeedSize || base64.StdEncoding.EncodeToString(seed) != trimmed {
			t.Fatalf("accepted a non-canonical key %q", in)
		}
		cp := s.Sign(1, audit.Genesis, t0)
		if err := audit.NewVerifier(s.Public()).VerifyCheckpoint(cp); err != nil {
			t.Fatal(err)
		}
	})
}
