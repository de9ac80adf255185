-- Product keys, per organization and purchasing account.
CREATE TABLE product_keys (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    purchasing_account_id INTEGER NOT NULL REFERENCES purchasing_accounts (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    key_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (product_id, key_text)
);
CREATE INDEX product_keys_organization ON product_keys (organization_id, product_id);
