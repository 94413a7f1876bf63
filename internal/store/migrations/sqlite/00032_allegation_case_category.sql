-- The case list's category filter asks, for each case, whether it has an
-- allegation of a category. With only an index on the category the
-- engine searched every allegation of that category for every case: at
-- national scale, seconds a request. With (case_id, category) the answer
-- is one index probe per case.
-- SQLite dialect.

-- +goose Up
CREATE INDEX allegations_case_category ON allegations (case_id, category);

-- +goose Down
DROP INDEX allegations_case_category;
