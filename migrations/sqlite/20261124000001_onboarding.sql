-- Organizations, agreements, people, invitations, sessions and the mail outbox.
-- Timestamps are UTC seconds since the Unix epoch.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX organizations_name ON organizations (lower(name));

CREATE TABLE agreements (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'MPSA',
    created_at INTEGER NOT NULL
);
CREATE INDEX agreements_organization ON agreements (organization_id);

CREATE TABLE purchasing_accounts (
    id INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    number TEXT NOT NULL,
    admin_email TEXT NOT NULL,
    admin_first_name TEXT NOT NULL,
    admin_last_name TEXT NOT NULL,
    admin_language TEXT NOT NULL,
    admin_country TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (agreement_id, number)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    email TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    language TEXT NOT NULL,
    country TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_organization ON users (organization_id);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    -- Set when this invites a purchasing account's designated administrator.
    purchasing_account_id INTEGER REFERENCES purchasing_accounts (id),
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    language TEXT NOT NULL,
    country TEXT NOT NULL,
    roles TEXT NOT NULL,
    invited_by INTEGER REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    finished_at INTEGER,
    created_at INTEGER NOT NULL
);
-- At most one live invitation per person and organization.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (organization_id, email)
    WHERE status = 'pending';
CREATE INDEX invitations_email ON invitations (email);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_email TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    invitation_id INTEGER REFERENCES invitations (id),
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_invitation ON outbox (invitation_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE rate_limit_hits (
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX rate_limit_hits_key ON rate_limit_hits (key, at);
