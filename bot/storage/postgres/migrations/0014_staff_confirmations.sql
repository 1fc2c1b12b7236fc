-- One-time confirmations of irreversible staff actions (/delivered, /close, cancelling a
-- broadcast). The preview stores what was asked; the confirm button carries the token and
-- the action uses it in its own transaction, so a double press or a redelivered update acts
-- once. The action's CHECK is named: 0020 widens it in place.
CREATE TABLE staff_confirmations (
    token       TEXT    PRIMARY KEY,
    platform    TEXT    NOT NULL,
    user_id     BIGINT  NOT NULL,
    action      TEXT    NOT NULL CONSTRAINT staff_confirmations_action_check
                        CHECK (action IN ('deliver', 'close', 'cancel_broadcast')),
    subject     TEXT    NOT NULL,  -- a need code or a broadcast id
    details     TEXT,              -- JSON: e.g. the close reason
    created_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
