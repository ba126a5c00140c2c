-- Server tokens and the access log (`accord serve`).
--
-- `tokens` is a projection of the token.issue and token.revoke entries
-- (codes 20 and 21): a token says who may do what on a server. Only the
-- SHA-256 of a token is stored, never the token. The state root covers each
-- token's row (entity `token:<name>`), so a row added or changed with another
-- tool is refused like any other projection.
--
-- `access_log` records who read what through the server (exports, the journal,
-- briefs): when, which token, which route, how many rows. It is not part of
-- the journal (reads are not claims about the world) and only ever grows.

CREATE TABLE tokens (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'monitor', 'reviewer', 'auditor', 'viewer')),
    token_sha256  BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    expires       TEXT,
    expires_day   INTEGER,
    key_name      TEXT,
    issued_seq    INTEGER NOT NULL UNIQUE,
    revoked_seq   INTEGER CHECK (revoked_seq > issued_seq),
    revoke_reason TEXT
) STRICT;

CREATE TRIGGER tokens_revoke_only BEFORE UPDATE ON tokens
WHEN OLD.revoked_seq IS NOT NULL OR NEW.name IS NOT OLD.name OR NEW.role IS NOT OLD.role
  OR NEW.token_sha256 IS NOT OLD.token_sha256 OR NEW.expires IS NOT OLD.expires OR NEW.key_name IS NOT OLD.key_name
  OR NEW.issued_seq IS NOT OLD.issued_seq
BEGIN
    SELECT RAISE(ABORT, 'tokens are never changed, only revoked once');
END;

CREATE TABLE access_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    role      TEXT    NOT NULL,
    method    TEXT    NOT NULL,
    route     TEXT    NOT NULL,
    query     TEXT,
    status    INTEGER NOT NULL,
    rows      INTEGER
) STRICT;

CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is never changed');
END;

CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is never deleted from');
END;
