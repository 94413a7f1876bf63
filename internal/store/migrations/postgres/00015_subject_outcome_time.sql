-- When each subject's outcome was decided, so that Probity can say from
-- an officer's own record whether a final written warning is still in
-- force when later proceedings are chosen (CR 23(1), 42(5)); and the
-- events on a subject that no longer end a case: leaving, and the reports
-- to the College of Policing's lists (docs/statutory-process.md, section 8). PostgreSQL dialect.
--
-- outcome_at     when the outcome now recorded on the subject was decided
-- left_force     the officer has left the force; the case goes on (CR 4, Sch 1)
-- advisory_list  the officer was reported to the College's advisory list
-- barred_list    the barred-list report: '', 'reported' or 'withdrawn'

-- +goose Up
ALTER TABLE subjects ADD COLUMN outcome_at TIMESTAMPTZ;
ALTER TABLE subjects ADD COLUMN left_force BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE subjects ADD COLUMN advisory_list BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE subjects ADD COLUMN barred_list TEXT NOT NULL DEFAULT '';

-- Outcomes recorded before this migration are dated by the latest
-- outcome or appeal decision on their case's timeline, else by the
-- case's last change.
UPDATE subjects SET outcome_at = COALESCE((
    SELECT MAX(e.at) FROM case_events e JOIN allegations a ON a.case_id = e.case_id
    WHERE a.id = subjects.allegation_id AND e.type = 'state_changed'
      AND e.detail::jsonb ->> 'action' IN ('record_outcome', 'decide_appeal')), (
    SELECT c.updated_at FROM cases c JOIN allegations a ON a.case_id = c.id
    WHERE a.id = subjects.allegation_id))
WHERE outcome <> '';
-- A case already at BarredListReported reported its dismissed officers.
UPDATE subjects SET barred_list = 'reported'
WHERE outcome = 'dismissal_without_notice' AND allegation_id IN (
    SELECT a.id FROM allegations a JOIN cases c ON c.id = a.case_id WHERE c.state = 'BarredListReported');
CREATE INDEX subjects_outcome ON subjects (officer_id, outcome, outcome_at);

-- +goose Down
DROP INDEX subjects_outcome;
ALTER TABLE subjects DROP COLUMN barred_list;
ALTER TABLE subjects DROP COLUMN advisory_list;
ALTER TABLE subjects DROP COLUMN left_force;
ALTER TABLE subjects DROP COLUMN outcome_at;
