-- Case work: notes, documents, search, the next deadline, and the link
-- between officer records of one person in different forces (PostgreSQL).

-- +goose Up
ALTER TABLE officers ADD COLUMN national_id TEXT;
CREATE INDEX officers_national_id ON officers (national_id);

ALTER TABLE cases ADD COLUMN next_due_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN next_due_clock TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_next_due ON cases (next_due_at);

CREATE TABLE case_notes (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, at);

CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    content    BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE case_documents (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL REFERENCES blobs (sha256),
    filename    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id);

-- Full-text search over a case's summary, allegations and notes; the
-- vector is generated so it can never drift from the text.
CREATE TABLE case_search (
    case_id TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    body    TEXT NOT NULL,
    tsv     tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
CREATE INDEX case_search_tsv ON case_search USING GIN (tsv);

-- +goose Down
DROP TABLE case_search;
DROP TABLE case_documents;
DROP TABLE blobs;
DROP TABLE case_notes;
DROP INDEX cases_next_due;
ALTER TABLE cases DROP COLUMN next_due_clock;
ALTER TABLE cases DROP COLUMN next_due_at;
DROP INDEX officers_national_id;
ALTER TABLE officers DROP COLUMN national_id;
