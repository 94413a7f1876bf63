-- The measures of open cases and the backlog asked of every case in scope
-- whether its timeline held a finalising step before a moment: one seek
-- of case_events a case, so for one force of a national database (a
-- fifth of a million cases) tens of seconds a figure. Each case now keeps
-- the time of its first finalising step (finalised_at), written by the
-- trigger below whatever adds the step, so such questions read the case
-- row alone. A case whose timeline has no finalising step (one imported
-- already finalised) keeps NULL here, and the measures fall back to its
-- last update, as before.
--
-- The states are those the measures count as finalised (finalisedStates
-- in measures.go); TestFinalisedAtFollowsTheTimeline fails if the two
-- lists part.
-- SQLite dialect.

-- +goose Up
ALTER TABLE cases ADD COLUMN finalised_at TIMESTAMP;
UPDATE cases SET finalised_at = (SELECT MIN(e.at) FROM case_events e WHERE e.case_id = cases.id
    AND e.to_state IN ('OutcomeNotified', 'Resolved', 'Withdrawn', 'Closed', 'NFA', 'RPRP', 'Performance', 'Vetting',
        'Final', 'BarredListReported', 'AdvisoryListReported'));
CREATE INDEX cases_force_finalised ON cases (force_id, finalised_at);
-- +goose StatementBegin
CREATE TRIGGER case_events_finalise AFTER INSERT ON case_events
WHEN NEW.to_state IN ('OutcomeNotified', 'Resolved', 'Withdrawn', 'Closed', 'NFA', 'RPRP', 'Performance', 'Vetting',
    'Final', 'BarredListReported', 'AdvisoryListReported')
BEGIN
    UPDATE cases SET finalised_at = NEW.at
        WHERE id = NEW.case_id AND (finalised_at IS NULL OR finalised_at > NEW.at);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER case_events_finalise;
DROP INDEX cases_force_finalised;
ALTER TABLE cases DROP COLUMN finalised_at;
