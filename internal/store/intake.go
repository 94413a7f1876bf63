package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/officers"
)

// IdempotentResult is the answer stored for an idempotency key, given
// again to a retry of the same request.
type IdempotentResult struct {
	Status   int
	Response []byte
}

// idempotencyKeyHash is what the table keeps of a client's key: enough to
// find the row, not enough to read its response.
func idempotencyKeyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// responseCipher is the AEAD that locks a stored response. Its key comes
// from the client's idempotency key and the request hash, neither of which
// the table holds in the clear, so only a retry of the same request can
// open it.
func responseCipher(scope, key, requestHash string) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, []byte(key), []byte("probity idempotent response v1"), scope+"\x00"+requestHash, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func responseAAD(scope, keyHash string) []byte { return []byte("idempotency/" + scope + "/" + keyHash) }

// ClaimIdempotency claims an idempotency key for a request in this
// transaction, before the request does its work. It returns nil when the
// key is new: the caller goes ahead and must call StoreIdempotency before
// committing. When the key has a committed result for the same request, it
// returns that result for the caller to send again, changing nothing. The
// same key with a different request is refused as Invalid, naming the
// Idempotency-Key header.
//
// Concurrent requests with one new key cannot both go ahead. The claim is
// an INSERT ... ON CONFLICT DO NOTHING on the primary key: SQLite runs
// one writer at a time, so the second finds the first's committed row;
// PostgreSQL makes the second INSERT wait on the first's uncommitted row
// and, once that commits, do nothing, and the SELECT that follows (a new
// snapshot under READ COMMITTED) reads the result. If the first rolls
// back, the second's INSERT goes ahead instead. Under stricter isolation
// (CockroachDB) the wait ends in a serialisation failure, which InTx
// retries into the same reading.
func (tx *Tx) ClaimIdempotency(ctx context.Context, scope, key, requestHash string, now time.Time) (*IdempotentResult, error) {
	keyHash := idempotencyKeyHash(key)
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, status, response, created_at)
		VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (scope, key) DO NOTHING`, scope, keyHash, requestHash, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("claiming idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, fmt.Errorf("claiming idempotency key: %w", err)
	} else if n == 1 {
		return nil, nil
	}
	var storedHash, sealed string
	var status int
	err = tx.tx.QueryRowContext(ctx, `SELECT request_hash, status, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
		scope, keyHash).Scan(&storedHash, &status, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		// The row that stopped the INSERT has gone again; nothing deletes
		// these rows today, so say so rather than guess.
		return nil, fault.Errorf(fault.Conflict, "the Idempotency-Key was in use a moment ago; send the request again")
	}
	if err != nil {
		return nil, fmt.Errorf("reading idempotency key: %w", err)
	}
	if storedHash != requestHash {
		return nil, &fault.Error{Kind: fault.Invalid, Message: "the Idempotency-Key was already used",
			Fields: []fault.FieldError{{Field: "Idempotency-Key", Reason: "was used with a different request"}}}
	}
	if status == 0 {
		// A committed claim without a result is a caller that forgot
		// StoreIdempotency: a bug, and the request's outcome is unknown.
		return nil, fmt.Errorf("idempotency key in scope %s was claimed and committed without a result", scope)
	}
	response, err := openResponse(scope, key, requestHash, keyHash, sealed)
	if err != nil {
		return nil, err
	}
	return &IdempotentResult{Status: status, Response: response}, nil
}

// StoreIdempotency records the result of the request that claimed the key
// in this transaction, so that it commits with the work it describes.
func (tx *Tx) StoreIdempotency(ctx context.Context, scope, key, requestHash string, status int, response []byte) error {
	if status <= 0 {
		return fmt.Errorf("storing idempotent result: status %d is not an HTTP status", status)
	}
	keyHash := idempotencyKeyHash(key)
	aead, err := responseCipher(scope, key, requestHash)
	if err != nil {
		return fmt.Errorf("storing idempotent result: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, response, responseAAD(scope, keyHash)))
	res, err := tx.tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, response = $2
		WHERE scope = $3 AND key = $4 AND request_hash = $5 AND status = 0`, status, sealed, scope, keyHash, requestHash)
	if err != nil {
		return fmt.Errorf("storing idempotent result: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("storing idempotent result: the key was not claimed in this transaction")
	}
	return nil
}

func openResponse(scope, key, requestHash, keyHash, sealed string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, fmt.Errorf("reading idempotent result: %w", err)
	}
	aead, err := responseCipher(scope, key, requestHash)
	if err != nil {
		return nil, fmt.Errorf("reading idempotent result: %w", err)
	}
	if len(raw) < aead.NonceSize() {
		return nil, fmt.Errorf("reading idempotent result: too short")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], responseAAD(scope, keyHash))
	if err != nil {
		return nil, fmt.Errorf("reading idempotent result: %w", err)
	}
	return plain, nil
}

// SaveReceipt stores the hash of a complaint's receipt.
func (tx *Tx) SaveReceipt(ctx context.Context, caseID, receiptHash string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO complaint_receipts (case_id, receipt_hash) VALUES ($1, $2)`, caseID, receiptHash)
	return constraintError(err, "the case already has a receipt", "case not found")
}

// ReceiptHash returns the stored hash of a case's receipt; NotFound when
// the case has none (it did not come in through the public doors).
func (db *DB) ReceiptHash(ctx context.Context, caseID string) (string, error) {
	var h string
	err := db.read.QueryRowContext(ctx, `SELECT receipt_hash FROM complaint_receipts WHERE case_id = $1`, caseID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.Errorf(fault.NotFound, "no receipt for that case")
	}
	return h, err
}

// ReceiptByReference finds a case with a receipt by its human reference,
// in one query, so that an unknown reference and a case without a receipt
// take the same time to refuse.
func (db *DB) ReceiptByReference(ctx context.Context, reference string) (caseID, receiptHash string, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT c.id, r.receipt_hash FROM cases c
		JOIN complaint_receipts r ON r.case_id = c.id WHERE c.reference = $1`, reference).Scan(&caseID, &receiptHash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fault.Errorf(fault.NotFound, "no complaint with a receipt has that reference")
	}
	return caseID, receiptHash, err
}

// UnitByCode finds a unit by its code. Codes are unique within a force;
// when several forces have a unit with the code, the force whose code
// sorts first wins, so the choice does not change from one call to the
// next.
func (db *DB) UnitByCode(ctx context.Context, code string) (officers.Unit, error) {
	return unitByCode(ctx, db.read, code)
}

// UnitByCode is UnitByCode inside a transaction. A transaction must read
// through itself: on PostgreSQL a read on another connection could wait
// for a pool connection that transactions blocked behind this one hold.
func (tx *Tx) UnitByCode(ctx context.Context, code string) (officers.Unit, error) {
	return unitByCode(ctx, tx.tx, code)
}

func unitByCode(ctx context.Context, q querier, code string) (officers.Unit, error) {
	var u officers.Unit
	err := q.QueryRowContext(ctx, `SELECT u.id, u.force_id, u.code, u.name FROM units u
		JOIN forces f ON f.id = u.force_id WHERE u.code = $1 ORDER BY f.code LIMIT 1`, code).
		Scan(&u.ID, &u.ForceID, &u.Code, &u.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fault.Errorf(fault.NotFound, "no unit has code %s", code)
	}
	return u, err
}
