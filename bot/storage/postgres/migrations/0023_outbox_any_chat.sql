-- The outbox may address a chat that is not a person: the staff group (STAFF_CHAT_ID) hears
-- about reported payments and receipts through it, with the same at-most-once delivery. The
-- foreign key to users is dropped for that; a person's notice still finds their chat and
-- language in users at send time, and a group's notice carries its language in its args.
-- SQLite rebuilds the table (and so re-creates its indexes and progress trigger); here the
-- constraint goes and everything else stays as it is.
ALTER TABLE outbox DROP CONSTRAINT outbox_user_fkey;
