-- Amendments and voids.
--
-- An amendment changes a definition's terms from an effective date: a report
-- `--at` before that date judges by the earlier terms, on or after it by the
-- new ones. Each row belongs to the entity it amends (`entity`, as the state
-- root names it: `commitment:ID`, `party:ID`, `agreement:ID`,
-- `guarantee:ID`); the columns of the terms it does not change are NULL.
-- A void marks an earlier entry as entered in error: from then on reports
-- and lists behave as if it had never been made, while the journal keeps it.
-- Its row belongs to the entity of the voided entry (for evidence, the
-- commitment whose evidence chain holds the record).

CREATE TABLE amendments (
    seq                  INTEGER PRIMARY KEY,
    entity               TEXT    NOT NULL,
    effective            TEXT    NOT NULL,
    effective_day        INTEGER NOT NULL,
    reason               TEXT    NOT NULL,
    target               INTEGER CHECK (target > 0),
    due                  TEXT,
    due_day              INTEGER,
    window_from          TEXT,
    from_day             INTEGER,
    window_until         TEXT,
    until_day            INTEGER,
    text                 TEXT,
    name                 TEXT,
    title                TEXT,
    date                 TEXT,
    venue                TEXT,
    covers               TEXT,
    respond_within_days  INTEGER CHECK (respond_within_days >= 0),
    consequence          TEXT,
    CHECK ((due IS NULL) = (due_day IS NULL)),
    CHECK ((window_from IS NULL) = (from_day IS NULL)),
    CHECK ((window_until IS NULL) = (until_day IS NULL))
) STRICT;
CREATE INDEX amendments_entity ON amendments (entity);

CREATE TABLE voids (
    seq     INTEGER PRIMARY KEY,
    target  INTEGER NOT NULL UNIQUE,
    entity  TEXT    NOT NULL,
    reason  TEXT    NOT NULL
) STRICT;
CREATE INDEX voids_entity ON voids (entity);

-- Whether a disputed record is a breach: only breaches are bound to their
-- commitment's window (or agreement's date), so only their disputes can fall
-- outside it.
ALTER TABLE disputed_contributions ADD COLUMN breach INTEGER NOT NULL DEFAULT 0 CHECK (breach = 0 OR breach = 1);

CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments
BEGIN
    SELECT RAISE(ABORT, 'amendments are never changed');
END;

CREATE TRIGGER voids_no_update BEFORE UPDATE ON voids
BEGIN
    SELECT RAISE(ABORT, 'voids are never changed');
END;

-- Auditor views, for the sqlite3 shell or Python (docs/JOURNAL.md explains
-- the rules; `accord report` applies the same ones and checks the rows it
-- reads against the journal, which these views do not). Days are counted
-- from 1970-01-01 (`*_day` columns); a date's day is that of its local
-- calendar date (its first ten characters).

-- Each commitment's terms from each point they changed: the commitment's own
-- entry (effective NULL: from the start), then each amendment not voided, in
-- the order amendments apply (effective date, then seq). The terms in force
-- on day D are those of the last row (by effective_day, seq) whose
-- effective_day is NULL or at most D. `target` is in units of 10^-decimals.
CREATE VIEW commitment_terms AS
WITH live AS (
    SELECT a.*, substr(a.entity, 12) AS commitment FROM amendments a
    WHERE substr(a.entity, 1, 11) = 'commitment:' AND a.seq NOT IN (SELECT target FROM voids)
), points AS (
    SELECT c.id AS commitment, NULL AS effective, NULL AS effective_day, c.seq AS seq, NULL AS reason FROM commitments c
    UNION ALL
    SELECT commitment, effective, effective_day, seq, reason FROM live
)
SELECT p.commitment, p.effective, p.effective_day, p.seq, p.reason, c.agreement, c.party, c.kind, c.unit, c.decimals,
       coalesce((SELECT a.target FROM live a WHERE a.commitment = p.commitment AND a.target IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.target) AS target,
       coalesce((SELECT a.due FROM live a WHERE a.commitment = p.commitment AND a.due IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.due) AS due,
       coalesce((SELECT a.due_day FROM live a WHERE a.commitment = p.commitment AND a.due IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.due_day) AS due_day,
       coalesce((SELECT a.window_from FROM live a WHERE a.commitment = p.commitment AND a.window_from IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.window_from) AS window_from,
       coalesce((SELECT a.from_day FROM live a WHERE a.commitment = p.commitment AND a.window_from IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.from_day) AS from_day,
       coalesce((SELECT a.window_until FROM live a WHERE a.commitment = p.commitment AND a.window_until IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.window_until) AS window_until,
       coalesce((SELECT a.until_day FROM live a WHERE a.commitment = p.commitment AND a.window_until IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.until_day) AS until_day,
       coalesce((SELECT a.text FROM live a WHERE a.commitment = p.commitment AND a.text IS NOT NULL
                 AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                 ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), c.text) AS text
FROM points p JOIN commitments c ON c.id = p.commitment
WHERE c.seq NOT IN (SELECT target FROM voids);

-- Each agreement's date from each point it changed, likewise (date_day: the
-- day of its local calendar date; NULL when it has none).
CREATE VIEW agreement_dates AS
WITH live AS (
    SELECT a.*, substr(a.entity, 11) AS agreement FROM amendments a
    WHERE substr(a.entity, 1, 10) = 'agreement:' AND a.seq NOT IN (SELECT target FROM voids)
), points AS (
    SELECT g.id AS agreement, NULL AS effective_day, g.seq AS seq FROM agreements g
    UNION ALL
    SELECT agreement, effective_day, seq FROM live
)
SELECT agreement, effective_day, seq, date, CAST(julianday(substr(date, 1, 10)) - 2440587.5 AS INTEGER) AS date_day
FROM (
    SELECT p.agreement, p.effective_day, p.seq,
           coalesce((SELECT a.date FROM live a WHERE a.agreement = p.agreement AND a.date IS NOT NULL
                     AND (a.effective_day < p.effective_day OR (a.effective_day = p.effective_day AND a.seq <= p.seq))
                     ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), g.date) AS date
    FROM points p JOIN agreements g ON g.id = p.agreement
    WHERE g.seq NOT IN (SELECT target FROM voids)
);

-- The breaches (current versions) that fall within their commitment: by the
-- commitment's own obligor, observed while it was in force on the terms of
-- that day (a restraint inside its window; a quantity or an action from its
-- agreement's date on) and before any withdrawal of it. Any other breach is
-- recorded but never counts.
CREATE VIEW breaches_in_force AS
SELECT b.record, b.commitment
FROM breaches b JOIN commitments c ON c.id = b.commitment
WHERE b.superseded_seq IS NULL AND b.party = c.party
  AND NOT EXISTS (SELECT 1 FROM withdrawals w WHERE w.commitment = b.commitment
                  AND w.seq NOT IN (SELECT target FROM voids) AND w.day <= b.observed_day)
  AND EXISTS (
        SELECT 1 FROM (SELECT t.* FROM commitment_terms t WHERE t.commitment = b.commitment
                       AND (t.effective_day IS NULL OR t.effective_day <= b.observed_day)
                       ORDER BY t.effective_day IS NULL, t.effective_day DESC, t.seq DESC LIMIT 1) t
        WHERE CASE t.kind
            WHEN 'restraint' THEN (t.from_day IS NULL OR b.observed_day >= t.from_day)
                              AND (t.until_day IS NULL OR b.observed_day <= t.until_day)
            ELSE coalesce((SELECT d.date_day FROM agreement_dates d WHERE d.agreement = t.agreement
                           AND (d.effective_day IS NULL OR d.effective_day <= b.observed_day)
                           ORDER BY d.effective_day IS NULL, d.effective_day DESC, d.seq DESC LIMIT 1) <= b.observed_day, 1)
        END);

-- The breaches that count now at the confirmed threshold: within their
-- commitment, the current version, not retracted, voided, rejected or under
-- a pending dispute, confirmed by itself or by a live corroboration.
CREATE VIEW counted_breaches AS
SELECT b.record, b.seq, b.commitment, b.party, date(b.observed_day * 86400, 'unixepoch') AS observed, b.observed_day, b.severity,
       b.source, CASE WHEN length(b.observed) > 10 THEN b.observed END AS observed_at
FROM breaches b
WHERE b.superseded_seq IS NULL AND b.retracted_seq IS NULL
  AND b.record IN (SELECT record FROM breaches_in_force)
  AND b.record NOT IN (SELECT target FROM voids)
  AND NOT EXISTS (SELECT 1 FROM adjudications a WHERE a.record = b.record AND a.ruling = 'rejected')
  AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.record = b.record AND d.adjudication_seq IS NULL)
  AND (b.confidence = 'confirmed' OR EXISTS (
        SELECT 1 FROM corroborations k WHERE k.record = b.record AND k.retracted_seq IS NULL
        AND k.seq NOT IN (SELECT target FROM voids) AND k.confidence = 'confirmed'));

-- Each guarantee's triggers, as `accord report` judges them today: a counted
-- breach of a covered commitment opens a trigger unless one is open (not
-- answered, inside its response time); the guarantor's first invocation after
-- it answers it (on or before respond_by: invoked; later: invoked_late); an
-- open trigger past respond_by has lapsed. Each breach is judged on the
-- guarantee's covers in force on its day, and each trigger's response time is
-- the one in force on the day it opened; events of one day are taken breaches
-- first, then invocations.
CREATE VIEW guarantee_triggers AS
WITH RECURSIVE
today(day) AS (SELECT CAST(julianday('now') - 2440587.5 AS INTEGER)),
live_guarantees AS (
    SELECT g.id AS guarantee, g.guarantor, g.respond_within_days FROM guarantees g
    WHERE g.seq NOT IN (SELECT target FROM voids)
),
live AS (
    SELECT a.*, substr(a.entity, 11) AS guarantee FROM amendments a
    WHERE substr(a.entity, 1, 10) = 'guarantee:' AND a.seq NOT IN (SELECT target FROM voids)
),
breach_events AS (
    SELECT g.guarantee, b.observed_day AS day, b.record AS id, b.commitment,
           (SELECT a.covers FROM live a WHERE a.guarantee = g.guarantee AND a.covers IS NOT NULL
            AND a.effective_day <= b.observed_day ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1) AS amended_covers
    FROM counted_breaches b, live_guarantees g
    WHERE b.observed_day <= (SELECT day FROM today)
),
events AS (
    SELECT guarantee, day, ord, id, row_number() OVER (PARTITION BY guarantee ORDER BY day, ord, id) AS n FROM (
        SELECT guarantee, day, 0 AS ord, id FROM breach_events
        WHERE CASE WHEN amended_covers IS NULL
                   THEN EXISTS (SELECT 1 FROM guarantee_covers gc WHERE gc.guarantee = breach_events.guarantee
                                AND gc.commitment = breach_events.commitment)
                   ELSE instr(' ' || amended_covers || ' ', ' ' || commitment || ' ') > 0 END
        UNION ALL
        SELECT i.guarantee, i.day, 1, i.seq FROM invocations i JOIN live_guarantees g ON g.guarantee = i.guarantee
        WHERE i.seq NOT IN (SELECT target FROM voids) AND i.day <= (SELECT day FROM today)
    )
),
fold(guarantee, n, breach, triggered_day, respond_by_day, invoked_day) AS (
    SELECT guarantee, 0, NULL, NULL, NULL, NULL FROM live_guarantees
    UNION ALL
    SELECT f.guarantee, e.n,
           CASE WHEN e.ord = 0 AND NOT (f.breach IS NOT NULL AND f.invoked_day IS NULL AND e.day <= f.respond_by_day)
                THEN e.id ELSE f.breach END,
           CASE WHEN e.ord = 0 AND NOT (f.breach IS NOT NULL AND f.invoked_day IS NULL AND e.day <= f.respond_by_day)
                THEN e.day ELSE f.triggered_day END,
           CASE WHEN e.ord = 0 AND NOT (f.breach IS NOT NULL AND f.invoked_day IS NULL AND e.day <= f.respond_by_day)
                THEN e.day + coalesce((SELECT a.respond_within_days FROM live a WHERE a.guarantee = f.guarantee
                                       AND a.respond_within_days IS NOT NULL AND a.effective_day <= e.day
                                       ORDER BY a.effective_day DESC, a.seq DESC LIMIT 1), g.respond_within_days)
                ELSE f.respond_by_day END,
           CASE WHEN e.ord = 0 AND NOT (f.breach IS NOT NULL AND f.invoked_day IS NULL AND e.day <= f.respond_by_day) THEN NULL
                WHEN e.ord = 1 AND f.breach IS NOT NULL AND f.invoked_day IS NULL THEN e.day
                ELSE f.invoked_day END
    FROM fold f JOIN events e ON e.guarantee = f.guarantee AND e.n = f.n + 1
         JOIN live_guarantees g ON g.guarantee = f.guarantee
)
SELECT f.guarantee, g.guarantor, f.breach, date(f.triggered_day * 86400, 'unixepoch') AS triggered_on,
       date(f.respond_by_day * 86400, 'unixepoch') AS respond_by,
       date(f.invoked_day * 86400, 'unixepoch') AS invoked_on,
       CASE WHEN f.invoked_day IS NOT NULL AND f.invoked_day <= f.respond_by_day THEN 'invoked'
            WHEN f.invoked_day IS NOT NULL THEN 'invoked_late'
            WHEN (SELECT day FROM today) > f.respond_by_day THEN 'lapsed'
            ELSE 'open' END AS outcome
FROM fold f JOIN live_guarantees g ON g.guarantee = f.guarantee
WHERE f.breach IS NOT NULL
  AND f.n = (SELECT max(h.n) FROM fold h WHERE h.guarantee = f.guarantee AND h.breach = f.breach);

-- The views of migrations 0003 and 0005, now leaving out voided records,
-- corroborations, commitments and withdrawals, and marking a breach outside
-- its commitment as `outside`. `observed` is the local calendar date (one type
-- per column); `observed_at`, last, the time with its offset when one was given.
DROP VIEW current_breaches;
DROP VIEW current_verifications;
DROP VIEW commitment_fulfilment;
DROP VIEW record_history;

CREATE VIEW current_breaches AS
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
       b.description, b.evidence_sha256, b.evidence_uri, b.place, b.lat, b.lon, b.geo_precision, b.external_id,
       CASE
           WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = b.record AND a.ruling = 'rejected') THEN 'rejected'
           WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = b.record AND d.adjudication_seq IS NULL) THEN 'disputed'
           WHEN b.record NOT IN (SELECT record FROM breaches_in_force) THEN 'outside'
           ELSE 'current'
       END AS status,
       j.recorded_at, j.actor, CASE WHEN length(b.observed) > 10 THEN b.observed END AS observed_at
FROM breaches b JOIN journal j ON j.seq = b.seq
WHERE b.superseded_seq IS NULL AND b.retracted_seq IS NULL AND b.record NOT IN (SELECT target FROM voids);

CREATE VIEW current_verifications AS
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
       v.evidence_sha256, v.evidence_uri, v.note, v.place, v.lat, v.lon, v.geo_precision, v.external_id,
       CASE
           WHEN EXISTS (SELECT 1 FROM adjudications a WHERE a.record = v.record AND a.ruling = 'rejected') THEN 'rejected'
           WHEN EXISTS (SELECT 1 FROM disputes d WHERE d.record = v.record AND d.adjudication_seq IS NULL) THEN 'disputed'
           ELSE 'current'
       END AS status,
       j.recorded_at, j.actor, CASE WHEN length(v.observed) > 10 THEN v.observed END AS observed_at
FROM verifications v JOIN journal j ON j.seq = v.seq
WHERE v.superseded_seq IS NULL AND v.retracted_seq IS NULL AND v.record NOT IN (SELECT target FROM voids);

-- What counts towards each commitment now, at the confirmed threshold, from
-- the running totals (quantities in units of 10^-decimals), whatever the date
-- of the evidence, on the terms in force today; breaches from
-- counted_breaches. `accord report` adds the judgement (dates, dependencies,
-- disputes, thresholds).
CREATE VIEW commitment_fulfilment AS
SELECT id AS commitment, agreement, party, kind, target, unit, due, window_from, window_until,
       confirmed_quantity, confirmed_done, confirmed_breaches, confirmed_sources,
       CASE kind
           WHEN 'quantity' THEN min(1.0, confirmed_quantity * 1.0 / target)
           WHEN 'action' THEN CASE WHEN confirmed_done > 0 THEN 1.0 ELSE 0.0 END
           ELSE CASE WHEN confirmed_breaches > 0 THEN 0.0 ELSE 1.0 END
       END AS confirmed_rate,
       probable_or_better_quantity, any_confidence_quantity, withdrawn, decimals
FROM (
    SELECT c.id, c.agreement, c.party, c.kind, t.target, c.decimals, c.unit, t.due, t.window_from, t.window_until,
           coalesce((SELECT quantity FROM commitment_totals s WHERE s.commitment = c.id AND s.confidence = 0), 0) AS confirmed_quantity,
           coalesce((SELECT done FROM commitment_totals s WHERE s.commitment = c.id AND s.confidence = 0), 0) AS confirmed_done,
           (SELECT count(*) FROM counted_breaches b WHERE b.commitment = c.id) AS confirmed_breaches,
           (SELECT count(DISTINCT source) FROM source_totals s WHERE s.commitment = c.id AND s.confidence = 0) AS confirmed_sources,
           coalesce((SELECT sum(quantity) FROM commitment_totals s WHERE s.commitment = c.id AND s.confidence <= 1), 0) AS probable_or_better_quantity,
           coalesce((SELECT sum(quantity) FROM commitment_totals s WHERE s.commitment = c.id), 0) AS any_confidence_quantity,
           EXISTS (SELECT 1 FROM withdrawals w WHERE w.commitment = c.id AND w.seq NOT IN (SELECT target FROM voids)) AS withdrawn
    FROM commitments c
    JOIN commitment_terms t ON t.commitment = c.id AND t.seq = (
        SELECT u.seq FROM commitment_terms u WHERE u.commitment = c.id
        AND (u.effective_day IS NULL OR u.effective_day <= CAST(julianday('now') - 2440587.5 AS INTEGER))
        ORDER BY u.effective_day IS NULL, u.effective_day DESC, u.seq DESC LIMIT 1)
    WHERE c.seq NOT IN (SELECT target FROM voids)
);

-- Every event in the life of each verification or breach: recorded,
-- corrected, corroborated, retracted, disputed, adjudicated, voided.
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
    UNION ALL SELECT coalesce((SELECT c.record FROM corroborations c WHERE c.seq = v.target), v.target), v.seq,
                     CASE WHEN EXISTS (SELECT 1 FROM corroborations c WHERE c.seq = v.target)
                          THEN 'corroboration ' || v.target || ' voided' ELSE 'voided' END, v.reason
              FROM voids v
              WHERE EXISTS (SELECT 1 FROM verifications x WHERE x.record = v.target)
                 OR EXISTS (SELECT 1 FROM breaches x WHERE x.record = v.target)
                 OR EXISTS (SELECT 1 FROM corroborations x WHERE x.seq = v.target)
) h JOIN journal j ON j.seq = h.seq;
