-- Hearing notices: the notices of misconduct hearings held in public and
-- of their outcomes that the appropriate authority publishes
-- (internal/hearings, docs/hearing-notices.md). SQLite dialect.

-- +goose Up
-- One row per notice. Whether a notice is public is not stored: it is
-- approved and today falls within publish_from..publish_until, worked out
-- when it is read, so nothing has to run to take a notice down.
-- officer_name and officer_rank are kept as drafted: what was approved is
-- what the public read.
CREATE TABLE hearing_notices (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    kind             TEXT NOT NULL CHECK (kind IN ('hearing', 'outcome')),
    officer_id       TEXT NOT NULL REFERENCES officers (id),
    officer_name     TEXT NOT NULL,
    officer_rank     TEXT NOT NULL DEFAULT '',
    hearing_on       DATE NOT NULL,
    hearing_time     TEXT NOT NULL DEFAULT '',
    venue            TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    publish_from     DATE NOT NULL,
    publish_until    DATE NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'withdrawn')),
    drafted_by       TEXT NOT NULL,
    drafted_at       TIMESTAMP NOT NULL,
    submitted_at     TIMESTAMP,
    approved_by      TEXT NOT NULL DEFAULT '',
    approved_at      TIMESTAMP,
    withdrawn_by     TEXT NOT NULL DEFAULT '',
    withdrawn_at     TIMESTAMP,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    CHECK (publish_until >= publish_from),
    -- The domain refuses an author approving their own notice; the table
    -- refuses it too, so no other path can publish one.
    CHECK (status <> 'approved' OR (approved_by <> '' AND approved_by <> drafted_by AND approved_at IS NOT NULL))
);
CREATE INDEX hearing_notices_case ON hearing_notices (case_id);
CREATE INDEX hearing_notices_public ON hearing_notices (status, publish_until);

-- +goose Down
DROP TABLE hearing_notices;
