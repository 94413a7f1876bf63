-- Holding the chief officer to account (internal/oversight,
-- docs/oversight.md): the requirements the oversight body sets, the
-- notices it issues, the plans the chief officer's office answers with,
-- revision by revision, and the body's assessments. None of it holds case
-- content: commitments name published measures. PostgreSQL dialect.

-- +goose Up
CREATE TABLE oversight_requirements (
    id      TEXT PRIMARY KEY,
    title   TEXT NOT NULL,
    body    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    due_on  DATE NOT NULL,
    set_by  TEXT NOT NULL,
    set_at  TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX oversight_requirements_due ON oversight_requirements (due_on);

-- The measures (ids from the measures catalogue) a requirement concerns.
CREATE TABLE oversight_requirement_measures (
    requirement_id TEXT NOT NULL REFERENCES oversight_requirements (id),
    position       INTEGER NOT NULL,
    measure        TEXT NOT NULL,
    PRIMARY KEY (requirement_id, position),
    UNIQUE (requirement_id, measure)
);

CREATE TABLE oversight_notices (
    id          TEXT PRIMARY KEY,
    reasons     TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('in-force', 'lifted', 'escalated')),
    issued_by   TEXT NOT NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    ended_by    TEXT NOT NULL DEFAULT '',
    ended_at    TIMESTAMPTZ,
    end_reasons TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    CHECK ((state = 'in-force') = (ended_at IS NULL))
);

CREATE TABLE oversight_notice_requirements (
    notice_id      TEXT NOT NULL REFERENCES oversight_notices (id),
    requirement_id TEXT NOT NULL REFERENCES oversight_requirements (id),
    PRIMARY KEY (notice_id, requirement_id)
);
CREATE INDEX oversight_notice_requirements_req ON oversight_notice_requirements (requirement_id);

CREATE TABLE oversight_plans (
    id             TEXT PRIMARY KEY,
    requirement_id TEXT NOT NULL REFERENCES oversight_requirements (id),
    title          TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'assessed', 'resubmitted', 'closed')),
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    closed_by      TEXT NOT NULL DEFAULT '',
    closed_at      TIMESTAMPTZ,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX oversight_plans_requirement ON oversight_plans (requirement_id, created_at);

-- Revisions are kept: a submitted revision and its commitments never
-- change; the next is written beside it.
CREATE TABLE oversight_revisions (
    plan_id      TEXT NOT NULL REFERENCES oversight_plans (id),
    n            INTEGER NOT NULL CHECK (n >= 1),
    submitted_by TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMPTZ,
    PRIMARY KEY (plan_id, n)
);

CREATE TABLE oversight_commitments (
    plan_id      TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    body         TEXT NOT NULL,
    measure      TEXT NOT NULL,
    group_labels TEXT NOT NULL, -- a JSON array of the measure's row labels
    stat         TEXT NOT NULL,
    baseline     DOUBLE PRECISION NOT NULL,
    target       DOUBLE PRECISION NOT NULL,
    target_on    DATE NOT NULL,
    PRIMARY KEY (plan_id, revision, position),
    FOREIGN KEY (plan_id, revision) REFERENCES oversight_revisions (plan_id, n)
);

CREATE TABLE oversight_assessments (
    plan_id     TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'accepted-with-conditions', 'rejected')),
    reasons     TEXT NOT NULL,
    conditions  TEXT NOT NULL DEFAULT '',
    resubmit_by DATE,
    assessed_by TEXT NOT NULL,
    assessed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plan_id, revision),
    FOREIGN KEY (plan_id, revision) REFERENCES oversight_revisions (plan_id, n),
    CHECK ((outcome = 'rejected') = (resubmit_by IS NOT NULL))
);

CREATE TABLE oversight_verdicts (
    plan_id  TEXT NOT NULL,
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    verdict  TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    reasons  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, revision, position),
    FOREIGN KEY (plan_id, revision) REFERENCES oversight_assessments (plan_id, revision)
);

CREATE TABLE oversight_comments (
    id      TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES oversight_plans (id),
    body    TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX oversight_comments_plan ON oversight_comments (plan_id, at);

-- +goose Down
DROP TABLE oversight_comments;
DROP TABLE oversight_verdicts;
DROP TABLE oversight_assessments;
DROP TABLE oversight_commitments;
DROP TABLE oversight_revisions;
DROP TABLE oversight_plans;
DROP TABLE oversight_notice_requirements;
DROP TABLE oversight_notices;
DROP TABLE oversight_requirement_measures;
DROP TABLE oversight_requirements;
