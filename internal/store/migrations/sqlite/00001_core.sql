-- The core records. SQLite dialect: TEXT ids, INTEGER booleans, DATE and
-- TIMESTAMP declared types so the driver hands back time.Time values.

-- +goose Up
CREATE TABLE reference_sets (
    name           TEXT NOT NULL,
    version        TEXT NOT NULL,
    effective_from DATE NOT NULL,
    source         TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    loaded_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE complaint_categories (
    taxonomy_version TEXT NOT NULL,
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    confirmed        BOOLEAN NOT NULL,
    concern          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (taxonomy_version, code)
);

CREATE TABLE complaint_subcategories (
    taxonomy_version         TEXT NOT NULL,
    category_code            TEXT NOT NULL,
    code                     TEXT NOT NULL,
    name                     TEXT NOT NULL,
    confirmed                BOOLEAN NOT NULL,
    concern                  TEXT NOT NULL DEFAULT '',
    protected_characteristic TEXT NOT NULL DEFAULT '',
    use_of_force             BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (taxonomy_version, category_code, code),
    FOREIGN KEY (taxonomy_version, category_code) REFERENCES complaint_categories (taxonomy_version, code)
);

CREATE TABLE conduct_standards (
    standards_version TEXT NOT NULL,
    code              TEXT NOT NULL,
    number            INTEGER NOT NULL,
    title             TEXT NOT NULL,
    confirmed         BOOLEAN NOT NULL,
    PRIMARY KEY (standards_version, code)
);

CREATE TABLE rule_sets (
    code           TEXT PRIMARY KEY,
    effective_from DATE NOT NULL,
    title          TEXT NOT NULL
);

CREATE TABLE forces (
    id   TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE units (
    id       TEXT PRIMARY KEY,
    force_id TEXT NOT NULL REFERENCES forces (id),
    code     TEXT NOT NULL,
    name     TEXT NOT NULL,
    UNIQUE (force_id, code)
);

CREATE TABLE officers (
    id            TEXT PRIMARY KEY,
    force_id      TEXT NOT NULL REFERENCES forces (id),
    collar_number TEXT NOT NULL,
    given_name    TEXT NOT NULL DEFAULT '',
    family_name   TEXT NOT NULL,
    rank          TEXT NOT NULL,
    unit_id       TEXT REFERENCES units (id),
    joined_on     DATE NOT NULL,
    left_on       DATE,
    sex           TEXT NOT NULL DEFAULT '',
    ethnicity     TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (force_id, collar_number)
);
CREATE INDEX officers_unit ON officers (unit_id);
CREATE INDEX officers_name ON officers (family_name, given_name);

CREATE TABLE postings (
    id         TEXT PRIMARY KEY,
    officer_id TEXT NOT NULL REFERENCES officers (id),
    unit_id    TEXT NOT NULL REFERENCES units (id),
    rank       TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on   DATE
);
CREATE INDEX postings_officer ON postings (officer_id, started_on);

-- Names and contact details are sealed (AES-256-GCM, key id inside each
-- value); the columns hold envelopes, never plain text.
CREATE TABLE people (
    id             TEXT PRIMARY KEY,
    name_sealed    TEXT NOT NULL DEFAULT '',
    email_sealed   TEXT NOT NULL DEFAULT '',
    phone_sealed   TEXT NOT NULL DEFAULT '',
    address_sealed TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE case_references (
    prefix      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
    id          TEXT PRIMARY KEY,
    reference   TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('complaint', 'conduct_matter', 'recordable_conduct_matter', 'dsi_matter')),
    force_id    TEXT NOT NULL REFERENCES forces (id),
    unit_id     TEXT REFERENCES units (id),
    state       TEXT NOT NULL,
    rule_set    TEXT NOT NULL REFERENCES rule_sets (code),
    summary     TEXT NOT NULL,
    arose_on    DATE NOT NULL,
    received_at TIMESTAMP NOT NULL,
    restricted  BOOLEAN NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX cases_unit ON cases (unit_id);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_received ON cases (received_at);

CREATE TABLE case_parties (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('complainant', 'witness', 'affected_person')),
    person_id  TEXT REFERENCES people (id),
    officer_id TEXT REFERENCES officers (id),
    CHECK ((person_id IS NULL) <> (officer_id IS NULL))
);
CREATE INDEX case_parties_case ON case_parties (case_id);
CREATE INDEX case_parties_officer ON case_parties (officer_id);

CREATE TABLE allegations (
    id                       TEXT PRIMARY KEY,
    case_id                  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq                      INTEGER NOT NULL,
    taxonomy_version         TEXT NOT NULL,
    category                 TEXT NOT NULL,
    subcategory              TEXT,
    protected_characteristic TEXT NOT NULL DEFAULT '',
    description              TEXT NOT NULL DEFAULT '',
    occurred_on              DATE,
    standards_version        TEXT,
    source_category          TEXT NOT NULL DEFAULT '',
    UNIQUE (case_id, seq),
    FOREIGN KEY (taxonomy_version, category) REFERENCES complaint_categories (taxonomy_version, code),
    FOREIGN KEY (taxonomy_version, category, subcategory) REFERENCES complaint_subcategories (taxonomy_version, category_code, code)
);
CREATE INDEX allegations_category ON allegations (category);

CREATE TABLE allegation_standards (
    allegation_id     TEXT NOT NULL REFERENCES allegations (id) ON DELETE CASCADE,
    standards_version TEXT NOT NULL,
    standard_code     TEXT NOT NULL,
    PRIMARY KEY (allegation_id, standard_code),
    FOREIGN KEY (standards_version, standard_code) REFERENCES conduct_standards (standards_version, code)
);

CREATE TABLE subjects (
    allegation_id TEXT NOT NULL REFERENCES allegations (id) ON DELETE CASCADE,
    officer_id    TEXT NOT NULL REFERENCES officers (id),
    severity      TEXT NOT NULL DEFAULT '',
    finding       TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (allegation_id, officer_id)
);
CREATE INDEX subjects_officer ON subjects (officer_id);

CREATE TABLE case_events (
    id      TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    at      TIMESTAMP NOT NULL,
    actor   TEXT NOT NULL,
    type    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}',
    UNIQUE (case_id, seq)
);

-- Staff accounts. Roles and unit assignments are separate rows so a user
-- may hold several of each.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    officer_id    TEXT REFERENCES officers (id),
    disabled      BOOLEAN NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_units (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (user_id, unit_id)
);

-- +goose Down
DROP TABLE user_units;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE case_events;
DROP TABLE subjects;
DROP TABLE allegation_standards;
DROP TABLE allegations;
DROP TABLE case_parties;
DROP TABLE cases;
DROP TABLE case_references;
DROP TABLE people;
DROP TABLE postings;
DROP TABLE officers;
DROP TABLE units;
DROP TABLE forces;
DROP TABLE rule_sets;
DROP TABLE conduct_standards;
DROP TABLE complaint_subcategories;
DROP TABLE complaint_categories;
DROP TABLE reference_sets;
