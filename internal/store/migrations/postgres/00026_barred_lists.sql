-- The barred and advisory lists the force keeps (its referrals to the
-- College of Policing, and imported extracts of the national lists), and
-- the checks made before a transferee or re-joiner is appointed
-- (internal/vetting, docs/vetting.md). PostgreSQL dialect.

-- +goose Up
-- One person on one list. Name, date of birth and collar number are
-- sealed; barred_listing_keys is the blind index they are found by.
CREATE TABLE barred_listings (
    id                 TEXT PRIMARY KEY,
    list               TEXT NOT NULL CHECK (list IN ('barred', 'advisory')),
    source             TEXT NOT NULL CHECK (source IN ('force', 'national')),
    officer_id         TEXT REFERENCES officers (id),
    case_id            TEXT REFERENCES cases (id),
    name_sealed        TEXT NOT NULL,
    birth_date_sealed  TEXT NOT NULL,
    collar_sealed      TEXT NOT NULL DEFAULT '',
    force_name         TEXT NOT NULL,
    rank               TEXT NOT NULL DEFAULT '',
    basis              TEXT NOT NULL DEFAULT '' CHECK (basis IN ('', 'dismissed', 'would_have_been_dismissed', 'left_under_investigation', 'allegation_after_leaving')),
    ground             TEXT NOT NULL DEFAULT '' CHECK (ground IN ('', 'gross_misconduct', 'gross_incompetence')),
    outcome            TEXT NOT NULL DEFAULT '',
    decided_on         DATE NOT NULL,
    referred_on        DATE NOT NULL,
    review_from        DATE NOT NULL,
    removed_on         DATE,
    removed_reason     TEXT NOT NULL DEFAULT '' CHECK (removed_reason IN ('', 'appeal_allowed', 'review_granted', 'proceedings_ended', 'moved_to_barred', 'entered_in_error')),
    removed_note       TEXT NOT NULL DEFAULT '',
    recorded_by        TEXT NOT NULL,
    recorded_at        TIMESTAMPTZ NOT NULL,
    import_id          TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    CHECK (removed_on IS NULL OR removed_on >= decided_on)
);
-- The force refers an officer once per case and list.
CREATE UNIQUE INDEX barred_listings_referral ON barred_listings (officer_id, case_id, list) WHERE source = 'force' AND case_id IS NOT NULL;
CREATE INDEX barred_listings_list ON barred_listings (list, referred_on);

-- The blind index: a keyed digest of each pair of a listing's identifying
-- fields (name and date of birth, name and collar number, date of birth
-- and collar number), under the data key named, so that a search finds
-- a listing without unsealing the table.
CREATE TABLE barred_listing_keys (
    listing_id TEXT NOT NULL REFERENCES barred_listings (id) ON DELETE CASCADE,
    key_id     TEXT NOT NULL,
    digest     TEXT NOT NULL,
    PRIMARY KEY (listing_id, key_id, digest)
);
CREATE INDEX barred_listing_keys_digest ON barred_listing_keys (digest);

-- One import of a national extract.
CREATE TABLE barred_list_imports (
    id          TEXT PRIMARY KEY,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    rows_read   INTEGER NOT NULL,
    rejected    INTEGER NOT NULL
);

-- The check on a transferee or re-joiner and its decision.
CREATE TABLE transfer_checks (
    id                  TEXT PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('transferee', 'rejoiner')),
    name_sealed         TEXT NOT NULL,
    birth_date_sealed   TEXT NOT NULL,
    collar_sealed       TEXT NOT NULL,
    previous_force      TEXT NOT NULL,
    record_source       TEXT NOT NULL CHECK (record_source IN ('imported', 'entered')),
    previous_officer_id TEXT REFERENCES officers (id),
    officer_id          TEXT REFERENCES officers (id),
    complaints          TEXT NOT NULL,
    conduct             TEXT NOT NULL,
    vetting             TEXT NOT NULL,
    decision            TEXT NOT NULL CHECK (decision IN ('appoint', 'appoint_with_conditions', 'do_not_appoint')),
    reasons             TEXT NOT NULL,
    decided_by          TEXT NOT NULL,
    decided_at          TIMESTAMPTZ NOT NULL,
    searched_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX transfer_checks_decided ON transfer_checks (decided_at);

-- The listings a check's search found, each seen by the person deciding,
-- and whether they judged it to be someone else.
CREATE TABLE transfer_check_matches (
    check_id       TEXT NOT NULL REFERENCES transfer_checks (id) ON DELETE CASCADE,
    listing_id     TEXT NOT NULL REFERENCES barred_listings (id),
    not_the_person BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (check_id, listing_id)
);

-- +goose Down
DROP TABLE transfer_check_matches;
DROP TABLE transfer_checks;
DROP TABLE barred_list_imports;
DROP TABLE barred_listing_keys;
DROP TABLE barred_listings;
