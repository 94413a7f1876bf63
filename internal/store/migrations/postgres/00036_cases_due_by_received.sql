-- The case list's overdue filter (next_due_at before now) was read from
-- the table: a page newest first walked every case received, and the
-- capped count every overdue case by deadline, looking each row up to
-- test its kind and when it was received. On a nation of a million cases
-- a page of overdue complaints of the last year read 13,000 rows and its
-- count 6,900, scattered over the table: seconds when they are not in
-- memory. This index holds only the cases with a deadline (a few in a
-- hundred), in the order received, with what the filters test, so that
-- both read the index and look up only the rows they return.
-- PostgreSQL dialect.

-- +goose Up
CREATE INDEX cases_due_by_received ON cases (received_at, next_due_at, kind, state) WHERE next_due_at IS NOT NULL;

-- +goose Down
DROP INDEX cases_due_by_received;
