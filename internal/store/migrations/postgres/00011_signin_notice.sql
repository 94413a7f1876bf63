-- A session remembers how many sign-in attempts on its account failed
-- between the previous successful sign-in and the one that opened it, so
-- the owner is told on the page they land on.

-- +goose Up
ALTER TABLE sessions ADD COLUMN failed_before INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sessions DROP COLUMN failed_before;
