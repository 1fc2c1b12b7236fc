-- Paying inside the chat (sendInvoice). An invoice is a pledge's amount offered once, under
-- a payload of the pledge reference and a one-time nonce; a payment is money that arrived.
-- Money is never refused after it left the donor's account, so a payment may be allocated
-- to its pledge or, when the need can no longer take it, kept as `unallocated` for the
-- donor's choice: allocated + unallocated = amount on every row (the ledger identity).
CREATE TABLE invoices (
    id          INTEGER PRIMARY KEY,
    payload     TEXT    NOT NULL UNIQUE,         -- "P-8F3K2Q:nonce": what pre-checkout reads
    pledge_id   INTEGER NOT NULL REFERENCES pledges(id),
    amount      INTEGER NOT NULL CHECK (amount > 0),  -- the currency's smallest unit (rials)
    currency    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    paid_at     INTEGER                          -- the nonce is used: a payment came for it
);
CREATE INDEX invoices_by_pledge ON invoices(pledge_id);

CREATE TABLE payments (
    id                          INTEGER PRIMARY KEY,
    platform                    TEXT    NOT NULL,
    donor_id                    INTEGER NOT NULL,
    pledge_id                   INTEGER REFERENCES pledges(id),
    invoice_payload             TEXT    NOT NULL,
    amount                      INTEGER NOT NULL CHECK (amount > 0),  -- rials
    currency                    TEXT    NOT NULL,
    allocated                   INTEGER NOT NULL CHECK (allocated >= 0),
    unallocated                 INTEGER NOT NULL CHECK (unallocated >= 0),
    telegram_payment_charge_id  TEXT    NOT NULL UNIQUE,  -- a redelivery is recognised here
    provider_payment_charge_id  TEXT    UNIQUE,
    paid_at                     INTEGER NOT NULL,
    CHECK (allocated + unallocated = amount)
);
CREATE INDEX payments_by_pledge ON payments(pledge_id);
CREATE INDEX payments_unallocated ON payments(platform, donor_id) WHERE unallocated > 0;
