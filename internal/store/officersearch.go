package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/officers"
)

// SearchOfficers finds officers by collar number (exactly) or by the
// start of their family name or full name, ignoring case, for a person
// picking an officer on a form: family name, given name, then id.
func (db *DB) SearchOfficers(ctx context.Context, text string, limit int) ([]officers.Officer, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	// LIKE's own wildcards in what was typed match themselves.
	prefix := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(text)) + "%"
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+officerColumns+` FROM officers
		WHERE collar_number = $1 OR LOWER(family_name) LIKE $2 ESCAPE '\' OR LOWER(given_name || ' ' || family_name) LIKE $2 ESCAPE '\'
		ORDER BY family_name, given_name, id LIMIT $3`, text, prefix, limit)
	if err != nil {
		return nil, fmt.Errorf("searching officers: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (officers.Officer, error) { return scanOfficer(r) })
}
