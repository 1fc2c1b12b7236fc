-- Monthly kindness: a donor's standing gift of an amount each Jalali month, on a chosen day,
-- to the most urgent need with room in a place (a city, or a whole province) and optionally
-- a category. Due work is a row with a due time, like the pledge clock: `next_due_at` is
-- when the gift of `next_period` (Jalali year * 100 + month) falls due. A run claims the
-- row by moving `next_period` on, in the same transaction as its pledge, so two runs (two
-- processes, a restart) never give twice and a restart never skips a month.
CREATE TABLE monthly_gifts (
    id            INTEGER PRIMARY KEY,
    platform      TEXT    NOT NULL,
    donor_id      INTEGER NOT NULL,
    amount        INTEGER NOT NULL CHECK (amount > 0),             -- rials
    province_id   INTEGER NOT NULL REFERENCES provinces(id),
    city_id       INTEGER REFERENCES cities(id),                   -- NULL: the whole province
    category      TEXT,                                            -- NULL: any category
    day           INTEGER NOT NULL CHECK (day BETWEEN 1 AND 28),   -- Jalali day of the month
    status        TEXT    NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'paused', 'stopped')),
    next_period   INTEGER NOT NULL,
    next_due_at   INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,  -- every change: older buttons are stale
    create_token  TEXT    UNIQUE,              -- the confirm button's: a double press starts one
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    FOREIGN KEY (platform, donor_id) REFERENCES users(platform, user_id)
);
-- One standing gift per donor (stopped ones stay for the accounts).
CREATE UNIQUE INDEX monthly_gifts_one_per_donor ON monthly_gifts(platform, donor_id)
    WHERE status != 'stopped';
CREATE INDEX monthly_gifts_due ON monthly_gifts(platform, status, next_due_at);

-- What became of each month: pledged (the pledge), nothing in scope needed money, or the
-- donor skipped it. One row per gift and month, whatever happens.
CREATE TABLE monthly_runs (
    id         INTEGER PRIMARY KEY,
    gift_id    INTEGER NOT NULL REFERENCES monthly_gifts(id),
    period     INTEGER NOT NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('pledged', 'nothing', 'skipped')),
    pledge_id  INTEGER REFERENCES pledges(id),
    at         INTEGER NOT NULL,
    UNIQUE (gift_id, period)
);
CREATE INDEX monthly_runs_by_period ON monthly_runs(period);
