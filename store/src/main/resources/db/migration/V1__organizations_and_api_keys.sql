-- One schema for SQLite and PostgreSQL: only types both understand, instants as epoch milliseconds.

CREATE TABLE organizations (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    slug       TEXT    NOT NULL UNIQUE,
    tier       TEXT    NOT NULL,
    operator   BOOLEAN NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE TABLE api_keys (
    id              TEXT    NOT NULL PRIMARY KEY,
    organization_id TEXT    NOT NULL REFERENCES organizations (id),
    name            TEXT    NOT NULL,
    prefix          TEXT    NOT NULL,
    hash            TEXT    NOT NULL UNIQUE,
    scopes          TEXT    NOT NULL,
    test            BOOLEAN NOT NULL,
    expires_at      BIGINT,
    last_used_at    BIGINT,
    revoked_at      BIGINT,
    created_at      BIGINT  NOT NULL
);

-- Serves the keyset pagination of a list: newest first, id breaking ties.
CREATE INDEX api_keys_by_organization ON api_keys (organization_id, created_at DESC, id DESC);
