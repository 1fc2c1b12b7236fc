-- The outbox may address a chat that is not a person: the staff group (STAFF_CHAT_ID) hears
-- about reported payments and receipts through it, with the same at-most-once delivery. The
-- foreign key to users is dropped for that; a person's notice still finds their chat and
-- language in users at send time, and a group's notice carries its language in its args.
CREATE TABLE outbox_new (
    id            INTEGER PRIMARY KEY,
    platform      TEXT    NOT NULL,
    user_id       INTEGER NOT NULL,    -- a user id, or a group chat id (negative)
    broadcast_id  INTEGER REFERENCES broadcasts(id),
    message_id    TEXT,
    args          TEXT,
    status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending',
                      'sent', 'blocked', 'failed', 'unknown')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER,
    dedupe_key    TEXT,
    CHECK ((broadcast_id IS NULL) = (message_id IS NOT NULL))
);
INSERT INTO outbox_new (id, platform, user_id, broadcast_id, message_id, args, status,
                        attempts, due_at, created_at, sent_at, dedupe_key)
    SELECT id, platform, user_id, broadcast_id, message_id, args, status, attempts, due_at,
           created_at, sent_at, dedupe_key FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_dedupe ON outbox(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_notices_due ON outbox(platform, status, due_at) WHERE broadcast_id IS NULL;
CREATE INDEX outbox_by_broadcast ON outbox(broadcast_id, status) WHERE broadcast_id IS NOT NULL;

CREATE TRIGGER outbox_broadcast_progress AFTER UPDATE OF status ON outbox
WHEN NEW.broadcast_id IS NOT NULL AND NEW.status <> OLD.status
BEGIN
    UPDATE broadcasts SET
        sent    = sent    + (NEW.status = 'sent')    - (OLD.status = 'sent'),
        blocked = blocked + (NEW.status = 'blocked') - (OLD.status = 'blocked'),
        failed  = failed  + (NEW.status = 'failed')  - (OLD.status = 'failed'),
        unknown = unknown + (NEW.status = 'unknown') - (OLD.status = 'unknown')
    WHERE id = NEW.broadcast_id;
END;
