-- The journal without a stored leaf hash.
--
-- `leaf_hash` held SHA-256(0x00 ‖ entry) for each entry: 32 bytes (and a
-- header byte) of every row, 35 of the 442 bytes an event took in a
-- 100,000-event ledger (docs/PERFORMANCE.md, "Journal without a stored leaf
-- hash"). It repeated what the `entry` column already determines, and the
-- next entry's bytes name it again as their previous hash. Accord now
-- computes it from the entry wherever it is needed: the writer hashes the
-- last entry when it opens and checks it against the stored Merkle edge
-- (`merkle_frontier`, which holds the rest of the tree) by hashing the edge's
-- smallest subtree again (the last 2^k entries, k the trailing zero bits of
-- the size; at most the 1,024 of the last entry's block); the root a read
-- prints hashes the block of 1,024 holding the last entry (`merkle_nodes`
-- caches the other blocks), a proof also its leaf's block; `accord journal
-- export` prints it as `leafHash`; `accord audit` computes it from each
-- entry, as it always did. Before this migration runs, the upgrade checks
-- every stored leaf hash against its entry. After it there is no stored copy
-- left to tamper with: an edited entry changes its hash, which the audit
-- checks against the next entry's previous hash, the Merkle edge, the cached
-- subtrees and the checkpoints.
--
-- The view `journal_entries` loses its `leaf_hash` column: the sqlite3 shell
-- has no SHA-256, so the view could only show a stored copy (what is removed
-- here) or the claim the next entry makes (absent for the last entry, and
-- what a verifier must check, not take). `accord journal export` gives
-- `leafHash`; a verifier computes it as SHA-256(0x00 ‖ entry)
-- (docs/JOURNAL.md, "Leaf hashes are not stored", at its start).
--
-- The journal is rebuilt as in migration 0015 (a temporary copy, dropped,
-- created again, filled in seq order, then its triggers and index), not
-- renamed: a rename makes SQLite re-parse every object of the schema. The
-- views that read `journal_entries` are left as they are: they do not read
-- `leaf_hash`, and SQLite checks a view only when it is used. Upgrading a
-- ledger rebuilds every projection from the journal after this.

DROP VIEW journal_entries;

CREATE TEMP TABLE journal_old AS
SELECT seq, kind_code, recorded_ms, actor, signer, entry, signature FROM journal;
DROP TABLE journal;
CREATE TABLE journal (
    seq          INTEGER PRIMARY KEY CHECK (seq >= 1),
    kind_code    INTEGER NOT NULL,
    recorded_ms  INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    signer       TEXT,
    entry        BLOB    NOT NULL,
    signature    BLOB    CHECK (signature IS NULL OR length(signature) = 64),
    CHECK ((signer IS NULL) = (signature IS NULL))
) STRICT;
INSERT INTO journal (seq, kind_code, recorded_ms, actor, signer, entry, signature)
SELECT seq, kind_code, recorded_ms, actor, signer, entry, signature
FROM temp.journal_old ORDER BY seq;
DROP TABLE temp.journal_old;

CREATE TRIGGER journal_contiguous BEFORE INSERT ON journal
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM journal)
BEGIN
    SELECT RAISE(ABORT, 'journal entries are appended in sequence');
END;

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: entries are never updated');
END;

CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: entries are never deleted');
END;

CREATE INDEX journal_by_signature ON journal (signature) WHERE signature IS NOT NULL;

-- The journal, readable: each entry's kind by name and its time as text (its
-- leaf hash: `accord journal export`, or SHA-256(0x00 ‖ entry)).
CREATE VIEW journal_entries AS
SELECT seq,
       CASE kind_code
           WHEN 1 THEN 'ledger.create' WHEN 2 THEN 'party.add' WHEN 3 THEN 'agreement.add'
           WHEN 4 THEN 'commitment.add' WHEN 5 THEN 'commitment.withdraw' WHEN 6 THEN 'guarantee.add'
           WHEN 7 THEN 'guarantee.invoke' WHEN 8 THEN 'verification' WHEN 9 THEN 'breach'
           WHEN 10 THEN 'corroboration' WHEN 11 THEN 'correction' WHEN 12 THEN 'retraction'
           WHEN 13 THEN 'dispute' WHEN 14 THEN 'adjudication' WHEN 15 THEN 'key.register'
           WHEN 16 THEN 'key.revoke' WHEN 17 THEN 'ledger.upgrade' WHEN 18 THEN 'amendment'
           WHEN 19 THEN 'void' WHEN 20 THEN 'token.issue' WHEN 21 THEN 'token.revoke'
       END AS kind,
       strftime('%Y-%m-%dT%H:%M:%fZ', recorded_ms / 1000.0, 'unixepoch') AS recorded_at,
       actor, signer, length(entry) AS bytes
FROM journal;
