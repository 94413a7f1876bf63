-- What a case's own record says about the statutory duties it carries,
-- kept on the case so that the workflow reads it from Probity rather than
-- from a caller (docs/statutory-process.md). SQLite dialect.
--
-- handling_ground         the Sch3 2(6B) ground recorded with the complaint
-- investigation_exception the C&M 6 exception to the duty to investigate
-- referral_ground         the ground of the referral to the IOPC, once made
-- related_case_id         an earlier case this matter is related to

-- +goose Up
ALTER TABLE cases ADD COLUMN handling_ground TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN investigation_exception TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN referral_ground TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN related_case_id TEXT REFERENCES cases (id);

-- Cases recorded before this migration carry their grounds only in their
-- timelines: the latest recording under Schedule 3 and the latest referral.
UPDATE cases SET handling_ground = COALESCE((
    SELECT json_extract(e.detail, '$.mandatory_ground') FROM case_events e
    WHERE e.case_id = cases.id AND e.type = 'state_changed'
      AND json_extract(e.detail, '$.action') = 'record_under_schedule3'
    ORDER BY e.seq DESC LIMIT 1), '');
UPDATE cases SET referral_ground = COALESCE((
    SELECT json_extract(e.detail, '$.referral_ground') FROM case_events e
    WHERE e.case_id = cases.id AND e.type = 'state_changed'
      AND json_extract(e.detail, '$.action') = 'refer_to_iopc'
    ORDER BY e.seq DESC LIMIT 1), '');

-- The rule set follows when the complaint was made or the matter came to
-- the appropriate authority's attention (received_at), no longer when it
-- arose (C&M 2(2); SI 2025/558 reg 66). Times are stored as text that sorts
-- chronologically, so a date prefix compares correctly.
UPDATE cases SET rule_set = CASE
    WHEN received_at >= '2025-05-28' THEN '2025'
    WHEN received_at >= '2020-02-01' THEN '2020'
    ELSE '2012' END;

-- +goose Down
UPDATE cases SET rule_set = CASE
    WHEN arose_on >= '2025-05-28' THEN '2025'
    WHEN arose_on >= '2020-02-01' THEN '2020'
    ELSE '2012' END;
ALTER TABLE cases DROP COLUMN related_case_id;
ALTER TABLE cases DROP COLUMN referral_ground;
ALTER TABLE cases DROP COLUMN investigation_exception;
ALTER TABLE cases DROP COLUMN handling_ground;
