-- Workspaces: one row per workspace, its files in <data-dir>/workspaces/<id>. Portable like V1.

CREATE TABLE workspaces (
    id              TEXT   NOT NULL PRIMARY KEY,
    organization_id TEXT   NOT NULL REFERENCES organizations (id),
    name            TEXT   NOT NULL,
    slug            TEXT   NOT NULL,
    quota_bytes     BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (organization_id, slug)
);

-- Serves the keyset pagination of a list: newest first, id breaking ties.
CREATE INDEX workspaces_by_organization ON workspaces (organization_id, created_at DESC, id DESC);
