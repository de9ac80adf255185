-- The answers to API requests sent with an Idempotency-Key, per token, for
-- a day (services/idempotency.rs): the same key and body again gets the
-- first answer and changes nothing twice. A row with status 0 is a
-- request still being answered.
CREATE TABLE idempotency_keys (
    token_id BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (token_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
