-- "Contact support": a person's message goes to the staff chat under a ticket number; a
-- staff reply to it comes back through the bot. Neither side sees the other's account.
CREATE TABLE support_tickets (
    id                INTEGER PRIMARY KEY,
    platform          TEXT    NOT NULL,
    user_id           INTEGER NOT NULL,
    staff_message_id  INTEGER,            -- the message in STAFF_CHAT_ID that staff reply to
    created_at        INTEGER NOT NULL,
    FOREIGN KEY (platform, user_id) REFERENCES users(platform, user_id)
);
CREATE INDEX support_tickets_by_message ON support_tickets(platform, staff_message_id);
