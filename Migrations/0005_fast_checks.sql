-- Faster CHECKs on the tables that take one row per event.
--
-- A `CHECK (column IN ('a', 'b', ...))` makes SQLite build a small temporary
-- index every time a row is inserted, which was half the work of a bulk
-- import. `column = 'a' OR column = 'b' ...` checks the same thing without
-- one. SQLite cannot alter a CHECK, so verifications, breaches and
-- corroborations are rebuilt (the documented procedure: create the new table,
-- copy, drop the old, rename), with their indexes and triggers, and the views
-- that read them are dropped first and recreated unchanged.

DROP VIEW current_breaches;
DROP VIEW current_verifications;
DROP VIEW record_history;

CREATE TABLE verifications_new (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    commitment       TEXT    NOT NULL REFERENCES commitments (id),
    quantity         INTEGER CHECK (quantity >= 0),
    outcome          TEXT    CHECK (outcome = 'done' OR outcome = 'not_done'),
    observed         TEXT    NOT NULL,
    observed_day     INTEGER NOT NULL,
    precision        TEXT    NOT NULL CHECK (precision = 'day' OR precision = 'week' OR precision = 'month'),
    source           TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind = 'official' OR source_kind = 'monitor' OR source_kind = 'ngo' OR source_kind = 'media' OR source_kind = 'imagery' OR source_kind = 'other'),
    confidence       TEXT    NOT NULL CHECK (confidence = 'confirmed' OR confidence = 'probable' OR confidence = 'unverified'),
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND NOT evidence_sha256 GLOB '*[^0-9a-f]*'),
    evidence_uri     TEXT,
    note             TEXT,
    place            TEXT,
    lat              TEXT,
    lon              TEXT,
    geo_precision    TEXT    CHECK (geo_precision = 'exact' OR geo_precision = 'near' OR geo_precision = 'region'),
    superseded_seq   INTEGER CHECK (superseded_seq > seq),
    retracted_seq    INTEGER CHECK (retracted_seq > seq),
    CHECK ((quantity IS NULL) <> (outcome IS NULL)),
    CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
INSERT INTO verifications_new SELECT * FROM verifications;
DROP TABLE verifications;
ALTER TABLE verifications_new RENAME TO verifications;

CREATE TABLE breaches_new (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    commitment       TEXT    NOT NULL REFERENCES commitments (id),
    party            TEXT    NOT NULL REFERENCES parties (id),
    observed         TEXT    NOT NULL,
    observed_day     INTEGER NOT NULL,
    precision        TEXT    NOT NULL CHECK (precision = 'day' OR precision = 'week' OR precision = 'month'),
    severity         TEXT    NOT NULL CHECK (severity = 'minor' OR severity = 'major' OR severity = 'grave'),
    source           TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind = 'official' OR source_kind = 'monitor' OR source_kind = 'ngo' OR source_kind = 'media' OR source_kind = 'imagery' OR source_kind = 'other'),
    confidence       TEXT    NOT NULL CHECK (confidence = 'confirmed' OR confidence = 'probable' OR confidence = 'unverified'),
    description      TEXT,
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND NOT evidence_sha256 GLOB '*[^0-9a-f]*'),
    evidence_uri     TEXT,
    note             TEXT,
    place            TEXT,
    lat              TEXT,
    lon              TEXT,
    geo_precision    TEXT    CHECK (geo_precision = 'exact' OR geo_precision = 'near' OR geo_precision = 'region'),
    superseded_seq   INTEGER CHECK (superseded_seq > seq),
    retracted_seq    INTEGER CHECK (retracted_seq > seq),
    CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
INSERT INTO breaches_new SELECT * FROM breaches;
DROP TABLE breaches;
ALTER TABLE breaches_new RENAME TO breaches;

CREATE TABLE corroborations_new (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    source           TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind = 'official' OR source_kind = 'monitor' OR source_kind = 'ngo' OR source_kind = 'media' OR source_kind = 'imagery' OR source_kind = 'other'),
    confidence       TEXT    NOT NULL CHECK (confidence = 'confirmed' OR confidence = 'probable' OR confidence = 'unverified'),
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND NOT evidence_sha256 GLOB '*[^0-9a-f]*'),
    evidence_uri     TEXT,
    note             TEXT,
    retracted_seq    INTEGER CHECK (retracted_seq > seq)
) STRICT;
INSERT INTO corroborations_new SELECT * FROM corroborations;
DROP TABLE corroborations;
ALTER TABLE corroborations_new RENAME TO corroborations;

CREATE INDEX verifications_commitment ON verifications (commitment, observed_day);
CREATE INDEX verifications_versions ON verifications (record) WHERE record <> seq;
CREATE INDEX breaches_commitment ON breaches (commitment, observed_day);
CREATE INDEX breaches_party ON breaches (party);
CREATE INDEX breaches_versions ON breaches (record) WHERE record <> seq;
CREATE INDEX corroborations_record ON corroborations (record);

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

CREATE VIEW current_breaches AS
SELECT b.record, b.seq, b.commitment, b.party, b.observed, b.precision, b.severity,
       (SELECT CASE min(rank) WHEN 0 THEN 'confirmed' WHEN 1 THEN 'probable' ELSE 'unverified' END FROM (
            SELECT CASE b.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END AS rank
            UNION ALL
            SELECT CASE c.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END
            FROM corroborations c WHERE c.record = b.record AND c.retracted_seq IS NULL)) AS confidence,
       b.source, b.source_kind,
       1 + (SELECT count(DISTINCT c.source) FROM corroborations c
            WHERE c.record = b.record AND c.retracted_seq IS NULL AND c.source <> b.source) AS sources,
       b.description, b.evidence_sha256, b.evidence_uri, b.place, b.lat, b.lon, b.geo_precision, b.external_id,
       CASE
           WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = b.record AND a.ruling = 'rejected') THEN 'rejected'
           WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = b.record AND d.adjudication_seq IS NULL) THEN 'disputed'
           ELSE 'current'
       END AS status,
       j.recorded_at, j.actor
FROM breaches b JOIN journal j ON j.seq = b.seq
WHERE b.superseded_seq IS NULL AND b.retracted_seq IS NULL;

CREATE VIEW current_verifications AS
SELECT v.record, v.seq, v.commitment, v.quantity, v.outcome, v.observed, v.precision,
       (SELECT CASE min(rank) WHEN 0 THEN 'confirmed' WHEN 1 THEN 'probable' ELSE 'unverified' END FROM (
            SELECT CASE v.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END AS rank
            UNION ALL
            SELECT CASE c.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END
            FROM corroborations c WHERE c.record = v.record AND c.retracted_seq IS NULL)) AS confidence,
       v.source, v.source_kind,
       1 + (SELECT count(DISTINCT c.source) FROM corroborations c
            WHERE c.record = v.record AND c.retracted_seq IS NULL AND c.source <> v.source) AS sources,
       v.evidence_sha256, v.evidence_uri, v.note, v.place, v.lat, v.lon, v.geo_precision, v.external_id,
       CASE
           WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = v.record AND a.ruling = 'rejected') THEN 'rejected'
           WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = v.record AND d.adjudication_seq IS NULL) THEN 'disputed'
           ELSE 'current'
       END AS status,
       j.recorded_at, j.actor
FROM verifications v JOIN journal j ON j.seq = v.seq
WHERE v.superseded_seq IS NULL AND v.retracted_seq IS NULL;

CREATE VIEW record_history AS
SELECT h.record, h.seq, h.event, h.reason, j.recorded_at, j.actor
FROM (
    SELECT record, seq, 'recorded verification' AS event, NULL AS reason FROM verifications WHERE seq = record
    UNION ALL SELECT record, seq, 'recorded breach', NULL FROM breaches WHERE seq = record
    UNION ALL SELECT record, seq, 'corrected', reason FROM corrections
    UNION ALL SELECT record, seq, 'corroborated by ' || source, NULL FROM corroborations
    UNION ALL SELECT coalesce((SELECT c.record FROM corroborations c WHERE c.seq = r.record), r.record), r.seq,
                     CASE WHEN EXISTS (SELECT 1 FROM corroborations c WHERE c.seq = r.record)
                          THEN 'corroboration ' || r.record || ' retracted' ELSE 'retracted' END, r.reason
              FROM retractions r
    UNION ALL SELECT record, seq, 'disputed by ' || disputed_by, reason FROM disputes
    UNION ALL SELECT record, seq, 'adjudicated: ' || ruling, reason FROM adjudications
) h JOIN journal j ON j.seq = h.seq;
