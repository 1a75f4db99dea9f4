-- Sandboxes, portable like V1. Tags, metadata and environment live in child tables of their own, so that list
-- filters are plain SQL in both dialects; they are written with the sandbox and never change after.

CREATE TABLE sandboxes (
    id                   TEXT    NOT NULL PRIMARY KEY,
    organization_id      TEXT    NOT NULL REFERENCES organizations (id),
    name                 TEXT,
    template             TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    vcpus                INTEGER NOT NULL,
    memory_bytes         BIGINT  NOT NULL,
    disk_bytes           BIGINT  NOT NULL,
    pids                 INTEGER NOT NULL,
    idle_timeout_seconds BIGINT  NOT NULL,
    error                TEXT,
    created_at           BIGINT  NOT NULL,
    last_activity_at     BIGINT  NOT NULL,
    paused_at            BIGINT,
    stopped_at           BIGINT
);

-- Serves the keyset pagination of a list: newest first, id breaking ties.
CREATE INDEX sandboxes_by_organization ON sandboxes (organization_id, created_at DESC, id DESC);

-- A name belongs to at most one sandbox of an organization that is not stopped or failed; a second insert is a
-- unique violation, which the store answers as conflict. Ended sandboxes free their name.
CREATE UNIQUE INDEX sandboxes_live_name ON sandboxes (organization_id, name)
    WHERE name IS NOT NULL AND status NOT IN ('stopped', 'failed');

-- Serves the concurrent-sandbox count of an organization and the start-up list of what the runtime should hold,
-- without reading the stopped sandboxes kept as history.
CREATE INDEX sandboxes_active ON sandboxes (organization_id)
    WHERE status IN ('creating', 'running', 'paused');

-- The position keeps tags in the order the client gave them.
CREATE TABLE sandbox_tags (
    sandbox_id TEXT    NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (sandbox_id, position)
);

CREATE TABLE sandbox_metadata (
    sandbox_id TEXT NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (sandbox_id, key)
);

CREATE TABLE sandbox_env (
    sandbox_id TEXT NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (sandbox_id, name)
);
