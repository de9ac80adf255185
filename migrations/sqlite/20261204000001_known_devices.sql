-- Browsers that signed in to an account, by the hash of the secret in
-- their device cookie: failed sign-ins from elsewhere do not hold them
-- back (services/credentials.rs). Forgotten a year after their last
-- sign-in.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    -- The limiter's name for the account (a hash of its email).
    account_key TEXT NOT NULL,
    last_signed_in_at INTEGER NOT NULL
);
CREATE INDEX known_devices_last_signed_in ON known_devices (last_signed_in_at);
