-- Whether an officer's joined_on is a joining date the force gave, or
-- only the latest day by which they had certainly joined: an import of an
-- export with no joining dates fills joined_on with the officer's first
-- allegation. Early intervention must not read that as length of service.
-- PostgreSQL dialect.

-- +goose Up
ALTER TABLE officers ADD COLUMN joined_on_known BOOLEAN NOT NULL DEFAULT TRUE;
-- Officers imported before this migration had no joining date mapped.
UPDATE officers SET joined_on_known = FALSE
WHERE EXISTS (SELECT 1 FROM import_keys k WHERE k.kind = 'officer' AND k.internal_id = officers.id);

-- +goose Down
ALTER TABLE officers DROP COLUMN joined_on_known;
