-- Speak-up reports: wrongdoing raised by officers and staff, named or
-- anonymously, read by guardians only.
--
-- What must never be here for an anonymous report: an address, a user
-- agent, a session, a name or contact, or a time of day (a time can
-- identify who was on shift); created_at and the reporter's message times
-- hold midnight UTC of the day. The report text, the messages, the
-- attachments and a named reporter's identity are sealed (AES-256-GCM,
-- key id inside each value, bound to row and column).

-- +goose Up
CREATE TABLE speakup_references (
    year        INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE speakup_reports (
    id                TEXT PRIMARY KEY,
    reference         TEXT NOT NULL UNIQUE,
    -- The receipt is the reporter's only key to the thread; it is kept as
    -- a SHA-256, never as itself.
    receipt_hash      TEXT NOT NULL UNIQUE,
    category          TEXT NOT NULL CHECK (category IN
                          ('discrimination', 'sexual_misconduct', 'bullying_harassment', 'corruption', 'dishonesty', 'other')),
    what_sealed       TEXT NOT NULL,
    anonymous         BOOLEAN NOT NULL,
    -- Sealed JSON of name, email, phone, role and unit; '' when anonymous.
    identity_sealed   TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'converted', 'closed')),
    converted_case_id TEXT REFERENCES cases (id),
    created_at        TIMESTAMP NOT NULL,
    CHECK (anonymous = (identity_sealed = '')),
    CHECK ((status = 'converted') = (converted_case_id IS NOT NULL))
);
CREATE INDEX speakup_reports_created ON speakup_reports (created_at);

-- seq orders a thread: times alone cannot, since an anonymous reporter's
-- messages keep only their day.
CREATE TABLE speakup_messages (
    id          TEXT PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES speakup_reports (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    sender      TEXT NOT NULL CHECK (sender IN ('reporter', 'guardian')),
    guardian_id TEXT REFERENCES users (id),
    at          TIMESTAMP NOT NULL,
    text_sealed TEXT NOT NULL,
    UNIQUE (report_id, seq),
    CHECK ((sender = 'guardian') = (guardian_id IS NOT NULL))
);

-- Images have had their metadata stripped before they arrive here; the
-- content is sealed like the text. No file name is kept: a name such as
-- IMG_20260601_0914.jpg or a person's name can identify the reporter.
CREATE TABLE speakup_attachments (
    id             TEXT PRIMARY KEY,
    report_id      TEXT NOT NULL REFERENCES speakup_reports (id) ON DELETE CASCADE,
    sha256         TEXT NOT NULL,
    media_type     TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'text/plain')),
    size           INTEGER NOT NULL,
    content_sealed TEXT NOT NULL
);
CREATE INDEX speakup_attachments_report ON speakup_attachments (report_id);

-- Revealing a named reporter to anyone but the guardians takes a request
-- naming the recipient and the approval of two distinct guardians.
CREATE TABLE speakup_reveal_requests (
    id           TEXT PRIMARY KEY,
    report_id    TEXT NOT NULL REFERENCES speakup_reports (id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL REFERENCES users (id),
    reason       TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP -- when the second approval revealed the identity
);
CREATE INDEX speakup_reveal_requests_report ON speakup_reveal_requests (report_id);

CREATE TABLE speakup_reveal_approvals (
    request_id  TEXT NOT NULL REFERENCES speakup_reveal_requests (id) ON DELETE CASCADE,
    guardian_id TEXT NOT NULL REFERENCES users (id),
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (request_id, guardian_id)
);

-- +goose Down
DROP TABLE speakup_reveal_approvals;
DROP TABLE speakup_reveal_requests;
DROP TABLE speakup_attachments;
DROP TABLE speakup_messages;
DROP TABLE speakup_reports;
DROP TABLE speakup_references;
