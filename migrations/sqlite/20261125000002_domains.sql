-- Domains an organization proves it owns by publishing a DNS TXT record.
-- status: pending (until verified, for 7 days), verified, expired (never
-- verified in time), lapsed (verified, then failed 3 daily checks in a row).
CREATE TABLE domains (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    purchasing_account_id INTEGER NOT NULL REFERENCES purchasing_accounts (id),
    name TEXT NOT NULL,
    token TEXT NOT NULL,
    status TEXT NOT NULL,
    failed_checks INTEGER NOT NULL DEFAULT 0,
    last_result TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    verified_at INTEGER,
    checked_at INTEGER
);
-- One organization per verified domain, however two verifications race.
CREATE UNIQUE INDEX domains_verified_name ON domains (name) WHERE status = 'verified';
-- One open claim per organization and domain.
CREATE UNIQUE INDEX domains_open_claim ON domains (organization_id, name)
    WHERE status IN ('pending', 'verified');
CREATE INDEX domains_organization ON domains (organization_id, id);
CREATE INDEX domains_due ON domains (status, checked_at);

-- The verified domain an online service is provisioned to.
ALTER TABLE subscriptions ADD COLUMN domain TEXT NOT NULL DEFAULT '';
