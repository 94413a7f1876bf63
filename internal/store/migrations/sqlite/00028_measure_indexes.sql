-- Indexes for the measures (internal/measures), so that a year of one
-- force is counted from the records of that year rather than from every
-- record held. SQLite dialect.
--
-- case_events_reached   the cases that reached a state within a span of
--                       time: those logged, contacted, finalised or made
--                       final in a period, found without reading every
--                       timeline
-- cases_force_received  a force's cases received within a span of time

-- +goose Up
CREATE INDEX case_events_reached ON case_events (to_state, at, case_id);
CREATE INDEX cases_force_received ON cases (force_id, received_at);

-- +goose Down
DROP INDEX cases_force_received;
DROP INDEX case_events_reached;
