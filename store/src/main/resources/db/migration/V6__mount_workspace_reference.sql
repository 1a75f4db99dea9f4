-- A mount remembers the workspace as the client named it (UUID, slug, or a DEV-style free-form id), so that the
-- sandbox shows back what was given; workspace_id stays the UUID it resolved to. Rows made before have none and
-- show their workspace_id. Portable like V1.

ALTER TABLE sandbox_mounts ADD COLUMN workspace_ref TEXT;
