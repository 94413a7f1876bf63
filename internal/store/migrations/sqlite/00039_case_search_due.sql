-- PostgreSQL keeps each case's deadline beside its words in case_search,
-- with a full-text index of only the cases with one, for searches kept to
-- cases with a deadline. SQLite needs nothing: its full-text index gives
-- the matching rowids without reading a row, and the list tests the cases
-- met in cases_due_by_received against them (caseListWhere). The number
-- is kept so that both dialects have the same versions.
-- SQLite dialect.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
