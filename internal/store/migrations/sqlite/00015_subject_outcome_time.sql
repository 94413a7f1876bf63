-- When each subject's outcome was decided, so that Probity can say from
-- an officer's own record whether a final written warning is still in
-- force when later proceedings are chosen (CR 23(1), 42(5);
-- docs/statutory-process.md, section 8). SQLite dialect.
--
-- outcome_at  when the outcome now recorded on the subject was decided

-- +goose Up
ALTER TABLE subjects ADD COLUMN outcome_at TIMESTAMP;

-- Outcomes recorded before this migration are dated by the latest
-- outcome or appeal decision on their case's timeline, else by the
-- case's last change.
UPDATE subjects SET outcome_at = COALESCE((
    SELECT MAX(e.at) FROM case_events e JOIN allegations a ON a.case_id = e.case_id
    WHERE a.id = subjects.allegation_id AND e.type = 'state_changed'
      AND json_extract(e.detail, '$.action') IN ('record_outcome', 'decide_appeal')), (
    SELECT c.updated_at FROM cases c JOIN allegations a ON a.case_id = c.id
    WHERE a.id = subjects.allegation_id))
WHERE outcome <> '';
CREATE INDEX subjects_outcome ON subjects (officer_id, outcome, outcome_at);

-- +goose Down
DROP INDEX subjects_outcome;
ALTER TABLE subjects DROP COLUMN outcome_at;
