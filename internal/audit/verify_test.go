package audit_test

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
)

// testSeed is a fixed signing key for tests; never use it elsewhere.
const testSeed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

func testSigner(t testing.TB) *audit.Signer {
	t.Helper()
	s, err := audit.ParseSigningKey(testSeed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC)

// sample makes a varied entry, so that tampering tests touch every kind of
// field: a disclosure with recipients every fifth entry, non-ASCII text,
// an empty source now and then.
func sample(i int) audit.Entry {
	e := audit.Entry{
		At:         t0.Add(time.Duration(i) * 1500 * time.Millisecond),
		ActorID:    fmt.Sprintf("u-%04d", i%7),
		ActorName:  fmt.Sprintf("officer.%d", i%7),
		Action:     audit.Consult,
		RecordType: "case",
		RecordID:   fmt.Sprintf("c-%06d", i*37%1000),
		Outcome:    audit.Success,
		Source:     "192.0.2." + strconv.Itoa(i%250),
		Reason:     "Reviewing the complaint — café incident, line " + strconv.Itoa(i),
	}
	switch {
	case i%5 == 0:
		e.Action, e.Recipients = audit.Disclose, []string{"IOPC", "Crown Prosecution Service"}
	case i%11 == 0:
		e.Action, e.Outcome, e.Source, e.Reason = audit.AccessDenied, audit.Denied, "", ""
	}
	return e
}

type chain struct {
	entries []audit.Entry
	cps     []audit.Checkpoint
	head    audit.Head
}

func build(t testing.TB, n, every int) chain {
	t.Helper()
	s := testSigner(t)
	var c chain
	prev := audit.Genesis
	for i := 1; i <= n; i++ {
		e := sample(i)
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
		e.Seq = int64(i)
		e.Seal(prev)
		prev = e.Hash
		c.entries = append(c.entries, e)
		if i%every == 0 {
			c.cps = append(c.cps, s.Sign(e.Seq, e.Hash, e.At.Add(time.Millisecond)))
		}
	}
	if n > 0 {
		c.head = s.SignHead(int64(n), prev, c.entries[n-1].At.Add(time.Millisecond))
	}
	return c
}

func (c chain) clone() chain {
	d := chain{entries: slices.Clone(c.entries), cps: slices.Clone(c.cps), head: c.head}
	for i := range d.entries {
		d.entries[i].Recipients = slices.Clone(d.entries[i].Recipients)
	}
	for i := range d.cps {
		d.cps[i].Signature = slices.Clone(d.cps[i].Signature)
	}
	d.head.Signature = slices.Clone(d.head.Signature)
	return d
}

func (c chain) signed() audit.Signed { return audit.Signed{Checkpoints: c.cps, Head: c.head} }

// index of entry seq in a chain not yet cut.
func at(seq int64) int { return int(seq - 1) }

// rehash recomputes every hash from entry seq on, as someone without the
// key but with write access could, so that only signatures can tell.
func (c *chain) rehash(seq int64) {
	prev := audit.Genesis
	if i := at(seq); i > 0 {
		prev = c.entries[i-1].Hash
	}
	for i := at(seq); i < len(c.entries); i++ {
		c.entries[i].Seal(prev)
		prev = c.entries[i].Hash
	}
}

func entriesOf(es []audit.Entry) iter.Seq2[audit.Entry, error] {
	return func(yield func(audit.Entry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func verify(t testing.TB, c chain) audit.Report {
	t.Helper()
	return audit.Verify(entriesOf(c.entries), c.signed(), audit.NewVerifier(testSigner(t).Public()))
}

func TestVerifyAcceptsAnIntactLog(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 250} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			c := build(t, n, 100)
			r := verify(t, c)
			if !r.OK || r.Entries != int64(n) || r.Checkpoints != n/100 || r.FirstBad != 0 || r.Problem != "" {
				t.Fatalf("report = %+v", r)
			}
			want := audit.Genesis
			if n > 0 {
				want = c.entries[n-1].Hash
			}
			if r.LastHash != want {
				t.Errorf("LastHash = %q, want %q", r.LastHash, want)
			}
		})
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	other, err := audit.ParseSigningKey(audit.GenerateSigningKey())
	if err != nil {
		t.Fatal(err)
	}
	signer := testSigner(t)
	for _, tc := range []struct {
		name     string
		tamper   func(c *chain)
		firstBad int64
		problem  string
	}{
		{"reason changed", func(c *chain) { c.entries[at(57)].Reason += "!" }, 57, "entry 57: hash does not match its content"},
		{"changed and its own hash recomputed", func(c *chain) {
			e := &c.entries[at(57)]
			e.ActorID = "u-9999"
			e.Seal(e.PrevHash)
		}, 57, "entry 58: previous-hash link broken"},
		{"changed after a checkpoint, own hash recomputed", func(c *chain) {
			e := &c.entries[at(101)]
			e.Reason = "nothing to see"
			e.Seal(e.PrevHash)
		}, 101, "entry 102: previous-hash link broken"},
		{"link of the entry after a checkpoint rewritten", func(c *chain) {
			e := &c.entries[at(101)]
			e.Seal(strings.Repeat("ab", 32))
		}, 101, "entry 101: previous-hash link broken"},
		{"first entry's link rewritten", func(c *chain) {
			e := &c.entries[0]
			e.Seal(strings.Repeat("ab", 32))
		}, 1, "entry 1: previous-hash link broken"},
		{"tail rewritten with fresh hashes", func(c *chain) {
			c.entries[at(230)].Reason = "rewritten"
			c.rehash(230)
		}, 201, "entry 250 does not match the signed head"},
		{"checkpointed stretch rewritten with fresh hashes", func(c *chain) {
			c.entries[at(150)].Reason = "rewritten"
			c.rehash(150)
		}, 101, "checkpoint at 200: entry 200 does not match the signed hash"},
		{"first entry deleted", func(c *chain) { c.entries = c.entries[1:] }, 1, "entry 1: sequence gap, expected 1 got 2 (entry deleted?)"},
		{"middle entry deleted", func(c *chain) { c.entries = slices.Delete(c.entries, at(58), at(59)) }, 58,
			"entry 58: sequence gap, expected 58 got 59 (entry deleted?)"},
		{"checkpointed entry deleted", func(c *chain) { c.entries = slices.Delete(c.entries, at(100), at(101)) }, 100,
			"entry 100: sequence gap"},
		{"middle entry deleted and the rest renumbered", func(c *chain) {
			c.entries = slices.Delete(c.entries, at(58), at(59))
			for i := at(58); i < len(c.entries); i++ {
				c.entries[i].Seq--
			}
		}, 58, "entry 58: hash does not match its content"},
		{"last entry deleted", func(c *chain) { c.entries = c.entries[:249] }, 250,
			"head says 250 entries but log ends at 249 (log truncated)"},
		{"last entry deleted and head rewritten unsigned", func(c *chain) {
			c.entries = c.entries[:249]
			c.head.Seq, c.head.Hash = 249, c.entries[248].Hash
		}, 201, "chain head: signature invalid"},
		{"last entry deleted and head signed by another key", func(c *chain) {
			c.entries = c.entries[:249]
			c.head = other.SignHead(249, c.entries[248].Hash, t0)
		}, 201, "chain head: signed by a key that is not trusted"},
		{"two entries swapped", func(c *chain) {
			c.entries[at(10)], c.entries[at(20)] = c.entries[at(20)], c.entries[at(10)]
		}, 10, "entry 10: sequence gap, expected 10 got 20"},
		{"contents of two entries swapped, numbers kept", func(c *chain) {
			a, b := &c.entries[at(10)], &c.entries[at(20)]
			*a, *b = *b, *a
			a.Seq, b.Seq = 10, 20
		}, 10, "entry 10: hash does not match its content"},
		{"adjacent entries swapped and relinked", func(c *chain) {
			c.entries[at(30)], c.entries[at(31)] = c.entries[at(31)], c.entries[at(30)]
			c.entries[at(30)].Seq, c.entries[at(31)].Seq = 30, 31
			c.rehash(30)
		}, 1, "checkpoint at 100: entry 100 does not match the signed hash (entries 1 to 100 rewritten)"},
		{"tail after the last checkpoint truncated", func(c *chain) { c.entries = c.entries[:200] }, 201,
			"head says 250 entries but log ends at 200 (log truncated)"},
		{"tail truncated and the head rolled back to the checkpoint", func(c *chain) {
			c.entries = c.entries[:200]
			cp := c.cps[1]
			c.head = audit.Head{Seq: cp.Seq, Hash: cp.Hash, KeyID: cp.KeyID, Signature: cp.Signature}
		}, 201, "chain head: signature invalid"},
		{"truncated past a checkpoint, head rewritten", func(c *chain) {
			c.entries = c.entries[:150]
			c.head.Seq, c.head.Hash = 150, c.entries[149].Hash
		}, 151, "checkpoint at 200 is beyond the last entry 150 (log truncated)"},
		{"head deleted", func(c *chain) { c.head = audit.Head{} }, 201, "chain head is missing"},
		{"head reset to genesis", func(c *chain) { c.head = audit.Head{Hash: audit.Genesis} }, 201, "chain head is missing"},
		{"everything after the first checkpoint removed", func(c *chain) {
			c.entries, c.cps = c.entries[:100], c.cps[:1]
			c.head.Seq, c.head.Hash = 100, c.entries[99].Hash
		}, 101, "chain head: signature invalid"},
		{"entry appended without the key", func(c *chain) {
			e := sample(251)
			e.Seq = 251
			e.Seal(c.entries[249].Hash)
			c.entries = append(c.entries, e)
		}, 251, "log has entries after 250"},
		{"checkpoint signature altered", func(c *chain) { c.cps[0].Signature[3] ^= 1 }, 1, "checkpoint at 100: signature invalid"},
		{"checkpoint time altered", func(c *chain) { c.cps[1].At = c.cps[1].At.Add(time.Second) }, 101, "checkpoint at 200: signature invalid"},
		{"checkpoint moved", func(c *chain) { c.cps[1].Seq = 199 }, 101, "checkpoint at 199: signature invalid"},
		{"checkpoint by an unknown key", func(c *chain) {
			c.cps[1] = other.Sign(200, c.entries[at(200)].Hash, t0)
		}, 101, "checkpoint at 200: signed by a key that is not trusted"},
		{"checkpoint forged for a rewritten stretch", func(c *chain) {
			c.entries[at(150)].Reason = "rewritten"
			c.rehash(150)
			c.cps[1] = other.Sign(200, c.entries[at(200)].Hash, t0)
			c.head = other.SignHead(250, c.entries[at(250)].Hash, t0)
		}, 101, "checkpoint at 200: signed by a key that is not trusted"},
		{"checkpoint duplicated", func(c *chain) { c.cps = append(c.cps, c.cps[0]) }, 100, "checkpoint at 100 recorded twice"},
		{"checkpoint beyond the end with the head rolled back", func(c *chain) {
			c.entries = c.entries[:199]
			c.head = signer.SignHead(199, c.entries[198].Hash, t0) // an old head, copied earlier
		}, 200, "checkpoint at 200 is beyond the last entry 199"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := build(t, 250, 100).clone()
			tc.tamper(&c)
			r := verify(t, c)
			if r.OK {
				t.Fatalf("tampering not detected: %+v", r)
			}
			if r.FirstBad != tc.firstBad || !strings.Contains(r.Problem, tc.problem) {
				t.Fatalf("FirstBad %d, problem %q; want %d, %q", r.FirstBad, r.Problem, tc.firstBad, tc.problem)
			}
		})
	}
}

// fields lists an entry's stored fields as text, as a database holds them,
// with a way to write each back. Flipping any byte of any of them must be
// noticed.
func fields(e *audit.Entry) []struct {
	name string
	get  func() string
	set  func(string) error
} {
	type f = struct {
		name string
		get  func() string
		set  func(string) error
	}
	str := func(name string, p *string) f {
		return f{name, func() string { return *p }, func(s string) error { *p = s; return nil }}
	}
	list := []f{
		{"seq", func() string { return strconv.FormatInt(e.Seq, 10) }, func(s string) (err error) {
			e.Seq, err = strconv.ParseInt(s, 10, 64)
			return err
		}},
		{"at", func() string { return audit.FormatTime(e.At) }, func(s string) (err error) {
			e.At, err = audit.ParseTime(s)
			return err
		}},
		str("actor_id", &e.ActorID),
		str("actor_name", &e.ActorName),
		{"action", func() string { return string(e.Action) }, func(s string) error { e.Action = audit.Action(s); return nil }},
		str("record_type", &e.RecordType),
		str("record_id", &e.RecordID),
		{"outcome", func() string { return string(e.Outcome) }, func(s string) error { e.Outcome = audit.Outcome(s); return nil }},
		str("source", &e.Source),
		str("reason", &e.Reason),
		str("prev_hash", &e.PrevHash),
		str("hash", &e.Hash),
	}
	for i := range e.Recipients {
		list = append(list, str(fmt.Sprintf("recipients[%d]", i), &e.Recipients[i]))
	}
	return list
}

func TestVerifyDetectsEverySingleByteChange(t *testing.T) {
	// A shorter chain than above: each of the thousands of changes is
	// verified from the start, and what matters is where the entry stands
	// (first, checkpointed, a disclosure, last), not how many follow.
	base := build(t, 30, 10)
	for _, seq := range []int64{1, 10, 15, 30} {
		t.Run(strconv.FormatInt(seq, 10), func(t *testing.T) {
			t.Parallel()
			flipEveryByte(t, base.clone(), seq)
		})
	}
}

// flipEveryByte changes each byte of each stored field of entry seq, one
// at a time and in two ways (low bit, high bit), and expects each change
// to be pinned on that entry.
func flipEveryByte(t *testing.T, c chain, seq int64) {
	original := c.entries[at(seq)]
	restore := func() {
		c.entries[at(seq)] = original
		c.entries[at(seq)].Recipients = slices.Clone(original.Recipients)
	}
	for fi, f := range fields(&original) {
		for pos := range len(f.get()) {
			for _, bit := range []byte{0x01, 0x80} {
				restore()
				fl := fields(&c.entries[at(seq)])[fi]
				b := []byte(fl.get())
				b[pos] ^= bit
				if err := fl.set(string(b)); err != nil {
					continue // unreadable: the store reports it as a malformed entry
				}
				if r := verify(t, c); r.OK || r.FirstBad != seq {
					t.Fatalf("entry %d %s byte %d ^%#x: report %+v, want FirstBad %d", seq, f.name, pos, bit, r, seq)
				}
			}
		}
	}
	restore()
	if r := verify(t, c); !r.OK {
		t.Fatalf("restored chain fails: %+v", r)
	}
}

func TestVerifyReportsMalformedAndUnreadableEntries(t *testing.T) {
	c := build(t, 20, 10)
	keys := audit.NewVerifier(testSigner(t).Public())
	withErr := func(seq int64, err error) iter.Seq2[audit.Entry, error] {
		return func(yield func(audit.Entry, error) bool) {
			for _, e := range c.entries {
				if e.Seq == seq {
					e = audit.Entry{Seq: seq}
					if !yield(e, err) {
						return
					}
					continue
				}
				if !yield(e, nil) {
					return
				}
			}
		}
	}
	r := audit.Verify(withErr(7, &audit.MalformedError{Seq: 7, Field: "recipients"}), c.signed(), keys)
	if r.OK || r.FirstBad != 7 || r.Problem != "entry 7: stored recipients is malformed" {
		t.Errorf("malformed: %+v", r)
	}
	failing := func(yield func(audit.Entry, error) bool) {
		for _, e := range c.entries[:5] {
			if !yield(e, nil) {
				return
			}
		}
		yield(audit.Entry{}, errors.New("disk on fire"))
	}
	r = audit.Verify(failing, c.signed(), keys)
	if r.OK || r.FirstBad != 6 || !strings.Contains(r.Problem, "disk on fire") {
		t.Errorf("read error: %+v", r)
	}
	r = audit.Verify(entriesOf(c.entries), c.signed(), audit.Verifier{})
	if r.OK || !strings.Contains(r.Problem, "no public key") {
		t.Errorf("no keys: %+v", r)
	}
}

func TestVerifyTrustsRetiredKeys(t *testing.T) {
	old := testSigner(t)
	c := build(t, 150, 100) // checkpoint 100 under the old key
	current, err := audit.ParseSigningKey(audit.GenerateSigningKey())
	if err != nil {
		t.Fatal(err)
	}
	c.head = current.SignHead(150, c.entries[149].Hash, t0)
	if r := audit.Verify(entriesOf(c.entries), c.signed(), audit.NewVerifier(current.Public(), old.Public())); !r.OK {
		t.Fatalf("with both keys: %+v", r)
	}
	if r := audit.Verify(entriesOf(c.entries), c.signed(), audit.NewVerifier(current.Public())); r.OK {
		t.Fatal("a checkpoint under an untrusted key was accepted")
	}
}

func TestVerifyStopsReadingAtTheFirstProblem(t *testing.T) {
	c := build(t, 50, 100)
	c.entries[9].Reason = "changed"
	read := 0
	seq := func(yield func(audit.Entry, error) bool) {
		for _, e := range c.entries {
			read++
			if !yield(e, nil) {
				return
			}
		}
	}
	if r := audit.Verify(seq, audit.Signed{Head: c.head}, audit.NewVerifier(testSigner(t).Public())); r.FirstBad != 10 {
		t.Fatalf("report %+v", r)
	}
	if read != 10 {
		t.Errorf("read %d entries, want 10", read)
	}
}

func BenchmarkVerify(b *testing.B) {
	c := build(b, 1000, 100)
	keys := audit.NewVerifier(testSigner(b).Public())
	for b.Loop() {
		if r := audit.Verify(entriesOf(c.entries), c.signed(), keys); !r.OK {
			b.Fatal(r.Problem)
		}
	}
}
