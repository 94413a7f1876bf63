package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
)

// What the auditors' pages need beside AuditEntries: finding a record by
// the words an auditor knows, naming the records entries are about, and
// the state of the chain.

// RecordKind is a kind of record an auditor can look up by its words.
type RecordKind string

const (
	RecordCase    RecordKind = "case"    // by case reference
	RecordOfficer RecordKind = "officer" // by collar number
	RecordSpeakUp RecordKind = "speakup" // by speak-up reference
)

// RecordIDByWords finds the id of a record from what people call it: a
// case or speak-up reference, or an officer's collar number. A collar
// number two forces share is refused as ambiguous rather than guessed.
func (db *DB) RecordIDByWords(ctx context.Context, kind RecordKind, words string) (string, error) {
	var q string
	switch kind {
	case RecordCase:
		q = `SELECT id FROM cases WHERE reference = $1 ORDER BY id LIMIT 2`
	case RecordOfficer:
		q = `SELECT id FROM officers WHERE collar_number = $1 ORDER BY id LIMIT 2`
	case RecordSpeakUp:
		q = `SELECT id FROM speakup_reports WHERE reference = $1 ORDER BY id LIMIT 2`
	default:
		return "", fault.Errorf(fault.Invalid, "%q is not a kind of record", kind)
	}
	rows, err := db.read.QueryContext(ctx, q, words)
	if err != nil {
		return "", fmt.Errorf("finding the %s %q: %w", kind, words, err)
	}
	ids, err := collect(rows, func(r *sql.Rows) (s string, err error) { return s, r.Scan(&s) })
	switch {
	case err != nil:
		return "", fmt.Errorf("finding the %s %q: %w", kind, words, err)
	case len(ids) == 0:
		return "", fault.Errorf(fault.NotFound, "no %s is known as %q", kind, words)
	case len(ids) > 1:
		return "", fault.Errorf(fault.Conflict, "more than one %s is known as %q", kind, words)
	}
	return ids[0], nil
}

// RecordNames names records by kind of record and id: cases and speak-up
// reports by reference, accounts by username, units by name. Officers are
// left to the caller, which names them with rank and collar number. Ids
// of no known record are left out.
func (db *DB) RecordNames(ctx context.Context, ids map[string][]string) (map[string]map[string]string, error) {
	queries := map[string]string{
		"case":    `SELECT id, reference FROM cases WHERE id IN `,
		"speakup": `SELECT id, reference FROM speakup_reports WHERE id IN `,
		"user":    `SELECT id, username FROM users WHERE id IN `,
		"unit":    `SELECT id, name FROM units WHERE id IN `,
	}
	out := map[string]map[string]string{}
	for kind, list := range ids {
		q, ok := queries[kind]
		if !ok || len(list) == 0 {
			continue
		}
		names := map[string]string{}
		for start := 0; start < len(list); start += 200 {
			in, args := inList(list[start:min(start+200, len(list))])
			rows, err := db.read.QueryContext(ctx, q+in, args...)
			if err != nil {
				return nil, fmt.Errorf("naming %s records: %w", kind, err)
			}
			pairs, err := collect(rows, func(r *sql.Rows) (p [2]string, err error) { return p, r.Scan(&p[0], &p[1]) })
			if err != nil {
				return nil, fmt.Errorf("naming %s records: %w", kind, err)
			}
			for _, p := range pairs {
				names[p[0]] = p[1]
			}
		}
		out[kind] = names
	}
	return out, nil
}

// ChainState is where the audit log's chain stands as stored: its signed
// head and last checkpoint, not yet verified.
type ChainState struct {
	Head       audit.Head
	Checkpoint *audit.Checkpoint // nil before the first
}

// AuditChainState reads the head and the latest checkpoint.
func (db *DB) AuditChainState(ctx context.Context) (ChainState, error) {
	var st ChainState
	var err error
	if st.Head, err = db.AuditHead(ctx); err != nil {
		return st, err
	}
	var c audit.Checkpoint
	var at, sig string
	err = db.read.QueryRowContext(ctx, `SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`).
		Scan(&c.Seq, &c.Hash, &at, &c.KeyID, &sig)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("reading the latest audit checkpoint: %w", err)
	}
	if c.At, err = audit.ParseTime(at); err != nil {
		return st, fault.Wrap(fault.Internal, err, "the latest audit checkpoint's time is damaged; run probity audit verify")
	}
	c.Signature = decodeSignature(sig)
	st.Checkpoint = &c
	return st, nil
}

// VerifyOwnAudit verifies the log against the keys the log it writes
// through trusts (UseAuditLog), as probity audit verify does on the
// server, without witnesses.
func (db *DB) VerifyOwnAudit(ctx context.Context) (audit.Report, error) {
	l := db.audit.Load()
	if l == nil || l.signer == nil {
		return audit.Report{}, fault.Errorf(fault.Unavailable, "no audit signing key is configured: the log cannot be verified here")
	}
	return db.VerifyAudit(ctx, l.trusted)
}
