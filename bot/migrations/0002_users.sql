-- People who talk to the bot, on any platform. (platform, user_id) is the key, so a
-- Telegram user and a Bale user with the same numeric id never collide. We keep no names,
-- usernames or phone numbers here: only what the bot needs to answer and to reach people.
CREATE TABLE users (
    platform               TEXT    NOT NULL CHECK (platform IN ('telegram', 'bale')),
    user_id                INTEGER NOT NULL,
    chat_id                INTEGER NOT NULL,
    persona                TEXT    CHECK (persona IN ('donor', 'beneficiary')),
    staff_role             TEXT    NOT NULL DEFAULT 'none'
                                   CHECK (staff_role IN ('none', 'staff', 'admin')),
    language               TEXT    NOT NULL,
    home_city_id           INTEGER REFERENCES cities(id),
    first_seen             INTEGER NOT NULL,  -- unix seconds, UTC
    last_seen              INTEGER NOT NULL,
    blocked                INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    announcements_opt_out  INTEGER NOT NULL DEFAULT 0 CHECK (announcements_opt_out IN (0, 1)),
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX users_by_last_seen ON users(last_seen);
CREATE INDEX users_by_home_city ON users(home_city_id);

-- Conversation states (PTB ConversationHandler), written through on every change so a
-- crash or restart resumes each person where they were.
CREATE TABLE conversation_states (
    platform    TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    key         TEXT    NOT NULL,  -- JSON of PTB's conversation key, e.g. [chat_id, user_id]
    state       TEXT    NOT NULL,  -- JSON
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, name, key)
);

-- What a multi-step flow has collected so far (PTB's user_data), as JSON.
CREATE TABLE flow_data (
    platform    TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    data        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
);

-- Who did what to which record, and when: every staff write and every view of personal data.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    platform      TEXT,
    actor_id      INTEGER,
    action        TEXT    NOT NULL,
    subject_type  TEXT,
    subject_id    TEXT,
    details       TEXT
);
CREATE INDEX audit_log_by_time ON audit_log(at);
