-- Monitor keys and signed checkpoints.
--
-- `keys` is a projection of the key.register and key.revoke entries: a key
-- signs entries after the one that registered it and before the one that
-- revoked it. `checkpoints` records every checkpoint this ledger signed (a
-- C2SP signed note over the tree size and root); it is not part of the journal.

CREATE TABLE keys (
    name            TEXT    PRIMARY KEY,
    public_key      BLOB    NOT NULL CHECK (length(public_key) = 32),
    key_id          TEXT    NOT NULL CHECK (length(key_id) = 8),
    registered_seq  INTEGER NOT NULL UNIQUE,
    revoked_seq     INTEGER CHECK (revoked_seq > registered_seq),
    revoke_reason   TEXT
) STRICT;

CREATE TRIGGER keys_revoke_only BEFORE UPDATE ON keys
WHEN OLD.revoked_seq IS NOT NULL OR NEW.name IS NOT OLD.name OR NEW.public_key IS NOT OLD.public_key
  OR NEW.key_id IS NOT OLD.key_id OR NEW.registered_seq IS NOT OLD.registered_seq
BEGIN
    SELECT RAISE(ABORT, 'keys are never changed, only revoked once');
END;

CREATE TABLE checkpoints (
    size       INTEGER NOT NULL CHECK (size >= 0),
    root       BLOB    NOT NULL CHECK (length(root) = 32),
    key_name   TEXT    NOT NULL,
    note       TEXT    NOT NULL,
    signed_at  TEXT    NOT NULL,
    PRIMARY KEY (size, key_name)
) STRICT;

-- One root per size, ever: signing a different root for a size already
-- signed would be a fork.
CREATE TRIGGER checkpoints_one_root BEFORE INSERT ON checkpoints
WHEN EXISTS (SELECT 1 FROM checkpoints WHERE size = NEW.size AND root <> NEW.root)
BEGIN
    SELECT RAISE(ABORT, 'a checkpoint with a different root was already signed for this tree size');
END;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are never changed');
END;

CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are never deleted');
END;
