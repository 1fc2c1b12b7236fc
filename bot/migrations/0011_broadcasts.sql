-- Broadcasts: an announcement from staff to an audience, sent through the one outbox.
-- The broadcast row holds the content once; the outbox holds one row per recipient, so a
-- crash resumes where it stopped and never sends anyone the same announcement twice.
CREATE TABLE broadcasts (
    id                   INTEGER PRIMARY KEY,
    platform             TEXT    NOT NULL,  -- file ids and recipients belong to one bot
    creator_id           INTEGER NOT NULL,
    chat_id              INTEGER NOT NULL,  -- where the live progress is shown
    progress_message_id  INTEGER,
    text                 TEXT    NOT NULL,
    photo_file_id        TEXT,
    audience             TEXT    NOT NULL CHECK (audience IN ('everyone', 'donors',
                             'beneficiaries', 'staff', 'province', 'city')),
    place_id             INTEGER,            -- the province or city of those audiences
    token                TEXT    NOT NULL UNIQUE,  -- the confirm button's: created once
    status               TEXT    NOT NULL CHECK (status IN ('running', 'paused', 'cancelled',
                             'done')),
    pause_reason         TEXT,
    users_upto           INTEGER NOT NULL,   -- the audience: users up to this rowid, queued
    built_upto           INTEGER NOT NULL DEFAULT 0,  -- in short chunks up to this one
    total                INTEGER NOT NULL DEFAULT 0,
    sent                 INTEGER NOT NULL DEFAULT 0,  -- kept by the trigger below
    blocked              INTEGER NOT NULL DEFAULT 0,
    failed               INTEGER NOT NULL DEFAULT 0,
    unknown              INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    finished_at          INTEGER
);
CREATE INDEX broadcasts_active ON broadcasts(platform, status);

-- The outbox gains broadcast rows. Rebuilt so that its dedupe key is a partial unique index
-- (a million broadcast rows carry no key) and notices keep an index of their own: claiming
-- the next notice never walks past a million pending announcements.
CREATE TABLE outbox_new (
    id            INTEGER PRIMARY KEY,
    platform      TEXT    NOT NULL,
    user_id       INTEGER NOT NULL,
    broadcast_id  INTEGER REFERENCES broadcasts(id),
    message_id    TEXT,                -- notices: the locale message and its args (JSON),
    args          TEXT,                -- rendered in the recipient's language at send time
    status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending',
                      'sent', 'blocked', 'failed', 'unknown')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER,
    dedupe_key    TEXT,                -- the same event never queues a second notice
    CHECK ((broadcast_id IS NULL) = (message_id IS NOT NULL)),
    FOREIGN KEY (platform, user_id) REFERENCES users(platform, user_id)
);
INSERT INTO outbox_new (id, platform, user_id, message_id, args, status, attempts, due_at,
                        created_at, sent_at, dedupe_key)
    SELECT id, platform, user_id, message_id, args, status, attempts, due_at, created_at,
           sent_at, dedupe_key FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_dedupe ON outbox(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_notices_due ON outbox(platform, status, due_at) WHERE broadcast_id IS NULL;
CREATE INDEX outbox_by_broadcast ON outbox(broadcast_id, status) WHERE broadcast_id IS NOT NULL;

-- Progress counts without counting a million rows every few seconds.
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
