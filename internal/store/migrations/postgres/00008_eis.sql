-- Early intervention: runs of the rules and the model, the flags they
-- raise on officers, and the notes of the supervisors who review them (PostgreSQL).

-- +goose Up
-- A run scores officers and raises flags (kind run); an evaluation measures
-- the rules and the model on past years and keeps its report, which the
-- fairness page shows (kind evaluation).
CREATE TABLE eis_runs (
    id     TEXT PRIMARY KEY,
    at     TIMESTAMPTZ NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('run', 'evaluation')),
    model  TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    report TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX eis_runs_kind ON eis_runs (kind, at);

CREATE TABLE eis_flags (
    id           TEXT PRIMARY KEY,
    officer_id   TEXT NOT NULL REFERENCES officers (id),
    run_id       TEXT NOT NULL REFERENCES eis_runs (id),
    raised_at    TIMESTAMPTZ NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('rule', 'model')),
    rule_name    TEXT NOT NULL DEFAULT '',
    score        DOUBLE PRECISION NOT NULL,
    explanation  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('open', 'reviewed', 'intervention', 'closed')),
    intervention TEXT NOT NULL DEFAULT '' CHECK (intervention IN ('', 'advice', 'training', 'monitoring', 'referral')),
    unit_id      TEXT REFERENCES units (id),
    updated_at   TIMESTAMPTZ NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
-- An officer has at most one flag not yet closed for each reason, so a
-- second run does not raise the same flag again.
CREATE UNIQUE INDEX eis_flags_live ON eis_flags (officer_id, source, rule_name) WHERE state <> 'closed';
CREATE INDEX eis_flags_queue ON eis_flags (state, raised_at);
CREATE INDEX eis_flags_unit ON eis_flags (unit_id, state);

CREATE TABLE eis_flag_notes (
    id        TEXT PRIMARY KEY,
    flag_id   TEXT NOT NULL REFERENCES eis_flags (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    action    TEXT NOT NULL,
    text      TEXT NOT NULL,
    -- the flag's version this review made: orders the notes even when
    -- two were written in the same instant
    version   INTEGER NOT NULL
);
CREATE INDEX eis_flag_notes_flag ON eis_flag_notes (flag_id, version);

-- +goose Down
DROP TABLE eis_flag_notes;
DROP TABLE eis_flags;
DROP TABLE eis_runs;
