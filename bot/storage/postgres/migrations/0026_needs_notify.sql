-- Every change to needs also notifies the channel `hamdeli_needs` (issue #12): each bot
-- process keeps one connection listening on it, so its browse cache learns of another
-- process's change without reading the version row before every answer (see the read
-- cache in bot/storage/postgres/base.py).
-- The payload is always empty: PostgreSQL sends a transaction's identical notifications
-- once, at its commit, so an import of a million rows notifies once, and nothing at all is
-- sent for a transaction that rolls back.
CREATE OR REPLACE FUNCTION needs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'needs';
    PERFORM pg_notify('hamdeli_needs', '');
    RETURN NULL;
END;
$$;
