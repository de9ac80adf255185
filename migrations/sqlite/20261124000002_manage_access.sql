-- Manage access: the audit log, invitation reminders, and the indexes the
-- user list pages through.

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    -- Kept as text: the log outlives the accounts it names.
    actor_email TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_email TEXT NOT NULL,
    detail TEXT NOT NULL,
    client_address TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX audit_log_organization ON audit_log (organization_id, id);

ALTER TABLE invitations ADD COLUMN reminder_sent_at INTEGER;
CREATE INDEX invitations_reminders ON invitations (status, expires_at);
CREATE INDEX invitations_organization ON invitations (organization_id, status, id);

CREATE INDEX users_organization_email ON users (organization_id, email);
