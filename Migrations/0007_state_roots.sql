-- State roots (docs/JOURNAL.md, "State roots").
--
-- The last entry of every write transaction carries a digest of the
-- projections it leaves behind, so that a report can check the rows it reads
-- against the journal without replaying it. The digest is built from one leaf
-- per entity (a party, an agreement, a commitment with its totals, a
-- guarantee, a key, the ledger itself), grouped into 256 buckets by the first
-- byte of SHA-256 of the entity's key; these tables keep the leaves and
-- buckets so that a write recomputes only what it changed. Like every other
-- projection they are re-derived by `accord audit`.
--
-- Upgrading a ledger to this schema rebuilds every projection from the
-- journal and records a `ledger.upgrade` entry carrying the first state root.
-- The rebuilt `source_totals` and `daily_source_totals` key each source by its
-- comparison key (case, compatibility forms, look-alike letters and spacing
-- folded: docs/JOURNAL.md), so that spellings of one source count once.

CREATE TABLE state_leaves (
    bucket  INTEGER NOT NULL CHECK (bucket BETWEEN 0 AND 255),
    entity  TEXT    NOT NULL,
    hash    BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (bucket, entity)
) STRICT, WITHOUT ROWID;

CREATE TABLE state_buckets (
    bucket  INTEGER PRIMARY KEY CHECK (bucket BETWEEN 0 AND 255),
    hash    BLOB    NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- Per commitment: the digest of its per-day totals (reports read those rows
-- for a date before its latest evidence), and two chains over the entries
-- behind its verification and breach records, in journal order:
-- chain = SHA-256(previous chain ‖ u64 seq ‖ the entry's content hash).
-- Listings re-read those entries and check them against the chains.
CREATE TABLE commitment_digests (
    commitment     TEXT PRIMARY KEY,
    daily          BLOB NOT NULL CHECK (length(daily) = 32),
    verifications  BLOB NOT NULL CHECK (length(verifications) = 32),
    breaches       BLOB NOT NULL CHECK (length(breaches) = 32)
) STRICT, WITHOUT ROWID;

-- What each record under a pending dispute would add to its commitment
-- (reports mark the commitment disputed when one of these would count).
CREATE TABLE disputed_contributions (
    record      INTEGER PRIMARY KEY,
    commitment  TEXT    NOT NULL,
    day         INTEGER NOT NULL,
    rank        INTEGER NOT NULL CHECK (rank BETWEEN 0 AND 2)
) STRICT;

-- Quantities are exact decimals: a commitment's quantities and target are
-- counted in units of 10^-decimals of its unit.
ALTER TABLE commitments ADD COLUMN decimals INTEGER NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 6);

-- Keys have a role, and may sign for actor names besides their own.
ALTER TABLE keys ADD COLUMN role TEXT NOT NULL DEFAULT 'monitor' CHECK (role = 'monitor' OR role = 'admin');
ALTER TABLE keys ADD COLUMN actors TEXT NOT NULL DEFAULT '';

DROP TRIGGER keys_revoke_only;
CREATE TRIGGER keys_revoke_only BEFORE UPDATE ON keys
WHEN OLD.revoked_seq IS NOT NULL OR NEW.name IS NOT OLD.name OR NEW.public_key IS NOT OLD.public_key
  OR NEW.key_id IS NOT OLD.key_id OR NEW.registered_seq IS NOT OLD.registered_seq
  OR NEW.role IS NOT OLD.role OR NEW.actors IS NOT OLD.actors
BEGIN
    SELECT RAISE(ABORT, 'keys are never changed, only revoked once');
END;
