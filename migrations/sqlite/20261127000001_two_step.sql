-- Two-step verification: an authenticator app (TOTP) and recovery codes.

-- The authenticator's secret (base32), once its first code confirmed it;
-- the one being set up until then; the last time step a code was accepted
-- for, so that no code works twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN two_step_since INTEGER;

-- Set when an Account Admin requires two-step verification of everyone.
ALTER TABLE organizations ADD COLUMN two_step_required_since INTEGER;

-- Single-use codes for when the authenticator is lost. The first
-- characters find the row; the whole code is Argon2-hashed.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lookup TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, lookup);

-- A sign-in whose password was right and which waits for its second step.
CREATE TABLE sign_in_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);
