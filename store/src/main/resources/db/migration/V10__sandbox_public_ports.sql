-- Ports of sandboxes that the proxy opens without a key or token; their traffic counts as the key that made them
-- public (organization_id, key_id). Portable like V1.

CREATE TABLE sandbox_public_ports (
    sandbox_id      TEXT    NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    port            INTEGER NOT NULL,
    organization_id TEXT    NOT NULL REFERENCES organizations (id),
    key_id          TEXT    NOT NULL,
    since           BIGINT  NOT NULL,
    PRIMARY KEY (sandbox_id, port)
);
