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

CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments
BEGIN
    SELECT RAISE(ABORT, 'amendments are never changed');
END;

CREATE TRIGGER voids_no_update BEFORE UPDATE ON voids
BEGIN
    SELECT RAISE(ABORT, 'voids are never changed');
END;
