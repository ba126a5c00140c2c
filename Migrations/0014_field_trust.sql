-- Field ledgers: the mission's word signed, the field's history proved (docs/JOURNAL.md §8).
--
-- A field ledger keeps the mission's refusal of a pushed entry only with the
-- mission's signature over it: a signed note (by a mission admin key, as the
-- receipts' checkpoints are) naming the field ledger, the local seq, the
-- SHA-256 of the entry's claim and the reason. `accord audit` verifies each
-- again. Refusals stored before this migration carried no signature: they
-- are dropped, so those entries are pending again and the next push asks the
-- mission, which answers with a signed refusal (or a receipt).
DELETE FROM field_receipts WHERE refused IS NOT NULL;

ALTER TABLE field_receipts ADD COLUMN refusal_note TEXT CHECK ((refusal_note IS NULL) = (refused IS NULL));

-- A field ledger's own history, proved append-only from bundle to bundle.
-- Field side: the field ledger's checkpoint (size, root) each push bundle
-- carried, kept until the mission says it holds a later one; each bundle
-- carries a consistency proof from every size here to its own.
CREATE TABLE field_bundles (
    size INTEGER PRIMARY KEY CHECK (size >= 1),
    root BLOB    NOT NULL CHECK (length(root) = 32)
) STRICT;

-- Mission side: the latest checkpoint of each field ledger a bundle applied
-- here proved (by field ledger id). A later bundle must prove it extends it.
CREATE TABLE field_checkpoints (
    field TEXT    PRIMARY KEY,
    size  INTEGER NOT NULL CHECK (size >= 1),
    root  BLOB    NOT NULL CHECK (length(root) = 32)
) STRICT;
