package audit_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
)

// legacyHead signs a head as Probity did before heads carried their time:
// written out here from the old format, not through the package, so that
// the test pins what existing databases hold.
func legacyHead(t testing.TB, seq int64, hash string) audit.Head {
	t.Helper()
	seed, err := base64.StdEncoding.DecodeString(testSeed)
	if err != nil {
		t.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(seed)
	msg := "probity audit head v1\n" + strconv.FormatInt(seq, 10) + "\n" + hash
	return audit.Head{Seq: seq, Hash: hash, KeyID: audit.KeyID(key.Public().(ed25519.PublicKey)),
		Signature: ed25519.Sign(key, []byte(msg))}
}

func TestHeadSignatureCoversItsTime(t *testing.T) {
	s := testSigner(t)
	v := audit.NewVerifier(s.Public())
	hash := strings.Repeat("ab", 32)
	h := s.SignHead(42, hash, t0)
	if err := v.VerifyHead(h); err != nil || !h.At.Equal(t0.Truncate(time.Microsecond)) {
		t.Fatalf("timed head: %v, at %v", err, h.At)
	}
	moved := h
	moved.At = h.At.Add(time.Microsecond)
	untimed := h
	untimed.At = time.Time{}
	old := legacyHead(t, 42, hash)
	timedOld := old
	timedOld.At = t0
	cp := s.Sign(42, hash, t0)
	for _, tc := range []struct {
		name string
		h    audit.Head
		ok   bool
	}{
		{"signed with its time", h, true},
		{"time moved by a microsecond", moved, false},
		{"time stripped", untimed, false},
		{"an untimed head from before the change", old, true},
		{"a time added to an untimed head", timedOld, false},
		{"a checkpoint's signature and time as a head", audit.Head{Seq: 42, Hash: hash, At: cp.At, KeyID: cp.KeyID, Signature: cp.Signature}, false},
	} {
		if err := v.VerifyHead(tc.h); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestFormatAndParseHeads(t *testing.T) {
	s := testSigner(t)
	h := s.SignHead(1234, strings.Repeat("0f", 32), t0)
	text := audit.FormatHead(h)
	want := "probity audit head v2\nseq: 1234\nhash: " + h.Hash + "\nat: 2026-03-01T09:00:00.123456Z\nkey: " + h.KeyID +
		"\nsignature: " + base64.StdEncoding.EncodeToString(h.Signature) + "\n"
	if text != want {
		t.Fatalf("FormatHead:\n%s\nwant:\n%s", text, want)
	}
	old := legacyHead(t, 7, strings.Repeat("1a", 32))
	oldText := audit.FormatHead(old)
	if strings.Contains(oldText, "at:") || !strings.HasPrefix(oldText, "probity audit head v1\n") {
		t.Errorf("untimed head written as %q", oldText)
	}
	// As pasted into a ticket: notes, indentation, Windows line ends.
	pasted := "# witnessed by the force auditor, ticket 4411\r\n\r\n" +
		strings.ReplaceAll("  "+strings.TrimSuffix(text, "\n"), "\n", "\r\n  ") + "\r\n\r\n" + oldText
	heads, err := audit.ParseHeads(pasted)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != 2 || audit.FormatHead(heads[0]) != text || audit.FormatHead(heads[1]) != oldText {
		t.Fatalf("parsed %+v", heads)
	}
	v := audit.NewVerifier(s.Public())
	for _, p := range heads {
		if err := v.VerifyHead(p); err != nil {
			t.Errorf("parsed head %d: %v", p.Seq, err)
		}
	}

	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	with := func(i int, line string) string {
		l := append([]string(nil), lines...)
		l[i] = line
		return strings.Join(l, "\n")
	}
	without := func(i int) string {
		l := append([]string(nil), lines[:i]...)
		return strings.Join(append(l, lines[i+1:]...), "\n")
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "no head found"},
		{"only notes", "# nothing yet\n", "no head found"},
		{"not a head", "hello\n", `line 1: expected "probity audit head v2" to start a head`},
		{"unknown version", with(0, "probity audit head v3"), `line 1: expected "probity audit head v2"`},
		{"seq missing", without(1), "line 2: expected the seq line, found hash"},
		{"time missing from v2", without(3), "line 4: expected the at line, found key"},
		{"fields reordered", with(1, lines[2]), "line 2: expected the seq line, found hash"},
		{"unknown field", with(1, "size: 3"), "line 2: expected the seq line"},
		{"negative seq", with(1, "seq: -1"), "line 2: seq: not a whole number"},
		{"seq with a plus", with(1, "seq: +1234"), "line 2: seq: not a whole number"},
		{"seq with leading zero", with(1, "seq: 01234"), "line 2: seq: not a whole number"},
		{"short hash", with(2, "hash: abc"), "line 3: hash: want 64 hex digits"},
		{"upper-case hash", with(2, "hash: "+strings.ToUpper(h.Hash)), "line 3: hash: want 64 lower-case hex digits"},
		{"time respelt", with(3, "at: 2026-03-01T09:00:00.123456+00:00"), "line 4: at: not a canonical audit time"},
		{"key id of another length", with(4, "key: abc"), "line 5: key: want 8 hex digits"},
		{"signature not base64", with(5, "signature: ***"), "line 6: signature: not standard base64"},
		{"short signature", with(5, "signature: c2hvcnQ="), "line 6: signature: decodes to 5 bytes, want 64"},
		{"truncated", without(5), "line 5: head ends before its signature line"},
		{"blank line inside", with(2, ""), "line 3: head ends before its hash line"},
		{"new head inside another", with(3, "probity audit head v2"), "line 4: a new head starts before the at line"},
		{"not UTF-8", "probity audit head v2\n\xff", "not UTF-8 text"},
	} {
		_, err := audit.ParseHeads(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := audit.ParseHeads(strings.Repeat(text+"\n", audit.MaxWitnessHeads+1)); err == nil ||
		!strings.Contains(err.Error(), "more than") {
		t.Errorf("too many heads: %v", err)
	}
}

// FuzzParseHeads: a witness file comes from outside (a ticket, a mail).
// Whatever it holds, parsing must not panic, and what it accepts must be
// written back the way it was read.
func FuzzParseHeads(f *testing.F) {
	s, err := audit.ParseSigningKey(testSeed)
	if err != nil {
		f.Fatal(err)
	}
	good := audit.FormatHead(s.SignHead(99, strings.Repeat("c3", 32), t0))
	f.Add(good)
	f.Add("# note\n\n" + good + "\n" + good)
	f.Add(audit.FormatHead(legacyHead(f, 3, strings.Repeat("00", 32))))
	f.Add("probity audit head v2\nseq: 1\n")
	f.Add("probity audit head v1\r\nseq: 0\r\nhash: " + audit.Genesis + "\r\nkey: 00000000\r\nsignature: " +
		base64.StdEncoding.EncodeToString(make([]byte, 64)) + "\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		heads, err := audit.ParseHeads(in)
		if err != nil {
			if len(heads) != 0 {
				t.Fatal("heads returned beside an error")
			}
			return
		}
		var all strings.Builder
		for _, h := range heads {
			all.WriteString(audit.FormatHead(h) + "\n")
		}
		again, err := audit.ParseHeads(all.String())
		if err != nil || len(again) != len(heads) {
			t.Fatalf("written back, did not parse: %v", err)
		}
		for i := range heads {
			if audit.FormatHead(again[i]) != audit.FormatHead(heads[i]) || !again[i].At.Equal(heads[i].At) {
				t.Fatalf("head %d changed on the way round", i)
			}
		}
	})
}

func TestVerifyAgainstWitnessedHeads(t *testing.T) {
	s := testSigner(t)
	keys := audit.NewVerifier(s.Public())
	log := build(t, 250, 100)
	witness := func(c chain, seq int64) audit.Head {
		// Through the text form, as an auditor's copy would come back.
		heads, err := audit.ParseHeads(audit.FormatHead(s.SignHead(seq, c.entries[at(seq)].Hash, t0.Add(time.Duration(seq)*time.Second))))
		if err != nil {
			t.Fatal(err)
		}
		return heads[0]
	}
	atEnd, at150 := witness(log, 250), witness(log, 150)

	// Restored from a copy taken at entry 180: entries, the checkpoint at
	// 100 and the head as they stood then, every one genuine.
	restored := log.clone()
	restored.entries, restored.cps = restored.entries[:180], restored.cps[:1]
	restored.head = s.SignHead(180, restored.entries[at(180)].Hash, t0)

	// Rolled back to 120, after which the server went on writing: a log
	// whole and signed throughout, but another history after 120.
	diverged := log.clone()
	diverged.entries[at(121)].Reason = "written after the restore"
	diverged.rehash(121)
	diverged.cps[1] = s.Sign(200, diverged.entries[at(200)].Hash, t0)
	diverged.head = s.SignHead(250, diverged.entries[at(250)].Hash, t0)

	forged := atEnd
	forged.Signature = append([]byte(nil), atEnd.Signature...)
	forged.Signature[0] ^= 1
	other, _ := audit.ParseSigningKey(audit.GenerateSigningKey())
	foreign := other.SignHead(250, log.entries[at(250)].Hash, t0)

	for _, tc := range []struct {
		name      string
		c         chain
		witnesses []audit.Head
		firstBad  int64
		problem   string // "" when the log must pass
	}{
		{"intact, no witness", log, nil, 0, ""},
		{"intact, witnessed at its end and before", log, []audit.Head{atEnd, at150}, 0, ""},
		{"intact, witnessed before the change of format", log, []audit.Head{legacyHead(t, 90, log.entries[at(90)].Hash)}, 0, ""},
		// The limit documented at Verify: without a witness, a consistent
		// earlier state passes.
		{"restored earlier state, no witness", restored, nil, 0, ""},
		{"restored earlier state, witnessed before it", restored, []audit.Head{at150}, 0, ""},
		{"restored earlier state, witnessed after it", restored, []audit.Head{at150, atEnd}, 181,
			"log ends at entry 180, but a witnessed head signed at 2026-03-01T09:04:10.123456Z by key " + s.KeyID() + " has 250 entries"},
		{"another history since, no witness", diverged, nil, 0, ""},
		{"another history since, witnessed", diverged, []audit.Head{at150}, 101,
			"entry 150 does not match the witnessed head signed at 2026-03-01T09:02:30.123456Z"},
		{"witness altered", log, []audit.Head{forged}, 0, "witnessed head at entry 250: signature invalid"},
		{"witness signed by an untrusted key", log, []audit.Head{foreign}, 0, "witnessed head at entry 250: signed by a key that is not trusted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := audit.Verify(entriesOf(tc.c.entries), tc.c.signed(), keys, tc.witnesses...)
			if tc.problem == "" {
				if !r.OK || r.Witnessed != len(tc.witnesses) {
					t.Fatalf("report %+v", r)
				}
				return
			}
			if r.OK || r.FirstBad != tc.firstBad || !strings.Contains(r.Problem, tc.problem) {
				t.Fatalf("FirstBad %d, problem %q; want %d, %q", r.FirstBad, r.Problem, tc.firstBad, tc.problem)
			}
		})
	}
}

func TestVerifyHandoversBetweenKeys(t *testing.T) {
	old := testSigner(t)
	current, err := audit.ParseSigningKey(audit.GenerateSigningKey())
	if err != nil {
		t.Fatal(err)
	}
	// 50 entries, no checkpoint: before the change only the head the old
	// key left at 30 vouches for them.
	c := build(t, 50, 100)
	left := old.SignHead(30, c.entries[at(30)].Hash, t0)
	c.head = current.SignHead(50, c.entries[at(50)].Hash, t0.Add(time.Hour))
	signed := audit.Signed{Handovers: []audit.Head{left}, Head: c.head}
	both := audit.NewVerifier(current.Public(), old.Public())
	r := audit.Verify(entriesOf(c.entries), signed, both)
	if !r.OK || r.Handovers != 1 || strings.Join(r.Keys, ",") != old.KeyID()+","+current.KeyID() {
		t.Fatalf("with both keys: %+v", r)
	}

	moved := left
	moved.Seq = 31
	for _, tc := range []struct {
		name     string
		signed   audit.Signed
		keys     audit.Verifier
		firstBad int64
		problem  string
	}{
		{"only the new key", signed, audit.NewVerifier(current.Public()), 1,
			"head left at 30 by retired key " + old.KeyID() + ": signed by a key that is not trusted"},
		{"handover moved", audit.Signed{Handovers: []audit.Head{moved}, Head: c.head}, both, 1,
			"head left at 31 by retired key " + old.KeyID() + ": signature invalid"},
		{"handover beyond the end", audit.Signed{Handovers: []audit.Head{old.SignHead(60, c.head.Hash, t0)}, Head: c.head}, both, 51,
			"head left at 60 by retired key " + old.KeyID() + " is beyond the last entry 50"},
		{"handover recorded twice", audit.Signed{Handovers: []audit.Head{left, left}, Head: c.head}, both, 30,
			"head left by a retired key at 30 recorded twice"},
	} {
		r := audit.Verify(entriesOf(c.entries), tc.signed, tc.keys)
		if r.OK || r.FirstBad != tc.firstBad || !strings.Contains(r.Problem, tc.problem) {
			t.Errorf("%s: FirstBad %d, problem %q; want %d, %q", tc.name, r.FirstBad, r.Problem, tc.firstBad, tc.problem)
		}
	}
	// A stretch rewritten before the change is caught at the handover.
	c.entries[at(10)].Reason = "rewritten"
	c.rehash(10)
	c.head = current.SignHead(50, c.entries[at(50)].Hash, t0)
	r = audit.Verify(entriesOf(c.entries), audit.Signed{Handovers: []audit.Head{left}, Head: c.head}, both)
	if r.OK || r.FirstBad != 1 || !strings.Contains(r.Problem, "entry 30 does not match it (entries 1 to 30 rewritten)") {
		t.Errorf("rewritten before the change: %+v", r)
	}
}

func TestParsePublicKeys(t *testing.T) {
	a, _ := audit.ParseSigningKey(audit.GenerateSigningKey())
	b, _ := audit.ParseSigningKey(audit.GenerateSigningKey())
	pa, pb := audit.EncodePublicKey(a.Public()), audit.EncodePublicKey(b.Public())
	for _, tc := range []struct {
		name, in string
		n        int
		err      string
	}{
		{"none", "", 0, ""},
		{"comma-separated", pa + "," + pb, 2, ""},
		{"a file with notes", "# retired 2026-01-04, key " + a.KeyID() + "\n" + pa + "\r\n\n" + pb + "  # retired 2026-06-01\n", 2, ""},
		{"a bad second key", pa + ", c2hvcnQ=", 0, "key 2: audit public key decodes to 5 bytes"},
	} {
		got, err := audit.ParsePublicKeys(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != tc.n {
			t.Errorf("%s: %d keys, %v", tc.name, len(got), err)
		}
	}
	if pubs, err := audit.LoadPreviousKeys("", ""); err != nil || pubs != nil {
		t.Errorf("none configured: %v %v", pubs, err)
	}
	if _, err := audit.LoadPreviousKeys(pa, "/nonexistent"); err == nil || !strings.Contains(err.Error(), "use only one") {
		t.Errorf("both set: %v", err)
	}
	if _, err := audit.LoadPreviousKeys("nope!", ""); err == nil || !strings.Contains(err.Error(), "PROBITY_AUDIT_PREVIOUS_KEYS: key 1") {
		t.Errorf("bad value: %v", err)
	}
}
