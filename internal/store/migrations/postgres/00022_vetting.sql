-- Vetting: each officer's clearances, and the reviews that allegations
-- open (internal/vetting, docs/vetting.md). PostgreSQL dialect.

-- +goose Up
-- One row per decision: the latest row at a level (the highest seq, which
-- counts an officer's decisions in the order they were recorded) is where
-- the officer stands at that level, and the rows before it are the history.
CREATE TABLE vetting_clearances (
    id          TEXT PRIMARY KEY,
    officer_id  TEXT NOT NULL REFERENCES officers (id),
    seq         INTEGER NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('recruitment', 'management', 'ctc', 'sc', 'dv')),
    status      TEXT NOT NULL CHECK (status IN ('granted', 'refused', 'suspended', 'withdrawn')),
    granted_on  DATE NOT NULL,
    review_due  DATE,
    conditions  TEXT NOT NULL DEFAULT '',
    reasons     TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    decided_at  TIMESTAMPTZ NOT NULL,
    appeal_of   TEXT REFERENCES vetting_clearances (id),
    review_id   TEXT,
    CHECK (review_due IS NULL OR review_due > granted_on)
);
CREATE UNIQUE INDEX vetting_clearances_officer ON vetting_clearances (officer_id, seq);
CREATE INDEX vetting_clearances_due ON vetting_clearances (review_due);

-- A review of an officer's vetting. The trigger columns hold what the
-- vetting unit may know of the case that opened it: the allegation's
-- category and date and the case, never its content.
CREATE TABLE vetting_reviews (
    id               TEXT PRIMARY KEY,
    officer_id       TEXT NOT NULL REFERENCES officers (id),
    trigger_kind     TEXT NOT NULL CHECK (trigger_kind IN ('category', 'volume', 'transfer')),
    category         TEXT NOT NULL DEFAULT '',
    subcategory      TEXT NOT NULL DEFAULT '',
    case_id          TEXT REFERENCES cases (id),
    allegation_on    DATE,
    allegation_count INTEGER NOT NULL DEFAULT 0,
    opened_at        TIMESTAMPTZ NOT NULL,
    due_by           DATE NOT NULL,
    decision         TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'maintain', 'maintain_with_conditions', 'suspend', 'withdraw')),
    reasons          TEXT NOT NULL DEFAULT '',
    conditions       TEXT NOT NULL DEFAULT '',
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMPTZ,
    version          INTEGER NOT NULL DEFAULT 1
);
-- A case opens at most one review of an officer by category; an officer
-- has at most one open review by volume.
CREATE UNIQUE INDEX vetting_reviews_case ON vetting_reviews (officer_id, case_id) WHERE trigger_kind = 'category';
CREATE UNIQUE INDEX vetting_reviews_volume ON vetting_reviews (officer_id) WHERE trigger_kind = 'volume' AND decision = '';
CREATE INDEX vetting_reviews_queue ON vetting_reviews (decision, due_by);

-- +goose Down
DROP TABLE vetting_reviews;
DROP TABLE vetting_clearances;
