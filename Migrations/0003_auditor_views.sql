-- Views for auditors who have only the sqlite3 shell or Python. They read the
-- projections (never the journal's canonical bytes) and change nothing.
-- Confidence ranks: confirmed 0, probable 1, unverified 2; a record's
-- effective confidence is the best of its own and its live corroborations'.

-- The journal, readable.
CREATE VIEW journal_entries AS
SELECT seq, kind, recorded_at, actor, signer, lower(hex(leaf_hash)) AS leaf_hash, length(entry) AS bytes
FROM journal;

-- Breaches as they stand now: the current version of each, not retracted,
-- with its dispute status, evidence and recording details.
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

-- Verifications as they stand now, likewise.
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

-- What counts towards each commitment now, at the confirmed threshold, from
-- the running totals, whatever the date of the evidence. `accord report`
-- adds the judgement (dates, dependencies, disputes, thresholds).
CREATE VIEW commitment_fulfilment AS
SELECT id AS commitment, agreement, party, kind, target, unit, due, window_from, window_until,
       confirmed_quantity, confirmed_done, confirmed_breaches, confirmed_sources,
       CASE kind
           WHEN 'quantity' THEN min(1.0, confirmed_quantity * 1.0 / target)
           WHEN 'action' THEN CASE WHEN confirmed_done > 0 THEN 1.0 ELSE 0.0 END
           ELSE CASE WHEN confirmed_breaches > 0 THEN 0.0 ELSE 1.0 END
       END AS confirmed_rate,
       probable_or_better_quantity, any_confidence_quantity, withdrawn
FROM (
    SELECT c.*,
           coalesce((SELECT quantity FROM commitment_totals t WHERE t.commitment = c.id AND t.confidence = 0), 0) AS confirmed_quantity,
           coalesce((SELECT done FROM commitment_totals t WHERE t.commitment = c.id AND t.confidence = 0), 0) AS confirmed_done,
           coalesce((SELECT breaches FROM commitment_totals t WHERE t.commitment = c.id AND t.confidence = 0), 0) AS confirmed_breaches,
           (SELECT count(DISTINCT source) FROM source_totals s WHERE s.commitment = c.id AND s.confidence = 0) AS confirmed_sources,
           coalesce((SELECT sum(quantity) FROM commitment_totals t WHERE t.commitment = c.id AND t.confidence <= 1), 0) AS probable_or_better_quantity,
           coalesce((SELECT sum(quantity) FROM commitment_totals t WHERE t.commitment = c.id), 0) AS any_confidence_quantity,
           EXISTS (SELECT 1 FROM withdrawals w WHERE w.commitment = c.id) AS withdrawn
    FROM commitments c
);

-- Every event in the life of each verification or breach: recorded,
-- corrected, corroborated, retracted, disputed, adjudicated.
-- Read it with ORDER BY record, seq.
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
