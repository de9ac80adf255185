-- Software downloads and self-service provisioning. A product is either
-- software (with files to download) or an online service (assigned to the
-- organization as subscriptions, within what its orders entitle).
ALTER TABLE products ADD COLUMN kind TEXT NOT NULL DEFAULT 'software';

-- Files live on disk under DOWNLOADS_DIR, named by their SHA-256.
CREATE TABLE product_files (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id),
    name TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (product_id, name)
);

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    purchasing_account_id INTEGER NOT NULL REFERENCES purchasing_accounts (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL,
    starts_on INTEGER NOT NULL,
    -- The email of who assigned it: it outlives their account.
    assigned_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX subscriptions_organization ON subscriptions (organization_id, product_id, purchasing_account_id);

-- Order lines carry their organization too, so that "has this
-- organization ordered this product" is one index probe, not a join
-- over every order.
ALTER TABLE order_lines ADD COLUMN organization_id INTEGER NOT NULL DEFAULT 0;
UPDATE order_lines SET organization_id =
    (SELECT o.organization_id FROM orders o WHERE o.id = order_lines.order_id);
CREATE INDEX order_lines_organization_product ON order_lines (organization_id, product_id);
