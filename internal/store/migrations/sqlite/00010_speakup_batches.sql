-- Nothing may place an anonymous speak-up report in time more finely than
-- its day. The audit entries of what anonymous reporters do (a report,
-- a follow-up message) wait here, out of the hash chain, until their day
-- has ended; then they join the chain all at once, in random order, each
-- dated midnight UTC of its day (store/speakup.go, SettleSpeakUpAudit).
-- Each holds the whole entry, written in the transaction of what it
-- records, so that nothing is lost if the process stops before the batch.
--
-- References are now random (SU/yyyy/nnnnnnnnn), so the counter that
-- numbered named and anonymous reports in one series goes.

-- +goose Up
CREATE TABLE speakup_audit_pending (
    id          TEXT PRIMARY KEY, -- random: its order says nothing
    day         TIMESTAMP NOT NULL, -- midnight UTC
    action      TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    report_id   TEXT NOT NULL REFERENCES speakup_reports (id),
    -- The reporter's message an entry records, if any: its row is
    -- rewritten with the batch, like the report's.
    message_id  TEXT REFERENCES speakup_messages (id),
    reason      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX speakup_audit_pending_day ON speakup_audit_pending (day);

DROP TABLE speakup_references;

-- +goose Down
CREATE TABLE speakup_references (
    year        INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);
DROP TABLE speakup_audit_pending;
