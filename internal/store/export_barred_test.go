package store

import "context"

// RawListingForTest returns a listing's sealed name and date of birth as
// stored, and its index digests.
func (db *DB) RawListingForTest(ctx context.Context, id string) (name, dob string, digests []string, err error) {
	if err = db.read.QueryRowContext(ctx, `SELECT name_sealed, birth_date_sealed FROM barred_listings WHERE id = $1`, id).Scan(&name, &dob); err != nil {
		return
	}
	rows, err := db.read.QueryContext(ctx, `SELECT digest FROM barred_listing_keys WHERE listing_id = $1`, id)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err = rows.Scan(&d); err != nil {
			return
		}
		digests = append(digests, d)
	}
	return name, dob, digests, rows.Err()
}

// SetSubjectForTest writes a subject's outcome and whether they left, as
// the workflow would.
func (db *DB) SetSubjectForTest(ctx context.Context, caseID, officerID, outcome string, left bool) error {
	_, err := db.write.ExecContext(ctx, `UPDATE subjects SET outcome = $1, left_force = $2, outcome_at = CURRENT_TIMESTAMP
		WHERE officer_id = $3 AND allegation_id IN (SELECT id FROM allegations WHERE case_id = $4)`, outcome, left, officerID, caseID)
	return err
}
