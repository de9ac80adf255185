-- API tokens (services/tokens.rs): a user's, carrying a subset of their
-- roles, or a vendor operator's (no organization, no user). Only the
-- secret's SHA-256 is kept. A token ends with its owner's account.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER REFERENCES organizations (id),
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    operator INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    -- Role keys, comma-separated; empty for an operator's token.
    roles TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- The secret's first characters, to tell tokens apart in lists.
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_organization ON api_tokens (organization_id, created_at);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
