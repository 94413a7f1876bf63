-- Categories and standards (issue 18, item 12). SQLite dialect.
--
-- Domestic abuse becomes a flag on an allegation, beside its category: as
-- a category of its own ("domestic-abuse" in taxonomy iopc-2020) it
-- displaced the real one in the statutory data return. Allegations
-- recorded under it keep the flag and are left with no category: the old
-- category said nothing about which national category applies, and a
-- guessed one would put a wrong figure in the return, which counts them
-- as not categorised until someone records the real one. Reviews of
-- vetting opened by it keep the flag the same way.
--
-- A conduct matter is classified by the Standards of Professional
-- Behaviour, its category optional, so allegations.category may be NULL.
-- SQLite cannot drop a NOT NULL constraint in place: the table is rebuilt
-- with foreign keys off (they cannot be switched inside a transaction,
-- hence NO TRANSACTION and the explicit BEGIN), so that dropping the old
-- table cascades to nothing that refers to it.
--
-- Each category and sub-category gains its IOPC code. Taxonomy iopc-2020
-- is corrected in place rather than given a new version: its domestic
-- abuse entry was never a category in the guidance, and cases recorded
-- under it are moved above. Its reference_sets row is removed so that
-- the next start reloads the corrected file over the rows kept here.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE allegations_new (
    id                       TEXT PRIMARY KEY,
    case_id                  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq                      INTEGER NOT NULL,
    taxonomy_version         TEXT NOT NULL,
    category                 TEXT,
    subcategory              TEXT,
    protected_characteristic TEXT NOT NULL DEFAULT '',
    description              TEXT NOT NULL DEFAULT '',
    occurred_on              DATE,
    standards_version        TEXT,
    source_category          TEXT NOT NULL DEFAULT '',
    domestic_abuse           BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (case_id, seq),
    FOREIGN KEY (taxonomy_version, category) REFERENCES complaint_categories (taxonomy_version, code),
    FOREIGN KEY (taxonomy_version, category, subcategory) REFERENCES complaint_subcategories (taxonomy_version, category_code, code)
);
INSERT INTO allegations_new (id, case_id, seq, taxonomy_version, category, subcategory, protected_characteristic,
        description, occurred_on, standards_version, source_category, domestic_abuse)
    SELECT id, case_id, seq, taxonomy_version,
        CASE WHEN category = 'domestic-abuse' THEN NULL ELSE category END,
        CASE WHEN category = 'domestic-abuse' THEN NULL ELSE subcategory END,
        protected_characteristic, description, occurred_on, standards_version, source_category,
        CASE WHEN category = 'domestic-abuse' THEN 1 ELSE 0 END
    FROM allegations;
DROP TABLE allegations;
ALTER TABLE allegations_new RENAME TO allegations;
CREATE INDEX allegations_category ON allegations (category);

ALTER TABLE vetting_reviews ADD COLUMN domestic_abuse BOOLEAN NOT NULL DEFAULT 0;
UPDATE vetting_reviews SET domestic_abuse = 1, category = '', subcategory = '' WHERE category = 'domestic-abuse';

DELETE FROM complaint_subcategories WHERE category_code = 'domestic-abuse';
DELETE FROM complaint_categories WHERE code = 'domestic-abuse';
ALTER TABLE complaint_categories ADD COLUMN iopc_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaint_categories ADD COLUMN iopc_code_confirmed BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE complaint_subcategories ADD COLUMN iopc_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaint_subcategories ADD COLUMN iopc_code_confirmed BOOLEAN NOT NULL DEFAULT 0;
DELETE FROM reference_sets WHERE name = 'complaint-categories' AND version = 'iopc-2020';
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- Undoing puts domestic abuse back as a category. It refuses (NOT NULL)
-- while any allegation has no category and no flag: such a conduct
-- matter cannot be written in the older form.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
INSERT INTO complaint_categories (taxonomy_version, code, name, confirmed, concern)
    SELECT 'iopc-2020', 'domestic-abuse', 'Domestic abuse', 0, 'domestic abuse'
    WHERE EXISTS (SELECT 1 FROM complaint_categories WHERE taxonomy_version = 'iopc-2020')
    ON CONFLICT DO NOTHING;
CREATE TABLE allegations_old (
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
INSERT INTO allegations_old (id, case_id, seq, taxonomy_version, category, subcategory, protected_characteristic,
        description, occurred_on, standards_version, source_category)
    SELECT id, case_id, seq, taxonomy_version,
        CASE WHEN category IS NULL AND domestic_abuse THEN 'domestic-abuse' ELSE category END,
        subcategory, protected_characteristic, description, occurred_on, standards_version, source_category
    FROM allegations;
DROP TABLE allegations;
ALTER TABLE allegations_old RENAME TO allegations;
CREATE INDEX allegations_category ON allegations (category);
UPDATE vetting_reviews SET category = 'domestic-abuse' WHERE domestic_abuse AND category = '';
ALTER TABLE vetting_reviews DROP COLUMN domestic_abuse;
ALTER TABLE complaint_subcategories DROP COLUMN iopc_code_confirmed;
ALTER TABLE complaint_subcategories DROP COLUMN iopc_code;
ALTER TABLE complaint_categories DROP COLUMN iopc_code_confirmed;
ALTER TABLE complaint_categories DROP COLUMN iopc_code;
COMMIT;
PRAGMA foreign_keys = ON;
