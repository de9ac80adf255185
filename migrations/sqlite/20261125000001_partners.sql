-- Partners (resellers): organizations of their own kind, linked as partner
-- of record to some customers' agreements, seeing what each customer lets
-- them see.
ALTER TABLE organizations ADD COLUMN kind TEXT NOT NULL DEFAULT 'customer';

CREATE TABLE partner_links (
    partner_id INTEGER NOT NULL REFERENCES organizations (id),
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (partner_id, agreement_id)
);
CREATE INDEX partner_links_agreement ON partner_links (agreement_id);

-- Whether a customer lets a partner see orders placed through others.
-- No row: it does not.
CREATE TABLE partner_visibility (
    customer_id INTEGER NOT NULL REFERENCES organizations (id),
    partner_id INTEGER NOT NULL REFERENCES organizations (id),
    sees_other_partners INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (customer_id, partner_id)
);

-- The partner an order was placed through, if any.
ALTER TABLE orders ADD COLUMN partner_id INTEGER REFERENCES organizations (id);
CREATE INDEX orders_partner ON orders (partner_id, purchasing_account_id);

-- A partner acting for a customer is named in the customer's log.
ALTER TABLE audit_log ADD COLUMN actor_organization TEXT NOT NULL DEFAULT '';
