-- The officer's group among the force's own ethnicity groups, when the
-- import's mapping declares them (docs/importing.md): fairness figures are
-- then given by the force's groups, the ONS group in ethnicity staying for
-- national returns. Empty when the force declared no groups.
-- PostgreSQL dialect.

-- +goose Up
ALTER TABLE officers ADD COLUMN ethnicity_group TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE officers DROP COLUMN ethnicity_group;
