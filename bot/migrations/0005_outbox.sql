-- One outbox for every message the bot starts itself (notices now, broadcasts later): a row
-- per recipient, with a status committed before and after each send, so a crash neither
-- loses a message nor sends it twice (a row left in 'sending' becomes 'unknown').
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    platform    TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    message_id  TEXT    NOT NULL,            -- locale message, rendered in the recipient's
    args        TEXT    NOT NULL,            -- language at send time, with these args (JSON)
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending',
                    'sent', 'blocked', 'failed', 'unknown')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    due_at      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    dedupe_key  TEXT    UNIQUE,              -- the same event never queues a second message
    FOREIGN KEY (platform, user_id) REFERENCES users(platform, user_id)
);
CREATE INDEX outbox_due ON outbox(platform, status, due_at);
