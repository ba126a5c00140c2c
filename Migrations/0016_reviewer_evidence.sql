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
