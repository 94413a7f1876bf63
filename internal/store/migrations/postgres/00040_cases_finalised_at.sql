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
-- PostgreSQL dialect.

-- +goose Up
ALTER TABLE cases ADD COLUMN finalised_at TIMESTAMPTZ;
UPDATE cases c SET finalised_at = f.at
    FROM (SELECT e.case_id, MIN(e.at) AS at FROM case_events e
          WHERE e.to_state IN ('OutcomeNotified', 'Resolved', 'Withdrawn', 'Closed', 'NFA', 'RPRP', 'Performance', 'Vetting',
              'Final', 'BarredListReported', 'AdvisoryListReported')
          GROUP BY e.case_id) f
    WHERE f.case_id = c.id;
CREATE INDEX cases_force_finalised ON cases (force_id, finalised_at);
ANALYZE cases;
-- +goose StatementBegin
CREATE FUNCTION case_events_finalise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET finalised_at = NEW.at
        WHERE id = NEW.case_id AND (finalised_at IS NULL OR finalised_at > NEW.at);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_events_finalise AFTER INSERT ON case_events
    FOR EACH ROW WHEN (NEW.to_state IN ('OutcomeNotified', 'Resolved', 'Withdrawn', 'Closed', 'NFA', 'RPRP', 'Performance',
        'Vetting', 'Final', 'BarredListReported', 'AdvisoryListReported'))
    EXECUTE FUNCTION case_events_finalise();

-- +goose Down
DROP TRIGGER case_events_finalise ON case_events;
DROP FUNCTION case_events_finalise();
DROP INDEX cases_force_finalised;
ALTER TABLE cases DROP COLUMN finalised_at;
