package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/speakup"
)

// Speak-up reports. The store's part in keeping a reporter safe:
//   - the report text, the messages, the attachments and a named
//     reporter's identity are sealed, each bound to its row and column;
//   - for an anonymous report, times are cut to the day here, whatever
//     the caller passes, so no handler can forget to;
//   - nothing about the request (address, agent, session) has a column.
//
// Nothing may place an anonymous report, or an anonymous reporter's
// message, in time more finely than its day. A stored time is only one of
// the ways a record is dated; the others, and what is done about each:
//   - its place in the audit log's gap-free sequence, between exactly
//     timed neighbours. Its audit entry is not appended in the
//     transaction of the report: it is kept whole in
//     speakup_audit_pending (DeferSpeakUpAudit), and once the day has
//     ended (and an hour more, for requests still in flight at
//     midnight), SettleSpeakUpAudit appends the day's entries to the
//     chain together, in random order, each dated midnight. The chain
//     stays one chain, signed and verified as before; the batch's place
//     in it says only that the day is over. Until then the entry is
//     durable but not yet hash-chained;
//   - its reference: references are random, not numbered in one series
//     with named reports (which keep their exact times);
//   - the order of stored rows: ids are random, lists sort by the day and
//     then by reference; and the batch rewrites the report's, its
//     attachments' and the message's rows, so that their physical order
//     (SQLite's rowid, PostgreSQL's ctid) and PostgreSQL's row version
//     (xmin) are those of the batch, not of the request. Before the batch
//     runs, and in copies of the database files taken before it (a
//     backup, the write-ahead log, free pages and dead row versions until
//     they are reused or vacuumed), the rows still show their order;
//   - a conduct matter raised from a report: it is received, and
//     recorded, when a guardian raises it, not at the report's midnight,
//     and its recorder is Probity ("system"), not the guardian (web,
//     convertSpeakUp).

func speakUpAAD(table, rowID, column string) string { return table + "/" + rowID + "/" + column }

// CreateSpeakUpReport stores a new report with its attachments, giving it
// an id and a reference. r carries the category, the anonymous flag and
// the text (What); identity must be empty exactly when the report is
// anonymous. Attachments must already have had their metadata stripped.
func (tx *Tx) CreateSpeakUpReport(ctx context.Context, r *speakup.Report, identity speakup.Identity, receiptHash string,
	attachments []speakup.Attachment, now time.Time) error {
	if tx.db.keys == nil {
		return fault.Errorf(fault.Internal, "no data key configured: cannot store a speak-up report")
	}
	// The web adapter validates; these are the store's own guarantees, so
	// that no other caller can store an identity with an anonymous report.
	if r.Anonymous != identity.Empty() {
		return fault.Errorf(fault.Internal, "speak-up report: anonymous is %t but an identity is %s", r.Anonymous,
			map[bool]string{true: "missing", false: "present"}[identity.Empty()])
	}
	if len(receiptHash) != 2*sha256.Size {
		return fault.Errorf(fault.Internal, "speak-up report: receipt hash is not a SHA-256")
	}
	r.ID, r.Status, r.ConvertedCaseID = id.New(), speakup.StatusOpen, ""
	r.CreatedAt = now.UTC()
	if r.Anonymous {
		r.CreatedAt = speakup.Day(now)
	}
	what, err := tx.db.keys.SealString(r.What, speakUpAAD("speakup_reports", r.ID, "what"))
	if err != nil {
		return fmt.Errorf("sealing the report: %w", err)
	}
	sealedIdentity := ""
	if !r.Anonymous {
		b, err := json.Marshal(identity)
		if err != nil {
			return err
		}
		if sealedIdentity, err = tx.db.keys.Seal(b, speakUpAAD("speakup_reports", r.ID, "identity")); err != nil {
			return fmt.Errorf("sealing the reporter's identity: %w", err)
		}
	}
	// A random reference, drawn again in the unlikely case it is taken.
	for attempt := 1; ; attempt++ {
		r.Reference = speakup.NewReference(r.CreatedAt.Year())
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO speakup_reports
			(id, reference, receipt_hash, category, what_sealed, anonymous, identity_sealed, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (reference) DO NOTHING`,
			r.ID, r.Reference, receiptHash, r.Category, what, r.Anonymous, sealedIdentity, r.Status, r.CreatedAt)
		if err := constraintError(err, "speak-up receipt already used", ""); err != nil {
			return fmt.Errorf("storing speak-up report: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			break
		}
		if attempt == 5 {
			return fault.Errorf(fault.Internal, "no free speak-up reference after %d tries", attempt)
		}
	}
	for i := range attachments {
		a := &attachments[i]
		a.ID, a.ReportID, a.Size = id.New(), r.ID, int64(len(a.Content))
		sum := sha256.Sum256(a.Content)
		a.SHA256 = hex.EncodeToString(sum[:])
		sealed, err := tx.db.keys.Seal(a.Content, speakUpAAD("speakup_attachments", a.ID, "content"))
		if err != nil {
			return fmt.Errorf("sealing attachment %d: %w", i+1, err)
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO speakup_attachments (id, report_id, sha256, media_type, size, content_sealed)
			VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.ReportID, a.SHA256, a.MediaType, a.Size, sealed)
		if err != nil {
			return fmt.Errorf("storing attachment %d: %w", i+1, err)
		}
	}
	return nil
}

// SpeakUpKeyByReference finds a report's receipt hash by its reference.
func (db *DB) SpeakUpKeyByReference(ctx context.Context, reference string) (speakup.Key, error) {
	var k speakup.Key
	err := db.read.QueryRowContext(ctx, `SELECT id, receipt_hash, anonymous, status FROM speakup_reports WHERE reference = $1`,
		reference).Scan(&k.ReportID, &k.ReceiptHash, &k.Anonymous, &k.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return k, fault.Errorf(fault.NotFound, "speak-up report not found")
	}
	if err != nil {
		return k, fmt.Errorf("reading speak-up report: %w", err)
	}
	return k, nil
}

const speakUpColumns = `id, reference, category, anonymous, status, COALESCE(converted_case_id, ''), created_at`

func scanSpeakUp(r interface{ Scan(...any) error }, what *string) (speakup.Report, error) {
	var s speakup.Report
	dst := []any{&s.ID, &s.Reference, &s.Category, &s.Anonymous, &s.Status, &s.ConvertedCaseID, &s.CreatedAt}
	if what != nil {
		dst = append(dst, what)
	}
	err := r.Scan(dst...)
	s.CreatedAt = s.CreatedAt.UTC()
	return s, err
}

// SpeakUpReport reads one report with its text.
func (db *DB) SpeakUpReport(ctx context.Context, reportID string) (speakup.Report, error) {
	return speakUpReport(ctx, db.read, db, reportID)
}

// SpeakUpReport reads one report with its text inside the transaction.
func (tx *Tx) SpeakUpReport(ctx context.Context, reportID string) (speakup.Report, error) {
	return speakUpReport(ctx, tx.tx, tx.db, reportID)
}

func speakUpReport(ctx context.Context, q querier, db *DB, reportID string) (speakup.Report, error) {
	var sealed string
	r, err := scanSpeakUp(q.QueryRowContext(ctx, `SELECT `+speakUpColumns+`, what_sealed FROM speakup_reports WHERE id = $1`, reportID), &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fault.Errorf(fault.NotFound, "speak-up report not found")
	}
	if err != nil {
		return r, fmt.Errorf("reading speak-up report: %w", err)
	}
	if r.What, err = db.keys.OpenString(sealed, speakUpAAD("speakup_reports", r.ID, "what")); err != nil {
		return r, fmt.Errorf("unsealing speak-up report %s: %w", r.Reference, err)
	}
	return r, nil
}

// SpeakUpReports lists reports newest first, without their text or any
// identity, optionally only those in one status.
func (db *DB) SpeakUpReports(ctx context.Context, status string, limit int) ([]speakup.Report, error) {
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+speakUpColumns+` FROM speakup_reports
		WHERE $1 = '' OR status = $1 ORDER BY created_at DESC, reference DESC LIMIT $2`, status, limit)
	if err != nil {
		return nil, fmt.Errorf("listing speak-up reports: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (speakup.Report, error) { return scanSpeakUp(r, nil) })
}

// SpeakUpMessages lists a report's thread in order.
func (db *DB) SpeakUpMessages(ctx context.Context, reportID string) ([]speakup.ThreadMessage, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.seq, m.sender, COALESCE(m.guardian_id, ''), m.at, m.text_sealed, r.anonymous
		FROM speakup_messages m JOIN speakup_reports r ON r.id = m.report_id WHERE m.report_id = $1 ORDER BY m.seq`, reportID)
	if err != nil {
		return nil, fmt.Errorf("reading speak-up thread: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (m speakup.ThreadMessage, err error) {
		var sealed string
		var anonymous bool
		if err = r.Scan(&m.ID, &m.Seq, &m.From, &m.GuardianID, &m.At, &sealed, &anonymous); err != nil {
			return m, err
		}
		m.At = m.At.UTC()
		m.DateOnly = anonymous && m.From == speakup.FromReporter
		m.Text, err = db.keys.OpenString(sealed, speakUpAAD("speakup_messages", m.ID, "text"))
		return m, err
	})
}

// AddSpeakUpMessage appends a message to a report's thread. A reporter's
// message on an anonymous report keeps only its day. A message cannot be
// added to a closed report.
func (tx *Tx) AddSpeakUpMessage(ctx context.Context, reportID string, m *speakup.ThreadMessage) error {
	var anonymous bool
	var status string
	err := tx.tx.QueryRowContext(ctx, `SELECT anonymous, status FROM speakup_reports WHERE id = $1`, reportID).Scan(&anonymous, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, "speak-up report not found")
	}
	if err != nil {
		return err
	}
	if status == speakup.StatusClosed {
		return fault.Errorf(fault.Conflict, "the report is closed; start a new report")
	}
	switch {
	case m.From == speakup.FromGuardian && m.GuardianID == "":
		return fault.Errorf(fault.Internal, "a guardian's message must name the guardian")
	case m.From == speakup.FromReporter:
		m.GuardianID = ""
	case m.From != speakup.FromGuardian:
		return fault.Errorf(fault.Internal, "message from %q", m.From)
	}
	m.ID = id.New()
	m.At = m.At.UTC()
	m.DateOnly = anonymous && m.From == speakup.FromReporter
	if m.DateOnly {
		m.At = speakup.Day(m.At)
	}
	sealed, err := tx.db.keys.SealString(m.Text, speakUpAAD("speakup_messages", m.ID, "text"))
	if err != nil {
		return fmt.Errorf("sealing message: %w", err)
	}
	err = tx.tx.QueryRowContext(ctx, `INSERT INTO speakup_messages (id, report_id, seq, sender, guardian_id, at, text_sealed)
		SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6 FROM speakup_messages WHERE report_id = $2
		RETURNING seq`, m.ID, reportID, m.From, nullString(m.GuardianID), m.At, sealed).Scan(&m.Seq)
	if err := constraintError(err, "another message was added at the same moment; send it again", "no such report or guardian"); err != nil {
		return fmt.Errorf("adding speak-up message: %w", err)
	}
	return nil
}

// SpeakUpAttachments lists a report's files without their content.
func (db *DB) SpeakUpAttachments(ctx context.Context, reportID string) ([]speakup.Attachment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, report_id, sha256, media_type, size FROM speakup_attachments
		WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (a speakup.Attachment, err error) {
		return a, r.Scan(&a.ID, &a.ReportID, &a.SHA256, &a.MediaType, &a.Size)
	})
}

// SpeakUpAttachment reads one file of a report with its content.
func (db *DB) SpeakUpAttachment(ctx context.Context, reportID, attachmentID string) (speakup.Attachment, error) {
	var a speakup.Attachment
	var sealed string
	err := db.read.QueryRowContext(ctx, `SELECT id, report_id, sha256, media_type, size, content_sealed FROM speakup_attachments
		WHERE id = $1 AND report_id = $2`, attachmentID, reportID).Scan(&a.ID, &a.ReportID, &a.SHA256, &a.MediaType, &a.Size, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fault.Errorf(fault.NotFound, "attachment not found")
	}
	if err != nil {
		return a, err
	}
	if a.Content, err = db.keys.Open(sealed, speakUpAAD("speakup_attachments", a.ID, "content")); err != nil {
		return a, fmt.Errorf("unsealing attachment %s: %w", a.ID, err)
	}
	return a, nil
}

// SpeakUpIdentity unseals a named reporter's identity. Only guardians'
// requests may call it, and each call must be audited by the caller. An
// anonymous report has none: Conflict.
func (db *DB) SpeakUpIdentity(ctx context.Context, reportID string) (speakup.Identity, error) {
	return speakUpIdentity(ctx, db.read, db, reportID)
}

func speakUpIdentity(ctx context.Context, q querier, db *DB, reportID string) (speakup.Identity, error) {
	var ident speakup.Identity
	var anonymous bool
	var sealed string
	err := q.QueryRowContext(ctx, `SELECT anonymous, identity_sealed FROM speakup_reports WHERE id = $1`, reportID).Scan(&anonymous, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return ident, fault.Errorf(fault.NotFound, "speak-up report not found")
	}
	if err != nil {
		return ident, err
	}
	if anonymous {
		return ident, fault.Errorf(fault.Conflict, "the report is anonymous: Probity holds no identity for it")
	}
	b, err := db.keys.Open(sealed, speakUpAAD("speakup_reports", reportID, "identity"))
	if err != nil {
		return ident, fmt.Errorf("unsealing reporter identity of %s: %w", reportID, err)
	}
	return ident, json.Unmarshal(b, &ident)
}

// CreateRevealRequest records a request to reveal a named reporter.
func (tx *Tx) CreateRevealRequest(ctx context.Context, rr *speakup.RevealRequest, now time.Time) error {
	var anonymous bool
	err := tx.tx.QueryRowContext(ctx, `SELECT anonymous FROM speakup_reports WHERE id = $1`, rr.ReportID).Scan(&anonymous)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, "speak-up report not found")
	}
	if err != nil {
		return err
	}
	if anonymous {
		return fault.Errorf(fault.Conflict, "the report is anonymous: there is no identity to reveal")
	}
	rr.ID, rr.CreatedAt, rr.DecidedAt, rr.Approvals = id.New(), now.UTC(), nil, []string{}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO speakup_reveal_requests (id, report_id, requested_by, reason, recipient, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, rr.ID, rr.ReportID, rr.RequestedBy, rr.Reason, rr.Recipient, rr.CreatedAt)
	return constraintError(err, "", "no such report or user")
}

// ApproveReveal records one guardian's approval of a request; the
// requester cannot approve their own. When it is the approval that makes
// speakup.RevealApprovals distinct guardians, the request is decided and
// revealed is true: from then on, for speakup.RevealValidity, the
// requester may read the identity for the recipient (ApprovedReveal), and
// each read must be audited as a disclosure.
func (tx *Tx) ApproveReveal(ctx context.Context, requestID, guardianID string, now time.Time) (rr speakup.RevealRequest, revealed bool, err error) {
	// Touching the row first locks it (PostgreSQL) so that two guardians
	// approving at once are counted one after the other and exactly one
	// of them completes the reveal.
	var decided sql.NullTime
	err = tx.tx.QueryRowContext(ctx, `UPDATE speakup_reveal_requests SET reason = reason WHERE id = $1
		RETURNING id, report_id, requested_by, reason, recipient, created_at, decided_at`, requestID).
		Scan(&rr.ID, &rr.ReportID, &rr.RequestedBy, &rr.Reason, &rr.Recipient, &rr.CreatedAt, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return rr, false, fault.Errorf(fault.NotFound, "reveal request not found")
	}
	if err != nil {
		return rr, false, err
	}
	rr.CreatedAt = rr.CreatedAt.UTC()
	if decided.Valid {
		return rr, false, fault.Errorf(fault.Conflict, "the request has already been decided")
	}
	if rr.RequestedBy == guardianID {
		return rr, false, fault.Errorf(fault.Forbidden,
			"you asked for this reveal; %d other guardians must approve it", speakup.RevealApprovals)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO speakup_reveal_approvals (request_id, guardian_id, at) VALUES ($1, $2, $3)`,
		requestID, guardianID, now.UTC())
	if err := constraintError(err, "you have already approved this request; another guardian must approve it", "no such user"); err != nil {
		return rr, false, err
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT guardian_id FROM speakup_reveal_approvals WHERE request_id = $1 ORDER BY at, guardian_id`, requestID)
	if err != nil {
		return rr, false, err
	}
	if rr.Approvals, err = collect(rows, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) }); err != nil {
		return rr, false, err
	}
	if len(rr.Approvals) < speakup.RevealApprovals {
		return rr, false, nil
	}
	at := now.UTC()
	if _, err := tx.tx.ExecContext(ctx, `UPDATE speakup_reveal_requests SET decided_at = $1 WHERE id = $2`, at, requestID); err != nil {
		return rr, false, err
	}
	rr.DecidedAt = &at
	return rr, true, nil
}

// ApprovedReveal finds the most recent request by requesterID to reveal
// the reporter of reportID that was approved at or after since: NotFound
// when there is none.
func (db *DB) ApprovedReveal(ctx context.Context, reportID, requesterID string, since time.Time) (speakup.RevealRequest, error) {
	var rr speakup.RevealRequest
	var decided time.Time
	err := db.read.QueryRowContext(ctx, `SELECT id, report_id, requested_by, reason, recipient, created_at, decided_at
		FROM speakup_reveal_requests WHERE report_id = $1 AND requested_by = $2 AND decided_at >= $3
		ORDER BY decided_at DESC, id LIMIT 1`, reportID, requesterID, since.UTC()).
		Scan(&rr.ID, &rr.ReportID, &rr.RequestedBy, &rr.Reason, &rr.Recipient, &rr.CreatedAt, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return rr, fault.Errorf(fault.NotFound, "no approved reveal request")
	}
	if err != nil {
		return rr, fmt.Errorf("reading reveal requests: %w", err)
	}
	rr.CreatedAt, decided = rr.CreatedAt.UTC(), decided.UTC()
	rr.DecidedAt = &decided
	return rr, nil
}

// SpeakUpIdentity unseals a named reporter's identity inside a
// transaction.
func (tx *Tx) SpeakUpIdentity(ctx context.Context, reportID string) (speakup.Identity, error) {
	return speakUpIdentity(ctx, tx.tx, tx.db, reportID)
}

// ConvertSpeakUpReport records a conduct matter raised from an open report
// and marks the report converted. The case holds only what the guardian
// wrote; the store refuses a case whose text holds the reporter's name or
// contact details (speakup.Identity.CheckCase), so that a slip cannot carry
// the identity across. c must be validated and prepared.
func (tx *Tx) ConvertSpeakUpReport(ctx context.Context, reportID string, c *cases.Case, actor string, now time.Time) error {
	var status string
	var anonymous bool
	err := tx.tx.QueryRowContext(ctx, `SELECT status, anonymous FROM speakup_reports WHERE id = $1`, reportID).Scan(&status, &anonymous)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, "speak-up report not found")
	}
	if err != nil {
		return err
	}
	if status != speakup.StatusOpen {
		return fault.Errorf(fault.Conflict, "the report is %s; only an open report can be raised as a conduct matter", status)
	}
	if !anonymous {
		ident, err := tx.SpeakUpIdentity(ctx, reportID)
		if err != nil {
			return err
		}
		if err := ident.CheckCase(c); err != nil {
			return err
		}
	}
	if err := tx.CreateCase(ctx, c, actor, now); err != nil {
		return err
	}
	// Only if still open: of two guardians converting at once, one wins
	// and the other's case is rolled back with its transaction.
	res, err := tx.tx.ExecContext(ctx, `UPDATE speakup_reports SET status = $1, converted_case_id = $2 WHERE id = $3 AND status = $4`,
		speakup.StatusConverted, c.ID, reportID, speakup.StatusOpen)
	if err != nil {
		return fmt.Errorf("marking speak-up report converted: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.Errorf(fault.Conflict, "the report was raised as a conduct matter by someone else just now")
	}
	return nil
}

// speakUpSettleGrace is how long after midnight a day's batch waits, so
// that a request begun before midnight and committed after it still joins
// its own day's batch rather than one of its own the next day.
const speakUpSettleGrace = time.Hour

// DeferSpeakUpAudit keeps the audit entry of something an anonymous
// reporter did, inside tx, until its day's batch (SettleSpeakUpAudit).
// e must be about a report (RecordType "speakup"); messageID names the
// reporter's message it records, or is "". Only the entry's day is kept.
func (tx *Tx) DeferSpeakUpAudit(ctx context.Context, e *audit.Entry, messageID string) error {
	if e.RecordType != "speakup" || e.ActorID != "" || e.Source != "" {
		return fault.Errorf(fault.Internal, "only an anonymous reporter's entry about a report can wait for the day's batch")
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO speakup_audit_pending (id, day, action, actor_name, report_id, message_id, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id.New(), speakup.Day(e.At), string(e.Action), e.ActorName, e.RecordID,
		nullString(messageID), e.Reason)
	if err := constraintError(err, "", "no such report or message"); err != nil {
		return fmt.Errorf("keeping the audit entry for the day's batch: %w", err)
	}
	return nil
}

// PendingSpeakUpAudit counts the anonymous reporters' audit entries that
// wait for their day's batch, and gives the oldest day among them (zero
// when none wait). They are durable but not yet in the hash chain, so
// `probity audit verify` reports them: an entry that waits days longer
// than it should means the batch is not running.
func (db *DB) PendingSpeakUpAudit(ctx context.Context) (n int, oldest time.Time, err error) {
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM speakup_audit_pending`).Scan(&n); err != nil {
		return 0, oldest, fmt.Errorf("counting deferred speak-up audit entries: %w", err)
	}
	if n == 0 {
		return 0, oldest, nil
	}
	err = db.read.QueryRowContext(ctx, `SELECT day FROM speakup_audit_pending ORDER BY day LIMIT 1`).Scan(&oldest)
	if err != nil {
		return 0, oldest, fmt.Errorf("reading the oldest deferred speak-up audit entry: %w", err)
	}
	return n, oldest.UTC(), nil
}

// SettleSpeakUpAudit appends to the audit log, in one transaction, every
// deferred entry whose day ended at least speakUpSettleGrace before now:
// ordered by day and then at random, each dated midnight of its day, with
// no actor and no source. It rewrites the rows those entries record so
// that their physical order and row versions are the batch's (see the top
// of this file). It reports how many entries it appended; running it
// again, or on two servers at once, appends none twice.
func (db *DB) SettleSpeakUpAudit(ctx context.Context, now time.Time) (int, error) {
	cutoff := speakup.Day(now.Add(-speakUpSettleGrace))
	var n int
	err := db.InTx(ctx, func(tx *Tx) error {
		n = 0
		// Deleting first takes the rows: a second settler waits on them
		// (PostgreSQL) or on the single writer (SQLite), then finds none.
		rows, err := tx.tx.QueryContext(ctx, `DELETE FROM speakup_audit_pending WHERE day < $1
			RETURNING id, day, action, actor_name, report_id, COALESCE(message_id, ''), reason`, cutoff)
		if err != nil {
			return fmt.Errorf("taking the deferred speak-up audit entries: %w", err)
		}
		type pending struct {
			id, messageID string
			e             audit.Entry
		}
		list, err := collect(rows, func(r *sql.Rows) (p pending, err error) {
			var action string
			err = r.Scan(&p.id, &p.e.At, &action, &p.e.ActorName, &p.e.RecordID, &p.messageID, &p.e.Reason)
			p.e.At, p.e.Action = speakup.Day(p.e.At), audit.Action(action)
			return p, err
		})
		if err != nil {
			return fmt.Errorf("taking the deferred speak-up audit entries: %w", err)
		}
		// The ids are random: sorting by them shuffles a day's entries.
		slices.SortFunc(list, func(a, b pending) int {
			if c := a.e.At.Compare(b.e.At); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
		for _, p := range list {
			e := p.e
			e.RecordType, e.Outcome = "speakup", audit.Success
			if err := tx.Audit(ctx, &e); err != nil {
				return err
			}
			if p.messageID != "" {
				if err := tx.rewriteRow(ctx, "speakup_messages", p.messageID); err != nil {
					return err
				}
				continue
			}
			if err := tx.rewriteRow(ctx, "speakup_reports", p.e.RecordID); err != nil {
				return err
			}
			atts, err := tx.tx.QueryContext(ctx, `SELECT id FROM speakup_attachments WHERE report_id = $1 ORDER BY id`, p.e.RecordID)
			if err != nil {
				return err
			}
			ids, err := collect(atts, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) })
			if err != nil {
				return err
			}
			for _, a := range ids {
				if err := tx.rewriteRow(ctx, "speakup_attachments", a); err != nil {
					return err
				}
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}

// rewriteRow writes a row again so that where it lies, and on PostgreSQL
// which transaction wrote it, are those of this transaction: on SQLite it
// gets the next rowid, after every row written so far; on PostgreSQL an
// update makes a new row version (the old one is dead, and goes at the
// next vacuum). table is one of a fixed few, never input.
func (tx *Tx) rewriteRow(ctx context.Context, table, rowID string) error {
	q := `UPDATE ` + table + ` SET id = id WHERE id = $1`
	if tx.db.dialect == SQLite {
		q = `UPDATE ` + table + ` SET rowid = (SELECT MAX(rowid) FROM ` + table + `) + 1 WHERE id = $1`
	}
	res, err := tx.tx.ExecContext(ctx, q, rowID)
	if err != nil {
		return fmt.Errorf("rewriting %s row %s: %w", table, rowID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("rewriting %s row %s: %d rows (%v)", table, rowID, n, err)
	}
	return nil
}
