-- The audit log (internal/audit): hash-chained entries, signed checkpoints
-- and the signed head of the chain. PostgreSQL dialect.
--
-- Times are TEXT in audit.TimeLayout rather than TIMESTAMPTZ: verification
-- checks what is stored byte for byte, so every instant must have exactly
-- one spelling, and the SQLite twin of this table must agree. Signatures
-- are standard base64.

-- +goose Up
CREATE TABLE audit_entries (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    record_type TEXT NOT NULL DEFAULT '',
    record_id   TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    recipients  TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
-- "Who saw this record?" and "what did this person do?", newest first.
CREATE INDEX audit_entries_record ON audit_entries (record_id, seq);
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, seq);

CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY,
    hash      TEXT NOT NULL,
    at        TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- One row, rewritten and re-signed on every append. It starts unsigned at
-- sequence 0 so that the first appenders have a row to lock and queue on
-- (SELECT ... FOR UPDATE), rather than racing to insert it.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL,
    key_id    TEXT NOT NULL DEFAULT '',
    signature TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The log is append-only. These triggers stop mistakes and casual edits;
-- they do not stop a table owner or superuser, who can drop them, which is
-- what the hash chain and signatures are for.
-- +goose StatementBegin
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: the audit log is append-only', TG_OP, TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_checkpoints;
DROP TABLE audit_entries;
DROP FUNCTION audit_refuse_change();
