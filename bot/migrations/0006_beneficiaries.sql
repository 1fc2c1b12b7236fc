-- Households that receive help (the head's national code is the key) and their electronic
-- coupon (kalabarg) tranches, imported from the welfare office's files.
-- Personal data: for staff and for the household itself, never shown to donors.
-- WITHOUT ROWID: both are looked up by their text key only, so the key is the table's own
-- B-tree instead of a rowid table plus a second index holding the same key.
CREATE TABLE beneficiaries (
    national_code   TEXT    NOT NULL PRIMARY KEY,      -- the household head's, 10 ASCII digits
    full_name       TEXT    NOT NULL,
    mobile          TEXT    NOT NULL,                  -- +989XXXXXXXXX
    province_id     INTEGER NOT NULL REFERENCES provinces(id),
    city_id         INTEGER NOT NULL REFERENCES cities(id),
    household_size  INTEGER NOT NULL CHECK (household_size BETWEEN 1 AND 30),
    decile          INTEGER NOT NULL CHECK (decile BETWEEN 1 AND 10),
    created_at      INTEGER NOT NULL,                  -- unix seconds, UTC
    updated_at      INTEGER NOT NULL
) WITHOUT ROWID;
-- A household proves who it is by the mobile the office has on file.
CREATE INDEX beneficiaries_by_mobile ON beneficiaries(mobile);

CREATE TABLE vouchers (
    national_code      TEXT    NOT NULL REFERENCES beneficiaries(national_code),
    tranche            INTEGER NOT NULL CHECK (tranche > 0),
    amount_per_person  INTEGER NOT NULL CHECK (amount_per_person > 0),  -- rials
    total              INTEGER NOT NULL CHECK (total > 0),              -- rials
    charged_on         TEXT,                                            -- ISO date, Gregorian
    expires_on         TEXT,
    status             TEXT    NOT NULL CHECK (status IN ('charged', 'pending', 'not_eligible',
                           'expired')),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (national_code, tranche)
) WITHOUT ROWID;
