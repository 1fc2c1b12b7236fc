-- Several `hamdeli run` processes (workers) may share one store (#12).
-- Each outbox claim records the worker that made it, so a worker starting again marks only
-- its own interrupted sends 'unknown', never another live worker's sends in flight.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
-- Only the sends in flight: recovery finds them without reading a broadcast's million rows.
CREATE INDEX outbox_sending ON outbox(platform, claimed_by) WHERE status = 'sending';
-- Each worker's last sign of life (its clock job writes it): the sends of a worker silent
-- for long (removed, or its host gone) may be marked 'unknown' by any other worker.
CREATE TABLE workers (
    worker      TEXT    PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
);
-- One token bucket per platform, shared by every worker: together they never send faster
-- than BROADCAST_RATE. `updated_at` is the database's clock (seconds); `granted` is what
-- the last take handed out (RETURNING gives new values only).
CREATE TABLE send_pacing (
    platform    TEXT    PRIMARY KEY,
    tokens      REAL    NOT NULL,
    updated_at  REAL    NOT NULL,
    granted     INTEGER NOT NULL DEFAULT 0
);
