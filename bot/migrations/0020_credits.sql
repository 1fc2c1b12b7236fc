-- Credit: money a donor paid that has no need to go to any more (the need was closed after
-- they paid; a payment arrived when its pledge could no longer be covered). No toman is
-- without a home: it stays in the donor's name (`unallocated`) until they move it to a
-- similar need or give it to the office, or until REDIRECT_DECISION_DAYS after `created_at`,
-- when the office decides (bot.domain.credits). The due time is computed from the setting
-- rather than stored, so no path that opens a credit needs the settings. What the office
-- holds (`office`) staff place on needs later.
-- Money moved to a need becomes a paid pledge with `funded_by_credit` = this credit, so
-- amount = unallocated + office + the amounts of those pledges, on every row.
CREATE TABLE credits (
    id           INTEGER PRIMARY KEY,
    platform     TEXT    NOT NULL,
    donor_id     INTEGER NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount > 0),          -- rials, never changes
    unallocated  INTEGER NOT NULL CHECK (unallocated >= 0),    -- still the donor's to choose
    office       INTEGER NOT NULL DEFAULT 0 CHECK (office >= 0),  -- the office's, not yet placed
    source       TEXT    NOT NULL CHECK (source IN ('payment', 'need_closed')),
    need_id      INTEGER REFERENCES needs(id),     -- where it came from: "similar" starts here
    pledge_id    INTEGER REFERENCES pledges(id),   -- the pledge whose money it was
    payment_id   INTEGER REFERENCES payments(id),
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    decided_by   TEXT CHECK (decided_by IN ('donor', 'office')),
    CHECK (unallocated + office <= amount)
);
CREATE INDEX credits_of_donor ON credits(platform, donor_id);
CREATE INDEX credits_due ON credits(created_at) WHERE unallocated > 0;
CREATE INDEX credits_office ON credits(id) WHERE office > 0;

ALTER TABLE pledges ADD COLUMN funded_by_credit INTEGER REFERENCES credits(id);
CREATE INDEX pledges_by_credit ON pledges(funded_by_credit) WHERE funded_by_credit IS NOT NULL;

-- Staff place the office's share on a need with a one-time confirmation (/place CODE), so
-- the confirmations accept that action too (SQLite changes a CHECK by rebuilding the table).
CREATE TABLE staff_confirmations_0020 (
    token       TEXT    PRIMARY KEY,
    platform    TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('deliver', 'close', 'cancel_broadcast',
                                                   'place_office')),
    subject     TEXT    NOT NULL,  -- a need code or a broadcast id
    details     TEXT,              -- JSON: e.g. the close reason
    created_at  INTEGER NOT NULL,
    used_at     INTEGER
);
INSERT INTO staff_confirmations_0020 SELECT token, platform, user_id, action, subject, details,
    created_at, used_at FROM staff_confirmations;
DROP TABLE staff_confirmations;
ALTER TABLE staff_confirmations_0020 RENAME TO staff_confirmations;
