package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/vetting"
)

// The lists' personal data (name, date of birth, collar number) is
// sealed like a complainant's. A search must not unseal the table to find
// one person, so each listing also carries a blind index: a keyed digest
// (keyring.Digests) of each pair of its identifying fields, normalised.
// A search digests its own pairs under every key of the ring and reads
// only the listings that share one.

func listingAAD(id, field string) string  { return "barred_listings/" + id + "/" + field }
func transferAAD(id, field string) string { return "transfer_checks/" + id + "/" + field }

// listIndexPurpose keeps the list's digests apart from any other index
// made with the same keys.
const listIndexPurpose = "barred-list"

func (db *DB) needKeys() error {
	if db.keys == nil {
		return fault.Errorf(fault.Internal, "no data key configured: cannot store or read the lists' personal data")
	}
	return nil
}

// RecordListing validates and stores the force's own referral, with its
// blind index. The caller audits it in the same transaction.
func (tx *Tx) RecordListing(ctx context.Context, l *vetting.Listing, now time.Time) error {
	if err := l.Prepare(now); err != nil {
		return err
	}
	return tx.insertListing(ctx, l, "", now)
}

func (tx *Tx) insertListing(ctx context.Context, l *vetting.Listing, importID string, now time.Time) error {
	if err := tx.db.needKeys(); err != nil {
		return err
	}
	l.ID, l.RecordedAt = id.New(), now.UTC()
	name, err := tx.db.keys.SealString(l.Name, listingAAD(l.ID, "name"))
	if err != nil {
		return fmt.Errorf("sealing a listing: %w", err)
	}
	dob, err := tx.db.keys.SealString(l.BirthDate.Format(time.DateOnly), listingAAD(l.ID, "birth_date"))
	if err != nil {
		return fmt.Errorf("sealing a listing: %w", err)
	}
	collar, err := tx.db.keys.SealOptional(l.CollarNumber, listingAAD(l.ID, "collar"))
	if err != nil {
		return fmt.Errorf("sealing a listing: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO barred_listings (id, list, source, officer_id, case_id, name_sealed, birth_date_sealed,
		collar_sealed, force_name, rank, basis, ground, outcome, decided_on, referred_on, review_from, removed_on, removed_reason,
		removed_note, recorded_by, recorded_at, import_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
		l.ID, string(l.List), string(l.Source), nullString(l.OfficerID), nullString(l.CaseID), name, dob, collar, l.Force, l.Rank,
		string(l.Basis), string(l.Ground), l.Outcome, dateOnly(l.DecidedOn), dateOnly(l.ReferredOn), dateOnly(l.ReviewFrom),
		nullDate(l.RemovedOn), string(l.RemovedReason), l.RemovedNote, l.RecordedBy, l.RecordedAt, nullString(importID))
	if err := constraintError(err, "this officer has already been referred to that list on this case",
		"the referral names no such officer or case"); err != nil {
		return fmt.Errorf("recording a listing: %w", err)
	}
	return tx.indexListing(ctx, *l)
}

// indexListing writes a listing's digests under the current key.
func (tx *Tx) indexListing(ctx context.Context, l vetting.Listing) error {
	for _, k := range l.QueryOf().Keys() {
		d := tx.db.keys.Digests(listIndexPurpose, []byte(k))[0]
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO barred_listing_keys (listing_id, key_id, digest) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, l.ID, d.KeyID, d.Hex); err != nil {
			return fmt.Errorf("indexing a listing: %w", err)
		}
	}
	return nil
}

// ImportListings stores the rows of a national extract as one import,
// returning its id. The caller audits it in the same transaction.
func (tx *Tx) ImportListings(ctx context.Context, ls []vetting.Listing, rejected int, by string, now time.Time) (string, error) {
	importID := id.New()
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO barred_list_imports (id, imported_by, imported_at, rows_read, rejected)
		VALUES ($1, $2, $3, $4, $5)`, importID, by, now.UTC(), len(ls)+rejected, rejected); err != nil {
		return "", fmt.Errorf("recording an import of the lists: %w", err)
	}
	for i := range ls {
		l := &ls[i]
		l.Source, l.RecordedBy = vetting.National, by
		if err := tx.insertListing(ctx, l, importID, now); err != nil {
			return "", err
		}
	}
	return importID, nil
}

const listingColumns = `l.id, l.list, l.source, COALESCE(l.officer_id, ''), COALESCE(l.case_id, ''), l.name_sealed, l.birth_date_sealed,
	l.collar_sealed, l.force_name, l.rank, l.basis, l.ground, l.outcome, l.decided_on, l.referred_on, l.review_from, l.removed_on,
	l.removed_reason, l.removed_note, l.recorded_by, l.recorded_at, l.version`

// scanListing reads and unseals one listing; version is the row's.
func (db *DB) scanListing(row interface{ Scan(...any) error }) (vetting.Listing, int, error) {
	var l vetting.Listing
	var list, source, basis, ground, reason, name, dob, collar string
	var removed sql.NullTime
	var version int
	err := row.Scan(&l.ID, &list, &source, &l.OfficerID, &l.CaseID, &name, &dob, &collar, &l.Force, &l.Rank, &basis, &ground, &l.Outcome,
		&l.DecidedOn, &l.ReferredOn, &l.ReviewFrom, &removed, &reason, &l.RemovedNote, &l.RecordedBy, &l.RecordedAt, &version)
	if err != nil {
		return l, 0, err
	}
	l.List, l.Source, l.Basis, l.Ground, l.RemovedReason = vetting.List(list), vetting.Source(source), vetting.Basis(basis),
		vetting.Ground(ground), vetting.Removal(reason)
	l.DecidedOn, l.ReferredOn, l.ReviewFrom, l.RecordedAt = l.DecidedOn.UTC(), l.ReferredOn.UTC(), l.ReviewFrom.UTC(), l.RecordedAt.UTC()
	l.RemovedOn = utcPtr(removed)
	if err := db.needKeys(); err != nil {
		return l, 0, err
	}
	if l.Name, err = db.keys.OpenString(name, listingAAD(l.ID, "name")); err != nil {
		return l, 0, fmt.Errorf("unsealing listing %s: %w", l.ID, err)
	}
	day, err := db.keys.OpenString(dob, listingAAD(l.ID, "birth_date"))
	if err != nil {
		return l, 0, fmt.Errorf("unsealing listing %s: %w", l.ID, err)
	}
	if l.BirthDate, err = time.Parse(time.DateOnly, day); err != nil {
		return l, 0, fmt.Errorf("listing %s: %w", l.ID, err)
	}
	if l.CollarNumber, err = db.keys.OpenOptional(collar, listingAAD(l.ID, "collar")); err != nil {
		return l, 0, fmt.Errorf("unsealing listing %s: %w", l.ID, err)
	}
	return l, version, nil
}

func (db *DB) listings(ctx context.Context, q querier, where string, args ...any) ([]vetting.Listing, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+listingColumns+` FROM barred_listings l `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the lists: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (vetting.Listing, error) {
		l, _, err := db.scanListing(r)
		return l, err
	})
}

// ListingFilter chooses the listings a page shows.
type ListingFilter struct {
	List   vetting.List
	Source vetting.Source
	// Limit caps the rows, newest referral first; 0 means 500.
	Limit int
}

// Listings lists listings, the most recently referred first.
func (db *DB) Listings(ctx context.Context, f ListingFilter) ([]vetting.Listing, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	return db.listings(ctx, db.read, `WHERE ($1 = '' OR l.list = $1) AND ($2 = '' OR l.source = $2)
		ORDER BY l.referred_on DESC, l.recorded_at DESC, l.id LIMIT $3`, string(f.List), string(f.Source), limit)
}

// Listing reads one listing and its version.
func (tx *Tx) Listing(ctx context.Context, listingID string) (vetting.Listing, int, error) {
	l, v, err := tx.db.scanListing(tx.tx.QueryRowContext(ctx, `SELECT `+listingColumns+` FROM barred_listings l WHERE l.id = $1`, listingID))
	if errors.Is(err, sql.ErrNoRows) {
		return l, 0, fault.Errorf(fault.NotFound, "no such listing")
	}
	return l, v, err
}

// RemoveListing stores a listing's removal, refusing it if the listing
// changed since it was read.
func (tx *Tx) RemoveListing(ctx context.Context, l vetting.Listing, readVersion int) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE barred_listings SET removed_on = $1, removed_reason = $2, removed_note = $3,
		version = version + 1 WHERE id = $4 AND version = $5 AND removed_on IS NULL`,
		nullDate(l.RemovedOn), string(l.RemovedReason), l.RemovedNote, l.ID, readVersion)
	if err != nil {
		return fmt.Errorf("removing a listing: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Errorf(fault.Conflict, "the listing changed since it was opened: read it again")
	}
	return nil
}

// SearchListings finds the listings, current or removed, that share a
// pair of identifying fields with the query, through the blind index.
// The query must have two fields (Query.Validate).
func (db *DB) SearchListings(ctx context.Context, q vetting.Query) ([]vetting.Listing, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := db.needKeys(); err != nil {
		return nil, err
	}
	var args []any
	var marks []string
	for _, k := range q.Keys() {
		for _, d := range db.keys.Digests(listIndexPurpose, []byte(k)) {
			args = append(args, d.Hex)
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
	}
	return db.listings(ctx, db.read, `WHERE l.id IN (SELECT k.listing_id FROM barred_listing_keys k WHERE k.digest IN (`+
		strings.Join(marks, ", ")+`)) ORDER BY l.list, l.decided_on DESC, l.id`, args...)
}

// reindexListings rewrites the blind index of listings not yet indexed
// under the current key, after a rotation, so that retiring the old key
// cannot hide a barred person from a search.
func (db *DB) reindexListings(ctx context.Context, batch int) (int, error) {
	total := 0
	for {
		n := 0
		err := db.InTx(ctx, func(tx *Tx) error {
			n = 0
			current := db.keys.CurrentID()
			ls, err := db.listings(ctx, tx.tx, `WHERE NOT EXISTS (SELECT 1 FROM barred_listing_keys k WHERE k.listing_id = l.id AND k.key_id = $1)
				ORDER BY l.id LIMIT $2`, current, batch)
			if err != nil {
				return err
			}
			for _, l := range ls {
				if _, err := tx.tx.ExecContext(ctx, `DELETE FROM barred_listing_keys WHERE listing_id = $1`, l.ID); err != nil {
					return fmt.Errorf("reindexing listing %s: %w", l.ID, err)
				}
				if err := tx.indexListing(ctx, l); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil || n < batch {
			return total, err
		}
	}
}

// RecordTransferCheck stores a decided check with the matches its search
// found, and, when it names both the person's record in the previous
// force and their record in this one, joins the two (a shared national
// id) so that the earlier allegations appear with the officer's own. The
// caller audits it in the same transaction.
func (tx *Tx) RecordTransferCheck(ctx context.Context, c *vetting.TransferCheck) error {
	if err := tx.db.needKeys(); err != nil {
		return err
	}
	c.ID = id.New()
	var sealed [3]string
	for i, v := range []struct{ field, value string }{{"name", c.Name}, {"birth_date", c.BirthDate.Format(time.DateOnly)},
		{"collar", c.CollarNumber}} {
		s, err := tx.db.keys.SealString(v.value, transferAAD(c.ID, v.field))
		if err != nil {
			return fmt.Errorf("sealing a transfer check: %w", err)
		}
		sealed[i] = s
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO transfer_checks (id, kind, name_sealed, birth_date_sealed, collar_sealed, previous_force,
		record_source, previous_officer_id, officer_id, complaints, conduct, vetting, decision, reasons, decided_by, decided_at, searched_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		c.ID, string(c.Kind), sealed[0], sealed[1], sealed[2], c.PreviousForce, string(c.RecordSource), nullString(c.PreviousOfficerID),
		nullString(c.OfficerID), c.Complaints, c.Conduct, c.Vetting, string(c.Decision), c.Reasons, c.DecidedBy, c.DecidedAt.UTC(),
		c.SearchedAt.UTC())
	if err := constraintError(err, "", "the check names no such officer record"); err != nil {
		return fmt.Errorf("recording a transfer check: %w", err)
	}
	for _, m := range c.Matches {
		notThem := false
		for _, x := range c.NotThePerson {
			notThem = notThem || x == m.ID
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO transfer_check_matches (check_id, listing_id, not_the_person) VALUES ($1, $2, $3)`,
			c.ID, m.ID, notThem); err != nil {
			return fmt.Errorf("recording a transfer check's matches: %w", err)
		}
	}
	if c.PreviousOfficerID != "" && c.OfficerID != "" && c.Decision.Appoints() {
		return tx.joinOfficers(ctx, c.OfficerID, c.PreviousOfficerID)
	}
	return nil
}

// joinOfficers gives two officer records of one person the same national
// id, keeping one either already has; two different ones are refused.
func (tx *Tx) joinOfficers(ctx context.Context, a, b string) error {
	var ids []string
	rows, err := tx.tx.QueryContext(ctx, `SELECT COALESCE(national_id, '') FROM officers WHERE id IN ($1, $2)`, a, b)
	if err != nil {
		return fmt.Errorf("joining officer records: %w", err)
	}
	got, err := collect(rows, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) })
	if err != nil {
		return fmt.Errorf("joining officer records: %w", err)
	}
	if len(got) != 2 {
		return &fault.Error{Kind: fault.Invalid, Message: "the check names no such officer record",
			Fields: []fault.FieldError{{Field: "officer", Reason: "names no officer record, or the same one twice"}}}
	}
	for _, s := range got {
		if s != "" && (len(ids) == 0 || ids[0] != s) {
			ids = append(ids, s)
		}
	}
	national := id.New()
	switch len(ids) {
	case 1:
		national = ids[0]
	case 2:
		return &fault.Error{Kind: fault.Conflict, Message: "the two records are already joined to different people",
			Fields: []fault.FieldError{{Field: "previous_officer", Reason: "is already joined to another person's record"}}}
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE officers SET national_id = $1 WHERE id IN ($2, $3)`, national, a, b); err != nil {
		return fmt.Errorf("joining officer records: %w", err)
	}
	return nil
}

// TransferCheckSummary is a recorded check as a list shows it.
type TransferCheckSummary struct {
	ID        string
	Kind      vetting.JoinerKind
	Name      string
	Previous  string
	Decision  vetting.Appointment
	Matches   int
	DecidedBy string
	DecidedAt time.Time
}

// TransferChecks lists the latest checks, newest first.
func (db *DB) TransferChecks(ctx context.Context, limit int) ([]TransferCheckSummary, error) {
	if err := db.needKeys(); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.kind, t.name_sealed, t.previous_force, t.decision, t.decided_by, t.decided_at,
		(SELECT COUNT(*) FROM transfer_check_matches m WHERE m.check_id = t.id)
		FROM transfer_checks t ORDER BY t.decided_at DESC, t.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("reading transfer checks: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (s TransferCheckSummary, err error) {
		var kind, decision, name string
		if err = r.Scan(&s.ID, &kind, &name, &s.Previous, &decision, &s.DecidedBy, &s.DecidedAt, &s.Matches); err != nil {
			return s, err
		}
		s.Kind, s.Decision, s.DecidedAt = vetting.JoinerKind(kind), vetting.Appointment(decision), s.DecidedAt.UTC()
		s.Name, err = db.keys.OpenString(name, transferAAD(s.ID, "name"))
		return s, err
	})
}

// DueReferrals lists the officers whose cases call for a referral to the
// barred or advisory list that the force has not recorded
// (vetting.Propose), oldest decision first.
func (db *DB) DueReferrals(ctx context.Context) ([]vetting.DueReferral, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.officer_id, c.id, c.reference, s.outcome, s.left_force, s.outcome_at, o.left_on
		FROM subjects s JOIN allegations a ON a.id = s.allegation_id JOIN cases c ON c.id = a.case_id JOIN officers o ON o.id = s.officer_id
		WHERE s.outcome IN ($1, $2) OR s.left_force
		ORDER BY c.reference, s.officer_id`, string(cases.SanctionDismissal), string(cases.SanctionWouldHaveBeenDismissed))
	if err != nil {
		return nil, fmt.Errorf("reading officers due a referral: %w", err)
	}
	type row struct {
		officer, caseID, ref, outcome string
		left                          bool
		at, leftOn                    sql.NullTime
	}
	got, err := collect(rows, func(r *sql.Rows) (v row, err error) {
		return v, r.Scan(&v.officer, &v.caseID, &v.ref, &v.outcome, &v.left, &v.at, &v.leftOn)
	})
	if err != nil {
		return nil, fmt.Errorf("reading officers due a referral: %w", err)
	}
	var order []string
	standing := map[string]*vetting.Standing{}
	for _, v := range got {
		key := v.officer + "/" + v.caseID
		s, ok := standing[key]
		if !ok {
			s = &vetting.Standing{OfficerID: v.officer, CaseID: v.caseID, CaseReference: v.ref}
			standing[key] = s
			order = append(order, key)
		}
		s.Outcomes = append(s.Outcomes, v.outcome)
		s.Left = s.Left || v.left
		if v.at.Valid && (s.OutcomeAt == nil || v.at.Time.After(*s.OutcomeAt)) {
			t := v.at.Time.UTC()
			s.OutcomeAt = &t
		}
		s.LeftOn = utcPtr(v.leftOn)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT officer_id, case_id, list FROM barred_listings
		WHERE source = 'force' AND officer_id IS NOT NULL AND case_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("reading the force's referrals: %w", err)
	}
	made, err := collect(rows, func(r *sql.Rows) (s string, err error) {
		var o, c, l string
		err = r.Scan(&o, &c, &l)
		return o + "/" + c + "/" + l, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the force's referrals: %w", err)
	}
	done := map[string]bool{}
	for _, m := range made {
		done[m] = true
	}
	var out []vetting.DueReferral
	for _, key := range order {
		d, ok := vetting.Propose(*standing[key])
		if ok && !done[key+"/"+string(d.Basis.List())] {
			out = append(out, d)
		}
	}
	return out, nil
}
