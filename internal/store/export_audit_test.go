package store

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/audit"
)

// auditTriggers are the append-only triggers of migrations 00003 and
// 00012, with the table each guards.
var auditTriggers = [][2]string{
	{"audit_entries_no_update", "audit_entries"},
	{"audit_entries_no_delete", "audit_entries"},
	{"audit_entries_no_truncate", "audit_entries"},
	{"audit_checkpoints_no_update", "audit_checkpoints"},
	{"audit_checkpoints_no_delete", "audit_checkpoints"},
	{"audit_checkpoints_no_truncate", "audit_checkpoints"},
	{"audit_head_no_delete", "audit_head"},
	{"audit_head_no_truncate", "audit_head"},
	{"audit_handovers_no_update", "audit_handovers"},
	{"audit_handovers_no_delete", "audit_handovers"},
	{"audit_handovers_no_truncate", "audit_handovers"},
}

// TamperAuditForTest does what an attacker with direct database access
// could: drops the append-only triggers, then runs query.
func (db *DB) TamperAuditForTest(ctx context.Context, query string, args ...any) error {
	for _, t := range auditTriggers {
		q := `DROP TRIGGER IF EXISTS ` + t[0]
		if db.dialect == Postgres {
			q += ` ON ` + t[1]
		}
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("dropping trigger %s: %w", t[0], err)
		}
	}
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// ResetAuditForTest empties the audit log, back to the state migration
// leaves it in (less the triggers), so that tamper tests can share one
// database instead of paying for a fresh one each.
func (db *DB) ResetAuditForTest(ctx context.Context) error {
	for _, q := range []string{`DELETE FROM audit_entries`, `DELETE FROM audit_checkpoints`, `DELETE FROM audit_handovers`, `DELETE FROM audit_head`} {
		if err := db.TamperAuditForTest(ctx, q); err != nil {
			return err
		}
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, $1)`, audit.Genesis)
	return err
}

// AuditExecForTest runs a statement as an ordinary client would, triggers and
// all.
func (db *DB) AuditExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// AuditTextForTest reads one stored column of one row of an audit table,
// as text. table and column come from the test, never from input.
func (db *DB) AuditTextForTest(ctx context.Context, table, column string, seq int64) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT `+column+` FROM `+table+` WHERE seq = $1`, seq).Scan(&s)
	return s, err
}

// SwapAuditEntriesForTest exchanges every stored column but the number of
// two entries.
func (db *DB) SwapAuditEntriesForTest(ctx context.Context, a, b int64) error {
	cols := []string{"at", "actor_id", "actor_name", "action", "record_type", "record_id", "outcome", "source",
		"reason", "recipients", "prev_hash", "hash"}
	read := func(seq int64) ([]any, error) {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = new(string)
		}
		q := `SELECT `
		for i, c := range cols {
			if i > 0 {
				q += ", "
			}
			q += c
		}
		if err := db.read.QueryRowContext(ctx, q+` FROM audit_entries WHERE seq = $1`, seq).Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, p := range ptrs {
			vals[i] = *p.(*string)
		}
		return vals, nil
	}
	write := func(seq int64, vals []any) error {
		q := `UPDATE audit_entries SET `
		for i, c := range cols {
			if i > 0 {
				q += ", "
			}
			q += fmt.Sprintf("%s = $%d", c, i+1)
		}
		q += fmt.Sprintf(" WHERE seq = $%d", len(cols)+1)
		return db.TamperAuditForTest(ctx, q, append(vals, seq)...)
	}
	va, err := read(a)
	if err != nil {
		return err
	}
	vb, err := read(b)
	if err != nil {
		return err
	}
	if err := write(a, vb); err != nil {
		return err
	}
	return write(b, va)
}
