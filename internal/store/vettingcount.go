package store

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/vetting"
)

// VettingCounts are the vetting reviews of a period as the head of
// standards' dashboard shows them: opened in it by what triggered them,
// decided in it by decision, and, as of now, still open and overdue.
type VettingCounts struct {
	Opened  map[vetting.TriggerKind]int
	Decided map[vetting.Decision]int
	// Open and Overdue are taken now, whatever the period: a review is
	// overdue once the day it was due by has passed undecided.
	Open, Overdue int
}

// CountVettingReviews counts vetting reviews opened and decided in
// [start, end), and those open and overdue at now, in one query.
func (db *DB) CountVettingReviews(ctx context.Context, start, end, now time.Time) (VettingCounts, error) {
	out := VettingCounts{Opened: map[vetting.TriggerKind]int{}, Decided: map[vetting.Decision]int{}}
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT 'opened', trigger_kind, COUNT(*) FROM vetting_reviews
			WHERE opened_at >= $1 AND opened_at < $2 GROUP BY trigger_kind
		UNION ALL
		SELECT 'decided', decision, COUNT(*) FROM vetting_reviews
			WHERE decision <> '' AND decided_at >= $1 AND decided_at < $2 GROUP BY decision
		UNION ALL
		SELECT 'open', '', COUNT(*) FROM vetting_reviews WHERE decision = ''
		UNION ALL
		SELECT 'overdue', '', COUNT(*) FROM vetting_reviews WHERE decision = '' AND due_by < $3`,
		start.UTC(), end.UTC(), dateOnly(now.UTC()))
	if err != nil {
		return out, fmt.Errorf("counting vetting reviews: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var what, code string
		var n int
		if err := rows.Scan(&what, &code, &n); err != nil {
			return out, fmt.Errorf("counting vetting reviews: %w", err)
		}
		switch what {
		case "opened":
			out.Opened[vetting.TriggerKind(code)] = n
		case "decided":
			out.Decided[vetting.Decision(code)] = n
		case "open":
			out.Open = n
		case "overdue":
			out.Overdue = n
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("counting vetting reviews: %w", err)
	}
	return out, nil
}
