-- Workspaces are volumes of a fixed size now: every one has a quota (rows made before had none and get the default,
-- 1 GiB). Sandboxes remember the workspaces they mount, in the order asked for. Portable like V1.

UPDATE workspaces SET quota_bytes = 1073741824 WHERE quota_bytes IS NULL;

CREATE TABLE sandbox_mounts (
    sandbox_id   TEXT    NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    workspace_id TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    read_only    BOOLEAN NOT NULL,
    PRIMARY KEY (sandbox_id, position)
);

-- Serves "which sandboxes mount this workspace", asked before a workspace is deleted.
CREATE INDEX sandbox_mounts_by_workspace ON sandbox_mounts (workspace_id);
