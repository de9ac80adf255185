-- SCIM 2.0 provisioning (services/scim): the organization's directory
-- creates, changes and deprovisions its people here.

-- Set when the directory deactivated the person: no way in until it
-- turns them active again.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;

-- A token that works only at /scim/v2 (and an API token never does).
ALTER TABLE api_tokens ADD COLUMN scim BIGINT NOT NULL DEFAULT 0;

-- The directory's view of a person, whether their account exists yet
-- (an address at a domain with single sign-on) or waits for them to
-- accept an invitation: `id` is stable across both.
CREATE TABLE scim_users (
    id TEXT PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    -- The directory's name for them (Entra's UPN, Okta's login), as sent.
    user_name TEXT NOT NULL,
    -- Their work address, lowercase: the account's.
    email TEXT NOT NULL,
    -- The emails the directory sent (JSON), answered back as sent.
    emails TEXT,
    external_id TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    -- Role keys, comma-separated: the groups the directory put them in.
    roles TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- userName is compared without case (RFC 7643 §4.1.1: caseExact false).
CREATE UNIQUE INDEX scim_users_name ON scim_users (organization_id, lower(user_name));
CREATE UNIQUE INDEX scim_users_email ON scim_users (organization_id, email);
CREATE INDEX scim_users_external ON scim_users (organization_id, external_id);
