package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/probity/probity/internal/cases"
)

// FinalWarningInForceFor is how long a final written warning stays in
// force on an officer's record: 2 years from when it was given (CR 42;
// docs/statutory-process.md, section 8) [believed].
const FinalWarningInForceFor = 2 * 365 * 24 * time.Hour

// FinalWarningsInForce names those of the officers who, at at, have a
// final written warning in force from a case other than exceptCase: the
// derived fact that decides a forum (CR 23(1)) and opens a hearing's
// heavier outcomes (CR 42(5)). An outcome Probity holds no date for
// (imported before outcomes were dated) is not counted, since whether it
// is still in force cannot be told.
func (db *DB) FinalWarningsInForce(ctx context.Context, officerIDs []string, exceptCase string, at time.Time) ([]string, error) {
	if len(officerIDs) == 0 {
		return nil, nil
	}
	in, args := inList(officerIDs)
	n := len(args)
	args = append(args, exceptCase, string(cases.SanctionFinalWrittenWarning), at.Add(-FinalWarningInForceFor).UTC(), at.UTC())
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT s.officer_id FROM subjects s
		JOIN allegations a ON a.id = s.allegation_id
		WHERE s.officer_id IN `+in+` AND a.case_id <> `+p(1)+` AND s.outcome = `+p(2)+`
		AND s.outcome_at > `+p(3)+` AND s.outcome_at <= `+p(4)+`
		ORDER BY s.officer_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading final written warnings: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("reading final written warnings: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
