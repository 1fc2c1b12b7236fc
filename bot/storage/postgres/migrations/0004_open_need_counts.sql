-- What donors browse, fast at a million needs.
--
-- open_need_counts holds, per city and category, how many needs are open. Triggers keep the
-- counts in the same transaction as the change that moves them. Under READ COMMITTED the
-- UPDATE and the INSERT ... ON CONFLICT DO UPDATE lock the count row and add to its latest
-- committed value, so concurrent writers never lose an increment: the counts stay exact.
-- Rows are never deleted: a count that falls to 0 stays as 0 (at most cities x categories).
-- Derived from needs only, so no foreign key: the needs row already checks its city.
-- (SQLite's WITHOUT ROWID has no PostgreSQL counterpart, nor needs one.)
CREATE TABLE open_need_counts (
    city_id   BIGINT  NOT NULL,
    category  TEXT    NOT NULL,
    n         BIGINT  NOT NULL CHECK (n >= 0),
    PRIMARY KEY (city_id, category)
);

INSERT INTO open_need_counts (city_id, category, n)
    SELECT city_id, category, count(*) FROM needs WHERE status = 'open'
    GROUP BY city_id, category;

-- The need (NEW) joins the count of its city and category.
CREATE FUNCTION needs_open_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO open_need_counts AS c (city_id, category, n)
        VALUES (NEW.city_id, NEW.category, 1)
        ON CONFLICT (city_id, category) DO UPDATE SET n = c.n + 1;
    RETURN NULL;
END;
$$;

-- The need (OLD) leaves the count it was in.
CREATE FUNCTION needs_open_count_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE open_need_counts SET n = n - 1
        WHERE city_id = OLD.city_id AND category = OLD.category;
    RETURN NULL;
END;
$$;

CREATE TRIGGER needs_open_count_insert AFTER INSERT ON needs
    FOR EACH ROW WHEN (NEW.status = 'open')
    EXECUTE FUNCTION needs_open_count_add();

CREATE TRIGGER needs_open_count_delete AFTER DELETE ON needs
    FOR EACH ROW WHEN (OLD.status = 'open')
    EXECUTE FUNCTION needs_open_count_remove();

-- An update takes a need out of the count it was in and adds it to the one it is in now.
-- UPDATE OF fires whenever a column is assigned, changed or not (an import's upsert assigns
-- all of them), as in SQLite, so the WHEN clauses skip rows whose place did not change.
CREATE TRIGGER needs_open_count_leave AFTER UPDATE OF status, city_id, category ON needs
    FOR EACH ROW WHEN (OLD.status = 'open'
        AND (NEW.status <> 'open' OR NEW.city_id <> OLD.city_id
             OR NEW.category <> OLD.category))
    EXECUTE FUNCTION needs_open_count_remove();

CREATE TRIGGER needs_open_count_enter AFTER UPDATE OF status, city_id, category ON needs
    FOR EACH ROW WHEN (NEW.status = 'open'
        AND (OLD.status <> 'open' OR NEW.city_id <> OLD.city_id
             OR NEW.category <> OLD.category))
    EXECUTE FUNCTION needs_open_count_add();

-- Browse by category: open needs of a city in one category, in browse order. Without it a
-- rare category in a big city would walk the whole city in needs_browse to fill one page.
-- Partial (open needs only): closed needs, most of the table in time, cost it nothing.
CREATE INDEX needs_browse_category ON needs(city_id, category, urgent DESC, deadline)
    WHERE status = 'open';
