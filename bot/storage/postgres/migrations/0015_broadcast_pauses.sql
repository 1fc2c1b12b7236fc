-- Time a broadcast spent paused, so its final report states the rate it really sent at:
-- recipients per second over the run, pauses left out.
ALTER TABLE broadcasts ADD COLUMN paused_at BIGINT;  -- when the current pause began
ALTER TABLE broadcasts ADD COLUMN paused_s BIGINT NOT NULL DEFAULT 0;  -- earlier pauses
