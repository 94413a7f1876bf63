package store

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
)

// AuditLog writes the audit log. Entries go into the caller's transaction,
// so that an entry and the change it records commit together or not at
// all; when the entry cannot be written the transaction fails, and so does
// the request (fail closed).
type AuditLog struct {
	db      *DB
	signer  *audit.Signer
	every   int
	trusted audit.Verifier
	now     func() time.Time
	// signed remembers the heads this log signed lately, shared by its
	// copies (WithClock, TrustPreviousKeys), so that checkHead need not
	// verify a signature it made itself.
	signed *signedHeads
}

// signedHeads holds, by sequence number, the heads lately signed by one
// log's key, exactly as they were written. A head read back that matches
// one of them byte for byte (number, hash, time as written, key id and
// signature) carries a signature this process made over that very
// message with a key the log trusts: verifying it again can only
// succeed, and costs an Ed25519 verification per append (about a twentieth
// of an intake request's CPU). Anything else, such as a head written by
// another process or altered in the database, is verified as before.
type signedHeads struct {
	mu    sync.Mutex
	heads map[int64]writtenHead
}

type writtenHead struct{ hash, at, keyID, signature string }

// keepSignedHeads bounds what signedHeads holds: a group commit extends
// the head once per unit, up to maxGroup times a transaction.
const keepSignedHeads = 4 * maxGroup

func (s *signedHeads) add(h audit.Head) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.heads[h.Seq] = writtenHead{hash: h.Hash, at: audit.FormatTime(h.At), keyID: h.KeyID, signature: encodeSignature(h.Signature)}
	delete(s.heads, h.Seq-keepSignedHeads)
	if len(s.heads) > keepSignedHeads {
		// Numbers went backwards (a rolled-back group, a restored
		// database): start again rather than grow.
		clear(s.heads)
		s.heads[h.Seq] = writtenHead{hash: h.Hash, at: audit.FormatTime(h.At), keyID: h.KeyID, signature: encodeSignature(h.Signature)}
	}
}

// has reports whether h is, exactly, a head this log signed.
func (s *signedHeads) has(h audit.Head) bool {
	if s == nil || h.At.IsZero() || len(h.Signature) == 0 {
		return false
	}
	s.mu.Lock()
	w, ok := s.heads[h.Seq]
	s.mu.Unlock()
	return ok && w.hash == h.Hash && w.keyID == h.KeyID && w.at == audit.FormatTime(h.At) &&
		w.signature == encodeSignature(h.Signature)
}

// NewAuditLog appends to db's log, signing with s and writing a checkpoint
// every `every` entries (audit.CheckpointEvery when every <= 0). A nil
// signer gives a log that refuses every append, so that a server started
// without its key cannot act unaudited.
func NewAuditLog(db *DB, s *audit.Signer, every int) *AuditLog {
	if every <= 0 {
		every = audit.CheckpointEvery
	}
	if s != nil && s.KeyID() == "" {
		s = nil // a zero Signer holds no key
	}
	l := &AuditLog{db: db, signer: s, every: every, now: time.Now}
	if s != nil {
		l.trusted = audit.NewVerifier(s.Public())
		l.signed = &signedHeads{heads: map[int64]writtenHead{}}
	}
	return l
}

// WithClock returns a copy of the log that takes the time of entries given
// without one, and of checkpoints, from now.
func (l *AuditLog) WithClock(now func() time.Time) *AuditLog {
	c := *l
	c.now = now
	return &c
}

// TrustPreviousKeys returns a copy of the log that will extend a chain
// whose head was signed by one of these retired keys, as it must once
// after the signing key is rotated (PROBITY_AUDIT_PREVIOUS_KEYS).
func (l *AuditLog) TrustPreviousKeys(pubs ...ed25519.PublicKey) *AuditLog {
	c := *l
	if l.signer != nil {
		pubs = append(pubs, l.signer.Public())
	}
	c.trusted = audit.NewVerifier(pubs...)
	return &c
}

// Append writes e as the next entry of the log, inside tx. It sets e's
// Seq, PrevHash and Hash (and At, when zero); if tx then rolls back, those
// values belong to no stored entry.
//
// Appenders queue on the head row (FOR UPDATE on PostgreSQL; SQLite has a
// single writer anyway), so two transactions never take the same number.
// The head's signature is checked before it is extended: otherwise someone
// who cut entries from the end and rewrote the head to match would have
// the next append sign over the cut, hiding it for good. When the head was
// signed by another (trusted, retired) key, it is kept as a handover
// before it is replaced, so that the log stays vouched for up to the
// change of key. The new head is signed with the log's clock, not the
// entry's time, which a caller may have set to the day alone.
func (l *AuditLog) Append(ctx context.Context, tx *Tx, e *audit.Entry) error {
	if l == nil || l.signer == nil {
		return fault.Errorf(fault.Unavailable, "audit log: no signing key configured")
	}
	if tx == nil || tx.db != l.db {
		return fault.Errorf(fault.Internal, "audit log: an entry must be written in a transaction of its own database")
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	if err := e.Validate(); err != nil {
		// A malformed entry is a bug in Probity, not in the request.
		return fault.Wrap(fault.Internal, err, "audit log: entry refused")
	}
	head, err := tx.lockAuditHead(ctx)
	if err != nil {
		return fmt.Errorf("audit log: reading the chain head: %w", err)
	}
	if !tx.wroteHead(head) {
		if err := l.checkHead(head); err != nil {
			return err
		}
	}
	e.Seq = head.Seq + 1
	e.Seal(head.Hash)
	recipients, err := encodeRecipients(e.Recipients)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO audit_entries
		(seq, at, actor_id, actor_name, action, record_type, record_id, outcome, source, reason, recipients, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.Seq, audit.FormatTime(e.At), e.ActorID, e.ActorName, string(e.Action), e.RecordType, e.RecordID,
		string(e.Outcome), e.Source, e.Reason, recipients, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit log: writing entry %d: %w", e.Seq, constraintError(err, "entry number already taken (chain head out of step with the log)", ""))
	}
	if len(head.Signature) > 0 && head.KeyID != l.signer.KeyID() {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO audit_handovers (seq, hash, at, key_id, signature)
			VALUES ($1, $2, $3, $4, $5)`, head.Seq, head.Hash, formatHeadTime(head), head.KeyID, encodeSignature(head.Signature))
		if err != nil {
			return fmt.Errorf("audit log: keeping the head key %s left at %d: %w", head.KeyID, head.Seq, err)
		}
	}
	if tx.grouped && (tx.headLog == nil || tx.headLog == l) {
		// A group commit signs its head once, before COMMIT (signGroupHead):
		// the heads between its units are seen by no one outside the
		// transaction. The head moves on unsigned meanwhile, and the
		// transaction remembers it as its own.
		res, err := tx.tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2, at = '', key_id = '', signature = ''
			WHERE id = 1 AND seq = $3`, e.Seq, e.Hash, head.Seq)
		if err == nil {
			err = expectOneRow(res)
		}
		if err != nil {
			return fmt.Errorf("audit log: moving the chain head to %d: %w", e.Seq, err)
		}
		if tx.heads == nil {
			tx.heads = map[int64]string{}
		}
		tx.heads[e.Seq], tx.headLog = e.Hash, l
	} else {
		h := l.signer.SignHead(e.Seq, e.Hash, l.now())
		res, err := tx.tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2, at = $3, key_id = $4, signature = $5
			WHERE id = 1 AND seq = $6`, h.Seq, h.Hash, audit.FormatTime(h.At), h.KeyID, encodeSignature(h.Signature), head.Seq)
		if err == nil {
			err = expectOneRow(res)
		}
		if err != nil {
			return fmt.Errorf("audit log: moving the chain head to %d: %w", e.Seq, err)
		}
		l.signed.add(h)
	}
	if e.Seq%int64(l.every) == 0 {
		c := l.signer.Sign(e.Seq, e.Hash, l.now())
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature)
			VALUES ($1, $2, $3, $4, $5)`, c.Seq, c.Hash, audit.FormatTime(c.At), c.KeyID, encodeSignature(c.Signature))
		if err != nil {
			return fmt.Errorf("audit log: writing checkpoint %d: %w", c.Seq, err)
		}
	}
	return nil
}

// wroteHead reports whether h is an unsigned head this transaction wrote
// (a group commit's, between its units). Only this transaction can have
// written such a head: SQLite has one writer, and PostgreSQL's head row
// is locked by the transaction until it ends.
func (tx *Tx) wroteHead(h audit.Head) bool {
	if len(h.Signature) != 0 || h.KeyID != "" || !h.At.IsZero() {
		return false
	}
	hash, ok := tx.heads[h.Seq]
	return ok && hash == h.Hash
}

// signGroupHead signs the chain head a group commit's units left, once,
// just before the group's COMMIT. A head the group did not leave unsigned
// (every unit that appended was rolled back to its savepoint) is left as
// it is.
func (tx *Tx) signGroupHead(ctx context.Context) error {
	l := tx.headLog
	if l == nil {
		return nil
	}
	head, err := tx.lockAuditHead(ctx)
	if err != nil {
		return fmt.Errorf("audit log: reading the chain head: %w", err)
	}
	if !tx.wroteHead(head) {
		return nil
	}
	h := l.signer.SignHead(head.Seq, head.Hash, l.now())
	res, err := tx.tx.ExecContext(ctx, `UPDATE audit_head SET at = $1, key_id = $2, signature = $3
		WHERE id = 1 AND seq = $4 AND hash = $5`, audit.FormatTime(h.At), h.KeyID, encodeSignature(h.Signature), h.Seq, h.Hash)
	if err == nil {
		err = expectOneRow(res)
	}
	if err != nil {
		return fmt.Errorf("audit log: signing the chain head at %d: %w", h.Seq, err)
	}
	l.signed.add(h)
	return nil
}

// Record appends e for an event that changes nothing else: refused
// requests, failed logins, reads. It returns once e is durable. Entries
// recorded at the same moment share one transaction and one commit
// (InGroupTx), so concurrent reads share their fsync.
func (l *AuditLog) Record(ctx context.Context, e *audit.Entry) error {
	return l.db.inGroup(ctx, func(tx *Tx) error { return l.Append(ctx, tx, e) })
}

// UseAuditLog makes l the log that Tx.Audit and DB.Audit write to: the
// one place a change and its audit entry meet, so that no caller needs the
// log beside the database.
func (db *DB) UseAuditLog(l *AuditLog) { db.audit.Store(l) }

// errNoAuditLog refuses a write that would go unaudited.
var errNoAuditLog = fault.Errorf(fault.Internal, "no audit log is configured: nothing may change unaudited")

// Audit appends e to the audit log inside tx, so that e and the change it
// records commit together or not at all. It fails when no log is
// configured (fail closed).
//
// On PostgreSQL, where transactions run side by side, the entry is
// written just before the transaction commits (flushAudit), so that the
// chain head's row lock, which every appender queues on, is held for the
// commit alone rather than for the whole of the transaction's work. Its
// Seq and Hash are set then.
func (tx *Tx) Audit(ctx context.Context, e *audit.Entry) error {
	l := tx.db.audit.Load()
	if l == nil {
		return errNoAuditLog
	}
	if tx.db.dialect != Postgres {
		return l.Append(ctx, tx, e)
	}
	if l.signer == nil {
		return fault.Errorf(fault.Unavailable, "audit log: no signing key configured")
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	if err := e.Validate(); err != nil {
		return fault.Wrap(fault.Internal, err, "audit log: entry refused")
	}
	tx.pending = append(tx.pending, pendingEntry{log: l, e: e})
	return nil
}

// pendingEntry is an entry Audit holds back until the commit.
type pendingEntry struct {
	log *AuditLog
	e   *audit.Entry
}

// flushAudit appends the entries Audit held back, in order. It runs last
// before COMMIT.
func (tx *Tx) flushAudit(ctx context.Context) error {
	for len(tx.pending) > 0 {
		p := tx.pending[0]
		tx.pending = tx.pending[1:]
		if err := p.log.Append(ctx, tx, p.e); err != nil {
			return err
		}
	}
	return nil
}

// Audit records e in a transaction of its own, for events that change
// nothing else: refusals, failed sign-ins and reads, whose entry must be
// written before any content leaves.
func (db *DB) Audit(ctx context.Context, e *audit.Entry) error {
	l := db.audit.Load()
	if l == nil {
		return errNoAuditLog
	}
	return l.Record(ctx, e)
}

func (l *AuditLog) checkHead(h audit.Head) error {
	if h.Seq == 0 && h.Hash == audit.Genesis && len(h.Signature) == 0 {
		return nil // a new log
	}
	if l.signed.has(h) {
		return nil // signed by this log's own key over exactly this head
	}
	if err := l.trusted.VerifyHead(h); err != nil {
		return fault.Wrap(fault.Unavailable, err,
			"audit log: the chain head at entry %d fails verification, so the log may have been tampered with; "+
				"refusing to extend it (run probity audit verify)", h.Seq)
	}
	return nil
}

func expectOneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errors.New("the head row is missing or moved under us")
	}
	return nil
}

// lockAuditHead reads the head and, on PostgreSQL, locks it until the
// transaction ends. A missing row (only possible if someone removed it
// despite the trigger) is put back at sequence 0; if entries exist, the
// append that follows then fails on a taken number, which is the point.
func (tx *Tx) lockAuditHead(ctx context.Context) (audit.Head, error) {
	q := `SELECT ` + headColumns + ` FROM audit_head WHERE id = 1`
	if tx.db.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	h, err := scanHead(tx.tx.QueryRowContext(ctx, q))
	if !errors.Is(err, sql.ErrNoRows) {
		return h, err
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash, key_id, signature)
		VALUES (1, 0, $1, '', '') ON CONFLICT (id) DO NOTHING`, audit.Genesis); err != nil {
		return h, err
	}
	return scanHead(tx.tx.QueryRowContext(ctx, q))
}

const headColumns = `seq, hash, at, key_id, signature`

// scanHead reads a head or a handover. An empty time is a head signed
// before heads carried one; a time in any but the written spelling leaves
// the head without a signature, since what is stored is then not what was
// signed.
func scanHead(row interface{ Scan(...any) error }) (audit.Head, error) {
	var h audit.Head
	var at, sig string
	err := row.Scan(&h.Seq, &h.Hash, &at, &h.KeyID, &sig)
	h.Signature = decodeSignature(sig)
	if at != "" {
		if h.At, err = audit.ParseTime(at); err != nil {
			h.Signature, err = nil, nil
		}
	}
	return h, err
}

func formatHeadTime(h audit.Head) string {
	if h.At.IsZero() {
		return ""
	}
	return audit.FormatTime(h.At)
}

// Signatures are stored as standard base64. A stored value that is not in
// exactly the form we write decodes to nothing, and so fails verification:
// an altered byte must never be absorbed by a lenient decoder.
func encodeSignature(sig []byte) string { return base64.StdEncoding.EncodeToString(sig) }

func decodeSignature(s string) []byte {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || encodeSignature(b) != s {
		return nil
	}
	return b
}

// Recipients are stored as a JSON array. Reading insists on the exact text
// encodeRecipients writes, for the same reason as signatures.
func encodeRecipients(rs []string) (string, error) {
	if rs == nil {
		rs = []string{}
	}
	b, err := json.Marshal(rs)
	return string(b), err
}

func decodeRecipients(s string) ([]string, bool) {
	var rs []string
	if err := json.Unmarshal([]byte(s), &rs); err != nil {
		return nil, false
	}
	again, err := encodeRecipients(rs)
	if err != nil || again != s {
		return nil, false
	}
	if len(rs) == 0 {
		rs = nil
	}
	return rs, true
}

const auditColumns = `seq, at, actor_id, actor_name, action, record_type, record_id, outcome, source, reason,
	recipients, prev_hash, hash`

// scanEntry reads one entry. A stored value that does not read back
// exactly is reported as an *audit.MalformedError beside the rest of the
// entry: to the verifier that is tampering, not a failure to read.
func scanEntry(r interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	var at, action, outcome, recipients string
	if err := r.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &action, &e.RecordType, &e.RecordID, &outcome,
		&e.Source, &e.Reason, &recipients, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	e.Action, e.Outcome = audit.Action(action), audit.Outcome(outcome)
	t, err := audit.ParseTime(at)
	if err != nil {
		return e, &audit.MalformedError{Seq: e.Seq, Field: "time"}
	}
	e.At = t
	rs, ok := decodeRecipients(recipients)
	if !ok {
		return e, &audit.MalformedError{Seq: e.Seq, Field: "recipients"}
	}
	e.Recipients = rs
	return e, nil
}

// AuditFilter selects entries for the auditors' "who saw this?" view.
type AuditFilter struct {
	RecordID string // entries about this record
	ActorID  string // entries by this user
	Before   int64  // only entries numbered below this (the Next of the previous page); 0 for the newest
	// From and To bound the entries' times (From inclusive, To exclusive);
	// zero for no bound.
	From, To time.Time
	Limit    int // page size; DefaultAuditPage when 0, at most MaxAuditPage
}

// AuditPage is one page of entries, newest first.
type AuditPage struct {
	Entries []audit.Entry
	Next    int64 // pass as Before to read the next, older page; 0 when there is none
}

const (
	DefaultAuditPage = 50
	MaxAuditPage     = 500
)

// AuditEntries lists entries matching f, newest first. Paging by sequence
// number rather than offset keeps pages stable while the log grows.
func (db *DB) AuditEntries(ctx context.Context, f AuditFilter) (AuditPage, error) {
	limit := f.Limit
	switch {
	case limit < 0:
		return AuditPage{}, fault.Errorf(fault.Invalid, "limit must not be negative")
	case limit == 0:
		limit = DefaultAuditPage
	case limit > MaxAuditPage:
		limit = MaxAuditPage
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.RecordID != "" {
		add("record_id =", f.RecordID)
	}
	if f.ActorID != "" {
		add("actor_id =", f.ActorID)
	}
	if f.Before > 0 {
		add("seq <", f.Before)
	}
	// Times are stored in one fixed-width UTC spelling, so text order is
	// time order on both engines.
	if !f.From.IsZero() {
		add("at >=", audit.FormatTime(f.From))
	}
	if !f.To.IsZero() {
		add("at <", audit.FormatTime(f.To))
	}
	q := `SELECT ` + auditColumns + ` FROM audit_entries`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, limit+1)
	q += ` ORDER BY seq DESC LIMIT $` + strconv.Itoa(len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return AuditPage{}, fmt.Errorf("reading the audit log: %w", err)
	}
	list, err := collect(rows, func(r *sql.Rows) (audit.Entry, error) {
		e, err := scanEntry(r)
		var me *audit.MalformedError
		if errors.As(err, &me) {
			return e, fault.Wrap(fault.Internal, err, "audit entry %d is damaged; run probity audit verify", me.Seq)
		}
		return e, err
	})
	if err != nil {
		return AuditPage{}, err
	}
	var page AuditPage
	if len(list) > limit {
		list = list[:limit]
		page.Next = list[limit-1].Seq
	}
	page.Entries = list
	return page, nil
}

// VerifyAudit checks the whole log: entries streamed in order, not loaded
// at once, with the checkpoints, handovers and head read in the same
// snapshot, so that appends made meanwhile do not look like tampering;
// then that it reaches and agrees with each witnessed head. The error is
// for failing to read; what is wrong with the log is in the report.
func (db *DB) VerifyAudit(ctx context.Context, keys audit.Verifier, witnesses ...audit.Head) (audit.Report, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return audit.Report{}, fmt.Errorf("reading the audit log: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	head, err := scanHead(tx.QueryRowContext(ctx, `SELECT `+headColumns+` FROM audit_head WHERE id = 1`))
	if errors.Is(err, sql.ErrNoRows) {
		head, err = audit.Head{}, nil // reported by Verify if entries exist
	}
	if err != nil {
		return audit.Report{}, fmt.Errorf("reading the audit chain head: %w", err)
	}
	cps, err := readCheckpoints(ctx, tx)
	if err != nil {
		return audit.Report{}, err
	}
	hos, err := readHandovers(ctx, tx)
	if err != nil {
		return audit.Report{}, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_entries ORDER BY seq`)
	if err != nil {
		return audit.Report{}, fmt.Errorf("reading the audit log: %w", err)
	}
	defer rows.Close()
	var readErr error
	entries := func(yield func(audit.Entry, error) bool) {
		for rows.Next() {
			e, err := scanEntry(rows)
			var me *audit.MalformedError
			if err != nil && !errors.As(err, &me) {
				readErr = err
				yield(e, err)
				return
			}
			if !yield(e, err) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			readErr = err
			yield(audit.Entry{}, err)
		}
	}
	report := audit.Verify(entries, audit.Signed{Checkpoints: cps, Handovers: hos, Head: head}, keys, witnesses...)
	if readErr != nil {
		return report, fmt.Errorf("reading the audit log: %w", readErr)
	}
	return report, nil
}

// readCheckpoints loads the checkpoints, a hundredth of the log's size. A
// stored time in any but the written spelling leaves the checkpoint
// without a signature, since what is stored is then not what was signed.
func readCheckpoints(ctx context.Context, q querier) ([]audit.Checkpoint, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("reading audit checkpoints: %w", err)
	}
	cps, err := collect(rows, func(r *sql.Rows) (audit.Checkpoint, error) {
		var c audit.Checkpoint
		var at, sig string
		if err := r.Scan(&c.Seq, &c.Hash, &at, &c.KeyID, &sig); err != nil {
			return c, err
		}
		c.Signature = decodeSignature(sig)
		t, err := audit.ParseTime(at)
		if err != nil {
			c.Signature = nil
		}
		c.At = t
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading audit checkpoints: %w", err)
	}
	return cps, nil
}

// readHandovers loads the heads retired keys left, one per change of key.
func readHandovers(ctx context.Context, q querier) ([]audit.Head, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+headColumns+` FROM audit_handovers ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("reading audit key handovers: %w", err)
	}
	hos, err := collect(rows, func(r *sql.Rows) (audit.Head, error) { return scanHead(r) })
	if err != nil {
		return nil, fmt.Errorf("reading audit key handovers: %w", err)
	}
	return hos, nil
}

// AuditHead reads the log's head as stored, for a witness to keep (see
// audit.FormatHead). It is not checked here: the caller verifies it.
func (db *DB) AuditHead(ctx context.Context) (audit.Head, error) {
	h, err := scanHead(db.read.QueryRowContext(ctx, `SELECT `+headColumns+` FROM audit_head WHERE id = 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return audit.Head{}, nil
	}
	if err != nil {
		return audit.Head{}, fmt.Errorf("reading the audit chain head: %w", err)
	}
	return h, nil
}

// UntrustedKeyError says the head is signed by a key the log was not told
// to trust: most often the signing key was changed without listing the
// old one as retired.
type UntrustedKeyError struct {
	Seq            int64
	KeyID, Current string
}

func (e *UntrustedKeyError) Error() string {
	return fmt.Sprintf("the audit log's head (entry %d) is signed by key %s, which is neither the signing key (%s) nor a retired key it was told to trust",
		e.Seq, e.KeyID, e.Current)
}

// CheckKeys tells, before any request is served, whether the log can be
// extended under its keys: it returns an *UntrustedKeyError when the head
// is signed by a key the log does not trust, which would otherwise fail
// every audited action with an error that looks like tampering. Whether
// the head's signature holds is left to Append, which checks it every
// time.
func (l *AuditLog) CheckKeys(ctx context.Context) error {
	if l == nil || l.signer == nil {
		return fault.Errorf(fault.Unavailable, "audit log: no signing key configured")
	}
	h, err := l.db.AuditHead(ctx)
	if err != nil {
		return err
	}
	if len(h.Signature) == 0 && h.KeyID == "" || l.trusted.Trusts(h.KeyID) {
		return nil
	}
	return &UntrustedKeyError{Seq: h.Seq, KeyID: h.KeyID, Current: l.signer.KeyID()}
}
