-- Fixed-window counters, one row per key, bumped by one atomic upsert so
-- that concurrent requests on any server count each hit exactly once.
-- Replaces the row-per-hit table, whose count-then-insert was not atomic.
DROP TABLE rate_limit_hits;
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

-- Sessions also end after a spell without use.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Which worker holds a message: only the holder of the claim may mark it
-- sent or failed, so a worker whose lease ran out cannot undo another's.
ALTER TABLE outbox ADD COLUMN claim_token TEXT;
