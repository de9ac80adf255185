-- A partner's request to replace a customer's designated administrator who
-- has already registered: the customer's Account Admins approve or decline
-- it under Manage access -> Manage partner visibility, within 7 days
-- (services/partners/requests.rs). Kept once decided, for the record.
CREATE TABLE admin_change_requests (
    id INTEGER PRIMARY KEY,
    purchasing_account_id INTEGER NOT NULL REFERENCES purchasing_accounts (id),
    customer_id INTEGER NOT NULL REFERENCES organizations (id),
    partner_id INTEGER NOT NULL REFERENCES organizations (id),
    requested_by TEXT NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    language TEXT NOT NULL,
    country TEXT NOT NULL,
    -- pending, approved, declined or replaced (by a newer request).
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by TEXT
);
CREATE INDEX admin_change_requests_customer ON admin_change_requests (customer_id, status);
CREATE INDEX admin_change_requests_account ON admin_change_requests (purchasing_account_id, status);
