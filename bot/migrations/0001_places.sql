-- Reference geography: Iran's 31 provinces and their cities (every county seat).
-- Rows are loaded from bot/data/places.csv by the migration step that runs this file.
CREATE TABLE provinces (
    id       INTEGER PRIMARY KEY,
    name_fa  TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL UNIQUE
);

CREATE TABLE cities (
    id           INTEGER PRIMARY KEY,
    province_id  INTEGER NOT NULL REFERENCES provinces(id),
    name_fa      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    is_capital   INTEGER NOT NULL DEFAULT 0 CHECK (is_capital IN (0, 1)),
    UNIQUE (province_id, name_fa),
    UNIQUE (province_id, name_en)
);
CREATE INDEX cities_by_province ON cities(province_id);
