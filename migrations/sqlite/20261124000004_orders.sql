-- Volume-licensing orders: products, orders per purchasing account, and
-- their lines. Orders carry their organization so that a page of one
-- organization's orders reads one index range.

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    purchasing_account_id INTEGER NOT NULL REFERENCES purchasing_accounts (id),
    number TEXT NOT NULL UNIQUE,
    ordered_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX orders_organization_date ON orders (organization_id, ordered_at, id);
CREATE INDEX orders_purchasing_account ON orders (purchasing_account_id, ordered_at, id);

CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    currency TEXT NOT NULL
);
CREATE INDEX order_lines_order ON order_lines (order_id);
CREATE INDEX order_lines_product ON order_lines (product_id, order_id);
