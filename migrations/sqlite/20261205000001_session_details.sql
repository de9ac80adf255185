-- Where each session began and in which browser, for the list on
-- My profile (services/sessions.rs). Sessions from before are shown
-- without them.
ALTER TABLE sessions ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
