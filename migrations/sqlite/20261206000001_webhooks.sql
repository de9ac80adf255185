-- Events and signed webhooks (services/events.rs, services/webhooks.rs).
--
-- Every event is written in the transaction of the change it announces,
-- with one delivery per endpoint that subscribed to it, so neither exists
-- without the other. `organization_id` is NULL for the vendor operator's
-- events (agreement.created). A test event is sent to one endpoint only
-- (`endpoint_id`) and is not part of the organization's event list.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER REFERENCES organizations (id),
    event_type TEXT NOT NULL,
    -- The event's `data`, JSON.
    data TEXT NOT NULL,
    endpoint_id INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_organization ON events (organization_id, id);

CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER REFERENCES organizations (id),
    url TEXT NOT NULL,
    -- Event types, comma-separated.
    event_types TEXT NOT NULL,
    -- whsec_ and base64 of 32 random bytes; kept to sign with.
    secret TEXT NOT NULL,
    -- The secret before the last rotation, also signed with until
    -- `previous_secret_until`, so receivers can switch without a gap.
    previous_secret TEXT,
    previous_secret_until INTEGER,
    paused INTEGER NOT NULL DEFAULT 0,
    -- Set when the receiver answered 410 Gone or kept failing for 3 days.
    disabled_at INTEGER,
    disabled_reason TEXT,
    -- The first failed attempt since the last success.
    failing_since INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_organization ON webhook_endpoints (organization_id);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events (id),
    -- pending, delivered, failed
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER,
    claim_token TEXT,
    last_attempt_at INTEGER,
    -- The receiver's HTTP status, or NULL when none came (refused,
    -- timed out, blocked address).
    last_status_code INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
-- The worker sends only the oldest pending delivery of each endpoint.
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (endpoint_id, status, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

-- invitation.expired is announced once per invitation.
ALTER TABLE invitations ADD COLUMN expiry_announced INTEGER NOT NULL DEFAULT 0;
