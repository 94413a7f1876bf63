-- The oversight body's accountability boards, and the force's leadership
-- posts with their timeline (internal/oversight, docs/oversight-boards.md).
-- PostgreSQL dialect.

-- +goose Up
-- Attendees are a short list kept with their meeting as JSON
-- ([{"name":..., "role":...}]): they are read and written only with it.
CREATE TABLE oversight_meetings (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    held_on    DATE NOT NULL,
    attendees  TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('scheduled', 'minuted')),
    minutes    TEXT NOT NULL DEFAULT '',
    minuted_by TEXT NOT NULL DEFAULT '',
    minuted_at TIMESTAMPTZ,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX oversight_meetings_held ON oversight_meetings (held_on);

-- Requirements and plans are named by id only: they are kept by another
-- part of the oversight body's work and read through oversight.Linked.
CREATE TABLE oversight_agenda_items (
    id             TEXT PRIMARY KEY,
    meeting_id     TEXT NOT NULL REFERENCES oversight_meetings (id),
    seq            INTEGER NOT NULL,
    title          TEXT NOT NULL,
    requirement_id TEXT NOT NULL DEFAULT '',
    plan_id        TEXT NOT NULL DEFAULT '',
    measure_id     TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    UNIQUE (meeting_id, seq)
);

CREATE TABLE oversight_actions (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES oversight_meetings (id),
    seq         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    due_on      DATE NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'answered', 'closed')),
    answer      TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMPTZ,
    note        TEXT NOT NULL DEFAULT '',
    closed_by   TEXT NOT NULL DEFAULT '',
    closed_at   TIMESTAMPTZ,
    set_by      TEXT NOT NULL,
    set_at      TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (meeting_id, seq)
);
CREATE INDEX oversight_actions_state ON oversight_actions (state, due_on);

-- A post's required consultees are a short list kept as JSON; its
-- holder and term are what its events have made them.
CREATE TABLE oversight_posts (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('chief-officer', 'deputy', 'head-of-standards')),
    title                TEXT NOT NULL,
    appointing_authority TEXT NOT NULL,
    required_consultees  TEXT NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('vacant', 'held', 'suspended', 'acting')),
    holder               TEXT NOT NULL DEFAULT '',
    holder_since         DATE,
    term_ends            DATE,
    acting_holder        TEXT NOT NULL DEFAULT '',
    last_on              DATE,
    created_at           TIMESTAMPTZ NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);

-- One row per entry of a post's timeline. Consultations are kept with
-- their appointment as JSON; notes are the oversight body's own and are
-- never published.
CREATE TABLE oversight_post_events (
    id                   TEXT PRIMARY KEY,
    post_id              TEXT NOT NULL REFERENCES oversight_posts (id),
    seq                  INTEGER NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('appointment', 'extension', 'suspension', 'reinstatement', 'resignation', 'retirement', 'acting')),
    holder               TEXT NOT NULL DEFAULT '',
    on_day               DATE NOT NULL,
    reason               TEXT NOT NULL DEFAULT '',
    appointing_authority TEXT NOT NULL DEFAULT '',
    consultations        TEXT NOT NULL DEFAULT '[]',
    decision             TEXT NOT NULL DEFAULT '',
    decided_on           DATE,
    term_ends            DATE,
    status               TEXT NOT NULL DEFAULT '' CHECK (status IN ('', 'proposed', 'confirmed', 'withdrawn')),
    notes                TEXT NOT NULL DEFAULT '',
    recorded_by          TEXT NOT NULL,
    recorded_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (post_id, seq),
    CHECK ((kind = 'appointment') = (status <> ''))
);

-- +goose Down
DROP TABLE oversight_post_events;
DROP TABLE oversight_posts;
DROP TABLE oversight_actions;
DROP TABLE oversight_agenda_items;
DROP TABLE oversight_meetings;
