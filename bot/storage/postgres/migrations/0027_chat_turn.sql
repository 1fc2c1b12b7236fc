-- A chat's turn across bot processes, and the needs version read after it (issue #12).
-- Taking the turn waits for the chat's session advisory lock; the version of needs is read
-- only once the lock is held. The function is VOLATILE, so its second statement takes a
-- new snapshot: it sees every change committed before the turn was granted, including the
-- change the same chat's previous update made on another process. One round trip gives
-- the browse cache a version no older than the update it serves (the cache in
-- bot/storage/postgres/base.py then answers from memory only if nothing moved since).
CREATE OR REPLACE FUNCTION hamdeli_take_turn(platform TEXT, chat INTEGER) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_lock(hashtext(platform), chat);
    RETURN (SELECT version FROM data_versions WHERE name = 'needs');
END;
$$;
