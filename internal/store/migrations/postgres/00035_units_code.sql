-- Every public complaint finds the intake unit by its code (UnitByCode).
-- Units were indexed by (force_id, code) only, so the lookup read every
-- unit of every force: 1,290 rows at national scale, for each complaint.
-- PostgreSQL dialect.

-- +goose Up
CREATE INDEX units_code ON units (code);

-- +goose Down
DROP INDEX units_code;
