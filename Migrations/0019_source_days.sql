-- Per-day sources inside their source's row.
--
-- `daily_source_totals` held one row per commitment, day, confidence and
-- source (the records that cited the source that day): 28 of the 407 bytes an
-- event took in a 100,000-event ledger, its key repeating the commitment and
-- source names of the `source_totals` row beside it, about three rows for
-- each (docs/PERFORMANCE.md, "Per-day sources in their source's row"). The
-- table is gone; `source_totals` keeps one row per commitment, confidence and
-- source, as before, with the same days and counts in its new column `days`:
-- a BLOB of (day, refs) pairs in ascending day, as varints (the gap from the
-- day before, the first day zigzag-coded, the low bit telling whether refs
-- follow, else refs is 1), in the one shortest form (docs/JOURNAL.md, "State
-- roots", gives the bytes). `refs`, the sum of the days' counts, is dropped:
-- it repeated what `days` holds.
--
-- The digest of a commitment's per-day rows (`commitment_digests.daily`)
-- hashes each day of `days` as the `daily_source_totals` row it stands for,
-- so its bytes and every state root are unchanged, and the roots in entries
-- written before this migration still check (an "as of" read replays them).
-- A `days` value that is not exactly the encoding of a list is refused as
-- tampered by the reads and writes that use it; the audit compares it, byte
-- for byte, with the one it re-derives.
--
-- The auditor views read `source_totals` only for its distinct sources, which
-- are unchanged. The rows are not carried over: upgrading a ledger rebuilds
-- every projection from the journal after this (a ledger without entries has
-- none).

DROP TABLE daily_source_totals;
DROP TABLE source_totals;
CREATE TABLE source_totals (
    commitment  TEXT    NOT NULL,
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 2),
    source      TEXT    NOT NULL,
    days        BLOB    NOT NULL CHECK (length(days) > 0),
    PRIMARY KEY (commitment, confidence, source)
) STRICT, WITHOUT ROWID;
