-- Categories and standards (issue 18, item 12). PostgreSQL dialect.
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
--
-- Each category and sub-category gains its IOPC code. Taxonomy iopc-2020
-- is corrected in place rather than given a new version: its domestic
-- abuse entry was never a category in the guidance, and cases recorded
-- under it are moved above. Its reference_sets row is removed so that
-- the next start reloads the corrected file over the rows kept here.

-- +goose Up
ALTER TABLE allegations ALTER COLUMN category DROP NOT NULL;
ALTER TABLE allegations ADD COLUMN domestic_abuse BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE allegations SET domestic_abuse = TRUE, category = NULL, subcategory = NULL WHERE category = 'domestic-abuse';

ALTER TABLE vetting_reviews ADD COLUMN domestic_abuse BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE vetting_reviews SET domestic_abuse = TRUE, category = '', subcategory = '' WHERE category = 'domestic-abuse';

DELETE FROM complaint_subcategories WHERE category_code = 'domestic-abuse';
DELETE FROM complaint_categories WHERE code = 'domestic-abuse';
ALTER TABLE complaint_categories ADD COLUMN iopc_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaint_categories ADD COLUMN iopc_code_confirmed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE complaint_subcategories ADD COLUMN iopc_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaint_subcategories ADD COLUMN iopc_code_confirmed BOOLEAN NOT NULL DEFAULT FALSE;
DELETE FROM reference_sets WHERE name = 'complaint-categories' AND version = 'iopc-2020';

-- +goose Down
-- Undoing puts domestic abuse back as a category. It refuses (NOT NULL)
-- while any allegation has no category and no flag: such a conduct
-- matter cannot be written in the older form.
INSERT INTO complaint_categories (taxonomy_version, code, name, confirmed, concern)
    SELECT 'iopc-2020', 'domestic-abuse', 'Domestic abuse', FALSE, 'domestic abuse'
    WHERE EXISTS (SELECT 1 FROM complaint_categories WHERE taxonomy_version = 'iopc-2020')
    ON CONFLICT DO NOTHING;
UPDATE allegations SET category = 'domestic-abuse' WHERE category IS NULL AND domestic_abuse;
ALTER TABLE allegations ALTER COLUMN category SET NOT NULL;
ALTER TABLE allegations DROP COLUMN domestic_abuse;
UPDATE vetting_reviews SET category = 'domestic-abuse' WHERE domestic_abuse AND category = '';
ALTER TABLE vetting_reviews DROP COLUMN domestic_abuse;
ALTER TABLE complaint_subcategories DROP COLUMN iopc_code_confirmed;
ALTER TABLE complaint_subcategories DROP COLUMN iopc_code;
ALTER TABLE complaint_categories DROP COLUMN iopc_code_confirmed;
ALTER TABLE complaint_categories DROP COLUMN iopc_code;
