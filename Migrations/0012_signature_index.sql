-- Signatures made elsewhere are recorded once.
--
-- A claim signed by a key's holder outside the ledger (prepared by `accord
-- serve`, signed with `accord key sign-claim`, sent back with a key-bound
-- token) carries a signature anyone who reads the journal can copy. Sent
-- again, the same claim with the same signature is the entry already
-- recorded, not a new one (docs/JOURNAL.md §4b): this index finds it.

CREATE INDEX journal_by_signature ON journal (signature) WHERE signature IS NOT NULL;
