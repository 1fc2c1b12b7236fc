-- A counter that moves with every change to needs (and so to open_need_counts, which
-- triggers derive from needs). The browse cache compares it instead of PRAGMA
-- data_version, which moves with every commit to any table: during a broadcast (two
-- commits a send) or busy hours (last-seen times, conversation states) it would drop the
-- cache all the time. Reading it costs the same few microseconds.
CREATE TABLE data_versions (
    name     TEXT    PRIMARY KEY,
    version  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO data_versions (name, version) VALUES ('needs', 0);

CREATE TRIGGER needs_version_insert AFTER INSERT ON needs
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'needs';
END;
CREATE TRIGGER needs_version_update AFTER UPDATE ON needs
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'needs';
END;
CREATE TRIGGER needs_version_delete AFTER DELETE ON needs
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'needs';
END;
