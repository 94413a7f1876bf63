-- Secrets the servers sharing this database hold in common.

-- +goose Up
-- One row per purpose. The value is 32 random bytes (hex) drawn by the
-- first server to need it (crypto/rand, in Go, so that both engines get
-- the same quality of randomness) and never changed; a second server that
-- races the first finds the first one's row. "list-cursor" authenticates
-- the cursors of paged lists, so that a cursor one server gave another
-- accepts, and a cursor nobody gave is refused.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE server_secrets;
