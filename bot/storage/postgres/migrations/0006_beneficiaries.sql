-- Households that receive help (the head's national code is the key) and their electronic
-- coupon (kalabarg) tranches, imported from the welfare office's files.
-- Personal data: for staff and for the household itself, never shown to donors.
-- (SQLite's WITHOUT ROWID is dropped: a PostgreSQL table is a heap with its key's index.)
CREATE TABLE beneficiaries (
    national_code   TEXT    NOT NULL PRIMARY KEY,      -- the household head's, 10 ASCII digits
    full_name       TEXT    NOT NULL,
    mobile          TEXT    NOT NULL,                  -- +989XXXXXXXXX
    province_id     BIGINT  NOT NULL REFERENCES provinces(id),
    city_id         BIGINT  NOT NULL REFERENCES cities(id),
    household_size  INTEGER NOT NULL CHECK (household_size BETWEEN 1 AND 30),
    decile          INTEGER NOT NULL CHECK (decile BETWEEN 1 AND 10),
    created_at      BIGINT  NOT NULL,                  -- unix seconds, UTC
    updated_at      BIGINT  NOT NULL
);
-- A household proves who it is by the mobile the office has on file.
CREATE INDEX beneficiaries_by_mobile ON beneficiaries(mobile);

CREATE TABLE vouchers (
    national_code      TEXT    NOT NULL REFERENCES beneficiaries(national_code),
    tranche            INTEGER NOT NULL CHECK (tranche > 0),
    amount_per_person  BIGINT  NOT NULL CHECK (amount_per_person > 0),  -- rials
    total              BIGINT  NOT NULL CHECK (total > 0),              -- rials
    charged_on         TEXT,                                            -- ISO date, Gregorian
    expires_on         TEXT,
    status             TEXT    NOT NULL CHECK (status IN ('charged', 'pending', 'not_eligible',
                           'expired')),
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    PRIMARY KEY (national_code, tranche)
);
