-- Field ledgers (docs/JOURNAL.md §8).
--
-- A field ledger is cloned from a mission ledger: it adopts the mission's
-- definitions as its own entries, its monitors log evidence offline, and it
-- pushes that evidence back. These two tables hold what is not in its
-- journal: where it came from, and what the mission answered for each pushed
-- entry. Neither exists in a mission ledger's rows (both stay empty).

-- The mission ledger it was cloned from (one row in a field ledger, none
-- otherwise). `mission_seq`: the mission seq its definitions are as of (its
-- last pull). `remote`: the server it was cloned from (NULL: from a bundle
-- file). Never a token. Not tamper-evident: reports that show it say so.
CREATE TABLE field_origin (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    mission_id  TEXT    NOT NULL,
    mission_seq INTEGER NOT NULL CHECK (mission_seq >= 0),
    remote      TEXT
) STRICT;

-- The mission's answer for each pushed entry (by local seq): a receipt —
-- the mission entry's bytes, its seq, the audit path from its leaf to the
-- root of the signed mission checkpoint stored with it — or the reason the
-- mission refused it. A receipt proves itself: `accord audit` verifies each
-- one again against the checkpoint and the mission keys this ledger holds.
CREATE TABLE field_receipts (
    seq           INTEGER PRIMARY KEY,
    mission_seq   INTEGER CHECK (mission_seq >= 1),
    mission_entry BLOB,
    proof         BLOB,
    checkpoint    TEXT,
    refused       TEXT,
    received_at   TEXT NOT NULL,
    CHECK ((mission_seq IS NULL) = (refused IS NOT NULL)),
    CHECK ((mission_seq IS NULL) = (mission_entry IS NULL) AND (mission_seq IS NULL) = (checkpoint IS NULL))
) STRICT;
