-- Kalabarg expiry reminders can be turned off per person; status changes always come.
ALTER TABLE users ADD COLUMN reminders_off INTEGER NOT NULL DEFAULT 0
    CHECK (reminders_off IN (0, 1));
