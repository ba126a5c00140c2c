-- The journal: every change to the ledger is one entry, appended here and
-- never updated or deleted. `entry` holds the canonical bytes specified in
-- docs/JOURNAL.md; the other columns repeat parts of it for people reading the
-- file with the sqlite3 shell, and `accord audit` checks that they agree.

CREATE TABLE journal (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    kind        TEXT    NOT NULL CHECK (length(kind) > 0),
    recorded_at TEXT    NOT NULL CHECK (length(recorded_at) = 24),
    actor       TEXT    NOT NULL,
    signer      TEXT,
    entry       BLOB    NOT NULL,
    leaf_hash   BLOB    NOT NULL CHECK (length(leaf_hash) = 32),
    signature   BLOB    CHECK (signature IS NULL OR length(signature) = 64),
    CHECK ((signer IS NULL) = (signature IS NULL))
) STRICT;

-- Sequence numbers are contiguous: each entry is the one after the last.
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
