-- A CSV file of invitations became a job (services/access/bulk.rs): the
-- form stores its rows and comes back at once; a worker invites them in
-- batches, keeping each batch's results, so the page shows the progress
-- and a server that stops half way leaves the rest to another.
ALTER TABLE bulk_invite_runs ADD COLUMN pending_rows TEXT NOT NULL DEFAULT '[]';
ALTER TABLE bulk_invite_runs ADD COLUMN total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_invite_runs ADD COLUMN done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_invite_runs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_invite_runs ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
-- Runs from before were finished when stored (0 of 0 rows left). The
-- worker looks only among the unfinished.
CREATE INDEX bulk_invite_runs_unfinished ON bulk_invite_runs (lease_until) WHERE done < total;
