package store

import "context"

// RawIdempotencyRowsForTest returns every stored idempotency row as the
// table holds it: key, request hash and response.
func (db *DB) RawIdempotencyRowsForTest(ctx context.Context) ([][3]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT key, request_hash, response FROM idempotency_keys ORDER BY key`)
	if err != nil {
		return nil, err
	}
	var out [][3]string
	for rows.Next() {
		var r [3]string
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Close()
}
