-- When a broadcast's final report was queued. The outbox writes it once the last send in
-- flight has ended (a cancel's report counts the sends that were already on their way).
ALTER TABLE broadcasts ADD COLUMN reported_at BIGINT;
UPDATE broadcasts SET reported_at = finished_at WHERE status IN ('done', 'cancelled');
