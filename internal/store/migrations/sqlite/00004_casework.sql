-- Case work: notes, documents, search, the next deadline, and the link
-- between officer records of one person in different forces.

-- +goose Up
-- The same person may serve in several forces, each with its own officer
-- record; a national identifier joins their histories so that earlier
-- allegations elsewhere are seen.
ALTER TABLE officers ADD COLUMN national_id TEXT;
CREATE INDEX officers_national_id ON officers (national_id);

-- The earliest open deadline, kept when the case changes, so that lists
-- can filter and sort by it without computing every case's clocks.
ALTER TABLE cases ADD COLUMN next_due_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN next_due_clock TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_next_due ON cases (next_due_at);

CREATE TABLE case_notes (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL,
    at        TIMESTAMP NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, at);

-- Files are stored once per content, named by their SHA-256.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE case_documents (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL REFERENCES blobs (sha256),
    filename    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id);

-- Full-text search over a case's summary, allegations and notes.
CREATE VIRTUAL TABLE case_search USING fts5 (case_id UNINDEXED, body, tokenize = 'porter unicode61');

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
