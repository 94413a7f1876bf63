-- Sign-in, sessions, API tokens and case-level need-to-know (PostgreSQL).

-- +goose Up
ALTER TABLE users ADD COLUMN totp_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enrolled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc_subject ON users (oidc_subject);

-- Only a hash of each session token is stored: a copy of the database does
-- not let anyone sign in as the users it holds.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    mfa_passed   BOOLEAN NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    roles        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Who may see a case beyond its unit: users it is assigned to, users named
-- on a restricted case, and the oversight body when the case is shared.
CREATE TABLE case_assignments (
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_assignments_user ON case_assignments (user_id);

CREATE TABLE case_named_users (
    case_id  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    named_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

CREATE TABLE case_shares (
    case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    audience  TEXT NOT NULL CHECK (audience IN ('oversight')),
    shared_at TIMESTAMPTZ NOT NULL,
    shared_by TEXT NOT NULL,
    PRIMARY KEY (case_id, audience)
);

-- Break-glass openings: each lets one user see one case outside their
-- scope for a short time, and each is reported to the head of standards.
CREATE TABLE break_glass (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    opened_at  TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    reviewed_at TIMESTAMPTZ,
    reviewed_by TEXT
);
CREATE INDEX break_glass_user_case ON break_glass (user_id, case_id);
CREATE INDEX break_glass_opened ON break_glass (opened_at);

-- +goose Down
DROP TABLE break_glass;
DROP TABLE case_shares;
DROP TABLE case_named_users;
DROP TABLE case_assignments;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP INDEX users_oidc_subject;
ALTER TABLE users DROP COLUMN oidc_subject;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enrolled;
ALTER TABLE users DROP COLUMN totp_sealed;
