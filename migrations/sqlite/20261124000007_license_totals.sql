-- What each purchasing account owns of each product, kept up to date by
-- the orders import, so that license details, online-service entitlements
-- and the dashboard's counts read a row per product, not every order line.
CREATE TABLE license_totals (
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    purchasing_account_id INTEGER NOT NULL REFERENCES purchasing_accounts (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL,
    orders INTEGER NOT NULL,
    PRIMARY KEY (organization_id, purchasing_account_id, product_id)
);

INSERT INTO license_totals (organization_id, purchasing_account_id, product_id, quantity, orders)
SELECT o.organization_id, o.purchasing_account_id, l.product_id, SUM(l.quantity), COUNT(DISTINCT o.id)
FROM order_lines l JOIN orders o ON o.id = l.order_id
GROUP BY o.organization_id, o.purchasing_account_id, l.product_id;
