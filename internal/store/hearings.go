package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/hearings"
	"github.com/probity/probity/internal/id"
)

// HearingCaseFacts reads what drafting a notice needs of a case: its
// reference, every state it has been in, and the officers its allegations
// are against.
func (tx *Tx) HearingCaseFacts(ctx context.Context, caseID string) (hearings.CaseFacts, error) {
	return hearingCaseFacts(ctx, tx.tx, caseID)
}

// HearingCaseFacts is the same outside a transaction, for a form.
func (db *DB) HearingCaseFacts(ctx context.Context, caseID string) (hearings.CaseFacts, error) {
	return hearingCaseFacts(ctx, db.read, caseID)
}

func hearingCaseFacts(ctx context.Context, q querier, caseID string) (hearings.CaseFacts, error) {
	f := hearings.CaseFacts{ID: caseID}
	var state string
	err := q.QueryRowContext(ctx, `SELECT reference, state FROM cases WHERE id = $1`, caseID).Scan(&f.Reference, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fault.Errorf(fault.NotFound, "case not found")
	}
	if err != nil {
		return f, fmt.Errorf("reading case for a hearing notice: %w", err)
	}
	f.Visited = append(f.Visited, cases.State(state))
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT to_state FROM case_events WHERE case_id = $1 AND to_state <> ''`, caseID)
	if err != nil {
		return f, fmt.Errorf("reading a case's states for a hearing notice: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return f, fmt.Errorf("reading a case's states for a hearing notice: %w", err)
		}
		f.Visited = append(f.Visited, cases.State(s))
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	subs, err := q.QueryContext(ctx, `SELECT DISTINCT s.officer_id FROM subjects s JOIN allegations a ON a.id = s.allegation_id
		WHERE a.case_id = $1 ORDER BY s.officer_id`, caseID)
	if err != nil {
		return f, fmt.Errorf("reading a case's subjects for a hearing notice: %w", err)
	}
	defer subs.Close()
	for subs.Next() {
		var o string
		if err := subs.Scan(&o); err != nil {
			return f, fmt.Errorf("reading a case's subjects for a hearing notice: %w", err)
		}
		f.Subjects = append(f.Subjects, o)
	}
	return f, subs.Err()
}

// CreateHearingNotice stores a drafted notice. The caller audits it in
// the same transaction.
func (tx *Tx) CreateHearingNotice(ctx context.Context, n *hearings.Notice) error {
	n.ID = id.New()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO hearing_notices
		(id, case_id, kind, officer_id, officer_name, officer_rank, hearing_on, hearing_time, venue, body, publish_from, publish_until,
		 status, drafted_by, drafted_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		n.ID, n.CaseID, string(n.Kind), n.OfficerID, n.OfficerName, n.OfficerRank, dateOnly(n.HearingOn), n.HearingTime, n.Venue, n.Text,
		dateOnly(n.PublishFrom), dateOnly(n.PublishUntil), string(n.Status), n.DraftedBy, n.DraftedAt.UTC(), n.Version)
	if err := constraintError(err, "", "the notice names no such case or officer"); err != nil {
		return fmt.Errorf("drafting hearing notice: %w", err)
	}
	return nil
}

// SaveHearingNotice stores a notice's new status and period, refusing it
// if the notice changed since it was read (readVersion). The caller audits
// the change in the same transaction.
func (tx *Tx) SaveHearingNotice(ctx context.Context, n hearings.Notice, readVersion int) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE hearing_notices SET status = $1, publish_from = $2, publish_until = $3,
		submitted_at = $4, approved_by = $5, approved_at = $6, withdrawn_by = $7, withdrawn_at = $8, withdrawn_reason = $9, version = $10
		WHERE id = $11 AND version = $12`,
		string(n.Status), dateOnly(n.PublishFrom), dateOnly(n.PublishUntil), nullTime(n.SubmittedAt), n.ApprovedBy, nullTime(n.ApprovedAt),
		n.WithdrawnBy, nullTime(n.WithdrawnAt), n.WithdrawnReason, n.Version, n.ID, readVersion)
	if err != nil {
		return fmt.Errorf("saving hearing notice: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return fault.Errorf(fault.Conflict, "the notice changed since it was opened: read it again")
	}
	return nil
}

const noticeColumns = `n.id, n.case_id, c.reference, n.kind, n.officer_id, n.officer_name, n.officer_rank, n.hearing_on, n.hearing_time,
	n.venue, n.body, n.publish_from, n.publish_until, n.status, n.drafted_by, n.drafted_at, n.submitted_at, n.approved_by,
	n.approved_at, n.withdrawn_by, n.withdrawn_at, n.withdrawn_reason, n.version`

const noticeFrom = ` FROM hearing_notices n JOIN cases c ON c.id = n.case_id `

func scanNotice(row interface{ Scan(...any) error }) (hearings.Notice, error) {
	var n hearings.Notice
	var kind, status string
	var submitted, approved, withdrawn sql.NullTime
	err := row.Scan(&n.ID, &n.CaseID, &n.CaseReference, &kind, &n.OfficerID, &n.OfficerName, &n.OfficerRank, &n.HearingOn, &n.HearingTime,
		&n.Venue, &n.Text, &n.PublishFrom, &n.PublishUntil, &status, &n.DraftedBy, &n.DraftedAt, &submitted, &n.ApprovedBy,
		&approved, &n.WithdrawnBy, &withdrawn, &n.WithdrawnReason, &n.Version)
	if err != nil {
		return n, err
	}
	n.Kind, n.Status = hearings.Kind(kind), hearings.Status(status)
	n.HearingOn, n.PublishFrom, n.PublishUntil = dateOnly(n.HearingOn.UTC()), dateOnly(n.PublishFrom.UTC()), dateOnly(n.PublishUntil.UTC())
	n.DraftedAt = n.DraftedAt.UTC()
	n.SubmittedAt, n.ApprovedAt, n.WithdrawnAt = utcPtr(submitted), utcPtr(approved), utcPtr(withdrawn)
	return n, nil
}

// HearingNotice reads one notice inside a transaction, to change it.
func (tx *Tx) HearingNotice(ctx context.Context, noticeID string) (hearings.Notice, error) {
	return oneNotice(ctx, tx.tx, noticeID)
}

// HearingNotice reads one notice.
func (db *DB) HearingNotice(ctx context.Context, noticeID string) (hearings.Notice, error) {
	return oneNotice(ctx, db.read, noticeID)
}

func oneNotice(ctx context.Context, q querier, noticeID string) (hearings.Notice, error) {
	n, err := scanNotice(q.QueryRowContext(ctx, `SELECT `+noticeColumns+noticeFrom+`WHERE n.id = $1`, noticeID))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fault.Errorf(fault.NotFound, "no such hearing notice")
	}
	if err != nil {
		return n, fmt.Errorf("reading hearing notice: %w", err)
	}
	return n, nil
}

// HearingNotices lists every notice, the most recently drafted first. The
// caller decides which of them the reader may see, by their cases.
func (db *DB) HearingNotices(ctx context.Context) ([]hearings.Notice, error) {
	return db.notices(ctx, `ORDER BY n.drafted_at DESC, n.id`)
}

// PublicHearingNotices lists the notices the public may read on day (the
// force's calendar day, as midnight UTC): approved, not withdrawn, and
// within their publication period; the most recently published first.
// Drafts, notices waiting for approval, withdrawn ones and those whose
// period has not begun or is over are never read.
func (db *DB) PublicHearingNotices(ctx context.Context, day time.Time) ([]hearings.Notice, error) {
	d := dateOnly(day)
	return db.notices(ctx, `WHERE n.status = 'approved' AND n.publish_from <= $1 AND n.publish_until >= $1
		ORDER BY n.publish_from DESC, n.approved_at DESC, n.id`, d)
}

func (db *DB) notices(ctx context.Context, where string, args ...any) ([]hearings.Notice, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+noticeColumns+noticeFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading hearing notices: %w", err)
	}
	out, err := collect(rows, func(rows *sql.Rows) (hearings.Notice, error) { return scanNotice(rows) })
	if err != nil {
		return nil, fmt.Errorf("reading hearing notices: %w", err)
	}
	return out, nil
}

// CaseIDByReference finds a case's id by its reference, "" when there is
// none. It reads one indexed column and nothing else, so that finding a
// case the caller may not open costs the same as finding none.
func (db *DB) CaseIDByReference(ctx context.Context, ref string) (string, error) {
	var caseID string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM cases WHERE reference = $1`, ref).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("finding case %s: %w", ref, err)
	}
	return caseID, nil
}
