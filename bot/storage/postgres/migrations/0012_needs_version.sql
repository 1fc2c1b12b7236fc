-- A counter that moves with every change to needs (and so to open_need_counts, which
-- triggers derive from needs). The browse cache compares it to know its pages are current.
-- One step per row changed, as SQLite's row triggers move it.
CREATE TABLE data_versions (
    name     TEXT    PRIMARY KEY,
    version  BIGINT  NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('needs', 0);

CREATE FUNCTION needs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'needs';
    RETURN NULL;
END;
$$;

CREATE TRIGGER needs_version_insert AFTER INSERT ON needs
    FOR EACH ROW EXECUTE FUNCTION needs_version_bump();
CREATE TRIGGER needs_version_update AFTER UPDATE ON needs
    FOR EACH ROW EXECUTE FUNCTION needs_version_bump();
CREATE TRIGGER needs_version_delete AFTER DELETE ON needs
    FOR EACH ROW EXECUTE FUNCTION needs_version_bump();

-- Every write to needs now locks this one row until its transaction ends (SQLite has one
-- writer at a time anyway). PostgreSQL fires a row's triggers in name order, so the count
-- triggers (needs_open_count_*) would lock a count row before it: a transaction holding the
-- version row could wait for a count row that a second transaction holds while it waits for
-- the version row, a deadlock. The count functions therefore take the version row first, so
-- writers of needs queue on it before touching any count.
CREATE OR REPLACE FUNCTION needs_open_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM data_versions WHERE name = 'needs' FOR UPDATE;
    INSERT INTO open_need_counts AS c (city_id, category, n)
        VALUES (NEW.city_id, NEW.category, 1)
        ON CONFLICT (city_id, category) DO UPDATE SET n = c.n + 1;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION needs_open_count_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM data_versions WHERE name = 'needs' FOR UPDATE;
    UPDATE open_need_counts SET n = n - 1
        WHERE city_id = OLD.city_id AND category = OLD.category;
    RETURN NULL;
END;
$$;
