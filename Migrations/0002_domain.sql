-- The domain tables: projections of the journal, written in the same
-- transaction as the entry that creates each row. Every row carries the `seq`
-- of that entry. Rows are never deleted; the only updates are the one-time
-- marks `superseded_seq`, `retracted_seq` and `adjudication_seq`, set by the
-- later entry that supersedes, retracts or adjudicates (triggers refuse any
-- other change). So "as known at entry N" is a plain WHERE clause:
--     seq <= N AND (superseded_seq IS NULL OR superseded_seq > N) ...
-- Dates are kept as given (canonical text) and as UTC day numbers (days since
-- 1970-01-01) for comparison.

CREATE TABLE ledger (
    id          TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    seq         INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE parties (
    id    TEXT    PRIMARY KEY,
    name  TEXT    NOT NULL,
    kind  TEXT    CHECK (kind IN ('state', 'group', 'organisation')),
    seq   INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE agreements (
    id     TEXT    PRIMARY KEY,
    title  TEXT    NOT NULL,
    date   TEXT,
    venue  TEXT,
    seq    INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE commitments (
    id            TEXT    PRIMARY KEY,
    agreement     TEXT    NOT NULL REFERENCES agreements (id),
    party         TEXT    NOT NULL REFERENCES parties (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('quantity', 'action', 'restraint')),
    target        INTEGER CHECK (target > 0),
    unit          TEXT,
    due           TEXT,
    due_day       INTEGER,
    window_from   TEXT,
    from_day      INTEGER,
    window_until  TEXT,
    until_day     INTEGER,
    text          TEXT,
    seq           INTEGER NOT NULL UNIQUE,
    CHECK ((kind = 'quantity') = (target IS NOT NULL AND unit IS NOT NULL)),
    CHECK (kind <> 'restraint' OR (from_day IS NOT NULL AND due IS NULL)),
    CHECK (until_day IS NULL OR from_day IS NULL OR until_day >= from_day),
    CHECK ((due IS NULL) = (due_day IS NULL)),
    CHECK ((window_from IS NULL) = (from_day IS NULL)),
    CHECK ((window_until IS NULL) = (until_day IS NULL))
) STRICT;
CREATE INDEX commitments_party ON commitments (party);
CREATE INDEX commitments_agreement ON commitments (agreement);

-- Both directions of each reciprocal pair.
CREATE TABLE reciprocals (
    commitment   TEXT    PRIMARY KEY REFERENCES commitments (id),
    counterpart  TEXT    NOT NULL UNIQUE REFERENCES commitments (id),
    seq          INTEGER NOT NULL,
    CHECK (commitment <> counterpart)
) STRICT;

CREATE TABLE dependencies (
    commitment  TEXT    NOT NULL REFERENCES commitments (id),
    depends_on  TEXT    NOT NULL REFERENCES commitments (id),
    seq         INTEGER NOT NULL,
    PRIMARY KEY (commitment, depends_on),
    CHECK (commitment <> depends_on)
) STRICT, WITHOUT ROWID;

CREATE TABLE withdrawals (
    commitment  TEXT    PRIMARY KEY REFERENCES commitments (id),
    date        TEXT    NOT NULL,
    day         INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    seq         INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE guarantees (
    id                   TEXT    PRIMARY KEY,
    guarantor            TEXT    NOT NULL REFERENCES parties (id),
    consequence          TEXT    NOT NULL,
    respond_within_days  INTEGER NOT NULL CHECK (respond_within_days >= 0),
    seq                  INTEGER NOT NULL UNIQUE
) STRICT;

CREATE TABLE guarantee_covers (
    guarantee   TEXT NOT NULL REFERENCES guarantees (id),
    commitment  TEXT NOT NULL REFERENCES commitments (id),
    PRIMARY KEY (guarantee, commitment)
) STRICT, WITHOUT ROWID;
CREATE INDEX guarantee_covers_commitment ON guarantee_covers (commitment);

CREATE TABLE invocations (
    seq        INTEGER PRIMARY KEY,
    guarantee  TEXT    NOT NULL REFERENCES guarantees (id),
    date       TEXT    NOT NULL,
    day        INTEGER NOT NULL,
    note       TEXT
) STRICT;
CREATE INDEX invocations_guarantee ON invocations (guarantee);

-- External ids (a field form's row id) of verifications, breaches and
-- corroborations, one namespace: re-sending the same id is harmless.
CREATE TABLE external_ids (
    id      TEXT    PRIMARY KEY,
    record  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Each row is one version of a verification. `record` is the seq of the entry
-- that first recorded it (its identity); a correction adds a row with the
-- same `record` and marks the version it replaces with `superseded_seq`.
CREATE TABLE verifications (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    commitment       TEXT    NOT NULL REFERENCES commitments (id),
    quantity         INTEGER CHECK (quantity >= 0),
    outcome          TEXT    CHECK (outcome IN ('done', 'not_done')),
    observed         TEXT    NOT NULL,
    observed_day     INTEGER NOT NULL,
    precision        TEXT    NOT NULL CHECK (precision IN ('day', 'week', 'month')),
    source           TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind IN ('official', 'monitor', 'ngo', 'media', 'imagery', 'other')),
    confidence       TEXT    NOT NULL CHECK (confidence IN ('confirmed', 'probable', 'unverified')),
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND NOT evidence_sha256 GLOB '*[^0-9a-f]*'),
    evidence_uri     TEXT,
    note             TEXT,
    place            TEXT,
    lat              TEXT,
    lon              TEXT,
    geo_precision    TEXT    CHECK (geo_precision IN ('exact', 'near', 'region')),
    superseded_seq   INTEGER CHECK (superseded_seq > seq),
    retracted_seq    INTEGER CHECK (retracted_seq > seq),
    CHECK ((quantity IS NULL) <> (outcome IS NULL)),
    CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
CREATE INDEX verifications_commitment ON verifications (commitment, observed_day);
CREATE INDEX verifications_versions ON verifications (record) WHERE record <> seq;

CREATE TABLE breaches (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    commitment       TEXT    NOT NULL REFERENCES commitments (id),
    party            TEXT    NOT NULL REFERENCES parties (id),
    observed         TEXT    NOT NULL,
    observed_day     INTEGER NOT NULL,
    precision        TEXT    NOT NULL CHECK (precision IN ('day', 'week', 'month')),
    severity         TEXT    NOT NULL CHECK (severity IN ('minor', 'major', 'grave')),
    source           TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind IN ('official', 'monitor', 'ngo', 'media', 'imagery', 'other')),
    confidence       TEXT    NOT NULL CHECK (confidence IN ('confirmed', 'probable', 'unverified')),
    description      TEXT,
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND NOT evidence_sha256 GLOB '*[^0-9a-f]*'),
    evidence_uri     TEXT,
    note             TEXT,
    place            TEXT,
    lat              TEXT,
    lon              TEXT,
    geo_precision    TEXT    CHECK (geo_precision IN ('exact', 'near', 'region')),
    superseded_seq   INTEGER CHECK (superseded_seq > seq),
    retracted_seq    INTEGER CHECK (retracted_seq > seq),
    CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
CREATE INDEX breaches_commitment ON breaches (commitment, observed_day);
CREATE INDEX breaches_party ON breaches (party);
CREATE INDEX breaches_versions ON breaches (record) WHERE record <> seq;

-- Another source for a verification or breach (`record`); never adds quantity.
CREATE TABLE corroborations (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    source           TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind IN ('official', 'monitor', 'ngo', 'media', 'imagery', 'other')),
    confidence       TEXT    NOT NULL CHECK (confidence IN ('confirmed', 'probable', 'unverified')),
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND NOT evidence_sha256 GLOB '*[^0-9a-f]*'),
    evidence_uri     TEXT,
    note             TEXT,
    retracted_seq    INTEGER CHECK (retracted_seq > seq)
) STRICT;
CREATE INDEX corroborations_record ON corroborations (record);

CREATE TABLE corrections (
    seq     INTEGER PRIMARY KEY,
    record  INTEGER NOT NULL,
    reason  TEXT    NOT NULL
) STRICT;
CREATE INDEX corrections_record ON corrections (record);

-- `record` is the retracted verification, breach or corroboration.
CREATE TABLE retractions (
    seq     INTEGER PRIMARY KEY,
    record  INTEGER NOT NULL UNIQUE,
    reason  TEXT    NOT NULL
) STRICT;

CREATE TABLE disputes (
    seq               INTEGER PRIMARY KEY,
    record            INTEGER NOT NULL,
    disputed_by       TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    source            TEXT,
    adjudication_seq  INTEGER CHECK (adjudication_seq > seq)
) STRICT;
CREATE INDEX disputes_record ON disputes (record);

CREATE TABLE adjudications (
    seq      INTEGER PRIMARY KEY,
    record   INTEGER NOT NULL,
    ruling   TEXT    NOT NULL CHECK (ruling IN ('upheld', 'rejected')),
    reason   TEXT    NOT NULL
) STRICT;
CREATE INDEX adjudications_record ON adjudications (record);

-- Only the one-time marks may change, once, from NULL.
CREATE TRIGGER verifications_marks_only BEFORE UPDATE ON verifications
WHEN NOT (OLD.superseded_seq IS NULL OR OLD.superseded_seq IS NEW.superseded_seq)
  OR NOT (OLD.retracted_seq IS NULL OR OLD.retracted_seq IS NEW.retracted_seq)
  OR NEW.seq IS NOT OLD.seq OR NEW.record IS NOT OLD.record OR NEW.external_id IS NOT OLD.external_id
  OR NEW.commitment IS NOT OLD.commitment OR NEW.quantity IS NOT OLD.quantity OR NEW.outcome IS NOT OLD.outcome
  OR NEW.observed IS NOT OLD.observed OR NEW.observed_day IS NOT OLD.observed_day OR NEW.precision IS NOT OLD.precision
  OR NEW.source IS NOT OLD.source OR NEW.source_kind IS NOT OLD.source_kind OR NEW.confidence IS NOT OLD.confidence
  OR NEW.evidence_sha256 IS NOT OLD.evidence_sha256 OR NEW.evidence_uri IS NOT OLD.evidence_uri OR NEW.note IS NOT OLD.note
  OR NEW.place IS NOT OLD.place OR NEW.lat IS NOT OLD.lat OR NEW.lon IS NOT OLD.lon OR NEW.geo_precision IS NOT OLD.geo_precision
BEGIN
    SELECT RAISE(ABORT, 'verifications are never changed, only marked superseded or retracted once');
END;

CREATE TRIGGER breaches_marks_only BEFORE UPDATE ON breaches
WHEN NOT (OLD.superseded_seq IS NULL OR OLD.superseded_seq IS NEW.superseded_seq)
  OR NOT (OLD.retracted_seq IS NULL OR OLD.retracted_seq IS NEW.retracted_seq)
  OR NEW.seq IS NOT OLD.seq OR NEW.record IS NOT OLD.record OR NEW.external_id IS NOT OLD.external_id
  OR NEW.commitment IS NOT OLD.commitment OR NEW.party IS NOT OLD.party
  OR NEW.observed IS NOT OLD.observed OR NEW.observed_day IS NOT OLD.observed_day OR NEW.precision IS NOT OLD.precision
  OR NEW.severity IS NOT OLD.severity OR NEW.source IS NOT OLD.source OR NEW.source_kind IS NOT OLD.source_kind
  OR NEW.confidence IS NOT OLD.confidence OR NEW.description IS NOT OLD.description
  OR NEW.evidence_sha256 IS NOT OLD.evidence_sha256 OR NEW.evidence_uri IS NOT OLD.evidence_uri OR NEW.note IS NOT OLD.note
  OR NEW.place IS NOT OLD.place OR NEW.lat IS NOT OLD.lat OR NEW.lon IS NOT OLD.lon OR NEW.geo_precision IS NOT OLD.geo_precision
BEGIN
    SELECT RAISE(ABORT, 'breaches are never changed, only marked superseded or retracted once');
END;

CREATE TRIGGER corroborations_marks_only BEFORE UPDATE ON corroborations
WHEN NOT (OLD.retracted_seq IS NULL OR OLD.retracted_seq IS NEW.retracted_seq)
  OR NEW.seq IS NOT OLD.seq OR NEW.record IS NOT OLD.record OR NEW.external_id IS NOT OLD.external_id
  OR NEW.source IS NOT OLD.source OR NEW.source_kind IS NOT OLD.source_kind OR NEW.confidence IS NOT OLD.confidence
  OR NEW.evidence_sha256 IS NOT OLD.evidence_sha256 OR NEW.evidence_uri IS NOT OLD.evidence_uri OR NEW.note IS NOT OLD.note
BEGIN
    SELECT RAISE(ABORT, 'corroborations are never changed, only marked retracted once');
END;

CREATE TRIGGER disputes_marks_only BEFORE UPDATE ON disputes
WHEN NOT (OLD.adjudication_seq IS NULL OR OLD.adjudication_seq IS NEW.adjudication_seq)
  OR NEW.seq IS NOT OLD.seq OR NEW.record IS NOT OLD.record OR NEW.disputed_by IS NOT OLD.disputed_by
  OR NEW.reason IS NOT OLD.reason OR NEW.source IS NOT OLD.source
BEGIN
    SELECT RAISE(ABORT, 'disputes are never changed, only marked adjudicated once');
END;

-- Running totals, kept in the same transaction as each entry so that reports
-- read totals rather than events. They are a pure function of the current
-- records (a cache): `accord audit` recomputes them from the journal.
-- `confidence` is a rank: 0 confirmed, 1 probable, 2 unverified. A record is
-- filed under its effective confidence (the highest of its own and its
-- corroborations'); a source under its own.
CREATE TABLE commitment_totals (
    commitment        TEXT    NOT NULL,
    confidence        INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 2),
    records           INTEGER NOT NULL CHECK (records > 0),
    quantity          INTEGER NOT NULL,
    done              INTEGER NOT NULL,
    not_done          INTEGER NOT NULL,
    breaches          INTEGER NOT NULL,
    last_day          INTEGER NOT NULL,
    first_breach_day  INTEGER,
    PRIMARY KEY (commitment, confidence)
) STRICT, WITHOUT ROWID;

CREATE TABLE daily_totals (
    commitment  TEXT    NOT NULL,
    day         INTEGER NOT NULL,
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 2),
    records     INTEGER NOT NULL CHECK (records > 0),
    quantity    INTEGER NOT NULL,
    done        INTEGER NOT NULL,
    not_done    INTEGER NOT NULL,
    breaches    INTEGER NOT NULL,
    PRIMARY KEY (commitment, day, confidence)
) STRICT, WITHOUT ROWID;

CREATE TABLE source_totals (
    commitment  TEXT    NOT NULL,
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 2),
    source      TEXT    NOT NULL,
    refs        INTEGER NOT NULL CHECK (refs > 0),
    PRIMARY KEY (commitment, confidence, source)
) STRICT, WITHOUT ROWID;

CREATE TABLE daily_source_totals (
    commitment  TEXT    NOT NULL,
    day         INTEGER NOT NULL,
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 2),
    source      TEXT    NOT NULL,
    refs        INTEGER NOT NULL CHECK (refs > 0),
    PRIMARY KEY (commitment, day, confidence, source)
) STRICT, WITHOUT ROWID;

-- The right edge of the RFC 6962 Merkle tree over the journal's leaf hashes
-- (one hash per complete subtree, largest first), so appending is O(log n),
-- and the hashes of complete subtrees of 1,024 leaves or more, for proofs.
CREATE TABLE merkle_frontier (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    size    INTEGER NOT NULL CHECK (size >= 0),
    hashes  BLOB    NOT NULL
) STRICT;

CREATE TABLE merkle_nodes (
    level  INTEGER NOT NULL CHECK (level >= 10),
    idx    INTEGER NOT NULL CHECK (idx >= 0),
    hash   BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
