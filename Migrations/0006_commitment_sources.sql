-- How many distinct sources stand behind each commitment's counted evidence,
-- by the best confidence each source gave: a report reads one row per
-- commitment and confidence level instead of one per source (so its cost
-- stays with the number of commitments however many sources report).
-- A source counts at threshold t when its best rank is at most t; `sources` is
-- the number of sources whose best rank is exactly `confidence`. Like the
-- other totals it is a cache of the current records, re-derived by the audit.

CREATE TABLE commitment_sources (
    commitment  TEXT    NOT NULL,
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 2),
    sources     INTEGER NOT NULL CHECK (sources > 0),
    PRIMARY KEY (commitment, confidence)
) STRICT, WITHOUT ROWID;

INSERT INTO commitment_sources (commitment, confidence, sources)
SELECT commitment, best, count(*)
FROM (SELECT commitment, source, min(confidence) AS best FROM source_totals GROUP BY commitment, source)
GROUP BY commitment, best;
