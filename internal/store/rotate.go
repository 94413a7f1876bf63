package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/probity/probity/internal/fault"
)

// sealedColumn is one column holding sealed values, and how each value's
// additional data is formed from its row id: the rotation must reseal
// under exactly the binding the value was sealed with.
type sealedColumn struct {
	table, idColumn, column string
	aad                     func(id string) string
	// maxBatch caps rows per transaction where values are large (files),
	// so a batch's memory stays small; 0 takes the caller's batch.
	maxBatch int
}

// sealedColumns lists every column of sealed personal data. A new sealed
// column must be added here, or key rotation would leave it under an old
// key; TestEverySealedColumnRotates looks for columns it does not list.
var sealedColumns = []sealedColumn{
	{"people", "id", "name_sealed", func(id string) string { return personAAD(id, "name") }, 0},
	{"people", "id", "email_sealed", func(id string) string { return personAAD(id, "email") }, 0},
	{"people", "id", "phone_sealed", func(id string) string { return personAAD(id, "phone") }, 0},
	{"people", "id", "address_sealed", func(id string) string { return personAAD(id, "address") }, 0},
	{"users", "id", "totp_sealed", totpAAD, 0},
	{"speakup_reports", "id", "what_sealed", func(id string) string { return speakUpAAD("speakup_reports", id, "what") }, 0},
	{"speakup_reports", "id", "identity_sealed", func(id string) string { return speakUpAAD("speakup_reports", id, "identity") }, 0},
	{"speakup_messages", "id", "text_sealed", func(id string) string { return speakUpAAD("speakup_messages", id, "text") }, 0},
	{"speakup_attachments", "id", "content_sealed", func(id string) string { return speakUpAAD("speakup_attachments", id, "content") }, 4},
	{"barred_listings", "id", "name_sealed", func(id string) string { return listingAAD(id, "name") }, 0},
	{"barred_listings", "id", "birth_date_sealed", func(id string) string { return listingAAD(id, "birth_date") }, 0},
	{"barred_listings", "id", "collar_sealed", func(id string) string { return listingAAD(id, "collar") }, 0},
	{"transfer_checks", "id", "name_sealed", func(id string) string { return transferAAD(id, "name") }, 0},
	{"transfer_checks", "id", "birth_date_sealed", func(id string) string { return transferAAD(id, "birth_date") }, 0},
	{"transfer_checks", "id", "collar_sealed", func(id string) string { return transferAAD(id, "collar") }, 0},
}

// RotationReport says what a key rotation did.
type RotationReport struct {
	Resealed  int            // values moved to the current key
	PerColumn map[string]int // table.column -> values resealed
	Current   string         // the key id everything is now sealed under
}

// RotateKeys reseals every value not under the keyring's current key, a
// batch of rows per short transaction, so a running server (holding the
// same keyring) goes on reading and writing throughout. It can be stopped
// and run again: each batch is complete or not done at all.
func (db *DB) RotateKeys(ctx context.Context, batch int) (RotationReport, error) {
	if db.keys == nil {
		return RotationReport{}, fault.Errorf(fault.Internal, "no data key configured")
	}
	if batch <= 0 {
		batch = 500
	}
	rep := RotationReport{PerColumn: map[string]int{}, Current: db.keys.CurrentID()}
	for _, col := range sealedColumns {
		after := ""
		size := batch
		if col.maxBatch > 0 {
			size = min(size, col.maxBatch)
		}
		for {
			n, last, err := db.rotateBatch(ctx, col, after, size)
			if err != nil {
				return rep, fmt.Errorf("rotating %s.%s: %w", col.table, col.column, err)
			}
			rep.Resealed += n
			rep.PerColumn[col.table+"."+col.column] += n
			if last == "" {
				break
			}
			after = last
		}
	}
	// The lists' blind index is keyed by the data key too: rebuild it
	// under the new key, or retiring the old one would hide the listed.
	n, err := db.reindexListings(ctx, batch)
	rep.PerColumn["barred_listing_keys.digest"] = n
	if err != nil {
		return rep, fmt.Errorf("reindexing the lists: %w", err)
	}
	return rep, nil
}

// rotateBatch reseals up to batch rows after the given id, returning how
// many it changed and the last id it looked at ("" at the end).
func (db *DB) rotateBatch(ctx context.Context, col sealedColumn, after string, batch int) (int, string, error) {
	changed, last := 0, ""
	err := db.InTx(ctx, func(tx *Tx) error {
		changed, last = 0, ""
		// Table and column names come from sealedColumns, never from input.
		rows, err := tx.tx.QueryContext(ctx, fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s > $1 AND %s <> '' ORDER BY %s LIMIT $2`,
			col.idColumn, col.column, col.table, col.idColumn, col.column, col.idColumn), after, batch)
		if err != nil {
			return err
		}
		type row struct{ id, sealed string }
		list, err := collect(rows, func(r *sql.Rows) (v row, err error) { return v, r.Scan(&v.id, &v.sealed) })
		if err != nil {
			return err
		}
		for _, v := range list {
			last = v.id
			if !tx.db.keys.NeedsRotation(v.sealed) {
				continue
			}
			fresh, err := tx.db.keys.Reseal(v.sealed, col.aad(v.id))
			if err != nil {
				return fmt.Errorf("row %s: %w", v.id, err)
			}
			// Only if unchanged since read: a concurrent write under the
			// current key must not be overwritten with older content.
			res, err := tx.tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s = $2 AND %s = $3`,
				col.table, col.column, col.idColumn, col.column), fresh, v.id, v.sealed)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				changed++
			}
		}
		if len(list) < batch {
			last = ""
		}
		return nil
	})
	return changed, last, err
}
