-- The per-row results of a CSV file of invitations sent as a form: the
-- page the form comes back to shows them to the user who sent it. Kept
-- for a day, then deleted by the next run.
CREATE TABLE bulk_invite_runs (
    -- AUTOINCREMENT: a deleted run's id never names a newer run.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    results TEXT NOT NULL
);
CREATE INDEX bulk_invite_runs_created ON bulk_invite_runs (created_at);
