-- SSH public keys an organization registered for the SSH gateway. The fingerprint is unique within an
-- organization; a login looks a key up by fingerprint across organizations, then checks the sandbox's.

CREATE TABLE ssh_keys (
    id              TEXT   NOT NULL PRIMARY KEY,
    organization_id TEXT   NOT NULL REFERENCES organizations (id),
    name            TEXT   NOT NULL,
    public_key      TEXT   NOT NULL,
    fingerprint     TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (organization_id, fingerprint)
);

-- Serves the keyset pagination of a list: newest first, id breaking ties.
CREATE INDEX ssh_keys_by_organization ON ssh_keys (organization_id, created_at DESC, id DESC);
CREATE INDEX ssh_keys_by_fingerprint ON ssh_keys (fingerprint);
