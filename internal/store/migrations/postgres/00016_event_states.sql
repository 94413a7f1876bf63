-- The state each timeline entry moved a case into, kept beside the entry's
-- JSON detail so that the measures (internal/measures) can find when a
-- case was first contacted, logged or finalised with plain comparisons,
-- the same on both engines, instead of parsing every entry's JSON.
-- PostgreSQL dialect.
--
-- to_state  Detail["to"] of an "action" or "state_changed" entry,
--           Detail["state"] of a "recorded" entry, '' for any other entry

-- +goose Up
ALTER TABLE case_events ADD COLUMN to_state TEXT NOT NULL DEFAULT '';
UPDATE case_events SET to_state = COALESCE(CASE type
    WHEN 'recorded' THEN detail::jsonb ->> 'state'
    ELSE detail::jsonb ->> 'to' END, '')
WHERE type IN ('recorded', 'state_changed', 'action');
-- Each case's milestones are read from this index alone.
CREATE INDEX case_events_milestones ON case_events (case_id, to_state, at);

-- +goose Down
DROP INDEX case_events_milestones;
ALTER TABLE case_events DROP COLUMN to_state;
