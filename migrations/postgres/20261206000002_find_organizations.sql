-- The operator finds an organization by its designated administrator's
-- address (services/organizations.rs).
CREATE INDEX purchasing_accounts_admin_email ON purchasing_accounts (admin_email);
