package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/vetting"
)

// UseVettingRules replaces the rules that say which new allegations open
// a vetting review (vetting.DefaultRules until then).
func (db *DB) UseVettingRules(r vetting.Rules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	db.vetting.Store(&r)
	return nil
}

func (db *DB) vettingRules() vetting.Rules {
	if r := db.vetting.Load(); r != nil {
		return *r
	}
	return vetting.DefaultRules()
}

// openVettingReviews opens the reviews a newly recorded case calls for, in
// the transaction that records it, so that no allegation that should
// reopen an officer's vetting can be recorded without doing so: one per
// subject whose allegation falls in a category the rules name, and one per
// subject whose allegations within the rules' window reach their count.
func (tx *Tx) openVettingReviews(ctx context.Context, c *cases.Case, now time.Time) error {
	ref, err := cases.LoadReference()
	if err != nil {
		return err
	}
	rules := tx.db.vettingRules()
	tax := ref.TaxonomyAt(c.ReceivedAt)
	byCategory := map[string]bool{}
	var subjects []string
	for _, a := range c.Allegations {
		concern := ""
		if cat, ok := tax.Category(a.Category); ok {
			concern = cat.Concern
			if sub, ok := cat.Subcategory(a.Subcategory); ok && sub.Concern != "" {
				concern = sub.Concern
			}
		}
		for _, s := range a.Subjects {
			if s.OfficerID == "" {
				continue
			}
			if !byCategory[s.OfficerID] && rules.Calls(vetting.Allegation{Category: a.Category, Subcategory: a.Subcategory,
				Concern: concern, DomesticAbuse: a.DomesticAbuse}) {
				byCategory[s.OfficerID] = true
				on := c.AroseOn
				if a.OccurredOn != nil {
					on = *a.OccurredOn
				}
				t := vetting.Trigger{Kind: vetting.ByCategory, Category: a.Category, Subcategory: a.Subcategory,
					DomesticAbuse: a.DomesticAbuse, CaseID: c.ID,
					CaseReference: c.Reference, AllegationOn: on}
				if err := tx.insertReview(ctx, vetting.NewReview(s.OfficerID, t, now)); err != nil {
					return err
				}
			}
			subjects = append(subjects, s.OfficerID)
		}
	}
	since := rules.VolumeSince(now)
	counted := map[string]bool{}
	for _, officerID := range subjects {
		if counted[officerID] {
			continue
		}
		counted[officerID] = true
		var n int
		err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subjects s
			JOIN allegations a ON a.id = s.allegation_id JOIN cases c ON c.id = a.case_id
			WHERE s.officer_id = $1 AND COALESCE(a.occurred_on, c.arose_on) >= $2`, officerID, dateOnly(since)).Scan(&n)
		if err != nil {
			return fmt.Errorf("counting allegations against an officer for vetting: %w", err)
		}
		if n < rules.VolumeCount {
			continue
		}
		t := vetting.Trigger{Kind: vetting.ByVolume, CaseID: c.ID, CaseReference: c.Reference, AllegationOn: c.AroseOn, Count: n}
		if err := tx.insertReview(ctx, vetting.NewReview(officerID, t, now)); err != nil {
			return err
		}
	}
	return nil
}

// insertReview stores a review, doing nothing when the officer already
// has one for the same case, or an open one by volume.
func (tx *Tx) insertReview(ctx context.Context, r vetting.Review) error {
	r.ID = id.New()
	t := r.Trigger
	var on any
	if !t.AllegationOn.IsZero() {
		on = dateOnly(t.AllegationOn)
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO vetting_reviews
		(id, officer_id, trigger_kind, category, subcategory, case_id, allegation_on, allegation_count, opened_at, due_by, domestic_abuse)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
		r.ID, r.OfficerID, string(t.Kind), t.Category, t.Subcategory, nullString(t.CaseID), on, t.Count, r.OpenedAt.UTC(), dateOnly(r.DueBy),
		t.DomesticAbuse)
	if err != nil {
		return fmt.Errorf("opening a vetting review: %w", err)
	}
	// Opening a review reads and discloses nothing: the entry that
	// records the case records what caused it.
	return nil
}

// reviewColumns are read by scanReview, in its order.
const reviewColumns = `r.id, r.officer_id, r.trigger_kind, r.category, r.subcategory, COALESCE(r.case_id, ''), COALESCE(c.reference, ''),
	r.allegation_on, r.allegation_count, r.opened_at, r.due_by, r.decision, r.reasons, r.conditions, r.decided_by, r.decided_at, r.version,
	r.domestic_abuse`

func scanReview(row interface{ Scan(...any) error }) (vetting.Review, error) {
	var r vetting.Review
	var kind, decision string
	var on, decidedAt sql.NullTime
	err := row.Scan(&r.ID, &r.OfficerID, &kind, &r.Trigger.Category, &r.Trigger.Subcategory, &r.Trigger.CaseID, &r.Trigger.CaseReference,
		&on, &r.Trigger.Count, &r.OpenedAt, &r.DueBy, &decision, &r.Reasons, &r.Conditions, &r.DecidedBy, &decidedAt, &r.Version,
		&r.Trigger.DomesticAbuse)
	if err != nil {
		return r, err
	}
	r.Trigger.Kind, r.Decision = vetting.TriggerKind(kind), vetting.Decision(decision)
	if on.Valid {
		r.Trigger.AllegationOn = on.Time.UTC()
	}
	r.DecidedAt = utcPtr(decidedAt)
	r.OpenedAt, r.DueBy = r.OpenedAt.UTC(), r.DueBy.UTC()
	return r, nil
}

// VettingReviews lists an officer's reviews, newest first.
func (db *DB) VettingReviews(ctx context.Context, officerID string) ([]vetting.Review, error) {
	return db.reviews(ctx, `WHERE r.officer_id = $1 ORDER BY r.opened_at DESC, r.id`, officerID)
}

// VettingQueue lists the open reviews, the soonest due first.
func (db *DB) VettingQueue(ctx context.Context) ([]vetting.Review, error) {
	return db.reviews(ctx, `WHERE r.decision = '' ORDER BY r.due_by, r.opened_at, r.id`)
}

func (db *DB) reviews(ctx context.Context, where string, args ...any) ([]vetting.Review, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+reviewColumns+` FROM vetting_reviews r LEFT JOIN cases c ON c.id = r.case_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading vetting reviews: %w", err)
	}
	out, err := collect(rows, func(rows *sql.Rows) (vetting.Review, error) { return scanReview(rows) })
	if err != nil {
		return nil, fmt.Errorf("reading vetting reviews: %w", err)
	}
	return out, nil
}

// VettingReview reads one review.
func (tx *Tx) VettingReview(ctx context.Context, reviewID string) (vetting.Review, error) {
	r, err := scanReview(tx.tx.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM vetting_reviews r LEFT JOIN cases c ON c.id = r.case_id
		WHERE r.id = $1`, reviewID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fault.Errorf(fault.NotFound, "no such vetting review")
	}
	if err != nil {
		return r, fmt.Errorf("reading vetting review: %w", err)
	}
	return r, nil
}

// DecideVettingReview stores a decided review, refusing it if the review
// changed since it was read (readVersion), and records the officer's new
// standing at each level they hold a clearance at. The caller audits the
// decision in the same transaction.
func (tx *Tx) DecideVettingReview(ctx context.Context, r vetting.Review, readVersion int, now time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE vetting_reviews SET decision = $1, reasons = $2, conditions = $3, decided_by = $4,
		decided_at = $5, version = $6 WHERE id = $7 AND version = $8 AND decision = ''`,
		string(r.Decision), r.Reasons, r.Conditions, r.DecidedBy, now.UTC(), r.Version, r.ID, readVersion)
	if err != nil {
		return fmt.Errorf("deciding vetting review: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.Conflict, "the review changed since it was opened: read it again")
	}
	current, err := tx.currentClearances(ctx, r.OfficerID)
	if err != nil {
		return err
	}
	for _, c := range current {
		next := vetting.Clearance{ID: id.New(), OfficerID: r.OfficerID, Level: c.Level, Status: vetting.StatusAfter(r.Decision),
			GrantedOn: c.GrantedOn, ReviewDue: c.ReviewDue, Conditions: r.Conditions, Reasons: r.Reasons, DecidedBy: r.DecidedBy, DecidedAt: now.UTC()}
		if err := tx.insertClearance(ctx, next, r.ID); err != nil {
			return err
		}
	}
	return nil
}

// RecordClearance stores a vetting decision made outside a review.
func (tx *Tx) RecordClearance(ctx context.Context, c *vetting.Clearance) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.ID = id.New()
	return tx.insertClearance(ctx, *c, "")
}

func (tx *Tx) insertClearance(ctx context.Context, c vetting.Clearance, reviewID string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO vetting_clearances
		(id, officer_id, seq, level, status, granted_on, review_due, conditions, reasons, decided_by, decided_at, appeal_of, review_id)
		VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM vetting_clearances WHERE officer_id = $2),
		$3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, c.OfficerID, string(c.Level), string(c.Status), dateOnly(c.GrantedOn), nullDate(c.ReviewDue), c.Conditions, c.Reasons,
		c.DecidedBy, c.DecidedAt.UTC(), nullString(c.AppealOf), nullString(reviewID))
	if err := constraintError(err, "", "the clearance names no such officer or earlier clearance"); err != nil {
		return fmt.Errorf("recording vetting clearance: %w", err)
	}
	return nil
}

// currentClearances is the latest decision at each level an officer holds.
func (tx *Tx) currentClearances(ctx context.Context, officerID string) ([]vetting.Clearance, error) {
	return clearances(ctx, tx.tx, officerID, true)
}

// ClearanceHistory lists every vetting decision on an officer, newest
// first, inside the transaction that will add the next.
func (tx *Tx) ClearanceHistory(ctx context.Context, officerID string) ([]vetting.Clearance, error) {
	return clearances(ctx, tx.tx, officerID, false)
}

// Clearances lists an officer's vetting decisions, the latest at each
// level first when current is true, else every decision, newest first.
func (db *DB) Clearances(ctx context.Context, officerID string, current bool) ([]vetting.Clearance, error) {
	return clearances(ctx, db.read, officerID, current)
}

func clearances(ctx context.Context, q querier, officerID string, current bool) ([]vetting.Clearance, error) {
	where := `WHERE v.officer_id = $1`
	if current {
		where += ` AND NOT EXISTS (SELECT 1 FROM vetting_clearances l WHERE l.officer_id = v.officer_id AND l.level = v.level
			AND l.seq > v.seq)`
	}
	rows, err := q.QueryContext(ctx, `SELECT v.id, v.level, v.status, v.granted_on, v.review_due, v.conditions, v.reasons, v.decided_by,
		v.decided_at, COALESCE(v.appeal_of, '') FROM vetting_clearances v `+where+` ORDER BY v.seq DESC`, officerID)
	if err != nil {
		return nil, fmt.Errorf("reading vetting clearances: %w", err)
	}
	defer rows.Close()
	var out []vetting.Clearance
	for rows.Next() {
		c := vetting.Clearance{OfficerID: officerID}
		if err := scanClearance(rows, &c); err != nil {
			return nil, fmt.Errorf("reading vetting clearances: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// scanClearance reads the columns every clearance query selects, after
// any leading ones the caller names (the officer, for a list of many
// officers' clearances).
func scanClearance(rows *sql.Rows, c *vetting.Clearance, lead ...any) error {
	var level, status string
	var due sql.NullTime
	dest := append(lead, &c.ID, &level, &status, &c.GrantedOn, &due, &c.Conditions, &c.Reasons, &c.DecidedBy, &c.DecidedAt, &c.AppealOf)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	c.Level, c.Status = vetting.Level(level), vetting.Status(status)
	c.GrantedOn, c.DecidedAt = c.GrantedOn.UTC(), c.DecidedAt.UTC()
	c.ReviewDue = utcPtr(due)
	return nil
}

// ClearancesDue lists the clearances whose periodic review falls due on
// or before a day: each officer's latest decision at a level, still
// granted, soonest due first. Overdue ones come first because their day
// has passed.
func (db *DB) ClearancesDue(ctx context.Context, by time.Time) ([]vetting.Clearance, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.officer_id, v.id, v.level, v.status, v.granted_on, v.review_due, v.conditions,
		v.reasons, v.decided_by, v.decided_at, COALESCE(v.appeal_of, '') FROM vetting_clearances v
		WHERE v.status = 'granted' AND v.review_due IS NOT NULL AND v.review_due <= $1
		AND NOT EXISTS (SELECT 1 FROM vetting_clearances l WHERE l.officer_id = v.officer_id AND l.level = v.level AND l.seq > v.seq)
		ORDER BY v.review_due, v.officer_id, v.level`, dateOnly(by))
	if err != nil {
		return nil, fmt.Errorf("reading clearances due for review: %w", err)
	}
	defer rows.Close()
	var out []vetting.Clearance
	for rows.Next() {
		var c vetting.Clearance
		if err := scanClearance(rows, &c, &c.OfficerID); err != nil {
			return nil, fmt.Errorf("reading clearances due for review: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
