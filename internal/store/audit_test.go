package store_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// auditSeed is a fixed signing key for tests; never use it elsewhere.
const auditSeed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

func auditSigner(t testing.TB) *audit.Signer {
	t.Helper()
	s, err := audit.ParseSigningKey(auditSeed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func auditKeys(t testing.TB) audit.Verifier { return audit.NewVerifier(auditSigner(t).Public()) }

var auditT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// auditEntry makes entry i: a consultation of a case by one of seven
// users, a disclosure every fifth entry, a refusal every eleventh.
func auditEntry(i int) *audit.Entry {
	e := &audit.Entry{
		At:         auditT0.Add(time.Duration(i) * time.Second),
		ActorID:    fmt.Sprintf("u-%d", i%7),
		ActorName:  fmt.Sprintf("officer.%d", i%7),
		Action:     audit.Consult,
		RecordType: "case",
		RecordID:   fmt.Sprintf("c-%d", i%13),
		Outcome:    audit.Success,
		Source:     "192.0.2.10",
		Reason:     fmt.Sprintf("reviewing the file, step %d", i),
	}
	switch {
	case i%5 == 0:
		e.Action, e.Recipients = audit.Disclose, []string{"IOPC", "Crown Prosecution Service"}
	case i%11 == 0:
		e.Action, e.Outcome = audit.AccessDenied, audit.Denied
	}
	return e
}

// fillAudit appends entries from..to in one transaction: quicker than one
// each where the test is about what happens afterwards.
func fillAudit(t *testing.T, db *store.DB, l *store.AuditLog, from, to int) {
	t.Helper()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := from; i <= to; i++ {
			if err := l.Append(ctx, tx, auditEntry(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func verifyAudit(t *testing.T, db *store.DB) audit.Report {
	t.Helper()
	r, err := db.VerifyAudit(ctx, auditKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAuditLogAppendsVerifiesAndAnswersWhoSawThis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if r := verifyAudit(t, db); !r.OK || r.Entries != 0 {
			t.Fatalf("empty log: %+v", r)
		}
		// An entry given no time takes it from the log's clock.
		l := store.NewAuditLog(db, auditSigner(t), 100).WithClock(func() time.Time { return auditT0 })
		for i := 1; i <= 250; i++ {
			e := auditEntry(i)
			if i == 1 {
				e.At = time.Time{}
			}
			if err := l.Record(ctx, e); err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
			if e.Seq != int64(i) || e.Hash == "" {
				t.Fatalf("entry %d sealed as %d %q", i, e.Seq, e.Hash)
			}
		}
		r := verifyAudit(t, db)
		if !r.OK || r.Entries != 250 || r.Checkpoints != 2 {
			t.Fatalf("report %+v", r)
		}

		page, err := db.AuditEntries(ctx, store.AuditFilter{RecordID: "c-4", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for {
			for _, e := range page.Entries {
				if e.RecordID != "c-4" {
					t.Fatalf("entry %d is about %s", e.Seq, e.RecordID)
				}
				seqs = append(seqs, e.Seq)
			}
			if page.Next == 0 {
				break
			}
			if page, err = db.AuditEntries(ctx, store.AuditFilter{RecordID: "c-4", Limit: 5, Before: page.Next}); err != nil {
				t.Fatal(err)
			}
		}
		var want []int64
		for i := 250; i >= 1; i-- {
			if i%13 == 4 {
				want = append(want, int64(i))
			}
		}
		if fmt.Sprint(seqs) != fmt.Sprint(want) {
			t.Errorf("who saw c-4: %v, want %v", seqs, want)
		}

		page, err = db.AuditEntries(ctx, store.AuditFilter{ActorID: "u-3", RecordID: "c-6"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) == 0 || page.Next != 0 {
			t.Fatalf("actor and record: %d entries, next %d", len(page.Entries), page.Next)
		}
		for _, e := range page.Entries {
			if e.ActorID != "u-3" || e.RecordID != "c-6" {
				t.Errorf("entry %d: %s on %s", e.Seq, e.ActorID, e.RecordID)
			}
		}
		page, err = db.AuditEntries(ctx, store.AuditFilter{Before: 2, Limit: 1})
		if err != nil || len(page.Entries) != 1 || !page.Entries[0].At.Equal(auditT0) {
			t.Fatalf("entry 1 read back as %+v (%v), want the time of the clock", page.Entries, err)
		}
		// What comes back is what went in, to the byte.
		page, err = db.AuditEntries(ctx, store.AuditFilter{Before: 136, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := page.Entries[0]
		want135 := auditEntry(135)
		if got.Seq != 135 || !got.At.Equal(want135.At) || got.Reason != want135.Reason ||
			strings.Join(got.Recipients, "|") != "IOPC|Crown Prosecution Service" || got.ComputeHash() != got.Hash {
			t.Errorf("entry 135 read back as %+v", got)
		}
		if _, err := db.AuditEntries(ctx, store.AuditFilter{Limit: -1}); !fault.Is(err, fault.Invalid) {
			t.Errorf("negative limit: %v", err)
		}
	})
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	flip := func(table, column string, seq int64, pos int) func(t *testing.T, db *store.DB) {
		return func(t *testing.T, db *store.DB) {
			s, err := db.AuditTextForTest(ctx, table, column, seq)
			if err != nil {
				t.Fatal(err)
			}
			if pos < 0 {
				pos += len(s)
			}
			b := []byte(s)
			b[pos] ^= 1
			if err := db.TamperAuditForTest(ctx, `UPDATE `+table+` SET `+column+` = $1 WHERE seq = $2`, string(b), seq); err != nil {
				t.Fatal(err)
			}
		}
	}
	exec := func(q string, args ...any) func(t *testing.T, db *store.DB) {
		return func(t *testing.T, db *store.DB) {
			if err := db.TamperAuditForTest(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	setHeadTo := func(seq int64) func(t *testing.T, db *store.DB) {
		return func(t *testing.T, db *store.DB) {
			hash, err := db.AuditTextForTest(ctx, "audit_entries", "hash", seq)
			if err != nil {
				t.Fatal(err)
			}
			exec(`UPDATE audit_head SET seq = $1, hash = $2`, seq, hash)(t, db)
		}
	}
	both := func(fs ...func(t *testing.T, db *store.DB)) func(t *testing.T, db *store.DB) {
		return func(t *testing.T, db *store.DB) {
			for _, f := range fs {
				f(t, db)
			}
		}
	}
	// 25 entries with a checkpoint every 10: checkpoints at 10 and 20, and
	// a tail after the last one. (The 250-entry chain of the audit package's
	// own tests would only make this slower, not more thorough.)
	type tamperCase struct {
		name     string
		tamper   func(t *testing.T, db *store.DB)
		firstBad int64
		problem  string
	}
	cases := []tamperCase{
		{"one byte of a reason", flip("audit_entries", "reason", 7, 3), 7, "entry 7: hash does not match its content"},
		{"one byte of an actor id", flip("audit_entries", "actor_id", 12, 0), 12, "entry 12: hash does not match its content"},
		{"one byte of a time", flip("audit_entries", "at", 21, -2), 21, "entry 21: hash does not match its content"},
		{"one byte of a recipient", flip("audit_entries", "recipients", 15, 3), 15, "entry 15: hash does not match its content"},
		{"recipients made unreadable", flip("audit_entries", "recipients", 15, -1), 15, "entry 15: stored recipients is malformed"},
		{"time made unreadable", flip("audit_entries", "at", 3, 4), 3, "entry 3: stored time is malformed"},
		{"one byte of a hash", flip("audit_entries", "hash", 10, 63), 10, "entry 10: hash does not match its content"},
		{"one byte of a previous hash", flip("audit_entries", "prev_hash", 1, 0), 1, "entry 1: hash does not match its content"},
		{"middle entry deleted", exec(`DELETE FROM audit_entries WHERE seq = 8`), 8,
			"entry 8: sequence gap, expected 8 got 9 (entry deleted?)"},
		{"first entry deleted", exec(`DELETE FROM audit_entries WHERE seq = 1`), 1, "entry 1: sequence gap"},
		{"last entry deleted", exec(`DELETE FROM audit_entries WHERE seq = 25`), 25,
			"head says 25 entries but log ends at 24 (log truncated)"},
		{"last entry deleted and the head rewritten", both(exec(`DELETE FROM audit_entries WHERE seq = 25`), setHeadTo(24)),
			21, "chain head: signature invalid"},
		{"two entries' contents swapped", func(t *testing.T, db *store.DB) {
			if err := db.SwapAuditEntriesForTest(ctx, 4, 14); err != nil {
				t.Fatal(err)
			}
		}, 4, "entry 4: hash does not match its content"},
		{"tail after the last checkpoint truncated", exec(`DELETE FROM audit_entries WHERE seq > 20`), 21,
			"head says 25 entries but log ends at 20 (log truncated)"},
		{"tail truncated and the head rewritten to the checkpoint", both(exec(`DELETE FROM audit_entries WHERE seq > 20`),
			exec(`UPDATE audit_head SET seq = c.seq, hash = c.hash, key_id = c.key_id, signature = c.signature
				FROM (SELECT seq, hash, key_id, signature FROM audit_checkpoints WHERE seq = 20) AS c`)),
			21, "chain head: signature invalid"},
		{"truncated past a checkpoint", both(exec(`DELETE FROM audit_entries WHERE seq > 15`), setHeadTo(15)),
			16, "checkpoint at 20 is beyond the last entry 15 (log truncated)"},
		{"head deleted", exec(`DELETE FROM audit_head`), 21, "chain head is missing"},
		{"one byte of a checkpoint signature", flip("audit_checkpoints", "signature", 10, 5), 1,
			"checkpoint at 10: signature invalid"},
		{"one byte of a checkpoint time", flip("audit_checkpoints", "at", 20, -2), 11,
			"checkpoint at 20: signature invalid"},
		{"checkpoint time respelt", func(t *testing.T, db *store.DB) {
			at, err := db.AuditTextForTest(ctx, "audit_checkpoints", "at", 20)
			if err != nil {
				t.Fatal(err)
			}
			exec(`UPDATE audit_checkpoints SET at = $1 WHERE seq = 20`, strings.Replace(at, "Z", "+00:00", 1))(t, db)
		}, 11, "checkpoint at 20: signature invalid"},
		{"head signature padded", exec(`UPDATE audit_head SET signature = signature || '='`), 21, "chain head: signature invalid"},
		{"head time moved back a second", exec(`UPDATE audit_head SET at = $1`, audit.FormatTime(auditT0)), 21,
			"chain head: signature invalid"},
		{"head time removed", exec(`UPDATE audit_head SET at = ''`), 21, "chain head: signature invalid"},
		{"a handover forged", exec(`INSERT INTO audit_handovers (seq, hash, at, key_id, signature)
			SELECT 15, hash, '', key_id, signature FROM audit_checkpoints WHERE seq = 20`), 11,
			"head left at 15 by retired key"},
	}
	// One database per engine, the log emptied before each case: a fresh
	// database per case costs far more than the case itself.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := store.NewAuditLog(db, auditSigner(t), 10)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if err := db.ResetAuditForTest(ctx); err != nil {
					t.Fatal(err)
				}
				fillAudit(t, db, l, 1, 25)
				if r := verifyAudit(t, db); !r.OK || r.Checkpoints != 2 {
					t.Fatalf("before tampering: %+v", r)
				}
				tc.tamper(t, db)
				r := verifyAudit(t, db)
				if r.OK {
					t.Fatalf("tampering not detected: %+v", r)
				}
				if r.FirstBad != tc.firstBad || !strings.Contains(r.Problem, tc.problem) {
					t.Fatalf("FirstBad %d, problem %q; want %d, %q", r.FirstBad, r.Problem, tc.firstBad, tc.problem)
				}
			})
		}
	})
}

func TestAuditEntryRollsBackWithItsTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := store.NewAuditLog(db, auditSigner(t), 3)
		fillAudit(t, db, l, 1, 2)
		boom := errors.New("the change failed")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := l.Append(ctx, tx, auditEntry(3)); err != nil { // would also write checkpoint 3
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if r := verifyAudit(t, db); !r.OK || r.Entries != 2 || r.Checkpoints != 0 {
			t.Fatalf("after rollback: %+v", r)
		}
		e := auditEntry(4)
		if err := l.Record(ctx, e); err != nil || e.Seq != 3 {
			t.Fatalf("next entry: seq %d, %v", e.Seq, err)
		}
		if r := verifyAudit(t, db); !r.OK || r.Entries != 3 || r.Checkpoints != 1 {
			t.Fatalf("after the next append: %+v", r)
		}
	})
}

func TestAuditTablesRefuseChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := store.NewAuditLog(db, auditSigner(t), 2)
		fillAudit(t, db, l, 1, 4)
		stmts := []string{
			`UPDATE audit_entries SET reason = 'nothing happened' WHERE seq = 2`,
			`DELETE FROM audit_entries WHERE seq = 4`,
			`DELETE FROM audit_entries`,
			`UPDATE audit_checkpoints SET hash = 'x' WHERE seq = 2`,
			`DELETE FROM audit_checkpoints WHERE seq = 4`,
			`DELETE FROM audit_head`,
		}
		if db.Dialect() == store.Postgres {
			stmts = append(stmts, `TRUNCATE audit_entries`, `TRUNCATE audit_checkpoints`, `TRUNCATE audit_head`)
		}
		for _, q := range stmts {
			err := db.AuditExecForTest(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "cannot be deleted") {
				t.Errorf("%s: err = %v, want a refusal", q, err)
			}
		}
		if r := verifyAudit(t, db); !r.OK || r.Entries != 4 || r.Checkpoints != 2 {
			t.Fatalf("after refused changes: %+v", r)
		}
	})
}

func TestAuditConcurrentAppendsFormOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := store.NewAuditLog(db, auditSigner(t), 7)
		const workers, each = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					n := w*each + i + 1
					err := db.InTx(ctx, func(tx *store.Tx) error { return l.Append(ctx, tx, auditEntry(n)) })
					if err != nil {
						errs <- fmt.Errorf("worker %d entry %d: %w", w, n, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		r := verifyAudit(t, db)
		if !r.OK || r.Entries != workers*each || r.Checkpoints != workers*each/7 {
			t.Fatalf("report %+v", r)
		}
	})
}

// A database given no audit log refuses every audited write, and the
// change that went with it: nothing changes unaudited.
func TestNoAuditLogRefusesAuditedWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.Audit(ctx, auditEntry(1)); fault.KindOf(err) != fault.Internal {
			t.Errorf("db.Audit without a log: %v, want an internal error", err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.Audit(ctx, auditEntry(1)) }); fault.KindOf(err) != fault.Internal {
			t.Errorf("tx.Audit without a log: %v, want an internal error", err)
		}
		db.UseAuditLog(store.NewAuditLog(db, auditSigner(t), 10))
		if err := db.Audit(ctx, auditEntry(1)); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.Audit(ctx, auditEntry(2)) }); err != nil {
			t.Fatal(err)
		}
		if r := verifyAudit(t, db); !r.OK || r.Entries != 2 {
			t.Fatalf("after two audited writes: %+v", r)
		}
	})
}

func TestAuditAppendFailsClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, s := range []*audit.Signer{nil, {}} {
			if err := store.NewAuditLog(db, s, 0).Record(ctx, auditEntry(1)); !fault.Is(err, fault.Unavailable) {
				t.Errorf("a log without a signing key: %v", err)
			}
		}
		l := store.NewAuditLog(db, auditSigner(t), 10)
		bad := auditEntry(1)
		bad.Action = ""
		err := l.Record(ctx, bad)
		if err == nil || fault.KindOf(err) != fault.Internal {
			t.Errorf("entry without an action: %v (kind %s), want an internal error", err, fault.KindOf(err))
		}
		other := storetest.Open(t, storetest.Engines(t)[0].New(t))
		err = other.InTx(ctx, func(tx *store.Tx) error { return l.Append(ctx, tx, auditEntry(1)) })
		if err == nil {
			t.Error("an entry was written through another database's transaction")
		}

		fillAudit(t, db, l, 1, 25)
		// Cut the last entry and forge the head to match: the log must not
		// be extended over the cut, which would make it undetectable.
		if err := db.TamperAuditForTest(ctx, `DELETE FROM audit_entries WHERE seq = 25`); err != nil {
			t.Fatal(err)
		}
		hash, err := db.AuditTextForTest(ctx, "audit_entries", "hash", 24)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.TamperAuditForTest(ctx, `UPDATE audit_head SET seq = 24, hash = $1`, hash); err != nil {
			t.Fatal(err)
		}
		err = l.Record(ctx, auditEntry(26))
		if err == nil || !strings.Contains(err.Error(), "fails verification") {
			t.Fatalf("append over a forged head: %v", err)
		}
		// A key rotation is not a forgery: a log told to trust the retired
		// key carries on.
		next, err := audit.ParseSigningKey(audit.GenerateSigningKey())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ResetAuditForTest(ctx); err != nil {
			t.Fatal(err)
		}
		fillAudit(t, db, l, 1, 5)
		if err := store.NewAuditLog(db, next, 10).Record(ctx, auditEntry(6)); err == nil {
			t.Error("a new key extended a head it cannot verify")
		}
		rotated := store.NewAuditLog(db, next, 10).TrustPreviousKeys(auditSigner(t).Public())
		for i := 6; i <= 12; i++ {
			if err := rotated.Record(ctx, auditEntry(i)); err != nil {
				t.Fatal(err)
			}
		}
		r, err := db.VerifyAudit(ctx, audit.NewVerifier(next.Public(), auditSigner(t).Public()))
		if err != nil || !r.OK || r.Entries != 12 || r.Checkpoints != 1 {
			t.Fatalf("after rotation: %+v, %v", r, err)
		}
	})
}

// tickingClock returns a clock that moves on a second at each reading, so
// that each head is signed at a time of its own.
func tickingClock(start time.Time) func() time.Time {
	var mu sync.Mutex
	now := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}

// witnessOf reads the head through the text an auditor would keep.
func witnessOf(t *testing.T, db *store.DB) audit.Head {
	t.Helper()
	h, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	heads, err := audit.ParseHeads(audit.FormatHead(h))
	if err != nil {
		t.Fatal(err)
	}
	return heads[0]
}

func TestAuditRollbackIsCaughtOnlyByAWitness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := store.NewAuditLog(db, auditSigner(t), 10).WithClock(tickingClock(auditT0))
		fillAudit(t, db, l, 1, 15)
		// What a copy of the database taken now holds of the head.
		saved := make(map[string]string)
		for _, col := range []string{"hash", "at", "key_id", "signature"} {
			v, err := db.AuditTextForTest(ctx, "audit_head", col, 15)
			if err != nil {
				t.Fatal(err)
			}
			saved[col] = v
		}
		fillAudit(t, db, l, 16, 25)
		witness := witnessOf(t, db)
		if witness.Seq != 25 || witness.At.IsZero() {
			t.Fatalf("witness %+v", witness)
		}
		if r, err := db.VerifyAudit(ctx, auditKeys(t), witness); err != nil || !r.OK || r.Witnessed != 1 {
			t.Fatalf("before the rollback: %+v, %v", r, err)
		}

		// The later entries and checkpoint go; the head copied at 15 comes
		// back. Every remaining signature is genuine.
		for _, q := range []string{`DELETE FROM audit_entries WHERE seq > 15`, `DELETE FROM audit_checkpoints WHERE seq > 15`} {
			if err := db.TamperAuditForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.TamperAuditForTest(ctx, `UPDATE audit_head SET seq = 15, hash = $1, at = $2, key_id = $3, signature = $4`,
			saved["hash"], saved["at"], saved["key_id"], saved["signature"]); err != nil {
			t.Fatal(err)
		}
		// The limit of a log that vouches for itself: this passes.
		if r := verifyAudit(t, db); !r.OK || r.Entries != 15 {
			t.Fatalf("without a witness: %+v", r)
		}
		r, err := db.VerifyAudit(ctx, auditKeys(t), witness)
		wantProblem := fmt.Sprintf("log ends at entry 15, but a witnessed head signed at %s by key %s has 25 entries",
			audit.FormatTime(witness.At), witness.KeyID)
		if err != nil || r.OK || r.FirstBad != 16 || !strings.Contains(r.Problem, wantProblem) {
			t.Fatalf("with the witness: %+v, %v; want %q", r, err, wantProblem)
		}

		// The server goes on writing over the restored state: the log is
		// whole and signed again, but not the one that was witnessed.
		for i := 16; i <= 25; i++ {
			e := auditEntry(i)
			e.Reason = "written after the restore"
			if err := l.Record(ctx, e); err != nil {
				t.Fatalf("appending after the restore: %v", err)
			}
		}
		if r := verifyAudit(t, db); !r.OK || r.Entries != 25 {
			t.Fatalf("rewritten, without a witness: %+v", r)
		}
		r, err = db.VerifyAudit(ctx, auditKeys(t), witness)
		if err != nil || r.OK || r.FirstBad != 21 || !strings.Contains(r.Problem, "entry 25 does not match the witnessed head") {
			t.Fatalf("rewritten, with the witness: %+v, %v", r, err)
		}
	})
}

func TestAuditHeadsSignedBeforeTheyCarriedATimeStillVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := tickingClock(auditT0.Add(time.Hour))
		l := store.NewAuditLog(db, auditSigner(t), 10).WithClock(clock)
		fillAudit(t, db, l, 1, 5)
		// The head as a database migrated from before the change holds it:
		// no time, signed over the sequence number and hash alone.
		hash, err := db.AuditTextForTest(ctx, "audit_entries", "hash", 5)
		if err != nil {
			t.Fatal(err)
		}
		seed, _ := base64.StdEncoding.DecodeString(auditSeed)
		sig := ed25519.Sign(ed25519.NewKeyFromSeed(seed), []byte("probity audit head v1\n5\n"+hash))
		setHead := func(at string) {
			t.Helper()
			if err := db.TamperAuditForTest(ctx, `UPDATE audit_head SET at = $1, signature = $2`,
				at, base64.StdEncoding.EncodeToString(sig)); err != nil {
				t.Fatal(err)
			}
		}
		setHead("")
		r := verifyAudit(t, db)
		if !r.OK || !r.Head.At.IsZero() {
			t.Fatalf("untimed head: %+v", r)
		}
		if w := witnessOf(t, db); w.Seq != 5 || !w.At.IsZero() {
			t.Fatalf("untimed head as a witness: %+v", w)
		}
		// A time cannot be given to it without the key.
		setHead(audit.FormatTime(auditT0))
		if r := verifyAudit(t, db); r.OK || !strings.Contains(r.Problem, "chain head: signature invalid") {
			t.Fatalf("a time added to an untimed head: %+v", r)
		}
		setHead("")
		// The next append signs a timed head, with the log's clock rather
		// than the entry's time, which may be the day alone.
		e := auditEntry(6)
		e.At = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
		r = verifyAudit(t, db)
		if !r.OK || r.Entries != 6 || r.Head.At.Before(auditT0.Add(time.Hour)) {
			t.Fatalf("after the next append: %+v", r)
		}
	})
}

func TestAuditSigningKeyRotates(t *testing.T) {
	a := auditSigner(t)
	b, err := audit.ParseSigningKey(audit.GenerateSigningKey())
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		underA := store.NewAuditLog(db, a, 10)
		if err := underA.CheckKeys(ctx); err != nil {
			t.Fatalf("a new log: %v", err)
		}
		fillAudit(t, db, underA, 1, 5) // no checkpoint: only the head vouches for these

		// Key B without being told of A: refused before anything is served.
		var untrusted *store.UntrustedKeyError
		if err := store.NewAuditLog(db, b, 10).CheckKeys(ctx); !errors.As(err, &untrusted) ||
			untrusted.KeyID != a.KeyID() || untrusted.Current != b.KeyID() || untrusted.Seq != 5 {
			t.Fatalf("B alone: %v", err)
		}
		underB := store.NewAuditLog(db, b, 10).TrustPreviousKeys(a.Public())
		if err := underB.CheckKeys(ctx); err != nil {
			t.Fatalf("B trusting A: %v", err)
		}
		fillAudit(t, db, underB, 6, 12)

		both := audit.NewVerifier(a.Public(), b.Public())
		r, err := db.VerifyAudit(ctx, both)
		if err != nil || !r.OK || r.Entries != 12 || r.Handovers != 1 || r.Checkpoints != 1 ||
			strings.Join(r.Keys, ",") != a.KeyID()+","+b.KeyID() {
			t.Fatalf("with both keys: %+v, %v", r, err)
		}
		r, err = db.VerifyAudit(ctx, audit.NewVerifier(b.Public()))
		if err != nil || r.OK || r.FirstBad != 1 ||
			!strings.Contains(r.Problem, "head left at 5 by retired key "+a.KeyID()+": signed by a key that is not trusted") {
			t.Fatalf("with B only: %+v, %v", r, err)
		}

		// Two servers writing at once under different keys, as in a
		// rolling restart: each trusts the other's, and the log stays one
		// chain that both keys verify.
		underA = underA.TrustPreviousKeys(b.Public())
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for w := range 4 {
			l := underA
			if w%2 == 1 {
				l = underB
			}
			wg.Go(func() {
				for i := range 10 {
					if err := l.Record(ctx, auditEntry(100+w*10+i)); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		r, err = db.VerifyAudit(ctx, both)
		if err != nil || !r.OK || r.Entries != 52 || r.Handovers < 1 {
			t.Fatalf("after writing under both keys at once: %+v, %v", r, err)
		}
		// Handovers are as append-only as the rest of the log.
		stmts := []string{`UPDATE audit_handovers SET at = ''`, `DELETE FROM audit_handovers`}
		if db.Dialect() == store.Postgres {
			stmts = append(stmts, `TRUNCATE audit_handovers`)
		}
		for _, q := range stmts {
			if err := db.AuditExecForTest(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want a refusal", q, err)
			}
		}
	})
}
