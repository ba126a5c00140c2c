-- The auditor views agree with what `accord breaches` and `accord export`
-- list by default, and coordinates are numbers.
--
-- current_breaches and current_verifications held every live record,
-- rejected ones included, so `SELECT count(*) FROM current_breaches` was not
-- the number `accord breaches` prints. They now hold what those commands list
-- by default (`--status current`): the current version of each record that is
-- not retracted, voided or rejected by an adjudicator, whatever its
-- confidence; a record under a pending dispute stays, marked `disputed`, and
-- a breach outside its commitment stays, marked `outside`, as the commands
-- show them. `lat` and `lon` are REAL (degrees) rather than the text the
-- tables keep, so `WHERE lat > 49` and `avg(lon)` compare numbers.
-- `observed` is the local calendar date and `observed_at` (last) the time
-- with its offset when one was given, as in migration 0008.
--
-- What still differs from the commands (docs: README, "Reading the file
-- without Accord"): `sources` counts distinct source names exactly as
-- recorded, where Accord counts look-alike spellings of one name once
-- (case, compatibility forms, look-alike letters, spacing); and the views
-- read the tables as they are, where the commands first check them against
-- the journal.

DROP VIEW current_breaches;
DROP VIEW current_verifications;

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
    FROM breaches b JOIN journal j ON j.seq = b.seq
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
    FROM verifications v JOIN journal j ON j.seq = v.seq
    WHERE v.superseded_seq IS NULL AND v.retracted_seq IS NULL AND v.record NOT IN (SELECT target FROM voids)
)
WHERE status <> 'rejected';
