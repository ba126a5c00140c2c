-- Slimmer projections: the evidence hash as bytes, the observed time only
-- when there is one, and words by their codes.
--
-- `verifications`, `breaches` and `corroborations` kept the evidence's
-- SHA-256 as 64 characters of lowercase hex; the entry holds it as 32 bytes,
-- and so do these tables now (a BLOB of exactly 32 bytes: every such value is
-- a hash, so the character CHECK of migration 0015 is gone with the text).
-- `verifications` and `breaches` kept the observed date as text beside
-- `observed_day`; for a plain date (all but a few) the text is that day, so
-- the column is now `observed_at`: the time as given (`YYYY-MM-DDTHH:MM…`
-- with its zone), NULL for a plain date. The words `precision`,
-- `source_kind`, `confidence`, `severity` and `geo_precision` were kept as
-- text (3 to 10 bytes); they are now their codes of docs/JOURNAL.md §1, as
-- the entry holds them (one byte, none for code 1), as `journal.kind_code`
-- since migration 0015. Together about 37 bytes of each verification
-- (docs/PERFORMANCE.md, "Slim projections").
--
-- The auditor views show the same columns with the same values: the hash as
-- lowercase hex, `observed` from `observed_day`, `observed_at` as before, the
-- words by name.
--
-- The tables are rebuilt as in migration 0015 (a temporary copy, not a
-- rename), with their indexes and triggers. SQLite 3.40 has no unhex(), so the
-- hex is turned into bytes through a table of the 256 byte values. Upgrading a
-- ledger rebuilds every projection from the journal after this.

DROP VIEW current_breaches;
DROP VIEW current_verifications;
DROP VIEW counted_breaches;

CREATE TEMP TABLE hex_bytes (pair TEXT PRIMARY KEY, byte BLOB NOT NULL) WITHOUT ROWID;
INSERT INTO temp.hex_bytes (pair, byte) VALUES
    ('00', x'00'), ('01', x'01'), ('02', x'02'), ('03', x'03'), ('04', x'04'), ('05', x'05'), ('06', x'06'), ('07', x'07'),
    ('08', x'08'), ('09', x'09'), ('0a', x'0a'), ('0b', x'0b'), ('0c', x'0c'), ('0d', x'0d'), ('0e', x'0e'), ('0f', x'0f'),
    ('10', x'10'), ('11', x'11'), ('12', x'12'), ('13', x'13'), ('14', x'14'), ('15', x'15'), ('16', x'16'), ('17', x'17'),
    ('18', x'18'), ('19', x'19'), ('1a', x'1a'), ('1b', x'1b'), ('1c', x'1c'), ('1d', x'1d'), ('1e', x'1e'), ('1f', x'1f'),
    ('20', x'20'), ('21', x'21'), ('22', x'22'), ('23', x'23'), ('24', x'24'), ('25', x'25'), ('26', x'26'), ('27', x'27'),
    ('28', x'28'), ('29', x'29'), ('2a', x'2a'), ('2b', x'2b'), ('2c', x'2c'), ('2d', x'2d'), ('2e', x'2e'), ('2f', x'2f'),
    ('30', x'30'), ('31', x'31'), ('32', x'32'), ('33', x'33'), ('34', x'34'), ('35', x'35'), ('36', x'36'), ('37', x'37'),
    ('38', x'38'), ('39', x'39'), ('3a', x'3a'), ('3b', x'3b'), ('3c', x'3c'), ('3d', x'3d'), ('3e', x'3e'), ('3f', x'3f'),
    ('40', x'40'), ('41', x'41'), ('42', x'42'), ('43', x'43'), ('44', x'44'), ('45', x'45'), ('46', x'46'), ('47', x'47'),
    ('48', x'48'), ('49', x'49'), ('4a', x'4a'), ('4b', x'4b'), ('4c', x'4c'), ('4d', x'4d'), ('4e', x'4e'), ('4f', x'4f'),
    ('50', x'50'), ('51', x'51'), ('52', x'52'), ('53', x'53'), ('54', x'54'), ('55', x'55'), ('56', x'56'), ('57', x'57'),
    ('58', x'58'), ('59', x'59'), ('5a', x'5a'), ('5b', x'5b'), ('5c', x'5c'), ('5d', x'5d'), ('5e', x'5e'), ('5f', x'5f'),
    ('60', x'60'), ('61', x'61'), ('62', x'62'), ('63', x'63'), ('64', x'64'), ('65', x'65'), ('66', x'66'), ('67', x'67'),
    ('68', x'68'), ('69', x'69'), ('6a', x'6a'), ('6b', x'6b'), ('6c', x'6c'), ('6d', x'6d'), ('6e', x'6e'), ('6f', x'6f'),
    ('70', x'70'), ('71', x'71'), ('72', x'72'), ('73', x'73'), ('74', x'74'), ('75', x'75'), ('76', x'76'), ('77', x'77'),
    ('78', x'78'), ('79', x'79'), ('7a', x'7a'), ('7b', x'7b'), ('7c', x'7c'), ('7d', x'7d'), ('7e', x'7e'), ('7f', x'7f'),
    ('80', x'80'), ('81', x'81'), ('82', x'82'), ('83', x'83'), ('84', x'84'), ('85', x'85'), ('86', x'86'), ('87', x'87'),
    ('88', x'88'), ('89', x'89'), ('8a', x'8a'), ('8b', x'8b'), ('8c', x'8c'), ('8d', x'8d'), ('8e', x'8e'), ('8f', x'8f'),
    ('90', x'90'), ('91', x'91'), ('92', x'92'), ('93', x'93'), ('94', x'94'), ('95', x'95'), ('96', x'96'), ('97', x'97'),
    ('98', x'98'), ('99', x'99'), ('9a', x'9a'), ('9b', x'9b'), ('9c', x'9c'), ('9d', x'9d'), ('9e', x'9e'), ('9f', x'9f'),
    ('a0', x'a0'), ('a1', x'a1'), ('a2', x'a2'), ('a3', x'a3'), ('a4', x'a4'), ('a5', x'a5'), ('a6', x'a6'), ('a7', x'a7'),
    ('a8', x'a8'), ('a9', x'a9'), ('aa', x'aa'), ('ab', x'ab'), ('ac', x'ac'), ('ad', x'ad'), ('ae', x'ae'), ('af', x'af'),
    ('b0', x'b0'), ('b1', x'b1'), ('b2', x'b2'), ('b3', x'b3'), ('b4', x'b4'), ('b5', x'b5'), ('b6', x'b6'), ('b7', x'b7'),
    ('b8', x'b8'), ('b9', x'b9'), ('ba', x'ba'), ('bb', x'bb'), ('bc', x'bc'), ('bd', x'bd'), ('be', x'be'), ('bf', x'bf'),
    ('c0', x'c0'), ('c1', x'c1'), ('c2', x'c2'), ('c3', x'c3'), ('c4', x'c4'), ('c5', x'c5'), ('c6', x'c6'), ('c7', x'c7'),
    ('c8', x'c8'), ('c9', x'c9'), ('ca', x'ca'), ('cb', x'cb'), ('cc', x'cc'), ('cd', x'cd'), ('ce', x'ce'), ('cf', x'cf'),
    ('d0', x'd0'), ('d1', x'd1'), ('d2', x'd2'), ('d3', x'd3'), ('d4', x'd4'), ('d5', x'd5'), ('d6', x'd6'), ('d7', x'd7'),
    ('d8', x'd8'), ('d9', x'd9'), ('da', x'da'), ('db', x'db'), ('dc', x'dc'), ('dd', x'dd'), ('de', x'de'), ('df', x'df'),
    ('e0', x'e0'), ('e1', x'e1'), ('e2', x'e2'), ('e3', x'e3'), ('e4', x'e4'), ('e5', x'e5'), ('e6', x'e6'), ('e7', x'e7'),
    ('e8', x'e8'), ('e9', x'e9'), ('ea', x'ea'), ('eb', x'eb'), ('ec', x'ec'), ('ed', x'ed'), ('ee', x'ee'), ('ef', x'ef'),
    ('f0', x'f0'), ('f1', x'f1'), ('f2', x'f2'), ('f3', x'f3'), ('f4', x'f4'), ('f5', x'f5'), ('f6', x'f6'), ('f7', x'f7'),
    ('f8', x'f8'), ('f9', x'f9'), ('fa', x'fa'), ('fb', x'fb'), ('fc', x'fc'), ('fd', x'fd'), ('fe', x'fe'), ('ff', x'ff');
CREATE TEMP TABLE byte_index (n INTEGER PRIMARY KEY);
INSERT INTO temp.byte_index (n)
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < 31) SELECT n FROM i;

CREATE TEMP TABLE verifications_old AS SELECT * FROM verifications;
DROP TABLE verifications;
CREATE TABLE verifications (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    commitment       TEXT    NOT NULL REFERENCES commitments (id),
    quantity         INTEGER CHECK (quantity >= 0),
    outcome          TEXT    CHECK (outcome = 'done' OR outcome = 'not_done'),
    observed_at      TEXT    CHECK (length(observed_at) > 10),
    observed_day     INTEGER NOT NULL,
    precision        INTEGER NOT NULL CHECK (precision >= 1 AND precision <= 3),
    source           TEXT    NOT NULL,
    source_kind      INTEGER NOT NULL CHECK (source_kind >= 1 AND source_kind <= 6),
    confidence       INTEGER NOT NULL CHECK (confidence >= 1 AND confidence <= 3),
    evidence_sha256  BLOB    CHECK (length(evidence_sha256) = 32),
    evidence_uri     TEXT,
    note             TEXT,
    place            TEXT,
    lat              TEXT,
    lon              TEXT,
    geo_precision    INTEGER CHECK (geo_precision >= 1 AND geo_precision <= 3),
    superseded_seq   INTEGER CHECK (superseded_seq > seq),
    retracted_seq    INTEGER CHECK (retracted_seq > seq),
    CHECK ((quantity IS NULL) <> (outcome IS NULL)),
    CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
INSERT INTO verifications
SELECT seq, record, external_id, commitment, quantity, outcome, CASE WHEN length(observed) > 10 THEN observed END, observed_day,
       CASE precision WHEN 'day' THEN 1 WHEN 'week' THEN 2 WHEN 'month' THEN 3 END, source,
       CASE source_kind WHEN 'official' THEN 1 WHEN 'monitor' THEN 2 WHEN 'ngo' THEN 3 WHEN 'media' THEN 4 WHEN 'imagery' THEN 5 WHEN 'other' THEN 6 END,
       CASE confidence WHEN 'confirmed' THEN 1 WHEN 'probable' THEN 2 WHEN 'unverified' THEN 3 END, CAST((SELECT group_concat(b.byte, '') FROM (SELECT (SELECT h.byte FROM temp.hex_bytes h WHERE h.pair = substr(evidence_sha256, 2 * i.n + 1, 2)) AS byte FROM temp.byte_index i ORDER BY i.n) b) AS BLOB),
       evidence_uri, note, place, lat, lon, CASE geo_precision WHEN 'exact' THEN 1 WHEN 'near' THEN 2 WHEN 'region' THEN 3 END, superseded_seq, retracted_seq
FROM temp.verifications_old;
DROP TABLE temp.verifications_old;

CREATE TEMP TABLE breaches_old AS SELECT * FROM breaches;
DROP TABLE breaches;
CREATE TABLE breaches (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    commitment       TEXT    NOT NULL REFERENCES commitments (id),
    party            TEXT    NOT NULL REFERENCES parties (id),
    observed_at      TEXT    CHECK (length(observed_at) > 10),
    observed_day     INTEGER NOT NULL,
    precision        INTEGER NOT NULL CHECK (precision >= 1 AND precision <= 3),
    severity         INTEGER NOT NULL CHECK (severity >= 1 AND severity <= 3),
    source           TEXT    NOT NULL,
    source_kind      INTEGER NOT NULL CHECK (source_kind >= 1 AND source_kind <= 6),
    confidence       INTEGER NOT NULL CHECK (confidence >= 1 AND confidence <= 3),
    description      TEXT,
    evidence_sha256  BLOB    CHECK (length(evidence_sha256) = 32),
    evidence_uri     TEXT,
    note             TEXT,
    place            TEXT,
    lat              TEXT,
    lon              TEXT,
    geo_precision    INTEGER CHECK (geo_precision >= 1 AND geo_precision <= 3),
    superseded_seq   INTEGER CHECK (superseded_seq > seq),
    retracted_seq    INTEGER CHECK (retracted_seq > seq),
    CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
INSERT INTO breaches
SELECT seq, record, external_id, commitment, party, CASE WHEN length(observed) > 10 THEN observed END, observed_day,
       CASE precision WHEN 'day' THEN 1 WHEN 'week' THEN 2 WHEN 'month' THEN 3 END, CASE severity WHEN 'minor' THEN 1 WHEN 'major' THEN 2 WHEN 'grave' THEN 3 END, source,
       CASE source_kind WHEN 'official' THEN 1 WHEN 'monitor' THEN 2 WHEN 'ngo' THEN 3 WHEN 'media' THEN 4 WHEN 'imagery' THEN 5 WHEN 'other' THEN 6 END,
       CASE confidence WHEN 'confirmed' THEN 1 WHEN 'probable' THEN 2 WHEN 'unverified' THEN 3 END, description, CAST((SELECT group_concat(b.byte, '') FROM (SELECT (SELECT h.byte FROM temp.hex_bytes h WHERE h.pair = substr(evidence_sha256, 2 * i.n + 1, 2)) AS byte FROM temp.byte_index i ORDER BY i.n) b) AS BLOB),
       evidence_uri, note, place, lat, lon, CASE geo_precision WHEN 'exact' THEN 1 WHEN 'near' THEN 2 WHEN 'region' THEN 3 END, superseded_seq, retracted_seq
FROM temp.breaches_old;
DROP TABLE temp.breaches_old;

CREATE TEMP TABLE corroborations_old AS SELECT * FROM corroborations;
DROP TABLE corroborations;
CREATE TABLE corroborations (
    seq              INTEGER PRIMARY KEY,
    record           INTEGER NOT NULL,
    external_id      TEXT,
    source           TEXT    NOT NULL,
    source_kind      INTEGER NOT NULL CHECK (source_kind >= 1 AND source_kind <= 6),
    confidence       INTEGER NOT NULL CHECK (confidence >= 1 AND confidence <= 3),
    evidence_sha256  BLOB    CHECK (length(evidence_sha256) = 32),
    evidence_uri     TEXT,
    note             TEXT,
    retracted_seq    INTEGER CHECK (retracted_seq > seq)
) STRICT;
INSERT INTO corroborations
SELECT seq, record, external_id, source,
       CASE source_kind WHEN 'official' THEN 1 WHEN 'monitor' THEN 2 WHEN 'ngo' THEN 3 WHEN 'media' THEN 4 WHEN 'imagery' THEN 5 WHEN 'other' THEN 6 END,
       CASE confidence WHEN 'confirmed' THEN 1 WHEN 'probable' THEN 2 WHEN 'unverified' THEN 3 END, CAST((SELECT group_concat(b.byte, '') FROM (SELECT (SELECT h.byte FROM temp.hex_bytes h WHERE h.pair = substr(evidence_sha256, 2 * i.n + 1, 2)) AS byte FROM temp.byte_index i ORDER BY i.n) b) AS BLOB),
       evidence_uri, note, retracted_seq
FROM temp.corroborations_old;
DROP TABLE temp.corroborations_old;

DROP TABLE temp.hex_bytes;
DROP TABLE temp.byte_index;

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
  OR NEW.observed_at IS NOT OLD.observed_at OR NEW.observed_day IS NOT OLD.observed_day OR NEW.precision IS NOT OLD.precision
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
  OR NEW.observed_at IS NOT OLD.observed_at OR NEW.observed_day IS NOT OLD.observed_day OR NEW.precision IS NOT OLD.precision
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

-- The views of migrations 0009 and 0015 that read the changed columns, with
-- the same columns and values.

CREATE VIEW counted_breaches AS
SELECT b.record, b.seq, b.commitment, b.party, date(b.observed_day * 86400, 'unixepoch') AS observed, b.observed_day,
       CASE b.severity WHEN 1 THEN 'minor' WHEN 2 THEN 'major' WHEN 3 THEN 'grave' END AS severity,
       b.source, b.observed_at
FROM breaches b
WHERE b.superseded_seq IS NULL AND b.retracted_seq IS NULL
  AND b.record IN (SELECT record FROM breaches_in_force)
  AND b.record NOT IN (SELECT target FROM voids)
  AND NOT EXISTS (SELECT 1 FROM adjudications a WHERE a.record = b.record AND a.ruling = 'rejected')
  AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.record = b.record AND d.adjudication_seq IS NULL)
  AND (b.confidence = 1 OR EXISTS (
        SELECT 1 FROM corroborations k WHERE k.record = b.record AND k.retracted_seq IS NULL
        AND k.seq NOT IN (SELECT target FROM voids) AND k.confidence = 1));

CREATE VIEW current_breaches AS
SELECT record, seq, commitment, party, observed, precision, severity, confidence, source, source_kind, sources, description,
       evidence_sha256, evidence_uri, place, lat, lon, geo_precision, external_id, status, recorded_at, actor, observed_at
FROM (
    SELECT b.record, b.seq, b.commitment, b.party, date(b.observed_day * 86400, 'unixepoch') AS observed,
           CASE b.precision WHEN 1 THEN 'day' WHEN 2 THEN 'week' WHEN 3 THEN 'month' END AS precision, CASE b.severity WHEN 1 THEN 'minor' WHEN 2 THEN 'major' WHEN 3 THEN 'grave' END AS severity,
           (SELECT CASE min(rank) WHEN 0 THEN 'confirmed' WHEN 1 THEN 'probable' ELSE 'unverified' END FROM (
                SELECT b.confidence - 1 AS rank
                UNION ALL
                SELECT c.confidence - 1
                FROM corroborations c WHERE c.record = b.record AND c.retracted_seq IS NULL
                AND c.seq NOT IN (SELECT target FROM voids))) AS confidence,
           b.source, CASE b.source_kind WHEN 1 THEN 'official' WHEN 2 THEN 'monitor' WHEN 3 THEN 'ngo' WHEN 4 THEN 'media' WHEN 5 THEN 'imagery' WHEN 6 THEN 'other' END AS source_kind,
           1 + (SELECT count(DISTINCT c.source) FROM corroborations c
                WHERE c.record = b.record AND c.retracted_seq IS NULL AND c.seq NOT IN (SELECT target FROM voids)
                AND c.source <> b.source) AS sources,
           b.description, nullif(lower(hex(b.evidence_sha256)), '') AS evidence_sha256, b.evidence_uri, b.place,
           CAST(b.lat AS REAL) AS lat, CAST(b.lon AS REAL) AS lon, CASE b.geo_precision WHEN 1 THEN 'exact' WHEN 2 THEN 'near' WHEN 3 THEN 'region' END AS geo_precision, b.external_id,
           CASE
               WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = b.record AND a.ruling = 'rejected') THEN 'rejected'
               WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = b.record AND d.adjudication_seq IS NULL) THEN 'disputed'
               WHEN b.record NOT IN (SELECT record FROM breaches_in_force) THEN 'outside'
               ELSE 'current'
           END AS status,
           j.recorded_at, j.actor, b.observed_at
    FROM breaches b JOIN journal_entries j ON j.seq = b.seq
    WHERE b.superseded_seq IS NULL AND b.retracted_seq IS NULL AND b.record NOT IN (SELECT target FROM voids)
)
WHERE status <> 'rejected';

CREATE VIEW current_verifications AS
SELECT record, seq, commitment, quantity, outcome, observed, precision, confidence, source, source_kind, sources,
       evidence_sha256, evidence_uri, note, place, lat, lon, geo_precision, external_id, status, recorded_at, actor, observed_at
FROM (
    SELECT v.record, v.seq, v.commitment, v.quantity, v.outcome, date(v.observed_day * 86400, 'unixepoch') AS observed,
           CASE v.precision WHEN 1 THEN 'day' WHEN 2 THEN 'week' WHEN 3 THEN 'month' END AS precision,
           (SELECT CASE min(rank) WHEN 0 THEN 'confirmed' WHEN 1 THEN 'probable' ELSE 'unverified' END FROM (
                SELECT v.confidence - 1 AS rank
                UNION ALL
                SELECT c.confidence - 1
                FROM corroborations c WHERE c.record = v.record AND c.retracted_seq IS NULL
                AND c.seq NOT IN (SELECT target FROM voids))) AS confidence,
           v.source, CASE v.source_kind WHEN 1 THEN 'official' WHEN 2 THEN 'monitor' WHEN 3 THEN 'ngo' WHEN 4 THEN 'media' WHEN 5 THEN 'imagery' WHEN 6 THEN 'other' END AS source_kind,
           1 + (SELECT count(DISTINCT c.source) FROM corroborations c
                WHERE c.record = v.record AND c.retracted_seq IS NULL AND c.seq NOT IN (SELECT target FROM voids)
                AND c.source <> v.source) AS sources,
           nullif(lower(hex(v.evidence_sha256)), '') AS evidence_sha256, v.evidence_uri, v.note, v.place,
           CAST(v.lat AS REAL) AS lat, CAST(v.lon AS REAL) AS lon, CASE v.geo_precision WHEN 1 THEN 'exact' WHEN 2 THEN 'near' WHEN 3 THEN 'region' END AS geo_precision, v.external_id,
           CASE
               WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = v.record AND a.ruling = 'rejected') THEN 'rejected'
               WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = v.record AND d.adjudication_seq IS NULL) THEN 'disputed'
               ELSE 'current'
           END AS status,
           j.recorded_at, j.actor, v.observed_at
    FROM verifications v JOIN journal_entries j ON j.seq = v.seq
    WHERE v.superseded_seq IS NULL AND v.retracted_seq IS NULL AND v.record NOT IN (SELECT target FROM voids)
)
WHERE status <> 'rejected';
