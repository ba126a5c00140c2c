-- A slimmer journal and a cheaper hash check.
--
-- The journal's `kind` and `recorded_at` repeated the entry's bytes as text
-- (12 and 24 bytes for each verification). They are now kept as the entry
-- holds them: `kind_code`, the kind's code (docs/JOURNAL.md §1), and
-- `recorded_ms`, milliseconds since 1970-01-01T00:00:00Z. `accord audit`
-- compares both with the entry bytes, as it compared the text. The view
-- `journal_entries` shows them as before: the kind's name and the time as
-- `YYYY-MM-DDTHH:MM:SS.sssZ`; the other auditor views read the time from it.
--
-- The evidence hash's CHECK read `NOT evidence_sha256 GLOB '*[^0-9a-f]*'`,
-- which tries the class at every position behind the `*` (16,000
-- instructions a hash). It is now one `[0-9a-f]` class per character, 64 of
-- them, anchored at both ends: the same strings pass (64 characters, each a
-- lowercase hex digit) in one pass, for about three quarters of the cost.
-- (`ltrim(evidence_sha256, '0123456789abcdef') = ''` says the same but costs
-- more than the GLOB: SQLite compares each character with each of the 16.)
-- SQLite cannot alter a CHECK, so verifications, breaches and corroborations
-- are rebuilt as in migration 0005, with their indexes and triggers, and so
-- is the journal, with its triggers and index.
--
-- Each table is copied into a temporary table, dropped, created again and
-- filled from the copy. The views that read it are left as they are (apart
-- from those reading the journal's time): SQLite checks a view only when it
-- is used. Renaming the tables instead (the documented procedure) makes
-- SQLite re-parse every object of the schema at each rename, which doubled
-- the instructions of creating a ledger.
--
-- Upgrading a ledger rebuilds every projection from the journal after this.

DROP VIEW journal_entries;
DROP VIEW current_breaches;
DROP VIEW current_verifications;
DROP VIEW record_history;

CREATE TEMP TABLE journal_old AS SELECT * FROM journal;
DROP TABLE journal;
CREATE TABLE journal (
    seq          INTEGER PRIMARY KEY CHECK (seq >= 1),
    kind_code    INTEGER NOT NULL,
    recorded_ms  INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    signer       TEXT,
    entry        BLOB    NOT NULL,
    leaf_hash    BLOB    NOT NULL CHECK (length(leaf_hash) = 32),
    signature    BLOB    CHECK (signature IS NULL OR length(signature) = 64),
    CHECK ((signer IS NULL) = (signature IS NULL))
) STRICT;
-- A kind or time that does not read as one (the text was altered) becomes 0:
-- the audit then names the entry whose column disagrees with its bytes.
INSERT INTO journal (seq, kind_code, recorded_ms, actor, signer, entry, leaf_hash, signature)
SELECT seq,
       CASE kind
           WHEN 'ledger.create' THEN 1 WHEN 'party.add' THEN 2 WHEN 'agreement.add' THEN 3
           WHEN 'commitment.add' THEN 4 WHEN 'commitment.withdraw' THEN 5 WHEN 'guarantee.add' THEN 6
           WHEN 'guarantee.invoke' THEN 7 WHEN 'verification' THEN 8 WHEN 'breach' THEN 9
           WHEN 'corroboration' THEN 10 WHEN 'correction' THEN 11 WHEN 'retraction' THEN 12
           WHEN 'dispute' THEN 13 WHEN 'adjudication' THEN 14 WHEN 'key.register' THEN 15
           WHEN 'key.revoke' THEN 16 WHEN 'ledger.upgrade' THEN 17 WHEN 'amendment' THEN 18
           WHEN 'void' THEN 19 WHEN 'token.issue' THEN 20 WHEN 'token.revoke' THEN 21
           ELSE 0
       END,
       coalesce(CAST(strftime('%s', substr(recorded_at, 1, 19)) AS INTEGER) * 1000
                + CAST(substr(recorded_at, 21, 3) AS INTEGER), 0),
       actor, signer, entry, leaf_hash, signature
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

CREATE TEMP TABLE verifications_old AS SELECT * FROM verifications;
DROP TABLE verifications;
CREATE TABLE verifications (
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
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND evidence_sha256 GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
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
INSERT INTO verifications SELECT * FROM temp.verifications_old;
DROP TABLE temp.verifications_old;

CREATE TEMP TABLE breaches_old AS SELECT * FROM breaches;
DROP TABLE breaches;
CREATE TABLE breaches (
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
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND evidence_sha256 GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
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
INSERT INTO breaches SELECT * FROM temp.breaches_old;
DROP TABLE temp.breaches_old;

CREATE TEMP TABLE corroborations_old AS SELECT * FROM corroborations;
DROP TABLE corroborations;
CREATE TABLE corroborations (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    source           TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind = 'official' OR source_kind = 'monitor' OR source_kind = 'ngo' OR source_kind = 'media' OR source_kind = 'imagery' OR source_kind = 'other'),
    confidence       TEXT    NOT NULL CHECK (confidence = 'confirmed' OR confidence = 'probable' OR confidence = 'unverified'),
    evidence_sha256  TEXT    CHECK (length(evidence_sha256) = 64 AND evidence_sha256 GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    evidence_uri     TEXT,
    note             TEXT,
    retracted_seq    INTEGER CHECK (retracted_seq > seq)
) STRICT;
INSERT INTO corroborations SELECT * FROM temp.corroborations_old;
DROP TABLE temp.corroborations_old;

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


-- The journal, readable: each entry's kind by name and its time as text.
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
       actor, signer, lower(hex(leaf_hash)) AS leaf_hash, length(entry) AS bytes
FROM journal;

-- The views of migrations 0008 and 0009, reading the recording time and actor
-- from journal_entries.

CREATE VIEW current_breaches AS
SELECT record, seq, commitment, party, observed, precision, severity, confidence, source, source_kind, sources, description,
       evidence_sha256, evidence_uri, place, lat, lon, geo_precision, external_id, status, recorded_at, actor, observed_at
FROM (
    SELECT b.record, b.seq, b.commitment, b.party, date(b.observed_day * 86400, 'unixepoch') AS observed, b.precision, b.severity,
           (SELECT CASE min(rank) WHEN 0 THEN 'confirmed' WHEN 1 THEN 'probable' ELSE 'unverified' END FROM (
                SELECT CASE b.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END AS rank
                UNION ALL
                SELECT CASE c.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END
                FROM corroborations c WHERE c.record = b.record AND c.retracted_seq IS NULL
                AND c.seq NOT IN (SELECT target FROM voids))) AS confidence,
           b.source, b.source_kind,
           1 + (SELECT count(DISTINCT c.source) FROM corroborations c
                WHERE c.record = b.record AND c.retracted_seq IS NULL AND c.seq NOT IN (SELECT target FROM voids)
                AND c.source <> b.source) AS sources,
           b.description, b.evidence_sha256, b.evidence_uri, b.place,
           CAST(b.lat AS REAL) AS lat, CAST(b.lon AS REAL) AS lon, b.geo_precision, b.external_id,
           CASE
               WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = b.record AND a.ruling = 'rejected') THEN 'rejected'
               WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = b.record AND d.adjudication_seq IS NULL) THEN 'disputed'
               WHEN b.record NOT IN (SELECT record FROM breaches_in_force) THEN 'outside'
               ELSE 'current'
           END AS status,
           j.recorded_at, j.actor, CASE WHEN length(b.observed) > 10 THEN b.observed END AS observed_at
    FROM breaches b JOIN journal_entries j ON j.seq = b.seq
    WHERE b.superseded_seq IS NULL AND b.retracted_seq IS NULL AND b.record NOT IN (SELECT target FROM voids)
)
WHERE status <> 'rejected';

CREATE VIEW current_verifications AS
SELECT record, seq, commitment, quantity, outcome, observed, precision, confidence, source, source_kind, sources,
       evidence_sha256, evidence_uri, note, place, lat, lon, geo_precision, external_id, status, recorded_at, actor, observed_at
FROM (
    SELECT v.record, v.seq, v.commitment, v.quantity, v.outcome, date(v.observed_day * 86400, 'unixepoch') AS observed, v.precision,
           (SELECT CASE min(rank) WHEN 0 THEN 'confirmed' WHEN 1 THEN 'probable' ELSE 'unverified' END FROM (
                SELECT CASE v.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END AS rank
                UNION ALL
                SELECT CASE c.confidence WHEN 'confirmed' THEN 0 WHEN 'probable' THEN 1 ELSE 2 END
                FROM corroborations c WHERE c.record = v.record AND c.retracted_seq IS NULL
                AND c.seq NOT IN (SELECT target FROM voids))) AS confidence,
           v.source, v.source_kind,
           1 + (SELECT count(DISTINCT c.source) FROM corroborations c
                WHERE c.record = v.record AND c.retracted_seq IS NULL AND c.seq NOT IN (SELECT target FROM voids)
                AND c.source <> v.source) AS sources,
           v.evidence_sha256, v.evidence_uri, v.note, v.place,
           CAST(v.lat AS REAL) AS lat, CAST(v.lon AS REAL) AS lon, v.geo_precision, v.external_id,
           CASE
               WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = v.record AND a.ruling = 'rejected') THEN 'rejected'
               WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = v.record AND d.adjudication_seq IS NULL) THEN 'disputed'
               ELSE 'current'
           END AS status,
           j.recorded_at, j.actor, CASE WHEN length(v.observed) > 10 THEN v.observed END AS observed_at
    FROM verifications v JOIN journal_entries j ON j.seq = v.seq
    WHERE v.superseded_seq IS NULL AND v.retracted_seq IS NULL AND v.record NOT IN (SELECT target FROM voids)
)
WHERE status <> 'rejected';

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
    UNION ALL SELECT coalesce((SELECT c.record FROM corroborations c WHERE c.seq = v.target), v.target), v.seq,
                     CASE WHEN EXISTS (SELECT 1 FROM corroborations c WHERE c.seq = v.target)
                          THEN 'corroboration ' || v.target || ' voided' ELSE 'voided' END, v.reason
              FROM voids v
              WHERE EXISTS (SELECT 1 FROM verifications x WHERE x.record = v.target)
                 OR EXISTS (SELECT 1 FROM breaches x WHERE x.record = v.target)
                 OR EXISTS (SELECT 1 FROM corroborations x WHERE x.seq = v.target)
) h JOIN journal_entries j ON j.seq = h.seq;
