-- The audit head is signed with its time (format v2), and the last head
-- each retired signing key left is kept when the next key takes over.
-- PostgreSQL dialect.
--
-- A head written before this migration keeps an empty time: it verifies
-- under the old (v1) signature, and the next append replaces it with a
-- timed one.

-- +goose Up
ALTER TABLE audit_head ADD COLUMN at TEXT NOT NULL DEFAULT '';

-- The head as it stood when an append under a new key first extended it:
-- signed by the old key, it vouches for the log up to the change of key as
-- a checkpoint does, and says when the key changed.
CREATE TABLE audit_handovers (
    seq       BIGINT PRIMARY KEY,
    hash      TEXT NOT NULL,
    at        TEXT NOT NULL DEFAULT '',
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TRIGGER audit_handovers_no_update BEFORE UPDATE ON audit_handovers
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_handovers_no_delete BEFORE DELETE ON audit_handovers
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_handovers_no_truncate BEFORE TRUNCATE ON audit_handovers
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- +goose Down
DROP TABLE audit_handovers;
ALTER TABLE audit_head DROP COLUMN at;
