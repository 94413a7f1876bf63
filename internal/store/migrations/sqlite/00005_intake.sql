-- Public complaints: idempotency records for the public doors, and the
-- hashed receipts complainants use to check where their complaint stands.

-- +goose Up
-- One row per idempotency key a client sent to a door (scope). The row is
-- inserted first in the transaction that does the work, so a second
-- request with the same key waits for the first and then finds its
-- result; the primary key makes a second case impossible.
--
-- key holds the SHA-256 of the client's key, never the key itself, and
-- response is encrypted under a key derived from the client's key and the
-- request hash. A complaint's response carries its receipt, which Probity
-- otherwise keeps only as a hash: a copy of the database must not hand it
-- out. The data keyring is not used, so key rotation has nothing to do
-- here; only the client who sent the request can read its response.
CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0,
    response        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);

-- Only the SHA-256 of a receipt is kept.
CREATE TABLE complaint_receipts (
    case_id      TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    receipt_hash TEXT NOT NULL
);

-- +goose Down
DROP TABLE complaint_receipts;
DROP TABLE idempotency_keys;
