-- A bank tracking number confirms one pledge (bot/domain/staff.confirm_payment): the
-- confirmation looks the typed number up among every pledge's, so it needs an index, not
-- a scan of all pledges while it holds the needs lock. Not UNIQUE: a deployment may already
-- hold a number used twice, which the check cannot undo and the migration must not refuse.
CREATE INDEX pledges_by_bank_reference ON pledges(bank_reference) WHERE bank_reference IS NOT NULL;
