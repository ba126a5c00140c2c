-- The journal without the `recorded_ms` and `actor` columns (schema 20).
--
-- Both repeated, for every row, what the `entry` bytes hold at fixed places
-- (docs/JOURNAL.md §1, "Entry"): the recording time is the big-endian i64 of
-- bytes 10-17 in every version, and the actor the `str` (a u32 big-endian
-- length, then UTF-8) right after it, at byte 18 in version 1 and after the
-- clock byte, at byte 19, in versions 2 and 3. Together some 13 of the 407
-- bytes an event took in a 100,000-event ledger (docs/PERFORMANCE.md,
-- "Journal without time and actor columns"). Accord now reads them from the
-- entry wherever it needs them: the writer no longer stores them; a state "as
-- of" a time finds its entry by a binary search over seq on the entries' own
-- times (which never decrease along the journal; the audit checks that); the
-- journal export and the audit's check of the server's idempotency keys read
-- the entry's time and actor; the audit's check that the columns agree with
-- the entry bytes keeps `kind_code` and `signer` (still stored: filters and
-- the signature index use them). Before this migration runs, the upgrade
-- checks every row's `recorded_ms` and `actor` against its entry (byte for
-- byte), as the audit did: once the columns are gone, a column altered
-- without its entry would leave no trace. After it there is no copy left to
-- disagree with the entry, whose bytes the chain, the Merkle tree and the
-- checkpoints cover.
--
-- The view `journal_entries` keeps its columns and their values: it decodes
-- `recorded_at` and `actor` from the entry bytes in SQL (below). The views
-- that read `journal_entries` (record_history, current_verifications,
-- current_breaches) are left as they are.
--
-- The journal is rebuilt as in migration 0018 (a temporary copy, dropped,
-- created again, filled in seq order, then its triggers and index), not
-- renamed: a rename makes SQLite re-parse every object of the schema.
-- Upgrading a ledger rebuilds every projection from the journal after this.

DROP VIEW journal_entries;

CREATE TEMP TABLE journal_old AS
SELECT seq, kind_code, signer, entry, signature FROM journal;
DROP TABLE journal;
CREATE TABLE journal (
    seq          INTEGER PRIMARY KEY CHECK (seq >= 1),
    kind_code    INTEGER NOT NULL,
    signer       TEXT,
    entry        BLOB    NOT NULL,
    signature    BLOB    CHECK (signature IS NULL OR length(signature) = 64),
    CHECK ((signer IS NULL) = (signature IS NULL))
) STRICT;
INSERT INTO journal (seq, kind_code, signer, entry, signature)
SELECT seq, kind_code, signer, entry, signature
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

-- The journal, readable: each entry's kind by name, and its time as text and
-- its actor read from the entry's bytes (docs/JOURNAL.md §1, "Entry"). `t` is
-- the hex of bytes 10-17, the recording time (a big-endian i64 of
-- milliseconds since 1970); `v` is 0 for a version-1 entry (no clock byte)
-- and 1 for a later one, so the actor's u32 big-endian length is at bytes
-- 18+v..21+v (its hex is `n`) and its UTF-8 starts at byte 22+v. Each hex
-- digit's value is its position in '123456789ABCDEF' (0 for '0'), shifted
-- into place; the shifts are on 64-bit integers, so a time before 1970 (a
-- negative i64) comes out negative, as written. The sqlite3 shell of
-- SQLite 3.40 has no unhex(), hence the digits.
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
       strftime('%Y-%m-%dT%H:%M:%fZ', ((instr('123456789ABCDEF', substr(t, 1, 1)) << 60) | (instr('123456789ABCDEF', substr(t, 2, 1)) << 56) |
                (instr('123456789ABCDEF', substr(t, 3, 1)) << 52) | (instr('123456789ABCDEF', substr(t, 4, 1)) << 48) |
                (instr('123456789ABCDEF', substr(t, 5, 1)) << 44) | (instr('123456789ABCDEF', substr(t, 6, 1)) << 40) |
                (instr('123456789ABCDEF', substr(t, 7, 1)) << 36) | (instr('123456789ABCDEF', substr(t, 8, 1)) << 32) |
                (instr('123456789ABCDEF', substr(t, 9, 1)) << 28) | (instr('123456789ABCDEF', substr(t, 10, 1)) << 24) |
                (instr('123456789ABCDEF', substr(t, 11, 1)) << 20) | (instr('123456789ABCDEF', substr(t, 12, 1)) << 16) |
                (instr('123456789ABCDEF', substr(t, 13, 1)) << 12) | (instr('123456789ABCDEF', substr(t, 14, 1)) << 8) |
                (instr('123456789ABCDEF', substr(t, 15, 1)) << 4) | (instr('123456789ABCDEF', substr(t, 16, 1)) << 0)) / 1000.0, 'unixepoch') AS recorded_at,
       CAST(substr(entry, 22 + v, (instr('123456789ABCDEF', substr(n, 1, 1)) << 28) | (instr('123456789ABCDEF', substr(n, 2, 1)) << 24) |
                           (instr('123456789ABCDEF', substr(n, 3, 1)) << 20) | (instr('123456789ABCDEF', substr(n, 4, 1)) << 16) |
                           (instr('123456789ABCDEF', substr(n, 5, 1)) << 12) | (instr('123456789ABCDEF', substr(n, 6, 1)) << 8) |
                           (instr('123456789ABCDEF', substr(n, 7, 1)) << 4) | (instr('123456789ABCDEF', substr(n, 8, 1)) << 0)) AS TEXT) AS actor,
       signer, length(entry) AS bytes
FROM (SELECT seq, kind_code, signer, entry, hex(substr(entry, 10, 8)) AS t, v,
             hex(substr(entry, 18 + v, 4)) AS n
      FROM (SELECT seq, kind_code, signer, entry, substr(entry, 1, 1) <> x'01' AS v FROM journal));
