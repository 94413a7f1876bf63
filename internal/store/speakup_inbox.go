package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/probity/probity/internal/speakup"
)

// SpeakUpInboxItem is a report as one guardian's inbox lists it: the
// report without its text or any identity, and how much of its thread
// that guardian has yet to read.
type SpeakUpInboxItem struct {
	speakup.Report
	// Unread counts the reporter's messages after the last one this
	// guardian read.
	Unread int
	// Opened says this guardian has read the report at least once.
	Opened bool
}

// SpeakUpInbox lists reports for one guardian: those with replies from
// the reporter they have not read first, then the newest, optionally only
// those in one status. The order within a day follows the reference,
// which is random, as SpeakUpReports does.
func (db *DB) SpeakUpInbox(ctx context.Context, userID, status string, limit int) ([]SpeakUpInboxItem, error) {
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, reference, category, anonymous, status, converted_case_id, created_at, unread, opened
		FROM (SELECT r.id, r.reference, r.category, r.anonymous, r.status, COALESCE(r.converted_case_id, '') AS converted_case_id,
			r.created_at,
			(SELECT COUNT(*) FROM speakup_messages m WHERE m.report_id = r.id AND m.sender = 'reporter'
				AND m.seq > COALESCE(sr.seen_seq, 0)) AS unread,
			CASE WHEN sr.report_id IS NULL THEN 0 ELSE 1 END AS opened
			FROM speakup_reports r LEFT JOIN speakup_reads sr ON sr.report_id = r.id AND sr.user_id = $2
			WHERE $1 = '' OR r.status = $1) x
		ORDER BY CASE WHEN unread > 0 THEN 0 ELSE 1 END, created_at DESC, reference DESC LIMIT $3`, status, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing a guardian's speak-up inbox: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (it SpeakUpInboxItem, err error) {
		var opened int
		err = r.Scan(&it.ID, &it.Reference, &it.Category, &it.Anonymous, &it.Status, &it.ConvertedCaseID, &it.CreatedAt,
			&it.Unread, &opened)
		it.CreatedAt, it.Opened = it.CreatedAt.UTC(), opened == 1
		return it, err
	})
}

// MarkSpeakUpRead records that a guardian has read a report's thread up to
// message seq (0 for a thread with no messages yet). A mark never moves
// back: a page read before a later one may commit after it.
func (tx *Tx) MarkSpeakUpRead(ctx context.Context, reportID, userID string, seq int) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO speakup_reads (report_id, user_id, seen_seq) VALUES ($1, $2, $3)
		ON CONFLICT (report_id, user_id) DO UPDATE SET seen_seq =
			CASE WHEN excluded.seen_seq > speakup_reads.seen_seq THEN excluded.seen_seq ELSE speakup_reads.seen_seq END`,
		reportID, userID, seq)
	if err := constraintError(err, "", "no such report or user"); err != nil {
		return fmt.Errorf("marking a speak-up thread read: %w", err)
	}
	return nil
}

// SpeakUpRevealRequests lists a report's requests to reveal its reporter,
// oldest first, each with the guardians who approved it.
func (db *DB) SpeakUpRevealRequests(ctx context.Context, reportID string) ([]speakup.RevealRequest, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, report_id, requested_by, reason, recipient, created_at, decided_at
		FROM speakup_reveal_requests WHERE report_id = $1 ORDER BY created_at, id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("listing reveal requests: %w", err)
	}
	out, err := collect(rows, func(r *sql.Rows) (rr speakup.RevealRequest, err error) {
		var decided sql.NullTime
		err = r.Scan(&rr.ID, &rr.ReportID, &rr.RequestedBy, &rr.Reason, &rr.Recipient, &rr.CreatedAt, &decided)
		rr.CreatedAt = rr.CreatedAt.UTC()
		rr.DecidedAt = utcPtr(decided)
		rr.Approvals = []string{}
		return rr, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing reveal requests: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err = db.read.QueryContext(ctx, `SELECT a.request_id, a.guardian_id FROM speakup_reveal_approvals a
		JOIN speakup_reveal_requests q ON q.id = a.request_id WHERE q.report_id = $1 ORDER BY a.at, a.guardian_id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("listing reveal approvals: %w", err)
	}
	pairs, err := collect(rows, func(r *sql.Rows) (p [2]string, err error) { return p, r.Scan(&p[0], &p[1]) })
	if err != nil {
		return nil, fmt.Errorf("listing reveal approvals: %w", err)
	}
	for _, p := range pairs {
		for i := range out {
			if out[i].ID == p[0] {
				out[i].Approvals = append(out[i].Approvals, p[1])
			}
		}
	}
	return out, nil
}
