-- Manual payments: what the donor typed as the bank tracking number (card-to-card transfers
-- carry no description, so the number is how staff find the money), kept apart from the
-- number staff confirm with (bank_reference).
ALTER TABLE pledges ADD COLUMN donor_tracking TEXT;
