-- Reconciliation of in-chat payments (Bale's inquireTransaction). Every pre-checkout the bot
-- approved is a `checkout`, keyed by the pre_checkout_query id, which is the transaction id
-- Bale's inquireTransaction takes. A checkout waits for its successful_payment; when none
-- comes within RECONCILE_AFTER_MINUTES the reconciliation job asks Bale about it, backing
-- off between questions, and gives up (with a note to staff) after a bounded number.
-- Every question and its answer is a `checkout_inquiries` row, so staff can audit it.
CREATE TABLE checkouts (
    transaction_id   TEXT    PRIMARY KEY,          -- pre_checkout_query.id
    platform         TEXT    NOT NULL,
    donor_id         INTEGER NOT NULL,
    invoice_payload  TEXT    NOT NULL,
    amount           INTEGER NOT NULL CHECK (amount > 0),  -- what was approved, in rials
    currency         TEXT    NOT NULL,
    approved_at      INTEGER NOT NULL,
    -- awaiting: approved, no money seen yet; paid: its successful_payment arrived;
    -- reconciled: Bale said paid and the payment was recorded from that answer;
    -- declined: Bale said failed or rejected (no money); given_up: asked too often.
    state            TEXT    NOT NULL DEFAULT 'awaiting' CHECK (state IN
                         ('awaiting', 'paid', 'reconciled', 'declined', 'given_up')),
    charge_id        TEXT    UNIQUE,               -- the successful_payment that settled it
    payment_id       INTEGER REFERENCES payments(id),
    inquiries        INTEGER NOT NULL DEFAULT 0,
    next_inquiry_at  INTEGER,                      -- NULL once settled: never asked again
    settled_at       INTEGER
);
CREATE INDEX checkouts_due ON checkouts(platform, next_inquiry_at)
    WHERE next_inquiry_at IS NOT NULL;
CREATE INDEX checkouts_by_payload ON checkouts(invoice_payload, state);

CREATE TABLE checkout_inquiries (
    id              INTEGER PRIMARY KEY,
    transaction_id  TEXT    NOT NULL REFERENCES checkouts(transaction_id),
    asked_at        INTEGER NOT NULL,
    answer          TEXT    NOT NULL CHECK (answer IN
                        ('paid', 'pending', 'failed', 'rejected', 'unknown', 'error')),
    amount          INTEGER,                       -- what Bale said was paid, in rials
    detail          TEXT                           -- Bale's words (a status or an error)
);
CREATE INDEX checkout_inquiries_by_transaction ON checkout_inquiries(transaction_id);
