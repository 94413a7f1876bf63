-- How far each guardian has read each speak-up thread, so that the inbox
-- can put reports with replies they have not read first. Only the
-- sequence number of the last message read is kept, not when it was read:
-- guardians' reads are in the audit log already, and a time here beside a
-- reporter's message would add nothing but another way to date it.

-- +goose Up
CREATE TABLE speakup_reads (
    report_id  TEXT NOT NULL REFERENCES speakup_reports (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    seen_seq   INTEGER NOT NULL,
    PRIMARY KEY (report_id, user_id)
);

-- +goose Down
DROP TABLE speakup_reads;
