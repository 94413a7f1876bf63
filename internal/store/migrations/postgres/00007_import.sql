-- Importing other systems' records (NYC CCRB, Philadelphia, any force's
-- export through a mapping): what makes a re-import change nothing, and
-- the source's own words kept beside Probity's codes. (PostgreSQL)

-- +goose Up
-- One row per record an import created (or adopted), keyed by the
-- source's own identifier, so that running the same import again skips
-- what is already here and a crashed import resumes where it stopped.
-- kind is force, unit, officer, case or allegation.
CREATE TABLE import_keys (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    external_id TEXT NOT NULL,
    internal_id TEXT NOT NULL,
    PRIMARY KEY (source, kind, external_id)
);

-- The finding exactly as the source wrote it ("Substantiated (Charges)"),
-- beside the normalised code in finding ("upheld").
ALTER TABLE subjects ADD COLUMN source_finding TEXT NOT NULL DEFAULT '';

-- An imported officer's rank as the source wrote it ("Police Officer",
-- "Deputy Inspector"): rank holds the nearest England and Wales rank,
-- which is an approximation worth being able to check.
ALTER TABLE officers ADD COLUMN source_rank TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE officers DROP COLUMN source_rank;
ALTER TABLE subjects DROP COLUMN source_finding;
DROP TABLE import_keys;
