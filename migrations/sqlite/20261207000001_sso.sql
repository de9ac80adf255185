-- Single sign-on with an organization's OpenID Connect provider
-- (services/sso). One connection per organization, serving the verified
-- domains listed in sso_domains; a domain routes to one connection only.
CREATE TABLE sso_connections (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL UNIQUE REFERENCES organizations (id),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- Sealed under SECRETS_KEY (services/secrets.rs).
    client_secret TEXT NOT NULL,
    -- Entra ID's tenant, bound at the first successful test connection
    -- when the provider's issuer is the multi-tenant template.
    tenant_id TEXT,
    enabled INTEGER NOT NULL DEFAULT 0,
    -- Password sign-in refused for its domains (break-glass excepted);
    -- only once a test connection has succeeded.
    required INTEGER NOT NULL DEFAULT 0,
    tested_at INTEGER,
    -- Accounts made at first sign-in for people of its domains, with
    -- these roles (keys, comma-separated).
    create_accounts INTEGER NOT NULL DEFAULT 0,
    create_roles TEXT NOT NULL DEFAULT 'account_viewer',
    updated_at INTEGER NOT NULL
);

CREATE TABLE sso_domains (
    name TEXT PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES sso_connections (id) ON DELETE CASCADE
);
CREATE INDEX sso_domains_connection ON sso_domains (connection_id);

-- Who a provider's stable subject is here: found by issuer and subject,
-- never by email.
CREATE TABLE sso_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- A sign-in sent to the provider and not back yet: the browser holds the
-- state in a cookie, this row the rest (the PKCE verifier and the nonce
-- never leave the server).
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES sso_connections (id) ON DELETE CASCADE,
    -- sign_in, test (an admin's test connection) or invitation.
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    -- The admin testing, or the invitation being accepted.
    user_id INTEGER,
    invitation_id INTEGER,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sso_logins_expiry ON sso_logins (expires_at);
