-- Field ledgers for reviewers: the mission's evidence, proved (docs/JOURNAL.md §8).
--
-- A reviewer's field ledger also adopts the evidence other monitors recorded
-- in the mission ledger, as read-only copies. Each copy is proved like a
-- receipt: the mission entry's bytes, its inclusion proof and the signed
-- mission checkpoint are kept in field_receipts, marked `adopted` (the entry
-- came from the mission; it is never pushed back). `evidence_seq`: the mission
-- seq the adopted evidence is as of (NULL: the field ledger takes no evidence).
ALTER TABLE field_origin ADD COLUMN evidence_seq INTEGER CHECK (evidence_seq >= 0);

ALTER TABLE field_receipts ADD COLUMN adopted INTEGER NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1) AND (adopted = 0 OR mission_seq IS NOT NULL));

-- The mission's evidence entries a reviewer's field ledger did not adopt (one
-- that refers to an entry it does not hold, or whose id it holds for another
-- statement), with the reason: its reports say how many, since they may then
-- differ from the mission's. The field ledger's own statement, not proved.
CREATE TABLE field_skipped (
    mission_seq INTEGER PRIMARY KEY CHECK (mission_seq >= 1),
    reason      TEXT    NOT NULL
) STRICT;
