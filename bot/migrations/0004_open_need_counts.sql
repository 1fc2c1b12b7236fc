-- What donors browse, fast at a million needs.
--
-- open_need_counts holds, per city and category, how many needs are open. Counting the needs
-- table on every browse would read up to a million index entries. Triggers keep the counts
-- in the same transaction as the change that moves them, so they are exact for every
-- process writing the file (the bot, an import), with no cache to go stale.
-- Rows are never deleted: a count that falls to 0 stays as 0 (at most cities x categories).
-- Derived from needs only, so no foreign key: the needs row already checks its city.
CREATE TABLE open_need_counts (
    city_id   INTEGER NOT NULL,
    category  TEXT    NOT NULL,
    n         INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (city_id, category)
) WITHOUT ROWID;

INSERT INTO open_need_counts (city_id, category, n)
    SELECT city_id, category, count(*) FROM needs WHERE status = 'open'
    GROUP BY city_id, category;

CREATE TRIGGER needs_open_count_insert AFTER INSERT ON needs
WHEN NEW.status = 'open'
BEGIN
    INSERT INTO open_need_counts (city_id, category, n) VALUES (NEW.city_id, NEW.category, 1)
        ON CONFLICT (city_id, category) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER needs_open_count_delete AFTER DELETE ON needs
WHEN OLD.status = 'open'
BEGIN
    UPDATE open_need_counts SET n = n - 1
        WHERE city_id = OLD.city_id AND category = OLD.category;
END;

-- An update takes a need out of the count it was in and adds it to the one it is in now.
-- UPDATE OF fires whenever a column is assigned, changed or not (an import's upsert assigns
-- all of them), so the WHEN clauses skip rows whose place in the counts did not change.
CREATE TRIGGER needs_open_count_leave AFTER UPDATE OF status, city_id, category ON needs
WHEN OLD.status = 'open'
    AND (NEW.status <> 'open' OR NEW.city_id <> OLD.city_id OR NEW.category <> OLD.category)
BEGIN
    UPDATE open_need_counts SET n = n - 1
        WHERE city_id = OLD.city_id AND category = OLD.category;
END;

CREATE TRIGGER needs_open_count_enter AFTER UPDATE OF status, city_id, category ON needs
WHEN NEW.status = 'open'
    AND (OLD.status <> 'open' OR NEW.city_id <> OLD.city_id OR NEW.category <> OLD.category)
BEGIN
    INSERT INTO open_need_counts (city_id, category, n) VALUES (NEW.city_id, NEW.category, 1)
        ON CONFLICT (city_id, category) DO UPDATE SET n = n + 1;
END;

-- Browse by category: open needs of a city in one category, in browse order. Without it a
-- rare category in a big city would walk the whole city in needs_browse to fill one page.
-- Partial (open needs only): closed needs, most of the table in time, cost it nothing.
CREATE INDEX needs_browse_category ON needs(city_id, category, urgent DESC, deadline)
    WHERE status = 'open';
