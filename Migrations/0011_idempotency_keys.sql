-- Idempotency keys of the server's recording requests (`accord serve`).
--
-- A client that cannot tell whether a request was recorded (a timeout, a
-- dropped connection) sends it again with the same `Idempotency-Key` header.
-- Each row says which entry a token's key recorded and the SHA-256 of the
-- request that recorded it: the same key and request again answer the
-- original receipt; the same key with another request is refused. A row is
-- written in the transaction of its entry, so it exists exactly when the
-- entry does. Like the access log it is not part of the journal (it is how a
-- request reached the ledger, not a claim about the world) and only ever grows.

CREATE TABLE idempotency_keys (
    actor          TEXT    NOT NULL,
    key            TEXT    NOT NULL,
    request_sha256 BLOB    NOT NULL CHECK (length(request_sha256) = 32),
    seq            INTEGER NOT NULL,
    PRIMARY KEY (actor, key)
) STRICT;

CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE ON idempotency_keys
BEGIN
    SELECT RAISE(ABORT, 'idempotency keys are never changed');
END;

CREATE TRIGGER idempotency_keys_no_delete BEFORE DELETE ON idempotency_keys
BEGIN
    SELECT RAISE(ABORT, 'idempotency keys are never deleted');
END;
