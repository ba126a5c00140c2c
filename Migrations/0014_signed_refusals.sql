-- Signed refusals (docs/JOURNAL.md §8).
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
