-- Needs (anonymized, what donors browse) and pledges (a donor's promise of money or items).
-- Amounts are integers: rials for money needs, a count for item needs.
CREATE TABLE needs (
    id                         INTEGER PRIMARY KEY,
    code                       TEXT    NOT NULL UNIQUE,  -- public, short, random: H7K2QD
    external_id                TEXT    UNIQUE,           -- the importing office's own id
    province_id                INTEGER NOT NULL REFERENCES provinces(id),
    city_id                    INTEGER NOT NULL REFERENCES cities(id),
    category                   TEXT    NOT NULL CHECK (category IN ('livelihood', 'housing',
                                   'dowry', 'orphans', 'medical', 'education', 'work_tools',
                                   'other')),
    kind                       TEXT    NOT NULL CHECK (kind IN ('money', 'items')),
    item_name                  TEXT,
    target                     INTEGER NOT NULL CHECK (target > 0),
    reserved                   INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    paid                       INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),
    description_fa             TEXT    NOT NULL,
    description_en             TEXT,
    deadline                   TEXT,                     -- ISO date, Gregorian
    urgent                     INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    status                     TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('draft',
                                   'open', 'fully_pledged', 'funded', 'delivered', 'closed',
                                   'expired')),
    beneficiary_national_code  TEXT,                     -- private: never shown to donors
    created_at                 INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL,
    CHECK (reserved + paid <= target),
    CHECK ((kind = 'items') = (item_name IS NOT NULL))
);
-- Browse: open needs of a city, urgent first, then nearest deadline.
CREATE INDEX needs_browse ON needs(status, city_id, urgent DESC, deadline);
CREATE INDEX needs_by_province ON needs(status, province_id);
CREATE INDEX needs_by_beneficiary ON needs(beneficiary_national_code)
    WHERE beneficiary_national_code IS NOT NULL;

CREATE TABLE pledges (
    id              INTEGER PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,             -- P-8F3K2Q, written on the transfer
    need_id         INTEGER NOT NULL REFERENCES needs(id),
    platform        TEXT    NOT NULL,
    donor_id        INTEGER NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    status          TEXT    NOT NULL CHECK (status IN ('awaiting_payment', 'payment_reported',
                        'paid', 'rejected', 'delivered', 'expired', 'cancelled')),
    confirm_token   TEXT    NOT NULL UNIQUE,             -- one per confirm button: idempotent
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,                             -- NULL once payment is reported
    reminded        INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    paid_at         INTEGER,
    bank_reference  TEXT,
    receipt_file_id TEXT,
    FOREIGN KEY (platform, donor_id) REFERENCES users(platform, user_id)
);
CREATE INDEX pledges_by_donor ON pledges(platform, donor_id, created_at);
CREATE INDEX pledges_by_need ON pledges(need_id, status);
CREATE INDEX pledges_due ON pledges(status, expires_at);
